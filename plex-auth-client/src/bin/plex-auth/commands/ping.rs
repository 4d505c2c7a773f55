//! `plex-auth ping`: keeps a token in use (plex.tv's ping).

use clap::Args;
use serde_json::json;

use crate::clients::plex_tv;
use crate::exit;
use crate::failure::Failure;
use crate::flags::TokenArg;
use crate::run::{Context, Run};

/// Keep a token in use (plex.tv's ping); unused tokens expire, so run it daily.
#[derive(Args)]
pub(crate) struct Ping {
    #[command(flatten)]
    token: TokenArg,
}

impl Run for Ping {
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        let credentials = context.credentials(&self.token)?;
        let answer = plex_tv(context.flags, Some(&credentials))?
            .ping_token()
            .await?;
        if !answer.pong.get() {
            return Err(Failure::other(
                "plex.tv answered the ping with `pong` false",
            ));
        }
        if context.output.json() {
            context.output.document(&json!({ "pong": true }));
        } else {
            context.output.out("pong");
        }
        Ok(exit::SUCCESS)
    }
}
