//! `plex-auth home-users`: the Plex Home's profiles, by name, with what `switch-user` takes;
//! also the list `switch-user` chooses a profile from by name.

use clap::Args;
use plex_auth_client::Redactor;
use plex_auth_client::types::HomeUser;
use serde_json::{Value, json};

use crate::clients::plex_tv;
use crate::credentials::Credentials;
use crate::exit;
use crate::failure::Failure;
use crate::flags::TokenArg;
use crate::output::Output;
use crate::run::{Context, Run};

/// List the Plex Home's profiles, by name, for switch-user.
///
/// Each profile's name, uuid, and whether it is the Home's administrator, has a PIN, is
/// restricted or is the guest profile.
///
/// `switch-user` takes a profile's name or uuid. Never prints a token.
#[derive(Args)]
pub(crate) struct HomeUsers {
    #[command(flatten)]
    token: TokenArg,
}

impl Run for HomeUsers {
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        let credentials = context.credentials(&self.token)?;
        let (profiles, shown) = home_profiles(context, &credentials).await?;
        print(context.output, &profiles, &shown);
        Ok(exit::SUCCESS)
    }
}

/// The Home's profiles, and a redactor for their texts (the account's token, and any token
/// of the answer).
pub(super) async fn home_profiles(
    context: &Context<'_>,
    credentials: &Credentials,
) -> Result<(Vec<HomeUser>, Redactor), Failure> {
    let home = plex_tv(context.flags, Some(credentials))?
        .get_home_users()
        .await?
        .into_inner();
    let token = credentials.token().await?;
    let shown = Redactor::new([token.expose()]).secrets_of(&home);
    Ok((home.users, shown))
}

/// "admin, PIN": what sets a profile apart.
pub(super) fn traits(profile: &HomeUser) -> Vec<&'static str> {
    let mut traits = Vec::new();
    if profile.admin == Some(true) {
        traits.push("admin");
    }
    if profile.protected == Some(true) {
        traits.push("PIN");
    }
    if profile.restricted == Some(true) {
        traits.push("restricted");
    }
    if profile.guest == Some(true) {
        traits.push("guest");
    }
    traits
}

fn print(output: &Output, profiles: &[HomeUser], shown: &Redactor) {
    if output.json() {
        let users: Vec<Value> = profiles
            .iter()
            .map(|profile| {
                json!({
                    "title": shown.text(&profile.title),
                    "uuid": shown.text(&profile.uuid),
                    "username": profile.username.as_deref().map(|name| shown.text(name)),
                    "admin": profile.admin == Some(true),
                    "protected": profile.protected == Some(true),
                    "restricted": profile.restricted == Some(true),
                    "guest": profile.guest == Some(true),
                })
            })
            .collect();
        output.document(&json!({ "users": users }));
        return;
    }
    if profiles.is_empty() {
        output.out("No Home profile.");
    }
    let rows: Vec<(String, String, String)> = profiles
        .iter()
        .map(|profile| {
            (
                shown.text(&profile.title),
                shown.text(&profile.uuid),
                traits(profile).join(", "),
            )
        })
        .collect();
    let width = rows
        .iter()
        .map(|row| row.0.chars().count())
        .max()
        .unwrap_or(0);
    for (title, uuid, traits) in rows {
        let line = format!("{title:<width$}  {uuid}  {traits}");
        output.out(line.trim_end());
    }
}
