//! The Wadah user behind a provider's person: found by `(iss, sub)`, created on first login.
//!
//! A new user's username is `sso-` and the first hex digits of SHA-256(`iss` NUL `sub`) — it
//! says nothing about the person and cannot collide with another provider's subject; the
//! display name and e-mail come from the claims (stored, never logged). When the provider's
//! mapping is authoritative (`update_on_login`), each login brings role, agency and name up to
//! date, so a group removed at the provider removes the power in Wadah at the next login.

use serde_json::Value;
use sha2::{Digest, Sha256};
use wadah_domain::Actor;
use wadah_domain::Code;
use wadah_domain::text::{Line, Name};
use wadah_domain::user::{Role, User, UserSpec, Username};
use wadah_store::{Change, FederatedIdentity, StoreError};

use super::ProviderConfig;
use super::flow::LoginError;
use super::id_token::IdClaims;
use super::mapping::{Mapped, fit};
use crate::state::AppState;

/// A username derived from the identity (`hex_len` hex digits of the digest).
pub fn derived_username(issuer: &str, subject: &str, hex_len: usize) -> Option<Username> {
    let digest = Sha256::digest(format!("{issuer}\0{subject}").as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    Username::parse(&format!("sso-{}", &hex[..hex_len.min(hex.len())])).ok()
}

fn claim<'c>(claims: &'c IdClaims, name: &str) -> Option<&'c str> {
    claims
        .other
        .get(name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn display_name(claims: &IdClaims) -> Result<Name, LoginError> {
    let joined = match (claim(claims, "given_name"), claim(claims, "family_name")) {
        (Some(g), Some(f)) => Some(format!("{g} {f}")),
        (Some(one), None) | (None, Some(one)) => Some(one.to_owned()),
        (None, None) => None,
    };
    claim(claims, "name")
        .map(str::to_owned)
        .or(joined)
        .or_else(|| claim(claims, "preferred_username").map(str::to_owned))
        .and_then(|n| Name::parse(&n.chars().take(200).collect::<String>()).ok())
        .or_else(|| Name::parse("Pengguna SSO").ok())
        .ok_or(LoginError::Claims)
}

fn email(claims: &IdClaims) -> Line {
    claim(claims, "email")
        .and_then(|e| Line::parse(e).ok())
        .unwrap_or_default()
}

/// The mapped role, with an agency that exists (an unknown agency code is dropped).
async fn mapped(
    state: &AppState,
    provider: &ProviderConfig,
    claims: &IdClaims,
) -> Result<Mapped, LoginError> {
    let mapped = provider.mapping.map(&claims.other);
    let Some(agency) = &mapped.agency else {
        return Ok(mapped);
    };
    match state.store().get_agency(agency).await {
        Ok(_) => Ok(mapped),
        Err(StoreError::NotFound { .. }) => Ok(fit(mapped.role, None::<Code>)),
        Err(e) => Err(LoginError::Store(e)),
    }
}

fn change(state: &AppState, provider: &str) -> Change {
    Change {
        actor: Actor::system(&format!("sso-{provider}")),
        at: state.now(),
    }
}

/// The user for these validated claims (created or brought up to date); disabled users are
/// refused.
pub async fn user_for(
    state: &AppState,
    provider: &ProviderConfig,
    claims: &IdClaims,
) -> Result<User, LoginError> {
    let store = state.store();
    if let Some(user) = store
        .federated_user(&claims.iss, &claims.sub)
        .await
        .map_err(LoginError::Store)?
    {
        if user.spec.disabled {
            return Err(LoginError::Disabled);
        }
        if !provider.mapping.update_on_login {
            return Ok(user);
        }
        let mapped = mapped(state, provider, claims).await?;
        let spec = UserSpec {
            display_name: display_name(claims)?,
            email: email(claims),
            role: mapped.role,
            agency: mapped.agency,
            application: None,
            ..user.spec.clone()
        };
        if spec == user.spec {
            return Ok(user);
        }
        return store
            .update_user(
                &user.spec.username,
                &spec,
                user.meta.version,
                &change(state, &provider.id),
            )
            .await
            .map_err(LoginError::Store);
    }
    let mapped = mapped(state, provider, claims).await?;
    let identity = FederatedIdentity {
        provider: provider.id.clone(),
        issuer: claims.iss.clone(),
        subject: claims.sub.clone(),
    };
    for hex_len in [20, 40] {
        let Some(username) = derived_username(&claims.iss, &claims.sub, hex_len) else {
            continue;
        };
        let spec = UserSpec {
            username,
            display_name: display_name(claims)?,
            email: email(claims),
            role: if mapped.role == Role::Developer {
                Role::Staff
            } else {
                mapped.role
            },
            agency: mapped.agency.clone(),
            application: None,
            disabled: false,
        };
        match store
            .create_federated_user(&identity, &spec, &change(state, &provider.id))
            .await
        {
            Ok(user) => {
                tracing::info!(provider = %provider.id, username = %user.spec.username.as_str(),
                    role = user.spec.role.as_str(), "created a user at their first single sign-on");
                return Ok(user);
            }
            // Another node linked the same person at the same moment: use theirs.
            Err(StoreError::Duplicate { .. }) => {
                if let Some(user) = store
                    .federated_user(&claims.iss, &claims.sub)
                    .await
                    .map_err(LoginError::Store)?
                {
                    return if user.spec.disabled {
                        Err(LoginError::Disabled)
                    } else {
                        Ok(user)
                    };
                }
            }
            Err(e) => return Err(LoginError::Store(e)),
        }
    }
    Err(LoginError::Store(StoreError::InvalidState(
        "no free username for this identity".into(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_derived_from_the_identity_not_the_person() {
        let a = derived_username("https://idp.example", "alice", 20).unwrap();
        assert!(a.as_str().starts_with("sso-") && a.as_str().len() == 24);
        assert_ne!(a, derived_username("https://other.example", "alice", 20).unwrap());
        assert_eq!(a, derived_username("https://idp.example", "alice", 20).unwrap());
        assert_eq!(
            derived_username("https://idp.example", "alice", 40)
                .unwrap()
                .as_str()
                .len(),
            44
        );
    }
}
