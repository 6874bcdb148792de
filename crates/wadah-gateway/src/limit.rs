//! Rate limits per consumer per service: an in-process GCRA (generic cell rate algorithm).
//!
//! One [`Gcra`] cell per (consumer application, service) holds a single "theoretical arrival
//! time" in an atomic, so checking is lock-free. A limit of `L` requests per minute spaces
//! requests `T = 60 s / L` apart and allows a burst of `L`; the rate comes with each call (from
//! the right or the service default), so a changed limit applies at once without new state.
//! Time is a parameter: callers pass nanoseconds from a monotonic origin.

use std::sync::atomic::{AtomicU64, Ordering};

const MINUTE_NS: u64 = 60_000_000_000;

/// The state of one consumer's limit on one service.
#[derive(Debug, Default)]
pub struct Gcra {
    /// Theoretical arrival time, ns from the gateway's monotonic origin.
    tat: AtomicU64,
}

/// The answer to one check, with what the `RateLimit-*` headers report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    /// Requests per minute.
    pub limit: u32,
    /// Requests that could still be made right now.
    pub remaining: u32,
    /// Nanoseconds until the full burst is available again.
    pub reset_ns: u64,
    /// When refused: nanoseconds until a request would be allowed.
    pub retry_after_ns: u64,
}

impl Gcra {
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one request at `now_ns` against `per_minute` (at least 1).
    pub fn check(&self, now_ns: u64, per_minute: u32) -> Decision {
        let limit = per_minute.max(1);
        let interval = MINUTE_NS / u64::from(limit);
        let tolerance = interval * u64::from(limit - 1);
        let mut current = self.tat.load(Ordering::Acquire);
        loop {
            let tat = current.max(now_ns);
            if tat - now_ns > tolerance {
                let retry_after_ns = tat - now_ns - tolerance;
                return Decision {
                    allowed: false,
                    limit,
                    remaining: 0,
                    reset_ns: tat - now_ns,
                    retry_after_ns,
                };
            }
            let next = tat + interval;
            match self
                .tat
                .compare_exchange_weak(current, next, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => {
                    let used = next - now_ns;
                    let remaining = (tolerance + interval - used) / interval;
                    return Decision {
                        allowed: true,
                        limit,
                        remaining: u32::try_from(remaining).unwrap_or(u32::MAX),
                        reset_ns: used,
                        retry_after_ns: 0,
                    };
                }
                Err(actual) => current = actual,
            }
        }
    }
}

impl Gcra {
    /// When a request at `now_ns` would be refused: the nanoseconds until it would not.
    /// Counts nothing (for limits on failures, counted with [`Gcra::check`] once they happen).
    pub fn blocked_for(&self, now_ns: u64, per_minute: u32) -> Option<u64> {
        let limit = per_minute.max(1);
        let interval = MINUTE_NS / u64::from(limit);
        let tolerance = interval * u64::from(limit - 1);
        let tat = self.tat.load(Ordering::Acquire).max(now_ns);
        (tat - now_ns > tolerance).then(|| tat - now_ns - tolerance)
    }
}

/// Whole seconds, rounded up (for `Retry-After` and `RateLimit-Reset`).
pub fn ceil_secs(ns: u64) -> u64 {
    ns.div_ceil(1_000_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SEC: u64 = 1_000_000_000;

    #[test]
    fn a_burst_of_the_limit_then_one_per_interval() {
        let cell = Gcra::new();
        let t0 = 100 * SEC;
        for i in 0..60 {
            let d = cell.check(t0, 60);
            assert!(d.allowed, "request {i}");
            assert_eq!(d.remaining, 59 - i);
        }
        let refused = cell.check(t0, 60);
        assert!(!refused.allowed);
        assert_eq!(ceil_secs(refused.retry_after_ns), 1);
        assert!(cell.check(t0 + SEC, 60).allowed);
        assert!(!cell.check(t0 + SEC, 60).allowed);
    }

    #[test]
    fn blocked_for_looks_without_counting() {
        let cell = Gcra::new();
        for _ in 0..3 {
            assert_eq!(cell.blocked_for(SEC, 3), None);
        }
        for _ in 0..3 {
            assert!(cell.check(SEC, 3).allowed);
        }
        assert_eq!(cell.blocked_for(SEC, 3), Some(20 * SEC));
        assert_eq!(cell.blocked_for(SEC + 20 * SEC, 3), None);
    }

    #[test]
    fn a_quiet_consumer_gets_its_whole_burst_back() {
        let cell = Gcra::new();
        for _ in 0..10 {
            assert!(cell.check(SEC, 10).allowed);
        }
        assert!(!cell.check(SEC, 10).allowed);
        let later = cell.check(SEC + 60 * SEC, 10);
        assert!(later.allowed);
        assert_eq!(later.remaining, 9);
    }

    proptest! {
        /// However requests arrive, no more than `burst + elapsed / interval` are allowed.
        #[test]
        fn never_more_than_the_burst_plus_the_rate(
            limit in 1u32..500,
            gaps in proptest::collection::vec(0u64..(2 * SEC), 1..400),
        ) {
            let cell = Gcra::new();
            let start = 10 * SEC;
            let mut now = start;
            let mut allowed = 0u64;
            for gap in gaps {
                now += gap;
                if cell.check(now, limit).allowed {
                    allowed += 1;
                }
            }
            let interval = MINUTE_NS / u64::from(limit);
            prop_assert!(allowed <= u64::from(limit) + (now - start) / interval);
        }

        /// Requests spaced at least one interval apart are never refused.
        #[test]
        fn requests_at_the_rate_are_always_allowed(limit in 1u32..10_000, n in 1usize..200) {
            let cell = Gcra::new();
            let interval = MINUTE_NS / u64::from(limit);
            for i in 0..n {
                prop_assert!(cell.check(SEC + i as u64 * interval, limit).allowed);
            }
        }
    }
}
