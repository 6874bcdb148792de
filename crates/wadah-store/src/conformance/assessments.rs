//! Conformance case for SPBE assessments: one per government, year and instrument; saves are
//! versioned and logged; evidence file bytes round-trip exactly (binary, not text) and leave
//! with the last item that refers to them; the change log never holds file bytes.

use wadah_domain::index::assessment::{
    Assessment, AssessmentSpec, AssessmentStatus, EvidenceFile, EvidenceItem, EvidenceSource, IndicatorEntry,
};

use super::fixtures::*;
use crate::{AssessmentFilter, ChangeFilter, FileChanges, Store, StoreError};

fn spec_for(year: u16) -> AssessmentSpec {
    AssessmentSpec {
        government: code("bontang"),
        year,
        instrument: "indeks-spbe-2020".into(),
    }
}

pub async fn assessments_keep_versions_files_and_history(store: &dyn Store) {
    let entries: Vec<IndicatorEntry> = (1..=47).map(IndicatorEntry::empty).collect();
    let created = store
        .create_assessment(&spec_for(2026), &entries, &change())
        .await
        .expect("create");
    assert_eq!(created.status, AssessmentStatus::Draft);
    assert_eq!(created.indicators.len(), 47);
    let again = store
        .create_assessment(&spec_for(2026), &entries, &change())
        .await;
    assert!(matches!(again, Err(StoreError::Duplicate { .. })), "{again:?}");
    store
        .create_assessment(&spec_for(2025), &entries, &change())
        .await
        .expect("another year");

    // A file with every byte value, so a text column or an encoding step would show.
    let bytes: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    let file = EvidenceFile {
        name: "perwal.pdf".into(),
        media_type: "application/pdf".into(),
        size: 4096,
        sha256: "ab".repeat(32),
    };
    let mut next: Assessment = created.clone();
    next.indicators[6].claimed_level = Some(1);
    next.indicators[6].evidence.push(EvidenceItem {
        id: "e1".into(),
        levels: vec![1],
        source: EvidenceSource::File(file.clone()),
        added_by: "tester".into(),
    });
    let files = FileChanges {
        add: vec![(&file, bytes.as_slice())],
        remove: vec![],
    };
    let saved = store
        .save_assessment(&next, 1, &files, &change_at("editor", T0 + 1))
        .await
        .expect("save");
    assert_eq!(saved.meta.version, 2);
    assert_eq!(saved.indicators[6].claimed_level, Some(1));
    let read = store.get_assessment(&created.id).await.expect("get");
    assert_eq!(read, saved, "what was saved is what is read");
    let stored = store
        .evidence_file_bytes(&created.id, &file.sha256)
        .await
        .expect("file");
    assert_eq!(stored, bytes);

    // A stale version is refused and changes nothing.
    let stale = store
        .save_assessment(&created, 1, &FileChanges::default(), &change())
        .await;
    assert!(matches!(stale, Err(StoreError::StaleVersion { .. })), "{stale:?}");
    assert_eq!(store.get_assessment(&created.id).await.expect("get"), saved);

    // Dropping the item and its file.
    let mut dropped = saved.clone();
    dropped.indicators[6].evidence.clear();
    let files = FileChanges {
        add: vec![],
        remove: vec![file.sha256.clone()],
    };
    store
        .save_assessment(&dropped, 2, &files, &change_at("editor", T0 + 2))
        .await
        .expect("save");
    let gone = store.evidence_file_bytes(&created.id, &file.sha256).await;
    assert!(matches!(gone, Err(StoreError::NotFound { .. })), "{gone:?}");

    let listed = store
        .list_assessments(&AssessmentFilter {
            government: Some(code("bontang")),
            year: None,
        })
        .await
        .expect("list");
    assert_eq!(
        listed.iter().map(|a| a.spec.year).collect::<Vec<_>>(),
        vec![2026, 2025]
    );
    let only = AssessmentFilter {
        government: None,
        year: Some(2025),
    };
    assert_eq!(store.list_assessments(&only).await.expect("list").len(), 1);

    let log = changes(store, &ChangeFilter::default()).await;
    let ours: Vec<_> = log.iter().filter(|c| c.kind == "assessment").collect();
    assert_eq!(ours.len(), 4, "two creations and two saves");
    assert!(
        ours.iter().all(|c| {
            let text = format!("{:?}{:?}", c.before, c.after);
            !text.contains("content") && text.len() < 200_000
        }),
        "the log holds the document, not file bytes"
    );
    assert_eq!(ours[0].actor, wadah_domain::Actor::user("editor"));
}
