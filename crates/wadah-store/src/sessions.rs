//! Sign-in sessions of people (the console now; the staff and developer portals and single
//! sign-on later) and the failed-sign-in counters that throttle password guessing.
//!
//! Why in the store and not in memory: a session must survive a restart and work on every web
//! node behind a load balancer, and a guesser must not get a fresh allowance by hitting another
//! node. What the store keeps is deliberately useless to a thief of the database: a session is
//! found by the SHA-256 digest of its random id (the id itself lives only in the browser's
//! cookie), and throttle counters are keyed by a digest of `user:{name}` or `ip:{address}`, so
//! the table holds neither usernames nor addresses.
//!
//! The rules (how long a session lives, how many failures lock) belong to the caller; the
//! store only records times and counts. Sessions are not registry objects: their writes do not
//! move the registry version or enter the change log.

use async_trait::async_trait;
use wadah_domain::Timestamp;
use wadah_domain::secret::SecretDigest;
use wadah_domain::user::{User, Username};

use crate::StoreResult;

/// How a person signed in. Kept with the session so a later single sign-on (OpenID Connect)
/// creates the same kind of session and the console can show, and policies can ask, how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInMethod {
    /// Username and password checked against the local argon2id hash.
    Local,
    /// An OpenID Connect identity provider (reserved for single sign-on).
    Oidc,
}

impl SignInMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::Oidc => "oidc",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "local" => Some(Self::Local),
            "oidc" => Some(Self::Oidc),
            _ => None,
        }
    }
}

/// A session to store at sign-in.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// SHA-256 of the random session id the cookie carries.
    pub id_digest: SecretDigest,
    pub username: Username,
    pub method: SignInMethod,
    /// The synchronizer token every form of the session must send back (CSRF). Not a secret
    /// on its own: it is worthless without the session cookie.
    pub csrf_token: String,
    pub created_at: Timestamp,
    /// The absolute end, however active the session is.
    pub expires_at: Timestamp,
}

/// A stored session with the person behind it.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub method: SignInMethod,
    pub csrf_token: String,
    pub created_at: Timestamp,
    /// The last request seen (for the idle timeout).
    pub last_seen_at: Timestamp,
    pub expires_at: Timestamp,
}

/// Failed sign-ins counted under one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginFailures {
    /// Failures since the counter last started.
    pub count: u32,
    /// When the latest failure happened.
    pub last_at: Timestamp,
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Stores a new session (`NotFound` when the user does not exist).
    async fn create_session(&self, session: &NewSession) -> StoreResult<()>;
    /// The session with this id digest, if it exists and its user exists and is enabled.
    /// Expiry is the caller's rule: it gets the times and decides.
    async fn session(&self, id_digest: &SecretDigest) -> StoreResult<Option<Session>>;
    /// Records activity on the session.
    async fn touch_session(&self, id_digest: &SecretDigest, at: Timestamp) -> StoreResult<()>;
    /// Ends one session (sign-out); answers whether it existed.
    async fn delete_session(&self, id_digest: &SecretDigest) -> StoreResult<bool>;
    /// Ends every session of a user (password change, account disabled); answers how many.
    async fn delete_user_sessions(&self, username: &Username) -> StoreResult<u64>;
    /// Deletes sessions that ended: past their absolute end at `now`, or idle since before
    /// `idle_before`. Answers how many.
    async fn purge_sessions(&self, now: Timestamp, idle_before: Timestamp) -> StoreResult<u64>;

    /// The failures counted under `key` (a digest, see the module docs).
    async fn login_failures(&self, key: &SecretDigest) -> StoreResult<Option<LoginFailures>>;
    /// Counts one failure at `at`; a counter whose latest failure is older than
    /// `restart_before` starts again at one. Answers the counter after the failure.
    async fn record_login_failure(
        &self,
        key: &SecretDigest,
        at: Timestamp,
        restart_before: Timestamp,
    ) -> StoreResult<LoginFailures>;
    /// Forgets the failures under `key` (after a successful sign-in).
    async fn clear_login_failures(&self, key: &SecretDigest) -> StoreResult<()>;
}
