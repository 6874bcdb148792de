//! Sign-in with a local account: username and password against the user's argon2id hash.
//!
//! Every attempt that is not throttled costs one argon2id verification, also when the user
//! does not exist, has no password or is disabled (it is checked against a dummy hash), so the
//! time of the answer does not tell which usernames exist. The answers are only three:
//! signed in, "wrong username or password", and "too many attempts".

use std::net::IpAddr;
use std::sync::LazyLock;

use wadah_domain::user::{User, Username};
use wadah_store::{StoreError, StoreResult};

use super::throttle::{self, Keys};
use crate::password;
use crate::state::AppState;

/// What a sign-in attempt came to.
#[derive(Debug)]
pub enum Outcome {
    SignedIn(Box<User>),
    /// Wrong username or password (or a disabled account: the same answer).
    Failed,
    /// Too many failures for this username or address; the password was not checked.
    Throttled,
}

/// A hash of a password nobody has, verified when there is no real hash to check.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    password::hash_with_salt("wadah-no-such-user-password", b"wadah-dummy-salt").unwrap_or_default()
});

/// Checks `username` / `plain` and counts failures (see the module docs).
pub async fn sign_in(
    state: &AppState,
    username: &str,
    plain: &str,
    address: Option<IpAddr>,
) -> StoreResult<Outcome> {
    let keys = Keys::new(username, address);
    if throttle::locked(state, &keys).await? {
        return Ok(Outcome::Throttled);
    }
    let account = account(state, username).await?;
    let (user, hash) = match account {
        Some((user, Some(hash))) if !user.spec.disabled => (Some(user), hash),
        _ => (None, DUMMY_HASH.clone()),
    };
    let plain = plain.to_owned();
    let within_limits = (1..=password::MAX_CHARS).contains(&plain.chars().count());
    let matches = within_limits
        && tokio::task::spawn_blocking(move || password::verify(&plain, &hash))
            .await
            .unwrap_or(false);
    match user {
        Some(user) if matches => {
            throttle::succeeded(state, &keys).await?;
            Ok(Outcome::SignedIn(Box::new(user)))
        }
        _ => {
            throttle::failed(state, &keys).await?;
            Ok(Outcome::Failed)
        }
    }
}

/// The user and their password hash, if the username names one.
async fn account(state: &AppState, raw: &str) -> StoreResult<Option<(User, Option<String>)>> {
    let Ok(username) = Username::parse(raw.trim()) else {
        return Ok(None);
    };
    let user = match state.store().get_user(&username).await {
        Ok(user) => user,
        Err(StoreError::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    let hash = match state.store().password_hash(&username).await {
        Ok(hash) => hash,
        Err(StoreError::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(Some((user, hash)))
}
