//! Conformance cases for the evidence index and the checkpoint keys: searches narrowed by
//! scope and filters, pages newest first without gaps or repeats, and batches that can be
//! replayed after a crash without duplicating anything.

use wadah_domain::audit::{AuditExchange, ExchangeOutcome, GENESIS, Sha256Hash};
use wadah_domain::policy::AuditScope;

use super::fixtures::*;
use crate::{
    AuditBatch, AuditEnding, AuditEntry, AuditFilter, AuditKey, AuditPosition, PageRequest, Store, StoreError,
};

/// Admission `seq` at `T0 + seq` seconds: `consumer` (agency/app) calling `service` (a/app/svc).
fn admitted(seq: u64, request_id: &str, consumer: &str, service: &str) -> AuditEntry {
    let c: Vec<&str> = consumer.split('/').collect();
    let s: Vec<&str> = service.split('/').collect();
    AuditEntry::Admitted(Box::new(AuditExchange {
        node: "n1".into(),
        sequence: seq,
        request_id: request_id.into(),
        at: at(T0 + seq as i64 * 1000),
        consumer_agency: c[0].into(),
        consumer_application: c[1].into(),
        credential: "cred".into(),
        service_agency: s[0].into(),
        service_application: s[1].into(),
        service: s[2].into(),
        method: "GET".into(),
        path: "/x".into(),
        query_digest: None,
        request_digest: None,
        outcome: None,
    }))
}

fn ended(seq: u64, request_id: &str, status: u16) -> AuditEntry {
    AuditEntry::Ended(AuditEnding {
        request_id: request_id.into(),
        request_digest: Some(Sha256Hash::of(b"body").to_hex()),
        outcome: ExchangeOutcome {
            sequence: seq,
            status,
            upstream_status: Some(status),
            ended_at: at(T0 + seq as i64 * 1000),
            duration_ms: 3,
            bytes_in: 4,
            bytes_out: 5,
            response_digest: Some(Sha256Hash::of(b"out").to_hex()),
            complete: true,
            error: None,
        },
    })
}

fn batch(entries: Vec<AuditEntry>, next: u64) -> AuditBatch {
    AuditBatch {
        node: "n1".into(),
        entries,
        position: AuditPosition {
            next_sequence: next,
            head: Sha256Hash::of(&next.to_be_bytes()),
        },
    }
}

/// r0: dinsos/bansos → bpsdm/simpeg/pegawai (200), r1: bpsdm/simpeg → dinsos/bansos/penerima
/// (503), r2: dishub/parkir → bpsdm/simpeg/pegawai (no outcome yet), r3: dinsos/bansos →
/// bpsdm/absen/hadir (404).
fn traffic() -> AuditBatch {
    batch(
        vec![
            admitted(0, "r0", "dinsos/bansos", "bpsdm/simpeg/pegawai"),
            admitted(1, "r1", "bpsdm/simpeg", "dinsos/bansos/penerima"),
            ended(2, "r0", 200),
            admitted(3, "r2", "dishub/parkir", "bpsdm/simpeg/pegawai"),
            ended(4, "r1", 503),
            admitted(5, "r3", "dinsos/bansos", "bpsdm/absen/hadir"),
            ended(6, "r3", 404),
        ],
        7,
    )
}

async fn ids(store: &dyn Store, filter: &AuditFilter) -> Vec<String> {
    store
        .search_audit(filter, &PageRequest::first(100))
        .await
        .expect("search")
        .items
        .into_iter()
        .map(|e| e.request_id)
        .collect()
}

/// Exchanges come back newest first, joined with their outcomes, narrowed by scope and by
/// every filter, and page completely.
pub async fn audit_index_searches_within_scope(store: &dyn Store) {
    store.index_audit(&traffic()).await.expect("index");
    let all = AuditFilter::scoped(AuditScope::All);
    assert_eq!(ids(store, &all).await, ["r3", "r2", "r1", "r0"]);

    let page = store.search_audit(&all, &PageRequest::first(100)).await.unwrap();
    let r0 = page.items.iter().find(|e| e.request_id == "r0").unwrap();
    let outcome = r0.outcome.as_ref().expect("the outcome is joined");
    assert_eq!((outcome.status, outcome.sequence, outcome.bytes_out), (200, 2, 5));
    assert_eq!(r0.request_digest, Some(Sha256Hash::of(b"body").to_hex()));
    assert!(
        page.items
            .iter()
            .find(|e| e.request_id == "r2")
            .unwrap()
            .outcome
            .is_none()
    );

    let with = |f: fn(&mut AuditFilter)| {
        let mut filter = all.clone();
        f(&mut filter);
        filter
    };
    assert_eq!(
        ids(store, &with(|f| f.request_id = Some("r1".into()))).await,
        ["r1"]
    );
    assert_eq!(
        ids(store, &with(|f| f.consumer_agency = Some("dinsos".into()))).await,
        ["r3", "r0"]
    );
    assert_eq!(
        ids(
            store,
            &with(|f| {
                f.service_agency = Some("bpsdm".into());
                f.service_application = Some("simpeg".into());
                f.service = Some("pegawai".into());
            })
        )
        .await,
        ["r2", "r0"]
    );
    assert_eq!(ids(store, &with(|f| f.status_class = Some(5))).await, ["r1"]);
    assert_eq!(ids(store, &with(|f| f.status_class = Some(2))).await, ["r0"]);
    assert_eq!(
        ids(
            store,
            &with(|f| {
                f.from = Some(at(T0 + 1000));
                f.to = Some(at(T0 + 5000));
            })
        )
        .await,
        ["r2", "r1"]
    );

    // Scopes: an agency sees both sides of its exchanges; an application only its own.
    let dinsos = AuditFilter::scoped(AuditScope::Agency(code("dinsos")));
    assert_eq!(ids(store, &dinsos).await, ["r3", "r1", "r0"]);
    let dishub = AuditFilter::scoped(AuditScope::Agency(code("dishub")));
    assert_eq!(ids(store, &dishub).await, ["r2"]);
    let simpeg = AuditFilter::scoped(AuditScope::Application(code("bpsdm"), code("simpeg")));
    assert_eq!(ids(store, &simpeg).await, ["r2", "r1", "r0"]);
    // A filter cannot widen a scope.
    let mut outside = dishub.clone();
    outside.consumer_agency = Some("dinsos".into());
    assert!(ids(store, &outside).await.is_empty());

    // Pages of two: complete, no repeats, newest first.
    let mut seen = Vec::new();
    let mut page = PageRequest::first(2);
    loop {
        let got = store.search_audit(&all, &page).await.expect("page");
        seen.extend(got.items.iter().map(|e| e.request_id.clone()));
        match got.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, ["r3", "r2", "r1", "r0"]);
    let bad = PageRequest {
        after: Some("not-a-cursor".into()),
        ..PageRequest::first(2)
    };
    assert!(matches!(
        store.search_audit(&all, &bad).await,
        Err(StoreError::InvalidState(_))
    ));
}

/// A batch applied twice, or overlapping one already applied, adds nothing twice; the
/// position only moves forward.
pub async fn audit_index_batches_replay_without_duplicates(store: &dyn Store) {
    assert_eq!(store.audit_position("n1").await.unwrap(), None);
    let first = batch(traffic().entries[..3].to_vec(), 3);
    store.index_audit(&first).await.expect("first");
    store.index_audit(&first).await.expect("replayed");
    assert_eq!(
        store.audit_position("n1").await.unwrap().map(|p| p.next_sequence),
        Some(3)
    );
    // The whole stream again, overlapping the first batch (a crash before the position moved
    // in memory): only the new records are applied.
    store.index_audit(&traffic()).await.expect("overlap");
    let all = AuditFilter::scoped(AuditScope::All);
    assert_eq!(ids(store, &all).await, ["r3", "r2", "r1", "r0"]);
    // An older batch does not move the position back.
    store.index_audit(&first).await.expect("old");
    let position = store.audit_position("n1").await.unwrap().unwrap();
    assert_eq!(position.next_sequence, 7);
    assert_eq!(position.head, Sha256Hash::of(&7u64.to_be_bytes()));
    let positions = store.audit_positions().await.unwrap();
    assert_eq!(positions, vec![("n1".to_owned(), position)]);
    assert_ne!(position.head, GENESIS);
}

/// A busy node's batch (hundreds of exchanges, most ending within the batch, one request id
/// used twice, one outcome arriving in the next batch) is indexed whole: every exchange once,
/// each with the outcome that followed it.
pub async fn audit_index_keeps_every_outcome_of_a_large_batch(store: &dyn Store) {
    let mut entries = Vec::new();
    let mut seq = 0;
    for i in 0..150 {
        entries.push(admitted(
            seq,
            &format!("q{i}"),
            "dinsos/bansos",
            "bpsdm/simpeg/pegawai",
        ));
        seq += 1;
        if i != 149 {
            entries.push(ended(seq, &format!("q{i}"), 200 + (i % 3) as u16));
            seq += 1;
        }
    }
    // A request id seen again later (a consumer reusing X-Request-Id): its own outcome.
    entries.push(admitted(seq, "q0", "dinsos/bansos", "bpsdm/simpeg/pegawai"));
    entries.push(ended(seq + 1, "q0", 504));
    seq += 2;
    store.index_audit(&batch(entries, seq)).await.expect("index");
    store
        .index_audit(&batch(vec![ended(seq, "q149", 201)], seq + 1))
        .await
        .expect("the late outcome");

    let all = AuditFilter::scoped(AuditScope::All);
    let page = store.search_audit(&all, &PageRequest::first(200)).await.unwrap();
    assert_eq!(page.items.len(), 151);
    let status = |id: &str| -> Vec<Option<u16>> {
        page.items
            .iter()
            .filter(|e| e.request_id == id)
            .map(|e| e.outcome.as_ref().map(|o| o.status))
            .collect()
    };
    assert_eq!(status("q0"), [Some(504), Some(200)]);
    assert_eq!(status("q100"), [Some(201)]);
    assert_eq!(status("q149"), [Some(201)]);
    assert!(
        page.items.iter().all(|e| e.outcome.is_some()),
        "every exchange has its outcome"
    );
    let q5 = page.items.iter().find(|e| e.request_id == "q5").unwrap();
    assert_eq!(q5.request_digest, Some(Sha256Hash::of(b"body").to_hex()));
    assert_eq!(q5.outcome.as_ref().unwrap().bytes_in, 4);
}

/// Checkpoint keys: every node's public keys in one list; a node's newest key comes back
/// with its sealed half; a key id is unique.
pub async fn audit_keys_are_published_per_node(store: &dyn Store) {
    let key = |id: &str, node: &str, ms: i64| AuditKey {
        key_id: id.into(),
        node: node.into(),
        public_key: vec![1, 2, 3, 255],
        created_at: at(T0 + ms),
    };
    assert!(store.audit_signing_key("n1").await.unwrap().is_none());
    store
        .add_audit_key(&key("k1", "n1", 0), "sealed-1")
        .await
        .unwrap();
    store
        .add_audit_key(&key("k2", "n1", 1000), "sealed-2")
        .await
        .unwrap();
    store
        .add_audit_key(&key("k3", "n2", 0), "sealed-3")
        .await
        .unwrap();
    let (newest, sealed) = store.audit_signing_key("n1").await.unwrap().unwrap();
    assert_eq!((newest.key_id.as_str(), sealed.as_str()), ("k2", "sealed-2"));
    assert_eq!(newest.public_key, vec![1, 2, 3, 255]);
    let all = store.audit_keys().await.unwrap();
    assert_eq!(
        all.iter().map(|k| k.key_id.as_str()).collect::<Vec<_>>(),
        ["k1", "k2", "k3"]
    );
    assert!(matches!(
        store.add_audit_key(&key("k1", "n2", 5), "other").await,
        Err(StoreError::Duplicate { .. })
    ));
}

/// Traffic is counted per bucket, consumer/service pair and latency class, within scope, the
/// window and the filters; an exchange without an outcome has no latency class.
pub async fn audit_traffic_is_counted_per_bucket_and_class(store: &dyn Store) {
    use crate::{TrafficQuery, latency_class};
    store.index_audit(&traffic()).await.expect("index");
    let query = TrafficQuery {
        scope: AuditScope::All,
        agency: None,
        service: None,
        from: at(T0),
        to: at(T0 + 6000),
        bucket_ms: 2000,
    };
    let rows = store.traffic(&query).await.expect("traffic");
    let seen: Vec<(u32, String, Option<u8>, u64, u64, u64)> = rows
        .iter()
        .map(|r| {
            (
                r.bucket,
                format!(
                    "{}/{}>{}/{}/{}",
                    r.consumer_agency,
                    r.consumer_application,
                    r.service_agency,
                    r.service_application,
                    r.service
                ),
                r.latency_class,
                r.requests,
                r.client_errors,
                r.server_errors,
            )
        })
        .collect();
    let three = Some(latency_class(3));
    assert_eq!(
        seen,
        [
            (0, "bpsdm/simpeg>dinsos/bansos/penerima".into(), three, 1, 0, 1),
            (0, "dinsos/bansos>bpsdm/simpeg/pegawai".into(), three, 1, 0, 0),
            (1, "dishub/parkir>bpsdm/simpeg/pegawai".into(), None, 1, 0, 0),
            (2, "dinsos/bansos>bpsdm/absen/hadir".into(), three, 1, 1, 0),
        ]
    );

    let count = |rows: Vec<crate::TrafficRow>| rows.iter().map(|r| r.requests).sum::<u64>();
    let scoped = TrafficQuery {
        scope: AuditScope::Agency(code("dishub")),
        ..query.clone()
    };
    assert_eq!(count(store.traffic(&scoped).await.unwrap()), 1);
    let one_service = TrafficQuery {
        service: Some(("bpsdm".into(), "simpeg".into(), "pegawai".into())),
        ..query.clone()
    };
    assert_eq!(count(store.traffic(&one_service).await.unwrap()), 2);
    let one_agency = TrafficQuery {
        agency: Some("dinsos".into()),
        ..query.clone()
    };
    assert_eq!(count(store.traffic(&one_agency).await.unwrap()), 3);
    let later = TrafficQuery {
        from: at(T0 + 1000),
        ..query.clone()
    };
    assert_eq!(count(store.traffic(&later).await.unwrap()), 3);

    let too_many = TrafficQuery {
        bucket_ms: 1,
        ..query
    };
    assert!(matches!(
        store.traffic(&too_many).await,
        Err(StoreError::InvalidState(_))
    ));
}
