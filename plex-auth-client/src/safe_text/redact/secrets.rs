//! Finding known secrets in a text, in the forms a server echoes them: as sent, in any letter
//! case, JSON-, HTML- or percent-encoded, with invisible characters between their letters (all
//! seen through the [view](super::view)), and base64-encoded at any alignment, with either
//! alphabet, with or without padding.
//!
//! One Aho-Corasick automaton holds every form of every secret. It walks the text as it is, and
//! the decoded view when the text has anything to decode: the cost is linear in the text's
//! length, whatever the number of secrets.

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::{Anchored, MatchKind, StartKind};
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;

use super::view::{Unit, fold_text, plain, view, view_text};

/// A base64 form shorter than this is not looked for: it would match unrelated text.
const MIN_BASE64_CORE: usize = 4;

/// Up to this many bytes of forms, the automaton is a DFA (fastest); past it, a contiguous NFA,
/// whose memory stays proportional to the forms (an answer can list thousands of tokens).
const DFA_LIMIT: usize = 64 * 1024;

/// The forms of a set of secrets, compiled. No `Debug`: the automaton spells the secrets.
#[derive(Clone)]
pub(super) struct SecretMatcher {
    automaton: Compiled,
    /// The longest form, in bytes of the view.
    longest: usize,
}

#[derive(Clone)]
enum Compiled {
    Dfa(DFA),
    Nfa(NFA),
    /// The forms are too many to compile (past 2^32 states): everything is a match, so that
    /// nothing is shown rather than a secret.
    Everything,
}

impl SecretMatcher {
    /// A matcher for `secrets`; `None` when there is nothing to look for.
    pub(super) fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Option<Self> {
        let mut forms: Vec<String> = secrets
            .into_iter()
            .filter(|secret| !secret.is_empty())
            .flat_map(forms)
            .filter(|form| !form.is_empty())
            .collect();
        forms.sort_unstable();
        forms.dedup();
        let longest = forms.iter().map(String::len).max()?;
        let size: usize = forms.iter().map(String::len).sum();
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
        Some(Self {
            automaton: automaton.unwrap_or(Compiled::Everything),
            longest,
        })
    }

    /// The spans of `text` (byte ranges, sorted, disjoint) holding a secret in one of its
    /// forms. Only the part of `text` before `until` matters: the scan stops once no form that
    /// starts there can still end, and spans that start after it are left out.
    pub(super) fn spans(&self, text: &str, until: usize) -> Vec<(usize, usize)> {
        match &self.automaton {
            Compiled::Dfa(dfa) => self.spans_with(dfa, text, until),
            Compiled::Nfa(nfa) => self.spans_with(nfa, text, until),
            Compiled::Everything if text.is_empty() => Vec::new(),
            Compiled::Everything => vec![(0, text.len())],
        }
    }

    /// Walks the text as it is, then the decoded view: a secret written plainly is found
    /// whatever precedes it, even what decoding would join to its first letters.
    fn spans_with(
        &self,
        automaton: &impl Automaton,
        text: &str,
        until: usize,
    ) -> Vec<(usize, usize)> {
        let (as_is, walked) = self.walk(automaton, plain(text), until, text.len());
        // Where nothing decodes (no `\\`, `&` or `%` in the part walked), the decoded view is the
        // plain text: its walk would stop at the same place with the same spans.
        if memchr::memchr3(b'\\', b'&', b'%', &text.as_bytes()[..walked]).is_none() {
            return as_is;
        }
        let (decoded, _) = self.walk(automaton, view(text), until, text.len());
        let mut all = decoded;
        all.extend(as_is);
        all.sort_unstable();
        let mut merged = Vec::with_capacity(all.len());
        for (start, end) in all {
            match merged.last_mut() {
                Some((_, last_end)) if *last_end > start => *last_end = end.max(*last_end),
                _ => merged.push((start, end)),
            }
        }
        merged
    }

    /// The spans where `units` (a walk over a text of `length` bytes) hold a form, and how far
    /// into the text the walk read.
    fn walk(
        &self,
        automaton: &impl Automaton,
        units: impl Iterator<Item = Unit>,
        until: usize,
        length: usize,
    ) -> (Vec<(usize, usize)>, usize) {
        // Built unanchored, the automaton always has this start state; if not, hide it all.
        let Ok(mut state) = automaton.start_state(Anchored::No) else {
            return (vec![(0, length)], length);
        };
        let mut walked = 0;
        // Where in the original text each of the last `longest` bytes of the view starts, in
        // a ring whose size is a power of two (a mask, not a division, per byte).
        let ring = self.longest.next_power_of_two();
        let mask = ring - 1;
        let mut starts = vec![0usize; ring];
        let mut position = 0usize;
        // Past `until`, the walk goes on only as far as a form begun before it can reach.
        let mut stop = usize::MAX;
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut utf8 = [0u8; 4];
        for unit in units {
            if unit.start >= until && stop == usize::MAX {
                stop = position + self.longest;
            }
            if position >= stop {
                break;
            }
            walked = unit.end;
            let bytes: &[u8] = if unit.ch.is_ascii() {
                utf8[0] = unit.ch as u8;
                &utf8[..1]
            } else {
                unit.ch.encode_utf8(&mut utf8).as_bytes()
            };
            for &byte in bytes {
                starts[position & mask] = unit.start;
                position += 1;
                state = automaton.next_state(Anchored::No, state, byte);
                if !automaton.is_special(state) || !automaton.is_match(state) {
                    continue;
                }
                for index in 0..automaton.match_len(state) {
                    let length = automaton.pattern_len(automaton.match_pattern(state, index));
                    let start = starts[(position - length) & mask];
                    if start < until {
                        add_span(&mut spans, start, unit.end);
                    }
                }
            }
        }
        (spans, walked)
    }
}

/// Adds `[start, end)` to sorted disjoint `spans`, merging what it overlaps. Spans arrive by
/// increasing end, so only the last ones can overlap.
fn add_span(spans: &mut Vec<(usize, usize)>, mut start: usize, end: usize) {
    while let Some(&(last_start, last_end)) = spans.last() {
        if last_end <= start {
            break;
        }
        start = start.min(last_start);
        spans.pop();
    }
    spans.push((start, end));
}

/// What the view of an echo of `secret` can hold: the secret folded, the secret decoded as the
/// view decodes text (a password holding `%41` is seen as `A` in the text too), and its base64
/// cores.
fn forms(secret: &str) -> Vec<String> {
    let mut forms = vec![fold_text(secret), view_text(secret)];
    forms.extend(base64_cores(secret.as_bytes()));
    forms
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
            (core.len() >= MIN_BASE64_CORE).then(|| fold_text(core))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};

    use super::*;

    fn hidden(secret: &str, text: &str) -> String {
        let matcher = SecretMatcher::new([secret]).unwrap();
        let mut shown = String::new();
        let mut copied = 0;
        for (start, end) in matcher.spans(text, text.len()) {
            shown.push_str(&text[copied..start]);
            shown.push('#');
            copied = end;
        }
        shown.push_str(&text[copied..]);
        shown
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

    #[test]
    fn the_scan_stops_past_the_limit_but_finds_what_straddles_it() {
        let matcher = SecretMatcher::new(["secret-value"]).unwrap();
        let text = format!(
            "{}secret-value{}",
            "x".repeat(10),
            " secret-value".repeat(50)
        );
        assert_eq!(matcher.spans(&text, 12), [(10, 22)]);
    }
}
