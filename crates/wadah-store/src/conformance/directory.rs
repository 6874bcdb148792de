//! Conformance cases for what the portals and the gateway directory read: services with their
//! OpenAPI text, the cross-agency service directory, and the public-service catalogue.

use serde_json::json;
use wadah_domain::public_service::PublicServiceSpec;
use wadah_domain::service::ServiceSpec;

use super::fixtures::*;
use crate::{PageRequest, PublicServiceFilter, ServiceFilter, Store, StoreError};

const YAML: &str = "# SIMPEG API, maintained by BPSDM\nopenapi: 3.1.0\ninfo:   {title: SIMPEG, version: '1'}\n\
                    paths:\n  /pegawai/{nip}:   # key order and comments are the provider's\n    get: {summary: Satu pegawai}\n";

/// The OpenAPI document comes back byte for byte, comments and spacing included.
pub async fn services_keep_their_openapi_text(store: &dyn Store) {
    seed_government(store).await;
    seed_agency(store, "bpsdm").await;
    seed_application(store, "bpsdm", "simpeg").await;
    let mut value = serde_json::to_value(service("pegawai", "public")).expect("json");
    value["openapi"] = json!(YAML);
    let with_doc: ServiceSpec = spec(value);
    let created = store
        .create_service(&code("bpsdm"), &code("simpeg"), &with_doc, &change())
        .await
        .expect("create");
    let read = store
        .get_service(&service_ref("bpsdm", "simpeg", "pegawai"))
        .await
        .expect("get");
    assert_eq!(read, created);
    assert_eq!(read.spec.openapi.as_ref().map(|d| d.as_str()), Some(YAML));
    assert_eq!(
        (read.agency.as_str(), read.application.as_str()),
        ("bpsdm", "simpeg")
    );
    let listed = store
        .list_services(&code("bpsdm"), &code("simpeg"), &PageRequest::first(10))
        .await
        .expect("list");
    assert_eq!(listed.items, vec![created]);
    let nowhere = store
        .list_services(&code("bpsdm"), &code("absensi"), &PageRequest::first(10))
        .await;
    assert!(matches!(nowhere, Err(StoreError::NotFound { .. })), "{nowhere:?}");
}

/// The directory lists services of every agency ordered by agency/application/service code in
/// byte order (so `ab` < `ab-x` < `abc` on every engine), pages without gaps or repeats, and
/// filters by visibility and agency.
pub async fn service_directory_orders_and_pages_across_agencies(store: &dyn Store) {
    seed_government(store).await;
    let layout = [
        ("abc", "app", vec![("svc", "public")]),
        ("ab-x", "zeta", vec![("b1", "public"), ("a1", "internal")]),
        ("ab", "app", vec![("svc", "public"), ("svc-2", "public")]),
        ("ab", "app-2", vec![("svc", "public")]),
        ("aa", "mm", vec![("x1", "internal"), ("x-1", "public")]),
    ];
    let mut expected = Vec::new();
    for (agency_code, app, services) in &layout {
        if store.get_agency(&code(agency_code)).await.is_err() {
            seed_agency(store, agency_code).await;
        }
        seed_application(store, agency_code, app).await;
        for (svc, visibility) in services {
            seed_service(store, agency_code, app, svc, visibility).await;
            expected.push((
                agency_code.to_string(),
                app.to_string(),
                svc.to_string(),
                *visibility,
            ));
        }
    }
    expected.sort();
    let path = |s: &wadah_domain::service::Service| format!("{}/{}/{}", s.agency, s.application, s.spec.code);
    let want = |only: Option<&str>| -> Vec<String> {
        expected
            .iter()
            .filter(|(_, _, _, v)| only.is_none_or(|o| o == *v))
            .map(|(a, p, s, _)| format!("{a}/{p}/{s}"))
            .collect()
    };
    let every = ServiceFilter::default();
    let all = all_pages(2, |p| {
        let f = &every;
        async move { store.search_services(f, &p).await }
    })
    .await;
    assert_eq!(all.iter().map(path).collect::<Vec<_>>(), want(None));

    let public = ServiceFilter {
        visibility: Some(spec(json!("public"))),
        ..ServiceFilter::default()
    };
    let listed = all_pages(3, |p| {
        let f = &public;
        async move { store.search_services(f, &p).await }
    })
    .await;
    assert_eq!(listed.iter().map(path).collect::<Vec<_>>(), want(Some("public")));

    let one_agency = ServiceFilter {
        agency: Some(code("ab")),
        ..ServiceFilter::default()
    };
    let ab = store
        .search_services(&one_agency, &PageRequest::first(50))
        .await
        .expect("list");
    assert_eq!(
        ab.items.iter().map(path).collect::<Vec<_>>(),
        ["ab/app/svc", "ab/app/svc-2", "ab/app-2/svc"]
    );
    let searched = PageRequest {
        q: Some("SVC-2".into()),
        ..PageRequest::first(50)
    };
    let hit = store.search_services(&every, &searched).await.expect("search");
    assert_eq!(hit.items.iter().map(path).collect::<Vec<_>>(), ["ab/app/svc-2"]);
}

fn public_service(code: &str, audience: &str, topics: &[&str], apps: &[&str]) -> PublicServiceSpec {
    spec(
        json!({"code": code, "name": format!("Layanan publik {code}"), "audience": audience,
        "topics": topics, "applications": apps, "requirements": ["KTP", "KK"]}),
    )
}

/// The catalogue filters by topic, audience and agency, orders by agency/code across pages,
/// and keeps the applications that realise each service (which must exist in that agency).
pub async fn public_services_filter_by_topic_and_audience(store: &dyn Store) {
    seed_agencies_with_services(store, &["dinsos", "disdukcapil"]).await;
    seed_application(store, "dinsos", "e-bansos").await;
    let made = store
        .create_public_service(
            &code("dinsos"),
            &public_service(
                "bansos",
                "public",
                &["bantuan-sosial"],
                &["e-bansos", "app", "e-bansos"],
            ),
            &change(),
        )
        .await
        .expect("create");
    assert_eq!(
        made.spec.applications,
        [code("e-bansos"), code("app")],
        "duplicates dropped, order kept"
    );
    let specs = [
        (
            "dinsos",
            public_service("dtks", "public", &["bantuan-sosial", "data"], &[]),
        ),
        (
            "dinsos",
            public_service("cuti", "asn", &["kepegawaian"], &["app"]),
        ),
        (
            "disdukcapil",
            public_service("ktp", "public", &["identitas", "data"], &["app"]),
        ),
        (
            "disdukcapil",
            public_service("akta", "public", &["identitas"], &[]),
        ),
    ];
    for (agency_code, s) in &specs {
        store
            .create_public_service(&code(agency_code), s, &change())
            .await
            .expect("create");
    }
    let read = store
        .get_public_service(&code("dinsos"), &code("bansos"))
        .await
        .expect("get");
    assert_eq!(read, made);

    let keys = |items: &[wadah_domain::public_service::PublicService]| -> Vec<String> {
        items
            .iter()
            .map(|p| format!("{}/{}", p.agency, p.spec.code))
            .collect()
    };
    let every = PublicServiceFilter::default();
    let all = all_pages(2, |p| {
        let f = &every;
        async move { store.list_public_services(f, &p).await }
    })
    .await;
    assert_eq!(
        keys(&all),
        [
            "dinsos/bansos",
            "dinsos/cuti",
            "dinsos/dtks",
            "disdukcapil/akta",
            "disdukcapil/ktp"
        ]
    );
    let topic = PublicServiceFilter {
        topic: Some(code("data")),
        ..PublicServiceFilter::default()
    };
    let data = store
        .list_public_services(&topic, &PageRequest::first(50))
        .await
        .expect("list");
    assert_eq!(keys(&data.items), ["dinsos/dtks", "disdukcapil/ktp"]);
    let asn = PublicServiceFilter {
        audience: Some(spec(json!("asn"))),
        ..PublicServiceFilter::default()
    };
    let staff = store
        .list_public_services(&asn, &PageRequest::first(50))
        .await
        .expect("list");
    assert_eq!(keys(&staff.items), ["dinsos/cuti"]);
    let agency_topic = PublicServiceFilter {
        agency: Some(code("disdukcapil")),
        topic: Some(code("identitas")),
        ..PublicServiceFilter::default()
    };
    let both = store
        .list_public_services(&agency_topic, &PageRequest::first(50))
        .await
        .expect("list");
    assert_eq!(keys(&both.items), ["disdukcapil/akta", "disdukcapil/ktp"]);
    assert_eq!(both.items[1].spec.applications, [code("app")]);

    let foreign_app = public_service("bpjs", "public", &[], &["e-bansos"]);
    let refused = store
        .create_public_service(&code("disdukcapil"), &foreign_app, &change())
        .await;
    assert!(
        matches!(refused, Err(StoreError::MissingReference { .. })),
        "{refused:?}"
    );
    assert!(
        store
            .get_public_service(&code("disdukcapil"), &code("bpjs"))
            .await
            .is_err()
    );
}
