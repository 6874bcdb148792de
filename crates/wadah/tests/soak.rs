//! Soak (issue 7): two `wadah serve` nodes on PostgreSQL under a steady load for
//! `WADAH_TEST_SOAK_SECS` (default 120 s in CI; docs/deployment.md describes a longer run), with
//! each node's resident memory (`VmRSS`) and open file descriptors sampled from `/proc` every
//! two seconds after a warm-up. Every request must succeed, and neither may grow:
//!
//! - RSS: the mean of the last third of the samples ≤ the mean of the first third × 1.10 +
//!   4 MiB (allocator arenas and caches settle during the first third; a leak of a few
//!   hundred bytes per request at this rate exceeds the tolerance within the default run);
//! - file descriptors: the mean of the last third ≤ the mean of the first third + 4 (the load
//!   uses a fixed set of keep-alive connections, so a leaked socket or segment file shows).
//!
//! Needs `WADAH_TEST_POSTGRES_URL` (a loud notice without it; a failure under `CI=true`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod nodes;

use std::time::{Duration, Instant};

use wadah_store_postgres::testing::TestDatabase;

use common::cluster::{LOADED_PATH, Seeded};
use common::load::{Load, Recorder};
use nodes::servers::{open_fds, rss_kib};
use nodes::{Node, http, within};

const WARM_UP: Duration = Duration::from_secs(10);
const EVERY: Duration = Duration::from_secs(2);
const RSS_FACTOR: f64 = 1.10;
const RSS_SLACK_KIB: f64 = 4.0 * 1024.0;
const FD_SLACK: f64 = 4.0;

fn soak_duration() -> Duration {
    let secs = std::env::var("WADAH_TEST_SOAK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120u64);
    Duration::from_secs(secs.max(30))
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len().max(1) as f64
}

/// (mean of the first third, mean of the last third).
fn thirds(samples: &[f64]) -> (f64, f64) {
    let third = samples.len() / 3;
    (mean(&samples[..third]), mean(&samples[samples.len() - third..]))
}

#[test]
fn two_nodes_under_steady_load_do_not_grow_in_memory_or_file_descriptors() {
    let Some(db) = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(TestDatabase::create())
    else {
        return;
    };
    let upstream = Recorder::start();
    let seed = Seeded::new(&db.url, &upstream.base());
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let nodes: Vec<Node> = dirs
        .iter()
        .map(|d| Node::start(d.path(), None, &seed.env(&[])))
        .collect();
    for node in &nodes {
        within(Duration::from_secs(20), || {
            http(&node.gateway, "GET", LOADED_PATH, Some(&seed.key), None).0 == 200
        })
        .expect("the node forwards to the test upstream");
    }

    let targets: Vec<(&str, usize)> = nodes.iter().map(|n| (n.gateway.as_str(), 2)).collect();
    let load = Load::start(&targets, LOADED_PATH, &seed.key, Duration::from_millis(20));
    let start = Instant::now();
    let duration = soak_duration();
    let mut rss: Vec<Vec<f64>> = vec![Vec::new(); nodes.len()];
    let mut fds: Vec<Vec<f64>> = vec![Vec::new(); nodes.len()];
    while start.elapsed() < WARM_UP + duration {
        std::thread::park_timeout(EVERY);
        if start.elapsed() < WARM_UP {
            continue;
        }
        for (i, node) in nodes.iter().enumerate() {
            rss[i].push(rss_kib(node.pid()) as f64);
            fds[i].push(open_fds(node.pid()) as f64);
        }
    }
    let received = upstream.count();
    let tallies = load.stop();
    for (i, (node, tally)) in nodes.iter().zip(&tallies).enumerate() {
        assert_eq!(
            tally.other_than(200),
            0,
            "node {i} failed requests: {}",
            tally.summary()
        );
        let (rss_first, rss_last) = thirds(&rss[i]);
        let (fd_first, fd_last) = thirds(&fds[i]);
        let report = format!(
            "node {i} ({} samples, {} requests through it, {received} in all): RSS {:.1} → {:.1} MiB, \
             fds {fd_first:.1} → {fd_last:.1}\nRSS KiB: {:?}\nfds: {:?}",
            rss[i].len(),
            tally.count(200),
            rss_first / 1024.0,
            rss_last / 1024.0,
            rss[i],
            fds[i]
        );
        eprintln!("{report}");
        assert!(rss[i].len() >= 9, "too few samples: {report}");
        assert!(
            rss_last <= rss_first * RSS_FACTOR + RSS_SLACK_KIB,
            "resident memory grows: {report}\n{}",
            node.logs().lines().rev().take(20).collect::<Vec<_>>().join("\n")
        );
        assert!(fd_last <= fd_first + FD_SLACK, "open files grow: {report}");
    }
    for node in nodes {
        node.stop();
    }
}
