//! `/api/v1/audit`: the evidence index, searched within the caller's scope. The rows come in
//! through the store's `index_audit`, as the gateway's indexer writes them.

use wadah_domain::audit::{AuditExchange, ExchangeOutcome, Sha256Hash};
use wadah_store::{AuditBatch, AuditEnding, AuditEntry, AuditPosition};

use crate::helpers::{TestApp, Who, t0};

fn admitted(seq: u64, id: &str, consumer: (&str, &str), service: (&str, &str, &str)) -> AuditEntry {
    AuditEntry::Admitted(Box::new(AuditExchange {
        node: "gw-1".into(),
        sequence: seq,
        request_id: id.into(),
        at: t0() + chrono::Duration::seconds(seq as i64),
        consumer_agency: consumer.0.into(),
        consumer_application: consumer.1.into(),
        credential: "cred".into(),
        service_agency: service.0.into(),
        service_application: service.1.into(),
        service: service.2.into(),
        method: "GET".into(),
        path: "/p".into(),
        query_digest: Some(Sha256Hash::of(b"q").to_hex()),
        request_digest: None,
        outcome: None,
    }))
}

fn ended(seq: u64, id: &str, status: u16) -> AuditEntry {
    AuditEntry::Ended(AuditEnding {
        request_id: id.into(),
        request_digest: None,
        outcome: ExchangeOutcome {
            sequence: seq,
            status,
            upstream_status: Some(status),
            ended_at: t0() + chrono::Duration::seconds(seq as i64),
            duration_ms: 1,
            bytes_in: 0,
            bytes_out: 10,
            response_digest: Some(Sha256Hash::of(b"r").to_hex()),
            complete: true,
            error: None,
        },
    })
}

/// dinsos/e-bansos → bpsdm/simpeg/pegawai (200); bpsdm/simpeg → dinsos/e-bansos/penerima
/// (502); diskominfo/dashboard → dishub/parkir/tarif (200).
pub(crate) async fn seed(app: &TestApp) {
    let batch = AuditBatch {
        node: "gw-1".into(),
        entries: vec![
            admitted(0, "a", ("dinsos", "e-bansos"), ("bpsdm", "simpeg", "pegawai")),
            ended(1, "a", 200),
            admitted(2, "b", ("bpsdm", "simpeg"), ("dinsos", "e-bansos", "penerima")),
            ended(3, "b", 502),
            admitted(4, "c", ("diskominfo", "dashboard"), ("dishub", "parkir", "tarif")),
            ended(5, "c", 200),
        ],
        position: AuditPosition {
            next_sequence: 6,
            head: Sha256Hash::of(b"head"),
        },
    };
    app.store.index_audit(&batch).await.unwrap();
}

async fn ids(app: &TestApp, who: Who, query: &str) -> Vec<String> {
    let body = app
        .get(&format!("/api/v1/audit{query}"))
        .by(who)
        .send()
        .await
        .ok()
        .json();
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["request_id"].as_str().unwrap().to_owned())
        .collect()
}

api_test!(each_role_sees_only_its_exchanges);
async fn each_role_sees_only_its_exchanges(app: TestApp) {
    seed(&app).await;
    assert_eq!(ids(&app, Who::Platform, "").await, ["c", "b", "a"]);
    assert_eq!(ids(&app, Who::Auditor, "").await, ["c", "b", "a"]);
    // An agency admin: exchanges where the agency is the consumer or the provider.
    assert_eq!(ids(&app, Who::BpsdmAdmin, "").await, ["b", "a"]);
    assert_eq!(ids(&app, Who::DinsosAdmin, "").await, ["b", "a"]);
    // Asking for another agency's traffic does not widen the scope.
    assert!(
        ids(&app, Who::BpsdmAdmin, "?consumer=diskominfo")
            .await
            .is_empty()
    );
    // A developer: their application's exchanges.
    assert_eq!(ids(&app, Who::Developer, "").await, ["b", "a"]);
    app.get("/api/v1/audit")
        .send()
        .await
        .problem(401, "unauthenticated");
}

api_test!(filters_pages_and_bad_queries);
async fn filters_pages_and_bad_queries(app: TestApp) {
    seed(&app).await;
    let all = |q: &'static str| ids(&app, Who::Platform, q);
    assert_eq!(all("?request_id=b").await, ["b"]);
    assert_eq!(all("?consumer=dinsos/e-bansos").await, ["a"]);
    assert_eq!(all("?service=bpsdm/simpeg/pegawai").await, ["a"]);
    assert_eq!(all("?service=dishub").await, ["c"]);
    assert_eq!(all("?status=5xx").await, ["b"]);
    assert_eq!(all("?status=2xx").await, ["c", "a"]);
    let from = (t0() + chrono::Duration::seconds(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let to = (t0() + chrono::Duration::seconds(3)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert_eq!(
        ids(&app, Who::Platform, &format!("?from={from}&to={to}")).await,
        ["b"]
    );

    let first = app
        .get("/api/v1/audit?limit=2")
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let item = &first["items"][0];
    assert_eq!(item["outcome"]["status"], 200);
    assert!(
        item["query_digest"].is_string() && item.get("body").is_none(),
        "{item}"
    );
    let next = first["next"].as_str().unwrap();
    let second = app
        .get(&format!("/api/v1/audit?limit=2&cursor={next}"))
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(second["items"][0]["request_id"], "a");
    assert!(second["next"].is_null());

    for bad in [
        "?status=6xx",
        "?consumer=a/b/c",
        "?service=BAD%20CODE",
        "?limit=0",
        "?colour=red",
        "?cursor=YnBzZG0",
        "?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
    ] {
        app.get(&format!("/api/v1/audit{bad}"))
            .by(Who::Platform)
            .send()
            .await
            .problem(400, "invalid_query");
    }
}
