//! What the commands share on the command line: who the tool says it is to Plex and how it
//! connects (global, under a help heading of their own, after each command's own options),
//! the output format; the token and server arguments the commands that need them flatten in;
//! durations.

use std::time::Duration;

use clap::Args;
use plex_auth_client::Timeouts;

/// The heading of the flags every command shares, after the command's own options.
pub(crate) const SHARED_HEADING: &str = "Identity and connection";

/// The flags every command takes.
#[derive(Args)]
pub(crate) struct GlobalFlags {
    #[command(flatten)]
    pub(crate) connection: ConnectionFlags,
    /// Print one JSON document on stdout (the result, or {"error": ...}) instead of text.
    #[arg(long, global = true, help_heading = SHARED_HEADING)]
    pub(crate) json: bool,
}

/// The identity the tool sends to Plex, and how it reaches plex.tv and servers.
#[derive(Args)]
#[command(next_help_heading = SHARED_HEADING)]
pub(crate) struct ConnectionFlags {
    /// A stable identifier of this installation (a UUID). Default: one kept in the config
    /// folder (`plex-auth --help` names it), created on first use, so that plex.tv sees one
    /// device and not a new one per run. A kept JWT account renews as the identifier it signed
    /// in with.
    #[arg(long, env = "PLEX_CLIENT_IDENTIFIER", global = true)]
    pub(crate) client_identifier: Option<String>,
    /// The product name sent as X-Plex-Product.
    #[arg(long, env = "PLEX_PRODUCT", global = true, default_value = "plex-auth")]
    pub(crate) product: String,
    /// The product version sent as X-Plex-Version.
    #[arg(long, env = "PLEX_VERSION", global = true, default_value = env!("CARGO_PKG_VERSION"))]
    pub(crate) product_version: String,
    /// The platform sent as X-Plex-Platform.
    #[arg(long, env = "PLEX_PLATFORM", global = true, default_value = std::env::consts::OS)]
    pub(crate) platform: String,
    /// The device sent as X-Plex-Device.
    #[arg(long, env = "PLEX_DEVICE", global = true)]
    pub(crate) device: Option<String>,
    /// The device name users see in their device list (X-Plex-Device-Name).
    #[arg(long, env = "PLEX_DEVICE_NAME", global = true)]
    pub(crate) device_name: Option<String>,
    /// plex.tv's API base URL (for a proxy or a test server). The claim token is asked of its
    /// v1 base: this URL without its trailing /v2.
    #[arg(
        long,
        env = "PLEX_TV_URL",
        global = true,
        default_value = "https://plex.tv/api/v2"
    )]
    pub(crate) plex_tv_url: String,
    /// The base URL of clients.plex.tv, where JWTs are made and renewed (for a proxy or a test
    /// server).
    #[arg(
        long,
        env = "PLEX_CLIENTS_URL",
        global = true,
        default_value = "https://clients.plex.tv"
    )]
    pub(crate) plex_clients_url: String,
    /// Time allowed for each attempt of a call to plex.tv, clients.plex.tv or the Plex Media
    /// Server the command calls, from sending to the end of the answer, in seconds (30 by
    /// default). `connect` probes servers with its own --probe-timeout.
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_seconds)]
    pub(crate) timeout: Option<Duration>,
    /// Make one attempt per call: no retry after a transport error or a 502/503/504.
    #[arg(long, global = true)]
    pub(crate) no_retry: bool,
}

/// The account's token, for the commands that act as the account: given, or the kept one.
#[derive(Args)]
pub(crate) struct TokenArg {
    /// The Plex token to use (else PLEX_TOKEN, else the kept account's: see `plex-auth
    /// login`). Prefer PLEX_TOKEN: other users of the machine can see a command line. An
    /// empty value is an error, never a fall back to another token.
    #[arg(long, value_name = "TOKEN")]
    pub(crate) token: Option<String>,
    /// The kept account to use instead of the current one: its name, email or uuid. Given
    /// here, it wins over PLEX_TOKEN; from PLEX_ACCOUNT, only when no token is given.
    #[arg(long, value_name = "ACCOUNT", conflicts_with = "token")]
    pub(crate) account: Option<String>,
}

/// The Plex Media Server, for the commands that call one.
#[derive(Args)]
pub(crate) struct ServerArg {
    /// The Plex Media Server's URL, e.g. http://192.168.1.10:32400.
    #[arg(long, env = "PLEX_SERVER_URL")]
    pub(crate) server: String,
}

/// Whether to keep what a sign-in obtained, and as what: for `login` and `sign-in`.
#[derive(Args)]
pub(crate) struct KeepArgs {
    /// Keep nothing: only print the token (on a terminal too).
    #[arg(long)]
    pub(crate) no_store: bool,
    /// Sign in with a plex.tv JWT, renewed by this tool with a device key of its own, instead
    /// of a legacy token. Off by default until Plex Media Servers are known to accept JWTs:
    /// the commands that call a server (transient-token, resources) may need a legacy token.
    /// With sign-in, the legacy token the JWT replaces is signed out.
    #[arg(long)]
    pub(crate) jwt: bool,
}

/// The longest duration a command line may ask for: a day.
const MAX_SECONDS: f64 = 86_400.0;

/// A positive number of seconds, at most [`MAX_SECONDS`]; anything else is an error (exit code
/// 2), never a panic.
pub(crate) fn parse_seconds(text: &str) -> Result<Duration, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|seconds| *seconds > 0.0 && *seconds <= MAX_SECONDS)
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
        .ok_or_else(|| format!("{text:?} is not a number of seconds between 0 and {MAX_SECONDS}"))
}

impl ConnectionFlags {
    /// The timeouts `--timeout` asks for, if it does.
    pub(crate) fn timeouts(&self) -> Option<Timeouts> {
        self.timeout.map(|total| Timeouts {
            connect: total.min(Timeouts::default().connect),
            total,
        })
    }
}
