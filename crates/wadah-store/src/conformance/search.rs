//! Conformance cases for `q` on the registry lists: word-prefix search (see `crate::search`)
//! on codes and names, case- and accent-insensitive, punctuation never a wildcard, kept in step
//! with renames and deletes (cascades included), and paged like any list.

use serde_json::json;
use wadah_domain::agency::Agency;
use wadah_domain::public_service::{PublicService, PublicServiceSpec};
use wadah_domain::service::{Service, ServiceSpec};

use super::fixtures::*;
use crate::{
    AgencyFilter, ApplicationFilter, DeleteMode, PageRequest, PublicServiceFilter, ServiceFilter, Store,
    StoreError,
};

fn q(text: &str) -> PageRequest {
    PageRequest {
        q: Some(text.into()),
        ..PageRequest::first(50)
    }
}

fn agency_codes(items: &[Agency]) -> Vec<String> {
    items.iter().map(|a| a.spec.code.to_string()).collect()
}

fn paths(items: &[Service]) -> Vec<String> {
    items
        .iter()
        .map(|s| format!("{}/{}/{}", s.agency, s.application, s.spec.code))
        .collect()
}

fn public_keys(items: &[PublicService]) -> Vec<String> {
    items
        .iter()
        .map(|p| format!("{}/{}", p.agency, p.spec.code))
        .collect()
}

fn named_service(code: &str, name: &str) -> ServiceSpec {
    spec(json!({"code": code, "name": name, "visibility": "public",
        "upstream_url": format!("http://10.0.0.1:8080/{code}"), "classification": "terbatas"}))
}

fn named_public_service(code: &str, name: &str) -> PublicServiceSpec {
    spec(json!({"code": code, "name": name, "audience": "public"}))
}

async fn agencies_found(store: &dyn Store, text: &str) -> Vec<String> {
    let page = store
        .list_agencies(&AgencyFilter::default(), &q(text))
        .await
        .expect("search agencies");
    agency_codes(&page.items)
}

async fn directory_found(store: &dyn Store, text: &str) -> Vec<String> {
    let page = store
        .search_services(&ServiceFilter::default(), &q(text))
        .await
        .expect("search the directory");
    paths(&page.items)
}

/// Every word of `q` must be a prefix of a word of the code or the name, in any order,
/// ignoring case and accents; there is no infix matching. The same rules hold on every
/// registry list: governments, agencies, applications, services (one application's and the
/// directory) and public services.
pub async fn search_matches_word_prefixes_in_every_registry_list(store: &dyn Store) {
    seed_government(store).await;
    for (c, n) in [
        ("dinsos", "Dinas Sosial"),
        ("dishub", "Dinas Perhubungan"),
        ("bapenda", "Badan Pendapatan Daérah"),
        ("sosialita", "Kantor Sosialita"),
    ] {
        store
            .create_agency(&agency(c, n), &change())
            .await
            .expect("create agency");
    }
    assert_eq!(agencies_found(store, "DINAS sos").await, ["dinsos"]);
    assert_eq!(
        agencies_found(store, "sos dinas").await,
        ["dinsos"],
        "order does not matter"
    );
    assert_eq!(
        agencies_found(store, "sos").await,
        ["dinsos", "sosialita"],
        "prefix of a name word or of the code"
    );
    assert_eq!(
        agencies_found(store, "daerah").await,
        ["bapenda"],
        "accent folded"
    );
    assert_eq!(
        agencies_found(store, "DAÉR").await,
        ["bapenda"],
        "accent folded in q too"
    );
    assert_eq!(agencies_found(store, "ba pen").await, ["bapenda"]);
    assert!(
        agencies_found(store, "hubungan").await.is_empty(),
        "no infix matching"
    );
    assert!(
        agencies_found(store, "dinas zzz").await.is_empty(),
        "every word must match"
    );
    let too_many = store
        .list_agencies(&AgencyFilter::default(), &q("a b c d e f"))
        .await;
    assert!(
        matches!(too_many, Err(StoreError::InvalidState(_))),
        "{too_many:?}"
    );

    let governments = store
        .list_governments(&q("pemerintah BONT"))
        .await
        .expect("search governments");
    assert_eq!(governments.items.len(), 1);

    for (app, name) in [
        ("dtks", "Data Terpadu Kesejahteraan Sosial"),
        ("siks-ng", "Sistem Informasi Kesejahteraan Sosial"),
        ("e-rujukan", "Rujukan Terpadu"),
    ] {
        let spec = spec(json!({"code": app, "name": name, "kind": "khusus",
            "lifecycle": {"stage": "active"}, "audience": "asn"}));
        store
            .create_application(&code("dinsos"), &spec, &change())
            .await
            .expect("create application");
    }
    let apps = |text: &str| {
        let page = q(text);
        async move {
            let found = store
                .list_applications(&code("dinsos"), &ApplicationFilter::default(), &page)
                .await
                .expect("search applications");
            found
                .items
                .iter()
                .map(|a| a.spec.code.to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(apps("kesejahteraan").await, ["dtks", "siks-ng"]);
    assert_eq!(apps("terpadu").await, ["dtks", "e-rujukan"]);
    assert_eq!(apps("siks ng").await, ["siks-ng"], "code words");
    assert!(apps("sejahtera").await.is_empty());

    for (svc, name) in [
        ("penerima", "Data Penerima Bantuan"),
        ("keluarga", "Data Keluarga Miskin"),
    ] {
        store
            .create_service(
                &code("dinsos"),
                &code("dtks"),
                &named_service(svc, name),
                &change(),
            )
            .await
            .expect("create service");
    }
    let listed = store
        .list_services(&code("dinsos"), &code("dtks"), &q("data BANT"))
        .await
        .expect("search services");
    assert_eq!(paths(&listed.items), ["dinsos/dtks/penerima"]);
    assert_eq!(
        directory_found(store, "miskin data").await,
        ["dinsos/dtks/keluarga"]
    );
    assert_eq!(
        directory_found(store, "data").await,
        ["dinsos/dtks/keluarga", "dinsos/dtks/penerima"]
    );

    store
        .create_public_service(
            &code("dinsos"),
            &named_public_service("pbi", "Pendaftaran Penerima Bantuan Iuran"),
            &change(),
        )
        .await
        .expect("create public service");
    let catalogue = store
        .list_public_services(&PublicServiceFilter::default(), &q("bantuan IUR"))
        .await
        .expect("search public services");
    assert_eq!(public_keys(&catalogue.items), ["dinsos/pbi"]);
}

/// `%`, `_` and other punctuation separate words and are never wildcards; a `q` with nothing
/// but punctuation matches nothing.
pub async fn search_takes_punctuation_literally(store: &dyn Store) {
    seed_government(store).await;
    for (c, n) in [
        ("promo", "Kantor Diskon 50% Kota"),
        ("under", "Kantor Data_Umum"),
        ("datax", "Kantor DataXUmum"),
        ("lima", "Kantor 50 Persen"),
    ] {
        store
            .create_agency(&agency(c, n), &change())
            .await
            .expect("create agency");
    }
    assert_eq!(agencies_found(store, "data_umum").await, ["under"]);
    assert_eq!(agencies_found(store, "diskon 50%").await, ["promo"]);
    assert_eq!(agencies_found(store, "50%").await, ["lima", "promo"]);
    assert!(agencies_found(store, "%").await.is_empty());
    assert!(agencies_found(store, "_").await.is_empty());
    assert!(agencies_found(store, "%_%").await.is_empty());
    assert!(
        agencies_found(store, "kan%r").await.is_empty(),
        "% is no wildcard"
    );
    assert!(
        agencies_found(store, "k_ntor").await.is_empty(),
        "_ is no wildcard"
    );
}

/// A rename replaces the object's words; a delete removes them, also when a cascade deletes
/// the object with its parent.
pub async fn search_follows_renames_and_deletes(store: &dyn Store) {
    seed_government(store).await;
    store
        .create_agency(&agency("dinsos", "Dinas Sosial"), &change())
        .await
        .expect("create agency");
    let renamed = store
        .update_agency(
            &code("dinsos"),
            &agency("dinsos", "Dinas Pemberdayaan Masyarakat"),
            1,
            &change(),
        )
        .await
        .expect("rename");
    assert_eq!(renamed.meta.version, 2);
    assert!(
        agencies_found(store, "sosial").await.is_empty(),
        "old words are gone"
    );
    assert_eq!(agencies_found(store, "pemberdayaan").await, ["dinsos"]);
    assert_eq!(
        agencies_found(store, "dinsos").await,
        ["dinsos"],
        "the code stays"
    );

    seed_application(store, "dinsos", "dtks").await;
    let app = spec(
        json!({"code": "dtks", "name": "Data Terpadu Kesejahteraan Sosial", "kind": "khusus",
        "lifecycle": {"stage": "active"}, "audience": "asn"}),
    );
    store
        .update_application(&code("dinsos"), &code("dtks"), &app, 1, &change())
        .await
        .expect("rename application");
    let apps = store
        .list_applications(
            &code("dinsos"),
            &ApplicationFilter::default(),
            &q("kesejahteraan"),
        )
        .await
        .expect("search");
    assert_eq!(apps.items.len(), 1);
    let apps = store
        .list_applications(&code("dinsos"), &ApplicationFilter::default(), &q("aplikasi"))
        .await
        .expect("search");
    assert!(apps.items.is_empty(), "the old name's words are gone");

    for (svc, name) in [("penerima", "Penerima Bantuan"), ("rujukan", "Rujukan Bantuan")] {
        store
            .create_service(
                &code("dinsos"),
                &code("dtks"),
                &named_service(svc, name),
                &change(),
            )
            .await
            .expect("create service");
    }
    let r = service_ref("dinsos", "dtks", "penerima");
    store
        .update_service(&r, &named_service("penerima", "Penerima Iuran"), 1, &change())
        .await
        .expect("rename service");
    assert_eq!(directory_found(store, "bantuan").await, ["dinsos/dtks/rujukan"]);
    assert_eq!(directory_found(store, "iuran").await, ["dinsos/dtks/penerima"]);
    store
        .delete_service(&r, DeleteMode::default(), &change())
        .await
        .expect("delete service");
    assert!(directory_found(store, "iuran").await.is_empty());
    assert!(directory_found(store, "penerima").await.is_empty());

    let ps = named_public_service("pbi", "Penerima Bantuan Iuran");
    store
        .create_public_service(&code("dinsos"), &ps, &change())
        .await
        .expect("create public service");
    store
        .update_public_service(
            &code("dinsos"),
            &code("pbi"),
            &named_public_service("pbi", "Jaminan Kesehatan"),
            1,
            &change(),
        )
        .await
        .expect("rename public service");
    let catalogue = |text: &str| {
        let page = q(text);
        async move {
            let found = store
                .list_public_services(&PublicServiceFilter::default(), &page)
                .await
                .expect("search public services");
            public_keys(&found.items)
        }
    };
    assert!(catalogue("iuran").await.is_empty());
    assert_eq!(catalogue("jaminan").await, ["dinsos/pbi"]);

    let cascade = DeleteMode {
        expected_version: None,
        cascade: true,
    };
    store
        .delete_agency(&code("dinsos"), cascade, &change())
        .await
        .expect("cascading delete");
    assert!(agencies_found(store, "pemberdayaan").await.is_empty());
    assert!(
        directory_found(store, "rujukan").await.is_empty(),
        "cascaded service"
    );
    assert!(catalogue("jaminan").await.is_empty(), "cascaded public service");

    // The same codes and names again: nothing of the deleted objects is left to collide with.
    store
        .create_agency(&agency("dinsos", "Dinas Sosial"), &change())
        .await
        .expect("create again");
    seed_application(store, "dinsos", "dtks").await;
    store
        .create_service(
            &code("dinsos"),
            &code("dtks"),
            &named_service("rujukan", "Rujukan"),
            &change(),
        )
        .await
        .expect("create again");
    assert_eq!(directory_found(store, "rujukan").await, ["dinsos/dtks/rujukan"]);
}

/// Paging through search results visits every match once, in list order, with full pages; the
/// cross-agency directory and catalogue answer the same as their one-agency views put together.
pub async fn search_results_page_completely(store: &dyn Store) {
    seed_government(store).await;
    let mut expected = Vec::new();
    let mut expected_public = Vec::new();
    for a in ["ab", "ab-x", "abc", "bb"] {
        store
            .create_agency(&agency(a, &format!("Dinas {a}")), &change())
            .await
            .expect("create agency");
        for p in ["app", "app-2"] {
            seed_application(store, a, p).await;
            for (i, s) in ["s1", "s-2", "s3"].iter().enumerate() {
                // Every other service is a "data" service; all are "layanan".
                let name = if i % 2 == 0 {
                    "Layanan Data"
                } else {
                    "Layanan Peta"
                };
                store
                    .create_service(&code(a), &code(p), &named_service(s, name), &change())
                    .await
                    .expect("create service");
                if i % 2 == 0 {
                    expected.push((a.to_owned(), p.to_owned(), s.to_string()));
                }
            }
        }
        for ps in ["izin", "izin-2"] {
            store
                .create_public_service(&code(a), &named_public_service(ps, "Izin Usaha"), &change())
                .await
                .expect("create public service");
            expected_public.push(format!("{a}/{ps}"));
        }
    }
    expected.sort();
    let expected: Vec<String> = expected.iter().map(|(a, p, s)| format!("{a}/{p}/{s}")).collect();
    for limit in [1, 2, 3, 50] {
        let every = ServiceFilter::default();
        let found = all_pages(limit, |p| {
            let f = &every;
            async move {
                store
                    .search_services(
                        f,
                        &PageRequest {
                            q: Some("LAYANAN data".into()),
                            ..p
                        },
                    )
                    .await
            }
        })
        .await;
        assert_eq!(paths(&found), expected, "directory pages of {limit}");

        let mut per_agency = Vec::new();
        for a in ["ab", "ab-x", "abc", "bb"] {
            let one = ServiceFilter {
                agency: Some(code(a)),
                ..ServiceFilter::default()
            };
            let found = all_pages(limit, |p| {
                let f = &one;
                async move {
                    store
                        .search_services(
                            f,
                            &PageRequest {
                                q: Some("data lay".into()),
                                ..p
                            },
                        )
                        .await
                }
            })
            .await;
            per_agency.extend(paths(&found));
        }
        assert_eq!(per_agency, expected, "one agency at a time, pages of {limit}");

        let every = PublicServiceFilter::default();
        let found = all_pages(limit, |p| {
            let f = &every;
            async move {
                store
                    .list_public_services(
                        f,
                        &PageRequest {
                            q: Some("izin".into()),
                            ..p
                        },
                    )
                    .await
            }
        })
        .await;
        assert_eq!(public_keys(&found), expected_public, "catalogue pages of {limit}");

        let filter = AgencyFilter::default();
        let found = all_pages(limit, |p| {
            let f = &filter;
            async move {
                store
                    .list_agencies(
                        f,
                        &PageRequest {
                            q: Some("dinas".into()),
                            ..p
                        },
                    )
                    .await
            }
        })
        .await;
        assert_eq!(agency_codes(&found), ["ab", "ab-x", "abc", "bb"]);
    }
}

/// The registry an engine's upgrade test writes with migration 0001's schema, before the word
/// index existed: government `bontang`, agency `dinsos` ("Dinas Sosial"), its application
/// `dtks` and service `dtks/penerima` ("Data Penerima Bantuan") and public service `pbi`
/// ("Penerima Bantuan Iuran"). Each row as `(table, code, doc)`; ids and the other columns are
/// the test's.
pub fn legacy_rows() -> Vec<(&'static str, &'static str, String)> {
    let doc = |v: serde_json::Value| v.to_string();
    vec![
        ("governments", "bontang", doc(json!(government("bontang")))),
        ("agencies", "dinsos", doc(json!(agency("dinsos", "Dinas Sosial")))),
        ("applications", "dtks", doc(json!(application("dtks")))),
        (
            "services",
            "penerima",
            doc(json!(named_service("penerima", "Data Penerima Bantuan"))),
        ),
        (
            "public_services",
            "pbi",
            doc(json!(named_public_service("pbi", "Penerima Bantuan Iuran"))),
        ),
    ]
}

/// After the upgrade, the objects of [`legacy_rows`] are found by their words (the store
/// filled the index in when it migrated) and by their paths.
pub async fn upgraded_registry_is_searchable(store: &dyn Store) {
    assert_eq!(agencies_found(store, "sosial").await, ["dinsos"]);
    assert_eq!(
        directory_found(store, "bantuan data").await,
        ["dinsos/dtks/penerima"]
    );
    let apps = store
        .list_applications(
            &code("dinsos"),
            &ApplicationFilter::default(),
            &q("aplikasi dtks"),
        )
        .await
        .expect("search applications");
    assert_eq!(apps.items.len(), 1);
    let catalogue = store
        .list_public_services(&PublicServiceFilter::default(), &q("iuran"))
        .await
        .expect("search public services");
    assert_eq!(public_keys(&catalogue.items), ["dinsos/pbi"]);
    let governments = store.list_governments(&q("kota")).await.expect("search");
    assert!(
        governments.items.is_empty(),
        "the fixture's government is named Pemerintah bontang"
    );
    assert_eq!(
        store
            .list_governments(&q("bontang"))
            .await
            .expect("search")
            .items
            .len(),
        1
    );
    let service = store
        .get_service(&service_ref("dinsos", "dtks", "penerima"))
        .await
        .expect("get the upgraded service");
    assert_eq!(service.spec.name.as_str(), "Data Penerima Bantuan");
    // Writes after the upgrade keep the index as usual.
    store
        .update_agency(
            &code("dinsos"),
            &agency("dinsos", "Dinas Sosial dan Pemberdayaan"),
            1,
            &change(),
        )
        .await
        .expect("rename after the upgrade");
    assert_eq!(agencies_found(store, "pemberdayaan").await, ["dinsos"]);
}
