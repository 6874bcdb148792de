//! The first thing every new user runs: `wadah demo`. These tests run the real binary on free
//! ports in a temporary data dir and talk to it over HTTP, as a user would.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a test binary: failing loudly is the point

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use common::Demo;

fn count(page: &Value) -> usize {
    page["items"].as_array().map(Vec::len).unwrap_or(0)
}

#[test]
fn the_demo_serves_the_bontang_pilot_and_survives_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = Demo::start(dir.path());
    for key in ["web_url", "gateway_url"] {
        assert!(
            demo.creds[key].as_str().is_some_and(|u| u.starts_with("http://")),
            "{key}"
        );
    }
    assert_eq!(demo.creds["consumers"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        demo.creds["users"].as_array().map(Vec::len),
        Some(5),
        "one person per role"
    );
    assert_eq!(
        demo.creds["staff"]["username"], "asn-bpsdm",
        "the staff portal's civil servant"
    );
    assert!(
        demo.creds["staff"]["password"]
            .as_str()
            .is_some_and(|p| !p.is_empty())
    );
    assert_eq!(demo.get("/healthz", None).0, 200);
    assert_eq!(demo.get("/readyz", None).0, 200);

    let token = demo.token();
    let (status, agencies) = demo.get("/api/v1/agencies", Some(&token));
    assert_eq!(status, 200);
    let codes: Vec<&str> = agencies["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["bpsdm", "dinsos", "diskominfo"]);
    assert_eq!(
        count(&demo.get("/api/v1/agencies/bpsdm/applications", Some(&token)).1),
        11
    );
    assert_eq!(
        count(&demo.get("/api/v1/agencies/dinsos/applications", Some(&token)).1),
        5
    );
    assert_eq!(demo.get("/api/v1/agencies", None).0, 401);
    let (_, pending) = demo.get("/api/v1/access-requests?status=pending", Some(&token));
    assert_eq!(count(&pending), 3);
    let (_, catalog) = demo.get("/api/v1/catalog", None);
    assert!(
        count(&catalog) >= 4,
        "the public catalogue lists the public services: {catalog}"
    );

    // The demo's OAuth2 client gets a token (RFC 6749 §4.4) and calls a BPSDM service with it.
    let (client_id, secret) = demo.client("diskominfo", "dashboard-kota");
    let (status, issued) = demo.gateway_token(&format!(
        "grant_type=client_credentials&client_id={client_id}&client_secret={secret}"
    ));
    assert_eq!(status, 200, "{issued}");
    assert_eq!(issued["token_type"], "Bearer");
    let access = issued["access_token"].as_str().expect("access_token");
    let (status, _, body) = demo.gateway_get("/bpsdm/simpeg/pegawai/pegawai?limit=2", Some(access));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"].as_array().map(Vec::len), Some(2), "{body}");
    let (status, refused) = demo.gateway_token(&format!(
        "grant_type=client_credentials&client_id={client_id}&client_secret=wdhs_wrong"
    ));
    assert_eq!((status, refused["error"].as_str()), (400, Some("invalid_client")));
    let (status, _, jwks) = demo.gateway_get("/.well-known/jwks.json", None);
    assert_eq!((status, jwks["keys"].as_array().map(Vec::len)), (200, Some(1)));
    demo.stop();

    // Re-running on the same data dir reuses it: same token, same data, nothing duplicated.
    let again = Demo::start(dir.path());
    assert_eq!(again.token(), token);
    let (_, _, again_jwks) = again.gateway_get("/.well-known/jwks.json", None);
    assert_eq!(again_jwks, jwks, "the signing key survives a restart");
    assert_eq!(
        count(&again.get("/api/v1/agencies/bpsdm/applications", Some(&token)).1),
        11
    );
    again.stop();
}

/// Huge pages would back the allocator's mostly empty arena regions with whole 2 MiB pages
/// (about 50 MB more RSS at 1,000 gateway connections in bench/gateway-cpu.sh).
#[test]
fn the_server_keeps_its_heap_out_of_transparent_huge_pages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = Demo::start(dir.path());
    let status = std::fs::read_to_string(format!("/proc/{}/status", demo.pid())).expect("/proc status");
    let thp = status
        .lines()
        .find_map(|l| l.strip_prefix("THP_enabled:"))
        .map(str::trim);
    demo.stop();
    assert_eq!(thp, Some("0"), "THP_enabled in /proc/<pid>/status");
}

/// systemd may stop a service the moment it has started: every server of the process must see
/// that SIGTERM (the sample upstream used to take it alone, and the demo served on).
#[test]
fn a_sigterm_right_after_the_welcome_stops_the_demo_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    Demo::start(dir.path()).stop();
}

#[test]
fn a_bad_configuration_fails_with_one_clear_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("wadah.toml");
    std::fs::write(&file, "[web]\nlisten = \"127.0.0.1:8080\"\nport = 1\n").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_wadah"))
        .args(["config", "check", "--config"])
        .arg(&file)
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("port"), "{stderr}");

    let out = Command::new(env!("CARGO_BIN_EXE_wadah"))
        .args(["config", "check", "--config"])
        .arg(dir.path().join("missing.toml"))
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.toml"));
}

#[test]
fn a_corrupt_database_file_is_reported_not_overwritten() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("wadah.db");
    let junk = vec![0x5Au8; 8192];
    std::fs::write(&db, &junk).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_wadah"))
        .args(["migrate", "--data-dir"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("wadah.db"), "{stderr}");
    assert_eq!(
        std::fs::read(&db).expect("read"),
        junk,
        "the file must be left as it was"
    );
}

#[test]
fn migrate_creates_an_empty_data_dir_and_is_idempotent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("fresh");
    for expected in ["migration(s) applied", "0 migration(s) applied"] {
        let out = Command::new(env!("CARGO_BIN_EXE_wadah"))
            .args(["migrate", "--data-dir"])
            .arg(&data)
            .output()
            .expect("runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains(expected));
    }
}

#[test]
fn an_unreachable_postgresql_fails_fast_with_one_clear_line() {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_wadah"))
        .args(["migrate"])
        .env(
            "WADAH_DATABASE__URL",
            "postgres://wadah:secret-pw@127.0.0.1:9/wadah",
        )
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("127.0.0.1:9"), "names the server: {stderr}");
    assert!(
        !stderr.contains("secret-pw"),
        "never prints the password: {stderr}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "gives up in bounded time"
    );
}

#[test]
fn keys_rotate_starts_a_new_signing_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    for _ in 0..2 {
        let out = common::wadah(&["keys", "rotate"], dir.path());
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let said = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(said.starts_with("new signing key "), "{said}");
    }
}
