//! What single sign-on (OpenID Connect) keeps: which Wadah user a provider's person is, the
//! logins in flight between the redirect to a provider and its answer, and which sessions a
//! provider's session opened (so back-channel logout can end them).
//!
//! - A person from a provider is keyed by `(issuer, subject)` — the provider's stable,
//!   never-reassigned identifier — and never by e-mail, which people change and providers let
//!   them edit. The user and the link are created in one transaction.
//! - A login in flight is found by the SHA-256 of its `state` and taken exactly once
//!   ([`SsoStore::take_pending_login`] deletes it as it reads it), on whichever node the
//!   provider's answer lands, so a replayed answer finds nothing. Its contents (nonce, PKCE
//!   verifier, return path) arrive already sealed by the web layer.
//! - A session opened by a provider's login is linked to the provider's `sid` and subject;
//!   deleting the session deletes the link.
//!
//! None of this is a registry object except the user itself (created like any user, with a
//! change-log entry).

use async_trait::async_trait;
use wadah_domain::Timestamp;
use wadah_domain::secret::SecretDigest;
use wadah_domain::user::{User, UserSpec};

use crate::{Change, StoreResult};

/// A person as one identity provider knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FederatedIdentity {
    /// The configured provider's id (which button they used).
    pub provider: String,
    /// The provider's `iss`, exactly as its ID tokens carry it.
    pub issuer: String,
    /// The provider's `sub`.
    pub subject: String,
}

/// A login between the redirect to the provider and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingLogin {
    /// SHA-256 of the `state` sent to the provider.
    pub state_digest: SecretDigest,
    /// The login's details, sealed by the caller.
    pub sealed: String,
    /// After this the login is refused (and swept).
    pub expires_at: Timestamp,
}

/// A Wadah session opened by a provider's login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoSessionLink {
    /// The Wadah session's id digest (as in [`crate::SessionStore`]).
    pub session_digest: SecretDigest,
    pub provider: String,
    pub issuer: String,
    pub subject: String,
    /// The provider's session id (`sid` claim), when it sent one.
    pub sid: Option<String>,
    /// The ID token, sealed by the caller: the `id_token_hint` of RP-initiated logout.
    pub id_token_sealed: Option<String>,
}

#[async_trait]
pub trait SsoStore: Send + Sync {
    /// The user linked to `(issuer, subject)`, disabled or not (the caller refuses disabled).
    async fn federated_user(&self, issuer: &str, subject: &str) -> StoreResult<Option<User>>;
    /// Creates the user and links it to the identity, in one transaction. `Duplicate` when the
    /// username is taken or the identity is already linked.
    async fn create_federated_user(
        &self,
        identity: &FederatedIdentity,
        spec: &UserSpec,
        change: &Change,
    ) -> StoreResult<User>;
    /// Stores a login in flight, and sweeps those that expired before `now`.
    async fn put_pending_login(&self, login: &PendingLogin, now: Timestamp) -> StoreResult<()>;
    /// Takes (reads and deletes) the login with this state digest: at most once.
    async fn take_pending_login(&self, state_digest: &SecretDigest) -> StoreResult<Option<PendingLogin>>;
    /// Links a session to the provider's session (`NotFound` when the session does not exist).
    async fn link_sso_session(&self, link: &SsoSessionLink) -> StoreResult<()>;
    /// The provider link of a session, if it was opened by single sign-on.
    async fn sso_session(&self, session_digest: &SecretDigest) -> StoreResult<Option<SsoSessionLink>>;
    /// Ends the sessions linked to `issuer` and the given `sid` and/or `subject` (at least one
    /// must be given; both: both must match). Answers how many ended.
    async fn end_sso_sessions(
        &self,
        issuer: &str,
        subject: Option<&str>,
        sid: Option<&str>,
    ) -> StoreResult<u64>;
}
