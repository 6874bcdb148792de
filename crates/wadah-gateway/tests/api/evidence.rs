//! The evidence log as the gateway writes it.

use std::collections::HashSet;

use wadah_domain::audit::RecordBody;
use wadah_gateway::audit::{segment, verify};
use wadah_gateway::{AuditDurability, GatewayConfig};

use wadah_domain::policy::AuditScope;
use wadah_store::{AuditFilter, PageRequest};

use crate::helpers::*;

fn records(dir: &std::path::Path) -> Vec<wadah_domain::audit::AuditRecord> {
    let mut out = Vec::new();
    for path in segment::list(dir).unwrap() {
        let bytes = std::fs::read(path).unwrap();
        for frame in segment::frames(&bytes).0 {
            out.push(wadah_domain::audit::AuditRecord::decode(frame.encoding).unwrap());
        }
    }
    out
}

/// The published checkpoint keys and index positions, as `wadah audit verify` reads them.
async fn trust(gw: &TestGateway) -> verify::Trust {
    verify::Trust::new(
        gw.store.audit_keys().await.unwrap(),
        gw.store.audit_positions().await.unwrap(),
    )
}

#[tokio::test]
async fn gateway_traffic_is_indexed_once_and_searchable() {
    let gw = spawn().await;
    for i in 0..5 {
        let path = format!("/bpsdm/simpeg/pegawai/pegawai/{i}");
        assert_eq!(gw.get(&path, Some(&gw.dashboard)).await.status, 200);
    }
    assert_eq!(
        gw.get("/bpsdm/simpeg/gaji/other", Some(&gw.dashboard))
            .await
            .status,
        403
    );
    gw.audit.index_now().await.unwrap();
    let all = AuditFilter::scoped(AuditScope::All);
    let page = gw
        .store
        .search_audit(&all, &PageRequest::first(100))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 5, "admitted exchanges only: {:?}", page.items);
    assert!(
        page.items.windows(2).all(|w| w[0].sequence > w[1].sequence),
        "newest first"
    );
    for item in &page.items {
        assert_eq!(
            (item.consumer_agency.as_str(), item.service.as_str()),
            ("diskominfo", "pegawai")
        );
        assert_eq!(item.outcome.as_ref().map(|o| o.status), Some(200), "{item:?}");
    }
    // Indexing again adds nothing; the position is the log's head.
    gw.audit.index_now().await.unwrap();
    let again = gw
        .store
        .search_audit(&all, &PageRequest::first(100))
        .await
        .unwrap();
    assert_eq!(again.items, page.items);
    let report = verify::verify(&gw.audit_dir, &trust(&gw).await).unwrap();
    assert_eq!(report.damage, None);
    assert!(report.witnessed.is_some(), "{report:?}");
    // A scope that is neither side sees nothing.
    let dinsos = AuditFilter::scoped(AuditScope::Agency(code("dinsos")));
    assert!(
        gw.store
            .search_audit(&dinsos, &PageRequest::first(10))
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

#[tokio::test]
async fn every_forwarded_request_has_an_admission_record_and_the_chain_verifies() {
    let gw = spawn().await;
    for i in 0..20 {
        let path = format!("/bpsdm/simpeg/pegawai/pegawai/{i}?q={i}");
        assert_eq!(gw.get(&path, Some(&gw.dashboard)).await.status, 200);
    }
    assert_eq!(gw.get("/bpsdm/simpeg/pegawai/x", None).await.status, 401);
    gw.audit.close_window().await;
    gw.audit.flush().await.unwrap();
    let all = records(&gw.audit_dir);
    let admitted: HashSet<&str> = all
        .iter()
        .filter_map(|r| match &r.body {
            RecordBody::Admission(a) => Some(a.request_id.as_str()),
            _ => None,
        })
        .collect();
    for seen in gw.seen() {
        let id = seen.headers["x-request-id"].to_str().unwrap().to_owned();
        assert!(admitted.contains(id.as_str()), "no admission record for {id}");
    }
    let outcomes = all
        .iter()
        .filter(|r| matches!(r.body, RecordBody::Outcome(_)))
        .count();
    assert_eq!(outcomes, 20);
    let rejections: u64 = all
        .iter()
        .filter_map(|r| match &r.body {
            RecordBody::Rejections(r) => Some(r.counts.iter().map(|c| c.count).sum::<u64>()),
            _ => None,
        })
        .sum();
    assert_eq!(rejections, 1, "the 401 is counted, not recorded alone");
    let report = verify::verify(&gw.audit_dir, &trust(&gw).await).unwrap();
    assert_eq!(report.damage, None);
    assert_eq!(report.records, all.len() as u64);

    // One flipped byte inside a record is found and named.
    let path = segment::list(&gw.audit_dir).unwrap().remove(0);
    let mut bytes = std::fs::read(&path).unwrap();
    let frames = segment::frames(&bytes).0;
    let third = frames[2].offset as usize + 20;
    drop(frames);
    bytes[third] ^= 0x40;
    std::fs::write(&path, &bytes).unwrap();
    let damage = verify::verify(&gw.audit_dir, &trust(&gw).await)
        .unwrap()
        .damage
        .expect("damage found");
    assert_eq!(damage.sequence, 2);
    assert!(damage.segment.starts_with("audit-"), "{damage}");
}

#[tokio::test]
async fn strict_mode_refuses_with_503_when_the_log_cannot_be_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let gw = spawn_with(Options {
        audit_dir: Some(file.join("audit")),
        ..Options::default()
    })
    .await;
    let answer = gw.get("/bpsdm/simpeg/pegawai/x", Some(&gw.dashboard)).await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (503, "audit_unavailable")
    );
    assert!(gw.seen().is_empty(), "nothing may be forwarded unlogged");
}

#[tokio::test]
async fn async_mode_forwards_and_still_records() {
    let gw = spawn_with(Options {
        durability: AuditDurability::Async,
        ..Options::default()
    })
    .await;
    assert_eq!(
        gw.get("/bpsdm/simpeg/pegawai/x", Some(&gw.dashboard))
            .await
            .status,
        200
    );
    gw.audit.flush().await.unwrap();
    let kinds: Vec<&str> = records(&gw.audit_dir)
        .iter()
        .map(|r| r.body.kind())
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    assert!(kinds.contains(&"admission"), "{kinds:?}");
    assert_eq!(
        verify::verify(&gw.audit_dir, &trust(&gw).await).unwrap().damage,
        None
    );
}

#[tokio::test]
async fn a_consumer_that_hangs_up_still_leaves_an_outcome() {
    use tokio::io::AsyncWriteExt;
    let gw = spawn().await;
    let mut stream = tokio::net::TcpStream::connect(gw.addr).await.unwrap();
    let req = format!(
        "GET /bpsdm/simpeg/pegawai/hang HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer {}\r\n\r\n",
        gw.dashboard.plain
    );
    stream.write_all(req.as_bytes()).await.unwrap();
    // Wait (bounded) until the upstream has the request, then hang up.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while gw.seen().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the request never reached the upstream"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    drop(stream);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        gw.audit.flush().await.unwrap();
        let closed = records(&gw.audit_dir).into_iter().any(|r| match r.body {
            RecordBody::Outcome(o) => o.error.as_deref() == Some("client_closed") && o.status == 499,
            _ => false,
        });
        if closed {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no outcome for the abandoned exchange"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(
        verify::verify(&gw.audit_dir, &trust(&gw).await).unwrap().damage,
        None
    );
}

/// The indexer follows the log across segment files and across batches: with tiny segments,
/// every exchange is indexed once, complete, and the position ends at the log's head.
#[tokio::test]
async fn the_index_follows_the_log_across_many_small_segments() {
    // Strict mode: one sequential request writes small batches, so a 4 KiB segment closes
    // after a few of them.
    let gw = spawn_with(Options {
        tune: |c: &mut GatewayConfig| c.segment_bytes = 4096,
        ..Options::default()
    })
    .await;
    const CALLS: usize = 120;
    for i in 0..CALLS {
        let path = format!("/bpsdm/simpeg/pegawai/pegawai/{i}");
        assert_eq!(gw.get(&path, Some(&gw.dashboard)).await.status, 200);
    }
    // The background indexer may have done part of it already; this finishes the rest.
    gw.audit.index_now().await.unwrap();
    let segments = std::fs::read_dir(&gw.audit_dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".log")
        })
        .count();
    assert!(segments >= 4, "the log spans several segments: {segments}");
    let all = AuditFilter::scoped(AuditScope::All);
    let page = gw
        .store
        .search_audit(&all, &PageRequest::first(500))
        .await
        .unwrap();
    assert_eq!(page.items.len(), CALLS);
    let mut paths: Vec<&str> = page.items.iter().map(|i| i.path.as_str()).collect();
    paths.sort_unstable();
    paths.dedup();
    assert_eq!(paths.len(), CALLS, "each exchange once");
    assert!(
        page.items
            .iter()
            .all(|i| i.outcome.as_ref().map(|o| o.status) == Some(200)),
        "every outcome is indexed"
    );
    let positions = gw.store.audit_positions().await.unwrap();
    assert_eq!(positions.len(), 1, "{positions:?}");
    assert!(
        positions[0].1.next_sequence >= 2 * CALLS as u64,
        "the position is past every admission and outcome: {positions:?}"
    );
}
