//! Building blocks for the conformance cases: fixed-time changes, specs built from JSON the
//! way the API receives them, and one-line seeding of a small registry.

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use wadah_domain::agency::{AgencySpec, GovernmentSpec};
use wadah_domain::application::ApplicationSpec;
use wadah_domain::secret::SecretDigest;
use wadah_domain::service::{ServiceRef, ServiceSpec};
use wadah_domain::time::from_millis;
use wadah_domain::{Actor, Code, Timestamp};

use crate::{Change, ChangeFilter, Page, PageRequest, Store, StoredSecret};

/// 2026-01-01T00:00:00Z: every change in the suite happens at or after this instant.
pub const T0: i64 = 1_767_225_600_000;

pub fn at(ms: i64) -> Timestamp {
    from_millis(ms)
}

/// A change by `user:tester` at `T0`.
pub fn change() -> Change {
    change_at("tester", T0)
}

pub fn change_at(user: &str, ms: i64) -> Change {
    Change {
        actor: Actor::user(user),
        at: at(ms),
    }
}

pub fn code(raw: &str) -> Code {
    Code::parse(raw).expect("a valid code in the suite")
}

/// A spec (or any domain value) from the JSON a client would send.
pub fn spec<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a valid spec in the suite")
}

pub fn government(code: &str) -> GovernmentSpec {
    spec(json!({"code": code, "name": format!("Pemerintah {code}"), "kind": "kota"}))
}

pub fn agency(code: &str, name: &str) -> AgencySpec {
    spec(json!({"code": code, "name": name, "government": "bontang"}))
}

pub fn application(code: &str) -> ApplicationSpec {
    spec(
        json!({"code": code, "name": format!("Aplikasi {code}"), "kind": "khusus",
        "lifecycle": {"stage": "active"}, "audience": "asn"}),
    )
}

pub fn service(code: &str, visibility: &str) -> ServiceSpec {
    spec(
        json!({"code": code, "name": format!("Layanan {code}"), "visibility": visibility,
        "upstream_url": format!("http://10.0.0.1:8080/{code}"), "classification": "terbatas"}),
    )
}

pub fn service_ref(agency: &str, application: &str, service: &str) -> ServiceRef {
    ServiceRef {
        agency: code(agency),
        application: code(application),
        service: code(service),
    }
}

/// A stored secret whose digest is derived from `tag` (never a real secret).
pub fn secret(tag: &str) -> StoredSecret {
    StoredSecret {
        digest: SecretDigest::of(&format!("wdh_{tag}")),
        hint: format!("wdh_{}…", &tag[..tag.len().min(6)]),
    }
}

/// Creates the `bontang` government every agency fixture belongs to.
pub async fn seed_government(store: &dyn Store) {
    store
        .create_government(&government("bontang"), &change())
        .await
        .expect("create government");
}

pub async fn seed_agency(store: &dyn Store, code: &str) {
    store
        .create_agency(&agency(code, &format!("Dinas {code}")), &change())
        .await
        .expect("create agency");
}

pub async fn seed_application(store: &dyn Store, agency: &str, app: &str) {
    store
        .create_application(&code(agency), &application(app), &change())
        .await
        .expect("create application");
}

pub async fn seed_service(store: &dyn Store, agency: &str, app: &str, svc: &str, visibility: &str) {
    store
        .create_service(&code(agency), &code(app), &service(svc, visibility), &change())
        .await
        .expect("create service");
}

/// Government `bontang`, and for each agency one application `app` with one public service
/// `svc`.
pub async fn seed_agencies_with_services(store: &dyn Store, agencies: &[&str]) {
    seed_government(store).await;
    for a in agencies {
        seed_agency(store, a).await;
        seed_application(store, a, "app").await;
        seed_service(store, a, "app", "svc", "public").await;
    }
}

/// Reads every page of a list with page size `limit`, checking that each page but the last is
/// full and that cursors move forward.
pub async fn all_pages<T, F, Fut>(limit: u32, mut read: F) -> Vec<T>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<Output = crate::StoreResult<Page<T>>>,
{
    let mut items = Vec::new();
    let mut after = None;
    for _ in 0..1000 {
        let page = read(PageRequest {
            after: after.clone(),
            ..PageRequest::first(limit)
        })
        .await
        .expect("read a page");
        let full = page.items.len() == limit as usize;
        items.extend(page.items);
        match page.next {
            Some(next) => {
                assert!(full, "a page with a next cursor must be full");
                assert_ne!(Some(&next), after.as_ref(), "the cursor must move");
                after = Some(next);
            }
            None => return items,
        }
    }
    panic!("pagination did not end");
}

/// The whole change log, newest first.
pub async fn changes(store: &dyn Store, filter: &ChangeFilter) -> Vec<wadah_domain::change::ChangeEntry> {
    all_pages(500, |p| async move { store.list_changes(filter, &p).await }).await
}
