//! The walk of every reading of a text through the automaton at once.

use aho_corasick::Anchored;
use aho_corasick::automaton::{Automaton, StateID};

use super::super::view::{ASCII_FOLD, Reading, Readings, fold, is_invisible, starts_escape};
use super::SecretMatcher;

/// How far ahead the next escape is looked for at a time.
const SCAN_AHEAD: usize = 4096;

/// The most paths walked at once. Paths in one state at one place are merged, so only a text
/// built to spell thousands of different beginnings of the secrets at one place reaches it;
/// the rest of such a text is hidden.
const MAX_PATHS: usize = 1024;

/// The most entries of all paths' rings together (8 MiB): fewer paths are walked at once when
/// the longest form is long.
const MAX_RING_ENTRIES: usize = 1024 * 1024;

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
pub(super) struct Walk<'a, A> {
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
    /// [`MAX_PATHS`], or fewer so that the rings stay within [`MAX_RING_ENTRIES`]; lower in
    /// tests.
    max_paths: usize,
}

impl<'a, A: Automaton> Walk<'a, A> {
    pub(super) fn new(
        automaton: &'a A,
        matcher: &'a SecretMatcher,
        text: &'a str,
        until: usize,
    ) -> Self {
        // The forms are bounded (see `MAX_SECRET_BYTES`), so is a ring.
        let ring = matcher.longest.next_power_of_two();
        Self {
            automaton,
            matcher,
            text,
            until,
            readings: Readings::new(text),
            starts: Vec::new(),
            ring,
            free: Vec::new(),
            waiting: Vec::new(),
            spans: Vec::new(),
            max_paths: MAX_PATHS.min(MAX_RING_ENTRIES / ring).max(1),
        }
    }

    /// The spans holding a form, sorted and merged.
    pub(super) fn run(mut self) -> Vec<(usize, usize)> {
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
        merged(self.spans, self.text.len())
    }

    /// Walks `path` through the text from `from` to `to`, read as it is. False when the path
    /// ended (it walked as far past `until` as a form can reach).
    fn walk_plain(&mut self, path: &mut Path, from: usize, to: usize) -> bool {
        let text = self.text;
        let bytes = text.as_bytes();
        // The path in a local, so that it stays in registers.
        let mut walked = *path;
        let spans_before = self.spans.len();
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
        if self.spans.len() != spans_before {
            self.hide_after_open_ended(spans_before);
        }
        *path = walked;
        alive
    }

    /// Walks `path` through one character of its reading, which stands for the text from
    /// `start` to `end`: nothing for an invisible one, else its folded bytes.
    fn read(&mut self, path: &mut Path, ch: char, start: usize, end: usize) -> bool {
        let spans_before = self.spans.len();
        let mut stepper = self.stepper(path.ring);
        let alive = if ch.is_ascii() {
            stepper.step(path, ASCII_FOLD[usize::from(ch as u8)], start, end)
        } else {
            stepper.read_wide(path, ch, start, end)
        };
        if self.spans.len() != spans_before {
            self.hide_after_open_ended(spans_before);
        }
        alive
    }

    /// After a long secret's beginning was found (a span from `spans_before` on ends at
    /// `usize::MAX`): the rest of the text is hidden, so a match starting later adds nothing, and
    /// the walk ends as it does past `until`.
    #[cold]
    fn hide_after_open_ended(&mut self, spans_before: usize) {
        let open = self.spans[spans_before..]
            .iter()
            .filter(|&&(_, end)| end == usize::MAX)
            .map(|&(first, _)| first + 1)
            .min();
        if let Some(open) = open {
            self.until = self.until.min(open);
        }
    }

    /// What a step of the path whose ring begins at `ring` reads and writes.
    fn stepper(&mut self, ring: usize) -> Stepper<'_, A> {
        Stepper {
            automaton: self.automaton,
            starts: &mut self.starts[ring..ring + self.ring],
            spans: &mut self.spans,
            until: self.until,
            matcher: self.matcher,
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
    matcher: &'s SecretMatcher,
}

impl<A: Automaton> Stepper<'_, A> {
    /// Walks `path` through one byte of its reading, which stands for the text from `start` to
    /// `end`, and keeps the span of every form it completes. False when the path ended.
    #[inline(always)]
    fn step(&mut self, path: &mut Path, byte: u8, start: usize, end: usize) -> bool {
        if start >= self.until && path.budget > self.matcher.longest {
            path.budget = self.matcher.longest;
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
                // A long secret's beginning: what follows may be the rest of it, hidden to
                // the end (see `Walk::hide_after_open_ended`); this path walks on only as far
                // as a form begun before can reach.
                let open_ended = self.matcher.open_ended.get(pattern.as_usize()) != Some(&false);
                if open_ended {
                    self.spans.push((first, usize::MAX));
                    path.budget = path.budget.min(self.matcher.longest);
                } else {
                    self.spans.push((first, end));
                }
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

/// `spans` sorted, overlapping ones merged, none past `text_len`.
fn merged(mut spans: Vec<(usize, usize)>, text_len: usize) -> Vec<(usize, usize)> {
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    // An open-ended span (see `Stepper::step`) ends with the text.
    for (start, end) in spans
        .into_iter()
        .map(|(start, end)| (start, end.min(text_len)))
    {
        match merged.last_mut() {
            Some((_, last_end)) if *last_end > start => *last_end = end.max(*last_end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;

    use super::super::tests::masked;
    use super::super::{Compiled, SecretMatcher};
    use super::*;

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
            // A reference padded with zeros, as HTML reads it.
            (&token, "&#0000000000102;ixture-token-0123456789", "▮"),
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

    #[test]
    fn the_rings_of_long_forms_stay_within_their_budget() {
        let secret = "0123456789abcdef".repeat(256);
        let matcher = SecretMatcher::new([secret.as_str()]).unwrap();
        let Compiled::Dfa(dfa) = &matcher.automaton else {
            panic!("one secret of 4 KiB is a DFA");
        };
        let walk = Walk::new(dfa, &matcher, "", 0);
        assert!(walk.ring >= matcher.longest && walk.ring <= 2 * matcher.longest);
        assert_eq!(walk.max_paths, MAX_RING_ENTRIES / walk.ring);
        assert!(walk.max_paths < MAX_PATHS);
    }
}
