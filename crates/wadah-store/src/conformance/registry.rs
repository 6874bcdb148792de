//! Conformance cases for the registry: listing and searching, uniqueness, references,
//! optimistic concurrency, immutable codes and deletes with and without cascade.

use serde_json::json;
use wadah_domain::Actor;

use super::fixtures::*;
use crate::{AgencyFilter, ApplicationFilter, DeleteMode, PageRequest, Store, StoreError};

/// Agencies list in code order across pages; `q` searches the words of codes and names
/// case-insensitively and takes `%` and `_` literally (as word separators, never wildcards).
pub async fn agencies_paginate_and_search(store: &dyn Store) {
    seed_government(store).await;
    let names = [
        ("dinsos", "Dinas Sosial"),
        ("bpsdm", "Badan Pengembangan SDM"),
        ("diskominfo", "Dinas Komunikasi dan Informatika"),
        ("bapenda", "Badan Pendapatan Daerah"),
        ("dishub", "Dinas Perhubungan"),
        ("dukcapil", "Dinas Kependudukan"),
        ("promo", "Kantor Diskon 50% Kota"),
        ("under", "Kantor Data_Umum"),
        ("datax", "Kantor DataXUmum"),
    ];
    for (c, n) in names {
        store
            .create_agency(&agency(c, n), &change())
            .await
            .expect("create agency");
    }
    let filter = AgencyFilter::default();
    let listed = all_pages(3, |p| {
        let f = &filter;
        async move { store.list_agencies(f, &p).await }
    })
    .await;
    let codes: Vec<String> = listed.iter().map(|a| a.spec.code.to_string()).collect();
    let mut expected: Vec<String> = names.iter().map(|(c, _)| c.to_string()).collect();
    expected.sort();
    assert_eq!(codes, expected, "agencies come back once each, in code order");

    let search = |q: &str| PageRequest {
        q: Some(q.into()),
        ..PageRequest::first(50)
    };
    let found = |page: crate::Page<wadah_domain::agency::Agency>| -> Vec<String> {
        page.items.iter().map(|a| a.spec.code.to_string()).collect()
    };
    let dinas = store
        .list_agencies(&filter, &search("DINAS"))
        .await
        .expect("search");
    assert_eq!(found(dinas), ["dinsos", "dishub", "diskominfo", "dukcapil"]);
    let by_code = store
        .list_agencies(&filter, &search("bps"))
        .await
        .expect("search");
    assert_eq!(found(by_code), ["bpsdm"]);
    let percent = store
        .list_agencies(&filter, &search("50%"))
        .await
        .expect("search");
    assert_eq!(
        found(percent),
        ["promo"],
        "% is a literal character, not a wildcard"
    );
    let only_punctuation = store.list_agencies(&filter, &search("%")).await.expect("search");
    assert!(
        only_punctuation.items.is_empty(),
        "a q without letters or digits matches nothing"
    );
    let underscore = store
        .list_agencies(&filter, &search("data_umum"))
        .await
        .expect("search");
    assert_eq!(
        found(underscore),
        ["under"],
        "_ is a literal character, not a wildcard"
    );
    let nothing = store
        .list_agencies(&filter, &search("zzz"))
        .await
        .expect("search");
    assert!(nothing.items.is_empty() && nothing.next.is_none());

    let only = AgencyFilter {
        only: Some(code("dishub")),
        ..AgencyFilter::default()
    };
    let scoped = store
        .list_agencies(&only, &PageRequest::first(50))
        .await
        .expect("list");
    assert_eq!(found(scoped), ["dishub"]);
    let other_gov = AgencyFilter {
        government: Some(code("samarinda")),
        ..AgencyFilter::default()
    };
    let none = store
        .list_agencies(&other_gov, &PageRequest::first(50))
        .await
        .expect("list");
    assert!(none.items.is_empty());
}

/// A second object with the same code (in the same parent) is refused; other parents are free.
pub async fn duplicate_codes_are_refused(store: &dyn Store) {
    seed_government(store).await;
    seed_agency(store, "bpsdm").await;
    seed_agency(store, "dinsos").await;
    let again = store.create_agency(&agency("bpsdm", "Lagi"), &change()).await;
    assert!(matches!(again, Err(StoreError::Duplicate { .. })), "{again:?}");
    seed_application(store, "bpsdm", "simpeg").await;
    let twice = store
        .create_application(&code("bpsdm"), &application("simpeg"), &change())
        .await;
    assert!(matches!(twice, Err(StoreError::Duplicate { .. })), "{twice:?}");
    seed_application(store, "dinsos", "simpeg").await;
    let gov = store.create_government(&government("bontang"), &change()).await;
    assert!(matches!(gov, Err(StoreError::Duplicate { .. })), "{gov:?}");
}

/// Children need their parents: a missing agency or government is reported, nothing created.
pub async fn missing_parents_are_reported(store: &dyn Store) {
    let orphan = store.create_agency(&agency("bpsdm", "BPSDM"), &change()).await;
    assert!(
        matches!(
            orphan,
            Err(StoreError::MissingReference { .. } | StoreError::NotFound { .. })
        ),
        "{orphan:?}"
    );
    let app = store
        .create_application(&code("nowhere"), &application("simpeg"), &change())
        .await;
    assert!(
        matches!(
            app,
            Err(StoreError::NotFound { .. } | StoreError::MissingReference { .. })
        ),
        "{app:?}"
    );
    let read = store.get_application(&code("nowhere"), &code("simpeg")).await;
    assert!(matches!(read, Err(StoreError::NotFound { .. })), "{read:?}");
    seed_government(store).await;
    seed_agency(store, "bpsdm").await;
    let svc = store
        .create_service(
            &code("bpsdm"),
            &code("simpeg"),
            &service("pegawai", "public"),
            &change(),
        )
        .await;
    assert!(
        matches!(
            svc,
            Err(StoreError::NotFound { .. } | StoreError::MissingReference { .. })
        ),
        "{svc:?}"
    );
    let apps = store
        .list_applications(
            &code("bpsdm"),
            &ApplicationFilter::default(),
            &PageRequest::first(10),
        )
        .await
        .expect("list");
    assert!(apps.items.is_empty());
}

/// An update bumps the version and the updated stamp, keeps the created stamp; an update
/// against an old version is refused and leaves the stored object unchanged.
pub async fn updates_are_versioned(store: &dyn Store) {
    seed_government(store).await;
    let created = store
        .create_agency(&agency("bpsdm", "BPSDM"), &change())
        .await
        .expect("create");
    assert_eq!(created.meta.version, 1);
    let later = change_at("editor", T0 + 60_000);
    let renamed = store
        .update_agency(&code("bpsdm"), &agency("bpsdm", "Badan SDM"), 1, &later)
        .await
        .expect("update");
    assert_eq!(renamed.meta.version, 2);
    assert_eq!(renamed.meta.updated_by, Actor::user("editor"));
    assert_eq!(renamed.meta.updated_at, at(T0 + 60_000));
    assert_eq!(renamed.meta.created_at, created.meta.created_at);
    assert_eq!(renamed.meta.created_by, Actor::user("tester"));
    assert_eq!(store.get_agency(&code("bpsdm")).await.expect("get"), renamed);

    let stale = store
        .update_agency(&code("bpsdm"), &agency("bpsdm", "Kalah Cepat"), 1, &change())
        .await;
    match stale {
        Err(StoreError::StaleVersion { expected, actual, .. }) => assert_eq!((expected, actual), (1, 2)),
        other => panic!("expected StaleVersion, got {other:?}"),
    }
    assert_eq!(
        store.get_agency(&code("bpsdm")).await.expect("get"),
        renamed,
        "unchanged"
    );
    let missing = store
        .update_agency(&code("nope"), &agency("nope", "Nope"), 1, &change())
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound { .. })), "{missing:?}");
}

/// Codes are part of routes and references: an update naming another code is refused.
pub async fn codes_cannot_change(store: &dyn Store) {
    seed_government(store).await;
    seed_agency(store, "bpsdm").await;
    seed_application(store, "bpsdm", "simpeg").await;
    let agency_renamed = store
        .update_agency(&code("bpsdm"), &agency("bkpsdm", "BKPSDM"), 1, &change())
        .await;
    assert!(
        matches!(agency_renamed, Err(StoreError::InvalidState(_))),
        "{agency_renamed:?}"
    );
    let app_renamed = store
        .update_application(
            &code("bpsdm"),
            &code("simpeg"),
            &application("simpeg2"),
            1,
            &change(),
        )
        .await;
    assert!(
        matches!(app_renamed, Err(StoreError::InvalidState(_))),
        "{app_renamed:?}"
    );
    assert!(store.get_agency(&code("bkpsdm")).await.is_err());
    assert_eq!(
        store.get_agency(&code("bpsdm")).await.expect("get").meta.version,
        1
    );
}

/// Deleting an agency with dependents is refused (nothing deleted) unless cascading, which
/// removes everything below it, the users bound to it included.
pub async fn deletes_refuse_dependents_unless_cascading(store: &dyn Store) {
    seed_agencies_with_services(store, &["bpsdm", "dinsos"]).await;
    seed_application(store, "bpsdm", "absensi").await;
    let dev = spec(
        json!({"username": "dev-bpsdm", "display_name": "Dev", "role": "developer",
        "agency": "bpsdm", "application": "app"}),
    );
    store.create_user(&dev, None, &change()).await.expect("user");
    let cred_spec = spec(json!({"name": "kunci", "kind": "api_key"}));
    let cred = store
        .create_credential(
            &code("bpsdm"),
            &code("app"),
            &cred_spec,
            &secret("k1"),
            None,
            &change(),
        )
        .await
        .expect("credential");

    let refused = store
        .delete_agency(&code("bpsdm"), DeleteMode::default(), &change())
        .await;
    match refused {
        Err(StoreError::InUse { dependents, .. }) => {
            assert!(dependents.contains("2 applications"), "{dependents}");
            assert!(dependents.contains("1 user"), "{dependents}");
        }
        other => panic!("expected InUse, got {other:?}"),
    }
    let app_refused = store
        .delete_application(&code("bpsdm"), &code("app"), DeleteMode::default(), &change())
        .await;
    assert!(
        matches!(app_refused, Err(StoreError::InUse { .. })),
        "{app_refused:?}"
    );
    assert!(
        store
            .get_service(&service_ref("bpsdm", "app", "svc"))
            .await
            .is_ok()
    );
    assert!(store.get_credential(&cred.id).await.is_ok());

    let stale = DeleteMode {
        expected_version: Some(7),
        cascade: true,
    };
    let refused = store.delete_agency(&code("bpsdm"), stale, &change()).await;
    assert!(
        matches!(refused, Err(StoreError::StaleVersion { .. })),
        "{refused:?}"
    );

    let cascade = DeleteMode {
        expected_version: Some(1),
        cascade: true,
    };
    store
        .delete_agency(&code("bpsdm"), cascade, &change())
        .await
        .expect("cascade");
    assert!(matches!(
        store.get_agency(&code("bpsdm")).await,
        Err(StoreError::NotFound { .. })
    ));
    let gone = store.get_service(&service_ref("bpsdm", "app", "svc")).await;
    assert!(matches!(gone, Err(StoreError::NotFound { .. })), "{gone:?}");
    assert!(store.get_credential(&cred.id).await.is_err());
    let user = store.get_user(&spec(json!("dev-bpsdm"))).await;
    assert!(matches!(user, Err(StoreError::NotFound { .. })), "{user:?}");
    assert!(
        store
            .credential_by_digest(&secret("k1").digest)
            .await
            .expect("read")
            .is_none()
    );
    assert!(
        store
            .get_service(&service_ref("dinsos", "app", "svc"))
            .await
            .is_ok(),
        "others untouched"
    );

    store
        .delete_service(
            &service_ref("dinsos", "app", "svc"),
            DeleteMode::default(),
            &change(),
        )
        .await
        .expect("a service without rights deletes plainly");
    store
        .delete_application(&code("dinsos"), &code("app"), DeleteMode::default(), &change())
        .await
        .expect("an application without dependents deletes plainly");
}
