//! `post-users-sign-in-data`: sign in with a login and password, with the two-factor round.
//!
//! With PLEX_LOGIN and PLEX_PASSWORD set it signs in to plex.tv (the verification code, when
//! the account asks for one, comes from PLEX_VERIFICATION_CODE or standard input). Otherwise a
//! loopback server replays what plex.tv answers an account with 2FA: first 401 with error code
//! 1029 ("Please enter the verification code"), then 201 with the account.
//!
//! ```sh
//! cargo run -p plex-auth-client --example post_users_sign_in_data
//! ```

// Each example uses part of the shared module.
#[allow(dead_code)]
mod support;

use plex_auth_client::types::SignInRequest;
use plex_auth_client::{ErrorKind, PlexTvClient, Secret};
use support::{Answer, identity, replay};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let real = std::env::var("PLEX_LOGIN")
        .ok()
        .zip(std::env::var("PLEX_PASSWORD").ok());
    run(real).await
}

/// With a login and password, signs in to plex.tv; without, replays.
async fn run(real: Option<(String, String)>) -> Result<(), Box<dyn std::error::Error>> {
    let replayed = real.is_none();
    let (client, login, password) = match real {
        Some((login, password)) => (PlexTvClient::builder(identity()).build()?, login, password),
        None => {
            let url = replay(vec![
                Answer::xml(
                    401,
                    include_str!("fixtures/plextv-users-signin-401-1029-verification-code.xml"),
                ),
                Answer::json(201, include_str!("fixtures/plextv-users-signin-201.json")),
            ])
            .await?;
            println!(
                "PLEX_LOGIN/PLEX_PASSWORD are not set: replaying plex.tv's 2FA round from {url}"
            );
            let client = PlexTvClient::builder(identity()).base_url(url).build()?;
            (client, "username@email.com".into(), "password123".into())
        }
    };

    let mut request = SignInRequest {
        login,
        password: Secret::new(password),
        remember_me: None,
        verification_code: None,
    };
    let account = match client.post_users_sign_in_data(&request).await {
        Err(err) if err.kind() == ErrorKind::VerificationCodeRequired => {
            println!("plex.tv asks for the two-factor code: {err}");
            request.verification_code = Some(Secret::new(verification_code(replayed)?));
            // Once only: repeated failures lock the IP out (code 1031).
            client.post_users_sign_in_data(&request).await?
        }
        other => other?,
    };
    println!("signed in as {} ({})", account.username, account.email);
    println!(
        "received a token of {} characters; keep it, it is what the other calls need",
        account.auth_token.expose().len()
    );
    Ok(())
}

/// The replay accepts any code; otherwise PLEX_VERIFICATION_CODE, else a line of standard input.
fn verification_code(replayed: bool) -> std::io::Result<String> {
    if replayed {
        return Ok("123456".into());
    }
    if let Ok(code) = std::env::var("PLEX_VERIFICATION_CODE") {
        return Ok(code);
    }
    println!("verification code:");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim().to_string())
}

// `cargo test` runs this, so the offline path (the 2FA round) is checked in CI.
#[tokio::test]
async fn runs_offline() {
    run(None).await.expect("the replayed 2FA round signs in");
}
