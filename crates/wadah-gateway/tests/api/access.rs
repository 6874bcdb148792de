//! Authentication, authorisation, limits and the directory.

use std::time::Duration;

use crate::helpers::*;

#[tokio::test]
async fn a_key_with_a_right_reaches_the_upstream() {
    let gw = spawn().await;
    let answer = gw
        .get("/bpsdm/simpeg/pegawai/pegawai/7?limit=5", Some(&gw.dashboard))
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.json()["path"], "/api/v1/pegawai/pegawai/7");
    let rid = answer.header("x-request-id").unwrap().to_owned();
    let seen = gw.seen();
    assert_eq!(seen.len(), 1);
    let s = &seen[0];
    assert_eq!(s.uri, "/api/v1/pegawai/pegawai/7?limit=5");
    assert_eq!(s.headers["x-wadah-consumer"], "diskominfo/dashboard");
    assert_eq!(s.headers["x-request-id"], rid.as_str());
    assert_eq!(s.headers["x-forwarded-for"], "127.0.0.1");
    assert_eq!(s.headers["x-forwarded-proto"], "http");
    assert_eq!(s.headers["x-forwarded-host"], "gw.test");
    assert!(
        s.headers.get("authorization").is_none(),
        "the consumer's key must not be forwarded"
    );
    let dump = format!("{:?}", s.headers);
    assert!(!dump.contains(&gw.dashboard.plain), "the key appears upstream");
    assert!(answer.header("ratelimit-limit").is_some());
}

#[tokio::test]
async fn missing_and_bad_keys_are_refused_with_401() {
    let gw = spawn().await;
    let none = gw.get("/bpsdm/simpeg/pegawai/pegawai", None).await;
    assert_eq!((none.status, none.code().as_str()), (401, "unauthenticated"));
    assert!(
        none.header("www-authenticate")
            .is_some_and(|v| v.starts_with("Bearer"))
    );
    assert!(none.header("x-request-id").is_some());
    let bad = Key {
        id: String::new(),
        plain: "wdh_not-a-key".into(),
    };
    let answer = gw.get("/bpsdm/simpeg/pegawai/pegawai", Some(&bad)).await;
    assert_eq!((answer.status, answer.code().as_str()), (401, "unauthenticated"));
    assert!(
        answer
            .header("www-authenticate")
            .unwrap()
            .contains("invalid_token")
    );
    let apikey = gw
        .send(
            "GET",
            "/bpsdm/simpeg/pegawai/x",
            None,
            &[("apikey", &gw.dashboard.plain)],
            b"",
        )
        .await;
    assert_eq!(apikey.status, 200, "the apikey header works too");
    assert_eq!(gw.seen().len(), 1);
}

#[tokio::test]
async fn without_a_right_403_and_rights_narrow_methods_and_paths() {
    let gw = spawn().await;
    let answer = gw.get("/bpsdm/simpeg/pegawai/pegawai", Some(&gw.bansos)).await;
    assert_eq!((answer.status, answer.code().as_str()), (403, "access_denied"));
    let put = gw
        .send(
            "PUT",
            "/bpsdm/simpeg/pegawai/pegawai/1",
            Some(&gw.dashboard),
            &[],
            b"{}",
        )
        .await;
    assert_eq!((put.status, put.code().as_str()), (403, "access_denied"));
    // The agency-wide right on gaji admits GET /pegawai/* only.
    assert_eq!(
        gw.get("/bpsdm/simpeg/gaji/pegawai/7", Some(&gw.dashboard))
            .await
            .status,
        200
    );
    let deeper = gw
        .get("/bpsdm/simpeg/gaji/pegawai/7/rincian", Some(&gw.dashboard))
        .await;
    assert_eq!(deeper.code(), "access_denied");
    assert_eq!(
        gw.get("/bpsdm/simpeg/gaji/rekap", Some(&gw.dashboard))
            .await
            .code(),
        "access_denied"
    );
    let unknown = gw.get("/bpsdm/simpeg/cuti/x", Some(&gw.dashboard)).await;
    assert_eq!(
        (unknown.status, unknown.code().as_str()),
        (404, "service_not_found")
    );
    let trace = gw
        .send("TRACE", "/bpsdm/simpeg/pegawai/x", Some(&gw.dashboard), &[], b"")
        .await;
    assert_eq!(trace.status, 405);
    assert_eq!(gw.seen().len(), 1, "only the admitted call reached the upstream");
}

#[tokio::test]
async fn revoking_a_key_and_granting_a_right_are_live_within_a_second() {
    let gw = spawn().await;
    assert_eq!(
        gw.get("/bpsdm/simpeg/pegawai/x", Some(&gw.dashboard))
            .await
            .status,
        200
    );
    gw.store
        .revoke_credential(&gw.dashboard.id, &change())
        .await
        .unwrap();
    let took = gw
        .eventually(
            "/bpsdm/simpeg/pegawai/x",
            &gw.dashboard,
            Duration::from_secs(1),
            |a| a.status == 401,
        )
        .await;
    assert!(took < Duration::from_secs(1), "{took:?}");

    assert_eq!(
        gw.get("/bpsdm/simpeg/pegawai/x", Some(&gw.bansos)).await.status,
        403
    );
    let right = serde_json::from_value(serde_json::json!({
        "consumer": {"agency": "dinsos", "application": "e-bansos"},
        "service": {"agency": "bpsdm", "application": "simpeg", "service": "pegawai"},
    }))
    .unwrap();
    gw.store.create_right(&right, &change()).await.unwrap();
    let took = gw
        .eventually(
            "/bpsdm/simpeg/pegawai/x",
            &gw.bansos,
            Duration::from_secs(1),
            |a| a.status == 200,
        )
        .await;
    assert!(took < Duration::from_secs(1), "{took:?}");
}

#[tokio::test]
async fn past_the_limit_429_with_retry_after() {
    let gw = spawn_with(Options {
        limit: Some(3),
        ..Options::default()
    })
    .await;
    for i in 0..3 {
        let a = gw.get("/bpsdm/simpeg/pegawai/x", Some(&gw.dashboard)).await;
        assert_eq!(a.status, 200, "request {i}");
        assert_eq!(
            a.header("ratelimit-remaining"),
            Some((2 - i).to_string().as_str())
        );
    }
    let limited = gw.get("/bpsdm/simpeg/pegawai/x", Some(&gw.dashboard)).await;
    assert_eq!((limited.status, limited.code().as_str()), (429, "rate_limited"));
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry), "{retry}");
    assert_eq!(limited.header("ratelimit-limit"), Some("3"));
    assert_eq!(limited.header("ratelimit-remaining"), Some("0"));
    assert_eq!(gw.seen().len(), 3);
}

#[tokio::test]
async fn the_directory_lists_what_the_caller_may_call() {
    let gw = spawn().await;
    let list = gw.get("/_wadah/services", Some(&gw.dashboard)).await;
    assert_eq!(list.status, 200);
    let items = list.json()["items"].clone();
    let keys: Vec<String> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{}/{}/{}",
                i["agency"].as_str().unwrap(),
                i["application"].as_str().unwrap(),
                i["service"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(keys, ["bpsdm/simpeg/gaji", "bpsdm/simpeg/pegawai"]);
    assert_eq!(items[1]["name"], "Layanan pegawai");
    assert_eq!(
        gw.get("/_wadah/services", Some(&gw.bansos)).await.json()["items"],
        serde_json::json!([])
    );
    assert_eq!(gw.get("/_wadah/services", None).await.code(), "unauthenticated");
    // OpenAPI: public services for any consumer, internal ones only with a right.
    let doc = gw
        .get("/_wadah/services/bpsdm/simpeg/pegawai/openapi", Some(&gw.bansos))
        .await;
    assert_eq!(doc.status, 200);
    assert!(String::from_utf8_lossy(&doc.body).starts_with("openapi: 3.1.0"));
    let hidden = gw
        .get("/_wadah/services/bpsdm/simpeg/gaji/openapi", Some(&gw.bansos))
        .await;
    assert_eq!(
        (hidden.status, hidden.code().as_str()),
        (404, "service_not_found")
    );
    assert_eq!(
        gw.get("/_wadah/services/bpsdm/simpeg/gaji/openapi", Some(&gw.dashboard))
            .await
            .status,
        200
    );
    assert_eq!(gw.get("/healthz", None).await.status, 200);
    assert_eq!(gw.get("/metrics", Some(&gw.dashboard)).await.code(), "not_found");
}

#[tokio::test]
async fn an_unreachable_store_leaves_the_last_snapshot_serving() {
    let gw = spawn().await;
    assert_eq!(
        gw.get("/bpsdm/simpeg/pegawai/x", Some(&gw.dashboard))
            .await
            .status,
        200
    );
    gw.sql.close().await;
    assert!(
        gw.store.registry_version().await.is_err(),
        "the store is really gone"
    );
    // Several refresh rounds fail; every request is still served from the snapshot.
    let until = std::time::Instant::now() + Duration::from_millis(700);
    while std::time::Instant::now() < until {
        assert_eq!(
            gw.get("/bpsdm/simpeg/pegawai/x", Some(&gw.dashboard))
                .await
                .status,
            200
        );
        assert_eq!(
            gw.get("/bpsdm/simpeg/pegawai/x", Some(&gw.bansos)).await.status,
            403
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
