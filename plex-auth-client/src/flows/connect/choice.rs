//! Where the probes of one choice stand: the grace period after the first proof, the deadline,
//! and what became of each connection.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::time::Instant;

use super::probe;
use super::rank::{self, Plan, Rank, State};
use crate::types::{PlexConnection, PlexDevice};
use crate::{AttemptOutcome, ConnectAttempt, Redactor};

/// The probes of one choice: where each stands, the grace period, and why each failed.
pub(super) struct Choice {
    ranks: Vec<Rank>,
    states: Vec<State>,
    failures: Vec<Option<probe::Failure>>,
    /// The peer each proven candidate answered from.
    peers: Vec<Option<SocketAddr>>,
    /// When the grace after the first proof ends, once a connection proved.
    grace_ends: Option<Instant>,
    grace_over: bool,
}

impl Choice {
    pub(super) fn new(candidates: &[&PlexConnection]) -> Self {
        Self {
            ranks: candidates.iter().map(|c| Rank::of(c)).collect(),
            states: vec![State::Pending; candidates.len()],
            failures: vec![None; candidates.len()],
            peers: vec![None; candidates.len()],
            grace_ends: None,
            grace_over: false,
        }
    }

    pub(super) fn settle(
        &mut self,
        index: usize,
        outcome: Result<Option<SocketAddr>, probe::Failure>,
        grace: Duration,
    ) {
        match outcome {
            Ok(peer) => {
                self.states[index] = State::Proven;
                self.peers[index] = peer;
                self.grace_ends
                    .get_or_insert_with(|| super::instant_after(grace));
            }
            Err(failure) => {
                self.states[index] = State::Failed;
                self.failures[index] = Some(failure);
            }
        }
    }

    /// The address candidate `index` proved to be the server at, when the connection said.
    pub(super) fn peer(&self, index: usize) -> Option<SocketAddr> {
        self.peers[index]
    }

    pub(super) fn chosen(&self) -> Option<usize> {
        rank::choose(&self.ranks, &self.states, self.grace_over)
    }

    /// Resolves when the grace is over; never before a connection proved, nor after.
    pub(super) async fn grace_over(&self) {
        match self.grace_ends {
            Some(end) if !self.grace_over => tokio::time::sleep_until(end).await,
            _ => std::future::pending().await,
        }
    }

    pub(super) fn end_grace(&mut self) {
        self.grace_over = true;
    }

    /// Every probe still pending fails with `reason`; the best proven connection, if any.
    pub(super) fn at_deadline(&mut self, reason: String) -> Option<usize> {
        for (state, failure) in self.states.iter_mut().zip(&mut self.failures) {
            if *state == State::Pending {
                *state = State::Failed;
                *failure = Some((AttemptOutcome::TimedOut, reason.clone()));
            }
        }
        self.chosen()
    }

    /// Every connection of `device`: those probed, best first, then those left out; their
    /// URLs and reasons redacted by `shown`.
    pub(super) fn attempts(
        self,
        device: &PlexDevice,
        plan: &Plan,
        shown: &Redactor,
    ) -> Vec<ConnectAttempt> {
        let probed = plan
            .candidates
            .iter()
            .zip(self.failures)
            .map(|(&index, failure)| {
                let (outcome, reason) = failure
                    .unwrap_or((AttemptOutcome::TimedOut, "the probe did not finish".into()));
                attempt(&device.connections[index], outcome, &reason, shown)
            });
        let skipped = plan.skipped.iter().map(|&(index, outcome)| {
            let reason = match outcome {
                AttemptOutcome::HttpsRequired => "not tried: the server requires https".into(),
                _ => format!(
                    "not tried: only the {} best-ranked connections are probed",
                    plan.candidates.len()
                ),
            };
            attempt(&device.connections[index], outcome, &reason, shown)
        });
        probed.chain(skipped).collect()
    }
}

/// An attempt as errors show it: the URL and the reason (which can quote the URL, or an
/// answer) redacted by `shown`, which also bounds them (256 characters).
fn attempt(
    connection: &PlexConnection,
    outcome: AttemptOutcome,
    reason: &str,
    shown: &Redactor,
) -> ConnectAttempt {
    ConnectAttempt {
        url: shown.url(&connection.uri),
        local: rank::flag(connection.local),
        relay: rank::flag(connection.relay),
        outcome,
        reason: shown.text(reason),
    }
}
