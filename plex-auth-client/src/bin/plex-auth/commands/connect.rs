//! `plex-auth connect`: the connection to use for one of the account's servers; prints its
//! base URL. Never prints a token: probes carry none, and what is shown of the server's
//! listing goes through a `Redactor`.

use std::time::Duration;

use clap::Args;
use plex_auth_client::types::PlexDevice;
use plex_auth_client::{Connector, Error, Redactor, ServerSummary, find_server};
use serde_json::json;

use super::servers::account_servers;
use crate::exit;
use crate::failure::Failure;
use crate::flags::{TokenArg, parse_seconds};
use crate::identity::identity;
use crate::lists::first_of;
use crate::run::{Context, Run};

/// How many servers the "choose one" message names before "and N more".
const SERVERS_PRINTED: usize = 10;

/// The longest base URL or server line printed whole: far above any Plex lists.
const TEXT_LIMIT: usize = 2048;

/// Find the connection to use for a server; print its base URL.
///
/// The long help is [`long_about`]: its numbers are the connector's own defaults.
#[derive(Args)]
#[command(long_about = long_about())]
pub(crate) struct Connect {
    /// The server's name or client identifier; needed when the account has several servers.
    /// A value that matches several servers (two of the same name, or a name that is another
    /// server's identifier) is refused: pass the client identifier `plex-auth servers` shows.
    #[arg(long, value_name = "NAME_OR_CLIENT_ID")]
    server: Option<String>,
    /// Time each of the server's connections may take to answer its probe, in seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        value_parser = parse_seconds,
        help = format!(
            "Time each of the server's connections may take to answer its probe, in seconds \
             (default {})",
            seconds(Connector::DEFAULT_PROBE_TIMEOUT)
        )
    )]
    probe_timeout: Option<Duration>,
    /// Time allowed for the whole choice, in seconds: connections still probing then count
    /// as failed.
    #[arg(
        long,
        value_name = "SECONDS",
        value_parser = parse_seconds,
        help = format!(
            "Time allowed for the whole choice, in seconds (default {}): connections still \
             probing then count as failed",
            seconds(Connector::DEFAULT_DEADLINE)
        )
    )]
    deadline: Option<Duration>,
    #[command(flatten)]
    token: TokenArg,
}

impl Run for Connect {
    async fn run(self, context: &Context<'_>) -> Result<u8, Failure> {
        let credentials = context.credentials(&self.token)?;
        let servers = account_servers(context, &credentials).await?;
        // The server's texts and the URL chosen can echo the account's token or a server's.
        let token = credentials.token().await?;
        let shown = Redactor::new([token.expose()]).secrets_of(&servers);
        let whole = shown.clone().max_chars(TEXT_LIMIT);
        let server = choose(&servers, self.server.as_deref(), &whole)?;
        let connector = Connector::new(identity(context.flags)?)
            .timeout(
                self.probe_timeout
                    .unwrap_or(Connector::DEFAULT_PROBE_TIMEOUT),
            )
            .deadline(self.deadline.unwrap_or(Connector::DEFAULT_DEADLINE));
        let pms = connector
            .connect(server)
            .await
            .map_err(|error| failure(error, &whole))?;
        let url = whole.text(pms.base_url());
        let output = context.output;
        if output.json() {
            output.document(&json!({
                "url": url,
                "name": shown.text(&server.name),
                "clientIdentifier": shown.text(&server.client_identifier),
            }));
        } else {
            output.note(&format!("Connected to {}.", shown.text(&server.name)));
            output.out(&url);
        }
        Ok(exit::SUCCESS)
    }
}

/// `connect --help`'s text, its numbers the [`Connector`]'s defaults.
fn long_about() -> String {
    format!(
        "Find the connection to use for a server; print its base URL.\n\n\
         Lists the account's servers on plex.tv (--timeout and --no-retry apply to that call), \
         then probes the server's connections at once (the {} best-ranked), without a token, \
         and keeps those whose /identity is the server's (--probe-timeout, --deadline). \
         Prefers local over remote over relay, and https over http: http only when no https \
         connection of the same or a better place can still answer, never for a server that \
         requires https. Answers as soon as no better connection can still answer, or {} s \
         after the first one proved. Never prints a token. Exit code 4 when no connection \
         proved to be the server, with what became of each (one a line, or `attempts` in \
         --json).",
        Connector::DEFAULT_MAX_CONNECTIONS,
        seconds(Connector::DEFAULT_GRACE),
    )
}

/// A duration as help shows it: "3", "0.4".
fn seconds(duration: Duration) -> String {
    duration.as_secs_f64().to_string()
}

/// The server named (by name or client identifier: see `find_server`), or the only one.
fn choose<'a>(
    servers: &'a [PlexDevice],
    wanted: Option<&str>,
    shown: &Redactor,
) -> Result<&'a PlexDevice, Failure> {
    if let Some(wanted) = wanted {
        return find_server(servers, wanted).map_err(|error| failure(error, shown));
    }
    match servers {
        [] => Err(Failure::bad_input("this account has no server")),
        [only] => Ok(only),
        _ => {
            let listed = first_of(servers, SERVERS_PRINTED, |s| {
                shown.text(&ServerSummary::from(s).to_string())
            });
            Err(Failure::bad_input(format!(
                "this account has several servers: choose one with --server NAME_OR_CLIENT_ID \
                 ({})",
                listed.join(", ")
            )))
        }
    }
}

/// A failed choice: for `NoConnection`, the message is the summary alone, since the attempts
/// follow it, one a line or as a list. The library redacted the secrets of the listing it was
/// given; `shown` also knows the account's token, which a server's texts can echo.
fn failure(mut error: Error, shown: &Redactor) -> Failure {
    redact(&mut error, shown);
    let mut failure = Failure::from(error);
    if let Some(Error::NoConnection { server, attempts }) = &failure.error {
        let probed = attempts.iter().filter(|a| a.outcome.probed()).count();
        let not_tried = match attempts.len() - probed {
            0 => String::new(),
            n => format!(", {n} not tried"),
        };
        failure.message = format!(
            "no connection to server {server:?} answered as that server ({probed} probed{not_tried})"
        );
    }
    failure
}

/// Every text of a failed choice or lookup, redacted by `shown`.
fn redact(error: &mut Error, shown: &Redactor) {
    let summaries = |servers: &mut Vec<ServerSummary>| {
        for summary in servers {
            summary.name = shown.text(&summary.name);
            summary.client_identifier = shown.text(&summary.client_identifier);
            summary.owner = summary.owner.as_deref().map(|owner| shown.text(owner));
        }
    };
    match error {
        Error::NoConnection { server, attempts } => {
            *server = shown.text(server);
            for attempt in attempts {
                attempt.url = shown.text(&attempt.url);
                attempt.reason = shown.text(&attempt.reason);
            }
        }
        Error::NoServerToken { server } => *server = shown.text(server),
        Error::ServerNotFound { wanted, servers } | Error::AmbiguousServer { wanted, servers } => {
            *wanted = shown.text(wanted);
            summaries(servers);
        }
        _ => {}
    }
}
