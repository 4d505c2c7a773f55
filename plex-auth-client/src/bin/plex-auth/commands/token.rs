//! `plex-auth token`: the token the other commands use, alone on stdout, for scripts.

use std::time::UNIX_EPOCH;

use clap::Args;
use plex_auth_client::TokenKind;
use serde_json::json;

use crate::exit;
use crate::failure::Failure;
use crate::flags::TokenArg;
use crate::run::{Context, Run};

/// Print the token the other commands use, alone on stdout.
///
/// The kept account's (a JWT near its end is renewed first, and the new one kept), or
/// --token's, or PLEX_TOKEN's.
///
/// For scripts: `PLEX_TOKEN=$(plex-auth token) other-tool`.
#[derive(Args)]
pub(crate) struct Token {
    #[command(flatten)]
    token: TokenArg,
}

impl Run for Token {
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        let credentials = context.credentials(&self.token)?;
        let token = credentials.token().await?;
        let kind = credentials
            .source
            .kind()
            .unwrap_or_else(|| TokenKind::of(&token));
        let document = match kind {
            TokenKind::Jwt { expires_at, .. } => json!({
                "kind": "jwt",
                "expiresAt": expires_at.duration_since(UNIX_EPOCH).ok().map(|at| at.as_secs()),
            }),
            _ => json!({ "kind": "legacy" }),
        };
        context.output.token("token", &token, document, None)?;
        Ok(exit::SUCCESS)
    }
}
