//! Traffic figures from the evidence index, for the console's dashboards and the integration
//! map: exchanges counted per time bucket, consumer, service and latency class.
//!
//! The store groups and counts; it does not compute percentiles. Latencies are counted in the
//! fixed classes of [`LATENCY_BOUNDS_MS`] (the way a Prometheus histogram keeps them), so one
//! grouped query answers any window on both engines, and the web layer estimates p50/p95 from
//! the classes. The answer is bounded: at most [`MAX_BUCKETS`] buckets, and the number of
//! rows is at most buckets × consumer/service pairs × classes.

use wadah_domain::Timestamp;
use wadah_domain::policy::AuditScope;

/// Upper bounds (inclusive, milliseconds) of the latency classes; class `i` holds durations
/// in `(LATENCY_BOUNDS_MS[i-1], LATENCY_BOUNDS_MS[i]]`, and class `LATENCY_BOUNDS_MS.len()`
/// everything slower. Roughly three classes per decade, so an estimate is within ~50 %.
pub const LATENCY_BOUNDS_MS: [i64; 22] = [
    1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200, 300, 500, 700, 1000, 2000, 5000, 10000, 30000,
];

/// The most buckets one query may ask for.
pub const MAX_BUCKETS: i64 = 200;

/// What to count: exchanges admitted in `[from, to)` within `scope`, in buckets of
/// `bucket_ms`, optionally only those touching one agency or one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrafficQuery {
    /// The caller's scope (narrowed by the web layer from the principal).
    pub scope: AuditScope,
    /// Only exchanges where this agency is the consumer or the provider.
    pub agency: Option<String>,
    /// Only exchanges of this service (`agency`, `application`, `service`).
    pub service: Option<(String, String, String)>,
    pub from: Timestamp,
    pub to: Timestamp,
    pub bucket_ms: i64,
}

impl TrafficQuery {
    /// Buckets in the window (the last may be partial).
    pub fn buckets(&self) -> i64 {
        let span = (self.to - self.from).num_milliseconds().max(0);
        if self.bucket_ms <= 0 {
            return 0;
        }
        (span + self.bucket_ms - 1) / self.bucket_ms
    }
}

/// Exchanges of one consumer with one service, in one bucket and one latency class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrafficRow {
    /// Index of the bucket from the query's `from` (0-based).
    pub bucket: u32,
    pub consumer_agency: String,
    pub consumer_application: String,
    pub service_agency: String,
    pub service_application: String,
    pub service: String,
    /// Index into [`LATENCY_BOUNDS_MS`] (`len()` for slower ones); `None` while no outcome is
    /// recorded yet (the exchange is running, or its node stopped before the end).
    pub latency_class: Option<u8>,
    pub requests: u64,
    /// Answers with a 4xx status (refusals by the upstream, or the consumer's mistakes).
    pub client_errors: u64,
    /// Answers with a 5xx status (upstream failures, timeouts, open circuits).
    pub server_errors: u64,
}

/// The latency class of a duration (what the SQL's `CASE` computes).
pub fn latency_class(duration_ms: i64) -> u8 {
    let class = LATENCY_BOUNDS_MS
        .iter()
        .position(|&bound| duration_ms <= bound)
        .unwrap_or(LATENCY_BOUNDS_MS.len());
    u8::try_from(class).unwrap_or(u8::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_are_upper_bound_inclusive_and_open_at_the_end() {
        assert_eq!(latency_class(0), 0);
        assert_eq!(latency_class(1), 0);
        assert_eq!(latency_class(2), 1);
        assert_eq!(latency_class(11), 6);
        assert_eq!(latency_class(30_000), 21);
        assert_eq!(latency_class(30_001), 22);
    }

    #[test]
    fn a_partial_last_bucket_counts() {
        let from = Timestamp::from_timestamp(0, 0).unwrap();
        let q = TrafficQuery {
            scope: AuditScope::All,
            agency: None,
            service: None,
            from,
            to: Timestamp::from_timestamp(90 * 60, 0).unwrap(),
            bucket_ms: 3_600_000,
        };
        assert_eq!(q.buckets(), 2);
    }
}
