//! How the redactor compares characters: folded (letter case, and what encodings swap),
//! invisible ones dropped; and a text decoded the longest way, as a server would decode it.

use super::Readings;

/// `text` read the longest way at each character edge (every escape decoded, the deepest where
/// they nest), invisible characters dropped and characters folded: what a secret looks like
/// once a server decoded it. Its first `max_bytes` at most (cut between characters).
pub(crate) fn decoded_text(text: &str, max_bytes: usize) -> String {
    let mut readings = Readings::new(text);
    let mut each = Vec::new();
    let mut decoded = String::with_capacity(text.len().min(max_bytes));
    let mut at = 0;
    while at < text.len() {
        readings.at(at, &mut each);
        let Some(longest) = each.iter().max_by_key(|reading| reading.end) else {
            break;
        };
        if !is_invisible(longest.ch) {
            let folded = fold(longest.ch);
            if decoded.len() + folded.len_utf8() > max_bytes {
                break;
            }
            decoded.push(folded);
        }
        at = longest.end;
    }
    decoded
}

/// `text` with invisible characters dropped and every character folded, without decoding. Its
/// first `max_bytes` at most (cut between characters).
pub(crate) fn fold_text(text: &str, max_bytes: usize) -> String {
    let mut folded = String::with_capacity(text.len().min(max_bytes));
    for c in text.chars().filter(|&c| !is_invisible(c)).map(fold) {
        if folded.len() + c.len_utf8() > max_bytes {
            break;
        }
        folded.push(c);
    }
    folded
}

/// One character as the redactor compares it: letters in lower case; `+` and `-` (standard and
/// URL-safe base64, and a form-encoded space) as a space; `_` as `/` (URL-safe base64). A
/// redactor that confuses them hides a little more, never less.
pub(crate) fn fold(c: char) -> char {
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
pub(crate) const ASCII_FOLD: [u8; 128] = {
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
pub(crate) fn is_invisible(c: char) -> bool {
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

    #[test]
    fn decoding_the_longest_way_reads_every_escape() {
        assert_eq!(
            decoded_text("&#116;&#x6F;&#107&amp;&lt;&bogus;&", usize::MAX),
            "tok&<&bogus;&"
        );
        assert_eq!(
            decoded_text("%74%6f%6B%C3%A4%2541%zz%E2%82", usize::MAX),
            "tokäa%zz%e2%82"
        );
        assert_eq!(decoded_text(r"\u0025\u0034\u0031", usize::MAX), "a");
        assert_eq!(
            decoded_text(r"\\u0074 &amp;#116; %2574", usize::MAX),
            "t t t"
        );
        assert_eq!(
            decoded_text("t\u{200B}o\u{2060}k\u{FEFF}e\u{00AD}n", usize::MAX),
            "token"
        );
        assert_eq!(decoded_text("TOKEN Ä", usize::MAX), "token ä");
        assert_eq!(fold_text("A+b-c_d", usize::MAX), "a b c/d");
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
}
