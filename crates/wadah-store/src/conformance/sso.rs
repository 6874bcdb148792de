//! Conformance cases for single sign-on: a provider's person is found by (issuer, subject)
//! only, created with the link in one go and never twice; a login in flight is taken at most
//! once; back-channel logout ends exactly the sessions of the provider session it names.

use serde_json::json;
use wadah_domain::secret::SecretDigest;
use wadah_domain::user::{UserSpec, Username};

use super::fixtures::*;
use crate::{FederatedIdentity, NewSession, PendingLogin, SignInMethod, SsoSessionLink, Store, StoreError};

fn identity(issuer: &str, subject: &str) -> FederatedIdentity {
    FederatedIdentity {
        provider: "asn".into(),
        issuer: issuer.into(),
        subject: subject.into(),
    }
}

fn staff(name: &str) -> UserSpec {
    spec(json!({"username": name, "display_name": "Pegawai", "role": "staff"}))
}

async fn session(store: &dyn Store, id: &str, name: &str) {
    store
        .create_session(&NewSession {
            id_digest: SecretDigest::of(id),
            username: Username::parse(name).expect("username"),
            method: SignInMethod::Oidc,
            csrf_token: format!("csrf-{id}"),
            created_at: at(T0),
            expires_at: at(T0 + 3_600_000),
        })
        .await
        .expect("session");
}

fn link(id: &str, subject: &str, sid: Option<&str>) -> SsoSessionLink {
    SsoSessionLink {
        session_digest: SecretDigest::of(id),
        provider: "asn".into(),
        issuer: "https://idp.example".into(),
        subject: subject.into(),
        sid: sid.map(str::to_owned),
        id_token_sealed: Some(format!("sealed-{id}")),
    }
}

pub async fn sso_users_are_keyed_by_issuer_and_subject(store: &dyn Store) {
    let a = identity("https://idp.example", "sub-1");
    assert!(
        store
            .federated_user(&a.issuer, &a.subject)
            .await
            .expect("read")
            .is_none()
    );
    let user = store
        .create_federated_user(&a, &staff("sso-aaaa"), &change())
        .await
        .expect("created");
    assert_eq!(user.spec.username.as_str(), "sso-aaaa");
    let found = store
        .federated_user("https://idp.example", "sub-1")
        .await
        .expect("read")
        .expect("linked");
    assert_eq!(found.spec.username.as_str(), "sso-aaaa");
    // Another issuer's same subject is another person.
    assert!(
        store
            .federated_user("https://other.example", "sub-1")
            .await
            .expect("read")
            .is_none()
    );
    // The same identity cannot be linked twice, and a taken username is refused whole.
    let again = store
        .create_federated_user(&a, &staff("sso-bbbb"), &change())
        .await;
    assert!(matches!(again, Err(StoreError::Duplicate { .. })), "{again:?}");
    assert!(
        matches!(
            store.get_user(&Username::parse("sso-bbbb").unwrap()).await,
            Err(StoreError::NotFound { .. })
        ),
        "a failed link leaves no user behind"
    );
    let taken = store
        .create_federated_user(
            &identity("https://idp.example", "sub-2"),
            &staff("sso-aaaa"),
            &change(),
        )
        .await;
    assert!(matches!(taken, Err(StoreError::Duplicate { .. })), "{taken:?}");
    assert!(
        store
            .federated_user("https://idp.example", "sub-2")
            .await
            .expect("read")
            .is_none()
    );
}

pub async fn sso_pending_logins_are_taken_once(store: &dyn Store) {
    let login = PendingLogin {
        state_digest: SecretDigest::of("state-1"),
        sealed: "sealed".into(),
        expires_at: at(T0 + 600_000),
    };
    store.put_pending_login(&login, at(T0)).await.expect("put");
    let taken = store
        .take_pending_login(&SecretDigest::of("state-1"))
        .await
        .expect("take")
        .expect("there");
    assert_eq!(taken, login);
    assert!(
        store
            .take_pending_login(&SecretDigest::of("state-1"))
            .await
            .expect("take")
            .is_none(),
        "a state is taken at most once"
    );
    // Expired logins are swept by the next put.
    let old = PendingLogin {
        state_digest: SecretDigest::of("state-old"),
        sealed: "x".into(),
        expires_at: at(T0 + 1_000),
    };
    store.put_pending_login(&old, at(T0)).await.expect("put");
    let new = PendingLogin {
        state_digest: SecretDigest::of("state-new"),
        sealed: "y".into(),
        expires_at: at(T0 + 900_000),
    };
    store.put_pending_login(&new, at(T0 + 2_000)).await.expect("put");
    assert!(
        store
            .take_pending_login(&SecretDigest::of("state-old"))
            .await
            .expect("take")
            .is_none()
    );
    assert!(
        store
            .take_pending_login(&SecretDigest::of("state-new"))
            .await
            .expect("take")
            .is_some()
    );
}

pub async fn sso_back_channel_logout_ends_the_named_sessions(store: &dyn Store) {
    for (sub, name) in [("sub-1", "sso-one"), ("sub-2", "sso-two")] {
        store
            .create_federated_user(&identity("https://idp.example", sub), &staff(name), &change())
            .await
            .expect("user");
    }
    session(store, "s1", "sso-one").await;
    session(store, "s2", "sso-one").await;
    session(store, "s3", "sso-two").await;
    store
        .link_sso_session(&link("s1", "sub-1", Some("sid-a")))
        .await
        .expect("link");
    store
        .link_sso_session(&link("s2", "sub-1", Some("sid-b")))
        .await
        .expect("link");
    store
        .link_sso_session(&link("s3", "sub-2", Some("sid-a")))
        .await
        .expect("link");
    let missing = store.link_sso_session(&link("nope", "sub-1", None)).await;
    assert!(matches!(missing, Err(StoreError::NotFound { .. })), "{missing:?}");
    let l1 = store
        .sso_session(&SecretDigest::of("s1"))
        .await
        .expect("read")
        .expect("linked");
    assert_eq!(l1, link("s1", "sub-1", Some("sid-a")));

    // sid and subject together: only s1.
    let n = store
        .end_sso_sessions("https://idp.example", Some("sub-1"), Some("sid-a"))
        .await
        .expect("end");
    assert_eq!(n, 1);
    assert!(
        store
            .session(&SecretDigest::of("s1"))
            .await
            .expect("read")
            .is_none()
    );
    assert!(
        store
            .sso_session(&SecretDigest::of("s1"))
            .await
            .expect("read")
            .is_none()
    );
    assert!(
        store
            .session(&SecretDigest::of("s3"))
            .await
            .expect("read")
            .is_some()
    );
    // Another issuer's sid ends nothing.
    assert_eq!(
        store
            .end_sso_sessions("https://other.example", None, Some("sid-a"))
            .await
            .expect("end"),
        0
    );
    // The subject alone: every session of that person from that issuer.
    session(store, "s4", "sso-one").await;
    store
        .link_sso_session(&link("s4", "sub-1", None))
        .await
        .expect("link");
    assert_eq!(
        store
            .end_sso_sessions("https://idp.example", Some("sub-1"), None)
            .await
            .expect("end"),
        2
    );
    assert!(
        store
            .session(&SecretDigest::of("s3"))
            .await
            .expect("read")
            .is_some()
    );
    assert!(
        store
            .end_sso_sessions("https://idp.example", None, None)
            .await
            .is_err()
    );
    // A sid alone.
    assert_eq!(
        store
            .end_sso_sessions("https://idp.example", None, Some("sid-a"))
            .await
            .expect("end"),
        1
    );
    assert!(
        store
            .session(&SecretDigest::of("s3"))
            .await
            .expect("read")
            .is_none()
    );
}
