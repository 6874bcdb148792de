//! `/api/v1/traffic`, `/api/v1/integration-map` and the console pages that draw them: counts,
//! errors and latencies per bucket, service and consumer within the caller's evidence scope,
//! links from traffic and from rights, and refusals for roles without a scope.

use serde_json::{Value, json};

use crate::audit::seed;
use crate::console::{get, sign_in};
use crate::helpers::{TestApp, Who, spec};

async fn report(app: &TestApp, who: Who, query: &str) -> Value {
    app.get(&format!("/api/v1/traffic{query}"))
        .by(who)
        .send()
        .await
        .ok()
        .json()
}

api_test!(the_report_counts_each_roles_exchanges_per_hour_service_and_consumer);
async fn the_report_counts_each_roles_exchanges_per_hour_service_and_consumer(app: TestApp) {
    seed(&app).await; // 3 exchanges at t0 (08:00Z): one answered 502
    let all = report(&app, Who::Platform, "").await;
    assert_eq!(all["window"], "24h");
    assert_eq!(all["bucket_seconds"], 3600);
    let series = all["series"].as_array().unwrap();
    assert_eq!(series.len(), 24);
    assert_eq!(
        series[23]["figures"]["requests"], 3,
        "the current hour holds them"
    );
    assert!(series[..23].iter().all(|p| p["figures"]["requests"] == 0));
    let totals = &all["totals"];
    assert_eq!(
        (totals["requests"].as_u64(), totals["server_errors"].as_u64()),
        (Some(3), Some(1))
    );
    let p95 = totals["p95_ms"].as_f64().unwrap();
    assert!(p95 > 0.0 && p95 <= 1.0, "1 ms answers: {p95}");
    assert_eq!(all["services"].as_array().unwrap().len(), 3);

    // An agency admin sees the exchanges where the agency consumes or provides, no more.
    let bpsdm = report(&app, Who::BpsdmAdmin, "").await;
    assert_eq!(bpsdm["totals"]["requests"], 2);
    let asked_wider = report(&app, Who::BpsdmAdmin, "?agency=dishub").await;
    assert_eq!(
        asked_wider["totals"]["requests"], 0,
        "a filter never widens the scope"
    );
    let one = report(&app, Who::Platform, "?service=bpsdm/simpeg/pegawai&window=7d").await;
    assert_eq!(one["totals"]["requests"], 1);
    assert_eq!(one["series"].as_array().unwrap().len(), 28);

    // An hour later the exchanges are in the second-to-last bucket; after 24 hours, gone.
    app.clock.advance(chrono::Duration::hours(1));
    assert_eq!(
        report(&app, Who::Platform, "").await["series"][22]["figures"]["requests"],
        3
    );
    app.clock.advance(chrono::Duration::hours(24));
    assert_eq!(report(&app, Who::Platform, "").await["totals"]["requests"], 0);
}

api_test!(bad_queries_and_roles_without_a_scope_are_refused);
async fn bad_queries_and_roles_without_a_scope_are_refused(app: TestApp) {
    for q in [
        "?window=1y",
        "?service=bpsdm/simpeg",
        "?service=../x/y",
        "?agency=BAD%20CODE",
        "?other=1",
    ] {
        app.get(&format!("/api/v1/traffic{q}"))
            .by(Who::Platform)
            .send()
            .await
            .status(400);
    }
    app.get("/api/v1/traffic")
        .send()
        .await
        .problem(401, "unauthenticated");
    let evaluator =
        spec(json!({"username": "evaluator", "display_name": "Evaluator KemenPANRB", "role": "evaluator"}));
    app.store
        .create_user(&evaluator, None, &app.change())
        .await
        .unwrap();
    let token = app.mint_token("evaluator").await;
    for path in ["/api/v1/traffic", "/api/v1/integration-map"] {
        app.get(path)
            .bearer(&token)
            .send()
            .await
            .problem(403, "forbidden");
    }
}

api_test!(the_map_joins_traffic_and_rights);
async fn the_map_joins_traffic_and_rights(app: TestApp) {
    seed(&app).await;
    let map = app
        .get("/api/v1/integration-map")
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    let links = map["links"].as_array().unwrap();
    let find = |consumer: &str, service: &str| {
        links.iter().find(|l| {
            let c = &l["consumer"];
            let who = format!(
                "{}/{}",
                c["agency"].as_str().unwrap(),
                c["application"].as_str().unwrap_or("*")
            );
            let what = format!(
                "{}/{}/{}",
                l["agency"].as_str().unwrap(),
                l["application"].as_str().unwrap(),
                l["service"].as_str().unwrap()
            );
            who == consumer && what == service
        })
    };
    let called = find("bpsdm/simpeg", "dinsos/e-bansos/penerima").expect("a link from traffic");
    assert_eq!(
        (called["requests"].as_u64(), called["server_errors"].as_u64()),
        (Some(1), Some(1))
    );
    // Every right the platform admin can list is on the map, marked granted.
    let rights = app
        .get("/api/v1/access-rights")
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    let rights = rights["items"].as_array().unwrap();
    assert!(!rights.is_empty(), "the seed grants rights");
    for r in rights {
        let consumer = format!(
            "{}/{}",
            r["consumer"]["agency"].as_str().unwrap(),
            r["consumer"]["application"].as_str().unwrap_or("*")
        );
        let s = &r["service"];
        let service = format!(
            "{}/{}/{}",
            s["agency"].as_str().unwrap(),
            s["application"].as_str().unwrap(),
            s["service"].as_str().unwrap()
        );
        let link = find(&consumer, &service).unwrap_or_else(|| panic!("{consumer} → {service} missing"));
        assert_eq!(link["granted"], true);
    }
    // An agency admin's map holds only links with their agency on one side.
    let bpsdm = app
        .get("/api/v1/integration-map")
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .ok()
        .json();
    for l in bpsdm["links"].as_array().unwrap() {
        assert!(
            l["consumer"]["agency"] == "bpsdm" || l["agency"] == "bpsdm",
            "{l}"
        );
    }
}

api_test!(the_console_draws_the_dashboard_and_the_map_for_those_who_may_see_traffic);
async fn the_console_draws_the_dashboard_and_the_map_for_those_who_may_see_traffic(app: TestApp) {
    seed(&app).await;
    let admin = sign_in(&app, "admin").await;
    let page = get(&app, &admin, "/console/dasbor").await.ok().text();
    assert!(page.contains("Dasbor lalu lintas"), "{page}");
    assert_eq!(
        page.matches("<svg class=\"chart\"").count(),
        2,
        "requests and latency charts"
    );
    assert!(
        page.contains("dinsos/e-bansos/penerima"),
        "the busiest services are listed"
    );
    assert!(!page.contains("style="), "no inline style: the CSP forbids it");
    let week = get(&app, &admin, "/console/dasbor?jendela=7d&instansi=bpsdm")
        .await
        .ok()
        .text();
    assert!(week.contains("aria-current=\"true\">7 hari terakhir"), "{week}");
    let bad = get(&app, &admin, "/console/dasbor?layanan=bukan-layanan")
        .await
        .status(400)
        .text();
    assert!(
        bad.contains("Periksa filter") && bad.contains("value=\"bukan-layanan\""),
        "{bad}"
    );

    let map = get(&app, &admin, "/console/peta").await.ok().text();
    assert!(map.contains("<svg class=\"chart map\""), "{map}");
    assert!(
        map.contains("bpsdm/simpeg → dinsos/e-bansos/penerima"),
        "each link says itself in words"
    );

    // A developer sees their application's exchanges only.
    let dev = sign_in(&app, "dev-simpeg").await;
    let theirs = get(&app, &dev, "/console/dasbor").await.ok().text();
    assert!(!theirs.contains("dishub/parkir/tarif"), "{theirs}");
}
