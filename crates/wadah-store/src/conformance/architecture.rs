//! Conformance cases for the architecture role: elements keyed by agency, period and code,
//! versioned and logged like registry objects; relations that need both ends; deletes that
//! refuse while relations or children depend; and the model import, all or nothing.

use serde_json::json;
use wadah_domain::architecture::{
    ArchitectureModel, ElementKey, ElementKind, ElementSpec, ModelRelation, Period, RelationSpec,
};

use super::fixtures::*;
use crate::{
    ArchElementFilter, ArchModelFilter, ArchRelationFilter, ChangeFilter, DeleteMode, PageRequest, Store,
    StoreError,
};

fn period() -> Period {
    Period::parse("2025-2029").unwrap()
}

fn process(c: &str) -> ElementSpec {
    spec(
        json!({"code": c, "name": format!("Proses {c}"), "ref_code": "RAB.04.02",
                "owner": "Bidang Linjamsos", "details": {"kind": "business_process"}}),
    )
}

fn application(c: &str) -> ElementSpec {
    spec(
        json!({"code": c, "name": format!("Aplikasi {c}"), "details": {"kind": "application",
        "lifecycle": "active", "technical_fit": "adequate", "functional_fit": "poor", "disposition": "tolerate"}}),
    )
}

fn serving(from: (&str, &str), to: (&str, &str)) -> RelationSpec {
    spec(
        json!({"kind": "serving", "source": {"agency": from.0, "code": from.1},
                "target": {"agency": to.0, "code": to.1}}),
    )
}

fn key(agency: &str, c: &str) -> ElementKey {
    ElementKey {
        agency: code(agency),
        period: period(),
        code: code(c),
    }
}

/// Elements list per agency in code order across pages, refuse duplicates and stale
/// versions, keep their kind, and every write shows in the agency's change log.
pub async fn architecture_elements_are_versioned_and_scoped(store: &dyn Store) {
    seed_government(store).await;
    seed_agency(store, "dinsos").await;
    seed_agency(store, "bpsdm").await;
    for c in ["p3", "p1", "p2"] {
        store
            .create_arch_element(&code("dinsos"), period(), &process(c), &change())
            .await
            .unwrap();
    }
    store
        .create_arch_element(&code("bpsdm"), period(), &application("simpeg"), &change())
        .await
        .unwrap();
    let dup = store
        .create_arch_element(&code("dinsos"), period(), &process("p1"), &change())
        .await;
    assert!(matches!(dup, Err(StoreError::Duplicate { .. })), "{dup:?}");
    let missing = store
        .create_arch_element(&code("nowhere"), period(), &process("p1"), &change())
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound { .. })), "{missing:?}");

    let filter = ArchElementFilter {
        agency: Some(code("dinsos")),
        ..ArchElementFilter::default()
    };
    let listed = all_pages(2, |p| {
        let f = &filter;
        async move { store.list_arch_elements(f, &p).await }
    })
    .await;
    let codes: Vec<&str> = listed.iter().map(|e| e.spec.code.as_str()).collect();
    assert_eq!(codes, ["p1", "p2", "p3"]);
    let apps = store
        .list_arch_elements(
            &ArchElementFilter {
                kind: Some(ElementKind::Application),
                ..ArchElementFilter::default()
            },
            &PageRequest::first(50),
        )
        .await
        .unwrap();
    assert_eq!(apps.items.len(), 1);

    let mut renamed = process("p1");
    renamed.name = wadah_domain::text::Name::parse("Verifikasi penerima").unwrap();
    let updated = store
        .update_arch_element(&key("dinsos", "p1"), &renamed, 1, &change())
        .await
        .unwrap();
    assert_eq!(updated.meta.version, 2);
    let stale = store
        .update_arch_element(&key("dinsos", "p1"), &renamed, 1, &change())
        .await;
    assert!(matches!(stale, Err(StoreError::StaleVersion { .. })), "{stale:?}");
    let mut rekinded = application("p1");
    rekinded.name = renamed.name.clone();
    let kind = store
        .update_arch_element(&key("dinsos", "p1"), &rekinded, 2, &change())
        .await;
    assert!(matches!(kind, Err(StoreError::InvalidState(_))), "{kind:?}");
    assert_eq!(
        store
            .get_arch_element(&key("dinsos", "p1"))
            .await
            .unwrap()
            .spec
            .name
            .as_str(),
        "Verifikasi penerima"
    );
    let log = changes(
        store,
        &ChangeFilter {
            agency: Some(code("dinsos")),
            kind: Some("architecture element".into()),
        },
    )
    .await;
    assert_eq!(log.len(), 4, "three creates and one update: {log:?}");
}

/// A relation needs both ends; an element with relations is only deleted with a cascade,
/// which removes (and logs) its relations too.
pub async fn architecture_relations_follow_their_elements(store: &dyn Store) {
    seed_government(store).await;
    seed_agency(store, "dinsos").await;
    seed_agency(store, "bpsdm").await;
    store
        .create_arch_element(&code("dinsos"), period(), &process("bansos"), &change())
        .await
        .unwrap();
    store
        .create_arch_element(&code("bpsdm"), period(), &application("simpeg"), &change())
        .await
        .unwrap();
    let dangling = store
        .create_arch_relation(
            period(),
            &serving(("bpsdm", "simpeg"), ("dinsos", "hilang")),
            &change(),
        )
        .await;
    assert!(
        matches!(dangling, Err(StoreError::MissingReference { .. })),
        "{dangling:?}"
    );
    let rel = store
        .create_arch_relation(
            period(),
            &serving(("bpsdm", "simpeg"), ("dinsos", "bansos")),
            &change(),
        )
        .await
        .unwrap();
    let again = store
        .create_arch_relation(
            period(),
            &serving(("bpsdm", "simpeg"), ("dinsos", "bansos")),
            &change(),
        )
        .await;
    assert!(matches!(again, Err(StoreError::Duplicate { .. })), "{again:?}");
    let of_dinsos = store
        .list_arch_relations(
            &ArchRelationFilter {
                agency: Some(code("dinsos")),
                ..ArchRelationFilter::default()
            },
            &PageRequest::first(50),
        )
        .await
        .unwrap();
    assert_eq!(
        of_dinsos.items,
        vec![rel.clone()],
        "the target's agency sees it too"
    );
    assert_eq!(store.get_arch_relation(&rel.id).await.unwrap(), rel);

    let refused = store
        .delete_arch_element(&key("dinsos", "bansos"), DeleteMode::default(), &change())
        .await;
    assert!(matches!(refused, Err(StoreError::InUse { .. })), "{refused:?}");
    let cascade = DeleteMode {
        expected_version: None,
        cascade: true,
    };
    store
        .delete_arch_element(&key("dinsos", "bansos"), cascade, &change())
        .await
        .unwrap();
    assert!(matches!(
        store.get_arch_relation(&rel.id).await,
        Err(StoreError::NotFound { .. })
    ));
    let log = changes(
        store,
        &ChangeFilter {
            agency: Some(code("bpsdm")),
            kind: Some("architecture relation".into()),
        },
    )
    .await;
    assert_eq!(log.len(), 2, "created, then deleted with its target: {log:?}");
}

/// An import creates what is missing in one go, reads back as the same model, is idempotent,
/// and a model the store cannot write leaves nothing behind.
pub async fn architecture_import_is_all_or_nothing(store: &dyn Store) {
    let model = ArchitectureModel {
        governments: vec![government("bontang")],
        agencies: vec![agency("bpsdm", "BPSDM"), agency("dinsos", "Dinas Sosial")],
        local_codes: vec![(
            code("bontang"),
            spec(json!({"code": "RAB.04.02.01", "name": "Bantuan sosial"})),
        )],
        elements: vec![
            wadah_domain::architecture::ModelElement {
                agency: code("bpsdm"),
                period: period(),
                spec: application("simpeg"),
            },
            wadah_domain::architecture::ModelElement {
                agency: code("dinsos"),
                period: period(),
                spec: process("bansos"),
            },
        ],
        relations: vec![ModelRelation {
            period: period(),
            spec: serving(("bpsdm", "simpeg"), ("dinsos", "bansos")),
        }],
        ..ArchitectureModel::default()
    };
    let counts = store.import_architecture(&model, &change()).await.unwrap();
    assert_eq!(
        (
            counts.governments_created,
            counts.agencies_created,
            counts.elements_created,
            counts.relations_created
        ),
        (1, 2, 2, 1)
    );
    assert_eq!(counts.reference_codes_created, 1);
    let back = store
        .architecture_model(&ArchModelFilter::default())
        .await
        .unwrap();
    assert_eq!(back, model, "export gives back what was imported");
    let again = store.import_architecture(&model, &change()).await.unwrap();
    assert_eq!(
        (
            again.elements_unchanged,
            again.relations_unchanged,
            again.elements_created
        ),
        (2, 1, 0)
    );

    let version = store.registry_version().await.unwrap();
    let mut broken = model.clone();
    broken.agencies.push(agency("dukcapil", "Dukcapil"));
    broken.elements.push(wadah_domain::architecture::ModelElement {
        agency: code("dukcapil"),
        period: period(),
        spec: process("ktp"),
    });
    broken.relations.push(ModelRelation {
        period: period(),
        spec: serving(("dukcapil", "ktp"), ("dinsos", "tidak-ada")),
    });
    assert!(store.import_architecture(&broken, &change()).await.is_err());
    assert_eq!(
        store.registry_version().await.unwrap(),
        version,
        "nothing was written"
    );
    assert!(matches!(
        store.get_agency(&code("dukcapil")).await,
        Err(StoreError::NotFound { .. })
    ));
}
