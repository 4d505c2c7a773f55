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

mod escape;
mod fold;

pub(super) use fold::{ASCII_FOLD, decoded_text, fold, fold_text, is_invisible};

use escape::Partial;

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
    /// How many times the readings at an edge were searched for.
    #[cfg(test)]
    searches: usize,
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
            #[cfg(test)]
            searches: 0,
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
        #[cfg(test)]
        {
            self.searches += 1;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every reading at `at`: the character and the text it stands for.
    pub(super) fn readings_at(text: &str, at: usize) -> Vec<(char, &str)> {
        let mut each = Vec::new();
        Readings::new(text).at(at, &mut each);
        each.iter()
            .map(|reading| (reading.ch, &text[at..reading.end]))
            .collect()
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
    fn every_way_a_run_of_backslashes_reads_is_kept() {
        // `\\\\` is `\` once, twice, three or four times escaped: each end is a reading.
        let ends: Vec<usize> = readings_at(r"\\\\", 0)
            .iter()
            .map(|(_, read)| read.len())
            .collect();
        assert_eq!(ends, [1, 2, 3, 4]);
    }

    #[test]
    fn readings_of_a_long_escaped_text_are_found_once_each() {
        let text = "&#x74;".repeat(100_000);
        let mut readings = Readings::new(&text);
        let mut each = Vec::new();
        for at in (0..text.len()).step_by(6) {
            for _ in 0..2 {
                readings.at(at, &mut each);
                let found: Vec<(char, usize)> = each.iter().map(|r| (r.ch, r.end - at)).collect();
                assert_eq!(found, [('&', 1), ('\u{7}', 4), ('t', 5), ('t', 6)], "{at}");
            }
        }
        // Asked twice at each edge, searched once: the cost is linear in the text.
        assert_eq!(readings.searches, 100_000);
    }
}
