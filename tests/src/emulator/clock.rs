//! The emulator's own sense of time.
//!
//! Codes, tokens and rate-limit windows expire against this clock, and tests can move it
//! forward over HTTP (`POST /_emulator/clock/advance`). That lets a test see a code or token
//! expire without sleeping, so it stays fast and deterministic.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset: Mutex<Duration>,
}

impl Clock {
    /// Now, as the emulator sees it (monotonic).
    pub(crate) fn now(&self) -> Instant {
        Instant::now() + self.offset()
    }

    /// Wall-clock now, shifted the same way (for `expires` and rate-limit reset times).
    pub(crate) fn wall_now(&self) -> SystemTime {
        SystemTime::now() + self.offset()
    }

    /// The wall-clock time at which the emulator's `instant` happens.
    pub(crate) fn wall_at(&self, instant: Instant) -> SystemTime {
        let now = self.now();
        let wall = self.wall_now();
        if instant >= now {
            wall + (instant - now)
        } else {
            wall - (now - instant)
        }
    }

    pub(crate) fn advance(&self, by: Duration) -> Duration {
        let mut offset = self.offset.lock().expect("clock lock");
        *offset += by;
        *offset
    }

    fn offset(&self) -> Duration {
        *self.offset.lock().expect("clock lock")
    }
}
