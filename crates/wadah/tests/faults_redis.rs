//! Redis stopped under load (issue 7): two nodes share a private `redis-server` for their
//! cluster-wide limits, node A with `rate_limit.redis_unavailable = "fail_open"`, node B with
//! `"fail_closed"`. While Redis is gone A keeps answering (its local limit decides) and B
//! refuses with 503 `rate_limit_unavailable`; the metrics count both. Once Redis is back, B
//! serves again and a shared limit of N admits N across both nodes, not 2N.
//!
//! Runs its own Redis (the machine's is shared and must never be stopped) and the machine's
//! PostgreSQL (`WADAH_TEST_POSTGRES_URL`, a fresh database). Missing either: a loud notice
//! locally, a failure under `CI=true`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod nodes;

use std::time::Duration;

use serde_json::json;
use wadah_store_postgres::testing::TestDatabase;

use common::cluster::{CONSUMER, LOADED, LOADED_PATH, Seeded};
use common::load::{Load, Recorder};
use nodes::servers::{PrivateRedis, cannot_run};
use nodes::{Node, http, metric, within};

const SECOND: Duration = Duration::from_secs(1);
const LIMITED: &str = "bpsdm/presensi/kehadiran";
const LIMITED_PATH: &str = "/bpsdm/presensi/kehadiran/kehadiran";
const CHECKS: &str = "wadah_gateway_cluster_limit_checks_total";

fn database() -> Option<TestDatabase> {
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(TestDatabase::create())
}

fn call(node: &Node, path: &str, key: &str) -> (u16, serde_json::Value) {
    let (status, _, body) = http(&node.gateway, "GET", path, Some(key), None);
    (status, body)
}

#[test]
fn redis_stopped_under_load_follows_each_nodes_policy_and_shared_limits_return() {
    let mut redis = match PrivateRedis::start() {
        Ok(redis) => redis,
        Err(why) => return cannot_run("The Redis stop/start test", &why),
    };
    let Some(db) = database() else { return };
    let upstream = Recorder::start();
    let base = upstream.base();
    let seed = Seeded::with(&db.url, &[(LOADED, &base), (LIMITED, &base)]);
    let url = redis.url();
    let prefix = format!("wadah-test:{}:", db.name);
    let with_redis = |policy: &'static str| {
        seed.env(&[
            ("WADAH_RATE_LIMIT__REDIS_URL", url.as_str()),
            ("WADAH_RATE_LIMIT__REDIS_KEY_PREFIX", prefix.as_str()),
            ("WADAH_RATE_LIMIT__REDIS_TIMEOUT_MS", "300"),
            ("WADAH_RATE_LIMIT__REDIS_UNAVAILABLE", policy),
        ])
    };
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let a = Node::start(dirs[0].path(), None, &with_redis("fail_open"));
    let b = Node::start(dirs[1].path(), None, &with_redis("fail_closed"));
    for node in [&a, &b] {
        within(20 * SECOND, || {
            call(node, LOADED_PATH, &seed.key).0 == 200
                && metric(&node.metrics(), CHECKS, &["outcome=\"allowed\""]) > 0.0
        })
        .unwrap_or_else(|| panic!("the node never checked a limit in Redis:\n{}", node.logs()));
    }

    let load = Load::start(
        &[(a.gateway.as_str(), 3), (b.gateway.as_str(), 3)],
        LOADED_PATH,
        &seed.key,
        Duration::from_millis(10),
    );
    within(60 * SECOND, || upstream.count() >= 100).expect("load before Redis stops");

    redis.stop();
    // B refuses (fail_closed), with the documented problem…
    within(10 * SECOND, || {
        let (status, body) = call(&b, LOADED_PATH, &seed.key);
        status == 503 && body["code"] == "rate_limit_unavailable"
    })
    .unwrap_or_else(|| panic!("B never refused while Redis was down:\n{}", b.logs()));
    // …while A keeps answering by its local limit (fail_open).
    let down = upstream.count();
    within(60 * SECOND, || upstream.count() >= down + 100).expect("A serves while Redis is down");
    assert_eq!(call(&a, LOADED_PATH, &seed.key).0, 200);
    let (ma, mb) = (a.metrics(), b.metrics());
    assert!(
        metric(&ma, CHECKS, &["outcome=\"unavailable\"", "policy=\"fail_open\""]) > 0.0,
        "{ma}"
    );
    assert!(
        metric(
            &mb,
            CHECKS,
            &["outcome=\"unavailable\"", "policy=\"fail_closed\""]
        ) > 0.0,
        "{mb}"
    );
    assert_eq!(metric(&ma, "wadah_gateway_redis_up", &[]), 0.0);

    // Redis back: B serves again, both report Redis up.
    redis.start_again().expect("redis-server starts again");
    for node in [&b, &a] {
        within(20 * SECOND, || {
            call(node, LOADED_PATH, &seed.key).0 == 200
                && metric(&node.metrics(), "wadah_gateway_redis_up", &[]) == 1.0
        })
        .unwrap_or_else(|| panic!("the node never used Redis again:\n{}", node.logs()));
    }
    let tallies = load.stop();
    assert_eq!(
        tallies[0].other_than(200),
        0,
        "A (fail_open) failed requests: {}",
        tallies[0].summary()
    );
    let b_statuses = tallies[1].statuses.lock().unwrap().clone();
    assert!(
        b_statuses.keys().all(|s| *s == 200 || *s == 503) && tallies[1].count(503) > 0,
        "B (fail_closed) answered 200 or 503 only, and 503 while Redis was down: {}",
        tallies[1].summary()
    );
    assert_eq!(tallies[1].broken.load(std::sync::atomic::Ordering::SeqCst), 0);

    // The shared limit holds again: N a minute across both nodes admits N, not 2N.
    const N: usize = 8;
    let (agency, application) = CONSUMER;
    let right = json!({
        "consumer": {"agency": agency, "application": application},
        "service": {"agency": "bpsdm", "application": "presensi", "service": "kehadiran"},
        "methods": ["GET"], "limit_per_minute": N,
    });
    let (status, _, body) = http(
        &a.web,
        "POST",
        "/api/v1/access-rights",
        Some(&seed.token),
        Some(&right),
    );
    assert_eq!(status, 201, "{body}");
    // Each node learns of the right (a probe admitted meanwhile counts); then the rest of N
    // pass, alternating between the nodes.
    let mut passed = 0;
    for node in [&a, &b] {
        within(5 * SECOND, || match call(node, LIMITED_PATH, &seed.key) {
            (200, _) => {
                passed += 1;
                true
            }
            (403, _) => false,
            (status, body) => panic!("unexpected {status}: {body}"),
        })
        .expect("both nodes know the new right");
    }
    for i in 0..3 * N {
        let node = if i % 2 == 0 { &a } else { &b };
        match call(node, LIMITED_PATH, &seed.key) {
            (200, _) => passed += 1,
            (429, body) => assert_eq!(body["code"], "rate_limited", "{body}"),
            (other, body) => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(passed, N, "the shared limit admits N across both nodes");
    a.stop();
    b.stop();
}
