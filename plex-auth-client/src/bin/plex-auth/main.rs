//! `plex-auth`: sign in to Plex (the PIN flow, or a password with two-factor authentication),
//! check a token and keep it in use, switch Plex Home profiles, find the account's servers and
//! connect to one, and get transient tokens and source connection details from a Plex Media
//! Server.
//!
//! Built on plex-auth-client's public API only. Secrets stay out of the output: the password is
//! never echoed nor printed, and a token is printed only by the commands whose job it is
//! (`login`, `sign-in`, `transient-token`, `switch-user`).

mod account;
mod answers;
mod clients;
mod exit;
mod failure;
mod identifier;
mod output;
mod panics;
mod pin;
mod servers;
mod sign_in;

use std::panic::AssertUnwindSafe;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use plex_auth_client::Redactor;
use plex_auth_client::types::{TransientTokenScope, TransientTokenType};

use crate::clients::{plex_tv, pms};
use crate::failure::Failure;
use crate::output::Output;

/// What `--help` says after the exit codes.
const ENVIRONMENT: &str = "\
token-status exits 0 when the token is valid, 3 when plex.tv refused it (drop it), and 4 when
its status is unknown (no answer, a timeout, a 5xx or 429, a 401 that is not plex.tv's refusal:
keep the token).

Environment: PLEX_CLIENT_IDENTIFIER, PLEX_PRODUCT, PLEX_VERSION, PLEX_PLATFORM, PLEX_DEVICE,
PLEX_DEVICE_NAME, PLEX_TOKEN, PLEX_TV_URL, PLEX_SERVER_URL, PLEX_LOGIN, PLEX_PASSWORD (sign-in:
read instead of prompting), PLEX_VERIFICATION_CODE, PLEX_HOME_PIN (switch-user).";

#[derive(Parser)]
#[command(
    name = "plex-auth",
    version,
    about = "Sign in to Plex and work with Plex tokens.",
    after_help = format!("{}\n{ENVIRONMENT}", exit::help())
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
    /// Total time allowed for each attempt, in seconds. For `connect`, also the probe timeout:
    /// how long each of the server's connections may take to answer (3 by default).
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
    /// Exit code 0: valid; 3: plex.tv refused it (its 401 envelope with code 1001, or 422
    /// "Invalid token"); 4: no verdict (no answer, a timeout, a 5xx or 429, a 401 that is not
    /// plex.tv's refusal). Never prints the token.
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
    /// Probes the server's connections at once (the 32 best-ranked), without a token, and keeps
    /// those whose /identity is the server's. Prefers local over remote over relay, and https
    /// over http: http only when no https connection of the same or a better place can still
    /// answer, never for a server that requires https. Answers as soon as no better connection
    /// can still answer, or 0.4 s after the first one proved. --timeout is each probe's time
    /// (3 s by default), --deadline the whole choice's (5 s). Never prints a token. Exit code 4
    /// when no connection proved to be the server, with what became of each.
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

fn main() -> ExitCode {
    panics::install_hook();
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
    // The hook has reported a panic already; it ends the program as any other failure.
    let outcome =
        std::panic::catch_unwind(AssertUnwindSafe(|| runtime.block_on(run(cli, &output))));
    match outcome {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(failure)) => {
            output.failure(&failure);
            ExitCode::from(failure.code)
        }
        Err(_) => ExitCode::from(exit::FAILURE),
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
        } => sign_in::run(common, output, login, code, remember_me).await?,
        Command::TokenDetails { token } => {
            let plex = plex_tv(common, Some(token.token.clone()))?;
            let account = plex.get_token_details().await?;
            // A name can echo the token sent, or a token of the answer.
            let shown = Redactor::new([token.token.as_str()]).secrets_of(&*account);
            output.account(&account, &shown);
        }
        Command::TransientToken { token, server } => {
            let pms = pms(common, &server.server, token.token)?;
            let answer = pms
                .get_transient_token(TransientTokenScope::All, TransientTokenType::Delegation)
                .await?;
            output.transient_token(&answer.media_container.token)?;
        }
        Command::Resources {
            token,
            server,
            source,
        } => {
            let pms = pms(common, &server.server, token.token.clone())?;
            let answer = pms.get_source_connection_information(&source).await?;
            let shown = Redactor::new([token.token.as_str()]).secrets_of(&*answer);
            output.resources(&answer, &shown);
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
