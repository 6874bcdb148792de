//! Agencies: CRUD by the platform admin, optimistic concurrency, cascade, validation, body
//! limits and pagination.

use std::collections::HashSet;

use serde_json::json;

use crate::helpers::{TestApp, Who};

fn agency(code: &str) -> serde_json::Value {
    json!({"code": code, "name": format!("Dinas {code}"), "government": "bontang"})
}

api_test!(agency_crud_with_etags_and_cascade);
async fn agency_crud_with_etags_and_cascade(app: TestApp) {
    let created = app
        .post("/api/v1/agencies")
        .by(Who::Platform)
        .json(agency("dukcapil"))
        .send()
        .await
        .status(201);
    assert_eq!(created.etag(), "\"1\"");
    assert_eq!(created.headers["location"], "/api/v1/agencies/dukcapil");
    assert_eq!(created.json()["meta"]["created_by"], "user:admin");
    app.post("/api/v1/agencies")
        .by(Who::Platform)
        .json(agency("dukcapil"))
        .send()
        .await
        .problem(409, "duplicate");

    let path = "/api/v1/agencies/dukcapil";
    let got = app.get(path).by(Who::Platform).send().await.ok();
    assert_eq!(got.version(), 1);
    let mut changed = agency("dukcapil");
    changed["description"] = json!("Kependudukan dan pencatatan sipil");
    app.put(path)
        .by(Who::Platform)
        .json(changed.clone())
        .send()
        .await
        .problem(428, "precondition_required");
    app.put(path)
        .by(Who::Platform)
        .header("if-match", "*")
        .json(changed.clone())
        .send()
        .await
        .problem(428, "precondition_required");
    app.put(path)
        .by(Who::Platform)
        .header("if-match", "W/\"x\"")
        .json(changed.clone())
        .send()
        .await
        .problem(409, "stale_version");
    let updated = app
        .put(path)
        .by(Who::Platform)
        .if_match(1)
        .json(changed.clone())
        .send()
        .await
        .ok();
    assert_eq!(updated.version(), 2);
    assert_eq!(updated.json()["description"], "Kependudukan dan pencatatan sipil");
    app.put(path)
        .by(Who::Platform)
        .if_match(1)
        .json(changed.clone())
        .send()
        .await
        .problem(409, "stale_version");
    let mut renamed = changed.clone();
    renamed["code"] = json!("capil");
    let p = app
        .put(path)
        .by(Who::Platform)
        .if_match(2)
        .json(renamed)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "code");

    let app_body = crate::helpers::application_json("siak", "public");
    app.post("/api/v1/agencies/dukcapil/applications")
        .by(Who::Platform)
        .json(app_body)
        .send()
        .await
        .status(201);
    app.delete(path)
        .by(Who::Platform)
        .send()
        .await
        .problem(409, "in_use");
    app.delete(&format!("{path}?cascade=true"))
        .by(Who::Platform)
        .if_match(1)
        .send()
        .await
        .problem(409, "stale_version");
    app.delete(&format!("{path}?cascade=true"))
        .by(Who::Platform)
        .if_match(2)
        .send()
        .await
        .status(204);
    app.get(path)
        .by(Who::Platform)
        .send()
        .await
        .problem(404, "not_found");
    app.get("/api/v1/agencies/dukcapil/applications/siak")
        .by(Who::Platform)
        .send()
        .await
        .problem(404, "not_found");
}

api_test!(bad_bodies_get_problem_documents_naming_the_field);
async fn bad_bodies_get_problem_documents_naming_the_field(app: TestApp) {
    let url = "/api/v1/agencies";
    let p = app
        .post(url)
        .by(Who::Platform)
        .json(agency("Not A Code"))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "code");
    let p = app
        .post(url)
        .by(Who::Platform)
        .json(agency("oauth2"))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "code");
    let mut unknown = agency("dukcapil");
    unknown["colour"] = json!("red");
    let p = app
        .post(url)
        .by(Who::Platform)
        .json(unknown)
        .send()
        .await
        .problem(422, "validation_failed");
    assert!(p["detail"].as_str().unwrap().contains("colour"), "{p}");
    let mut wrong_type = agency("dukcapil");
    wrong_type["operator"] = json!("yes");
    let p = app
        .post(url)
        .by(Who::Platform)
        .json(wrong_type)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "operator");
    let p = app
        .post(url)
        .by(Who::Platform)
        .json(json!({"code": "dukcapil"}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "name");
    let p = app
        .post(url)
        .by(Who::Platform)
        .json(json!({"code": "dukcapil", "name": " ", "government": "bontang"}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "name");
    app.post(url)
        .by(Who::Platform)
        .raw("application/json", "{\"code\":")
        .send()
        .await
        .problem(400, "invalid_json");
    app.post(url)
        .by(Who::Platform)
        .raw("text/plain", "{}")
        .send()
        .await
        .problem(415, "unsupported_media_type");
    let p = app
        .post(url)
        .by(Who::Platform)
        .json(json!({"code": "dukcapil", "name": "X", "government": "nowhere"}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "government");
    // Nothing was created by any of these.
    app.get("/api/v1/agencies/dukcapil")
        .by(Who::Platform)
        .send()
        .await
        .problem(404, "not_found");
}

api_test!(oversized_bodies_are_refused_with_413);
async fn oversized_bodies_are_refused_with_413(app: TestApp) {
    let mut big = agency("dukcapil");
    big["description"] = json!("x".repeat(2 * 1024 * 1024));
    app.post("/api/v1/agencies")
        .by(Who::Platform)
        .json(big)
        .send()
        .await
        .problem(413, "payload_too_large");
    let small = app.with_config(wadah_web::WebConfig {
        max_body_bytes: 64,
        ..Default::default()
    });
    app.post("/api/v1/agencies")
        .on(&small)
        .by(Who::Platform)
        .json(agency("dukcapil"))
        .send()
        .await
        .problem(413, "payload_too_large");
}

api_test!(agency_lists_page_with_opaque_cursors_and_search);
async fn agency_lists_page_with_opaque_cursors_and_search(app: TestApp) {
    for i in 0..7 {
        app.post("/api/v1/agencies")
            .by(Who::Platform)
            .json(agency(&format!("dinas-{i}")))
            .send()
            .await
            .status(201);
    }
    let mut seen = HashSet::new();
    let mut url = "/api/v1/agencies?limit=2".to_owned();
    let mut pages = 0;
    loop {
        let page = app.get(&url).by(Who::Platform).send().await.ok().json();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        for item in items {
            assert!(
                seen.insert(item["code"].as_str().unwrap().to_owned()),
                "repeated {item}"
            );
        }
        pages += 1;
        match page["next"].as_str() {
            Some(next) => url = format!("/api/v1/agencies?limit=2&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 9);
    assert_eq!(pages, 5);
    let found = app
        .get("/api/v1/agencies?q=DINAS-3")
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    let codes: Vec<_> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].clone())
        .collect();
    assert_eq!(codes, vec![json!("dinas-3")]);
    let by_gov = app
        .get("/api/v1/agencies?government=bontang&limit=500")
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(by_gov["items"].as_array().unwrap().len(), 9);
}

api_test!(bad_list_parameters_are_invalid_queries);
async fn bad_list_parameters_are_invalid_queries(app: TestApp) {
    for query in [
        "limit=0",
        "limit=501",
        "limit=-1",
        "limit=ten",
        "cursor=%21%21",
        "colour=red",
        "government=NOT%20A%20CODE",
        "cursor=",
    ] {
        app.get(&format!("/api/v1/agencies?{query}"))
            .by(Who::Platform)
            .send()
            .await
            .problem(400, "invalid_query");
    }
    let long = "x".repeat(101);
    app.get(&format!("/api/v1/agencies?q={long}"))
        .by(Who::Platform)
        .send()
        .await
        .problem(400, "invalid_query");
    app.get(&format!("/api/v1/agencies?q={}", "x".repeat(100)))
        .by(Who::Platform)
        .send()
        .await
        .ok();
    app.get("/api/v1/agencies?limit=500")
        .by(Who::Platform)
        .send()
        .await
        .ok();
}

api_test!(agency_admins_see_only_their_agency_and_write_none);
async fn agency_admins_see_only_their_agency_and_write_none(app: TestApp) {
    let list = app
        .get("/api/v1/agencies")
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .ok()
        .json();
    let codes: Vec<_> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].clone())
        .collect();
    assert_eq!(codes, vec![json!("bpsdm")]);
    app.get("/api/v1/agencies/bpsdm")
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .ok();
    let own = json!({"code": "bpsdm", "name": "BPSDM baru", "government": "bontang"});
    app.put("/api/v1/agencies/bpsdm")
        .by(Who::BpsdmAdmin)
        .if_match(1)
        .json(own)
        .send()
        .await
        .problem(403, "forbidden");
    app.post("/api/v1/agencies")
        .by(Who::BpsdmAdmin)
        .json(agency("dukcapil"))
        .send()
        .await
        .problem(403, "forbidden");
    app.delete("/api/v1/agencies/bpsdm")
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .problem(403, "forbidden");
}
