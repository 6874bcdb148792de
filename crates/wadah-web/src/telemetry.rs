//! Names and buckets of the web listener's metrics, for the binary that installs the Prometheus
//! recorder (histograms render as summaries unless buckets are set, and summaries cannot be
//! aggregated across nodes).

/// Counter: requests by `route`, `method`, `status` (class, e.g. `2xx`).
pub const REQUESTS_TOTAL: &str = "wadah_http_requests_total";

/// Histogram: request latency in seconds, by the same labels.
pub const REQUEST_DURATION: &str = "wadah_http_request_duration_seconds";

/// Buckets for [`REQUEST_DURATION`] (seconds).
pub const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
