//! `plex-auth claim`: a claim token for a new Plex Media Server, the one secret this command
//! prints.

use clap::Args;
use serde_json::json;

use crate::clients::plex_tv_v1;
use crate::exit;
use crate::failure::Failure;
use crate::flags::TokenArg;
use crate::run::{Context, Run};

/// Get a claim token for a new Plex Media Server; print it.
///
/// It links the server to the account: the official Docker image's PLEX_CLAIM, or the
/// server's first-run page. It lasts a few minutes.
#[derive(Args)]
pub(crate) struct Claim {
    #[command(flatten)]
    token: TokenArg,
}

impl Run for Claim {
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        let credentials = context.credentials(&self.token)?;
        let answer = plex_tv_v1(context.flags, &credentials)?
            .get_claim_token()
            .await?;
        context.output.token(
            "token",
            &answer.token,
            json!({}),
            Some("Claim token (valid for a few minutes):"),
        )?;
        Ok(exit::SUCCESS)
    }
}
