//! The gateway's metrics (Prometheus names; the binary installs the recorder and serves
//! `/metrics` on the web listener). Labels are bounded by the registry: agency, application,
//! service and consumer codes and a status class, never raw paths or request ids.

use std::time::Duration;

use metrics::{counter, gauge, histogram};

pub const REQUESTS: &str = "wadah_gateway_requests_total";
pub const DURATION: &str = "wadah_gateway_request_duration_seconds";
pub const REJECTIONS: &str = "wadah_gateway_rejections_total";
pub const SNAPSHOT_VERSION: &str = "wadah_gateway_snapshot_version";
pub const AUDIT_QUEUE: &str = "wadah_gateway_audit_queue_depth";
pub const AUDIT_FSYNC: &str = "wadah_gateway_audit_fsync_seconds";
pub const AUDIT_RECORDS: &str = "wadah_gateway_audit_records_total";
pub const AUDIT_BYTES: &str = "wadah_gateway_audit_bytes_total";
pub const AUDIT_FAILURES: &str = "wadah_gateway_audit_write_failures_total";
pub const TOKEN_REQUESTS: &str = "wadah_gateway_token_requests_total";
pub const UPSTREAM_UP: &str = "wadah_gateway_upstream_up";
pub const CIRCUIT_STATE: &str = "wadah_gateway_upstream_circuit_state";
pub const CIRCUIT_TRANSITIONS: &str = "wadah_gateway_upstream_circuit_transitions_total";
pub const INCOMPLETE: &str = "wadah_gateway_incomplete_exchanges_total";
pub const TLS_HANDSHAKE_FAILURES: &str = "wadah_gateway_tls_handshake_failures_total";
pub const AUDIT_INDEX_LAG: &str = "wadah_gateway_audit_index_lag_records";

/// Who called which service: the labels of an exchange.
#[derive(Debug, Clone)]
pub struct Labels {
    pub agency: String,
    pub application: String,
    pub service: String,
    pub consumer: String,
}

fn class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// One finished exchange (admitted requests, whatever their outcome).
pub fn exchange(labels: &Labels, status: u16, elapsed: Duration) {
    let l = [
        ("agency", labels.agency.clone()),
        ("application", labels.application.clone()),
        ("service", labels.service.clone()),
        ("consumer", labels.consumer.clone()),
        ("status", class(status).to_owned()),
    ];
    counter!(REQUESTS, &l).increment(1);
    histogram!(DURATION, &l).record(elapsed.as_secs_f64());
}

/// One request refused before admission, by problem code.
pub fn rejected(code: &'static str) {
    counter!(REJECTIONS, "code" => code).increment(1);
}

pub fn snapshot_version(version: i64) {
    gauge!(SNAPSHOT_VERSION).set(version as f64);
}

pub fn audit_queue_depth(depth: usize) {
    gauge!(AUDIT_QUEUE).set(depth as f64);
}

pub fn audit_fsync(took: Duration) {
    histogram!(AUDIT_FSYNC).record(took.as_secs_f64());
}

pub fn audit_records(bytes: usize, records: usize) {
    counter!(AUDIT_RECORDS).increment(records as u64);
    counter!(AUDIT_BYTES).increment(bytes as u64);
}

pub fn audit_write_failed() {
    counter!(AUDIT_FAILURES).increment(1);
}

/// One `POST /oauth2/token`, by outcome (`issued` or the RFC 6749 error code).
pub fn token_request(outcome: &'static str) {
    counter!(TOKEN_REQUESTS, "outcome" => outcome).increment(1);
}

/// The active health checks' verdict on an upstream: 1 up, 0 down (absent: never checked).
pub fn upstream_up(upstream: &str, health: crate::circuit::Health) {
    let value = match health {
        crate::circuit::Health::Up => 1.0,
        crate::circuit::Health::Down => 0.0,
        crate::circuit::Health::Unknown => return,
    };
    gauge!(UPSTREAM_UP, "upstream" => upstream.to_owned()).set(value);
}

/// An upstream's circuit: 0 closed, 1 open, 2 half-open.
pub fn circuit_state(upstream: &str, state: crate::breaker::State) {
    gauge!(CIRCUIT_STATE, "upstream" => upstream.to_owned()).set(f64::from(state as u8));
}

/// A circuit changed state (counted by the state it entered).
pub fn circuit_transition(upstream: &str, to: crate::breaker::State) {
    counter!(CIRCUIT_TRANSITIONS, "upstream" => upstream.to_owned(), "to" => to.as_str()).increment(1);
    circuit_state(upstream, to);
}

/// An admitted exchange whose body did not make it through whole (by error code).
pub fn incomplete(error: &'static str) {
    counter!(INCOMPLETE, "error" => error).increment(1);
}

/// Durable records the store's evidence index has not caught up with yet.
pub fn audit_index_lag(records: u64) {
    gauge!(AUDIT_INDEX_LAG).set(records as f64);
}

/// A TLS handshake on the gateway listener that did not finish (`refused` or `timeout`).
pub fn tls_handshake_failed(reason: &'static str) {
    counter!(TLS_HANDSHAKE_FAILURES, "reason" => reason).increment(1);
}
