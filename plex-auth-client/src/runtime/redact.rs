//! Redaction: what a server sent is kept in errors and traces only after the values of
//! credential-named fields are replaced.

/// At most this much of a body is kept in an error, as text.
pub(crate) const BODY_SNIPPET_LIMIT: usize = 2048;

/// The start of a body as text, at most [`BODY_SNIPPET_LIMIT`] bytes, cut on a character edge,
/// with the values of secret-looking fields replaced (see [`redact_secrets`]).
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(BODY_SNIPPET_LIMIT)]);
    let mut text = redact_secrets(&text);
    while text.len() > BODY_SNIPPET_LIMIT {
        text.pop();
    }
    text
}

/// Whether a field name looks like it holds a credential (`authToken`, `accessToken`,
/// `X-Plex-Token`, `secret`, `password`, `verificationCode`).
pub(crate) fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["token", "secret", "password", "verificationcode"]
        .iter()
        .any(|word| name.contains(word))
}

/// Replaces the value of every secret-looking field with `<redacted>`: JSON `"authToken":"…"`,
/// XML attributes `accessToken="…"`, and `X-Plex-Token=…` in URLs or forms.
///
/// A body kept in an error can be a success body that failed to decode (a sign-in answer
/// carries the account token and service tokens), and errors are printed and logged.
pub(crate) fn redact_secrets(text: &str) -> String {
    let bytes = text.as_bytes();
    let is_name_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let mut out = String::with_capacity(text.len());
    // Bytes before `copied` are in `out`; cuts are made on ASCII bytes, so on char edges.
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !is_name_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let name_start = i;
        while i < bytes.len() && is_name_byte(bytes[i]) {
            i += 1;
        }
        if !is_secret_name(&text[name_start..i]) {
            continue;
        }
        let mut j = i;
        if j < bytes.len() && matches!(bytes[j], b'"' | b'\'') {
            j += 1;
        }
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if j >= bytes.len() || !matches!(bytes[j], b':' | b'=') {
            continue;
        }
        j += 1;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        let (value_start, value_end) = match bytes.get(j) {
            Some(&quote @ (b'"' | b'\'')) => {
                let mut k = j + 1;
                while k < bytes.len() && bytes[k] != quote {
                    // Skip an escaped character (JSON `\"`); stop at the end of the text.
                    k += if bytes[k] == b'\\' { 2 } else { 1 };
                }
                (j + 1, k.min(bytes.len()))
            }
            Some(_) => {
                let mut k = j;
                while k < bytes.len()
                    && !bytes[k].is_ascii_whitespace()
                    && !matches!(
                        bytes[k],
                        b',' | b'}' | b']' | b'&' | b'<' | b'>' | b'"' | b'\''
                    )
                {
                    k += 1;
                }
                (j, k)
            }
            None => continue,
        };
        let value = &text[value_start..value_end];
        if !value.is_empty() && value != "null" {
            out.push_str(&text[copied..value_start]);
            out.push_str("<redacted>");
            copied = value_end;
        }
        i = value_end.max(i);
    }
    out.push_str(&text[copied..]);
    out
}

pub(crate) fn truncate_chars(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let mut out: String = text.chars().take(limit).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_covers_json_xml_and_urls() {
        let json = r#"{"id":1,"authToken":"abc\"def","services":[{"token": "t1","secret":null},{"token":42}],"message":"Invalid token"}"#;
        assert_eq!(
            redact_secrets(json),
            r#"{"id":1,"authToken":"<redacted>","services":[{"token": "<redacted>","secret":null},{"token":<redacted>}],"message":"Invalid token"}"#
        );
        let xml = r#"<Device name="x" accessToken='transient-1'/>"#;
        assert_eq!(
            redact_secrets(xml),
            r#"<Device name="x" accessToken='<redacted>'/>"#
        );
        let url = "see http://h/?X-Plex-Token=abc123&x=1 now";
        assert_eq!(
            redact_secrets(url),
            "see http://h/?X-Plex-Token=<redacted>&x=1 now"
        );
        // A value cut by the snippet limit is redacted to the end.
        assert_eq!(
            redact_secrets(r#"{"authToken":"abc"#),
            r#"{"authToken":"<redacted>"#
        );
    }

    #[test]
    fn snippet_is_bounded_and_cut_on_a_char_edge() {
        let body = "é".repeat(BODY_SNIPPET_LIMIT);
        let text = snippet(body.as_bytes());
        assert!(text.len() <= BODY_SNIPPET_LIMIT);
        assert!(text.chars().all(|c| c == 'é'));
        assert_eq!(text.len(), BODY_SNIPPET_LIMIT);
    }
}
