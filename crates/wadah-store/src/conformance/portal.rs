//! Conformance case for what the portals store beside the registry: the latest link check per
//! public service (replaced, not appended), feedback with its aggregate and newest-first pages,
//! both without moving the registry version, and both gone with their public service.

use serde_json::json;
use wadah_domain::feedback::{Comment, FeedbackSpec, Rating};
use wadah_domain::link_check::{LinkCheck, LinkFailure};

use super::fixtures::*;
use crate::{DeleteMode, PageRequest, Store, StoreError};

fn check(ps: &str, failure: Option<LinkFailure>, ms: i64) -> LinkCheck {
    LinkCheck {
        agency: code("dinsos"),
        public_service: code(ps),
        url: format!("https://{ps}.example/"),
        http_status: failure.is_none().then_some(200).or(Some(404)),
        failure,
        checked_at: at(ms),
        failing_since: failure.map(|_| at(T0)),
    }
}

fn feedback(rating: &str, comment: &str) -> FeedbackSpec {
    FeedbackSpec::new(Rating::parse(rating).unwrap(), Comment::parse(comment).unwrap()).unwrap()
}

pub async fn portal_link_checks_and_feedback_follow_their_public_service(store: &dyn Store) {
    seed_government(store).await;
    seed_agency(store, "dinsos").await;
    for ps in ["bansos", "pengaduan"] {
        store
            .create_public_service(
                &code("dinsos"),
                &spec(json!({"code": ps, "name": format!("Layanan {ps}"), "audience": "public"})),
                &change(),
            )
            .await
            .unwrap();
    }
    let version = store.registry_version().await.unwrap();

    // Link checks: one row per service, replaced by the next check.
    assert_eq!(
        store.link_check(&code("dinsos"), &code("bansos")).await.unwrap(),
        None
    );
    store
        .record_link_check(&check("bansos", Some(LinkFailure::Status), T0))
        .await
        .unwrap();
    store
        .record_link_check(&check("pengaduan", None, T0))
        .await
        .unwrap();
    let broken = store.broken_links().await.unwrap();
    assert_eq!(broken, vec![check("bansos", Some(LinkFailure::Status), T0)]);
    store
        .record_link_check(&check("bansos", None, T0 + 60_000))
        .await
        .unwrap();
    assert!(store.broken_links().await.unwrap().is_empty());
    assert_eq!(
        store.link_check(&code("dinsos"), &code("bansos")).await.unwrap(),
        Some(check("bansos", None, T0 + 60_000))
    );
    // A check of a service deleted meanwhile is dropped, not an error.
    store.record_link_check(&check("hilang", None, T0)).await.unwrap();

    // Feedback: stored, aggregated, paged newest first.
    let summary = store
        .feedback_summary(&code("dinsos"), &code("bansos"))
        .await
        .unwrap();
    assert_eq!((summary.ratings, summary.rating_sum, summary.comments), (0, 0, 0));
    let mut ids = Vec::new();
    for (i, (rating, comment)) in [
        ("5", ""),
        ("4", "Cepat"),
        ("", "Formulir membingungkan"),
        ("2", ""),
    ]
    .into_iter()
    .enumerate()
    {
        let stored = store
            .add_feedback(
                &code("dinsos"),
                &code("bansos"),
                &feedback(rating, comment),
                at(T0 + i as i64),
            )
            .await
            .unwrap();
        ids.push(stored.id);
    }
    let summary = store
        .feedback_summary(&code("dinsos"), &code("bansos"))
        .await
        .unwrap();
    assert_eq!(
        (summary.ratings, summary.rating_sum, summary.comments),
        (3, 11, 2)
    );
    let other = store
        .feedback_summary(&code("dinsos"), &code("pengaduan"))
        .await
        .unwrap();
    assert_eq!(other.ratings, 0, "feedback belongs to one service");
    let first = store
        .list_feedback(&code("dinsos"), &code("bansos"), &PageRequest::first(3))
        .await
        .unwrap();
    assert_eq!(first.items.len(), 3);
    assert_eq!(first.items[0].id, ids[3], "newest first");
    assert_eq!(first.items[2].comment, "Cepat");
    let rest = store
        .list_feedback(
            &code("dinsos"),
            &code("bansos"),
            &PageRequest {
                after: first.next.clone(),
                ..PageRequest::first(3)
            },
        )
        .await
        .unwrap();
    assert_eq!(rest.items.iter().map(|f| f.rating).collect::<Vec<_>>(), [Some(5)]);
    assert_eq!(rest.next, None);
    assert!(matches!(
        store
            .add_feedback(&code("dinsos"), &code("hilang"), &feedback("3", ""), at(T0))
            .await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(
        store.registry_version().await.unwrap(),
        version,
        "neither checks nor feedback are registry changes"
    );

    // Deleting the service deletes what was stored about it.
    let ps = store
        .get_public_service(&code("dinsos"), &code("bansos"))
        .await
        .unwrap();
    store
        .delete_public_service(
            &code("dinsos"),
            &code("bansos"),
            DeleteMode {
                expected_version: Some(ps.meta.version),
                cascade: false,
            },
            &change(),
        )
        .await
        .unwrap();
    assert_eq!(
        store.link_check(&code("dinsos"), &code("bansos")).await.unwrap(),
        None
    );
    let gone = store
        .feedback_summary(&code("dinsos"), &code("bansos"))
        .await
        .unwrap();
    assert_eq!(gone.ratings, 0);
}
