//! Which connection wins: how a server's connections are ranked, which of them are probed, and
//! when one that proved to be the server may be chosen.

use crate::AttemptOutcome;
use crate::types::PlexConnection;

/// Where a connection leads; the better first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Place {
    /// On the server's LAN.
    Local,
    /// The server's public address.
    Remote,
    /// Through Plex's relay (bandwidth-limited): the last resort.
    Relay,
}

/// A connection's rank: its place first, then https before http.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Rank {
    pub(super) place: Place,
    pub(super) https: bool,
}

impl Rank {
    pub(super) fn of(connection: &PlexConnection) -> Self {
        let place = if flag(connection.relay) {
            Place::Relay
        } else if flag(connection.local) {
            Place::Local
        } else {
            Place::Remote
        };
        Self {
            place,
            https: is_https(&connection.uri),
        }
    }

    /// Sorts best first.
    fn key(self) -> (Place, bool) {
        (self.place, !self.https)
    }
}

/// Whether the URI's scheme is https (what is used, whatever `protocol` says).
pub(super) fn is_https(uri: &str) -> bool {
    uri.trim_start()
        .get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
}

pub(super) fn flag(value: Option<crate::FlexBool>) -> bool {
    value.is_some_and(crate::FlexBool::get)
}

/// The connections to probe and those left out, each as an index into the device's list.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Plan {
    /// Probed, best first.
    pub(super) candidates: Vec<usize>,
    /// Not probed, best first, and why.
    pub(super) skipped: Vec<(usize, AttemptOutcome)>,
}

/// Ranks `connections` (a stable sort: equals keep plex.tv's order); leaves out the http ones
/// when the server requires https, and all past the `cap` best.
pub(super) fn plan(connections: &[PlexConnection], https_required: bool, cap: usize) -> Plan {
    let mut order: Vec<(usize, Rank)> = connections
        .iter()
        .enumerate()
        .map(|(index, connection)| (index, Rank::of(connection)))
        .collect();
    order.sort_by_key(|(_, rank)| rank.key());
    let mut plan = Plan {
        candidates: Vec::new(),
        skipped: Vec::new(),
    };
    for (index, rank) in order {
        if https_required && !rank.https {
            plan.skipped.push((index, AttemptOutcome::HttpsRequired));
        } else if plan.candidates.len() < cap {
            plan.candidates.push(index);
        } else {
            plan.skipped.push((index, AttemptOutcome::NotTried));
        }
    }
    plan
}

/// Where a probe stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum State {
    /// Still running: it can still answer.
    Pending,
    /// It answered as the server.
    Proven,
    /// It cannot answer any more.
    Failed,
}

/// The candidate to choose now, or `None` to wait. `ranks` and `states` are the candidates',
/// best first; `grace_over` says whether the grace period after the first proof has passed.
///
/// A proven candidate is chosen at once when every better one has failed. Once the grace is
/// over, the best proven one is chosen, unless it is http and an https candidate of the same or
/// a better place is still pending: http (which proves nothing about the host) only when https
/// cannot answer. At the deadline, pending candidates count as failed.
pub(super) fn choose(ranks: &[Rank], states: &[State], grace_over: bool) -> Option<usize> {
    for (index, state) in states.iter().enumerate() {
        match state {
            State::Proven => return Some(index),
            State::Failed => continue,
            State::Pending => break,
        }
    }
    if !grace_over {
        return None;
    }
    let https_pending_at = |place: Place| {
        ranks
            .iter()
            .zip(states)
            .any(|(rank, state)| *state == State::Pending && rank.https && rank.place <= place)
    };
    ranks.iter().zip(states).position(|(rank, state)| {
        *state == State::Proven && (rank.https || !https_pending_at(rank.place))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use State::{Failed, Pending, Proven};

    fn connection(uri: &str, local: bool, relay: bool) -> PlexConnection {
        serde_json::from_value(serde_json::json!({"uri": uri, "local": local, "relay": relay}))
            .unwrap()
    }

    #[test]
    fn ranks_local_then_remote_then_relay_and_https_first_keeping_plex_order_among_equals() {
        let connections = [
            connection("http://c:1", true, true),
            connection("https://c:1", false, true),
            connection("http://b:1", false, false),
            connection("HTTPS://b:1", false, false),
            connection("http://a:1", true, false),
            connection("https://a:1", true, false),
            connection("https://a:2", true, false),
        ];
        let plan = plan(&connections, false, 10);
        assert_eq!(plan.candidates, [5, 6, 4, 3, 2, 1, 0]);
        assert!(plan.skipped.is_empty());
    }

    #[test]
    fn leaves_out_http_when_https_is_required_and_everything_past_the_cap() {
        let connections = [
            connection("http://a:1", true, false),
            connection("https://b:1", false, false),
            connection("https://a:1", true, false),
            connection("https://c:1", false, true),
        ];
        let plan = plan(&connections, true, 2);
        assert_eq!(plan.candidates, [2, 1]);
        assert_eq!(
            plan.skipped,
            [
                (0, AttemptOutcome::HttpsRequired),
                (3, AttemptOutcome::NotTried)
            ]
        );
    }

    fn rank(place: Place, https: bool) -> Rank {
        Rank { place, https }
    }

    #[test]
    fn a_proven_candidate_waits_for_every_better_one_until_the_grace_is_over() {
        let ranks = [rank(Place::Local, true), rank(Place::Remote, true)];
        assert_eq!(choose(&ranks, &[Pending, Proven], false), None);
        assert_eq!(choose(&ranks, &[Pending, Proven], true), Some(1));
        assert_eq!(choose(&ranks, &[Failed, Proven], false), Some(1));
        assert_eq!(choose(&ranks, &[Proven, Pending], false), Some(0));
        assert_eq!(choose(&ranks, &[Proven, Proven], true), Some(0));
        assert_eq!(choose(&ranks, &[Failed, Failed], true), None);
        assert_eq!(choose(&ranks, &[Failed, Pending], true), None);
        assert_eq!(choose(&[], &[], true), None);
    }

    #[test]
    fn http_is_chosen_only_when_no_https_of_the_same_or_a_better_place_can_answer() {
        let ranks = [
            rank(Place::Local, true),
            rank(Place::Local, false),
            rank(Place::Remote, true),
            rank(Place::Remote, false),
        ];
        // Local https still pending: local http waits, whatever the grace; remote https may go.
        assert_eq!(
            choose(&ranks, &[Pending, Proven, Pending, Pending], true),
            None
        );
        assert_eq!(
            choose(&ranks, &[Pending, Proven, Proven, Pending], true),
            Some(2)
        );
        // A pending https of a worse place does not hold http back.
        assert_eq!(
            choose(&ranks, &[Failed, Proven, Pending, Pending], false),
            Some(1)
        );
        // Remote http waits for remote https, and for local https.
        assert_eq!(
            choose(&ranks, &[Failed, Failed, Pending, Proven], true),
            None
        );
        assert_eq!(
            choose(&ranks, &[Pending, Failed, Failed, Proven], true),
            None
        );
        assert_eq!(
            choose(&ranks, &[Failed, Pending, Failed, Proven], true),
            Some(3)
        );
    }
}
