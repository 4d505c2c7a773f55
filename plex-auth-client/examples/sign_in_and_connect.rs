//! From a login and password to a connected Plex Media Server, the whole way: keep one client
//! identifier, sign in (with the two-factor round), list the account's servers, let
//! `Connector` find the connection that proves to be the server, and call the server with its
//! own token. The README's first example is this program.
//!
//! With PLEX_LOGIN and PLEX_PASSWORD set it signs in to plex.tv (the identifier is kept in
//! `./.plex-client-identifier`; the verification code, when the account asks for one, comes
//! from PLEX_VERIFICATION_CODE or standard input) and connects to the server PLEX_SERVER names,
//! or the account's only one. Otherwise a loopback plex.tv asks for the code, then signs in,
//! and lists a server whose LAN address refuses and whose remote one answers, so it runs
//! offline:
//!
//! ```sh
//! cargo run -p plex-auth-client --example sign_in_and_connect
//! ```

use plex_auth_harness as harness;

use harness::{Answer, Exchange, Refused, Server, Step};
use plex_auth_client::safe_text::{inert, shown_url};
use plex_auth_client::types::{
    GetServerResourcesOptions, SignInRequest, TransientTokenScope, TransientTokenType,
};
use plex_auth_client::{
    CallOptions, ClientIdentity, Connector, ErrorKind, PlexTvClient, find_server,
    load_or_create_client_identifier,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let real = std::env::var("PLEX_LOGIN")
        .ok()
        .zip(std::env::var("PLEX_PASSWORD").ok());
    let text = match real {
        Some((login, password)) => {
            // One identifier per installation, kept from run to run: plex.tv registers every
            // new one as a new device of the account.
            let id = load_or_create_client_identifier(".plex-client-identifier")?;
            let identity = ClientIdentity::new(id, "plex-auth examples", "1.0");
            let plex = PlexTvClient::builder(identity.clone()).build()?;
            let request = SignInRequest::new(login, password);
            let server = std::env::var("PLEX_SERVER").ok();
            sign_in_and_connect(&plex, identity, request, verification_code, server).await?
        }
        None => {
            println!("PLEX_LOGIN/PLEX_PASSWORD are not set: a loopback plex.tv and server answer");
            let offline = Offline::start();
            let request = SignInRequest::new("username@email.com", "password123");
            let code = || Ok("123456".to_string());
            let server = Some("Box".to_string());
            sign_in_and_connect(
                &offline.plex_tv()?,
                harness::identity(),
                request,
                code,
                server,
            )
            .await?
        }
    };
    print!("{text}");
    Ok(())
}

/// Signs in with `request` on `plex` (a client without a token), asking `code` for the
/// two-factor code once when plex.tv wants one; then connects to `server` (a name or client
/// identifier; the account's only server when `None`) and asks it for a transient token.
async fn sign_in_and_connect(
    plex: &PlexTvClient,
    identity: ClientIdentity,
    request: SignInRequest,
    code: fn() -> std::io::Result<String>,
    server: Option<String>,
) -> Result<String, Box<dyn std::error::Error>> {
    // Sign in; accounts with 2FA answer "verification code required" until the code is sent.
    // Once only: repeated failures lock the IP out (code 1031).
    let account = match plex.post_users_sign_in_data(&request).await {
        Err(err) if err.kind() == ErrorKind::VerificationCodeRequired => {
            let request = request.verification_code(code()?);
            plex.post_users_sign_in_data(&request).await?
        }
        other => other?,
    };
    // A server's text reaches the terminal inert: no escape sequence, no forged line.
    let mut text = format!("signed in as {}\n", inert(&account.username));

    // The account's servers, every connection of each (https, relay and IPv6 ones too).
    let plex = plex.with_options(CallOptions::new().token(account.auth_token.clone()));
    let everything = GetServerResourcesOptions::new()
        .include_https(true)
        .include_relay(true)
        .include_ipv6(true);
    let devices = plex.get_server_resources(everything).await?.into_inner();
    let device = match server.as_deref() {
        // By name or client identifier: a value two servers share is an error listing both.
        Some(wanted) => find_server(&devices, wanted)?,
        None => match &devices[..] {
            [only] => only,
            _ => return Err("name the server: PLEX_SERVER".into()),
        },
    };

    // Probes carry no token; the client returned carries the server's own.
    let pms = Connector::new(identity).connect(device).await?;
    text += &format!(
        "connected to {} at {}\n",
        inert(&device.name),
        shown_url(pms.base_url())
    );
    let transient = pms
        .get_transient_token(TransientTokenScope::All, TransientTokenType::Delegation)
        .await?;
    text += &format!(
        "the server gave a transient token of {} characters\n",
        transient.media_container.token.expose().len()
    );
    Ok(text)
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

/// The token plex.tv lists for the server, which only the server accepts.
const SERVER_TOKEN: &str = "example-server-access-token";

/// plex.tv and one server on loopback: plex.tv asks for the two-factor code and then signs in,
/// and lists the server "Box", whose LAN address refuses and whose remote one answers.
struct Offline {
    plex_tv: Server,
    // Held so that it keeps answering; only the test reads it.
    #[cfg_attr(not(test), allow(dead_code))]
    server: Server,
    // Held so that the LAN address keeps refusing.
    _lan: Refused,
}

impl Offline {
    fn start() -> Self {
        let lan = Refused::new();
        let server = Server::start(|_, seen| {
            let answer = match seen.path() {
                "/identity" => Answer::json(
                    200,
                    r#"{"MediaContainer":{"size":0,"machineIdentifier":"box-machine-id"}}"#,
                ),
                "/security/token" if seen.header("x-plex-token") == Some(SERVER_TOKEN) => {
                    Answer::json(200, harness::fixture("derived/pms-security-token-200.json"))
                }
                _ => Answer::new(401),
            };
            vec![Step::Answer(answer)]
        });
        let resources = format!(
            r#"[{{"name":"Box","clientIdentifier":"box-machine-id","provides":"server","owned":true,"accessToken":"{SERVER_TOKEN}","connections":[
                {{"uri":"{}","local":true,"relay":false}},{{"uri":"{}","local":false,"relay":false}}]}},
               {{"name":"Phone","clientIdentifier":"phone","provides":"player","connections":[]}}]"#,
            lan.url(),
            server.url()
        );
        let code_asked = Exchange::load("sign-in-401-1029-verification-code-xml").answer();
        let signed_in = Exchange::load("sign-in-201-with-code").answer();
        let plex_tv = Server::start(move |_, seen| {
            let answer = match (seen.method.as_str(), seen.path()) {
                ("POST", "/users/signin") if seen.form().contains_key("verificationCode") => {
                    signed_in.clone()
                }
                ("POST", "/users/signin") => code_asked.clone(),
                ("GET", "/resources") => Answer::json(200, resources.clone()),
                _ => Answer::new(404),
            };
            vec![Step::Answer(answer)]
        });
        Self {
            plex_tv,
            server,
            _lan: lan,
        }
    }

    fn plex_tv(&self) -> Result<PlexTvClient, plex_auth_client::Error> {
        PlexTvClient::builder(harness::identity())
            .base_url(self.plex_tv.url())
            .build()
    }
}

// `cargo test` runs the offline path, so the example is checked in CI.
#[tokio::test]
async fn runs_offline() {
    let offline = Offline::start();
    let request = SignInRequest::new("username@email.com", "password123");
    let text = sign_in_and_connect(
        &offline.plex_tv().unwrap(),
        harness::identity(),
        request,
        || Ok("123456".into()),
        Some("Box".into()),
    )
    .await
    .unwrap();
    assert_eq!(
        text,
        format!(
            "signed in as ZjFvKLCb\nconnected to Box at {}/\nthe server gave a transient token of \
             46 characters\n",
            offline.server.url()
        )
    );
    // plex.tv: the sign-in without, then with the code; the list with the account's token.
    let asked = offline.plex_tv.seen();
    assert_eq!(asked.len(), 3);
    assert_eq!(asked[0].form().get("verificationCode"), None);
    assert_eq!(asked[1].form()["verificationCode"], "123456");
    assert_eq!(asked[2].path(), "/resources");
    assert_eq!(asked[2].header("x-plex-token"), Some("jx9nTbVbHk1gM"));
    // The server: the probe without a token, then the call with the server's own.
    let seen = offline.server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].path(), "/identity");
    assert_eq!(seen[0].header("x-plex-token"), None);
    assert_eq!(seen[1].path(), "/security/token");
    assert_eq!(seen[1].header("x-plex-token"), Some(SERVER_TOKEN));
}
