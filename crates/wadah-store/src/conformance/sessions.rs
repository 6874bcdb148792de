//! Conformance cases for sign-in sessions and failed-sign-in counters: a session is found by
//! the digest of its id and only while its user exists and is enabled; sign-out, a user's
//! "end all sessions" and the purge of ended sessions remove exactly what they should; failure
//! counters count, restart after a quiet period and clear.

use serde_json::json;
use wadah_domain::secret::SecretDigest;
use wadah_domain::user::{UserSpec, Username};

use super::fixtures::*;
use crate::{DeleteMode, NewSession, SignInMethod, Store, StoreError};

fn person(name: &str) -> UserSpec {
    spec(json!({"username": name, "display_name": format!("Pengguna {name}"), "role": "auditor"}))
}

fn new_session(id: &str, name: &str, created: i64, expires: i64) -> NewSession {
    NewSession {
        id_digest: SecretDigest::of(id),
        username: Username::parse(name).expect("username"),
        method: SignInMethod::Local,
        csrf_token: format!("csrf-{id}"),
        created_at: at(created),
        expires_at: at(expires),
    }
}

pub async fn sessions_follow_their_user_and_end_when_asked(store: &dyn Store) {
    for name in ["ani", "budi"] {
        store
            .create_user(&person(name), None, &change())
            .await
            .expect("user");
    }
    let ghost = store
        .create_session(&new_session("s0", "nobody", T0, T0 + 10))
        .await;
    assert!(matches!(ghost, Err(StoreError::NotFound { .. })), "{ghost:?}");
    store
        .create_session(&new_session("s1", "ani", T0, T0 + 3_600_000))
        .await
        .expect("session");
    store
        .create_session(&new_session("s2", "ani", T0, T0 + 3_600_000))
        .await
        .expect("session");
    store
        .create_session(&new_session("s3", "budi", T0, T0 + 60_000))
        .await
        .expect("session");

    let s1 = store
        .session(&SecretDigest::of("s1"))
        .await
        .expect("read")
        .expect("s1 exists");
    assert_eq!(s1.user.spec.username.as_str(), "ani");
    assert_eq!(s1.method, SignInMethod::Local);
    assert_eq!(s1.csrf_token, "csrf-s1");
    assert_eq!(
        (s1.created_at, s1.last_seen_at, s1.expires_at),
        (at(T0), at(T0), at(T0 + 3_600_000))
    );
    assert!(
        store
            .session(&SecretDigest::of("unknown"))
            .await
            .expect("read")
            .is_none(),
        "an unknown id finds nothing"
    );

    store
        .touch_session(&SecretDigest::of("s1"), at(T0 + 5_000))
        .await
        .expect("touch");
    store
        .touch_session(&SecretDigest::of("s1"), at(T0 + 1_000))
        .await
        .expect("touch");
    let seen = store
        .session(&SecretDigest::of("s1"))
        .await
        .expect("read")
        .expect("s1");
    assert_eq!(
        seen.last_seen_at,
        at(T0 + 5_000),
        "activity never goes back in time"
    );

    // Disabling the user stops their sessions at once.
    let budi = store
        .get_user(&Username::parse("budi").expect("name"))
        .await
        .expect("budi");
    let mut off = budi.spec.clone();
    off.disabled = true;
    store
        .update_user(&budi.spec.username, &off, budi.meta.version, &change())
        .await
        .expect("disable");
    assert!(
        store
            .session(&SecretDigest::of("s3"))
            .await
            .expect("read")
            .is_none()
    );

    assert!(
        store
            .delete_session(&SecretDigest::of("s2"))
            .await
            .expect("delete")
    );
    assert!(
        !store
            .delete_session(&SecretDigest::of("s2"))
            .await
            .expect("delete again")
    );
    assert!(
        store
            .session(&SecretDigest::of("s2"))
            .await
            .expect("read")
            .is_none()
    );

    // Purge: s3 is past its end; s1 was last seen at T0 + 5 s.
    assert_eq!(
        store
            .purge_sessions(at(T0 + 60_000), at(T0))
            .await
            .expect("purge"),
        1
    );
    assert!(
        store
            .session(&SecretDigest::of("s1"))
            .await
            .expect("read")
            .is_some()
    );
    assert_eq!(
        store
            .purge_sessions(at(T0 + 60_000), at(T0 + 6_000))
            .await
            .expect("purge"),
        1,
        "idle since before the cut-off"
    );

    store
        .create_session(&new_session("s4", "ani", T0, T0 + 3_600_000))
        .await
        .expect("session");
    assert_eq!(
        store
            .delete_user_sessions(&Username::parse("ani").expect("name"))
            .await
            .expect("end all"),
        1
    );
    store
        .create_session(&new_session("s5", "ani", T0, T0 + 3_600_000))
        .await
        .expect("session");
    store
        .delete_user(
            &Username::parse("ani").expect("name"),
            DeleteMode::default(),
            &change(),
        )
        .await
        .expect("delete user");
    assert!(
        store
            .session(&SecretDigest::of("s5"))
            .await
            .expect("read")
            .is_none(),
        "a deleted user's sessions go with them"
    );
    let version = store.registry_version().await.expect("version");
    store
        .create_session(&new_session("s6", "budi", T0, T0 + 10))
        .await
        .expect("session");
    assert_eq!(
        store.registry_version().await.expect("version"),
        version,
        "sessions are not registry changes"
    );
}

pub async fn login_failures_count_restart_and_clear(store: &dyn Store) {
    let key = SecretDigest::of("user:ani");
    let other = SecretDigest::of("ip:192.0.2.1");
    assert_eq!(store.login_failures(&key).await.expect("read"), None);
    for n in 1..=3 {
        let f = store
            .record_login_failure(&key, at(T0 + n), at(T0 - 1))
            .await
            .expect("count");
        assert_eq!(
            (f.count, f.last_at),
            (u32::try_from(n).expect("small"), at(T0 + n))
        );
    }
    store
        .record_login_failure(&other, at(T0), at(T0 - 1))
        .await
        .expect("count");
    let read = store.login_failures(&key).await.expect("read").expect("counted");
    assert_eq!(read.count, 3);
    let restarted = store
        .record_login_failure(&key, at(T0 + 1_000_000), at(T0 + 100))
        .await
        .expect("count");
    assert_eq!(restarted.count, 1, "an old counter starts again");
    store.clear_login_failures(&key).await.expect("clear");
    assert_eq!(store.login_failures(&key).await.expect("read"), None);
    assert_eq!(
        store.login_failures(&other).await.expect("read").map(|f| f.count),
        Some(1),
        "other keys keep their count"
    );
}
