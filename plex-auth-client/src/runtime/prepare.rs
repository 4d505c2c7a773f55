//! Checks made before anything is sent, and the token and timeout added to the request.

use super::sent::Sent;
use super::{Context, FieldLocation, Operation};

/// Checks the request against the operation's rules, adds the token, the `Accept` of a
/// success that is not JSON, and the timeout (the identity headers and `Accept:
/// application/json` are the HTTP client's default headers), and says what credentials the
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
            // The source's token is added as the call is sent (see `token_source`).
            None if context.token_source().is_some() => None,
            None => {
                return Err(format!(
                    "this operation needs a token ({header}); set one with ClientBuilder::token \
                     or ClientBuilder::token_source"
                ));
            }
        },
    };
    if let Some(accept) = &operation.accept {
        request
            .headers_mut()
            .insert(reqwest::header::ACCEPT, accept.clone());
    }
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
        // Values are never quoted back: some fields are passwords.
        let Some(raw) = fields.and_then(|fields| raw_field(fields, name)) else {
            if rule.required {
                return Err(format!("{place} `{name}` is required"));
            }
            continue;
        };
        // A value is decoded once, and only when a rule needs its text: every escape decodes
        // to at least one character, so "not empty" is read on the encoded bytes.
        let needs_text = rule.pattern.is_some() || rule.min_length.is_some_and(|min| min > 1);
        let text = needs_text.then(|| decoded(raw));
        let length = |text: &Option<std::borrow::Cow<'_, str>>| match text {
            Some(text) => text.chars().count(),
            None => usize::from(!raw.is_empty()),
        };
        if let Some(min) = rule.min_length
            && length(&text) < min
        {
            return Err(if min == 1 {
                format!("{place} `{name}` must not be empty")
            } else {
                format!("{place} `{name}` must be at least {min} characters long")
            });
        }
        if let (Some(pattern), Some(text)) = (rule.pattern, &text) {
            match pattern.matches(text) {
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

/// The value of the field `name` in `application/x-www-form-urlencoded` bytes (a form body or
/// a query), still encoded: read in place, without decoding the other fields.
fn raw_field<'a>(encoded: &'a [u8], name: &str) -> Option<&'a [u8]> {
    encoded.split(|&b| b == b'&').find_map(|pair| {
        let (key, value) = match pair.iter().position(|&b| b == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &pair[pair.len()..]),
        };
        let same = if needs_decoding(key) {
            decoded(key) == name
        } else {
            key == name.as_bytes()
        };
        same.then_some(value)
    })
}

fn needs_decoding(raw: &[u8]) -> bool {
    raw.iter().any(|&b| b == b'%' || b == b'+')
}

/// A form-encoded value decoded (`+` is a space, `%XX` a byte), as text (invalid UTF-8
/// replaced, as `form_urlencoded` does); borrowed when it holds no escape.
fn decoded(raw: &[u8]) -> std::borrow::Cow<'_, str> {
    if !needs_decoding(raw) {
        return match std::str::from_utf8(raw) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(raw),
        };
    }
    let hex = |byte: Option<&u8>| match byte {
        Some(&digit @ b'0'..=b'9') => Some(digit - b'0'),
        Some(&letter @ b'a'..=b'f') => Some(letter - b'a' + 10),
        Some(&letter @ b'A'..=b'F') => Some(letter - b'A' + 10),
        _ => None,
    };
    let mut bytes = Vec::with_capacity(raw.len());
    let mut at = 0;
    while let Some(&byte) = raw.get(at) {
        at += 1;
        match byte {
            b'+' => bytes.push(b' '),
            b'%' => match (hex(raw.get(at)), hex(raw.get(at + 1))) {
                (Some(high), Some(low)) => {
                    bytes.push(high << 4 | low);
                    at += 2;
                }
                _ => bytes.push(b'%'),
            },
            other => bytes.push(other),
        }
    }
    match String::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Owned(text),
        Err(error) => {
            std::borrow::Cow::Owned(String::from_utf8_lossy(error.as_bytes()).into_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fields are read as `form_urlencoded` reads them, for any bytes.
    #[test]
    fn fields_read_in_place_decode_as_form_urlencoded_does() {
        const PIECES: &[&[u8]] = &[
            b"login",
            b"password",
            b"pin",
            b"=",
            b"&",
            b"%40",
            b"%4",
            b"%",
            b"+",
            b"%2B",
            b"%C3%A9",
            b"%FF",
            b"l%6Fgin",
            b"a",
            b"\xc3",
        ];
        let mut rng = fastrand::Rng::with_seed(0x0f0f);
        for _ in 0..5000 {
            let mut encoded = Vec::new();
            for _ in 0..rng.usize(0..12) {
                encoded.extend_from_slice(PIECES[rng.usize(0..PIECES.len())]);
            }
            for name in ["login", "password", "pin", "a"] {
                let expected = form_urlencoded::parse(&encoded)
                    .find(|(key, _)| key == name)
                    .map(|(_, value)| value.into_owned());
                let found = raw_field(&encoded, name).map(|raw| decoded(raw).into_owned());
                assert_eq!(
                    found,
                    expected,
                    "{name} in {:?}",
                    String::from_utf8_lossy(&encoded)
                );
            }
        }
    }
}
