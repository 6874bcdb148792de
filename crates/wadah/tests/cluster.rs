//! Several real `wadah serve` nodes on one PostgreSQL database (issue 7, DESIGN.md §4.4):
//! a registry change made through any node's admin API is live on every node's gateway within
//! a second (LISTEN/NOTIFY, with the version poll as safety net); while the database is
//! unreachable a node keeps serving from its snapshot, says so in `/readyz`, `/healthz` and
//! the metrics, and refuses admin writes with 503 `store_unavailable` until it is back; a
//! shared Redis limit admits N across two nodes, not 2N, and a lost Redis follows the
//! configured policy (which SIGHUP can change).
//!
//! Needs `WADAH_TEST_POSTGRES_URL` (and `WADAH_TEST_REDIS_URL` for the limit test); without
//! them the tests print a loud notice, and fail under `CI=true`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod nodes;

use std::path::Path;
use std::time::Duration;

use serde_json::json;
use wadah_store_postgres::testing::TestDatabase;

use common::Demo;
use nodes::{CutProxy, Node, host_port, http, via, within};

/// A consumer with a right on `SIMPEG` (from the demo) and none on `PRESENSI`.
const CONSUMER: (&str, &str) = ("diskominfo", "dashboard-kota");
const SIMPEG: &str = "/bpsdm/simpeg/pegawai/pegawai";
const PRESENSI: &str = "/bpsdm/presensi/kehadiran/kehadiran";
const SECOND: Duration = Duration::from_secs(1);

fn database() -> Option<TestDatabase> {
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(TestDatabase::create())
}

/// The Redis server for the limit test, from `WADAH_TEST_REDIS_URL`.
fn redis_url() -> Option<String> {
    if let Some(url) = std::env::var("WADAH_TEST_REDIS_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        return Some(url);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "WADAH_TEST_REDIS_URL is not set, so the Redis tests cannot run in CI. Start redis-server \
             and set WADAH_TEST_REDIS_URL=redis://127.0.0.1:6379"
        );
    }
    let bar = "!".repeat(78);
    eprintln!(
        "\n{bar}\n!! Redis tests NOT RUN: WADAH_TEST_REDIS_URL is not set.\n!! To run them, start \
         redis-server and set WADAH_TEST_REDIS_URL=redis://127.0.0.1:6379\n{bar}\n"
    );
    None
}

/// Seeds the database with the demo (which stays up: its sample upstreams answer the calls)
/// and answers it with the environment every node shares.
fn seed(db: &TestDatabase, dir: &Path) -> (Demo, Vec<(String, String)>) {
    let demo = Demo::start_with_env(dir, &[("WADAH_DATABASE__URL", db.url.as_str())]);
    let key = dir.join("master.key").display().to_string();
    let env = vec![("WADAH_SECRETS__MASTER_KEY_FILE".to_owned(), key)];
    (demo, env)
}

fn env<'a>(shared: &'a [(String, String)], extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    shared
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .chain(extra.iter().copied())
        .collect()
}

/// Issues an API key for `CONSUMER` through `node`'s admin API: (credential id, key).
fn issue_key(node: &Node, token: &str) -> (String, String) {
    let (agency, application) = CONSUMER;
    let path = format!("/api/v1/agencies/{agency}/applications/{application}/credentials");
    let spec = json!({"name": "Kunci uji klaster", "kind": "api_key"});
    let (status, _, body) = http(&node.web, "POST", &path, Some(token), Some(&spec));
    assert_eq!(status, 201, "{body}");
    (
        body["id"].as_str().expect("id").to_owned(),
        body["secret"].as_str().expect("secret").to_owned(),
    )
}

fn call(node: &Node, path: &str, key: &str) -> u16 {
    http(&node.gateway, "GET", path, Some(key), None).0
}

#[test]
fn registry_changes_made_on_any_node_reach_every_node_within_a_second() {
    let Some(db) = database() else { return };
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let (demo, shared) = seed(&db, dirs[0].path());
    let token = demo.token();
    // Node B reaches the database through a proxy the test can cut.
    let proxy = CutProxy::start(&host_port(&db.url));
    let a = Node::start(
        dirs[1].path(),
        None,
        &env(&shared, &[("WADAH_DATABASE__URL", &db.url)]),
    );
    let b_url = via(&db.url, &proxy.addr);
    let b = Node::start(
        dirs[2].path(),
        None,
        &env(&shared, &[("WADAH_DATABASE__URL", &b_url)]),
    );

    // Each node derived its own id and kept it (two nodes on one host never share a chain).
    let id = |n: &Node| {
        std::fs::read_to_string(n.dir.join("node-id"))
            .unwrap()
            .trim()
            .to_owned()
    };
    assert_ne!(id(&a), id(&b));

    // A key issued on A works on both gateways.
    let (cred, key) = issue_key(&a, &token);
    within(5 * SECOND, || call(&b, SIMPEG, &key) == 200).expect("B learns of the new key");
    within(5 * SECOND, || call(&a, SIMPEG, &key) == 200).expect("A serves its own new key");

    // Revoked through A's admin API: B refuses it within a second.
    let (agency, application) = CONSUMER;
    let revoke = format!("/api/v1/agencies/{agency}/applications/{application}/credentials/{cred}/revoke");
    let (status, _, body) = http(&a.web, "POST", &revoke, Some(&token), None);
    assert_eq!(status, 200, "{body}");
    let took = within(SECOND, || call(&b, SIMPEG, &key) == 401);
    assert!(
        took.is_some(),
        "B still accepts the revoked key after 1 s:\n{}",
        b.logs()
    );
    assert_eq!(call(&a, SIMPEG, &key), 401);

    // A right granted through B's admin API: A honours it within a second.
    let (_, key2) = issue_key(&b, &token);
    within(5 * SECOND, || call(&a, PRESENSI, &key2) == 403).expect("A knows the key, without a right");
    let right = json!({
        "consumer": {"agency": agency, "application": application},
        "service": {"agency": "bpsdm", "application": "presensi", "service": "kehadiran"},
        "methods": ["GET"],
    });
    let (status, _, body) = http(
        &b.web,
        "POST",
        "/api/v1/access-rights",
        Some(&token),
        Some(&right),
    );
    assert_eq!(status, 201, "{body}");
    let took = within(SECOND, || call(&a, PRESENSI, &key2) == 200);
    assert!(
        took.is_some(),
        "A does not honour the new right after 1 s:\n{}",
        a.logs()
    );
    // A learnt it from the notice, not from its poll.
    let text = metrics(&a);
    assert!(
        text.contains("wadah_gateway_snapshot_swaps_total{trigger=\"notice\"}"),
        "{text}"
    );

    // The database goes away for B (once B serves the right it granted itself): its gateway
    // keeps serving from its snapshot…
    within(5 * SECOND, || call(&b, PRESENSI, &key2) == 200).expect("B serves the new right");
    proxy.cut();
    assert_eq!(call(&b, PRESENSI, &key2), 200, "B serves from its snapshot");
    // …and says so: /healthz on the gateway, the metric, /readyz with the reason.
    within(15 * SECOND, || {
        http(&b.gateway, "GET", "/healthz", None, None).2["status"] == "degraded"
    })
    .expect("B's gateway reports degraded");
    assert!(metrics(&b).contains("wadah_gateway_store_reachable 0"));
    let (status, head, body) = http(&b.web, "GET", "/readyz", None, None);
    assert_eq!(status, 503, "{body}");
    assert!(head.contains("application/problem+json"), "{head}");
    assert_eq!(body["code"], "store_unavailable");
    assert!(
        body["detail"].as_str().unwrap().contains("last snapshot"),
        "{body}"
    );
    assert_eq!(call(&b, PRESENSI, &key2), 200, "still serving");
    // Admin writes fail cleanly, and nothing half-written appears later.
    let (status, _, body) = http(
        &b.web,
        "POST",
        &format!("/api/v1/agencies/{agency}/applications/{application}/credentials"),
        Some(&token),
        Some(&json!({"name": "Saat basis data mati", "kind": "api_key"})),
    );
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["code"], "store_unavailable");
    // A, on its own connection, is unaffected.
    assert_eq!(http(&a.web, "GET", "/readyz", None, None).0, 200);

    // Back: writes succeed again and B is ready.
    proxy.restore();
    within(20 * SECOND, || {
        http(&b.web, "GET", "/readyz", None, None).0 == 200
    })
    .expect("B ready again");
    let (_, key3) = issue_key(&b, &token);
    within(5 * SECOND, || call(&a, SIMPEG, &key3) == 200).expect("a write after the outage reaches A");
    let list = format!("/api/v1/agencies/{agency}/applications/{application}/credentials?limit=500");
    let (_, _, creds) = http(&a.web, "GET", &list, Some(&token), None);
    let names: Vec<&str> = creds["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(
        !names.contains(&"Saat basis data mati"),
        "the refused write left nothing"
    );
    // The gateway's own view of the store recovers on its next refresh (bounded wait: the
    // machine may be loaded).
    within(5 * SECOND, || {
        http(&b.gateway, "GET", "/healthz", None, None).2["status"] == "ok"
    })
    .expect("B's gateway reports the store reachable again");

    // The evidence index holds both nodes' exchanges, each under its node id; one search
    // through either node finds them all.
    let (id_a, id_b) = (id(&a), id(&b));
    within(15 * SECOND, || {
        let (_, _, page) = http(&a.web, "GET", "/api/v1/audit?limit=500", Some(&token), None);
        let nodes: Vec<&str> = page["items"]
            .as_array()
            .map(|items| items.iter().filter_map(|e| e["node"].as_str()).collect())
            .unwrap_or_default();
        nodes.contains(&id_a.as_str()) && nodes.contains(&id_b.as_str())
    })
    .expect("/api/v1/audit covers every node");

    a.stop();
    b.stop();
    demo.stop();
    // `audit verify` on B's data dir proves B's chain and names the other nodes of the index.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wadah"))
        .args(["audit", "verify", "--data-dir"])
        .arg(dirs[2].path())
        .env("WADAH_DATABASE__URL", &db.url)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains(&format!("node:         {id_b}")), "{text}");
    assert!(text.contains(&format!("other node:   {id_a}")), "{text}");
}

fn metrics(node: &Node) -> String {
    let mut stream = std::net::TcpStream::connect(&node.web).unwrap();
    use std::io::{Read, Write};
    write!(
        stream,
        "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    raw
}

#[test]
fn a_shared_limit_admits_n_across_two_nodes_and_a_lost_redis_follows_the_policy() {
    let Some(redis) = redis_url() else { return };
    let Some(db) = database() else { return };
    let dirs: Vec<_> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let (demo, shared) = seed(&db, dirs[0].path());
    let token = demo.token();
    // Keys of this run only, so reruns and parallel runs never share cells.
    let prefix = format!("wadah-test:{}:", db.name);
    let with_redis = [
        ("WADAH_DATABASE__URL", db.url.as_str()),
        ("WADAH_RATE_LIMIT__REDIS_URL", redis.as_str()),
        ("WADAH_RATE_LIMIT__REDIS_KEY_PREFIX", prefix.as_str()),
        ("WADAH_RATE_LIMIT__REDIS_TIMEOUT_MS", "500"),
    ];
    let a = Node::start(dirs[1].path(), None, &env(&shared, &with_redis));
    let b = Node::start(dirs[2].path(), None, &env(&shared, &with_redis));

    // A right with a limit of N a minute (a refill every 60/N s, far longer than the test).
    const N: usize = 10;
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
        Some(&token),
        Some(&right),
    );
    assert_eq!(status, 201, "{body}");
    let (_, key) = issue_key(&a, &token);
    // Both nodes know the key and the right (probing with a service without the limit).
    within(5 * SECOND, || {
        call(&a, SIMPEG, &key) == 200 && call(&b, SIMPEG, &key) == 200
    })
    .expect("both nodes know the key");

    // 3N requests, alternating between the nodes: N pass in all, not N per node.
    let mut passed = 0;
    let mut limited = 0;
    for i in 0..3 * N {
        let node = if i % 2 == 0 { &a } else { &b };
        let (status, head, body) = http(&node.gateway, "GET", PRESENSI, Some(&key), None);
        match status {
            200 => passed += 1,
            429 => {
                assert_eq!(body["code"], "rate_limited", "{body}");
                assert!(head.contains("retry-after:"), "{head}");
                limited += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(
        passed, N,
        "the shared limit admits N across both nodes ({limited} limited)"
    );
    let m = metrics(&a);
    assert!(
        m.contains("wadah_gateway_cluster_limit_checks_total{outcome=\"refused\"}"),
        "{m}"
    );

    // Redis unreachable (a closed port) and fail_closed: refused with 503; a reload to
    // fail_open (SIGHUP) lets the local limit decide again.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("redis://{}", closed.local_addr().unwrap());
    drop(closed);
    let config = dirs[3].path().join("wadah.toml");
    let write_config = |policy: &str| {
        std::fs::write(
            &config,
            format!(
                "data_dir = {:?}\n[rate_limit]\nredis_url = {dead:?}\nredis_unavailable = {policy:?}\n",
                dirs[3].path().display().to_string()
            ),
        )
        .unwrap();
    };
    write_config("fail_closed");
    let c = Node::start(
        dirs[3].path(),
        Some(&config),
        &env(&shared, &[("WADAH_DATABASE__URL", &db.url)]),
    );
    within(5 * SECOND, || call(&c, SIMPEG, &key) != 401).expect("C knows the key");
    let (status, _, body) = http(&c.gateway, "GET", PRESENSI, Some(&key), None);
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["code"], "rate_limit_unavailable");
    write_config("fail_open");
    c.signal("HUP");
    within(5 * SECOND, || call(&c, PRESENSI, &key) == 200)
        .expect("fail_open after SIGHUP: the local limit decides");
    let m = metrics(&c);
    assert!(m.contains("policy=\"fail_open\""), "{m}");
    assert!(m.contains("wadah_gateway_redis_up 0"), "{m}");

    a.stop();
    b.stop();
    c.stop();
    demo.stop();
}
