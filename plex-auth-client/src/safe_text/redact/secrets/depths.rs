//! The depth of each state of the automaton: how much of a path's past can still matter.

use aho_corasick::Anchored;
use aho_corasick::automaton::{Automaton, StateID};

/// The depth of each state of an automaton: the length of the beginning of a form it stands
/// for, so how many of a path's last bytes can still be part of a match.
#[derive(Clone, Default)]
pub(super) struct Depths {
    /// Every state's identifier is a multiple of `1 << shift`.
    shift: u32,
    /// By identifier `>> shift`; `u32::MAX` where none is known (the start state).
    by_state: Vec<u32>,
}

impl Depths {
    /// The depth of every state a form goes through: from the start, each form's first `n`
    /// bytes lead to the state standing for them. Empty when the identifiers are too sparse
    /// for a table (every depth is then unknown, which costs time, never a match).
    pub(super) fn new(automaton: &impl Automaton, forms: &[String]) -> Self {
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

    pub(super) fn get(&self, state: StateID) -> Option<usize> {
        let depth = *self.by_state.get(state.as_usize() >> self.shift)?;
        (depth != u32::MAX).then_some(depth as usize)
    }
}
