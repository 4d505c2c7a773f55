//! The view of a text in which the redactor looks for secrets: JSON escapes (`\/`, `\u0074`,
//! surrogate pairs), HTML and XML character references (`&#116;`, `&#x74;`, `&amp;`…) and
//! percent-encoding are decoded (each up to twice: a text escaped again), invisible
//! format characters (zero-width space, joiners, soft hyphen, bidi controls…) are dropped, and
//! characters are folded (letter case, and the characters base64 alphabets and form encoding
//! swap). Each character of the view keeps the span of the original text it stands for, so that
//! a match is replaced there.
//!
//! The layers stream: each looks at most twelve characters ahead and never back, so the view of
//! a text costs time linear in its length and constant memory.

/// One character of a layer's output, and the bytes of the original text it stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Unit {
    pub(super) ch: char,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// The view of `text`, character by character.
pub(super) fn view(text: &str) -> impl Iterator<Item = Unit> + '_ {
    let source = text.char_indices().map(|(start, ch)| Unit {
        ch,
        start,
        end: start + ch.len_utf8(),
    });
    // Each encoding twice: JSON inside a JSON string, an HTML page quoting escaped markup, a
    // URL encoded again inside a query.
    let json = Json::new(Json::new(source));
    let decoded = Percent::new(Percent::new(Html::new(Html::new(json))));
    decoded
        .filter(|unit| !is_invisible(unit.ch))
        .map(|unit| Unit {
            ch: fold(unit.ch),
            ..unit
        })
}

/// `text` without decoding: only invisible characters dropped and characters folded. The
/// redactor walks it too, since decoding can take a secret's first letters into an escape
/// (`%` before `ab12…`, `&#` before `1234`).
pub(super) fn plain(text: &str) -> impl Iterator<Item = Unit> + '_ {
    text.char_indices()
        .filter(|(_, ch)| !is_invisible(*ch))
        .map(|(start, ch)| Unit {
            ch: fold(ch),
            start,
            end: start + ch.len_utf8(),
        })
}

/// `text` as the view sees it, as a string (for the secrets' own forms).
pub(super) fn view_text(text: &str) -> String {
    view(text).map(|unit| unit.ch).collect()
}

/// `text` with invisible characters dropped and every character folded, without decoding.
pub(super) fn fold_text(text: &str) -> String {
    text.chars()
        .filter(|&c| !is_invisible(c))
        .map(fold)
        .collect()
}

/// One character as the view compares it: letters in lower case; `+` and `-` (standard and
/// URL-safe base64, and a form-encoded space) as a space; `_` as `/` (URL-safe base64). A
/// redactor that confuses them hides a little more, never less.
fn fold(c: char) -> char {
    if c.is_ascii() {
        return ASCII_FOLD[c as usize] as char;
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(lower), None) => lower,
        _ => c,
    }
}

/// [`fold`] of each ASCII character, computed once at compile time.
const ASCII_FOLD: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut byte = 0;
    while byte < 128 {
        table[byte] = match byte as u8 {
            b'A'..=b'Z' => byte as u8 + (b'a' - b'A'),
            b'+' | b'-' => b' ',
            b'_' => b'/',
            other => other,
        };
        byte += 1;
    }
    table
};

/// Characters that render as nothing: Unicode's format characters (category Cf: zero-width
/// space and joiners, soft hyphen, bidi controls, word joiner, byte-order mark, tags…),
/// variation selectors, the combining grapheme joiner and the Hangul fillers. A secret with them
/// between its letters looks like the secret.
fn is_invisible(c: char) -> bool {
    // Every invisible character is past U+00AC: most text is decided by one comparison.
    c > '\u{AC}'
        && matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{0600}'..='\u{0605}'
                | '\u{061C}'
                | '\u{06DD}'
                | '\u{070F}'
                | '\u{0890}'..='\u{0891}'
                | '\u{08E2}'
                | '\u{115F}'..='\u{1160}'
                | '\u{17B4}'..='\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{110BD}'
                | '\u{110CD}'
                | '\u{13430}'..='\u{1343F}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// A layer's input, with a short lookahead: a ring of [`LOOKAHEAD`] units.
struct Lookahead<I> {
    input: I,
    ahead: [Unit; LOOKAHEAD],
    /// Where the next unit is in `ahead`, and how many are there.
    first: usize,
    count: usize,
}

/// The most any layer looks ahead (`\uD83D\uDE00` is 12 characters), rounded to a power of two.
const LOOKAHEAD: usize = 16;

const NO_UNIT: Unit = Unit {
    ch: '\0',
    start: 0,
    end: 0,
};

impl<I: Iterator<Item = Unit>> Lookahead<I> {
    fn new(input: I) -> Self {
        Self {
            input,
            ahead: [NO_UNIT; LOOKAHEAD],
            first: 0,
            count: 0,
        }
    }

    #[inline]
    fn next(&mut self) -> Option<Unit> {
        if self.count == 0 {
            return self.input.next();
        }
        let unit = self.ahead[self.first];
        self.first = (self.first + 1) % LOOKAHEAD;
        self.count -= 1;
        Some(unit)
    }

    /// The unit `n` places ahead of the next one (0: the next one).
    fn peek(&mut self, n: usize) -> Option<Unit> {
        debug_assert!(n < LOOKAHEAD);
        while self.count <= n {
            let unit = self.input.next()?;
            self.ahead[(self.first + self.count) % LOOKAHEAD] = unit;
            self.count += 1;
        }
        Some(self.ahead[(self.first + n) % LOOKAHEAD])
    }

    /// The character `n` places ahead, if there is one.
    fn peek_char(&mut self, n: usize) -> Option<char> {
        self.peek(n).map(|unit| unit.ch)
    }

    /// Consumes `n` units already peeked, and answers one unit standing for them and `first`.
    fn replace(&mut self, first: Unit, n: usize, ch: char) -> Unit {
        let end = if n == 0 {
            first.end
        } else {
            self.ahead[(self.first + n - 1) % LOOKAHEAD].end
        };
        self.first = (self.first + n) % LOOKAHEAD;
        self.count -= n;
        Unit {
            ch,
            start: first.start,
            end,
        }
    }

    /// The value of the `digits` hexadecimal digits starting `at` places ahead.
    fn hex(&mut self, at: usize, digits: usize) -> Option<u32> {
        (at..at + digits).try_fold(0u32, |value, n| {
            let digit = self.peek_char(n)?.to_digit(16)?;
            Some(value * 16 + digit)
        })
    }
}

/// JSON string escapes that can spell a secret's characters: `\"`, `\\`, `\/`, `\uXXXX` and
/// surrogate pairs (`\uD83D\uDE00`); a lone surrogate is one U+FFFD. The escapes of control
/// characters (`\n`, `\t`…) stay as they are: no secret holds one, and decoding them would take
/// a letter from a secret that follows a backslash (`\fixture`).
struct Json<I> {
    input: Lookahead<I>,
}

impl<I: Iterator<Item = Unit>> Json<I> {
    fn new(input: I) -> Self {
        Self {
            input: Lookahead::new(input),
        }
    }

    fn escape(&mut self, backslash: Unit) -> Option<Unit> {
        let ch = match self.input.peek_char(0)? {
            c @ ('"' | '\\' | '/') => c,
            'u' => return self.unicode(backslash),
            _ => return None,
        };
        Some(self.input.replace(backslash, 1, ch))
    }

    /// After a backslash: `u` and four digits, and a second escape for a surrogate pair.
    fn unicode(&mut self, backslash: Unit) -> Option<Unit> {
        let first = self.input.hex(1, 4)?;
        if let Some(ch) = char::from_u32(first) {
            return Some(self.input.replace(backslash, 5, ch));
        }
        let paired = (0xD800..0xDC00).contains(&first)
            && self.input.peek_char(5) == Some('\\')
            && self.input.peek_char(6) == Some('u');
        if paired
            && let Some(second) = self.input.hex(7, 4)
            && (0xDC00..0xE000).contains(&second)
            && let Some(ch) = char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
        {
            return Some(self.input.replace(backslash, 11, ch));
        }
        Some(
            self.input
                .replace(backslash, 5, char::REPLACEMENT_CHARACTER),
        )
    }
}

impl<I: Iterator<Item = Unit>> Iterator for Json<I> {
    type Item = Unit;

    fn next(&mut self) -> Option<Unit> {
        let unit = self.input.next()?;
        if unit.ch != '\\' {
            return Some(unit);
        }
        Some(self.escape(unit).unwrap_or(unit))
    }
}

/// HTML and XML character references: decimal and hexadecimal (`&#116;`, `&#x74;`, the `;`
/// optional as HTML allows), and the named ones for ASCII punctuation. Anything else stays.
struct Html<I> {
    input: Lookahead<I>,
}

impl<I: Iterator<Item = Unit>> Html<I> {
    fn new(input: I) -> Self {
        Self {
            input: Lookahead::new(input),
        }
    }

    fn reference(&mut self, ampersand: Unit) -> Option<Unit> {
        if self.input.peek_char(0)? == '#' {
            return self.numeric(ampersand);
        }
        let mut name = String::with_capacity(8);
        loop {
            let c = self.input.peek_char(name.len())?;
            if c == ';' {
                break;
            }
            if !c.is_ascii_alphabetic() || name.len() == 8 {
                return None;
            }
            name.push(c);
        }
        let ch = named_reference(&name)?;
        let length = name.len() + 1;
        Some(self.input.replace(ampersand, length, ch))
    }

    /// After `&`: `#`, then up to 8 decimal digits, or `x` and up to 8 hexadecimal ones.
    fn numeric(&mut self, ampersand: Unit) -> Option<Unit> {
        let hexadecimal = matches!(self.input.peek_char(1), Some('x' | 'X'));
        let (radix, first) = if hexadecimal { (16, 2) } else { (10, 1) };
        let mut at = first;
        let mut value: u32 = 0;
        while at < first + 8 {
            let Some(digit) = self.input.peek_char(at).and_then(|c| c.to_digit(radix)) else {
                break;
            };
            value = value * radix + digit;
            at += 1;
        }
        if at == first {
            return None;
        }
        if self.input.peek_char(at) == Some(';') {
            at += 1;
        }
        let ch = char::from_u32(value).unwrap_or(char::REPLACEMENT_CHARACTER);
        Some(self.input.replace(ampersand, at, ch))
    }
}

impl<I: Iterator<Item = Unit>> Iterator for Html<I> {
    type Item = Unit;

    fn next(&mut self) -> Option<Unit> {
        let unit = self.input.next()?;
        if unit.ch != '&' {
            return Some(unit);
        }
        Some(self.reference(unit).unwrap_or(unit))
    }
}

/// The named references a server would use to spell ASCII text (HTML's names are case
/// sensitive; the few written in capitals too are listed both ways).
fn named_reference(name: &str) -> Option<char> {
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "sol" => '/',
        "bsol" => '\\',
        "equals" => '=',
        "plus" => '+',
        "colon" => ':',
        "semi" => ';',
        "period" => '.',
        "comma" => ',',
        "lowbar" | "UnderBar" => '_',
        "num" => '#',
        "percnt" => '%',
        "excl" => '!',
        "quest" => '?',
        "commat" => '@',
        "lpar" => '(',
        "rpar" => ')',
        "lsqb" | "lbrack" => '[',
        "rsqb" | "rbrack" => ']',
        "lcub" | "lbrace" => '{',
        "rcub" | "rbrace" => '}',
        "verbar" | "vert" | "VerticalLine" => '|',
        "ast" | "midast" => '*',
        "dollar" => '$',
        "grave" => '`',
        "Hat" => '^',
        "nbsp" => '\u{A0}',
        "NewLine" => '\n',
        "Tab" => '\t',
        _ => return None,
    })
}

/// Percent-encoding: `%XX`, and the UTF-8 sequences of several (`%C3%A4`). An invalid one
/// stays.
struct Percent<I> {
    input: Lookahead<I>,
}

impl<I: Iterator<Item = Unit>> Percent<I> {
    fn new(input: I) -> Self {
        Self {
            input: Lookahead::new(input),
        }
    }

    fn decode(&mut self, percent: Unit) -> Option<Unit> {
        let lead = u8::try_from(self.input.hex(0, 2)?).ok()?;
        let length = match lead {
            0x00..=0x7F => 1,
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => return None,
        };
        let mut bytes = [lead, 0, 0, 0];
        for (index, byte) in bytes.iter_mut().enumerate().take(length).skip(1) {
            let at = 2 + 3 * (index - 1);
            if self.input.peek_char(at)? != '%' {
                return None;
            }
            *byte = u8::try_from(self.input.hex(at + 1, 2)?).ok()?;
        }
        let ch = std::str::from_utf8(&bytes[..length]).ok()?.chars().next()?;
        Some(self.input.replace(percent, 2 + 3 * (length - 1), ch))
    }
}

impl<I: Iterator<Item = Unit>> Iterator for Percent<I> {
    type Item = Unit;

    fn next(&mut self) -> Option<Unit> {
        let unit = self.input.next()?;
        if unit.ch != '%' {
            return Some(unit);
        }
        Some(self.decode(unit).unwrap_or(unit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The view of `text` and, for each character, the original text it stands for.
    fn spans(text: &str) -> Vec<(char, &str)> {
        view(text)
            .map(|unit| (unit.ch, &text[unit.start..unit.end]))
            .collect()
    }

    #[test]
    fn json_escapes_decode_with_their_spans() {
        assert_eq!(
            spans(r#"a\/\u0062\uD83D\uDE00\n\q"#),
            [
                ('a', "a"),
                ('/', "\\/"),
                ('b', "\\u0062"),
                ('😀', "\\uD83D\\uDE00"),
                ('\\', "\\"),
                ('n', "n"),
                ('\\', "\\"),
                ('q', "q"),
            ]
        );
        // A lone surrogate, a short escape, a cut one.
        assert_eq!(view_text(r"\uD800x"), "\u{FFFD}x");
        assert_eq!(view_text(r"\u12"), r"\u12");
        assert_eq!(view_text("\\"), "\\");
    }

    #[test]
    fn character_references_and_percent_encoding_decode() {
        assert_eq!(
            view_text("&#116;&#x6F;&#107&amp;&lt;&bogus;&"),
            "tok&<&bogus;&"
        );
        assert_eq!(view_text("%74%6f%6B%C3%A4%2541%zz%E2%82"), "tokäa%zz%e2%82");
        assert_eq!(
            spans("&#x2F;%2F"),
            [('/', "&#x2F;"), ('/', "%2F")],
            "spans cover the whole reference"
        );
    }

    #[test]
    fn layers_combine_and_invisible_characters_go() {
        // A JSON escape that spells a percent sign, whose escape spells a letter.
        assert_eq!(view_text(r"\u0025\u0034\u0031"), "a");
        // Each encoding twice.
        assert_eq!(view_text(r"\\u0074 &amp;#116; %2574"), "t t t");
        assert_eq!(view_text("t\u{200B}o\u{2060}k\u{FEFF}e\u{00AD}n"), "token");
        assert_eq!(view_text("TOKEN Ä"), "token ä");
        assert_eq!(fold_text("A+b-c_d"), "a b c/d");
    }

    #[test]
    fn folding_joins_what_encodings_swap() {
        for (c, folded) in [
            ('A', 'a'),
            ('z', 'z'),
            ('+', ' '),
            ('-', ' '),
            (' ', ' '),
            ('_', '/'),
            ('/', '/'),
            ('%', '%'),
            ('Ä', 'ä'),
            ('Σ', 'σ'),
            // Lower case in two characters: kept.
            ('İ', 'İ'),
        ] {
            assert_eq!(fold(c), folded, "{c:?}");
        }
    }

    #[test]
    fn a_long_text_streams() {
        let text = "&#x74;".repeat(100_000);
        let units = view(&text).count();
        assert_eq!(units, 100_000);
    }
}
