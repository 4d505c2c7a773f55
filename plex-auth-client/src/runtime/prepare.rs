//! Checks made before anything is sent, and the token and timeout added to the request.

use super::sent::Sent;
use super::{Context, FieldLocation, Operation};
use crate::Error;

/// Checks the path segments an operation's method puts in its path: a value that is empty,
/// `.` or `..` would make the URL point at another endpoint (`/home/users/../switch` is
/// `/home/switch`), and so would one holding `\`, which http(s) URLs read as `/`. Each is
/// refused by name, before anything is built or sent; the value itself is never quoted.
pub fn check_path_segments(
    operation: &'static Operation,
    segments: &[(&'static str, &str)],
) -> Result<(), Error> {
    for (name, value) in segments {
        let problem = match *value {
            "" => "must not be empty",
            "." | ".." => "must not be `.` or `..`",
            value if value.contains('\\') => "must not hold a `\\`",
            _ => continue,
        };
        return Err(Error::InvalidInput {
            operation: operation.id,
            message: format!(
                "path parameter `{name}` {problem}: it would change the path the request goes to"
            ),
        });
    }
    Ok(())
}

/// Checks the request against the operation's rules, adds the token and the timeout (the
/// identity headers are the HTTP client's default headers), and says what credentials the
/// request carries. Runs once per call, before any attempt; an error means nothing was sent.
pub(super) fn prepare(
    context: &Context,
    request: &mut reqwest::Request,
    operation: &'static Operation,
) -> Result<Sent, String> {
    check_rules(operation, request)?;
    let token = match &operation.token_header {
        None => None,
        Some(header) => match context.token() {
            Some(Ok(token)) => {
                request.headers_mut().insert(header.clone(), token.clone());
                Some(token)
            }
            Some(Err(reason)) => return Err(format!("{reason} ({header})")),
            None => {
                return Err(format!(
                    "this operation needs a token ({header}); set one with ClientBuilder::token"
                ));
            }
        },
    };
    if let Some(timeout) = context.timeout() {
        *request.timeout_mut() = Some(timeout);
    }
    Ok(Sent::of(request, token))
}

fn check_rules(operation: &Operation, request: &reqwest::Request) -> Result<(), String> {
    if operation.rules.is_empty() {
        return Ok(());
    }
    let form = request.body().and_then(reqwest::Body::as_bytes);
    let query = request.url().query().map(str::as_bytes);
    for rule in operation.rules {
        let (fields, place) = match rule.location {
            FieldLocation::Query => (query, "query parameter"),
            FieldLocation::Form => (form, "form field"),
        };
        let name = rule.name;
        // Read in place: a value is decoded (and copied) only when it holds escapes.
        let value = fields.and_then(|fields| {
            form_urlencoded::parse(fields).find_map(|(key, value)| (key == name).then_some(value))
        });
        // Values are never quoted back: some fields are passwords.
        let Some(value) = value else {
            if rule.required {
                return Err(format!("{place} `{name}` is required"));
            }
            continue;
        };
        if let Some(min) = rule.min_length
            && value.chars().count() < min
        {
            return Err(if min == 1 {
                format!("{place} `{name}` must not be empty")
            } else {
                format!("{place} `{name}` must be at least {min} characters long")
            });
        }
        if let Some(pattern) = rule.pattern {
            match pattern.matches(&value) {
                Some(true) => {}
                Some(false) => {
                    return Err(format!(
                        "{place} `{name}` must match the pattern {}",
                        pattern.source
                    ));
                }
                None => return Err(format!("the spec's pattern for `{name}` does not compile")),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    static OPERATION: Operation = Operation {
        id: "op",
        method: reqwest::Method::POST,
        path: "/users/{uuid}/switch",
        token_header: None,
        rules: &[],
    };

    #[test]
    fn dot_segments_empty_segments_and_backslashes_are_refused_by_name() {
        for value in ["", ".", "..", "..\\", "a\\b"] {
            let error =
                check_path_segments(&OPERATION, &[("id", "ok"), ("uuid", value)]).expect_err(value);
            assert_eq!(error.kind(), crate::ErrorKind::InvalidInput, "{value:?}");
            let shown = error.to_string();
            assert!(
                shown.starts_with("op: invalid input: path parameter `uuid` must"),
                "{shown}"
            );
        }
        for value in ["...", ".a", "a.", "%2e%2e", "0f1e2d3c4b5a6978", "a/b"] {
            assert!(
                check_path_segments(&OPERATION, &[("uuid", value)]).is_ok(),
                "{value:?}"
            );
        }
    }

    /// Why `\` is refused: the URL parser reads it as `/` in http(s) URLs, and the dot segment
    /// it then makes is resolved away: the request would leave the user's path.
    #[test]
    fn a_backslash_would_change_the_path() {
        let url = reqwest::Url::parse("http://h/home/users/..\\/switch").unwrap();
        assert_eq!(url.path(), "/home//switch");
    }
}
