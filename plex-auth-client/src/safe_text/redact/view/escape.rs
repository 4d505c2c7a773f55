//! The escapes a text can hold, read a character at a time: JSON escapes, HTML and XML
//! character references, percent-encoded UTF-8.

/// The most significant digits of a numeric character reference: HTML reads any number of
/// leading zeros (`&#0000000116;` is `t`), which only the length of an escape bounds.
const MAX_DIGITS: u32 = 8;

/// The longest name of a named character reference read (`VerticalLine`).
const MAX_NAME: usize = 12;

/// An escape partly read.
#[derive(Clone, Copy, Debug)]
pub(super) enum Partial {
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
    pub(super) fn open(c: char) -> Option<Self> {
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
    pub(super) fn read(self, c: char) -> (Option<Partial>, Option<char>) {
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
                let (digits, value) = (digits.saturating_add(1), value * radix + digit);
                // Without its `;`, a reference ends at any digit: HTML reads the longest run
                // of digits, which can take the digits of a secret that follows. Fewer than
                // `MAX_DIGITS` significant ones so far: one more cannot overflow.
                let more = (value < radix.pow(MAX_DIGITS - 1)).then_some(Self::Number {
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

#[cfg(test)]
mod tests {
    use super::super::tests::readings_at;

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
        // Leading zeros do not count: eight significant digits at most.
        assert_eq!(
            readings_at("&#0000000116;", 0).last(),
            Some(&('t', "&#0000000116;"))
        );
        assert_eq!(
            readings_at("&#x00000000000074;", 0).last(),
            Some(&('t', "&#x00000000000074;"))
        );
        let zeros = format!("&#{}116;", "0".repeat(100));
        assert_eq!(readings_at(&zeros, 0).last(), Some(&('t', zeros.as_str())));
        // An escape's length bounds them.
        let too_many = format!("&#{}116;", "0".repeat(200));
        assert!(readings_at(&too_many, 0).iter().all(|&(ch, _)| ch != 't'));
        // A number past Unicode is no character.
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
}
