//! What a text can be read as, where the redactor looks for secrets. At each character edge the
//! text reads as the character there, and as every escape that starts there, decoded: JSON
//! escapes (`\/`, `\u0074`, surrogate pairs), HTML and XML character references (`&#116;`,
//! `&#x74;`, `&amp;`…) and percent-encoding (`%74`, `%C3%A4`), nested up to [`MAX_DEPTH`] deep
//! in any order (`%2574`, `&amp;#116;`, `\u0025\u0037\u0034`, `%5Cu0074`).
//!
//! Every reading is kept, not one decoding chosen greedily: in `%0fixture\u002dtoken`, `%0f`
//! decodes, and only the reading that leaves the `%` as it is spells `fixture-token`. The
//! readings form a graph over the text's character edges, each reading going from where it
//! starts to where it ends; the redactor walks every path through it at once. It also drops
//! invisible format characters (zero-width space, joiners, soft hyphen, bidi controls…) and
//! folds characters (letter case, and the characters base64 alphabets and form encoding swap),
//! with [`is_invisible`] and [`fold`].
//!
//! An escape is at most [`MAX_ESCAPE_BYTES`] long and the readings of each character edge are
//! found once, so the readings of a text cost time linear in its length, and memory bounded by
//! a window of [`WINDOW`] bytes.

/// The most encodings nested in one character: `%74` is one deep, `%2574`, `\\u0074` and
/// `\u0025\u0037\u0034` two. Each level more multiplies the readings of a run of escapes
/// (`\\\\…`): two covers each encoding applied twice, and any two of them in any order.
const MAX_DEPTH: u8 = 2;

/// The longest escape read, in bytes of the text, nested ones included.
const MAX_ESCAPE_BYTES: usize = 128;

/// The readings of this many bytes of the text are remembered: an escape looked at while the
/// readings of another are found is never further than [`MAX_DEPTH`] escapes ahead.
const WINDOW: usize = 512;
const _: () = assert!(WINDOW > MAX_DEPTH as usize * (MAX_ESCAPE_BYTES + 4));

/// The most digits of a numeric character reference.
const MAX_DIGITS: u8 = 8;

/// The longest name of a named character reference read (`VerticalLine`).
const MAX_NAME: usize = 12;

/// One way to read the text at a character edge: a character, where in the text its reading
/// ends, and how many encodings deep it was (0: the character as it is).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Reading {
    pub(super) ch: char,
    pub(super) end: usize,
    depth: u8,
}

impl Reading {
    /// Whether this is the character as it is, not an escape decoded.
    pub(super) fn is_as_is(&self) -> bool {
        self.depth == 0
    }
}

/// Whether a reading other than the character itself can start at this byte of a text: only
/// an escape can, and every escape starts with one of these (a nested one too: `%2574` starts
/// with `%`, `&#37;74` with `&`).
pub(super) fn starts_escape(byte: u8) -> bool {
    matches!(byte, b'\\' | b'&' | b'%')
}

/// The readings of a text, found as they are asked for and remembered for a window of the text.
pub(super) struct Readings<'t> {
    text: &'t str,
    /// The readings at each character edge that starts an escape, by edge modulo [`WINDOW`];
    /// allocated when the first escape is met.
    slots: Vec<Slot>,
    /// Escapes found and not yet in their slot: a stack, since finding the readings at one
    /// edge finds those at edges further on first.
    found: Vec<Reading>,
}

/// The readings found at one character edge.
struct Slot {
    /// The character edge (`usize::MAX`: none yet).
    at: usize,
    /// The character itself first, then every escape found so far.
    readings: Vec<Reading>,
    /// Escapes are found up to this depth.
    depth: u8,
}

impl<'t> Readings<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        Self {
            text,
            slots: Vec::new(),
            found: Vec::new(),
        }
    }

    /// Every reading of the text at `at`, a character edge before its end, into `out`: the
    /// character itself first, then each escape that starts there, decoded.
    pub(super) fn at(&mut self, at: usize, out: &mut Vec<Reading>) {
        out.clear();
        if !self
            .text
            .as_bytes()
            .get(at)
            .copied()
            .is_some_and(starts_escape)
        {
            out.extend(self.literal(at));
            return;
        }
        if let Some(decoded) = self.simple(at) {
            out.extend(self.literal(at));
            out.push(decoded);
            return;
        }
        let slot = self.ensure(at, MAX_DEPTH);
        out.extend_from_slice(&self.slots[slot].readings);
    }

    /// The one escape at `at` when it is simple: one deep, spelled in characters that open no
    /// other escape, decoding to a character that opens none (`\"`, `\u0074`, `%74`). Most
    /// escapes are; the readings at the others are found in full.
    fn simple(&self, at: usize) -> Option<Reading> {
        self.one_deep(at)
            .filter(|reading| Partial::open(reading.ch).is_none())
    }

    /// The one escape at `at` read in characters as they are, when it is a common one: `\"`,
    /// `\/`, `\\`, `\u0074` (no surrogate) or `%74` (ASCII). `None` for the others (found in
    /// full) and where there is none.
    fn one_deep(&self, at: usize) -> Option<Reading> {
        let hex = |digits: &[u8]| {
            digits.iter().try_fold(0u32, |value, &digit| {
                Some(value * 16 + char::from(digit).to_digit(16)?)
            })
        };
        let (ch, length) = match self.text.as_bytes().get(at..)? {
            [b'\\', quote @ (b'"' | b'/' | b'\\'), ..] => (char::from(*quote), 2),
            [b'\\', b'u', digits @ ..] if digits.len() >= 4 => {
                (char::from_u32(hex(&digits[..4])?)?, 6)
            }
            [b'%', digits @ ..] if digits.len() >= 2 => (
                char::from_u32(hex(&digits[..2])?).filter(char::is_ascii)?,
                3,
            ),
            _ => return None,
        };
        Some(Reading {
            ch,
            end: at + length,
            depth: 1,
        })
    }

    /// The character at `at` as it is.
    fn literal(&self, at: usize) -> Option<Reading> {
        let ch = self.text.get(at..)?.chars().next()?;
        Some(Reading {
            ch,
            end: at + ch.len_utf8(),
            depth: 0,
        })
    }

    /// Finds the readings at `at` (an escape's start) up to `depth` deep, and answers the slot
    /// that holds them.
    fn ensure(&mut self, at: usize, depth: u8) -> usize {
        if self.slots.is_empty() {
            self.slots.resize_with(WINDOW, || Slot {
                at: usize::MAX,
                readings: Vec::new(),
                depth: 0,
            });
        }
        let index = at % WINDOW;
        if self.slots[index].at != at {
            let literal = self.literal(at);
            let slot = &mut self.slots[index];
            slot.at = at;
            slot.readings.clear();
            slot.readings.extend(literal);
            slot.depth = 0;
        }
        if self.slots[index].depth >= depth {
            return index;
        }
        // Each reading of the first character that opens an escape is followed; escapes found
        // join the list, and are followed in turn (`%` read from `\u0025` opens `%74`).
        let base = self.found.len();
        let mut first = 0;
        while let Some(&reading) = self.slots[index].readings.get(first) {
            first += 1;
            let Some(partial) = Partial::open(reading.ch) else {
                continue;
            };
            if reading.depth >= depth {
                continue;
            }
            self.follow(partial, at, reading.end, reading.depth, depth);
            let slot = &mut self.slots[index];
            for &reading in &self.found[base..] {
                match slot
                    .readings
                    .iter_mut()
                    .find(|known| known.end == reading.end && known.ch == reading.ch)
                {
                    Some(known) => known.depth = known.depth.min(reading.depth),
                    None => slot.readings.push(reading),
                }
            }
            self.found.truncate(base);
        }
        self.slots[index].depth = depth;
        index
    }

    /// Reads on at `at` the escape `partial` that opened at `start`, with readings at most
    /// `limit - 1` deep (so that the escape is at most `limit` deep); `depth` is the deepest
    /// read so far. Each complete escape goes on the `found` stack.
    fn follow(&mut self, mut partial: Partial, start: usize, mut at: usize, depth: u8, limit: u8) {
        let bytes = self.text.as_bytes();
        let opener = loop {
            let Some(&byte) = bytes.get(at) else {
                return;
            };
            if at - start > MAX_ESCAPE_BYTES || !byte.is_ascii() {
                // Escapes are spelled in ASCII.
                return;
            }
            if starts_escape(byte) && limit > 1 {
                break char::from(byte);
            }
            // The one reading of a character that starts no escape: read on without recursion.
            let (more, complete) = partial.read(char::from(byte));
            at += 1;
            if let Some(ch) = complete {
                self.found.push(Reading {
                    ch,
                    end: at,
                    depth: depth + 1,
                });
            }
            match more {
                Some(more) => partial = more,
                None => return,
            }
        };
        // Readings one deep, when that is all this escape may use: a common escape has only
        // itself and its character (no slot needed).
        if limit == 2
            && let Some(escape) = self.one_deep(at)
        {
            let as_is = Reading {
                ch: opener,
                end: at + 1,
                depth: 0,
            };
            self.take(partial, start, as_is, depth, limit);
            self.take(partial, start, escape, depth, limit);
            return;
        }
        let slot = self.ensure(at, limit - 1);
        let mut index = 0;
        // By index: following a reading finds the readings further on, in other slots.
        while let Some(&next) = self.slots[slot].readings.get(index) {
            index += 1;
            if next.depth < limit {
                self.take(partial, start, next, depth, limit);
            }
        }
    }

    /// Reads `next` as the next character of the escape `partial`, and on.
    fn take(&mut self, partial: Partial, start: usize, next: Reading, depth: u8, limit: u8) {
        let depth = depth.max(next.depth);
        let (more, complete) = partial.read(next.ch);
        if let Some(ch) = complete {
            self.found.push(Reading {
                ch,
                end: next.end,
                depth: depth + 1,
            });
        }
        if let Some(more) = more {
            self.follow(more, start, next.end, depth, limit);
        }
    }
}

/// An escape partly read.
#[derive(Clone, Copy, Debug)]
enum Partial {
    /// `\`.
    Backslash,
    /// `\u` and `digits` hexadecimal digits making `value`.
    Unicode { digits: u8, value: u32 },
    /// A high surrogate, then `read` characters of the low one's `\uXXXX` (its digits make
    /// `value`).
    Low { high: u32, read: u8, value: u32 },
    /// `&`.
    Ampersand,
    /// `&#`.
    Hash,
    /// `&#` (and `x` when `radix` is 16), then `digits` digits making `value`.
    Number { radix: u32, digits: u8, value: u32 },
    /// `&` and the first `length` letters of a name.
    Name { letters: [u8; MAX_NAME], length: u8 },
    /// The percent-encoded UTF-8 of one character: `read` bytes, then the `%` of the next
    /// (`digits` 0 waits for it) and its first digit (`digits` 2).
    Percent {
        bytes: [u8; 4],
        read: u8,
        digits: u8,
    },
}

/// Nothing more to read, nothing read.
const NOTHING: (Option<Partial>, Option<char>) = (None, None);

impl Partial {
    /// The escape a character opens.
    fn open(c: char) -> Option<Self> {
        match c {
            '\\' => Some(Self::Backslash),
            '&' => Some(Self::Ampersand),
            '%' => Some(Self::Percent {
                bytes: [0; 4],
                read: 0,
                digits: 1,
            }),
            _ => None,
        }
    }

    /// Reads `c`: what is left to read, if the escape can go on, and the character the escape
    /// stands for, if it can end here (both, for a character reference without its `;`).
    #[inline(always)]
    fn read(self, c: char) -> (Option<Partial>, Option<char>) {
        match self {
            // The escapes of control characters (`\n`, `\t`…) are not read: no secret holds one.
            Self::Backslash => match c {
                '"' | '\\' | '/' => (None, Some(c)),
                'u' => (
                    Some(Self::Unicode {
                        digits: 0,
                        value: 0,
                    }),
                    None,
                ),
                _ => NOTHING,
            },
            Self::Unicode { digits, value } => {
                let Some(digit) = c.to_digit(16) else {
                    return NOTHING;
                };
                let (digits, value) = (digits + 1, value * 16 + digit);
                match (digits, value) {
                    (0..4, _) => (Some(Self::Unicode { digits, value }), None),
                    (_, 0xD800..0xDC00) => (
                        Some(Self::Low {
                            high: value,
                            read: 0,
                            value: 0,
                        }),
                        None,
                    ),
                    // A lone low surrogate is no character.
                    _ => (None, char::from_u32(value)),
                }
            }
            Self::Low { high, read, value } => {
                let value = match (read, c) {
                    (0, '\\') | (1, 'u') => value,
                    (2.., c) => match c.to_digit(16) {
                        Some(digit) => value * 16 + digit,
                        None => return NOTHING,
                    },
                    _ => return NOTHING,
                };
                let read = read + 1;
                if read < 6 {
                    return (Some(Self::Low { high, read, value }), None);
                }
                if !(0xDC00..0xE000).contains(&value) {
                    return NOTHING;
                }
                (
                    None,
                    char::from_u32(0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00)),
                )
            }
            Self::Ampersand => match c {
                '#' => (Some(Self::Hash), None),
                c if c.is_ascii_alphabetic() => {
                    let mut letters = [0; MAX_NAME];
                    letters[0] = c as u8;
                    (Some(Self::Name { letters, length: 1 }), None)
                }
                _ => NOTHING,
            },
            Self::Hash => match c {
                'x' | 'X' => (
                    Some(Self::Number {
                        radix: 16,
                        digits: 0,
                        value: 0,
                    }),
                    None,
                ),
                c => Self::Number {
                    radix: 10,
                    digits: 0,
                    value: 0,
                }
                .read(c),
            },
            Self::Number {
                radix,
                digits,
                value,
            } => {
                if c == ';' {
                    return (None, (digits > 0).then(|| char::from_u32(value)).flatten());
                }
                let Some(digit) = c.to_digit(radix) else {
                    return NOTHING;
                };
                let (digits, value) = (digits + 1, value * radix + digit);
                // Without its `;`, a reference ends at any digit: HTML reads the longest run
                // of digits, which can take the digits of a secret that follows.
                let more = (digits < MAX_DIGITS).then_some(Self::Number {
                    radix,
                    digits,
                    value,
                });
                (more, char::from_u32(value))
            }
            Self::Name {
                mut letters,
                length,
            } => {
                let length = usize::from(length);
                if c == ';' {
                    let name = std::str::from_utf8(&letters[..length]).unwrap_or("");
                    return (None, named_reference(name));
                }
                if !c.is_ascii_alphabetic() || length == MAX_NAME {
                    return NOTHING;
                }
                letters[length] = c as u8;
                let length = length as u8 + 1;
                (Some(Self::Name { letters, length }), None)
            }
            Self::Percent {
                mut bytes,
                read,
                digits,
            } => {
                if digits == 0 {
                    return match c {
                        '%' => (
                            Some(Self::Percent {
                                bytes,
                                read,
                                digits: 1,
                            }),
                            None,
                        ),
                        _ => NOTHING,
                    };
                }
                let Some(digit) = c.to_digit(16) else {
                    return NOTHING;
                };
                let byte = &mut bytes[usize::from(read)];
                *byte = *byte << 4 | digit as u8;
                if digits == 1 {
                    return (
                        Some(Self::Percent {
                            bytes,
                            read,
                            digits: 2,
                        }),
                        None,
                    );
                }
                let read = read + 1;
                let length = match bytes[0] {
                    0x00..=0x7F => 1,
                    0xC2..=0xDF => 2,
                    0xE0..=0xEF => 3,
                    0xF0..=0xF4 => 4,
                    _ => return NOTHING,
                };
                if read < length {
                    return (
                        Some(Self::Percent {
                            bytes,
                            read,
                            digits: 0,
                        }),
                        None,
                    );
                }
                let decoded = std::str::from_utf8(&bytes[..usize::from(length)]).ok();
                (None, decoded.and_then(|text| text.chars().next()))
            }
        }
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

/// `text` read the longest way at each character edge (every escape decoded, the deepest where
/// they nest), invisible characters dropped and characters folded: what a secret looks like
/// once a server decoded it.
pub(super) fn decoded_text(text: &str) -> String {
    let mut readings = Readings::new(text);
    let mut each = Vec::new();
    let mut decoded = String::with_capacity(text.len());
    let mut at = 0;
    while at < text.len() {
        readings.at(at, &mut each);
        let Some(longest) = each.iter().max_by_key(|reading| reading.end) else {
            break;
        };
        if !is_invisible(longest.ch) {
            decoded.push(fold(longest.ch));
        }
        at = longest.end;
    }
    decoded
}

/// `text` with invisible characters dropped and every character folded, without decoding.
pub(super) fn fold_text(text: &str) -> String {
    text.chars()
        .filter(|&c| !is_invisible(c))
        .map(fold)
        .collect()
}

/// One character as the redactor compares it: letters in lower case; `+` and `-` (standard and
/// URL-safe base64, and a form-encoded space) as a space; `_` as `/` (URL-safe base64). A
/// redactor that confuses them hides a little more, never less.
pub(super) fn fold(c: char) -> char {
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
pub(super) const ASCII_FOLD: [u8; 128] = {
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
pub(super) fn is_invisible(c: char) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every reading at `at`: the character and the text it stands for.
    fn readings_at(text: &str, at: usize) -> Vec<(char, &str)> {
        let mut each = Vec::new();
        Readings::new(text).at(at, &mut each);
        each.iter()
            .map(|reading| (reading.ch, &text[at..reading.end]))
            .collect()
    }

    #[test]
    fn an_escape_reads_as_itself_and_decoded() {
        assert_eq!(
            readings_at(r"\u0066ixture", 0),
            [('\\', "\\"), ('f', r"\u0066")]
        );
        // The issue's case: `%0f` decodes (to a control character), and `%` stays `%`.
        assert_eq!(readings_at("%0fixture", 0), [('%', "%"), ('\u{f}', "%0f")]);
        assert_eq!(readings_at("plain", 0), [('p', "p")]);
        assert_eq!(readings_at("é", 0), [('é', "é")]);
        // Broken, cut and unknown escapes read only as themselves.
        for text in [
            r"\u12", r"\q", "\\", "%zz", "%E2%82", "&bogus;", "&#;", "&#x;", "&",
        ] {
            assert_eq!(readings_at(text, 0).len(), 1, "{text}");
        }
    }

    #[test]
    fn common_escapes_read_as_the_full_search_finds() {
        for text in [
            r#"\"x"#,
            r"\/x",
            r"\u0074x",
            r"\u00E4",
            r"\u0025",
            r"\u005c",
            r"\u0026",
            r"\uD83D\uDE00",
            r"\uDE00",
            r"\u00zz",
            r"\u007",
            "%74x",
            "%2F",
            "%25",
            "%5C",
            "%26",
            "%C3%A4",
            "%8F",
            "%7",
            "%g0",
            "\\",
            r"\\",
            r"\\u0074",
            "%2574",
        ] {
            let mut fast = Vec::new();
            Readings::new(text).at(0, &mut fast);
            let mut full = Readings::new(text);
            let slot = full.ensure(0, MAX_DEPTH);
            assert_eq!(fast, full.slots[slot].readings, "{text}");
            // One deep, as an escape nested in another reads them.
            let mut full = Readings::new(text);
            let slot = full.ensure(0, 1);
            if let Some(escape) = full.one_deep(0) {
                assert_eq!(full.slots[slot].readings[1..], [escape], "{text}");
            }
        }
    }

    #[test]
    fn json_escapes_are_read() {
        assert_eq!(readings_at(r"\/", 0)[1], ('/', r"\/"));
        assert_eq!(readings_at(r#"\""#, 0)[1], ('"', r#"\""#));
        assert_eq!(readings_at(r"\\", 0)[1], ('\\', r"\\"));
        assert_eq!(readings_at(r"\uD83D\uDE00", 0)[1], ('😀', r"\uD83D\uDE00"));
        // A lone surrogate is no character; the escapes of control characters are not read.
        assert_eq!(readings_at(r"\uD800x", 0).len(), 1);
        assert_eq!(readings_at(r"\uDE00", 0).len(), 1);
        assert_eq!(readings_at(r"\n", 0).len(), 1);
    }

    #[test]
    fn character_references_are_read_with_and_without_their_semicolon() {
        assert_eq!(
            readings_at("&#116;", 0),
            [
                ('&', "&"),
                ('\u{1}', "&#1"),
                ('\u{b}', "&#11"),
                ('t', "&#116"),
                ('t', "&#116;"),
            ]
        );
        assert_eq!(readings_at("&#x74;", 0).last(), Some(&('t', "&#x74;")));
        assert_eq!(readings_at("&#X74", 0).last(), Some(&('t', "&#X74")));
        assert_eq!(readings_at("&amp;", 0), [('&', "&"), ('&', "&amp;")]);
        assert_eq!(readings_at("&VerticalLine;", 0)[1], ('|', "&VerticalLine;"));
        // Eight digits at most; a number past Unicode is no character.
        assert_eq!(
            readings_at("&#0000000116;", 0).last(),
            Some(&('\u{1}', "&#00000001"))
        );
        let past_unicode = readings_at("&#x110000;", 0);
        assert_eq!(past_unicode.last(), Some(&('\u{11000}', "&#x11000")));
    }

    #[test]
    fn percent_encoding_is_read_byte_by_byte_as_utf8() {
        assert_eq!(readings_at("%74", 0), [('%', "%"), ('t', "%74")]);
        assert_eq!(readings_at("%C3%A4", 0), [('%', "%"), ('ä', "%C3%A4")]);
        assert_eq!(
            readings_at("%F0%9F%98%80", 0).last(),
            Some(&('😀', "%F0%9F%98%80"))
        );
        // A lead byte without its continuation, a continuation byte alone, an overlong form.
        for text in ["%C3", "%C3%41", "%A4", "%C0%80", "%F5%80%80%80"] {
            assert_eq!(readings_at(text, 0).len(), 1, "{text}");
        }
    }

    #[test]
    fn nested_encodings_are_read_in_any_order() {
        for (text, ch) in [
            ("%2574", 't'),
            (r"\\u0074", 't'),
            ("&amp;#116;", 't'),
            (r"\u0025\u0037\u0034", 't'),
            ("%5Cu0074", 't'),
            ("&#92;u0074", 't'),
            ("%26%23116%3B", 't'),
            (r"\u0026#116;", 't'),
            ("&#37;74", 't'),
        ] {
            let readings = readings_at(text, 0);
            assert!(readings.contains(&(ch, text)), "{text}: {readings:?}");
        }
        // Three deep (a JSON escape of each character of `%2574`) is past the limit.
        let three = r"\u0025\u0032\u0035\u0037\u0034";
        assert!(!readings_at(three, 0).iter().any(|&(_, read)| read == three));
    }

    #[test]
    fn every_way_a_run_of_backslashes_reads_is_kept() {
        // `\\\\` is `\` once, twice, three or four times escaped: each end is a reading.
        let ends: Vec<usize> = readings_at(r"\\\\", 0)
            .iter()
            .map(|(_, read)| read.len())
            .collect();
        assert_eq!(ends, [1, 2, 3, 4]);
    }

    #[test]
    fn decoding_the_longest_way_reads_every_escape() {
        assert_eq!(
            decoded_text("&#116;&#x6F;&#107&amp;&lt;&bogus;&"),
            "tok&<&bogus;&"
        );
        assert_eq!(
            decoded_text("%74%6f%6B%C3%A4%2541%zz%E2%82"),
            "tokäa%zz%e2%82"
        );
        assert_eq!(decoded_text(r"\u0025\u0034\u0031"), "a");
        assert_eq!(decoded_text(r"\\u0074 &amp;#116; %2574"), "t t t");
        assert_eq!(
            decoded_text("t\u{200B}o\u{2060}k\u{FEFF}e\u{00AD}n"),
            "token"
        );
        assert_eq!(decoded_text("TOKEN Ä"), "token ä");
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
    fn readings_of_a_long_escaped_text_are_found_once_each() {
        let text = "&#x74;".repeat(100_000);
        let mut readings = Readings::new(&text);
        let mut each = Vec::new();
        for at in (0..text.len()).step_by(6) {
            readings.at(at, &mut each);
            assert_eq!(each.len(), 4, "{at}");
        }
    }
}
