//! An upstream that hangs (issue 7): it accepts connections and never answers. Every request
//! to it ends in 504 `upstream_timeout` after the service's timeout; while they all wait,
//! another service on the same gateway keeps answering; the gateway closes the connections
//! it gave up on (nothing piles up); the breaker opens, so the next request is refused at once
//! with 503 `upstream_circuit_open` without touching the upstream.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod nodes;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::json;

use common::Demo;
use common::load::{Hang, Recorder, repoint};
use nodes::{http, metric, metrics_at, within};

const HANGING: &str = "bpsdm/simpeg/pegawai";
const HANGING_PATH: &str = "/bpsdm/simpeg/pegawai/pegawai";
/// The consumer's other service (the demo grants both).
const FAST: &str = "dinsos/e-bansos/penyaluran";
const FAST_PATH: &str = "/dinsos/e-bansos/penyaluran/penyaluran";
/// Requests waiting on the hanging upstream at once.
const WAITING: usize = 32;
const FAST_CALLS: usize = 40;

#[test]
fn a_hanging_upstream_gets_504s_and_an_open_breaker_while_other_services_answer() {
    let dir = tempfile::tempdir().unwrap();
    let demo = Demo::start(dir.path());
    let (web, gateway, token) = (demo.web_addr(), demo.gateway_addr(), demo.token());
    let key = demo.key("diskominfo", "dashboard-kota");
    let hang = Hang::start();
    let fast = Recorder::start();
    let lifted = ("default_limit_per_minute", json!(1_000_000));
    repoint(
        &web,
        &token,
        HANGING,
        &hang.base(),
        &[lifted.clone(), ("timeout_ms", json!(5000))],
    );
    repoint(&web, &token, FAST, &fast.base(), &[lifted]);
    within(Duration::from_secs(20), || {
        http(&gateway, "GET", FAST_PATH, Some(&key), None).0 == 200 && fast.count() > 0
    })
    .expect("the gateway forwards to the test upstreams");

    // Many requests wait on the hanging upstream at once.
    let finished = Arc::new(AtomicUsize::new(0));
    let waiting: Vec<_> = (0..WAITING)
        .map(|_| {
            let (gateway, key, finished) = (gateway.clone(), key.clone(), finished.clone());
            std::thread::spawn(move || {
                let (status, _, body) = http(&gateway, "GET", HANGING_PATH, Some(&key), None);
                finished.fetch_add(1, Ordering::SeqCst);
                (status, body)
            })
        })
        .collect();
    within(Duration::from_secs(20), || {
        hang.accepted.load(Ordering::SeqCst) >= WAITING as u64
    })
    .unwrap_or_else(|| {
        panic!(
            "only {} of {WAITING} requests reached the hanging upstream",
            hang.accepted.load(Ordering::SeqCst)
        )
    });

    // Meanwhile the other service answers every call, before any hanging request ends.
    for _ in 0..FAST_CALLS {
        let (status, _, body) = http(&gateway, "GET", FAST_PATH, Some(&key), None);
        assert_eq!(status, 200, "{body}");
    }
    assert_eq!(
        finished.load(Ordering::SeqCst),
        0,
        "the other service answered {FAST_CALLS} calls while every request to the hanging one still waited"
    );

    // Each waiting request ends in 504 with the documented code.
    for handle in waiting {
        let (status, body) = handle.join().unwrap();
        assert_eq!(status, 504, "{body}");
        assert_eq!(body["code"], "upstream_timeout", "{body}");
    }
    // The gateway let go of every connection it gave up on.
    within(Duration::from_secs(10), || hang.open.load(Ordering::SeqCst) == 0).unwrap_or_else(|| {
        panic!(
            "{} connections to the hanging upstream are still open",
            hang.open.load(Ordering::SeqCst)
        )
    });

    // The breaker is open: refused at once, without a new connection to the upstream.
    let accepted = hang.accepted.load(Ordering::SeqCst);
    let (status, head, body) = http(&gateway, "GET", HANGING_PATH, Some(&key), None);
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["code"], "upstream_circuit_open");
    assert!(head.contains("retry-after:"), "{head}");
    assert_eq!(hang.accepted.load(Ordering::SeqCst), accepted);
    let text = metrics_at(&web);
    assert!(
        metric(&text, "wadah_gateway_upstream_circuit_state", &[]) >= 1.0,
        "{text}"
    );
    // And the other service still answers.
    assert_eq!(http(&gateway, "GET", FAST_PATH, Some(&key), None).0, 200);
    demo.stop();
}
