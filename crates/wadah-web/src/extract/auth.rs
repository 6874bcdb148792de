//! Authentication of the admin API: `Authorization: Bearer wdha_…` → the token's digest → the
//! enabled user behind a usable token → a [`Principal`]. The [`Caller`] extractor hands that
//! principal to handlers together with guard methods that ask `wadah_domain::policy` and turn a
//! "no" into the right problem: `404` when the object is outside what the caller may see (its
//! existence is not leaked), `403` when it is visible but the role may not change it.

use std::fmt::Display;

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use wadah_domain::Code;
use wadah_domain::policy::Principal;
use wadah_domain::secret::{SecretDigest, SecretKind};
use wadah_domain::user::User;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Longest header value worth hashing: tokens are ~50 characters.
const MAX_TOKEN_LEN: usize = 256;

/// The authenticated caller of an admin API request.
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or_else(|| ApiError::unauthenticated(false))?;
        let token = bearer_token(header.to_str().unwrap_or_default())
            .filter(|t| t.starts_with(SecretKind::AdminToken.prefix()) && t.len() <= MAX_TOKEN_LEN)
            .ok_or_else(|| ApiError::unauthenticated(true))?;
        let user = state
            .store()
            .user_for_token(&SecretDigest::of(token), state.now())
            .await?
            .ok_or_else(|| ApiError::unauthenticated(true))?;
        let principal = principal_of(user);
        if !principal.administers() {
            return Err(ApiError::forbidden(format!(
                "the role {} may not use the admin API",
                principal.role.as_str()
            )));
        }
        Ok(Caller(principal))
    }
}

fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn principal_of(user: User) -> Principal {
    Principal {
        username: user.spec.username.as_str().to_owned(),
        role: user.spec.role,
        agency: user.spec.agency,
        application: user.spec.application,
    }
}

impl Caller {
    pub fn principal(&self) -> &Principal {
        &self.0
    }

    pub fn username(&self) -> &str {
        &self.0.username
    }

    /// Reads of `agency`'s objects: hidden (404 on `kind key`) outside the caller's scope.
    pub fn read(&self, agency: &Code, kind: &str, key: impl Display) -> ApiResult<()> {
        if self.0.can_read_agency(agency) {
            Ok(())
        } else {
            Err(ApiError::not_found(kind, key))
        }
    }

    /// Changes to `agency`'s objects (its admins and the platform admin).
    pub fn write(&self, agency: &Code, kind: &str, key: impl Display) -> ApiResult<()> {
        self.read(agency, kind, key)?;
        if self.0.can_write_agency(agency) {
            Ok(())
        } else {
            Err(self.denied(&format!("change objects of agency {agency}")))
        }
    }

    /// Acting for one application: its credentials and its access requests.
    pub fn act_for(&self, agency: &Code, application: &Code, kind: &str, key: impl Display) -> ApiResult<()> {
        self.read(agency, kind, key)?;
        if self.0.can_act_for_application(agency, application) {
            Ok(())
        } else {
            Err(self.denied(&format!("act for application {agency}/{application}")))
        }
    }

    /// Governments and agencies themselves: the platform operator only.
    pub fn manage_platform(&self) -> ApiResult<()> {
        if self.0.can_manage_platform() {
            Ok(())
        } else {
            Err(self.denied("manage governments and agencies"))
        }
    }

    pub fn denied(&self, what: &str) -> ApiError {
        ApiError::forbidden(format!("the role {} may not {what}", self.0.role.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bearer_credentials_are_read() {
        assert_eq!(bearer_token("Bearer wdha_x"), Some("wdha_x"));
        assert_eq!(bearer_token("bearer  wdha_x "), Some("wdha_x"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("wdha_x"), None);
    }
}
