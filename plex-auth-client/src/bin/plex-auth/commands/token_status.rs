//! `plex-auth token-status`: valid, invalid (plex.tv refused it: drop it) or unknown (no
//! verdict: keep it). The verdict is the exit code; never prints the token.

use clap::Args;
use plex_auth_client::TokenStatus as Status;
use serde_json::json;

use crate::clients::plex_tv;
use crate::exit;
use crate::failure::Failure;
use crate::flags::TokenArg;
use crate::message::describe;
use crate::run::{Context, Run};

/// Tell whether a token is valid, invalid (drop it) or of unknown status (keep it).
///
/// Exit code 0: valid; 3: plex.tv refused it (its 401 envelope with code 1001, or 422
/// "Invalid token"); 4: no verdict (no answer, a timeout, a 5xx or 429, a 401 that is not
/// plex.tv's refusal). Never prints the token.
#[derive(Args)]
pub(crate) struct TokenStatus {
    #[command(flatten)]
    token: TokenArg,
}

impl Run for TokenStatus {
    /// A failure to get a verdict is a result too: "unknown".
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        let credentials = context.credentials(&self.token)?;
        let status = plex_tv(context.flags, Some(&credentials))?
            .token_status()
            .await;
        let (verdict, code) = match &status {
            Status::Valid(_) => ("valid", exit::SUCCESS),
            Status::Invalid(_) => ("invalid", exit::AUTH),
            // Everything else is no verdict, the non-exhaustive rest included.
            _ => ("unknown", exit::NETWORK),
        };
        // One line, with the server's text redacted.
        let reason = status.error().map(describe);
        let output = context.output;
        if output.json() {
            output.document(&json!({ "status": verdict, "reason": reason }));
            return Ok(code);
        }
        output.out(verdict);
        if let Some(reason) = reason {
            if status.is_invalid() {
                output.note(&format!("plex-auth: plex.tv refused the token: {reason}"));
                output.note("plex-auth: drop it and sign in again");
            } else {
                output.note(&format!("plex-auth: no verdict on the token: {reason}"));
                output.note("plex-auth: keep it and check again later");
            }
        }
        Ok(code)
    }
}
