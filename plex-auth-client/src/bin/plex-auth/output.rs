//! Where the commands print, and the rules every line follows; what each command prints is in
//! its own file.
//!
//! Text mode puts the one value a command exists for (a token, a URL) alone on stdout and the
//! notes for people on stderr, so `TOKEN=$(plex-auth sign-in)` works. JSON mode prints exactly
//! one document on stdout, the result or `{"error": ...}`. Standard output is written through
//! one handle: when it is closed (`plex-auth … | head`), the program ends quietly with
//! [`exit::CLOSED_STDOUT`]. Standard error is best effort: a note that cannot be written is
//! dropped. Every line is inert ([`plex_auth_client::safe_text`]): a server's text reaches
//! here through a `Redactor`, the library's errors are redacted already, and a JSON document is
//! written with its controls escaped.

use std::io::Write;
use std::time::{Duration, UNIX_EPOCH};

use plex_auth_client::Secret;
use plex_auth_client::safe_text::{escape_json_controls, inert};
use serde_json::{Value, json};

use crate::exit;
use crate::failure::Failure;

/// The last second `httpdate` formats (9999-12-31T23:59:59Z); later dates are shown as numbers.
const LAST_HTTP_DATE: u64 = 253_402_300_799;

/// The longest token printed: far above Plex's tokens (20 characters) and JWTs (about 1 KiB).
const MAX_TOKEN_LENGTH: usize = 8192;

/// The output of one run: text or JSON.
pub(crate) struct Output {
    json: bool,
}

impl Output {
    pub(crate) fn new(json: bool) -> Self {
        Self { json }
    }

    /// Whether the run prints one JSON document.
    pub(crate) fn json(&self) -> bool {
        self.json
    }

    /// One line on stdout, made inert; a closed stdout ends the program quietly.
    pub(crate) fn out(&self, line: &str) {
        let mut stdout = std::io::stdout().lock();
        let written = stdout
            .write_all(inert(line).as_bytes())
            .and_then(|()| stdout.write_all(b"\n"))
            .and_then(|()| stdout.flush());
        if let Err(err) = written {
            stdout_failed(&err);
        }
    }

    /// One line on stderr for people, made inert; dropped when stderr cannot be written.
    pub(crate) fn note(&self, line: &str) {
        let mut stderr = std::io::stderr().lock();
        let _ = writeln!(stderr, "{}", inert(line));
    }

    /// The one JSON document of a run, its controls escaped.
    pub(crate) fn document(&self, value: &Value) {
        let text = escape_json_controls(&format!("{value:#}"));
        let mut stdout = std::io::stdout().lock();
        let written = writeln!(stdout, "{text}").and_then(|()| stdout.flush());
        if let Err(err) = written {
            stdout_failed(&err);
        }
    }

    /// A token a command exists to print: in JSON, `document` with the token added as `field`;
    /// in text, `note` on stderr (when there is one) and the token alone on stdout.
    pub(crate) fn token(
        &self,
        field: &str,
        token: &Secret,
        mut document: Value,
        note: Option<&str>,
    ) -> Result<(), Failure> {
        let token = printable(token)?;
        if self.json {
            document[field] = token.into();
            self.document(&document);
            return Ok(());
        }
        if let Some(note) = note {
            self.note(note);
        }
        self.out(token);
        Ok(())
    }

    /// A run that failed: the message, the error's details and its hint on stderr, or
    /// `{"error": ...}` on stdout.
    pub(crate) fn failure(&self, failure: &Failure) {
        if self.json {
            self.document(&json!({ "error": failure.to_json() }));
            return;
        }
        self.note(&format!("plex-auth: error: {}", failure.message));
        for line in failure.detail_lines() {
            self.note(&format!("plex-auth:   {line}"));
        }
        if let Some(hint) = failure.hint() {
            self.note(&format!("plex-auth: hint: {hint}"));
        }
    }

    /// Text this program made itself (a completion script, a man page), written as it is:
    /// it holds no server's byte, and its tabs and newlines are its own.
    pub(crate) fn raw(&self, text: &[u8]) {
        let mut stdout = std::io::stdout().lock();
        let written = stdout.write_all(text).and_then(|()| stdout.flush());
        if let Err(err) = written {
            stdout_failed(&err);
        }
    }
}

/// Ends the program after a failed write to stdout: quietly when the reader went away.
fn stdout_failed(err: &std::io::Error) -> ! {
    if err.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(exit::CLOSED_STDOUT.into());
    }
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(
        stderr,
        "plex-auth: error: cannot write to standard output: {err}"
    );
    std::process::exit(exit::FAILURE.into());
}

/// A token as it may be printed: printable ASCII, of a sensible length. Anything else is not
/// a token a script can use, and would put a server's bytes on a terminal.
pub(crate) fn printable(token: &Secret) -> Result<&str, Failure> {
    let text = token.expose();
    if !text.is_empty()
        && text.len() <= MAX_TOKEN_LENGTH
        && text.bytes().all(|b| b.is_ascii_graphic())
    {
        return Ok(text);
    }
    Err(Failure::other(format!(
        "the answer's token is not printable ASCII of 1 to {MAX_TOKEN_LENGTH} characters \
         ({} bytes); it is not printed",
        text.len()
    )))
}

/// Unix seconds as an HTTP date; the number itself when it is before 1970 or after 9999.
pub(crate) fn date(unix_seconds: i64) -> String {
    match u64::try_from(unix_seconds) {
        Ok(seconds) if seconds <= LAST_HTTP_DATE => {
            httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(seconds))
        }
        _ => unix_seconds.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_past_what_a_calendar_shows_are_numbers() {
        assert_eq!(date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(date(LAST_HTTP_DATE as i64), "Fri, 31 Dec 9999 23:59:59 GMT");
        for extreme in [LAST_HTTP_DATE as i64 + 1, i64::MAX, -1, i64::MIN] {
            assert_eq!(date(extreme), extreme.to_string());
        }
    }
}
