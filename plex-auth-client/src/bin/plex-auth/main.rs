//! `plex-auth`: sign in to Plex (with two-factor authentication), check a token and keep it in
//! use, switch Plex Home profiles, and get transient tokens and source connection details from
//! a Plex Media Server.
//!
//! Built on plex-auth-client's public API only. Secrets stay out of the output: the password is
//! never echoed nor printed, and a token is printed only by the commands whose job it is
//! (`sign-in`, `transient-token`, `switch-user`).

mod account;
mod identifier;
mod output;
mod pin;
mod servers;

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use plex_auth_client::types::{SignInRequest, TransientTokenScope, TransientTokenType};
use plex_auth_client::{
    ClientBuilder, ClientIdentity, ClientKind, Error, ErrorKind, PlexTvClient, PmsClient,
    RetryConfig, Secret, Timeouts,
};

use crate::output::Output;

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  any other failure (an unexpected answer, a body that does not decode)
  2  bad input: a missing or malformed argument, or a request refused before it was sent
  3  authentication failed: wrong login or password, verification code refused or missing,
     locked out, invalid or revoked token, token refused by the server, PIN expired
  4  network failure: the connection could not be made or broke, or the call timed out;
     for `connect`, no connection of the server answered
  5  rate limited by plex.tv: try again later

token-status exits 0 when the token is valid, 3 when plex.tv refused it (drop it), and 4 when
its status is unknown (no answer, a timeout, a 5xx or 429: keep the token).

Environment: PLEX_CLIENT_IDENTIFIER, PLEX_PRODUCT, PLEX_VERSION, PLEX_PLATFORM, PLEX_DEVICE,
PLEX_DEVICE_NAME, PLEX_TOKEN, PLEX_TV_URL, PLEX_SERVER_URL, PLEX_LOGIN, PLEX_PASSWORD (sign-in:
read instead of prompting), PLEX_VERIFICATION_CODE, PLEX_HOME_PIN (switch-user).";

/// Exit codes; see `EXIT_CODES`.
mod exit {
    pub const FAILURE: u8 = 1;
    pub const BAD_INPUT: u8 = 2;
    pub const AUTH: u8 = 3;
    pub const NETWORK: u8 = 4;
    pub const RATE_LIMITED: u8 = 5;
}

#[derive(Parser)]
#[command(
    name = "plex-auth",
    version,
    about = "Sign in to Plex and work with Plex tokens.",
    after_help = EXIT_CODES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    common: Common,
}

#[derive(Args)]
struct Common {
    /// A stable identifier of this installation (a UUID). Default: one kept in
    /// $XDG_CONFIG_HOME/plex-auth/client-identifier (else ~/.config/...), created on first use,
    /// so that plex.tv sees one device and not a new one per run.
    #[arg(long, env = "PLEX_CLIENT_IDENTIFIER", global = true)]
    client_identifier: Option<String>,
    /// The product name sent as X-Plex-Product.
    #[arg(long, env = "PLEX_PRODUCT", global = true, default_value = "plex-auth")]
    product: String,
    /// The product version sent as X-Plex-Version.
    #[arg(long, env = "PLEX_VERSION", global = true, default_value = env!("CARGO_PKG_VERSION"))]
    product_version: String,
    /// The platform sent as X-Plex-Platform.
    #[arg(long, env = "PLEX_PLATFORM", global = true, default_value = std::env::consts::OS)]
    platform: String,
    /// The device sent as X-Plex-Device.
    #[arg(long, env = "PLEX_DEVICE", global = true)]
    device: Option<String>,
    /// The device name users see in their device list (X-Plex-Device-Name).
    #[arg(long, env = "PLEX_DEVICE_NAME", global = true)]
    device_name: Option<String>,
    /// The plex.tv API base URL (for a proxy or a test server).
    #[arg(
        long,
        env = "PLEX_TV_URL",
        global = true,
        default_value = "https://plex.tv/api/v2"
    )]
    plex_tv_url: String,
    /// Print one JSON document on stdout (the result, or {"error": ...}) instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// Total time allowed for each attempt, in seconds.
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_seconds)]
    timeout: Option<Duration>,
    /// Make one attempt only: no retry after a transport error or a 502/503/504.
    #[arg(long, global = true)]
    no_retry: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Sign in with a login and password; print the account's token.
    ///
    /// Asks for the two-factor code when the account needs one, then tries once more.
    SignIn {
        /// The account's email address or username (asked for when absent).
        #[arg(long, env = "PLEX_LOGIN")]
        login: Option<String>,
        /// The two-factor code, sent with the sign-in (asked for when absent and needed).
        #[arg(long, env = "PLEX_VERIFICATION_CODE", hide_env_values = true)]
        code: Option<String>,
        /// Ask plex.tv for a long-lived token.
        #[arg(long)]
        remember_me: bool,
    },
    /// Sign in with a PIN, as Plex asks apps to: approve it at plex.tv/link; print the token.
    ///
    /// Says on stderr where to go and the code to enter (with --strong, the app.plex.tv page to
    /// open instead), waits for the approval, and prints the account's token alone on stdout.
    /// Accounts that sign in with Google, Apple or another provider have no password: this is
    /// their way in. Needs no terminal.
    Login {
        /// Ask for a strong PIN and print the app.plex.tv page to open in a browser.
        #[arg(long)]
        strong: bool,
        /// Where app.plex.tv sends the browser once the user approved (with --strong).
        #[arg(long, requires = "strong", value_name = "URL")]
        forward_url: Option<String>,
        /// Seconds between two checks of the PIN.
        #[arg(long, value_name = "SECONDS", value_parser = parse_seconds, default_value = "1")]
        interval: Duration,
    },
    /// Approve a code shown on another device, with the account's token (what plex.tv/link does).
    Link {
        /// The code the other device shows.
        code: String,
        #[command(flatten)]
        token: TokenArg,
    },
    /// Show the account behind a token (exit code 0: the token is valid).
    ///
    /// Never prints the token.
    TokenDetails {
        #[command(flatten)]
        token: TokenArg,
    },
    /// Tell whether a token is valid, invalid (drop it) or of unknown status (keep it).
    ///
    /// Exit code 0: valid; 3: plex.tv refused it (401, or 422 "Invalid token"); 4: no verdict
    /// (no answer, a timeout, a 5xx or 429). Never prints the token.
    TokenStatus {
        #[command(flatten)]
        token: TokenArg,
    },
    /// Keep a token in use (plex.tv's ping); unused tokens expire, so run it daily.
    Ping {
        #[command(flatten)]
        token: TokenArg,
    },
    /// Switch to a Plex Home profile; print the profile's token.
    ///
    /// Asks for the profile's PIN (without echo) when it needs one and none was given, then
    /// tries once more.
    SwitchUser {
        #[command(flatten)]
        token: TokenArg,
        /// The profile's uuid.
        uuid: String,
        /// The profile's 4-digit PIN, for a protected profile (PLEX_HOME_PIN or the prompt keep
        /// it off the command line, which other users of the machine can see).
        #[arg(long, env = "PLEX_HOME_PIN", hide_env_values = true)]
        pin: Option<String>,
    },
    /// Get a transient token from a Plex Media Server; print it.
    ///
    /// The token is valid up to 48 hours, until the server restarts.
    TransientToken {
        #[command(flatten)]
        token: TokenArg,
        #[command(flatten)]
        server: ServerArg,
    },
    /// Show how to reach a source known to a Plex Media Server.
    ///
    /// Never prints the source's access token.
    Resources {
        #[command(flatten)]
        token: TokenArg,
        #[command(flatten)]
        server: ServerArg,
        /// The source: `server://<client-identifier>` or `provider://<identifier>`.
        #[arg(long)]
        source: String,
    },
    /// List the account's servers and their connections (local, remote, relay).
    ///
    /// Never prints a token.
    Servers(servers::ServersArgs),
    /// Find the connection to use for a server; print its base URL.
    ///
    /// Probes every connection in parallel, confirms the server's identity, and prefers local
    /// over remote over relay, https over http. Exit code 4 when none answers.
    Connect(servers::ConnectArgs),
}

#[derive(Args)]
struct TokenArg {
    /// The Plex token to authenticate with.
    #[arg(long, env = "PLEX_TOKEN", hide_env_values = true)]
    token: String,
}

#[derive(Args)]
struct ServerArg {
    /// The Plex Media Server's URL, e.g. http://192.168.1.10:32400.
    #[arg(long, env = "PLEX_SERVER_URL")]
    server: String,
}

/// The longest duration a command line may ask for: a day.
const MAX_SECONDS: f64 = 86_400.0;

/// A positive number of seconds, at most [`MAX_SECONDS`]; anything else is an error (exit code
/// 2), never a panic.
fn parse_seconds(text: &str) -> Result<Duration, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|seconds| *seconds > 0.0 && *seconds <= MAX_SECONDS)
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
        .ok_or_else(|| format!("{text:?} is not a number of seconds between 0 and {MAX_SECONDS}"))
}

/// A failure, with the exit code it maps to.
struct Failure {
    code: u8,
    message: String,
    error: Option<Error>,
}

impl Failure {
    fn bad_input(message: impl Into<String>) -> Self {
        Self {
            code: exit::BAD_INPUT,
            message: message.into(),
            error: None,
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self {
            code: exit_code(error.kind()),
            // The library's messages never carry secrets.
            message: error.to_string(),
            error: Some(error),
        }
    }
}

fn exit_code(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::VerificationCodeRequired
        | ErrorKind::HomePinRequired
        | ErrorKind::InvalidCredentials
        | ErrorKind::LockedOut
        | ErrorKind::InvalidToken
        | ErrorKind::Unauthorized
        | ErrorKind::PinExpired => exit::AUTH,
        ErrorKind::Transport | ErrorKind::Timeout | ErrorKind::NoConnection => exit::NETWORK,
        ErrorKind::RateLimited => exit::RATE_LIMITED,
        ErrorKind::InvalidInput | ErrorKind::Config => exit::BAD_INPUT,
        _ => exit::FAILURE,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let output = Output::new(cli.common.json);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            output.failure(&Failure {
                code: exit::FAILURE,
                message: format!("cannot start the async runtime: {err}"),
                error: None,
            });
            return ExitCode::from(exit::FAILURE);
        }
    };
    match runtime.block_on(run(cli, &output)) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            output.failure(&failure);
            ExitCode::from(failure.code)
        }
    }
}

/// Runs the command; its exit code when it has a result to report (0, or `token-status`'s
/// verdict).
async fn run(cli: Cli, output: &Output) -> Result<u8, Failure> {
    let common = &cli.common;
    match cli.command {
        Command::SignIn {
            login,
            code,
            remember_me,
        } => {
            let plex = plex_tv(common, None)?;
            let login = match login {
                Some(login) => login,
                None => read_line("Plex login (email or username): ")?,
            };
            let password = read_password()?;
            // A code given up front goes with the first attempt: every refused sign-in counts
            // towards plex.tv's IP lockout, so none is spent on a request bound to fail.
            let code_given = code.is_some();
            let mut request = SignInRequest {
                login,
                password,
                remember_me: remember_me.then_some(true),
                verification_code: code.map(|code| Secret::new(code.trim())),
            };
            let account = match plex.post_users_sign_in_data(&request).await {
                Err(err) if err.kind() == ErrorKind::VerificationCodeRequired && !code_given => {
                    let code = read_line("Two-factor verification code: ")?;
                    request.verification_code = Some(Secret::new(code.trim()));
                    // Once only: repeated failures lock the IP out.
                    plex.post_users_sign_in_data(&request).await?
                }
                other => other?,
            };
            output.signed_in(&account);
        }
        Command::TokenDetails { token } => {
            let plex = plex_tv(common, Some(token.token))?;
            let account = plex.get_token_details().await?;
            output.account(&account);
        }
        Command::TransientToken { token, server } => {
            let pms = pms(common, &server.server, token.token)?;
            let answer = pms
                .get_transient_token(TransientTokenScope::All, TransientTokenType::Delegation)
                .await?;
            output.transient_token(&answer.media_container.token);
        }
        Command::Resources {
            token,
            server,
            source,
        } => {
            let pms = pms(common, &server.server, token.token)?;
            let answer = pms.get_source_connection_information(&source).await?;
            output.resources(&answer);
        }
        Command::Login {
            strong,
            forward_url,
            interval,
        } => pin::login(common, output, strong, forward_url.as_deref(), interval).await?,
        Command::Link { code, token } => pin::link(common, output, code, token.token).await?,
        Command::TokenStatus { token } => {
            return account::token_status(common, token.token, output).await;
        }
        Command::Ping { token } => account::ping(common, token.token, output).await?,
        Command::SwitchUser { token, uuid, pin } => {
            account::switch_user(common, token.token, &uuid, pin, output).await?;
        }
        Command::Servers(args) => servers::list(common, args, output).await?,
        Command::Connect(args) => servers::connect(common, args, output).await?,
    }
    Ok(0)
}

fn identity(common: &Common) -> Result<ClientIdentity, Failure> {
    let client_identifier = identifier::resolve(common.client_identifier.as_deref())?;
    let mut identity =
        ClientIdentity::new(client_identifier, &common.product, &common.product_version)
            .platform(&common.platform);
    if let Some(device) = &common.device {
        identity = identity.device(device);
    }
    if let Some(name) = &common.device_name {
        identity = identity.device_name(name);
    }
    Ok(identity)
}

/// Applies `--timeout` and `--no-retry` to a client builder (of either client).
fn configure<C: ClientKind>(common: &Common, mut builder: ClientBuilder<C>) -> ClientBuilder<C> {
    if let Some(total) = common.timeout {
        builder = builder.timeouts(Timeouts {
            connect: total.min(Timeouts::default().connect),
            total,
        });
    }
    if common.no_retry {
        builder = builder.retry(RetryConfig::none());
    }
    builder
}

fn plex_tv(common: &Common, token: Option<String>) -> Result<PlexTvClient, Failure> {
    let mut builder = PlexTvClient::builder(identity(common)?).base_url(&common.plex_tv_url);
    if let Some(token) = token {
        builder = builder.token(token);
    }
    Ok(configure(common, builder).build()?)
}

fn pms(common: &Common, server: &str, token: String) -> Result<PmsClient, Failure> {
    let builder = PmsClient::builder(server, identity(common)?).token(token);
    Ok(configure(common, builder).build()?)
}

/// Reads one line from standard input, prompting on standard error when it is a terminal.
fn read_line(prompt: &str) -> Result<String, Failure> {
    if std::io::stdin().is_terminal() {
        let mut stderr = std::io::stderr();
        // A prompt that cannot be shown does not stop the answer from being read.
        let _ = write!(stderr, "{prompt}");
        let _ = stderr.flush();
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|err| Failure::bad_input(format!("cannot read standard input: {err}")))?;
    let line = line.trim().to_string();
    if line.is_empty() {
        let what = prompt.trim_end().trim_end_matches(':');
        return Err(Failure::bad_input(format!("no answer for {what:?}")));
    }
    Ok(line)
}

/// The password from PLEX_PASSWORD, else from a prompt that does not echo it.
fn read_password() -> Result<Secret, Failure> {
    if let Some(password) = std::env::var_os("PLEX_PASSWORD") {
        let password = password
            .into_string()
            .map_err(|_| Failure::bad_input("PLEX_PASSWORD is not valid UTF-8"))?;
        if password.is_empty() {
            return Err(Failure::bad_input("PLEX_PASSWORD is empty"));
        }
        return Ok(Secret::new(password));
    }
    match rpassword::prompt_password("Plex password: ") {
        Ok(password) if !password.is_empty() => Ok(Secret::new(password)),
        Ok(_) => Err(Failure::bad_input("the password is empty")),
        Err(_) => Err(Failure::bad_input(
            "cannot read the password from a terminal; set PLEX_PASSWORD",
        )),
    }
}
