//! The one redaction pass every text a server supplied goes through before it is kept in an
//! error, displayed, or logged: body snippets, envelope messages, HTML headings, `Location`,
//! decoder messages, and (through the public [`Redactor`]) what an application shows of a
//! successful answer.
//!
//! Three steps, in order: the known secrets in every form a server echoes them ([`secrets`],
//! over the decoded [`view`]), the values of credential-named fields ([`fields`], by the
//! [`names`] of credentials), and control characters ([`inert`]); what is left is one inert
//! line, bounded.

mod fields;
mod names;
mod secrets;
mod view;

use std::fmt;
use std::sync::OnceLock;

use serde::Serialize;

pub(crate) use names::{is_credential_field, is_secret_name};

use super::line::{char_offset, cut_at_char};
use super::{inert, shown_url, truncate_chars};
use secrets::SecretMatcher;

/// At most this much of a body is kept in an error, as text.
pub(crate) const BODY_SNIPPET_LIMIT: usize = 2048;

/// At most this many characters of a message (an envelope's, a decoder's) are kept.
pub(crate) const MESSAGE_LIMIT: usize = 512;

/// At most this many characters of a text are shown by [`Redactor::text`] unless
/// [`Redactor::max_chars`] says otherwise.
const DEFAULT_MAX_CHARS: usize = 256;

/// What replaces a secret.
const REDACTED: &str = "<redacted>";

/// Makes text that came from a server safe to show: the credentials it knows are removed in
/// every form a server can echo them, the values of credential-named fields too, and what is
/// left is one line with no control character, cut with `…` past a length.
///
/// The client redacts its own errors this way. Use a `Redactor` for what you show of a
/// successful answer: a server can put the token it was sent, or a token of its answer, in a
/// name, a title or a URL.
///
/// What it removes:
/// - each secret given ([`new`](Self::new), [`secret`](Self::secret), and every
///   credential-named field of an answer with [`secrets_of`](Self::secrets_of)), as it is, in any
///   letter case, JSON-escaped (`\/`, `\u0074`, surrogate pairs), as HTML or XML character
///   references, percent-encoded (once or twice), with invisible characters (zero-width space,
///   joiners, soft hyphen…) between its letters, and base64-encoded (either alphabet, padded or
///   not, at any alignment);
/// - the value of every field named like a credential (`authToken`, `accessToken`, `token`,
///   `secret`, `password`, `X-Plex-Token`…) in JSON (also quoted in a string, HTML-escaped or
///   percent-encoded), XML, a URL or a form, known or not;
/// - control characters, and the Unicode ones that reorder text.
///
/// No redactor can find a secret a server disguises on purpose (reversed, split, encrypted):
/// a server that holds a token already has it.
///
/// The cost is linear in the text's length, and bounded whatever the secrets, which an answer
/// chooses: a secret longer than 4 KiB (a JWT is about 1) is looked for by its first 256
/// bytes, and where they are found, the rest of the text is hidden; past about 7,000 ordinary
/// tokens in all (1 MiB of the forms looked for), every text is hidden whole.
///
/// ```
/// use plex_auth_client::Redactor;
///
/// let shown = Redactor::new(["tok-123"]).text("welcome T\u{200B}OK-123\n");
/// assert_eq!(shown, "welcome <redacted> ");
/// ```
#[derive(Clone)]
pub struct Redactor {
    secrets: Vec<String>,
    /// An answer given to [`secrets_of`](Self::secrets_of) could not be read: its credentials
    /// are unknown, so every text is hidden.
    unreadable: bool,
    /// Built on first use, after every secret was added.
    matcher: OnceLock<Option<SecretMatcher>>,
    max_chars: usize,
}

impl Default for Redactor {
    fn default() -> Self {
        Self::new([])
    }
}

/// The number of secrets, never the secrets.
impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("secrets", &self.secrets.len())
            .field("max_chars", &self.max_chars)
            .finish()
    }
}

impl Redactor {
    /// A redactor that removes `secrets` (empty ones are ignored).
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            secrets: secrets
                .into_iter()
                .filter(|secret| !secret.is_empty())
                .map(str::to_string)
                .collect(),
            unreadable: false,
            matcher: OnceLock::new(),
            max_chars: DEFAULT_MAX_CHARS,
        }
    }

    /// Removes `secret` too (a token the call sent, say).
    pub fn secret(mut self, secret: &str) -> Self {
        if !secret.is_empty() {
            self.secrets.push(secret.to_string());
            self.matcher = OnceLock::new();
        }
        self
    }

    /// Removes every credential an answer holds too: the value of each of its fields named
    /// like a credential (`authToken`, `accessToken`, `token`, `secret`, `password`…), at any
    /// depth, read from its serialized form.
    ///
    /// An answer that cannot be serialized (a `Serialize` that fails) has credentials this
    /// cannot know: the redactor then hides every text whole.
    ///
    /// ```
    /// # fn show(device: &plex_auth_client::types::PlexDevice) {
    /// use plex_auth_client::Redactor;
    ///
    /// let redactor = Redactor::default().secrets_of(device);
    /// println!("{}", redactor.text(&device.name));
    /// # }
    /// ```
    pub fn secrets_of<T: Serialize + ?Sized>(mut self, answer: &T) -> Self {
        match serde_json::to_value(answer) {
            Ok(value) => collect_secrets(&value, false, &mut self.secrets),
            Err(_) => self.unreadable = true,
        }
        self.matcher = OnceLock::new();
        self
    }

    /// Cuts [`text`](Self::text) and [`url`](Self::url) past `max` characters (256 by
    /// default).
    pub fn max_chars(mut self, max: usize) -> Self {
        self.max_chars = max;
        self
    }

    /// `text` with the secrets removed, as one inert line of at most
    /// [`max_chars`](Self::max_chars) characters (then ending with `…`).
    pub fn text(&self, text: &str) -> String {
        self.line(text, self.max_chars)
    }

    /// A URL as it may be shown: scheme, host, port and path only (no user information, query
    /// or fragment), then redacted as [`text`](Self::text) is.
    pub fn url(&self, url: &str) -> String {
        self.text(&shown_url(url))
    }

    /// The start of a body as one inert line of at most [`BODY_SNIPPET_LIMIT`] bytes.
    pub(crate) fn snippet(&self, body: &[u8]) -> String {
        let text = String::from_utf8_lossy(body);
        let until = cut_at_char(&text, BODY_SNIPPET_LIMIT).len();
        let (shown, _) = self.redact_prefix(&text, until);
        cut_at_char(&shown, BODY_SNIPPET_LIMIT).to_string()
    }

    /// A message from the server (or quoting it) as one inert line, bounded.
    pub(crate) fn message(&self, text: &str) -> String {
        self.line(text, MESSAGE_LIMIT)
    }

    /// A URL the server supplied (`Location`), as a bounded message.
    pub(crate) fn location(&self, raw: &str) -> String {
        self.message(&shown_url(raw))
    }

    fn line(&self, text: &str, limit: usize) -> String {
        let (shown, cut) = self.redact_prefix(text, char_offset(text, limit));
        let bounded = truncate_chars(&shown, limit);
        if cut && !bounded.ends_with('…') {
            format!("{bounded}…")
        } else {
            bounded
        }
    }

    /// The redacted, inert form of `text` up to `until` (a character edge), and of whatever
    /// secret straddles it; and whether anything of `text` was left out.
    fn redact_prefix(&self, text: &str, until: usize) -> (String, bool) {
        let spans = match self.matcher() {
            Some(matcher) => matcher.spans(text, until),
            None => Vec::new(),
        };
        let end = spans.last().map_or(until, |&(_, end)| end.max(until));
        let mut replaced = String::with_capacity(end);
        let mut copied = 0;
        for (start, end) in spans {
            replaced.push_str(&text[copied..start]);
            replaced.push_str(REDACTED);
            copied = end;
        }
        replaced.push_str(&text[copied..end]);
        (inert(&fields::redact_fields(&replaced)), end < text.len())
    }

    fn matcher(&self) -> Option<&SecretMatcher> {
        self.matcher
            .get_or_init(|| {
                if self.unreadable {
                    Some(SecretMatcher::everything())
                } else {
                    SecretMatcher::new(self.secrets.iter().map(String::as_str))
                }
            })
            .as_ref()
    }
}

/// Every string or number under a credential-named key of `value`, at any depth.
fn collect_secrets(value: &serde_json::Value, under_secret: bool, secrets: &mut Vec<String>) {
    use serde_json::Value;
    match value {
        Value::Object(fields) => {
            for (name, value) in fields {
                collect_secrets(value, under_secret || is_secret_name(name), secrets);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_secrets(item, under_secret, secrets);
            }
        }
        Value::String(text) if under_secret && !text.is_empty() => secrets.push(text.clone()),
        Value::Number(number) if under_secret => secrets.push(number.to_string()),
        _ => {}
    }
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
            // JSON quoted inside a string, HTML-escaped, percent-encoded.
            (
                r#""{\"authToken\":\"abc\"}""#,
                r#""{\"authToken\":\"<redacted>\"}""#,
            ),
            (
                r#"{\"token\":\"a\\\"b\",\"n\":1} {\"token\":42}"#,
                r#"{\"token\":\"<redacted>\",\"n\":1} {\"token\":<redacted>}"#,
            ),
            (
                "{&quot;authToken&quot;:&quot;abc&quot;,&quot;x&quot;:1}",
                "{&quot;authToken&quot;:&quot;<redacted>&quot;,&quot;x&quot;:1}",
            ),
            (
                "{&#34;password&#34;: &#34;p\\&#34;w&#34;}",
                "{&#34;password&#34;: &#34;<redacted>&#34;}",
            ),
            (
                "?d=%7B%22authToken%22%3A%22abc%22%2C%22x%22%3A1%7D",
                "?d=%7B%22authToken%22%3A%22<redacted>%22%2C%22x%22%3A1%7D",
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
    fn echoes_in_other_encodings_are_redacted() {
        let token = "Tok-EN/42";
        let redactor = Redactor::new([token]);
        for echo in [
            "TOK-en/42",
            r"Tok-EN\/42",
            r"\u0054\u006f\u006b\u002d\u0045\u004e\u002f\u0034\u0032",
            "T\u{200B}o\u{200C}k\u{200D}-\u{2060}E\u{FEFF}N/42",
            "Tok-EN&#x2F;42",
            "Tok-EN%2F42",
            "VG9rLUVOLzQy",
            "VG9rLUVOLzQy".to_lowercase().as_str(),
        ] {
            let shown = redactor.text(&format!("name: {echo}!"));
            assert_eq!(shown, "name: <redacted>!", "{echo:?}");
        }
    }

    #[test]
    fn answers_lend_their_credentials() {
        let answer = serde_json::json!({
            "name": "box",
            "accessToken": "device-token-1",
            "services": [{"token": "svc-token-2", "secret": 31337_31337u64}],
            "password": {"nested": "nested-secret"},
        });
        let redactor = Redactor::default().secrets_of(&answer);
        let shown = redactor.text("device-token-1 svc-token-2 3133731337 nested-secret box");
        assert_eq!(
            shown, "<redacted> <redacted> <redacted> <redacted> box",
            "{redactor:?}"
        );
        assert_eq!(
            format!("{redactor:?}"),
            "Redactor { secrets: 4, max_chars: 256 }"
        );
    }

    /// An answer whose credentials cannot be read fails closed, whatever else is known.
    #[test]
    fn an_answer_that_cannot_be_read_hides_everything() {
        struct Unreadable;
        impl Serialize for Unreadable {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no"))
            }
        }
        let redactor = Redactor::new(["tok-1"]).secrets_of(&Unreadable);
        assert_eq!(redactor.text("a name, tok-1"), REDACTED);
        assert_eq!(redactor.url("https://h/path"), REDACTED);
        assert_eq!(redactor.text(""), "");
        // A readable answer after it does not make the redactor trust it again.
        let redactor = redactor.secrets_of(&serde_json::json!({"token": "t"}));
        assert_eq!(redactor.text("a name"), REDACTED);
    }

    #[test]
    fn text_is_bounded_with_an_ellipsis() {
        let redactor = Redactor::new(["secret-at-the-cut"]).max_chars(10);
        assert_eq!(redactor.text("0123456789abc"), "0123456789…");
        assert_eq!(redactor.text("0123456789"), "0123456789");
        // A secret across the cut is redacted whole, never shown in part.
        assert_eq!(redactor.text("01234secret-at-the-cut rest"), "01234<reda…");
        assert_eq!(redactor.url("https://u:p@h/p?q#f"), "https://h/…");
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
        // Spread out with invisible characters far past the cut, too.
        let spread: String = secret
            .chars()
            .flat_map(|c| std::iter::once(c).chain(std::iter::repeat_n('\u{200B}', 200)))
            .collect();
        let body = format!("{}{spread}", "x".repeat(BODY_SNIPPET_LIMIT - 5));
        let text = Redactor::new([secret]).snippet(body.as_bytes());
        assert_eq!(text, format!("{}<reda", "x".repeat(BODY_SNIPPET_LIMIT - 5)));
    }
}
