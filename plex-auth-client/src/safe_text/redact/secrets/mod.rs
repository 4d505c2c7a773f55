//! Finding known secrets in a text, in the forms a server echoes them: as sent, in any letter
//! case, JSON-, HTML- or percent-encoded (nested, in any order), with invisible characters
//! between their letters (all seen through the text's [readings](super::view)), and
//! base64-encoded at any alignment, with either alphabet, with or without padding.
//!
//! Not found: base64 broken into lines (MIME's and PEM's 64- or 76-character lines) where a
//! break falls inside the secret's encoding; each line holds only part of it.
//!
//! One Aho-Corasick automaton holds every form of every secret. It walks every way of reading
//! the text at once: the text as it is, every escape decoded, and every mix, so that no
//! decoding can take a secret's first letters into an escape (`%0fixture…`) and hide it. Paths
//! that reach the same place in the same state are one: the cost is linear in the text's
//! length.
//!
//! A server chooses the length of the credentials an answer holds, so the work and memory a
//! secret costs are bounded: a secret longer than [`MAX_SECRET_BYTES`] is looked for by its
//! first [`LONG_SECRET_PREFIX`] bytes, and a match hides everything from there to the end of
//! the text; forms past [`MAX_FORM_BYTES`] in all are not compiled, and everything is hidden.

mod depths;
mod walk;

use aho_corasick::dfa::DFA;
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::{MatchKind, StartKind};
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;

use super::view::{decoded_text, fold_text};
use depths::Depths;
use walk::Walk;

/// A base64 form shorter than this is not looked for: it would match unrelated text.
const MIN_BASE64_CORE: usize = 4;

/// A secret longer than this (a JWT is about 1 KiB) is looked for by its beginning only.
const MAX_SECRET_BYTES: usize = 4 * 1024;

/// How much of the beginning of a longer secret is looked for, in bytes of each form.
const LONG_SECRET_PREFIX: usize = 256;

/// Past this many bytes of forms in all (about 7,000 ordinary tokens), no automaton is built:
/// everything is hidden, rather than an answer's tokens choosing the memory spent.
const MAX_FORM_BYTES: usize = 1024 * 1024;

/// Up to this many bytes of forms, the automaton is a DFA (fastest); past it, a contiguous NFA,
/// whose memory stays proportional to the forms (an answer can list thousands of tokens).
const DFA_LIMIT: usize = 64 * 1024;

/// The forms of a set of secrets, compiled. No `Debug`: the automaton spells the secrets.
#[derive(Clone)]
pub(super) struct SecretMatcher {
    automaton: Compiled,
    /// The longest form, in bytes.
    longest: usize,
    depths: Depths,
    /// By pattern: whether the form is only the beginning of a long secret, so that a match
    /// hides the rest of the text.
    open_ended: Vec<bool>,
    /// The bytes of all forms.
    #[cfg(test)]
    form_bytes: usize,
}

#[derive(Clone)]
enum Compiled {
    Dfa(DFA),
    Nfa(NFA),
    /// The forms are too many to compile (past [`MAX_FORM_BYTES`] or 2^32 states), or the
    /// secrets could not be read: everything is a match, so that nothing is shown rather than a
    /// secret.
    Everything,
}

impl SecretMatcher {
    /// A matcher for `secrets`; `None` when there is nothing to look for.
    pub(super) fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Option<Self> {
        let mut forms: Vec<(String, bool)> = secrets
            .into_iter()
            .filter(|secret| !secret.is_empty())
            .flat_map(forms)
            .filter(|(form, _)| !form.is_empty())
            .collect();
        forms.sort_unstable();
        // A form both whole and the beginning of a longer secret is open-ended (sorted last).
        forms.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            kept.1 |= same && later.1;
            same
        });
        let (forms, open_ended): (Vec<String>, Vec<bool>) = forms.into_iter().unzip();
        let longest = forms.iter().map(String::len).max()?;
        let size: usize = forms.iter().map(String::len).sum();
        if size > MAX_FORM_BYTES {
            return Some(Self::everything());
        }
        let automaton = if size <= DFA_LIMIT {
            DFA::builder()
                .match_kind(MatchKind::Standard)
                .start_kind(StartKind::Unanchored)
                .prefilter(false)
                .build(&forms)
                .map(Compiled::Dfa)
        } else {
            NFA::builder()
                .match_kind(MatchKind::Standard)
                .prefilter(false)
                .build(&forms)
                .map(Compiled::Nfa)
        };
        let automaton = automaton.unwrap_or(Compiled::Everything);
        let depths = match &automaton {
            Compiled::Dfa(dfa) => Depths::new(dfa, &forms),
            Compiled::Nfa(nfa) => Depths::new(nfa, &forms),
            Compiled::Everything => Depths::default(),
        };
        Some(Self {
            automaton,
            longest,
            depths,
            open_ended,
            #[cfg(test)]
            form_bytes: size,
        })
    }

    /// A matcher that finds the whole of every text.
    pub(super) fn everything() -> Self {
        Self {
            automaton: Compiled::Everything,
            longest: 0,
            depths: Depths::default(),
            open_ended: Vec::new(),
            #[cfg(test)]
            form_bytes: 0,
        }
    }

    /// The spans of `text` (byte ranges, sorted, disjoint) holding a secret in one of its
    /// forms. Only the part of `text` before `until` matters: the scan stops once no form that
    /// starts there can still end, and spans that start after it are left out.
    pub(super) fn spans(&self, text: &str, until: usize) -> Vec<(usize, usize)> {
        match &self.automaton {
            Compiled::Dfa(dfa) => Walk::new(dfa, self, text, until).run(),
            Compiled::Nfa(nfa) => Walk::new(nfa, self, text, until).run(),
            Compiled::Everything if text.is_empty() => Vec::new(),
            Compiled::Everything => vec![(0, text.len())],
        }
    }
}

/// What an echo of `secret` can read as: the secret folded, the secret decoded as a server
/// would decode it (a password holding `%41` is seen as `A` in the text too), and its base64
/// cores; each with whether it is only the beginning of a secret past [`MAX_SECRET_BYTES`].
fn forms(secret: &str) -> Vec<(String, bool)> {
    let long = secret.len() > MAX_SECRET_BYTES;
    let (limit, raw) = if long {
        (LONG_SECRET_PREFIX, &secret.as_bytes()[..LONG_SECRET_PREFIX])
    } else {
        (usize::MAX, secret.as_bytes())
    };
    let mut forms = vec![fold_text(secret, limit), decoded_text(secret, limit)];
    forms.extend(base64_cores(raw));
    forms.into_iter().map(|form| (form, long)).collect()
}

/// The characters of the base64 encoding of `secret` that depend on its bytes alone, for each
/// of the three alignments it can have in the encoded data: what any base64 text holding the
/// secret contains, whatever comes before or after it, padded or not.
fn base64_cores(secret: &[u8]) -> Vec<String> {
    (0..3usize)
        .filter_map(|before| {
            let mut data = vec![0u8; before];
            data.extend_from_slice(secret);
            let encoded = STANDARD_NO_PAD.encode(&data);
            // Character i holds bits 6i..6i+6 of the data: the secret's alone when they fall
            // within its bits.
            let first = (8 * before).div_ceil(6);
            let end = 8 * data.len() / 6;
            let core = encoded.get(first..end)?;
            (core.len() >= MIN_BASE64_CORE).then(|| fold_text(core, usize::MAX))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};

    use super::*;

    /// `text` with each span a secret of `matcher` is found in replaced by `▮`.
    pub(super) fn masked(matcher: &SecretMatcher, text: &str) -> String {
        let mut shown = String::new();
        let mut copied = 0;
        for (start, end) in matcher.spans(text, text.len()) {
            shown.push_str(&text[copied..start]);
            shown.push('▮');
            copied = end;
        }
        shown.push_str(&text[copied..]);
        shown
    }

    /// `text` with each span `secret` is found in replaced by `#`.
    fn hidden(secret: &str, text: &str) -> String {
        masked(&SecretMatcher::new([secret]).unwrap(), text).replace('▮', "#")
    }

    #[test]
    fn every_echoed_form_is_found() {
        let secret = "Tok/en-ä+1";
        let json_every_char: String = secret
            .encode_utf16()
            .map(|unit| format!("\\u{unit:04x}"))
            .collect();
        let spread = secret
            .chars()
            .map(String::from)
            .collect::<Vec<_>>()
            .join("\u{200B}");
        for form in [
            secret.to_string(),
            secret.to_uppercase(),
            r"Tok\/en-\u00e4+1".to_string(),
            json_every_char,
            "Tok&#x2F;en-&#228;&plus;1".to_string(),
            "Tok%2Fen-%C3%A4%2B1".to_string(),
            "Tok%252Fen-%25C3%25A4%252B1".to_string(),
            spread,
        ] {
            assert_eq!(hidden(secret, &format!("<{form}>")), "<#>", "{form:?}");
        }
    }

    #[test]
    fn base64_is_found_at_every_alignment_in_both_alphabets() {
        let secret = "tok-ALIGN-0123456789";
        for prefix in ["", "a", "ab", "abc"] {
            let data = format!("{prefix}{secret}!");
            for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
                let encoded = engine.encode(&data);
                let shown = hidden(secret, &encoded);
                assert!(shown.contains('#'), "{encoded} -> {shown}");
                // At most the three characters on either side that mix in other bytes stay.
                assert!(shown.len() <= 1 + 8, "{encoded} -> {shown}");
            }
        }
    }

    #[test]
    fn overlapping_and_repeated_forms_merge() {
        let matcher = SecretMatcher::new(["abcd", "cdef"]).unwrap();
        assert_eq!(matcher.spans("xabcdefx abcd", 100), [(1, 7), (9, 13)]);
    }

    /// Issue 17's follow-up: `%0f` decodes, taking the secret's first letter, and the rest is
    /// written with JSON escapes, so neither the text as it is nor its greedy decoding spells it.
    #[test]
    fn a_percent_before_a_json_escaped_secret_does_not_hide_it() {
        let shown = crate::Redactor::new(["fixture-token-0123456789"])
            .text(r"%0fixture\u002dtoken\u002d0123456789");
        assert_eq!(shown, "%0<redacted>");
    }

    #[test]
    fn thousands_of_secrets_are_found_behind_an_escape_too() {
        let secrets: Vec<String> = (0..3000)
            .map(|i: u32| format!("e{i:05}-token-{:08x}", i.wrapping_mul(2_654_435_761)))
            .collect();
        let matcher = SecretMatcher::new(secrets.iter().map(String::as_str)).unwrap();
        assert!(matches!(matcher.automaton, Compiled::Nfa(_)));
        let echo = secrets[1234].replace('-', r"\u002d");
        // `%0e` and `&#xe02999` decode, taking each secret's first letter.
        let text = format!("a %0{echo}, &#x{} b", secrets[2999]);
        assert_eq!(masked(&matcher, &text), "a %0▮, &#x▮ b");
    }

    /// A secret of `length` bytes, every stretch of it different (`0-1-2-…`).
    fn long_secret(length: usize) -> String {
        let mut secret: String = (0..).map(|i| format!("{i:x}-")).take(length).collect();
        secret.truncate(length);
        secret
    }

    /// A server chooses a credential's length: a 1 MiB one costs a matcher of a few hundred
    /// bytes of forms, and a text of it is still hidden, from its beginning to the end.
    #[test]
    fn a_secret_of_any_length_costs_a_bounded_matcher() {
        let secret = long_secret(1024 * 1024);
        let matcher = SecretMatcher::new([secret.as_str()]).unwrap();
        assert!(
            matcher.form_bytes <= 5 * LONG_SECRET_PREFIX,
            "{}",
            matcher.form_bytes
        );
        assert!(
            matcher.longest <= 2 * LONG_SECRET_PREFIX,
            "{}",
            matcher.longest
        );
        assert_eq!(masked(&matcher, &format!("id {secret} and more")), "id ▮");
        let upper = secret.to_uppercase().replace('-', r"\u002d");
        assert_eq!(masked(&matcher, &format!("id {upper}!")), "id ▮");
        assert_eq!(masked(&matcher, &STANDARD.encode(&secret)), "▮");
    }

    #[test]
    fn a_long_secrets_beginning_hides_the_rest_of_the_text() {
        let secret = long_secret(MAX_SECRET_BYTES + 1);
        let matcher = SecretMatcher::new([secret.as_str()]).unwrap();
        let beginning = &secret[..LONG_SECRET_PREFIX];
        let text = format!("id {beginning} then other text");
        assert_eq!(masked(&matcher, &text), "id ▮");
        // Less than the beginning looked for is not a match.
        let less = &secret[..LONG_SECRET_PREFIX - 1];
        let text = format!("id {less} then other text");
        assert_eq!(masked(&matcher, &text), text);
        // Up to the limit, a secret is found exactly: what follows it stays.
        let whole = long_secret(MAX_SECRET_BYTES);
        let matcher = SecretMatcher::new([whole.as_str()]).unwrap();
        assert_eq!(masked(&matcher, &format!("id {whole} end")), "id ▮ end");
    }

    #[test]
    fn too_many_forms_in_all_hide_everything() {
        let secrets: Vec<String> = (0..300)
            .map(|i| format!("{i}{}", long_secret(MAX_SECRET_BYTES - 8)))
            .collect();
        let matcher = SecretMatcher::new(secrets.iter().map(String::as_str)).unwrap();
        assert!(matches!(matcher.automaton, Compiled::Everything));
        assert_eq!(matcher.spans("a name", 6), [(0, 6)]);
    }
}
