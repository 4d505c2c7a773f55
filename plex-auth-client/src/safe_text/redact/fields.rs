//! Credential-named fields: the value of every field named like a credential is replaced,
//! whatever its shape and encoding, whether or not the redactor knows the secret.
//!
//! A lexical scan, not a parse: it works on cut or malformed text too. Each step looks ahead a
//! bounded distance (a name, a tag), so a hostile text of any length is scanned in linear time.

use super::REDACTED;
use super::names::names_secret;

/// A quoted field name is at most this long, escapes included (`"\u0061\u0075…"`).
const MAX_QUOTED_NAME: usize = 128;

/// An element's start tag (`<authToken …>`) is at most this long.
const MAX_START_TAG: usize = 256;

/// A quote written in another encoding, and how a backslash is written in the same one: JSON
/// quoted inside a JSON string (`{\"authToken\":\"…\"}`), HTML-escaped
/// (`{&quot;authToken&quot;:…}`), percent-encoded (`%7B%22authToken%22%3A…`).
const ENCODED_QUOTES: [(&[u8], &[u8]); 4] = [
    (b"\\\"", b"\\\\"),
    (b"&quot;", b"\\"),
    (b"&#34;", b"\\"),
    (b"%22", b"%5C"),
];

/// Replaces the value of every credential-named field, whatever its shape and encoding:
/// JSON `"authToken": "…"` (also a number, list or object, also under a key written with
/// escapes, also JSON that is itself escaped, HTML-escaped or percent-encoded), XML attributes `accessToken="…"` and element text `<authToken>…</authToken>`, and
/// `X-Plex-Token=…` in URLs and forms, plain or percent-encoded (`X-Plex-Token%3D…`).
///
/// A lexical scan, not a parse: it works on cut or malformed text too.
pub(super) fn redact_fields(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    // Bytes before `copied` are in `out`; every cut is on an ASCII byte, so on a char edge.
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let Some((secret, name_end)) = read_name(bytes, i) else {
            i += 1;
            continue;
        };
        let value = if secret {
            if i > 0 && bytes[i - 1] == b'<' {
                element_text(bytes, name_end).map(|(start, end)| (start, end, end))
            } else {
                separator_end(bytes, name_end).map(|start| value_span(bytes, start))
            }
        } else {
            None
        };
        match value {
            Some((start, end, resume)) if start < end && &text[start..end] != "null" => {
                out.push_str(&text[copied..start]);
                out.push_str(REDACTED);
                copied = end;
                i = resume.max(name_end);
            }
            // Not a credential: only a bare name is skipped whole. A string's text is scanned
            // too, since it can quote a URL or form (`"url":"/x?X-Plex-Token=…"`).
            _ if bytes[i] == b'"' => i += 1,
            _ => i = name_end.max(i + 1),
        }
    }
    out.push_str(&text[copied..]);
    out
}

fn is_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-'
}

/// A field name starting at `at`, a JSON string (escapes decoded, so `"auth\u0054oken"` reads
/// as `authToken`) or a bare name: whether it names a credential, and where it ends.
fn read_name(bytes: &[u8], at: usize) -> Option<(bool, usize)> {
    if bytes[at] == b'"' {
        // A string longer than any name is not one: read no further (every quote of a text of
        // escaped quotes would otherwise read to its end).
        let window = &bytes[..bytes.len().min(at + MAX_QUOTED_NAME)];
        let end = closed_string_end(window, at)?;
        let inner = &bytes[at + 1..end - 1];
        let secret = if inner.contains(&b'\\') {
            let mut name = [0u8; MAX_QUOTED_NAME];
            let length = unescape_name(inner, &mut name)?;
            names_secret(&name[..length])
        } else {
            names_secret(inner)
        };
        return Some((secret, end));
    }
    if !is_name_byte(bytes[at]) || (at > 0 && is_name_byte(bytes[at - 1])) {
        return None;
    }
    let end = (at..bytes.len())
        .find(|&i| !is_name_byte(bytes[i]))
        .unwrap_or(bytes.len());
    Some((names_secret(&bytes[at..end]), end))
}

/// Writes into `name` the ASCII of a quoted name with its JSON escapes decoded
/// (`auth\u0054oken`), every other character as `?` (a credential's name is ASCII), and
/// answers its length; `None` for a broken escape or a name longer than `name`. No
/// allocation: the scan asks this of every quoted string holding a backslash.
fn unescape_name(inner: &[u8], name: &mut [u8]) -> Option<usize> {
    let mut length = 0;
    let mut i = 0;
    while i < inner.len() {
        let byte = inner[i];
        let (decoded, read) = if byte != b'\\' {
            (if byte.is_ascii() { byte } else { b'?' }, 1)
        } else {
            let escaped = *inner.get(i + 1)?;
            match escaped {
                b'u' => {
                    let hex = std::str::from_utf8(inner.get(i + 2..i + 6)?).ok()?;
                    let code = u32::from_str_radix(hex, 16).ok()?;
                    let ascii = u8::try_from(code).ok().filter(u8::is_ascii);
                    (ascii.unwrap_or(b'?'), 6)
                }
                b'"' | b'\\' | b'/' => (escaped, 2),
                b'b' | b'f' | b'n' | b'r' | b't' => (b'?', 2),
                _ => return None,
            }
        };
        *name.get_mut(length)? = decoded;
        length += 1;
        i += read;
    }
    Some(length)
}

/// The end (exclusive) of the quoted string opening at `at`, past its closing quote; `None`
/// when the text ends first.
fn closed_string_end(bytes: &[u8], at: usize) -> Option<usize> {
    let quote = bytes[at];
    let mut i = at + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The end (exclusive) of the quoted string opening at `at`, past its closing quote; the end
/// of the text when it is cut.
fn string_end(bytes: &[u8], at: usize) -> usize {
    closed_string_end(bytes, at).unwrap_or(bytes.len())
}

/// Whether `bytes` starts with `token`, in any letter case.
fn starts_with_token(bytes: &[u8], token: &[u8]) -> bool {
    bytes
        .get(..token.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(token))
}

/// The encoded quote `bytes` starts with, and its backslash.
fn encoded_quote(bytes: &[u8]) -> Option<(&'static [u8], &'static [u8])> {
    ENCODED_QUOTES
        .into_iter()
        .find(|(quote, _)| starts_with_token(bytes, quote))
}

/// After a name: the closing quote of a name in encoded JSON (`\"`, `&quot;`…), optional
/// whitespace, then `:` or `=` (also percent-encoded, `%3A`/`%3D`, or twice, `%253D`), optional
/// whitespace. Returns where the value starts.
#[inline(never)] // rare (after a credential name): kept out of the scan loop
fn separator_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    let skip_spaces = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    if let Some((quote, _)) = encoded_quote(&bytes[at..]) {
        at += quote.len();
    }
    at = skip_spaces(at);
    let rest = &bytes[at..];
    let length = if rest.starts_with(b":") || rest.starts_with(b"=") {
        1
    } else if rest.len() >= 3
        && rest[0] == b'%'
        && matches!(&rest[1..3], b"3A" | b"3a" | b"3D" | b"3d")
    {
        3
    } else if rest.len() >= 5
        && rest[..3].eq_ignore_ascii_case(b"%25")
        && rest[3..5].eq_ignore_ascii_case(b"3D")
    {
        5
    } else {
        return None;
    };
    Some(skip_spaces(at + length))
}

/// The span of the value starting at `start`: a quoted string (its quotes as they are or
/// encoded), a bracketed list or object (nesting and strings inside followed), or a bare token
/// up to a delimiter; and where the scan goes on, past a closing quote (read as the start of a
/// string, it would misalign the rest of the scan).
#[inline(never)] // rare (after a credential name): kept out of the scan loop
fn value_span(bytes: &[u8], start: usize) -> (usize, usize, usize) {
    if let Some((quote, backslash)) = encoded_quote(&bytes[start..]) {
        let first = start + quote.len();
        let (end, resume) = encoded_string_end(bytes, first, quote, backslash);
        return (first, end, resume);
    }
    match bytes.get(start) {
        Some(b'"' | b'\'') => {
            let end = string_end(bytes, start);
            let closed = end > start + 1 && end <= bytes.len() && bytes[end - 1] == bytes[start];
            if closed {
                (start + 1, end - 1, end)
            } else {
                (start + 1, end, end)
            }
        }
        Some(b'[' | b'{') => {
            let end = bracket_end(bytes, start);
            (start, end, end)
        }
        Some(_) => {
            let end = (start..bytes.len())
                .find(|&i| {
                    let b = bytes[i];
                    b.is_ascii_whitespace()
                        || matches!(b, b',' | b'}' | b']' | b'&' | b'<' | b'>' | b'"' | b'\'')
                        || starts_with_token(&bytes[i..], b"%26")
                        || encoded_quote(&bytes[i..]).is_some()
                })
                .unwrap_or(bytes.len());
            (start, end, end)
        }
        None => (start, start, start),
    }
}

/// For a string whose quotes are written `quote` and its backslashes `backslash`, its text
/// starting at `from`: where the text ends (at the closing quote, or the end of the text), and
/// where the scan goes on.
fn encoded_string_end(bytes: &[u8], from: usize, quote: &[u8], backslash: &[u8]) -> (usize, usize) {
    let mut i = from;
    while i < bytes.len() {
        let rest = &bytes[i..];
        if starts_with_token(rest, backslash) {
            // An escape in the string: what follows does not close it.
            i += backslash.len();
            let rest = &bytes[i..];
            i += [quote, backslash]
                .into_iter()
                .find(|token| starts_with_token(rest, token))
                .map_or(1, <[u8]>::len);
        } else if starts_with_token(rest, quote) {
            return (i, i + quote.len());
        } else {
            i += 1;
        }
    }
    (bytes.len(), bytes.len())
}

/// The end (exclusive) of the list or object opening at `at`, strings inside skipped.
fn bracket_end(bytes: &[u8], at: usize) -> usize {
    let mut depth = 0usize;
    let mut i = at;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i = string_end(bytes, i);
                continue;
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// For an element `<name …>` whose name ends at `name_end`: the span of its text, up to the
/// next `<`. None for a self-closing element.
#[inline(never)] // rare (after a credential name): kept out of the scan loop
fn element_text(bytes: &[u8], name_end: usize) -> Option<(usize, usize)> {
    let tag = &bytes[name_end..bytes.len().min(name_end + MAX_START_TAG)];
    let close = name_end + tag.iter().position(|&b| b == b'>')?;
    if close > 0 && bytes[close - 1] == b'/' {
        return None;
    }
    let start = close + 1;
    let end = bytes[start..]
        .iter()
        .position(|&b| b == b'<')
        .map_or(bytes.len(), |i| start + i);
    Some((start, end))
}
