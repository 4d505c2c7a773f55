//! Text made safe for output: one inert line, bounded, and URLs shown without the parts that
//! carry credentials; the one list of the characters a terminal must not be sent.

/// Whether a terminal must not be sent `c` as it is: a control character (C0, DEL, C1: a
/// line break forging a line of output, the start of an ANSI or OSC escape sequence), a line
/// or paragraph separator, or one of the Unicode controls that reorder text (bidirectional
/// marks, embeddings, overrides and isolates), which can make shown text read otherwise than
/// it is.
///
/// ```
/// use plex_auth_client::safe_text::is_terminal_control;
///
/// assert!(is_terminal_control('\x1b'));
/// assert!(is_terminal_control('\u{202E}'));
/// assert!(!is_terminal_control('é'));
/// ```
pub fn is_terminal_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{2028}' | '\u{2029}'
        )
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// One inert line: line breaks, separators and tabs become spaces; every other
/// [terminal control](is_terminal_control) becomes U+FFFD. Nothing a terminal interprets is
/// left. For text that holds no secret; a server's text goes through a
/// [`Redactor`](crate::Redactor), which does this and removes credentials first.
///
/// ```
/// use plex_auth_client::safe_text::inert;
///
/// assert_eq!(inert("Box\x1b[31m\nforged"), "Box\u{FFFD}[31m forged");
/// ```
pub fn inert(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // Runs of printable ASCII are copied as they are; only the other characters are looked at.
    while let Some(at) = rest.bytes().position(|b| !matches!(b, 0x20..=0x7e)) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(c) = rest.chars().next() else { break };
        out.push(inert_char(c));
        rest = &rest[c.len_utf8()..];
    }
    out.push_str(rest);
    out
}

fn inert_char(c: char) -> char {
    match c {
        '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}' => ' ',
        c if is_terminal_control(c) => '\u{FFFD}',
        c => c,
    }
}

/// JSON text as a terminal may be sent it: every [terminal control](is_terminal_control)
/// that a JSON encoder leaves raw inside strings (C1 controls, DEL, the Unicode controls that
/// reorder text) written as a `\u` escape. The document means the same; the line breaks that
/// lay it out are kept.
///
/// ```
/// use plex_auth_client::safe_text::escape_json_controls;
///
/// let json = "{\"name\": \"Box\u{202E}\u{9b}\"}";
/// assert_eq!(escape_json_controls(json), r#"{"name": "Box\u202e\u009b"}"#);
/// ```
pub fn escape_json_controls(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if is_terminal_control(c) && c != '\n' {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// At most `limit` characters of `text`, then `…` when it was cut; a cut falls between two
/// characters, never inside one.
///
/// ```
/// use plex_auth_client::safe_text::truncate_chars;
///
/// assert_eq!(truncate_chars("ééé", 2), "éé…");
/// assert_eq!(truncate_chars("ééé", 3), "ééé");
/// ```
pub fn truncate_chars(text: &str, limit: usize) -> String {
    // No more characters than bytes: a text of at most `limit` bytes is never cut.
    if text.len() <= limit {
        return text.to_string();
    }
    match text.char_indices().nth(limit) {
        None => text.to_string(),
        Some((at, _)) => format!("{}…", &text[..at]),
    }
}

/// Where the character number `limit` of `text` starts; the text's length when it is shorter.
pub(super) fn char_offset(text: &str, limit: usize) -> usize {
    if text.len() <= limit {
        return text.len();
    }
    text.char_indices()
        .nth(limit)
        .map_or(text.len(), |(at, _)| at)
}

/// The longest prefix of `text` of at most `limit` bytes that ends on a character edge.
pub(super) fn cut_at_char(text: &str, limit: usize) -> &str {
    let mut end = text.len().min(limit);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A URL as output may show it: scheme, host, port and path; never user information, query
/// or fragment, where credentials travel. A relative URL keeps its path only; one that does
/// not parse shows nothing of itself. Not made inert: [`Redactor::url`](crate::Redactor::url)
/// does both.
///
/// ```
/// use plex_auth_client::safe_text::shown_url;
///
/// assert_eq!(shown_url("https://u:p@h:8443/a?X-Plex-Token=t#f"), "https://h:8443/a");
/// assert_eq!(shown_url("/user?X-Plex-Token=t"), "/user");
/// ```
pub fn shown_url(raw: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_one_inert_line() {
        let shown = inert("line\nplex-auth: forged\r\x1b[31mred\x1b]0;title\x07\u{202E}x");
        assert_eq!(
            shown,
            "line plex-auth: forged \u{FFFD}[31mred\u{FFFD}]0;title\u{FFFD}\u{FFFD}x"
        );
    }

    #[test]
    fn every_character_kind_is_made_inert() {
        assert_eq!(inert("plain ascii ~"), "plain ascii ~");
        assert_eq!(
            inert("é\u{7f}\u{85}\u{2066}\u{2029}ü"),
            "é\u{FFFD}\u{FFFD}\u{FFFD} ü"
        );
        assert_eq!(inert(""), "");
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
    fn json_keeps_its_layout_and_escapes_the_rest() {
        let json = "{\n  \"a\": \"x\u{7f}\u{2066}y\"\n}";
        assert_eq!(
            escape_json_controls(json),
            "{\n  \"a\": \"x\\u007f\\u2066y\"\n}"
        );
    }

    #[test]
    fn cuts_fall_on_character_edges() {
        assert_eq!(truncate_chars("ééé", 2), "éé…");
        assert_eq!(truncate_chars("ééé", 3), "ééé");
        assert_eq!(char_offset("ééé", 2), 4);
        assert_eq!(char_offset("é", 5), 2);
        assert_eq!(cut_at_char("ééé", 3), "é");
    }
}
