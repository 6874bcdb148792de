//! The OpenAPI document: committed at `docs/openapi.json` and kept in step with the code
//! (`UPDATE_OPENAPI=1 cargo test -p wadah-web openapi_document_is_up_to_date` rewrites it),
//! served at `/api/v1/openapi.json`, and every documented operation is actually routed.

use std::path::PathBuf;

use axum::http::Method;
use serde_json::Value;

use crate::helpers::TestApp;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json")
}

#[test]
fn openapi_document_is_up_to_date() {
    let generated = wadah_web::openapi_json();
    let path = committed_path();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/openapi.json is out of date with the code.\n\
         Regenerate it with: UPDATE_OPENAPI=1 cargo test -p wadah-web --test api openapi_document_is_up_to_date\n\
         and commit the result."
    );
}

#[test]
fn every_reference_in_the_document_resolves() {
    let doc: Value = serde_json::from_str(&wadah_web::openapi_json()).unwrap();
    fn walk<'a>(v: &'a Value, refs: &mut Vec<&'a str>) {
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v) {
                        ("$ref", Value::String(r)) => refs.push(r),
                        _ => walk(v, refs),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, refs)),
            _ => {}
        }
    }
    let mut refs = Vec::new();
    walk(&doc, &mut refs);
    assert!(!refs.is_empty());
    for r in refs {
        let pointer = r.trim_start_matches('#');
        assert!(doc.pointer(pointer).is_some(), "dangling {r}");
    }
    assert_eq!(doc["openapi"], "3.1.0");
    let mut ids: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|op| op["operationId"].as_str())
        .collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "operationIds must be unique");
}

api_test!(the_document_is_served_and_every_operation_is_routed);
async fn the_document_is_served_and_every_operation_is_routed(app: TestApp) {
    let served = app.get("/api/v1/openapi.json").send().await.ok();
    assert_eq!(served.text(), wadah_web::openapi_json());
    let doc = served.json();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let concrete = path
            .replace("{agency}", "bpsdm")
            .replace("{application}", "simpeg")
            .replace("{service}", "pegawai")
            .replace("{government}", "bontang")
            .replace("{username}", "admin")
            .replace("{code}", "cuti-pegawai")
            .replace("{id}", "some-id");
        for (method, operation) in item.as_object().unwrap() {
            let method: Method = method.to_uppercase().parse().unwrap();
            let resp = app.call(method.clone(), &concrete).send().await;
            let secured = operation.get("security").is_some();
            if secured {
                resp.problem(401, "unauthenticated");
            } else {
                assert!(resp.status.is_success(), "{method} {concrete}: {}", resp.status);
            }
        }
    }
}
