//! The gateway end to end, as a new user meets it: `wadah demo` on free ports, a consumer from
//! `demo-credentials.json` calling a BPSDM service, refusals as problem documents, and
//! `wadah audit verify` over the evidence the calls left.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::Value;

use common::{Demo, wadah};

#[test]
fn a_demo_consumer_calls_bpsdm_through_the_gateway_and_the_evidence_verifies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = Demo::start(dir.path());
    let key = demo.key("diskominfo", "dashboard-kota");

    let (status, head, body) = demo.gateway_get("/bpsdm/simpeg/pegawai/pegawai?limit=3", Some(&key));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"].as_array().map(Vec::len), Some(3), "{body}");
    let request_id = head
        .lines()
        .find_map(|l| l.strip_prefix("x-request-id:"))
        .expect("x-request-id")
        .trim()
        .to_owned();

    // The exchange becomes searchable in the evidence index (filled in the background).
    let token = demo.token();
    let found = wait_for(|| {
        let (status, body) = demo.get(&format!("/api/v1/audit?request_id={request_id}"), Some(&token));
        assert_eq!(status, 200, "{body}");
        let item = body["items"].get(0)?;
        item.get("outcome").map(|_| item.clone())
    });
    assert_eq!(found["consumer_agency"], "diskominfo");
    assert_eq!(found["service"], "pegawai");
    assert_eq!(found["outcome"]["status"], 200);
    assert!(found.get("body").is_none(), "digests only: {found}");
    let (_, mine) = demo.get(
        "/api/v1/audit?consumer=diskominfo/dashboard-kota&status=2xx",
        Some(&token),
    );
    assert!(!mine["items"].as_array().expect("items").is_empty(), "{mine}");
    let (status, _) = demo.get("/api/v1/audit", None);
    assert_eq!(status, 401);

    let (status, head, body) = demo.gateway_get("/bpsdm/simpeg/pegawai/pegawai", None);
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthenticated")));
    assert!(head.contains("content-type: application/problem+json"), "{head}");

    let lacking = demo.key("dinsos", "e-bansos");
    let (status, _, body) = demo.gateway_get("/bpsdm/simpeg/pegawai/pegawai", Some(&lacking));
    assert_eq!((status, body["code"].as_str()), (403, Some("access_denied")));
    demo.stop();

    let out = wadah(&["audit", "verify"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.contains("evidence log OK"), "{said}");
    // Shutdown ends the log with a signed checkpoint, verified against the published key.
    assert!(said.contains("0 record(s) after the last one"), "{said}");
    assert!(!said.contains("checkpoints:  0 verified"), "{said}");
    assert!(said.contains("nothing removed"), "{said}");

    let out = wadah(&["audit", "export", "--from", "2000-01-01"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l["kind"] == "admission" && l["service"] == "pegawai"),
        "{lines:?}"
    );

    // One changed byte in a segment: verify fails and names the segment and the record.
    let audit = dir.path().join("audit");
    let segment = std::fs::read_dir(&audit)
        .expect("audit dir")
        .flatten()
        .map(|e| e.path())
        .min()
        .expect("a segment");
    let mut bytes = std::fs::read(&segment).expect("read");
    bytes[56 + 4 + 12] ^= 0x01;
    std::fs::write(&segment, &bytes).expect("write");
    let out = wadah(&["audit", "verify"], dir.path());
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("audit-00000000000000000000.log") && stderr.contains("record 0"),
        "{stderr}"
    );
}

/// Polls `probe` until it answers (bounded: the index catches up within about a second).
fn wait_for<T>(mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        if let Some(found) = probe() {
            return found;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the evidence index did not catch up"
        );
        std::thread::park_timeout(std::time::Duration::from_millis(100));
    }
}
