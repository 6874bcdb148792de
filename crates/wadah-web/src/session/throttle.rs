//! Sign-in throttling: after [`SessionConfig::max_failures_per_user`] failures for one
//! username, or [`SessionConfig::max_failures_per_address`] from one address, further
//! attempts are refused without checking the password until [`SessionConfig::lockout`] has
//! passed since the latest failure.
//!
//! The username is counted as typed (folded), whether or not such a user exists, so a locked
//! answer says nothing about who has an account. Counters live in the store, shared by every
//! web node, under digests of `user:{name}` and `ip:{address}` (no names or addresses stored).
//! A success clears the username's counter but not the address's: one valid account must not
//! reset the allowance of a guesser behind the same address.

use std::net::IpAddr;

use wadah_domain::secret::SecretDigest;
use wadah_store::{LoginFailures, StoreResult};

use super::SessionConfig;
use crate::state::AppState;

/// The counters one attempt touches.
#[derive(Debug, Clone)]
pub struct Keys {
    user: SecretDigest,
    address: Option<SecretDigest>,
}

impl Keys {
    /// `username` as typed (folded and cut, so variants count together); `address` when known.
    pub fn new(username: &str, address: Option<IpAddr>) -> Self {
        let folded: String = username.trim().to_lowercase().chars().take(64).collect();
        Self {
            user: SecretDigest::of(&format!("user:{folded}")),
            address: address.map(|a| SecretDigest::of(&format!("ip:{a}"))),
        }
    }
}

fn locks(f: Option<LoginFailures>, max: u32, config: &SessionConfig, state: &AppState) -> bool {
    f.is_some_and(|f| f.count >= max && state.now() - f.last_at < config.lockout)
}

/// Whether attempts under these keys are refused right now.
pub async fn locked(state: &AppState, keys: &Keys) -> StoreResult<bool> {
    let config = &state.config().sessions;
    let user = state.store().login_failures(&keys.user).await?;
    if locks(user, config.max_failures_per_user, config, state) {
        return Ok(true);
    }
    match &keys.address {
        Some(a) => {
            let address = state.store().login_failures(a).await?;
            Ok(locks(address, config.max_failures_per_address, config, state))
        }
        None => Ok(false),
    }
}

/// Counts a failed attempt under both keys.
pub async fn failed(state: &AppState, keys: &Keys) -> StoreResult<()> {
    let now = state.now();
    let restart = now - state.config().sessions.lockout;
    state
        .store()
        .record_login_failure(&keys.user, now, restart)
        .await?;
    if let Some(a) = &keys.address {
        state.store().record_login_failure(a, now, restart).await?;
    }
    Ok(())
}

/// Forgets the username's failures after a success.
pub async fn succeeded(state: &AppState, keys: &Keys) -> StoreResult<()> {
    state.store().clear_login_failures(&keys.user).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_counted_as_typed_folded() {
        let a = Keys::new(" Admin ", None);
        let b = Keys::new("admin", None);
        assert_eq!(a.user, b.user);
        assert_ne!(a.user, Keys::new("admin2", None).user);
        assert!(
            Keys::new("x", Some("192.0.2.1".parse().unwrap()))
                .address
                .is_some()
        );
    }
}
