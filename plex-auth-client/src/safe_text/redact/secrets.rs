//! Finding known secrets in a text, in the forms a server echoes them: as sent, in any letter
//! case, JSON-, HTML- or percent-encoded (nested, in any order), with invisible characters
//! between their letters (all seen through the text's [readings](super::view)), and
//! base64-encoded at any alignment, with either alphabet, with or without padding.
//!
//! One Aho-Corasick automaton holds every form of every secret. It walks every way of reading
//! the text at once: the text as it is, every escape decoded, and every mix, so that no
//! decoding can take a secret's first letters into an escape (`%0fixture…`) and hide it. Paths
//! that reach the same place in the same state are one: the cost is linear in the text's
//! length, whatever the number of secrets.

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::{Anchored, MatchKind, StartKind};
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;

use super::view::{
    ASCII_FOLD, Reading, Readings, decoded_text, fold, fold_text, is_invisible, starts_escape,
};

/// A base64 form shorter than this is not looked for: it would match unrelated text.
const MIN_BASE64_CORE: usize = 4;

/// Up to this many bytes of forms, the automaton is a DFA (fastest); past it, a contiguous NFA,
/// whose memory stays proportional to the forms (an answer can list thousands of tokens).
const DFA_LIMIT: usize = 64 * 1024;

/// How far ahead the next escape is looked for at a time.
const SCAN_AHEAD: usize = 4096;

/// The most paths walked at once. Paths in one state at one place are merged, so only a text
/// built to spell thousands of different beginnings of the secrets at one place reaches it;
/// the rest of such a text is hidden.
const MAX_PATHS: usize = 1024;

/// The forms of a set of secrets, compiled. No `Debug`: the automaton spells the secrets.
#[derive(Clone)]
pub(super) struct SecretMatcher {
    automaton: Compiled,
    /// The longest form, in bytes.
    longest: usize,
    depths: Depths,
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
        })
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

/// The depth of each state of an automaton: the length of the beginning of a form it stands
/// for, so how many of a path's last bytes can still be part of a match.
#[derive(Clone, Default)]
struct Depths {
    /// Every state's identifier is a multiple of `1 << shift`.
    shift: u32,
    /// By identifier `>> shift`; `u32::MAX` where none is known (the start state).
    by_state: Vec<u32>,
}

impl Depths {
    /// The depth of every state a form goes through: from the start, each form's first `n`
    /// bytes lead to the state standing for them. Empty when the identifiers are too sparse
    /// for a table (every depth is then unknown, which costs time, never a match).
    fn new(automaton: &impl Automaton, forms: &[String]) -> Self {
        let Ok(start) = automaton.start_state(Anchored::No) else {
            return Self::default();
        };
        let mut depths = Vec::with_capacity(forms.iter().map(String::len).sum());
        for form in forms {
            let mut state = start;
            for (read, &byte) in form.as_bytes().iter().enumerate() {
                state = automaton.next_state(Anchored::No, state, byte);
                depths.push((
                    state.as_usize(),
                    u32::try_from(read + 1).unwrap_or(u32::MAX),
                ));
            }
        }
        let shift = depths
            .iter()
            .map(|&(state, _)| state.trailing_zeros())
            .min()
            .unwrap_or(0)
            .min(usize::BITS - 1);
        let size = depths.iter().map(|&(state, _)| (state >> shift) + 1).max();
        let Some(size) = size.filter(|&size| size <= 8 * depths.len() + 1024) else {
            return Self::default();
        };
        let mut by_state = vec![u32::MAX; size];
        for (state, depth) in depths {
            by_state[state >> shift] = depth;
        }
        Self { shift, by_state }
    }

    fn get(&self, state: StateID) -> Option<usize> {
        let depth = *self.by_state.get(state.as_usize() >> self.shift)?;
        (depth != u32::MAX).then_some(depth as usize)
    }
}

/// One way of reading the text so far, in the automaton.
#[derive(Clone, Copy, Debug)]
struct Path {
    state: StateID,
    /// How many bytes of its reading it walked.
    position: usize,
    /// How many more bytes it may walk: more than any text until it passes `until`, then as
    /// far as a form begun before `until` can reach.
    budget: usize,
    /// Where its ring of starts begins in [`Walk::starts`].
    ring: usize,
}

/// Every path through the readings of a text, walked at once through the automaton, in the
/// order of the text: a path waits at the character edge it reached until every path before
/// it caught up, so that paths in one state at one edge merge.
///
/// A path that an escape's reading brought back to the start state is dropped: it knows
/// nothing of the past, and the text read as it is reaches every edge, in a state that finds
/// every match a fresh start would (before `until`; past it, a fresh start finds only what is
/// left out). So a run of escapes that spell nothing of a secret (`\\\\…`, `%25%25…`) is walked
/// as one path.
struct Walk<'a, A> {
    automaton: &'a A,
    matcher: &'a SecretMatcher,
    text: &'a str,
    until: usize,
    readings: Readings<'a>,
    /// For each path, where in the text each of the last bytes of its reading starts: a ring
    /// of `ring` entries (a power of two, at least the longest form), indexed by its position.
    starts: Vec<usize>,
    ring: usize,
    /// Rings of paths that ended, to reuse.
    free: Vec<usize>,
    /// The paths waiting at a character edge ahead, the nearest last.
    waiting: Vec<(usize, Path)>,
    spans: Vec<(usize, usize)>,
    /// [`MAX_PATHS`], lower in tests.
    max_paths: usize,
}

impl<'a, A: Automaton> Walk<'a, A> {
    fn new(automaton: &'a A, matcher: &'a SecretMatcher, text: &'a str, until: usize) -> Self {
        Self {
            automaton,
            matcher,
            text,
            until,
            readings: Readings::new(text),
            starts: Vec::new(),
            ring: matcher.longest.next_power_of_two(),
            free: Vec::new(),
            waiting: Vec::new(),
            spans: Vec::new(),
            max_paths: MAX_PATHS,
        }
    }

    /// The spans holding a form, sorted and merged.
    fn run(mut self) -> Vec<(usize, usize)> {
        // Built unanchored, the automaton always has this start state; if not, hide it all.
        let Ok(state) = self.automaton.start_state(Anchored::No) else {
            return vec![(0, self.text.len())];
        };
        let ring = self.new_ring();
        self.waiting.push((
            0,
            Path {
                state,
                position: 0,
                budget: usize::MAX,
                ring,
            },
        ));
        let text = self.text;
        let bytes = text.as_bytes();
        let mut here = Vec::new();
        let mut readings = Vec::new();
        // The next byte that can start an escape at or after the edge walked (or the end of
        // the window looked at).
        let mut next_escape = 0;
        while let Some(&(at, _)) = self.waiting.last() {
            while let Some(&(_, path)) = self.waiting.last().filter(|(edge, _)| *edge == at) {
                self.waiting.pop();
                here.push(path);
            }
            if at >= bytes.len() {
                here.drain(..).for_each(|path| self.free.push(path.ring));
                continue;
            }
            if self.waiting.len() + here.len() > self.max_paths {
                self.hide_the_rest(at, &here);
                break;
            }
            if !starts_escape(bytes[at]) {
                // Up to the next escape, or the next edge where other paths wait, the text
                // reads only as it is: each path walks it straight.
                if next_escape <= at {
                    // Looked for a window at a time: a walk cut short past `until` reads no
                    // further than it walks.
                    let ahead = &bytes[at..bytes.len().min(at + SCAN_AHEAD)];
                    next_escape = match memchr::memchr3(b'\\', b'&', b'%', ahead) {
                        Some(offset) => at + offset,
                        None => (at + ahead.len()..=bytes.len())
                            .find(|&edge| text.is_char_boundary(edge))
                            .unwrap_or(bytes.len()),
                    };
                }
                let end = self
                    .waiting
                    .last()
                    .map_or(next_escape, |&(edge, _)| edge.min(next_escape));
                for mut path in here.drain(..) {
                    let alive = self.walk_plain(&mut path, at, end);
                    self.wait_or_end(end, path, alive);
                }
                continue;
            }
            self.readings.at(at, &mut readings);
            if let [_, decoded] = readings.as_slice()
                && self
                    .waiting
                    .last()
                    .is_none_or(|&(edge, _)| edge >= decoded.end)
                && !bytes[at + 1..decoded.end]
                    .iter()
                    .any(|&byte| starts_escape(byte))
            {
                // An escape that decodes one way with nothing else in it (`\u0074`): each path
                // walks both readings to its end at once.
                let decoded = *decoded;
                for mut path in here.drain(..) {
                    let mut as_is = self.branch(path);
                    let alive = self.read(&mut path, decoded.ch, at, decoded.end);
                    let forgot = self.automaton.is_start(path.state);
                    self.wait_or_end(decoded.end, path, alive && !forgot);
                    let alive = self.walk_plain(&mut as_is, at, decoded.end);
                    self.wait_or_end(decoded.end, as_is, alive);
                }
                continue;
            }
            // Readings of one character (`\\\\` read as `\` in one or two escapes) are walked
            // once, and the path waits at each of their ends; the spans of its matches end at
            // the longest.
            if readings.len() > 2 {
                readings.sort_unstable_by_key(|reading| reading.ch);
            }
            for path in here.drain(..) {
                let mut first = 0;
                while let Some(&Reading { ch, .. }) = readings.get(first) {
                    let same = readings[first..].iter().take_while(|r| r.ch == ch).count();
                    let next = first + same;
                    let group = &readings[first..next];
                    let end = group.iter().map(|reading| reading.end).max().unwrap_or(at);
                    let mut walked = if next == readings.len() {
                        path
                    } else {
                        self.branch(path)
                    };
                    first = next;
                    if !self.read(&mut walked, ch, at, end) {
                        self.free.push(walked.ring);
                        continue;
                    }
                    let forgot = self.automaton.is_start(walked.state);
                    let mut kept = None;
                    for reading in group {
                        if forgot && !reading.is_as_is() {
                            continue;
                        }
                        if let Some(edge) = kept {
                            let copy = self.branch(walked);
                            self.wait(edge, copy);
                        }
                        kept = Some(reading.end);
                    }
                    match kept {
                        Some(edge) => self.wait(edge, walked),
                        None => self.free.push(walked.ring),
                    }
                }
            }
        }
        merged(self.spans)
    }

    /// Walks `path` through the text from `from` to `to`, read as it is. False when the path
    /// ended (it walked as far past `until` as a form can reach).
    fn walk_plain(&mut self, path: &mut Path, from: usize, to: usize) -> bool {
        let text = self.text;
        let bytes = text.as_bytes();
        // The path in a local, so that it stays in registers.
        let mut walked = *path;
        let mut stepper = self.stepper(walked.ring);
        let mut at = from;
        let alive = loop {
            let Some(&byte) = bytes.get(at).filter(|_| at < to) else {
                break true;
            };
            if byte.is_ascii() {
                if !stepper.step(&mut walked, ASCII_FOLD[usize::from(byte)], at, at + 1) {
                    break false;
                }
                at += 1;
                continue;
            }
            let Some(ch) = text.get(at..).and_then(|rest| rest.chars().next()) else {
                break true;
            };
            let end = at + ch.len_utf8();
            if !stepper.read_wide(&mut walked, ch, at, end) {
                break false;
            }
            at = end;
        };
        *path = walked;
        alive
    }

    /// Walks `path` through one character of its reading, which stands for the text from
    /// `start` to `end`: nothing for an invisible one, else its folded bytes.
    fn read(&mut self, path: &mut Path, ch: char, start: usize, end: usize) -> bool {
        let mut stepper = self.stepper(path.ring);
        if ch.is_ascii() {
            return stepper.step(path, ASCII_FOLD[usize::from(ch as u8)], start, end);
        }
        stepper.read_wide(path, ch, start, end)
    }

    /// What a step of the path whose ring begins at `ring` reads and writes.
    fn stepper(&mut self, ring: usize) -> Stepper<'_, A> {
        Stepper {
            automaton: self.automaton,
            starts: &mut self.starts[ring..ring + self.ring],
            spans: &mut self.spans,
            until: self.until,
            longest: self.matcher.longest,
        }
    }

    /// How many of the last bytes of a path in `state` can still be part of a match.
    fn depth(&self, state: StateID) -> usize {
        match self.matcher.depths.get(state) {
            Some(depth) => depth.min(self.ring),
            // The start state: nothing of the past matters.
            None if self.automaton.is_start(state) => 0,
            None => self.ring,
        }
    }

    /// A copy of `path`, to walk another reading.
    fn branch(&mut self, path: Path) -> Path {
        let ring = self.new_ring();
        let mask = self.ring - 1;
        for back in 1..=self.depth(path.state) {
            let at = path.position.wrapping_sub(back) & mask;
            self.starts[ring + at] = self.starts[path.ring + at];
        }
        Path { ring, ..path }
    }

    /// Makes `path` wait at `edge`, as one with a path already there in the same state: the
    /// same future, so one walk; its starts are the earlier of the two, its budget the larger.
    fn wait(&mut self, edge: usize, path: Path) {
        if self
            .waiting
            .last()
            .is_none_or(|&(nearest, _)| nearest > edge)
        {
            self.waiting.push((edge, path));
            return;
        }
        let mut index = self.waiting.len();
        while index > 0 && self.waiting[index - 1].0 <= edge {
            index -= 1;
            let (other_edge, other) = self.waiting[index];
            if other_edge == edge && other.state == path.state {
                let mask = self.ring - 1;
                for back in 1..=self.depth(path.state) {
                    let kept = other.ring + (other.position.wrapping_sub(back) & mask);
                    let merged = path.ring + (path.position.wrapping_sub(back) & mask);
                    self.starts[kept] = self.starts[kept].min(self.starts[merged]);
                }
                self.waiting[index].1.budget = other.budget.max(path.budget);
                self.free.push(path.ring);
                return;
            }
        }
        // Past every path nearer than `edge`: `waiting` stays sorted, the nearest last.
        let mut index = self.waiting.len();
        while index > 0 && self.waiting[index - 1].0 < edge {
            index -= 1;
        }
        self.waiting.insert(index, (edge, path));
    }

    /// Makes `path` wait at `edge` if it is `alive`, else frees its ring.
    fn wait_or_end(&mut self, edge: usize, path: Path, alive: bool) {
        if alive {
            self.wait(edge, path);
        } else {
            self.free.push(path.ring);
        }
    }

    fn new_ring(&mut self) -> usize {
        self.free.pop().unwrap_or_else(|| {
            let ring = self.starts.len();
            self.starts.resize(ring + self.ring, 0);
            ring
        })
    }

    /// Too many paths at once: the text is hidden from the earliest place a match still
    /// walked by one of them can start.
    fn hide_the_rest(&mut self, at: usize, here: &[Path]) {
        let mask = self.ring - 1;
        let waiting: Vec<Path> = self.waiting.iter().map(|&(_, path)| path).collect();
        let first = here
            .iter()
            .chain(&waiting)
            .map(|path| match self.depth(path.state) {
                0 => at,
                depth => self.starts[path.ring + (path.position.wrapping_sub(depth) & mask)],
            })
            .min()
            .unwrap_or(at);
        if first < self.until {
            self.spans.push((first, self.text.len()));
        }
    }
}

/// What one step of a path reads and writes, borrowed apart from the rest of the walk so that a
/// run of steps keeps the path in registers.
struct Stepper<'s, A> {
    automaton: &'s A,
    /// The path's ring of starts.
    starts: &'s mut [usize],
    spans: &'s mut Vec<(usize, usize)>,
    until: usize,
    longest: usize,
}

impl<A: Automaton> Stepper<'_, A> {
    /// Walks `path` through one byte of its reading, which stands for the text from `start` to
    /// `end`, and keeps the span of every form it completes. False when the path ended.
    #[inline(always)]
    fn step(&mut self, path: &mut Path, byte: u8, start: usize, end: usize) -> bool {
        if start >= self.until && path.budget > self.longest {
            path.budget = self.longest;
        }
        if path.budget == 0 {
            return false;
        }
        path.budget -= 1;
        let mask = self.starts.len() - 1;
        self.starts[path.position & mask] = start;
        path.position += 1;
        path.state = self.automaton.next_state(Anchored::No, path.state, byte);
        if !self.automaton.is_special(path.state) || !self.automaton.is_match(path.state) {
            return true;
        }
        for index in 0..self.automaton.match_len(path.state) {
            let pattern = self.automaton.match_pattern(path.state, index);
            let length = self.automaton.pattern_len(pattern);
            let first = self.starts[path.position.wrapping_sub(length) & mask];
            if first < self.until {
                self.spans.push((first, end));
            }
        }
        true
    }

    /// Walks `path` through a character that is not ASCII: nothing for an invisible one, else
    /// its folded bytes. Apart, to keep the loop over ASCII tight.
    #[inline(never)]
    fn read_wide(&mut self, path: &mut Path, ch: char, start: usize, end: usize) -> bool {
        if is_invisible(ch) {
            return true;
        }
        let mut utf8 = [0u8; 4];
        let folded = fold(ch).encode_utf8(&mut utf8);
        folded.bytes().all(|byte| self.step(path, byte, start, end))
    }
}

/// `spans` sorted, overlapping ones merged.
fn merged(mut spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (start, end) in spans {
        match merged.last_mut() {
            Some((_, last_end)) if *last_end > start => *last_end = end.max(*last_end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// What an echo of `secret` can read as: the secret folded, the secret decoded as a server
/// would decode it (a password holding `%41` is seen as `A` in the text too), and its base64
/// cores.
fn forms(secret: &str) -> Vec<String> {
    let mut forms = vec![fold_text(secret), decoded_text(secret)];
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

    /// `text` with each span a secret of `matcher` is found in replaced by `▮`.
    fn masked(matcher: &SecretMatcher, text: &str) -> String {
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

    /// Issue 17's follow-up: `%0f` decodes, taking the secret's first letter, and the rest is
    /// written with JSON escapes, so neither the text as it is nor its greedy decoding spells it.
    #[test]
    fn a_percent_before_a_json_escaped_secret_does_not_hide_it() {
        let shown = crate::Redactor::new(["fixture-token-0123456789"])
            .text(r"%0fixture\u002dtoken\u002d0123456789");
        assert_eq!(shown, "%0<redacted>");
    }

    #[test]
    fn escapes_that_take_a_secrets_letters_do_not_hide_it() {
        let token = SecretMatcher::new(["fixture-token-0123456789"]).unwrap();
        let digits_first = SecretMatcher::new(["2024-token"]).unwrap();
        let percent_last = SecretMatcher::new(["pw-100%"]).unwrap();
        for (matcher, text, shown) in [
            // Before: an escape that ends with the secret's first letters.
            (&token, r"%0fixture\u002dtoken\u002d0123456789", "%0▮"),
            (&token, r"&#x1fixture\u002dtoken\u002d0123456789", "&#x1▮"),
            (&token, r"\u006fixture%2Dtoken%2D0123456789", r"\u006▮"),
            (&token, r"%E2%80fixture&#45;token&#45;0123456789", "%E2%80▮"),
            (&digits_first, "&#2024&#45;token", "&#▮"),
            (&digits_first, r"&#x2024\u002dtoken", "&#x▮"),
            // A backslash before a JSON escape is one more level of escaping: hidden too.
            (&token, r"\\u0066ixture-token-0123456789", "▮"),
            (&token, r"\\\u0066ixture-token-0123456789", r"\▮"),
            // After: a reference without its `;` that would read on into the next digits.
            (&token, "fixture-token-012345678&#57123", "▮123"),
            (&token, "fixture-token-012345678&#x39abc", "▮abc"),
            // Inside: the secret's own `%` opens an escape with what follows it.
            (&percent_last, r"pw\u002d100\u002541", "▮41"),
            (&percent_last, "pw-100&#37;41", "▮41"),
            (&percent_last, "pw-100%2541", "▮41"),
            // Each character in another encoding, then each in two.
            (
                &token,
                r"f\u0069&#120;%74u&#x72;e%2d\u0074o&#107;%65n&#45;0%31\u0032&#51;4%35%36789",
                "▮",
            ),
            (
                &token,
                r"%2566\\u0069&amp;#120;\u0025\u0037\u0034%5Cu0075&#37;72&#92;u0065%26%2345%3Btoken-0123456789",
                "▮",
            ),
        ] {
            assert_eq!(masked(matcher, text), shown, "{text}");
        }
    }

    /// The secret in every encoding, between every beginning and end of an escape: all of it
    /// is hidden, and at most its neighbours stay.
    #[test]
    fn no_neighbouring_escape_hides_a_secret_in_any_encoding() {
        let before = [
            "", "%", "%0", "%2", "%25", "%C3", "%E2%80", "&", "&#", "&#x", "&#1", "&#x1", "&amp",
            "&amp;", "&amp;#", "\\", "\\\\", "\\u", "\\u00", "\\u0025", "&#37;", "%5C", "%26",
            "\\u0026#",
        ];
        let after = [
            "", "%", "%0", "&", "&#", ";", "0", "a", "\\", "\\u", "\\\\", "%25", "&amp;", "41", "F",
        ];
        for secret in [
            "fixture-token-0123456789",
            "0xC0FFEE-deadbeef",
            "pw-100%",
            "tok&",
        ] {
            let matcher = SecretMatcher::new([secret]).unwrap();
            for (encoding, echo) in encodings(secret) {
                for prefix in before {
                    for suffix in after {
                        let text = format!("{prefix}{echo}{suffix}");
                        let shown = masked(&matcher, &text);
                        let (kept_before, kept_after) = shown
                            .split_once('▮')
                            .unwrap_or_else(|| panic!("{encoding}: {text} shows whole"));
                        // base64 keeps up to 3 characters either side, mixing other bits.
                        let slack = if encoding == "base64" { 3 } else { 0 };
                        assert!(
                            text.starts_with(kept_before)
                                && kept_before.len() <= prefix.len() + slack
                                && text.ends_with(kept_after)
                                && kept_after.len() <= suffix.len() + slack,
                            "{encoding}: {text} shows {shown}"
                        );
                    }
                }
            }
        }
    }

    /// `secret` in each encoding the redactor reads, named.
    fn encodings(secret: &str) -> Vec<(&'static str, String)> {
        let each_char = |encode: &dyn Fn(usize, char) -> String| -> String {
            secret
                .chars()
                .enumerate()
                .map(|(i, c)| encode(i, c))
                .collect()
        };
        let percent = |c: char| -> String {
            let mut utf8 = [0; 4];
            c.encode_utf8(&mut utf8)
                .bytes()
                .map(|byte| format!("%{byte:02X}"))
                .collect()
        };
        vec![
            ("as is", secret.to_string()),
            ("upper", secret.to_uppercase()),
            ("json", each_char(&|_, c| format!("\\u{:04x}", c as u32))),
            (
                "json twice",
                each_char(&|_, c| format!("\\\\u{:04X}", c as u32)),
            ),
            ("html", each_char(&|_, c| format!("&#{};", c as u32))),
            (
                "html twice",
                each_char(&|_, c| format!("&amp;#x{:x};", c as u32)),
            ),
            ("percent", each_char(&|_, c| percent(c))),
            (
                "percent twice",
                each_char(&|_, c| percent(c).replace('%', "%25")),
            ),
            (
                "invisible",
                each_char(&|i, c| match i {
                    0 => c.to_string(),
                    _ => format!("\u{200B}{c}"),
                }),
            ),
            (
                "mixed",
                each_char(&|i, c| match i % 4 {
                    0 => c.to_string(),
                    1 => format!("\\u{:04x}", c as u32),
                    2 => format!("&#{};", c as u32),
                    _ => percent(c),
                }),
            ),
            (
                "mixed twice",
                each_char(&|i, c| match i % 3 {
                    0 => percent(c).replace('%', "\\u0025"),
                    1 => format!("%5Cu{:04x}", c as u32),
                    _ => format!("&#92;u{:04x}", c as u32),
                }),
            ),
            ("base64", STANDARD.encode(secret)),
        ]
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

    #[test]
    fn a_secret_across_the_limit_is_found_whole_on_every_path() {
        let matcher = SecretMatcher::new(["fixture-token-0123456789"]).unwrap();
        let text = r"ab %0fixture\u002dtoken\u002d0123456789 and fixture-token-0123456789";
        // The limit falls inside the escaped secret: all of it, and nothing after, is found.
        assert_eq!(matcher.spans(text, 12), [(5, 39)]);
    }

    #[test]
    fn too_many_paths_at_once_hide_the_rest_of_the_text() {
        let matcher = SecretMatcher::new(["fixture-token-0123456789"]).unwrap();
        let text = r"ab fix%74ure-token-0123456789 cd";
        let Compiled::Dfa(dfa) = &matcher.automaton else {
            panic!("a small matcher is a DFA");
        };
        let mut walk = Walk::new(dfa, &matcher, text, text.len());
        walk.max_paths = 1;
        // Two paths leave `%`: from where the secret begins, everything is hidden.
        assert_eq!(walk.run(), [(3, text.len())]);
        // With room for them, only the secret is.
        assert_eq!(matcher.spans(text, text.len()), [(3, 29)]);
    }
}
