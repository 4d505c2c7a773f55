//! The forms in which a hostile server echoes a secret, for tests of redaction: each gives the
//! text the server sends and the part of it that must never be shown. Written independently of
//! the client's decoders, from the formats' definitions.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

/// How a secret is echoed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// As it was sent.
    Raw,
    /// In capitals.
    Upper,
    /// JSON-escaped as PHP does: `/` as `\/` and `-` as `\u002d`, every other character as it is.
    JsonSlash,
    /// Every character as `\uXXXX`.
    JsonEveryChar,
    /// Every character as `\uXXXX` inside a JSON string inside a JSON string (`\\u0074`).
    JsonTwice,
    /// A zero-width space, a word joiner and a soft hyphen between its letters.
    Invisible,
    /// Decimal character references (`&#116;`).
    HtmlDecimal,
    /// Hexadecimal character references (`&#x74;`), written again as `&amp;#x74;`.
    HtmlTwice,
    /// Every byte percent-encoded.
    Percent,
    /// Every byte percent-encoded, then the `%` again (`%2574`).
    PercentTwice,
    /// Each character in turn as it is, `\uXXXX`, `&#N;` and percent-encoded.
    Mixed,
    /// Each character in turn in two different encodings (`t` as): percent-encoded with the
    /// `%` JSON-escaped (`\u002574`), JSON-escaped with the `\` percent-encoded (`%5Cu0074`)
    /// or as a character reference (`&#92;u0074`), percent-encoded with the `%` as a character
    /// reference (`&#37;74`), as a character reference percent-encoded (`%26%23116%3B`) or
    /// JSON-escaped (`\u0026#116;`).
    MixedTwice,
    /// base64 of the secret after `before` other bytes and before one more, in the standard
    /// or URL-safe alphabet, padded or not.
    Base64 {
        /// Bytes encoded before the secret, which shift its alignment in the base64 text.
        before: usize,
        /// The URL-safe alphabet (`-`, `_`) instead of the standard one (`+`, `/`).
        url_safe: bool,
        /// With `=` padding.
        padded: bool,
    },
}

impl Encoding {
    /// Every encoding, base64 at each alignment and in each alphabet.
    pub fn all() -> Vec<Encoding> {
        let mut all = vec![
            Encoding::Raw,
            Encoding::Upper,
            Encoding::JsonSlash,
            Encoding::JsonEveryChar,
            Encoding::JsonTwice,
            Encoding::Invisible,
            Encoding::HtmlDecimal,
            Encoding::HtmlTwice,
            Encoding::Percent,
            Encoding::PercentTwice,
            Encoding::Mixed,
            Encoding::MixedTwice,
        ];
        for before in 0..3 {
            for (url_safe, padded) in [(false, true), (true, false)] {
                all.push(Encoding::Base64 {
                    before,
                    url_safe,
                    padded,
                });
            }
        }
        all
    }

    /// The text a server sends for `secret`, and the part of it that must not be shown.
    pub fn encode(self, secret: &str) -> (String, String) {
        let every_char = |format: &dyn Fn(u32) -> String| -> String {
            secret.chars().map(|c| format(c as u32)).collect()
        };
        let text = match self {
            Encoding::Raw => secret.to_string(),
            Encoding::Upper => secret.to_uppercase(),
            Encoding::JsonSlash => secret.replace('/', "\\/").replace('-', "\\u002d"),
            Encoding::JsonEveryChar => secret
                .encode_utf16()
                .map(|unit| format!("\\u{unit:04x}"))
                .collect(),
            Encoding::JsonTwice => secret
                .encode_utf16()
                .map(|unit| format!("\\\\u{unit:04X}"))
                .collect(),
            Encoding::Invisible => {
                let letters: Vec<String> = secret.chars().map(String::from).collect();
                letters.join("\u{200B}\u{2060}\u{AD}")
            }
            Encoding::HtmlDecimal => every_char(&|c| format!("&#{c};")),
            Encoding::HtmlTwice => every_char(&|c| format!("&amp;#x{c:x};")),
            Encoding::Percent => secret.bytes().map(|b| format!("%{b:02X}")).collect(),
            Encoding::PercentTwice => secret.bytes().map(|b| format!("%25{b:02x}")).collect(),
            Encoding::Mixed => secret
                .chars()
                .enumerate()
                .map(|(i, c)| match i % 4 {
                    0 => c.to_string(),
                    1 => json_escape(c),
                    2 => format!("&#{};", c as u32),
                    _ => percent(c),
                })
                .collect(),
            Encoding::MixedTwice => secret
                .chars()
                .enumerate()
                .map(|(i, c)| match i % 6 {
                    0 => percent(c).replace('%', "\\u0025"),
                    1 => json_escape(c).replace('\\', "%5C"),
                    2 => json_escape(c).replace('\\', "&#92;"),
                    3 => percent(c).replace('%', "&#37;"),
                    4 => format!("%26%23{}%3B", c as u32),
                    _ => format!("\\u0026#{};", c as u32),
                })
                .collect(),
            Encoding::Base64 {
                before,
                url_safe,
                padded,
            } => {
                let mut data = b"xyz"[..before].to_vec();
                data.extend_from_slice(secret.as_bytes());
                data.push(b'!');
                let engine = match (url_safe, padded) {
                    (false, true) => &STANDARD,
                    (false, false) => &STANDARD_NO_PAD,
                    (true, true) => &URL_SAFE,
                    (true, false) => &URL_SAFE_NO_PAD,
                };
                let text = engine.encode(&data);
                // The characters that depend on the secret's bytes alone.
                let first = (8 * before).div_ceil(6);
                let end = 8 * (before + secret.len()) / 6;
                let core = text[first..end].to_string();
                return (text, core);
            }
        };
        (text.clone(), text)
    }
}

/// `c` as JSON escapes (`\uXXXX`, a surrogate pair past the first plane).
fn json_escape(c: char) -> String {
    let mut units = [0u16; 2];
    c.encode_utf16(&mut units)
        .iter()
        .map(|unit| format!("\\u{unit:04x}"))
        .collect()
}

/// The UTF-8 bytes of `c`, percent-encoded.
fn percent(c: char) -> String {
    let mut utf8 = [0u8; 4];
    c.encode_utf8(&mut utf8)
        .bytes()
        .map(|byte| format!("%{byte:02X}"))
        .collect()
}
