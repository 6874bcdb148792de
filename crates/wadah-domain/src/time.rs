//! Time is a parameter. Token expiry, audit stamps and "who changed what when" all read the
//! time through a [`Clock`] handed in by the caller, so tests can fix it and no code reads the
//! system clock behind the reader's back (`clippy.toml` bans the ad-hoc calls elsewhere).

use chrono::{DateTime, Utc};

/// An instant, in UTC with millisecond precision (what both store engines keep).
pub type Timestamp = DateTime<Utc>;

/// Where the current time comes from.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> Timestamp;
}

/// The real clock, truncated to milliseconds so a value survives a store round trip unchanged.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the one place the system clock is read
    fn now(&self) -> Timestamp {
        from_millis(Utc::now().timestamp_millis())
    }
}

/// A clock that stands still unless moved: for tests and reproducible runs.
#[derive(Debug)]
pub struct FixedClock(std::sync::Mutex<Timestamp>);

impl FixedClock {
    pub fn at(t: Timestamp) -> Self {
        Self(std::sync::Mutex::new(t))
    }

    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut t) = self.0.lock() {
            *t += by;
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0.lock().map(|t| *t).unwrap_or_default()
    }
}

/// Milliseconds since the Unix epoch → timestamp; out-of-range values clamp to the epoch.
pub fn from_millis(ms: i64) -> Timestamp {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}
