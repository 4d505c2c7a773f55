//! `plex-auth status`: who is signed in, with which kind of token and until when, plex.tv's
//! verdict on it, and where it comes from. Never the token. Exit codes as `token-status`.

use std::time::{SystemTime, UNIX_EPOCH};

use clap::Args;
use plex_auth_client::{ErrorKind, Redactor, TokenKind, TokenStatus};
use serde_json::json;

use crate::account_name::account_name;
use crate::clients::plex_tv;
use crate::config;
use crate::credentials::{Credentials, Origin};
use crate::exit;
use crate::failure::Failure;
use crate::flags::TokenArg;
use crate::message::describe;
use crate::output::date;
use crate::run::{Context, Run};

/// Show who is signed in, with which token, and whether plex.tv takes it.
///
/// The account, the token's kind (legacy, or JWT with its expiry), plex.tv's verdict on it,
/// and where it comes from (--token, PLEX_TOKEN, or the account kept in the config folder,
/// with the others kept).
///
/// Never prints the token. Exit code 0: the token is valid; 3: nobody is signed in, or plex.tv
/// refused the token (sign in again); 4: no verdict (no answer, a timeout, a 5xx or 429, a 401
/// that is not plex.tv's refusal: keep the token).
#[derive(Args)]
pub(crate) struct Status {
    #[command(flatten)]
    token: TokenArg,
}

impl Run for Status {
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        let output = context.output;
        let credentials = match context.credentials(&self.token) {
            Ok(credentials) => credentials,
            Err(failure) if failure.kind() == Some(ErrorKind::NoToken) => {
                return not_signed_in(context, &failure);
            }
            Err(failure) => return Err(failure),
        };
        let status = plex_tv(context.flags, Some(&credentials))?
            .token_status()
            .await;
        // Not renewed again: a renewal that failed is the verdict "unknown", not a failure.
        let token = &credentials.known;
        let shown = Redactor::new([token.expose()]);
        let shown = match status.account() {
            Some(account) => shown.secrets_of(account),
            None => shown,
        };
        let (verdict, code) = match &status {
            TokenStatus::Valid(_) => ("valid", exit::SUCCESS),
            TokenStatus::Invalid(_) => ("invalid", exit::AUTH),
            _ => ("unknown", exit::NETWORK),
        };
        let reason = status.error().map(describe);
        // The account as plex.tv names it now, else as it was kept.
        let (name, email) = match (status.account(), &credentials.origin) {
            (Some(account), _) => (
                shown.text(account_name(account)),
                Some(shown.text(&account.email)).filter(|email| !email.is_empty()),
            ),
            (None, Origin::Kept { account, .. }) => (account.name.clone(), account.email.clone()),
            (None, _) => ("an unknown account".into(), None),
        };
        let kind = credentials
            .source
            .kind()
            .unwrap_or_else(|| TokenKind::of(token));
        let others = other_accounts(&credentials);
        if output.json() {
            let (kind_name, issued, expires) = match kind {
                TokenKind::Jwt {
                    issued_at,
                    expires_at,
                } => ("jwt", unix(issued_at), unix(expires_at)),
                _ => ("legacy", None, None),
            };
            let path = match &credentials.origin {
                Origin::Kept { path, .. } => Some(path.display().to_string()),
                _ => None,
            };
            output.document(&json!({
                "signedIn": true,
                "account": { "name": name, "email": email },
                "token": { "kind": kind_name, "issuedAt": issued, "expiresAt": expires },
                "status": verdict,
                "reason": reason,
                "from": from_name(&credentials.origin),
                "path": path,
                "otherAccounts": others,
            }));
            return Ok(code);
        }
        let account = match email {
            Some(email) => format!("{name} ({email})"),
            None => name,
        };
        output.out(&format!("account:  {account}"));
        output.out(&format!("token:    {}", describe_kind(kind)));
        let verdict = match (&status, &reason) {
            (TokenStatus::Valid(_), _) => "valid".to_string(),
            (TokenStatus::Invalid(_), Some(reason)) => {
                format!("invalid: plex.tv refused it ({reason})")
            }
            (_, Some(reason)) => format!("unknown: {reason}"),
            (_, None) => "unknown".to_string(),
        };
        output.out(&format!("status:   {verdict}"));
        output.out(&format!(
            "from:     {}",
            describe_origin(&credentials.origin)
        ));
        if !others.is_empty() {
            output.out(&format!("also kept: {}", others.join(", ")));
        }
        match &status {
            TokenStatus::Invalid(_) => {
                output.note("plex-auth: hint: sign in again with `plex-auth login`");
            }
            TokenStatus::Valid(_) => {}
            _ => output.note("plex-auth: hint: keep the token and check again later"),
        }
        Ok(code)
    }
}

/// Nobody signed in: said on stdout (a result, not a failure of the command), with what to
/// do on stderr; exit code 3.
fn not_signed_in(context: &Context<'_>, failure: &Failure) -> Result<u8, Failure> {
    let output = context.output;
    if output.json() {
        output.document(&json!({
            "signedIn": false,
            "reason": failure.message,
            "hint": failure.hint(),
        }));
    } else {
        output.out(&sentence(&failure.message));
        if let Some(hint) = failure.hint() {
            output.note(&format!("plex-auth: hint: {hint}"));
        }
    }
    Ok(exit::AUTH)
}

/// "not signed in" as a sentence: "Not signed in."
fn sentence(text: &str) -> String {
    let mut letters = text.chars();
    match letters.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), letters.as_str()),
        None => String::new(),
    }
}

/// The names of the other accounts kept.
fn other_accounts(credentials: &Credentials) -> Vec<String> {
    let used = match &credentials.origin {
        Origin::Kept { account, .. } => Some(account.uuid.as_str()),
        _ => None,
    };
    let kept = config::accounts()
        .and_then(|store| store.accounts().ok())
        .unwrap_or_default();
    kept.into_iter()
        .filter(|account| Some(account.uuid.as_str()) != used)
        .map(|account| account.name)
        .collect()
}

fn from_name(origin: &Origin) -> &'static str {
    match origin {
        Origin::Flag => "flag",
        Origin::Environment => "environment",
        Origin::Kept { .. } => "kept",
    }
}

fn describe_origin(origin: &Origin) -> String {
    match origin {
        Origin::Flag => "--token".into(),
        Origin::Environment => "PLEX_TOKEN (it wins over a kept account)".into(),
        Origin::Kept { path, .. } => format!("kept in {}", path.display()),
    }
}

fn describe_kind(kind: TokenKind) -> String {
    match kind {
        TokenKind::Jwt { expires_at, .. } => match unix(expires_at) {
            Some(seconds) => format!("JWT, expires {}", date(seconds)),
            None => "JWT, expired long ago".into(),
        },
        _ => "legacy (no expiry; revoked by signing out)".into(),
    }
}

/// Unix seconds; `None` before 1970.
fn unix(time: SystemTime) -> Option<i64> {
    let seconds = time.duration_since(UNIX_EPOCH).ok()?.as_secs();
    i64::try_from(seconds).ok()
}
