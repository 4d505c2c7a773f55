//! What every command shares on the command line: who the tool says it is to Plex and how it
//! connects (one group of flags, ready for a help heading of its own), and the output format;
//! the token and server arguments the commands that need them flatten in; durations.

use std::time::Duration;

use clap::Args;

/// The flags every command takes.
#[derive(Args)]
pub(crate) struct GlobalFlags {
    #[command(flatten)]
    pub(crate) connection: ConnectionFlags,
    /// Print one JSON document on stdout (the result, or {"error": ...}) instead of text.
    #[arg(long, global = true)]
    pub(crate) json: bool,
}

/// The identity the tool sends to Plex, and how it reaches plex.tv and servers.
#[derive(Args)]
pub(crate) struct ConnectionFlags {
    /// A stable identifier of this installation (a UUID). Default: one kept in
    /// $XDG_CONFIG_HOME/plex-auth/client-identifier (else ~/.config/...), created on first use,
    /// so that plex.tv sees one device and not a new one per run.
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
    /// The plex.tv API base URL (for a proxy or a test server).
    #[arg(
        long,
        env = "PLEX_TV_URL",
        global = true,
        default_value = "https://plex.tv/api/v2"
    )]
    pub(crate) plex_tv_url: String,
    /// Total time allowed for each attempt, in seconds. For `connect`, also the probe timeout:
    /// how long each of the server's connections may take to answer (3 by default).
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_seconds)]
    pub(crate) timeout: Option<Duration>,
    /// Make one attempt only: no retry after a transport error or a 502/503/504.
    #[arg(long, global = true)]
    pub(crate) no_retry: bool,
}

/// The account token, for the commands that act as the account.
#[derive(Args)]
pub(crate) struct TokenArg {
    /// The Plex token to authenticate with.
    #[arg(long, env = "PLEX_TOKEN", hide_env_values = true)]
    pub(crate) token: String,
}

/// The Plex Media Server, for the commands that call one.
#[derive(Args)]
pub(crate) struct ServerArg {
    /// The Plex Media Server's URL, e.g. http://192.168.1.10:32400.
    #[arg(long, env = "PLEX_SERVER_URL")]
    pub(crate) server: String,
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
