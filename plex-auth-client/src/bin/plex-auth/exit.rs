//! The exit codes, one per category of failure (the library's [`ErrorCategory`]), and the
//! text `--help` shows of them, the kinds of each code listed from the library's facts.

use plex_auth_client::{ErrorCategory, ErrorKind};

pub(crate) const SUCCESS: u8 = 0;
pub(crate) const FAILURE: u8 = 1;
pub(crate) const BAD_INPUT: u8 = 2;
pub(crate) const AUTH: u8 = 3;
pub(crate) const NETWORK: u8 = 4;
pub(crate) const RATE_LIMITED: u8 = 5;
/// 128 + SIGPIPE, what a shell reports for a program a closed pipe ended.
pub(crate) const CLOSED_STDOUT: u8 = 141;

/// The exit code of an error of `kind`: its category's.
pub(crate) fn of(kind: ErrorKind) -> u8 {
    of_category(kind.category()).unwrap_or(FAILURE)
}

/// The code of each category this tool knows; a category added to the library later is
/// `None` (exit code 1) until it has one, and a test says so.
fn of_category(category: ErrorCategory) -> Option<u8> {
    match category {
        ErrorCategory::Authentication => Some(AUTH),
        ErrorCategory::Network => Some(NETWORK),
        ErrorCategory::RateLimited => Some(RATE_LIMITED),
        ErrorCategory::BadInput => Some(BAD_INPUT),
        ErrorCategory::Other => Some(FAILURE),
        _ => None,
    }
}

/// What each exit code means, and the error kinds (as `--json` names them) that end with it.
const MEANINGS: &[(u8, &str)] = &[
    (SUCCESS, "success"),
    (
        FAILURE,
        "any other failure: an unexpected answer, a body that does not decode, a 401 that is not \
         plex.tv's word on the token (a Plex Media Server's page, a proxy asking for its own \
         login: the token was not judged), an internal error",
    ),
    (
        BAD_INPUT,
        "bad input: a missing or malformed argument, or a request refused before it was sent; \
         for `connect`, a --server that matches no server, or several",
    ),
    (
        AUTH,
        "authentication failed: wrong login or password, verification code refused or missing, \
         locked out, token refused by plex.tv (invalid or revoked) or expired, PIN expired, \
         nobody signed in; for `connect`, plex.tv lists the server without an access token for \
         this account",
    ),
    (
        NETWORK,
        "network failure: the connection could not be made or broke, or the call timed out; for \
         `connect`, no connection of the server answered",
    ),
    (RATE_LIMITED, "rate limited by plex.tv: try again later"),
    (
        CLOSED_STDOUT,
        "standard output was closed before everything was printed (`plex-auth ... | head`)",
    ),
];

/// The `Exit codes:` section of `--help`: each code, what it means, and its error kinds.
pub(crate) fn help() -> String {
    let mut text = String::from("Exit codes:\n");
    for &(code, meaning) in MEANINGS {
        let kinds: Vec<&str> = ErrorKind::ALL
            .iter()
            .filter(|kind| code != SUCCESS && of(**kind) == code)
            .map(|kind| kind.name())
            .collect();
        let mut entry = meaning.to_string();
        if !kinds.is_empty() {
            entry += &format!(" (error kinds: {})", kinds.join(", "));
        }
        text += &wrapped(&format!("{code:<5}"), &entry);
    }
    text
}

/// `entry` after `label`, wrapped at 96 columns under itself.
fn wrapped(label: &str, entry: &str) -> String {
    const WIDTH: usize = 96;
    let indent = " ".repeat(2 + label.len());
    let mut text = format!("  {label}");
    let mut column = text.len();
    for (at, word) in entry.split(' ').enumerate() {
        if at > 0 && column + 1 + word.len() > WIDTH {
            text += &format!("\n{indent}");
            column = indent.len();
        } else if at > 0 {
            text.push(' ');
            column += 1;
        }
        text += word;
        column += word.len();
    }
    text + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_kind_has_an_exit_code_and_a_hint() {
        for &kind in ErrorKind::ALL {
            assert!(
                of_category(kind.category()).is_some(),
                "{kind:?}: its category {:?} has no exit code",
                kind.category()
            );
            assert!(!kind.hint().is_empty(), "{kind:?} has no hint");
        }
    }

    #[test]
    fn the_help_lists_each_kind_once_under_its_code() {
        let help = help();
        assert!(help.starts_with("Exit codes:\n  0    success\n  1    any other failure"));
        assert!(help.lines().all(|line| line.len() <= 96), "{help}");
        // One line per code once the wrapping is undone: "  3    authentication ... (error
        // kinds: invalid-token, ...)".
        let unwrapped = help.replace("\n       ", " ");
        let mut listed = Vec::new();
        for line in unwrapped.lines().skip(1) {
            let code: u8 = line.split_whitespace().next().unwrap().parse().unwrap();
            if let Some((_, kinds)) = line.split_once("(error kinds: ") {
                for name in kinds.trim_end_matches(')').split(", ") {
                    listed.push((name.to_string(), code));
                }
            }
        }
        let expected: Vec<(String, u8)> = ErrorKind::ALL
            .iter()
            .map(|kind| (kind.name().to_string(), of(*kind)))
            .collect();
        listed.sort();
        let mut expected = expected;
        expected.sort();
        assert_eq!(listed, expected);
    }
}
