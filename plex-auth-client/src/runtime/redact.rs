//! The one redaction pass every text a server supplied goes through before it is kept in an
//! error, displayed, or logged: body snippets, envelope messages, HTML headings, `Location`,
//! decoder messages. It removes the credentials the call sent (it knows them: it sent them), the
//! values of credential-named fields in any shape, and control characters, so that what is left
//! is one inert line.

/// At most this much of a body is kept in an error, as text.
pub(crate) const BODY_SNIPPET_LIMIT: usize = 2048;

/// At most this many characters of a message (an envelope's, a decoder's) are kept.
const MESSAGE_LIMIT: usize = 512;

/// What replaces a secret.
const REDACTED: &str = "<redacted>";

/// Redacts the text of one call's answer, knowing the credentials that call sent.
#[derive(Debug, Default)]
pub(crate) struct Redactor {
    /// Every form a sent credential can take in a body (raw, URL-encoded, JSON- and
    /// XML-escaped), longest first so that no form is left half replaced.
    forms: Vec<String>,
}

impl Redactor {
    /// A redactor for a call that sent `secrets` (token, password, verification code…).
    pub(crate) fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        let mut forms: Vec<String> = secrets
            .into_iter()
            .filter(|secret| !secret.is_empty())
            .flat_map(encoded_forms)
            .collect();
        forms.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        forms.dedup();
        Self { forms }
    }

    /// The start of a body as one inert line of at most [`BODY_SNIPPET_LIMIT`] bytes.
    pub(crate) fn snippet(&self, body: &[u8]) -> String {
        // Enough past the cut that a credential straddling it is seen whole, and replaced.
        let longest = self.forms.first().map_or(0, String::len);
        let window = &body[..body.len().min(BODY_SNIPPET_LIMIT + longest + 256)];
        let text = self.redact(&String::from_utf8_lossy(window));
        cut_at_char(&text, BODY_SNIPPET_LIMIT).to_string()
    }

    /// A message from the server (or quoting it) as one inert line, bounded.
    pub(crate) fn message(&self, text: &str) -> String {
        truncate_chars(&self.redact(text), MESSAGE_LIMIT)
    }

    /// A URL the server supplied (`Location`): scheme, host, port and path only.
    pub(crate) fn url(&self, raw: &str) -> String {
        self.message(&shown_url(raw))
    }

    fn redact(&self, text: &str) -> String {
        let mut text = text.to_string();
        for form in &self.forms {
            if text.contains(form.as_str()) {
                text = text.replace(form.as_str(), REDACTED);
            }
        }
        inert(&redact_fields(&text))
    }
}

/// The forms `secret` takes when a server echoes it back.
fn encoded_forms(secret: &str) -> Vec<String> {
    let form_encoded: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let percent_encoded = form_encoded.replace('+', "%20");
    let json_escaped = serde_json::to_string(secret)
        .map(|quoted| quoted[1..quoted.len() - 1].to_string())
        .unwrap_or_default();
    let xml_escaped = secret
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;");
    [
        secret.to_string(),
        form_encoded,
        percent_encoded,
        json_escaped,
        xml_escaped,
    ]
    .into_iter()
    .filter(|form| !form.is_empty())
    .collect()
}

/// A URL as output may show it: scheme, host, port and path; never user information, query
/// or fragment. A relative URL keeps its path only; one that does not parse shows nothing.
pub(crate) fn shown_url(raw: &str) -> String {
    match reqwest::Url::parse(raw.trim()) {
        Ok(url) => match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => {
                format!("{}://{host}:{port}{}", url.scheme(), url.path())
            }
            (Some(host), None) => format!("{}://{host}{}", url.scheme(), url.path()),
            (None, _) => format!("{}:", url.scheme()),
        },
        Err(_) if raw.starts_with('/') => raw.split(['?', '#']).next().unwrap_or("").into(),
        Err(_) => "<a URL that does not parse>".into(),
    }
}

/// Whether a field name looks like it holds a credential (`authToken`, `accessToken`,
/// `X-Plex-Token`, `secret`, `password`, `verificationCode`, `jwt`, `deviceJWT`, `nonce`).
pub(crate) fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "token",
        "secret",
        "password",
        "verificationcode",
        "jwt",
        "nonce",
    ]
    .iter()
    .any(|word| name.contains(word))
}

/// Whether a request field carries a credential: a secret-named one, or a PIN or link code.
pub(crate) fn is_credential_field(name: &str) -> bool {
    is_secret_name(name) || matches!(name, "pin" | "code")
}

/// One inert line: line breaks and tabs become spaces; other control characters, and the
/// Unicode controls that reorder or hide text, become U+FFFD. Nothing a terminal interprets
/// is left.
pub(crate) fn inert(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}' => ' ',
            '\u{061C}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}' => '\u{FFFD}',
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// A transport error as one line: reqwest's message and each cause, but not the URL reqwest
/// puts in its message (its query can hold a credential).
pub(crate) fn transport_message(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else if error.is_body() || error.is_decode() {
        "the answer broke off"
    } else if error.is_redirect() {
        "redirect refused"
    } else {
        "error sending the request"
    };
    let mut message = kind.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(error) = cause {
        let text = error.to_string();
        if !message.ends_with(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        cause = error.source();
    }
    truncate_chars(&inert(&message), MESSAGE_LIMIT)
}

/// At most `limit` characters, with `…` when cut.
pub(crate) fn truncate_chars(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        None => text.to_string(),
        Some((at, _)) => format!("{}…", &text[..at]),
    }
}

/// The longest prefix of `text` of at most `limit` bytes that ends on a character edge.
fn cut_at_char(text: &str, limit: usize) -> &str {
    let mut end = text.len().min(limit);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Replaces the value of every credential-named field, whatever its shape and encoding:
/// JSON `"authToken": "…"` (also a number, list or object, also under a key written with
/// escapes), XML attributes `accessToken="…"` and element text `<authToken>…</authToken>`, and
/// `X-Plex-Token=…` in URLs and forms, plain or percent-encoded (`X-Plex-Token%3D…`).
///
/// A lexical scan, not a parse: it works on cut or malformed text too.
fn redact_fields(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    // Bytes before `copied` are in `out`; every cut is on an ASCII byte, so on a char edge.
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let Some((name, name_end)) = read_name(bytes, i) else {
            i += 1;
            continue;
        };
        let value = if is_secret_name(&name) {
            if i > 0 && bytes[i - 1] == b'<' {
                element_text(bytes, name_end)
            } else {
                separator_end(bytes, name_end).map(|start| value_span(bytes, start))
            }
        } else {
            None
        };
        match value {
            Some((start, end)) if start < end && &text[start..end] != "null" => {
                out.push_str(&text[copied..start]);
                out.push_str(REDACTED);
                copied = end;
                // Past a closing quote too: read as the start of a string, it would misalign
                // the rest of the scan.
                let quoted = end < bytes.len() && start > 0 && bytes[end] == bytes[start - 1];
                let closed = quoted && matches!(bytes[end], b'"' | b'\'');
                i = if closed { end + 1 } else { end.max(name_end) };
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

/// A field name starting at `at`: a JSON string (escapes decoded, so `"auth\u0054oken"` reads
/// as `authToken`) or a bare name. Returns the name and where it ends.
fn read_name(bytes: &[u8], at: usize) -> Option<(String, usize)> {
    if bytes[at] == b'"' {
        let end = string_end(bytes, at);
        let quoted = std::str::from_utf8(&bytes[at..end]).ok()?;
        let name = serde_json::from_str::<String>(quoted).ok()?;
        return Some((name, end));
    }
    if !is_name_byte(bytes[at]) || (at > 0 && is_name_byte(bytes[at - 1])) {
        return None;
    }
    let end = (at..bytes.len())
        .find(|&i| !is_name_byte(bytes[i]))
        .unwrap_or(bytes.len());
    Some((String::from_utf8_lossy(&bytes[at..end]).into_owned(), end))
}

/// The end (exclusive) of the quoted string opening at `at`, past its closing quote; the end
/// of the text when it is cut.
fn string_end(bytes: &[u8], at: usize) -> usize {
    let quote = bytes[at];
    let mut i = at + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// After a name: optional whitespace, then `:` or `=` (also percent-encoded, `%3A`/`%3D`, or
/// twice, `%253D`), optional whitespace. Returns where the value starts.
fn separator_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    let skip_spaces = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
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

/// The span of the value starting at `start`: a quoted string, a bracketed list or object
/// (nesting and strings inside followed), or a bare token up to a delimiter.
fn value_span(bytes: &[u8], start: usize) -> (usize, usize) {
    match bytes.get(start) {
        Some(b'"' | b'\'') => {
            let end = string_end(bytes, start);
            let closed = end > start + 1 && end <= bytes.len() && bytes[end - 1] == bytes[start];
            (start + 1, if closed { end - 1 } else { end })
        }
        Some(b'[' | b'{') => (start, bracket_end(bytes, start)),
        Some(_) => {
            let end = (start..bytes.len())
                .find(|&i| {
                    let b = bytes[i];
                    b.is_ascii_whitespace()
                        || matches!(b, b',' | b'}' | b']' | b'&' | b'<' | b'>' | b'"' | b'\'')
                        || bytes[i..].starts_with(b"%26")
                })
                .unwrap_or(bytes.len());
            (start, end)
        }
        None => (start, start),
    }
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
fn element_text(bytes: &[u8], name_end: usize) -> Option<(usize, usize)> {
    let close = name_end + bytes[name_end..].iter().position(|&b| b == b'>')?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> String {
        Redactor::default().message(text)
    }

    #[test]
    fn credential_fields_are_redacted_in_every_shape() {
        for (text, expected) in [
            (
                r#"{"id":1,"authToken":"abc\"def","message":"Invalid token"}"#,
                r#"{"id":1,"authToken":"<redacted>","message":"Invalid token"}"#,
            ),
            (r#"{"token": 42}"#, r#"{"token": <redacted>}"#),
            (r#"{"secret":null}"#, r#"{"secret":null}"#),
            (
                r#"{"token":["a","b"],"x":1}"#,
                r#"{"token":<redacted>,"x":1}"#,
            ),
            (
                r#"{"password":{"v":"p]w"},"x":1}"#,
                r#"{"password":<redacted>,"x":1}"#,
            ),
            (
                r#"{"auth\u0054oken":"abc"}"#,
                r#"{"auth\u0054oken":"<redacted>"}"#,
            ),
            (
                r#"<Device name="x" accessToken='transient-1'/>"#,
                r#"<Device name="x" accessToken='<redacted>'/>"#,
            ),
            (
                "<user><authToken>abc</authToken></user>",
                "<user><authToken><redacted></authToken></user>",
            ),
            (
                "see http://h/?X-Plex-Token=abc123&x=1 now",
                "see http://h/?X-Plex-Token=<redacted>&x=1 now",
            ),
            (
                "<a href='/x?X-Plex-Token%3Dabc123%26x=1'>",
                "<a href='/x?X-Plex-Token%3D<redacted>%26x=1'>",
            ),
            (r#"{"authToken":"abc"#, r#"{"authToken":"<redacted>"#),
            (
                r#"{"authToken":"a","b":"c","token":"d"}"#,
                r#"{"authToken":"<redacted>","b":"c","token":"<redacted>"}"#,
            ),
            (
                r#"{"url":"/x?X-Plex-Token=abc","m":"password: hunter2"}"#,
                r#"{"url":"/x?X-Plex-Token=<redacted>","m":"password: <redacted>"}"#,
            ),
        ] {
            assert_eq!(fields(text), expected, "{text}");
        }
    }

    #[test]
    fn sent_credentials_are_redacted_in_their_echoed_forms() {
        let redactor = Redactor::new(["p@ss word&<1>", "tok-123"]);
        let echo = "login=a&password=p%40ss+word%26%3C1%3E msg=\"p@ss word&<1>\" \
                    xml='p@ss word&amp;&lt;1&gt;' json=\"tok-123\" url=/x/tok-123";
        let shown = redactor.message(echo);
        assert!(
            !shown.contains("p@ss") && !shown.contains("p%40ss"),
            "{shown}"
        );
        assert!(!shown.contains("tok-123"), "{shown}");
        assert_eq!(shown.matches(REDACTED).count(), 5, "{shown}");
    }

    #[test]
    fn text_is_one_inert_line() {
        let shown = fields("line\nplex-auth: forged\r\x1b[31mred\x1b]0;title\x07\u{202E}x");
        assert_eq!(
            shown,
            "line plex-auth: forged \u{FFFD}[31mred\u{FFFD}]0;title\u{FFFD}\u{FFFD}x"
        );
    }

    #[test]
    fn urls_show_scheme_host_port_and_path_only() {
        for (raw, shown) in [
            (
                "https://u:p@h:8443/a/b?X-Plex-Token=t#f",
                "https://h:8443/a/b",
            ),
            ("http://u:p?#/@h/x", "<a URL that does not parse>"),
            ("http://u:p%3F%23%2F@h/x?q", "http://h/x"),
            ("/user?X-Plex-Token=t", "/user"),
            ("::::", "<a URL that does not parse>"),
        ] {
            assert_eq!(shown_url(raw), shown, "{raw}");
        }
    }

    #[test]
    fn snippet_is_bounded_and_cut_on_a_char_edge() {
        let body = "é".repeat(BODY_SNIPPET_LIMIT);
        let text = Redactor::default().snippet(body.as_bytes());
        assert_eq!(text.len(), BODY_SNIPPET_LIMIT);
        assert!(text.chars().all(|c| c == 'é'));
    }

    #[test]
    fn a_credential_across_the_cut_is_redacted_whole() {
        let secret = "tok-ACROSS-THE-CUT";
        let mut body = "x".repeat(BODY_SNIPPET_LIMIT - 5);
        body.push_str(secret);
        let text = Redactor::new([secret]).snippet(body.as_bytes());
        assert!(!text.contains("tok-A"), "{}", &text[text.len() - 20..]);
    }
}
