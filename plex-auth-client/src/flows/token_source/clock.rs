//! The time a token source judges expiry by: the system's, or one a test sets.

use std::time::{SystemTime, UNIX_EPOCH};

/// Where a [`TokenSource`](crate::TokenSource) reads the time, to judge a JWT's `exp` and
/// `iat`. [`SystemClock`] by default; a test gives its own to cross an expiry without waiting.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The system's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// The time as whole seconds since the Unix epoch (negative before it), as JWT claims count.
pub(crate) fn unix_seconds(clock: &dyn Clock) -> i64 {
    match clock.now().duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    struct At(SystemTime);

    impl Clock for At {
        fn now(&self) -> SystemTime {
            self.0
        }
    }

    #[test]
    fn counts_seconds_either_side_of_the_epoch() {
        assert_eq!(
            unix_seconds(&At(UNIX_EPOCH + Duration::from_millis(1_999))),
            1
        );
        assert_eq!(unix_seconds(&At(UNIX_EPOCH - Duration::from_secs(5))), -5);
        assert!(unix_seconds(&SystemClock) > 1_700_000_000);
    }
}
