//! `post-users-sign-in-data`: sign in with a login and password, with the two-factor round.
//!
//! With PLEX_LOGIN, PLEX_PASSWORD and PLEX_CLIENT_IDENTIFIER set it signs in to plex.tv (the
//! verification code, when the account asks for one, comes from PLEX_VERIFICATION_CODE or
//! standard input). Otherwise a loopback server replays what plex.tv answers an account with
//! 2FA: first 401 with error code 1029 ("Please enter the verification code"), then 201 with
//! the account.
//!
//! ```sh
//! cargo run -p plex-auth-client --example post_users_sign_in_data
//! ```

use plex_auth_harness as harness;

use plex_auth_client::safe_text::inert;
use plex_auth_client::types::SignInRequest;
use plex_auth_client::{ClientIdentity, ErrorKind, PlexTvClient, Secret};

/// The replayed round: plex.tv asks for the code, then accepts it.
const ROUND: [&str; 2] = [
    "sign-in-401-1029-verification-code-xml",
    "sign-in-201-with-code",
];

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let real = std::env::var("PLEX_LOGIN")
        .ok()
        .zip(std::env::var("PLEX_PASSWORD").ok());
    let (client, login, password, _replay) = match real {
        Some((login, password)) => {
            let id = std::env::var("PLEX_CLIENT_IDENTIFIER")?;
            let identity = ClientIdentity::new(id, "plex-auth examples", "1.0");
            (
                PlexTvClient::builder(identity).build()?,
                login,
                password,
                None,
            )
        }
        None => {
            let replay = replay();
            println!("PLEX_LOGIN/PLEX_PASSWORD are not set: replaying plex.tv's 2FA round");
            let client = offline(&replay)?;
            (
                client,
                "username@email.com".into(),
                "password123".into(),
                Some(replay),
            )
        }
    };
    let request = SignInRequest::new(login, password);
    println!("{}", sign_in(&client, request, verification_code).await?);
    Ok(())
}

fn replay() -> harness::Server {
    harness::Server::answers(
        ROUND
            .map(|name| harness::Exchange::load(name).answer())
            .to_vec(),
    )
}

fn offline(replay: &harness::Server) -> Result<PlexTvClient, plex_auth_client::Error> {
    PlexTvClient::builder(harness::identity())
        .base_url(replay.url())
        .build()
}

/// Signs in; when plex.tv asks for the two-factor code, gets it from `code` and tries once
/// more (never more: repeated failures lock the IP out, code 1031).
async fn sign_in(
    client: &PlexTvClient,
    mut request: SignInRequest,
    code: fn() -> std::io::Result<String>,
) -> Result<String, Box<dyn std::error::Error>> {
    let account = match client.post_users_sign_in_data(&request).await {
        Err(err) if err.kind() == ErrorKind::VerificationCodeRequired => {
            println!("plex.tv asks for the two-factor code: {err}");
            request.verification_code = Some(Secret::new(code()?));
            client.post_users_sign_in_data(&request).await?
        }
        other => other?,
    };
    Ok(format!(
        "signed in as {} ({}); received a token of {} characters: keep it, the other calls need it",
        // plex.tv's text reaches the terminal inert: no escape sequence, no forged line.
        inert(&account.username),
        inert(&account.email),
        account.auth_token.expose().len()
    ))
}

/// PLEX_VERIFICATION_CODE, else a line of standard input.
fn verification_code() -> std::io::Result<String> {
    if let Ok(code) = std::env::var("PLEX_VERIFICATION_CODE") {
        return Ok(code);
    }
    println!("verification code:");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim().to_string())
}

// `cargo test` runs the offline path (the 2FA round), so the example is checked in CI.
#[tokio::test]
async fn runs_offline() {
    let replay = replay();
    let request = SignInRequest::new("username@email.com", "password123");
    let text = sign_in(&offline(&replay).unwrap(), request, || Ok("123456".into()))
        .await
        .unwrap();
    assert_eq!(
        text,
        "signed in as ZjFvKLCb (c9eMdShR@example.com); received a token of 13 characters: keep \
         it, the other calls need it"
    );
    let seen = replay.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].form().get("verificationCode"), None);
    assert_eq!(seen[1].form()["verificationCode"], "123456");
}
