//! Bad input and faults (issue 3, "Bad input and faults"): upstreams that refuse, hang, cut
//! or stall their answer or talk garbage; consumers that stall; smuggling and oversized
//! heads on the raw listener; the circuit breaker and active health checks. Each case checks
//! the status, the problem code and the evidence log. Nothing here measures time: waits are
//! polls with a deadline.

use std::time::{Duration, Instant};

use serde_json::json;
use wadah_domain::audit::{Outcome, RecordBody};
use wadah_gateway::{BreakerConfig, GatewayConfig};

use crate::helpers::*;
use crate::rogue::{Act, Rogue};

const PATH: &str = "/bpsdm/simpeg/pegawai/x";

/// GET on the service with the dashboard's key and our own request id.
async fn call(gw: &TestGateway, id: &str) -> Answer {
    gw.send("GET", PATH, Some(&gw.dashboard), &[("X-Request-Id", id)], b"")
        .await
}

fn get_head(gw: &TestGateway, id: &str, path: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: gw\r\nConnection: close\r\nX-Request-Id: {id}\r\nAuthorization: Bearer {}\r\n\r\n",
        gw.dashboard.plain
    )
}

/// The outcome record of `id`, waiting (bounded) for it: a cut body ends after the answer.
async fn outcome(gw: &TestGateway, id: &str) -> Outcome {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        gw.audit.flush().await.unwrap();
        let found = evidence(&gw.audit_dir).into_iter().find_map(|r| match r.body {
            RecordBody::Outcome(o) if o.request_id == id => Some(o),
            _ => None,
        });
        if let Some(o) = found {
            assert!(admitted(gw, id), "{id} has an outcome but no admission record");
            return o;
        }
        assert!(Instant::now() < deadline, "no outcome record for {id}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn admitted(gw: &TestGateway, id: &str) -> bool {
    evidence(&gw.audit_dir)
        .iter()
        .any(|r| matches!(&r.body, RecordBody::Admission(a) if a.request_id == id))
}

fn assert_cut(o: &Outcome, error: &str) {
    assert_eq!(
        (o.status, o.upstream_status, o.complete, o.error.as_deref()),
        (200, Some(200), false, Some(error)),
        "{o:?}"
    );
    assert_eq!(o.response_digest, None, "no digest of a body that never ended");
}

/// The `x` bytes after the head: what reached the consumer of a body announced as 1000.
fn body_bytes(raw: &[u8]) -> usize {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    raw[split..].iter().filter(|b| **b == b'x').count()
}

async fn wait_for(gw: &TestGateway, upstream: &str, want: (&str, &str)) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = gw.circuits.status(upstream);
        if status == Some(want) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{upstream} is {status:?}, never {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn an_upstream_that_refuses_gives_502_upstream_unavailable() {
    let port = closed_port();
    let gw = spawn_with(Options {
        upstream: Some(format!("http://127.0.0.1:{port}")),
        ..Options::default()
    })
    .await;
    let answer = call(&gw, "refused-1").await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (502, "upstream_unavailable")
    );
    let o = outcome(&gw, "refused-1").await;
    assert_eq!(
        (o.status, o.complete, o.error.as_deref()),
        (502, false, Some("upstream_unavailable"))
    );
}

#[tokio::test]
async fn an_upstream_that_hangs_before_its_head_gives_504_upstream_timeout() {
    let rogue = Rogue::start(Act::Hang).await;
    let gw = spawn_with(Options {
        upstream: Some(rogue.url()),
        timeout_ms: 300,
        ..Options::default()
    })
    .await;
    let answer = call(&gw, "hang-1").await;
    assert_eq!((answer.status, answer.code().as_str()), (504, "upstream_timeout"));
    assert_eq!(rogue.requests(), 1, "a timed-out request is not retried");
    let o = outcome(&gw, "hang-1").await;
    assert_eq!((o.status, o.error.as_deref()), (504, Some("upstream_timeout")));
}

#[tokio::test]
async fn an_upstream_that_answers_garbage_gives_502_upstream_error() {
    let rogue = Rogue::start(Act::Garbage).await;
    let gw = spawn_with(Options {
        upstream: Some(rogue.url()),
        ..Options::default()
    })
    .await;
    let answer = call(&gw, "garbage-1").await;
    assert_eq!((answer.status, answer.code().as_str()), (502, "upstream_error"));
    let o = outcome(&gw, "garbage-1").await;
    assert_eq!((o.status, o.error.as_deref()), (502, Some("upstream_error")));
}

#[tokio::test]
async fn an_upstream_that_breaks_off_mid_body_cuts_the_consumers_body() {
    let rogue = Rogue::start(Act::CutBody).await;
    let gw = spawn_with(Options {
        upstream: Some(rogue.url()),
        ..Options::default()
    })
    .await;
    let raw = raw_bytes(gw.addr, get_head(&gw, "cut-1", PATH).as_bytes()).await;
    assert!(
        raw.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&raw)
    );
    let got = body_bytes(&raw);
    assert!(got < 1000, "the consumer must see the body end short, got {got}");
    assert_cut(&outcome(&gw, "cut-1").await, "upstream_error");
}

#[tokio::test(flavor = "current_thread")]
async fn an_upstream_that_stalls_mid_body_is_cut_after_the_idle_timeout() {
    let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
    let metrics = recorder.handle();
    let _local = metrics::set_default_local_recorder(&recorder);
    let rogue = Rogue::start(Act::StallBody).await;
    let gw = spawn_with(Options {
        upstream: Some(rogue.url()),
        tune: |c: &mut GatewayConfig| c.body_idle_timeout = Duration::from_millis(300),
        ..Options::default()
    })
    .await;
    // raw_bytes returns once the gateway closes the connection (bounded by 20 s; the
    // upstream would hold it for ever).
    let raw = raw_bytes(gw.addr, get_head(&gw, "stall-1", PATH).as_bytes()).await;
    assert!(
        raw.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&raw)
    );
    assert_eq!(
        body_bytes(&raw),
        100,
        "what arrived before the stall is passed on"
    );
    assert_cut(&outcome(&gw, "stall-1").await, "upstream_timeout");
    let line = "wadah_gateway_incomplete_exchanges_total{error=\"upstream_timeout\"} 1";
    assert!(metrics.render().lines().any(|l| l == line));
}

#[tokio::test]
async fn a_consumer_that_stops_sending_its_body_gets_408() {
    let gw = spawn_with(Options {
        tune: |c: &mut GatewayConfig| {
            c.body_idle_timeout = Duration::from_millis(300);
            c.header_read_timeout = Duration::from_millis(300);
        },
        ..Options::default()
    })
    .await;
    // A large body streams: the upstream call has started when the consumer goes quiet.
    let head = format!(
        "POST {PATH} HTTP/1.1\r\nHost: gw\r\nX-Request-Id: slow-1\r\nAuthorization: Bearer {}\r\nContent-Length: 200000\r\n\r\n",
        gw.dashboard.plain
    );
    let mut req = head.into_bytes();
    req.extend_from_slice(&[b'a'; 1000]);
    let answer = gw.raw(&req).await;
    assert_eq!((answer.status, answer.code().as_str()), (408, "request_timeout"));
    let o = outcome(&gw, "slow-1").await;
    assert_eq!(
        (o.status, o.complete, o.error.as_deref()),
        (408, false, Some("request_timeout"))
    );
    assert!(o.bytes_in >= 1000 && o.bytes_in < 200_000, "{o:?}");
    // A small body is read before admission: refused with the same code, and counted.
    let head = format!(
        "POST {PATH} HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer {}\r\nContent-Length: 100\r\n\r\nonly-some",
        gw.dashboard.plain
    );
    let answer = gw.raw(head.as_bytes()).await;
    assert_eq!((answer.status, answer.code().as_str()), (408, "request_timeout"));
    assert_eq!(rejections(&gw, "request_timeout").await, 1);
}

#[tokio::test]
async fn a_client_that_never_finishes_its_request_head_is_disconnected() {
    let gw = spawn_with(Options {
        tune: |c: &mut GatewayConfig| c.header_read_timeout = Duration::from_millis(300),
        ..Options::default()
    })
    .await;
    let partial = format!(
        "GET {PATH} HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer {}\r\nX-Slow: ",
        gw.dashboard.plain
    );
    // raw_bytes fails the test if the gateway keeps the connection for 20 s.
    let raw = raw_bytes(gw.addr, partial.as_bytes()).await;
    assert!(
        raw.is_empty() || raw.starts_with(b"HTTP/1.1 408"),
        "{}",
        String::from_utf8_lossy(&raw)
    );
    assert!(gw.seen().is_empty());
}

#[tokio::test]
async fn smuggling_attempts_are_refused_and_never_reach_the_upstream_as_a_second_request() {
    let gw = spawn().await;
    let auth = format!("Authorization: Bearer {}\r\n", gw.dashboard.plain);
    let smuggled = format!("GET /bpsdm/simpeg/pegawai/smuggled HTTP/1.1\r\nHost: gw\r\n{auth}\r\n");
    // hyper refuses these heads itself (a bare 400, before any phase runs).
    for (case, head) in [
        (
            "two different Content-Lengths",
            format!(
                "POST {PATH} HTTP/1.1\r\nHost: gw\r\n{auth}Content-Length: 5\r\nContent-Length: 60\r\n\r\nhello"
            ),
        ),
        (
            "obs-fold",
            format!("GET {PATH} HTTP/1.1\r\nHost: gw\r\n{auth}X-Folded: a\r\n b\r\n\r\n"),
        ),
        (
            "chunked on HTTP/1.0",
            format!("POST {PATH} HTTP/1.0\r\nHost: gw\r\n{auth}Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ),
        (
            "space before the colon",
            format!("GET {PATH} HTTP/1.1\r\nHost: gw\r\n{auth}Content-Length : 5\r\n\r\nhello"),
        ),
    ] {
        let answer = gw.raw(format!("{head}{smuggled}").as_bytes()).await;
        assert_eq!(answer.status, 400, "{case}: {answer:?}");
    }
    assert!(gw.seen().is_empty(), "{:?}", gw.seen());
    assert_eq!(
        rejections_reaching(&gw, "malformed_request", 4).await,
        4,
        "each refused head is counted in the evidence log's refusal record"
    );
    // An invalid chunk size is found while the body streams: 400 with a code and an outcome.
    let head = format!(
        "POST {PATH} HTTP/1.1\r\nHost: gw\r\nX-Request-Id: chunk-1\r\n{auth}Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"
    );
    let answer = gw.raw(format!("{head}{smuggled}").as_bytes()).await;
    assert_eq!((answer.status, answer.code().as_str()), (400, "invalid_request"));
    let o = outcome(&gw, "chunk-1").await;
    assert_eq!((o.status, o.error.as_deref()), (400, Some("invalid_request")));
    assert!(
        gw.seen().iter().all(|s| !s.uri.contains("smuggled")),
        "{:?}",
        gw.seen()
    );
    // Content-Length with chunking: hyper reads the body as chunked (RFC 9112 §6.3) and
    // closes the connection after the answer (see forwarding.rs); nothing is smuggled.
}

#[tokio::test]
async fn oversized_or_too_many_headers_get_431() {
    let gw = spawn().await;
    let auth = format!("Authorization: Bearer {}\r\n", gw.dashboard.plain);
    let big = format!(
        "GET {PATH} HTTP/1.1\r\nHost: gw\r\n{auth}X-Big: {}\r\n\r\n",
        "a".repeat(40 * 1024)
    );
    let answer = gw.raw(big.as_bytes()).await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (431, "headers_too_large")
    );
    let many: String = (0..150).map(|i| format!("X-H{i}: {i}\r\n")).collect();
    let answer = gw
        .raw(format!("GET {PATH} HTTP/1.1\r\nHost: gw\r\n{auth}{many}\r\n").as_bytes())
        .await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (431, "headers_too_large")
    );
    // Far past the limits hyper cuts the head before the pipeline (no problem body), and the
    // refusal is still counted.
    let flood: String = (0..400).map(|i| format!("X-H{i}: {i}\r\n")).collect();
    let answer = gw
        .raw(format!("GET {PATH} HTTP/1.1\r\nHost: gw\r\n{auth}{flood}\r\n").as_bytes())
        .await;
    assert_eq!(answer.status, 431);
    assert!(gw.seen().is_empty());
    assert_eq!(rejections_reaching(&gw, "headers_too_large", 3).await, 3);
}

/// On one thread, so the test's local metrics recorder sees the gateway's tasks.
#[tokio::test(flavor = "current_thread")]
async fn the_breaker_opens_refuses_without_calling_then_half_opens_and_closes() {
    let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
    let metrics = recorder.handle();
    let _local = metrics::set_default_local_recorder(&recorder);
    let rogue = Rogue::start(Act::Unavailable).await;
    let gw = spawn_with(Options {
        upstream: Some(rogue.url()),
        tune: |c: &mut GatewayConfig| {
            c.breaker = BreakerConfig {
                failures: 3,
                cool_down: Duration::from_secs(2),
                probes: 1,
            };
        },
        ..Options::default()
    })
    .await;
    let upstream = format!("http://{}", rogue.addr);
    for i in 0..3 {
        let answer = call(&gw, &format!("brk-{i}")).await;
        assert_eq!((answer.status, answer.body.as_slice()), (503, b"busy".as_slice()));
    }
    assert_eq!(gw.circuits.status(&upstream), Some(("unknown", "open")));
    let calls = (rogue.requests(), rogue.connections());
    assert_eq!(calls, (3, 3));
    let refused = call(&gw, "brk-open").await;
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (503, "upstream_circuit_open")
    );
    let retry: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry), "{retry}");
    assert_eq!(
        (rogue.requests(), rogue.connections()),
        calls,
        "not even a connection"
    );
    let o = outcome(&gw, "brk-open").await;
    assert_eq!(
        (o.status, o.complete, o.error.as_deref(), o.request_out),
        (503, false, Some("upstream_circuit_open"), None)
    );
    // The upstream recovers: after the cool-down one probe goes through and closes it.
    rogue.set(Act::Answer);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let answer = call(&gw, "brk-probe").await;
        if answer.status == 200 {
            break;
        }
        assert_eq!(answer.code(), "upstream_circuit_open");
        assert!(Instant::now() < deadline, "the circuit never half-opened");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(rogue.requests(), 4, "only the probe reached the upstream");
    assert_eq!(gw.circuits.status(&upstream), Some(("unknown", "closed")));
    assert_eq!(call(&gw, "brk-after").await.status, 200);
    let text = metrics.render();
    for (to, n) in [("open", 1), ("half_open", 1), ("closed", 1)] {
        let line = format!(
            "wadah_gateway_upstream_circuit_transitions_total{{upstream=\"{upstream}\",to=\"{to}\"}} {n}"
        );
        assert!(text.lines().any(|l| l == line), "{line} not in\n{text}");
    }
    let gauge = format!("wadah_gateway_upstream_circuit_state{{upstream=\"{upstream}\"}} 0");
    assert!(text.lines().any(|l| l == gauge), "{text}");
}

#[tokio::test]
async fn a_health_check_marks_a_dead_upstream_down_before_any_request_fails() {
    let port = closed_port();
    let gw = spawn_with(Options {
        upstream: Some(format!("http://127.0.0.1:{port}")),
        health_check: Some(json!({"interval_ms": 200, "unhealthy_threshold": 2})),
        ..Options::default()
    })
    .await;
    let upstream = format!("http://127.0.0.1:{port}");
    wait_for(&gw, &upstream, ("down", "open")).await;
    let answer = call(&gw, "dead-1").await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (503, "upstream_circuit_open")
    );
    assert!(answer.header("retry-after").is_some());
    let o = outcome(&gw, "dead-1").await;
    assert_eq!(o.error.as_deref(), Some("upstream_circuit_open"));
}

#[tokio::test]
async fn a_health_check_brings_an_upstream_back_when_its_probe_path_recovers() {
    let rogue = Rogue::start(Act::Answer).await;
    rogue.set_health(Act::Unavailable);
    let gw = spawn_with(Options {
        upstream: Some(rogue.url()),
        health_check: Some(json!({"path": "/health", "interval_ms": 200,
            "unhealthy_threshold": 1, "healthy_threshold": 2})),
        ..Options::default()
    })
    .await;
    let upstream = format!("http://{}", rogue.addr);
    wait_for(&gw, &upstream, ("down", "open")).await;
    let answer = call(&gw, "hc-down").await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (503, "upstream_circuit_open")
    );
    assert_eq!(rogue.requests(), 0, "probes only; no consumer request was sent");
    rogue.set_health(Act::Answer);
    wait_for(&gw, &upstream, ("up", "closed")).await;
    assert_eq!(call(&gw, "hc-up").await.status, 200);
    assert_eq!(rogue.requests(), 1);
}

/// A flood of unauthenticated calls leaves one aggregated record, and exact counts in the
/// metrics. Runs on one thread so the test's local metrics recorder sees the gateway's tasks.
#[tokio::test(flavor = "current_thread")]
async fn unauthenticated_floods_are_aggregated_in_the_log_and_counted_exactly_in_metrics() {
    let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
    let handle = recorder.handle();
    let _local = metrics::set_default_local_recorder(&recorder);
    let gw = spawn().await;
    for _ in 0..25 {
        assert_eq!(gw.get(PATH, None).await.status, 401);
    }
    let forged = Key {
        id: "none".into(),
        plain: "wdh_not-a-key-we-issued".into(),
    };
    for _ in 0..5 {
        assert_eq!(gw.get(PATH, Some(&forged)).await.code(), "unauthenticated");
    }
    assert_eq!(rejections(&gw, "unauthenticated").await, 30);
    let all = evidence(&gw.audit_dir);
    let aggregated = all
        .iter()
        .filter(|r| matches!(r.body, RecordBody::Rejections(_)))
        .count();
    assert_eq!(aggregated, 1, "one record for the window, not one per request");
    assert!(!all.iter().any(|r| matches!(r.body, RecordBody::Admission(_))));
    let text = handle.render();
    assert!(
        text.lines()
            .any(|l| l == "wadah_gateway_rejections_total{code=\"unauthenticated\"} 30"),
        "{text}"
    );
}
