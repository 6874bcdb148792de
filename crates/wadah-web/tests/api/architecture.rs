//! The SPBE architecture API: an agency admin maps its own agency, never another's; the
//! platform admin relates agencies and defines local reference codes; bad elements and
//! relations are 422 with the field named; the roadmap totals and the analyses answer.

use serde_json::{Value, json};

use crate::helpers::{TestApp, Who};

const P: &str = "/api/v1/architecture/2025-2029";

fn process(code: &str, ref_code: &str) -> Value {
    json!({"code": code, "name": format!("Proses {code}"), "ref_code": ref_code, "owner": "Bidang",
           "details": {"kind": "business_process"}})
}

fn application(code: &str, registry_app: &str) -> Value {
    json!({"code": code, "name": format!("Aplikasi {code}"), "ref_code": "RAA.02.01",
           "details": {"kind": "application", "application": registry_app, "lifecycle": "active",
                       "technical_fit": "adequate", "functional_fit": "adequate", "disposition": "invest"}})
}

api_test!(agency_admins_map_their_own_agency_only);
async fn agency_admins_map_their_own_agency_only(app: TestApp) {
    let dinsos = format!("{P}/agencies/dinsos/elements");
    let created = app
        .post(&dinsos)
        .by(Who::DinsosAdmin)
        .json(process("bansos", "RAB.04.02"))
        .send()
        .await
        .status(201);
    assert_eq!(created.headers["location"], format!("{dinsos}/bansos"));
    app.post(&format!("{P}/agencies/bpsdm/elements"))
        .by(Who::DinsosAdmin)
        .json(process("diklat", "RAB.09.06"))
        .send()
        .await
        .problem(404, "not_found");
    app.get(&format!("{dinsos}/bansos"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .problem(404, "not_found");
    app.get(&format!("{dinsos}/bansos"))
        .by(Who::Auditor)
        .send()
        .await
        .ok();
    app.post(&dinsos)
        .by(Who::Auditor)
        .json(process("lain", "RAB.04.02"))
        .send()
        .await
        .problem(403, "forbidden");
    let own = app
        .get(&format!("{P}/elements"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .ok();
    assert_eq!(
        own.json()["items"],
        json!([]),
        "bpsdm sees none of dinsos's elements"
    );
    let all = app
        .get(&format!("{P}/elements"))
        .by(Who::Platform)
        .send()
        .await
        .ok();
    assert_eq!(all.json()["items"].as_array().unwrap().len(), 1);

    let mut renamed = process("bansos", "RAB.04.02");
    renamed["name"] = json!("Penyaluran Bantuan Sosial");
    app.put(&format!("{dinsos}/bansos"))
        .by(Who::DinsosAdmin)
        .json(renamed.clone())
        .send()
        .await
        .problem(428, "precondition_required");
    let updated = app
        .put(&format!("{dinsos}/bansos"))
        .by(Who::DinsosAdmin)
        .if_match(1)
        .json(renamed)
        .send()
        .await
        .ok();
    assert_eq!(updated.json()["name"], "Penyaluran Bantuan Sosial");
    let log = app
        .get("/api/v1/changes?kind=architecture%20element")
        .by(Who::DinsosAdmin)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(log["items"].as_array().unwrap().len(), 2, "{log}");
}

api_test!(bad_elements_are_refused_with_the_field_named);
async fn bad_elements_are_refused_with_the_field_named(app: TestApp) {
    let base = format!("{P}/agencies/dinsos/elements");
    let post = |body: Value| app.post(&base).by(Who::DinsosAdmin).json(body).send();
    let wrong_family = post(process("a1", "RAA.02.01"))
        .await
        .problem(422, "validation_failed");
    assert_eq!(wrong_family["field"], "ref_code");
    let unknown = post(process("a2", "RAB.04.02.77"))
        .await
        .problem(422, "validation_failed");
    assert_eq!(unknown["field"], "ref_code");
    let mut orphan = process("a3", "RAB.04.02");
    orphan["parent"] = json!("tidak-ada");
    assert_eq!(
        post(orphan).await.problem(422, "validation_failed")["field"],
        "parent"
    );
    let no_app = post(application("siks", "tidak-terdaftar"))
        .await
        .problem(422, "validation_failed");
    assert_eq!(no_app["field"], "application");
    post(application("e-bansos", "e-bansos")).await.status(201);
    let mut over = json!({"code": "mahal", "name": "Mahal", "details": {"kind": "roadmap_item", "part": "aplikasi",
        "status": "planned", "first_year": 2026, "last_year": 2026,
        "budget": [{"year": 2027, "rupiah": 1}]}});
    assert_eq!(
        post(over.clone()).await.problem(422, "validation_failed")["field"],
        "budget"
    );
    over["details"]["budget"] = json!([{"year": 2026, "rupiah": -5}]);
    post(over).await.status(422);
    app.get(&format!("{P}/elements?kind=martian"))
        .by(Who::Platform)
        .send()
        .await
        .problem(400, "invalid_query");
    app.get("/api/v1/architecture/2029-2025/elements")
        .by(Who::Platform)
        .send()
        .await
        .problem(404, "not_found");
}

api_test!(relations_need_visible_ends_and_fitting_kinds);
async fn relations_need_visible_ends_and_fitting_kinds(app: TestApp) {
    for (who, agency, body) in [
        (Who::DinsosAdmin, "dinsos", process("bansos", "RAB.04.02")),
        (Who::BpsdmAdmin, "bpsdm", application("simpeg", "simpeg")),
        (Who::DinsosAdmin, "dinsos", application("e-bansos", "e-bansos")),
    ] {
        app.post(&format!("{P}/agencies/{agency}/elements"))
            .by(who)
            .json(body)
            .send()
            .await
            .status(201);
    }
    let rel = |kind: &str, from: (&str, &str), to: (&str, &str)| json!({"kind": kind, "source": {"agency": from.0, "code": from.1}, "target": {"agency": to.0, "code": to.1}});
    let relations = format!("{P}/relations");
    let backwards = app
        .post(&relations)
        .by(Who::DinsosAdmin)
        .json(rel("serving", ("dinsos", "bansos"), ("dinsos", "e-bansos")))
        .send()
        .await
        .problem(422, "validation_failed");
    assert!(
        backwards["detail"]
            .as_str()
            .unwrap()
            .contains("serving relation cannot go from a business_process")
    );
    let cross = rel("serving", ("bpsdm", "simpeg"), ("dinsos", "bansos"));
    app.post(&relations)
        .by(Who::BpsdmAdmin)
        .json(cross.clone())
        .send()
        .await
        .problem(422, "validation_failed");
    let created = app
        .post(&relations)
        .by(Who::Platform)
        .json(cross)
        .send()
        .await
        .status(201);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let own = app
        .post(&relations)
        .by(Who::DinsosAdmin)
        .json(rel("serving", ("dinsos", "e-bansos"), ("dinsos", "bansos")))
        .send()
        .await
        .status(201);
    let seen = app
        .get(&format!("{relations}?agency=dinsos"))
        .by(Who::DinsosAdmin)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(
        seen["items"].as_array().unwrap().len(),
        2,
        "dinsos sees both relations touching it"
    );
    app.delete(&format!("/api/v1/architecture/relations/{id}"))
        .by(Who::DinsosAdmin)
        .send()
        .await
        .problem(403, "forbidden");
    app.delete(&format!("/api/v1/architecture/relations/{id}"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .status(204);
    let own_id = own.json()["id"].as_str().unwrap().to_owned();
    app.get(&format!("/api/v1/architecture/relations/{own_id}"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .problem(404, "not_found");
    app.delete(&format!("{P}/agencies/dinsos/elements/bansos"))
        .by(Who::DinsosAdmin)
        .send()
        .await
        .problem(409, "in_use");
    app.delete(&format!("{P}/agencies/dinsos/elements/bansos?cascade=true"))
        .by(Who::DinsosAdmin)
        .send()
        .await
        .status(204);
}

api_test!(local_codes_roadmap_totals_and_analyses);
async fn local_codes_roadmap_totals_and_analyses(app: TestApp) {
    let codes = "/api/v1/architecture/reference-codes/bontang";
    let local = json!({"code": "RAB.04.02.01", "name": "Penyaluran Bantuan Sosial"});
    app.post(codes)
        .by(Who::DinsosAdmin)
        .json(local.clone())
        .send()
        .await
        .problem(403, "forbidden");
    app.post(codes)
        .by(Who::Platform)
        .json(local.clone())
        .send()
        .await
        .status(201);
    app.post(codes)
        .by(Who::Platform)
        .json(local)
        .send()
        .await
        .problem(422, "validation_failed");
    let bad_parent = json!({"code": "RAB.40.02.01", "name": "Salah ketik"});
    app.post(codes)
        .by(Who::Platform)
        .json(bad_parent)
        .send()
        .await
        .problem(422, "validation_failed");
    let list = app.get(codes).by(Who::DinsosAdmin).send().await.ok().json();
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "RAB.04.02.01" && c["origin"] == "local")
    );
    app.post(&format!("{P}/agencies/dinsos/elements"))
        .by(Who::DinsosAdmin)
        .json(process("bansos", "RAB.04.02.01"))
        .send()
        .await
        .status(201);
    for (agency, who, code, part, amount) in [
        (
            "dinsos",
            Who::DinsosAdmin,
            "integrasi",
            "aplikasi",
            200_000_000u64,
        ),
        ("bpsdm", Who::BpsdmAdmin, "audit", "audit_tik", 150_000_000),
    ] {
        let item = json!({"code": code, "name": format!("Rencana {code}"), "details": {"kind": "roadmap_item",
            "part": part, "status": "planned", "first_year": 2026, "last_year": 2027,
            "budget": [{"year": 2026, "rupiah": amount}]}});
        app.post(&format!("{P}/agencies/{agency}/elements"))
            .by(who)
            .json(item)
            .send()
            .await
            .status(201);
    }
    let city = app
        .get(&format!("{P}/roadmap"))
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(city["totals"]["total"], 350_000_000);
    assert_eq!(city["totals"]["per_part"]["aplikasi"], 200_000_000);
    assert_eq!(city["totals"]["per_year"]["2026"], 350_000_000);
    let own = app
        .get(&format!("{P}/roadmap"))
        .by(Who::DinsosAdmin)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(
        own["totals"]["total"], 200_000_000,
        "an agency sees its own lines"
    );
    let analysis = app
        .get(&format!("{P}/analysis"))
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    let gap = &analysis["gaps"][0];
    assert_eq!(
        (gap["process"].as_str(), gap["no_service"].as_bool()),
        (Some("bansos"), Some(true))
    );
    let dinsos = analysis["completeness"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["agency"] == "dinsos")
        .unwrap();
    assert!(
        dinsos["missing"]
            .as_array()
            .unwrap()
            .contains(&json!("application"))
    );
}
