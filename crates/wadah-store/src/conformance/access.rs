//! Conformance cases for access: credentials (secrets never logged, rotation retires the old
//! secret at once), rights lists that never leak another agency's rights, and the request
//! workflow.

use serde_json::json;
use wadah_domain::access::{AccessRequestSpec, AccessRightSpec, Decision, RequestStatus};
use wadah_domain::credential::CredentialSpec;

use super::fixtures::*;
use crate::{AccessFilter, ChangeFilter, PageRequest, Store, StoreError};

/// A credential keeps only a hint of its secret (never the digest, not even in the change
/// log); rotating retires the old secret at once; a revoked credential cannot be rotated.
pub async fn credentials_rotate_and_revoke(store: &dyn Store) {
    seed_agencies_with_services(store, &["dinsos"]).await;
    let key_spec: CredentialSpec = spec(json!({"name": "kunci server", "kind": "api_key"}));
    let first = secret("first-secret");
    let cred = store
        .create_credential(&code("dinsos"), &code("app"), &key_spec, &first, None, &change())
        .await
        .expect("create");
    assert_eq!(cred.hint, first.hint);
    assert_eq!(
        (cred.agency.as_str(), cred.application.as_str()),
        ("dinsos", "app")
    );
    assert_eq!(store.get_credential(&cred.id).await.expect("get"), cred);
    let found = store.credential_by_digest(&first.digest).await.expect("lookup");
    assert_eq!(found.as_ref().map(|c| c.id.as_str()), Some(cred.id.as_str()));

    let second = secret("second-secret");
    let later = change_at("tester", T0 + 1_000);
    let rotated = store
        .rotate_credential(&cred.id, &second, &later)
        .await
        .expect("rotate");
    assert_eq!(rotated.hint, second.hint);
    assert_eq!(rotated.rotated_at, Some(at(T0 + 1_000)));
    assert_eq!(rotated.meta.version, 2);
    assert!(
        store
            .credential_by_digest(&first.digest)
            .await
            .expect("lookup")
            .is_none()
    );
    assert!(
        store
            .credential_by_digest(&second.digest)
            .await
            .expect("lookup")
            .is_some()
    );

    let revoked = store.revoke_credential(&cred.id, &later).await.expect("revoke");
    assert_eq!(revoked.revoked_at, Some(at(T0 + 1_000)));
    assert!(!revoked.is_usable(at(T0 + 2_000)));
    let refused = store.rotate_credential(&cred.id, &secret("third"), &later).await;
    assert!(matches!(refused, Err(StoreError::InvalidState(_))), "{refused:?}");

    let oauth: CredentialSpec = spec(json!({"name": "klien", "kind": "oauth_client"}));
    let client = store
        .create_credential(
            &code("dinsos"),
            &code("app"),
            &oauth,
            &secret("c1"),
            Some("wdhc_1"),
            &change(),
        )
        .await
        .expect("oauth client");
    assert_eq!(client.client_id.as_deref(), Some("wdhc_1"));
    let taken = store
        .create_credential(
            &code("dinsos"),
            &code("app"),
            &oauth,
            &secret("c2"),
            Some("wdhc_1"),
            &change(),
        )
        .await;
    assert!(matches!(taken, Err(StoreError::Duplicate { .. })), "{taken:?}");
    let listed = all_pages(1, |p| async move {
        store.list_credentials(&code("dinsos"), &code("app"), &p).await
    })
    .await;
    assert_eq!(
        listed.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
        [cred.id.clone(), client.id]
    );

    let log = changes(store, &ChangeFilter::default()).await;
    let text = serde_json::to_string(&log).expect("json");
    for digest in [&first.digest, &second.digest] {
        assert!(
            !text.contains(digest.as_str()),
            "a secret digest reached the change log"
        );
    }
    assert!(log.iter().any(|e| e.kind == "credential" && e.key == cred.id));
}

fn right(consumer: &str, consumer_app: Option<&str>, provider: &str) -> AccessRightSpec {
    spec(
        json!({"consumer": {"agency": consumer, "application": consumer_app},
        "service": {"agency": provider, "application": "app", "service": "svc"}, "methods": ["GET"]}),
    )
}

/// Every rights filter answers exactly the rights it names, so an agency-scoped view never
/// shows rights between two other agencies.
pub async fn rights_lists_stay_within_scope(store: &dyn Store) {
    seed_agencies_with_services(store, &["bpsdm", "dinsos", "dishub", "dukcapil"]).await;
    let specs = [
        right("dinsos", Some("app"), "bpsdm"),
        right("dinsos", None, "dukcapil"),
        right("dishub", Some("app"), "dukcapil"),
        right("bpsdm", None, "dishub"),
    ];
    let mut ids = Vec::new();
    for s in &specs {
        ids.push(store.create_right(s, &change()).await.expect("create right").id);
    }
    let read = store.get_right(&ids[0]).await.expect("get");
    assert_eq!(read.spec, specs[0]);
    let list = |filter: AccessFilter| async move {
        let all = all_pages(1, |p| {
            let f = filter.clone();
            async move { store.list_rights(&f, &p).await }
        })
        .await;
        all.into_iter().map(|r| r.id).collect::<Vec<_>>()
    };
    let pick = |idx: &[usize]| idx.iter().map(|i| ids[*i].clone()).collect::<Vec<_>>();
    let involving = |a: &str| AccessFilter {
        involving: Some(code(a)),
        ..AccessFilter::default()
    };
    assert_eq!(list(involving("dinsos")).await, pick(&[0, 1]));
    assert_eq!(list(involving("dukcapil")).await, pick(&[1, 2]));
    assert_eq!(list(involving("bpsdm")).await, pick(&[0, 3]));
    let provider = AccessFilter {
        provider: Some(code("dukcapil")),
        ..AccessFilter::default()
    };
    assert_eq!(list(provider).await, pick(&[1, 2]));
    let consumer = AccessFilter {
        consumer_agency: Some(code("dinsos")),
        consumer_application: Some(code("app")),
        ..AccessFilter::default()
    };
    assert_eq!(list(consumer).await, pick(&[0]));
    let by_service = AccessFilter {
        service: Some(service_ref("dukcapil", "app", "svc")),
        involving: Some(code("dishub")),
        ..AccessFilter::default()
    };
    assert_eq!(list(by_service).await, pick(&[2]));
    assert_eq!(list(AccessFilter::default()).await, ids);

    let bad = store
        .create_right(&right("dinsos", None, "nowhere"), &change())
        .await;
    assert!(matches!(bad, Err(StoreError::MissingReference { .. })), "{bad:?}");
    let bad_app = store
        .create_right(&right("dinsos", Some("ghost"), "bpsdm"), &change())
        .await;
    assert!(
        matches!(bad_app, Err(StoreError::MissingReference { .. })),
        "{bad_app:?}"
    );
}

fn request(consumer: &str, provider: &str) -> AccessRequestSpec {
    spec(json!({"consumer": {"agency": consumer, "application": "app"},
        "service": {"agency": provider, "application": "app", "service": "svc"},
        "purpose": "Verifikasi data penerima bantuan", "legal_basis": "Perwali 12/2024"}))
}

/// Approval grants exactly one right (linked to the request); a decided request cannot be
/// decided or withdrawn again; rejection grants nothing.
pub async fn approving_a_request_grants_exactly_one_right(store: &dyn Store) {
    seed_agencies_with_services(store, &["bpsdm", "dinsos"]).await;
    let asked = store
        .create_request(&request("dinsos", "bpsdm"), &change())
        .await
        .expect("request");
    assert_eq!(asked.status, RequestStatus::Pending);
    let approve: Decision = spec(json!({"approve": true, "limit_per_minute": 60}));
    let decided = store
        .decide_request(&asked.id, &approve, &change_at("approver", T0 + 5))
        .await
        .expect("approve");
    assert_eq!(decided.status, RequestStatus::Approved);
    assert_eq!(decided.decided_at, Some(at(T0 + 5)));
    assert_eq!(
        decided.decided_by.as_ref().map(|a| a.as_str()),
        Some("user:approver")
    );
    let right_id = decided.right.clone().expect("the approval names its right");
    let granted = store.get_right(&right_id).await.expect("right");
    assert_eq!(granted.request.as_deref(), Some(asked.id.as_str()));
    assert_eq!(granted.spec.limit_per_minute, Some(60));
    assert_eq!(store.get_request(&asked.id).await.expect("get"), decided);

    let again = store.decide_request(&asked.id, &approve, &change()).await;
    assert!(matches!(again, Err(StoreError::InvalidState(_))), "{again:?}");
    let withdraw = store.withdraw_request(&asked.id, &change()).await;
    assert!(
        matches!(withdraw, Err(StoreError::InvalidState(_))),
        "{withdraw:?}"
    );
    let rights = store
        .list_rights(&AccessFilter::default(), &PageRequest::first(50))
        .await
        .expect("rights");
    assert_eq!(rights.items.len(), 1, "exactly one right");

    let second = store
        .create_request(&request("bpsdm", "dinsos"), &change())
        .await
        .expect("request");
    let reject: Decision = spec(json!({"approve": false, "reason": "Tidak ada dasar hukum"}));
    let rejected = store
        .decide_request(&second.id, &reject, &change())
        .await
        .expect("reject");
    assert_eq!(
        (rejected.status, rejected.right.as_deref()),
        (RequestStatus::Rejected, None)
    );
    assert_eq!(rejected.reason, "Tidak ada dasar hukum");
    let third = store
        .create_request(&request("bpsdm", "dinsos"), &change())
        .await
        .expect("request");
    let withdrawn = store
        .withdraw_request(&third.id, &change())
        .await
        .expect("withdraw");
    assert_eq!(withdrawn.status, RequestStatus::Withdrawn);
    let rights = store
        .list_rights(&AccessFilter::default(), &PageRequest::first(50))
        .await
        .expect("rights");
    assert_eq!(rights.items.len(), 1, "rejecting and withdrawing grant nothing");

    let pending = AccessFilter {
        involving: Some(code("dinsos")),
        status: Some(RequestStatus::Rejected),
        ..AccessFilter::default()
    };
    let listed = store
        .list_requests(&pending, &PageRequest::first(50))
        .await
        .expect("list");
    assert_eq!(
        listed.items.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        [second.id]
    );
}
