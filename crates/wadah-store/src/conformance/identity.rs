//! Conformance cases for identities: users bound to their scope, passwords, and the admin API
//! token sign-in look-up.

use serde_json::json;
use wadah_domain::user::{ApiTokenSpec, User, UserSpec, Username};

use super::fixtures::*;
use crate::{ChangeFilter, DeleteMode, PageRequest, Store, StoreError, UserFilter};

fn user(username: &str, role: &str, agency: Option<&str>, app: Option<&str>) -> UserSpec {
    spec(
        json!({"username": username, "display_name": format!("Pengguna {username}"), "role": role,
        "agency": agency, "application": app}),
    )
}

fn username(raw: &str) -> Username {
    spec(json!(raw))
}

/// Users are unique by username, bound to existing agencies and applications, listed per
/// agency, and their password hash never appears in what the store returns or logs.
pub async fn users_are_scoped_and_keep_their_password_private(store: &dyn Store) {
    seed_agencies_with_services(store, &["bpsdm", "dinsos"]).await;
    let admin = store
        .create_user(
            &user("admin", "platform_admin", None, None),
            Some("$argon2id$v=19$secret"),
            &change(),
        )
        .await
        .expect("admin");
    assert_eq!(admin.meta.version, 1);
    for (name, agency) in [("ani", "bpsdm"), ("budi", "dinsos"), ("citra", "bpsdm")] {
        let s = user(name, "agency_admin", Some(agency), None);
        store.create_user(&s, None, &change()).await.expect("user");
    }
    let dup = store
        .create_user(&user("ani", "auditor", None, None), None, &change())
        .await;
    assert!(matches!(dup, Err(StoreError::Duplicate { .. })), "{dup:?}");
    let ghost = store
        .create_user(
            &user("dewi", "developer", Some("bpsdm"), Some("ghost")),
            None,
            &change(),
        )
        .await;
    assert!(
        matches!(ghost, Err(StoreError::MissingReference { .. })),
        "{ghost:?}"
    );
    let nowhere = store
        .create_user(
            &user("eko", "agency_admin", Some("nowhere"), None),
            None,
            &change(),
        )
        .await;
    assert!(
        matches!(nowhere, Err(StoreError::MissingReference { .. })),
        "{nowhere:?}"
    );

    let bpsdm = UserFilter {
        agency: Some(code("bpsdm")),
        ..UserFilter::default()
    };
    let listed = all_pages(1, |p| {
        let f = &bpsdm;
        async move { store.list_users(f, &p).await }
    })
    .await;
    let names: Vec<&str> = listed.iter().map(|u| u.spec.username.as_str()).collect();
    assert_eq!(names, ["ani", "citra"]);

    assert_eq!(
        store
            .password_hash(&username("admin"))
            .await
            .expect("hash")
            .as_deref(),
        Some("$argon2id$v=19$secret")
    );
    assert_eq!(store.password_hash(&username("ani")).await.expect("hash"), None);
    store
        .set_password_hash(&username("ani"), "$argon2id$v=19$other", &change())
        .await
        .expect("set");
    assert_eq!(
        store
            .password_hash(&username("ani"))
            .await
            .expect("hash")
            .as_deref(),
        Some("$argon2id$v=19$other")
    );
    let missing = store.password_hash(&username("nobody")).await;
    assert!(matches!(missing, Err(StoreError::NotFound { .. })), "{missing:?}");
    let log = serde_json::to_string(&changes(store, &ChangeFilter::default()).await).expect("json");
    assert!(
        !log.contains("argon2id"),
        "a password hash reached the change log"
    );

    let renamed = store
        .update_user(
            &username("ani"),
            &user("ani2", "agency_admin", Some("bpsdm"), None),
            2,
            &change(),
        )
        .await;
    assert!(matches!(renamed, Err(StoreError::InvalidState(_))), "{renamed:?}");
    store
        .delete_user(&username("citra"), DeleteMode::default(), &change())
        .await
        .expect("delete");
    assert!(matches!(
        store.get_user(&username("citra")).await,
        Err(StoreError::NotFound { .. })
    ));
}

fn token(name: &str, expires_ms: Option<i64>) -> ApiTokenSpec {
    ApiTokenSpec {
        name: spec(json!(name)),
        expires_at: expires_ms.map(at),
    }
}

/// `user_for_token` finds the user behind a usable token, and nobody once the token is revoked
/// or expired or the user disabled.
pub async fn tokens_sign_in_until_revoked_expired_or_disabled(store: &dyn Store) {
    seed_agencies_with_services(store, &["bpsdm"]).await;
    let ani = store
        .create_user(&user("ani", "agency_admin", Some("bpsdm"), None), None, &change())
        .await
        .expect("user");
    let who = |u: Option<User>| u.map(|u| u.spec.username.as_str().to_owned());
    let now = at(T0 + 10);

    let lasting = secret("token-lasting");
    let t1 = store
        .create_api_token(&username("ani"), &token("laptop", None), &lasting, &change())
        .await
        .expect("token");
    assert_eq!((t1.hint.as_str(), t1.created_at), (lasting.hint.as_str(), at(T0)));
    assert_eq!(
        who(store.user_for_token(&lasting.digest, now).await.expect("look-up")),
        Some("ani".into())
    );
    assert_eq!(
        store
            .user_for_token(&secret("other").digest, now)
            .await
            .expect("look-up"),
        None
    );

    let brief = secret("token-brief");
    store
        .create_api_token(
            &username("ani"),
            &token("ci", Some(T0 + 1_000)),
            &brief,
            &change(),
        )
        .await
        .expect("token");
    assert!(
        store
            .user_for_token(&brief.digest, at(T0 + 999))
            .await
            .expect("look-up")
            .is_some()
    );
    assert!(
        store
            .user_for_token(&brief.digest, at(T0 + 1_000))
            .await
            .expect("look-up")
            .is_none()
    );

    let listed = store.list_api_tokens(&username("ani")).await.expect("list");
    assert_eq!(listed.len(), 2);
    let revoked = store
        .revoke_api_token(&username("ani"), &t1.id, &change_at("ani", T0 + 20))
        .await
        .expect("revoke");
    assert_eq!(revoked.revoked_at, Some(at(T0 + 20)));
    assert!(
        store
            .user_for_token(&lasting.digest, now)
            .await
            .expect("look-up")
            .is_none()
    );
    let foreign = store
        .revoke_api_token(&username("admin"), &t1.id, &change())
        .await;
    assert!(matches!(foreign, Err(StoreError::NotFound { .. })), "{foreign:?}");

    let fresh = secret("token-fresh");
    store
        .create_api_token(&username("ani"), &token("desktop", None), &fresh, &change())
        .await
        .expect("token");
    assert!(
        store
            .user_for_token(&fresh.digest, now)
            .await
            .expect("look-up")
            .is_some()
    );
    let mut disabled = ani.spec.clone();
    disabled.disabled = true;
    store
        .update_user(&username("ani"), &disabled, ani.meta.version, &change())
        .await
        .expect("disable");
    assert!(
        store
            .user_for_token(&fresh.digest, now)
            .await
            .expect("look-up")
            .is_none()
    );
    let users = store
        .list_users(&UserFilter::default(), &PageRequest::first(10))
        .await
        .expect("list");
    assert!(
        users
            .items
            .iter()
            .all(|u| u.spec.username.as_str() != "ani" || u.spec.disabled)
    );
}
