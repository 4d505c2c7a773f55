//! Retries, in three parts as in smithy-rs: the settings a caller chooses ([`policy`]), the
//! classifiers that say whether a failed attempt may be tried again ([`classify`]: by what
//! came back and whether the request's method is idempotent), and the strategy that decides
//! when and how often ([`strategy`]: the default policy of a method, the waits, the time
//! budget, the copy of the request kept for the next attempt).

mod classify;
mod policy;
mod strategy;

pub(crate) use classify::retry_after;
pub use policy::{Backoff, RetryConfig};
pub(super) use strategy::attempts;
