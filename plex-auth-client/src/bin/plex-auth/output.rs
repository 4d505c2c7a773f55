//! Where the commands print: text for people, or one JSON document for scripts, and the rules
//! every line follows.
//!
//! Text mode puts the one value a command exists for (a token, a URL) alone on stdout and the
//! notes for people on stderr, so `TOKEN=$(plex-auth sign-in)` works. JSON mode prints exactly
//! one document on stdout, the result or `{"error": ...}`. Standard output is written through
//! one handle: when it is closed (`plex-auth … | head`), the program ends quietly with
//! [`exit::CLOSED_STDOUT`]. Standard error is best effort: a note
//! that cannot be written is dropped.

use std::io::Write;

use plex_auth_client::Secret;
use plex_auth_client::safe_text::{escape_json_controls, inert};
use serde_json::{Value, json};

use crate::{Failure, exit};

/// The longest token printed: far above Plex's tokens (20 characters) and JWTs (about 1 KiB).
const MAX_TOKEN_LENGTH: usize = 8192;

pub(crate) struct Output {
    pub(crate) json: bool,
}

impl Output {
    pub(crate) fn new(json: bool) -> Self {
        Self { json }
    }

    /// One line on stdout; a closed stdout ends the program quietly.
    pub(crate) fn out(&self, line: &str) {
        let mut stdout = std::io::stdout().lock();
        let written = stdout
            .write_all(line.as_bytes())
            .and_then(|()| stdout.write_all(b"\n"))
            .and_then(|()| stdout.flush());
        if let Err(err) = written {
            stdout_failed(&err);
        }
    }

    /// One line on stderr, for people; dropped when stderr cannot be written.
    pub(crate) fn note(&self, line: &str) {
        let mut stderr = std::io::stderr().lock();
        let _ = writeln!(stderr, "{line}");
    }

    pub(crate) fn print_json(&self, value: &Value) {
        self.out(&escape_json_controls(&format!("{value:#}")));
    }

    /// A token a command exists to print (`login`): alone on stdout, or as `{field: token}`.
    pub(crate) fn token(&self, field: &str, token: &Secret) -> Result<(), Failure> {
        let token = printable(token)?;
        if self.json {
            self.print_json(&json!({ field: token }));
        } else {
            self.out(token);
        }
        Ok(())
    }

    /// `link`: the code was approved.
    pub(crate) fn linked(&self) {
        if self.json {
            self.print_json(&json!({ "linked": true }));
        } else {
            self.note("plex-auth: linked: the other device is signed in");
        }
    }

    /// `transient-token`: the transient token, the one secret this command prints.
    pub(crate) fn transient_token(&self, token: &Secret) -> Result<(), Failure> {
        let token = printable(token)?;
        if self.json {
            self.print_json(&json!({ "token": token }));
        } else {
            self.note("Transient token (valid up to 48 hours, until the server restarts):");
            self.out(token);
        }
        Ok(())
    }

    /// `token-status`: the verdict alone on stdout, why on stderr; never the token.
    pub(crate) fn token_status(&self, status: &str, reason: Option<&str>) {
        if self.json {
            self.print_json(&json!({ "status": status, "reason": reason }));
            return;
        }
        self.out(status);
        match (status, reason) {
            ("invalid", Some(reason)) => {
                self.note(&format!(
                    "plex-auth: plex.tv refused the token: {}",
                    safe(reason)
                ));
                self.note("plex-auth: drop it and sign in again");
            }
            (_, Some(reason)) => {
                self.note(&format!(
                    "plex-auth: no verdict on the token: {}",
                    safe(reason)
                ));
                self.note("plex-auth: keep it and check again later");
            }
            _ => {}
        }
    }

    /// `ping`: plex.tv answered pong.
    pub(crate) fn pong(&self) {
        if self.json {
            self.print_json(&json!({ "pong": true }));
        } else {
            self.out("pong");
        }
    }

    pub(crate) fn failure(&self, failure: &Failure) {
        if !self.json {
            self.note(&format!("plex-auth: error: {}", safe(&failure.message)));
            for line in failure.error.iter().flat_map(crate::servers::failure_lines) {
                self.note(&format!("plex-auth:   {}", safe(&line)));
            }
            if let Some(error) = &failure.error {
                self.note(&format!("plex-auth: {}", error.kind().hint()));
            }
            return;
        }
        let error = failure.error.as_ref();
        let codes: Vec<i64> = error
            .map(|e| e.plex_errors().iter().filter_map(|p| p.code).collect())
            .unwrap_or_default();
        let mut document = json!({
            "error": {
                "kind": match error {
                    Some(error) => error.kind().name(),
                    None if failure.code == exit::BAD_INPUT => "bad-input",
                    None => "failure",
                },
                "exitCode": failure.code,
                "message": failure.message,
                "status": error.and_then(|e| e.status()).map(|s| s.as_u16()),
                "plexCodes": codes,
            }
        });
        if let Some((key, details)) = error.and_then(crate::servers::failure_json) {
            document["error"][key] = details;
        }
        self.print_json(&document);
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
    Err(Failure {
        code: exit::FAILURE,
        message: format!(
            "the answer's token is not printable ASCII of 1 to {MAX_TOKEN_LENGTH} characters \
             ({} bytes); it is not printed",
            text.len()
        ),
        error: None,
    })
}

/// Text as the terminal may show it: one inert line (the library's one list of terminal
/// controls). For text already redacted (the library's errors) or the user's own; a server's
/// text goes through a `Redactor` instead.
pub(crate) fn safe(text: &str) -> String {
    inert(text)
}
