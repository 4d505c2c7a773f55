//! `plex-auth token-details`: the account behind a token; never the token, nor its services'
//! credentials.

use clap::Args;
use plex_auth_client::Redactor;
use plex_auth_client::types::UserPlexAccount;
use serde_json::json;

use crate::clients::plex_tv;
use crate::exit;
use crate::failure::Failure;
use crate::flags::TokenArg;
use crate::output::{Output, date};
use crate::run::{Context, Run};

/// Show the account behind a token (exit code 0: the token is valid).
///
/// Never prints the token.
#[derive(Args)]
pub(crate) struct TokenDetails {
    #[command(flatten)]
    token: TokenArg,
}

impl Run for TokenDetails {
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        let credentials = context.credentials(&self.token)?;
        let account = plex_tv(context.flags, Some(&credentials))?
            .get_token_details()
            .await?;
        // A name can echo the token sent, or a token of the answer.
        let token = credentials.token().await?;
        let shown = Redactor::new([token.expose()]).secrets_of(&*account);
        print(context.output, &account, &shown);
        Ok(exit::SUCCESS)
    }
}

fn print(output: &Output, account: &UserPlexAccount, shown: &Redactor) {
    let subscription = account.subscription.as_ref();
    let text = |value: &str| shown.text(value);
    let optional = |value: &Option<String>| value.as_deref().map(text);
    if output.json() {
        output.document(&json!({
            "valid": true,
            "id": account.id,
            "uuid": text(&account.uuid),
            "username": text(&account.username),
            "title": text(&account.title),
            "email": text(&account.email),
            "country": optional(&account.country),
            "locale": optional(&account.locale),
            "joinedAt": account.joined_at,
            "home": account.home,
            "twoFactorEnabled": account.two_factor_enabled,
            "subscription": subscription.map(|s| json!({
                "active": s.active,
                "status": optional(&s.status),
                "plan": optional(&s.plan),
            })),
        }));
        return;
    }
    output.out("The token is valid.");
    let rows = [
        ("username", text(&account.username)),
        ("title", text(&account.title)),
        ("email", text(&account.email)),
        ("uuid", text(&account.uuid)),
        ("id", account.id.to_string()),
        ("joined", account.joined_at.map(date).unwrap_or_default()),
        (
            "subscription",
            subscription
                .and_then(|s| optional(&s.status))
                .unwrap_or_else(|| "none".into()),
        ),
        (
            "two-factor",
            yes_no(account.two_factor_enabled, "enabled", "disabled"),
        ),
        ("Plex Home", yes_no(account.home, "yes", "no")),
    ];
    for (label, value) in rows {
        output.out(&format!("{:<14}{value}", format!("{label}:")));
    }
}

fn yes_no(flag: Option<bool>, yes: &str, no: &str) -> String {
    match flag {
        Some(true) => yes.into(),
        Some(false) => no.into(),
        None => "unknown".into(),
    }
}
