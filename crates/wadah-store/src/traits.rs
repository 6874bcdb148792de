//! The store, split by role. A handler names the narrowest trait it needs; the binary wires one
//! engine behind all of them as an `Arc<dyn Store>`.
//!
//! Conventions every engine keeps:
//! - objects are addressed by their codes (immutable once created), rights, requests and
//!   credentials by their ids;
//! - `expected_version` must equal the stored `meta.version`, else [`StoreError::StaleVersion`];
//! - every write is one transaction that also appends a change-log entry and bumps the
//!   registry version; a failed write changes nothing.

use async_trait::async_trait;
use wadah_domain::access::{AccessRequest, AccessRequestSpec, AccessRight, AccessRightSpec, Decision};
use wadah_domain::agency::{Agency, AgencySpec, Government, GovernmentSpec};
use wadah_domain::application::{Application, ApplicationSpec};
use wadah_domain::certificate::ClientCertificate;
use wadah_domain::change::ChangeEntry;
use wadah_domain::credential::{Credential, CredentialSpec};
use wadah_domain::public_service::{PublicService, PublicServiceSpec};
use wadah_domain::secret::SecretDigest;
use wadah_domain::service::{Service, ServiceRef, ServiceSpec};
use wadah_domain::upstream::{UpstreamCredential, UpstreamCredentialPublic};
use wadah_domain::user::{ApiToken, ApiTokenSpec, User, UserSpec, Username};
use wadah_domain::{Actor, Code, Timestamp};

use crate::filters::*;
use crate::{Page, PageRequest, StoreResult};

/// Who makes a change and when: every write takes one.
#[derive(Debug, Clone)]
pub struct Change {
    pub actor: Actor,
    pub at: Timestamp,
}

/// How to delete an object that may have dependents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeleteMode {
    /// Refuse unless the stored version is this one.
    pub expected_version: Option<i64>,
    /// Also delete dependents (applications of an agency, services of an application…).
    pub cascade: bool,
}

/// What the store keeps of a freshly minted secret (the plain value never reaches the store).
#[derive(Debug, Clone)]
pub struct StoredSecret {
    pub digest: SecretDigest,
    pub hint: String,
}

#[async_trait]
pub trait RegistryRead: Send + Sync {
    async fn get_government(&self, code: &Code) -> StoreResult<Government>;
    async fn list_governments(&self, page: &PageRequest) -> StoreResult<Page<Government>>;
    async fn get_agency(&self, code: &Code) -> StoreResult<Agency>;
    async fn list_agencies(&self, filter: &AgencyFilter, page: &PageRequest) -> StoreResult<Page<Agency>>;
    async fn get_application(&self, agency: &Code, code: &Code) -> StoreResult<Application>;
    async fn list_applications(
        &self,
        agency: &Code,
        filter: &ApplicationFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Application>>;
    async fn get_service(&self, service: &ServiceRef) -> StoreResult<Service>;
    async fn list_services(
        &self,
        agency: &Code,
        application: &Code,
        page: &PageRequest,
    ) -> StoreResult<Page<Service>>;
    /// Services across applications, ordered by `agency/application/service` (the directory).
    async fn search_services(&self, filter: &ServiceFilter, page: &PageRequest)
    -> StoreResult<Page<Service>>;
    async fn get_public_service(&self, agency: &Code, code: &Code) -> StoreResult<PublicService>;
    /// Ordered by `agency/code`.
    async fn list_public_services(
        &self,
        filter: &PublicServiceFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<PublicService>>;
    /// A number that grows with every committed registry change.
    async fn registry_version(&self) -> StoreResult<i64>;
}

#[async_trait]
pub trait RegistryWrite: Send + Sync {
    async fn create_government(&self, spec: &GovernmentSpec, change: &Change) -> StoreResult<Government>;
    async fn update_government(
        &self,
        code: &Code,
        spec: &GovernmentSpec,
        expected_version: i64,
        change: &Change,
    ) -> StoreResult<Government>;
    async fn create_agency(&self, spec: &AgencySpec, change: &Change) -> StoreResult<Agency>;
    async fn update_agency(
        &self,
        code: &Code,
        spec: &AgencySpec,
        expected_version: i64,
        change: &Change,
    ) -> StoreResult<Agency>;
    async fn delete_agency(&self, code: &Code, mode: DeleteMode, change: &Change) -> StoreResult<()>;
    async fn create_application(
        &self,
        agency: &Code,
        spec: &ApplicationSpec,
        change: &Change,
    ) -> StoreResult<Application>;
    async fn update_application(
        &self,
        agency: &Code,
        code: &Code,
        spec: &ApplicationSpec,
        expected_version: i64,
        change: &Change,
    ) -> StoreResult<Application>;
    async fn delete_application(
        &self,
        agency: &Code,
        code: &Code,
        mode: DeleteMode,
        change: &Change,
    ) -> StoreResult<()>;
    async fn create_service(
        &self,
        agency: &Code,
        application: &Code,
        spec: &ServiceSpec,
        change: &Change,
    ) -> StoreResult<Service>;
    async fn update_service(
        &self,
        service: &ServiceRef,
        spec: &ServiceSpec,
        expected_version: i64,
        change: &Change,
    ) -> StoreResult<Service>;
    async fn delete_service(
        &self,
        service: &ServiceRef,
        mode: DeleteMode,
        change: &Change,
    ) -> StoreResult<()>;
    async fn create_public_service(
        &self,
        agency: &Code,
        spec: &PublicServiceSpec,
        change: &Change,
    ) -> StoreResult<PublicService>;
    async fn update_public_service(
        &self,
        agency: &Code,
        code: &Code,
        spec: &PublicServiceSpec,
        expected_version: i64,
        change: &Change,
    ) -> StoreResult<PublicService>;
    async fn delete_public_service(
        &self,
        agency: &Code,
        code: &Code,
        mode: DeleteMode,
        change: &Change,
    ) -> StoreResult<()>;
}

#[async_trait]
pub trait AccessStore: Send + Sync {
    async fn get_credential(&self, id: &str) -> StoreResult<Credential>;
    async fn list_credentials(
        &self,
        agency: &Code,
        application: &Code,
        page: &PageRequest,
    ) -> StoreResult<Page<Credential>>;
    /// `client_id` is set for OAuth clients.
    async fn create_credential(
        &self,
        agency: &Code,
        application: &Code,
        spec: &CredentialSpec,
        secret: &StoredSecret,
        client_id: Option<&str>,
        change: &Change,
    ) -> StoreResult<Credential>;
    /// Registers a client certificate as a credential of kind `certificate`: its fingerprint
    /// is stored as the digest (a certificate already registered anywhere is a duplicate), its
    /// subject and end are kept, and `expires_at` is at most the certificate's end.
    async fn create_certificate_credential(
        &self,
        agency: &Code,
        application: &Code,
        spec: &CredentialSpec,
        certificate: &ClientCertificate,
        change: &Change,
    ) -> StoreResult<Credential>;
    /// Replaces the secret; the old one stops working at once (certificates: `InvalidState`).
    async fn rotate_credential(
        &self,
        id: &str,
        secret: &StoredSecret,
        change: &Change,
    ) -> StoreResult<Credential>;
    async fn revoke_credential(&self, id: &str, change: &Change) -> StoreResult<Credential>;
    /// The credential whose *current* secret has this digest, usable or not (callers check
    /// `Credential::is_usable`); `None` once the secret was rotated away or never existed.
    async fn credential_by_digest(&self, digest: &SecretDigest) -> StoreResult<Option<Credential>>;

    async fn get_right(&self, id: &str) -> StoreResult<AccessRight>;
    async fn list_rights(&self, filter: &AccessFilter, page: &PageRequest) -> StoreResult<Page<AccessRight>>;
    async fn create_right(&self, spec: &AccessRightSpec, change: &Change) -> StoreResult<AccessRight>;
    async fn update_right(
        &self,
        id: &str,
        spec: &AccessRightSpec,
        expected_version: i64,
        change: &Change,
    ) -> StoreResult<AccessRight>;
    async fn delete_right(&self, id: &str, mode: DeleteMode, change: &Change) -> StoreResult<()>;

    async fn get_request(&self, id: &str) -> StoreResult<AccessRequest>;
    async fn list_requests(
        &self,
        filter: &AccessFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<AccessRequest>>;
    async fn create_request(&self, spec: &AccessRequestSpec, change: &Change) -> StoreResult<AccessRequest>;
    /// Approves (granting the right in the same transaction) or rejects a pending request.
    async fn decide_request(
        &self,
        id: &str,
        decision: &Decision,
        change: &Change,
    ) -> StoreResult<AccessRequest>;
    async fn withdraw_request(&self, id: &str, change: &Change) -> StoreResult<AccessRequest>;
}

#[async_trait]
pub trait IdentityStore: Send + Sync {
    async fn get_user(&self, username: &Username) -> StoreResult<User>;
    async fn list_users(&self, filter: &UserFilter, page: &PageRequest) -> StoreResult<Page<User>>;
    async fn create_user(
        &self,
        spec: &UserSpec,
        password_hash: Option<&str>,
        change: &Change,
    ) -> StoreResult<User>;
    async fn update_user(
        &self,
        username: &Username,
        spec: &UserSpec,
        expected_version: i64,
        change: &Change,
    ) -> StoreResult<User>;
    async fn delete_user(&self, username: &Username, mode: DeleteMode, change: &Change) -> StoreResult<()>;
    /// The argon2id PHC string, if the user has a local password.
    async fn password_hash(&self, username: &Username) -> StoreResult<Option<String>>;
    async fn set_password_hash(&self, username: &Username, hash: &str, change: &Change) -> StoreResult<()>;

    async fn create_api_token(
        &self,
        username: &Username,
        spec: &ApiTokenSpec,
        secret: &StoredSecret,
        change: &Change,
    ) -> StoreResult<ApiToken>;
    async fn list_api_tokens(&self, username: &Username) -> StoreResult<Vec<ApiToken>>;
    async fn revoke_api_token(&self, username: &Username, id: &str, change: &Change)
    -> StoreResult<ApiToken>;
    /// The enabled user behind a usable (unrevoked, unexpired) token with this digest.
    async fn user_for_token(&self, digest: &SecretDigest, now: Timestamp) -> StoreResult<Option<User>>;
}

/// How the gateway authenticates to a service's upstream. The store keeps the public part and
/// the secret *sealed* by the caller (`wadah-seal`, bound to
/// `wadah_domain::upstream::seal_context`); it never sees the plain secret, never returns the
/// sealed one except through [`GatewayFeed`], and logs only the public part as the change.
#[async_trait]
pub trait UpstreamCredentialStore: Send + Sync {
    /// The service's credential without its secret; `None` when it has none.
    async fn get_upstream_credential(&self, service: &ServiceRef) -> StoreResult<Option<UpstreamCredential>>;
    /// Sets or replaces the service's credential.
    async fn set_upstream_credential(
        &self,
        service: &ServiceRef,
        public: &UpstreamCredentialPublic,
        sealed_secret: &str,
        change: &Change,
    ) -> StoreResult<UpstreamCredential>;
    /// Removes it ([`crate::StoreError::NotFound`] when there is none).
    async fn delete_upstream_credential(&self, service: &ServiceRef, change: &Change) -> StoreResult<()>;
}

#[async_trait]
pub trait ChangeLogRead: Send + Sync {
    /// Newest first; the cursor is the last entry's id.
    async fn list_changes(&self, filter: &ChangeFilter, page: &PageRequest)
    -> StoreResult<Page<ChangeEntry>>;
}

#[async_trait]
pub trait StoreHealth: Send + Sync {
    /// Reachable and fully migrated.
    async fn ready(&self) -> StoreResult<()>;
    /// `sqlite` or `postgres`.
    fn engine(&self) -> &'static str;
}

/// A credential as the gateway needs it: with the digest of its current secret.
#[derive(Debug, Clone)]
pub struct GatewayCredential {
    pub credential: Credential,
    pub digest: SecretDigest,
}

/// Everything the gateway's snapshot is built from, read at one registry version.
#[derive(Debug, Clone)]
pub struct GatewayView {
    /// The registry version every part of the view belongs to.
    pub version: i64,
    /// Every service, ordered by `agency/application/service`.
    pub services: Vec<Service>,
    /// Every credential, usable or not (revoked and expired ones included; the gateway
    /// decides), ordered by id.
    pub credentials: Vec<GatewayCredential>,
    /// Every access right, ordered by id.
    pub rights: Vec<AccessRight>,
    /// Every upstream credential, its secret still sealed, ordered by service.
    pub upstream_credentials: Vec<GatewayUpstreamCredential>,
}

/// A service's upstream credential as the gateway needs it: the public part and the sealed
/// secret, which the gateway opens with its key ring when it builds a snapshot.
#[derive(Clone)]
pub struct GatewayUpstreamCredential {
    pub service: ServiceRef,
    pub public: UpstreamCredentialPublic,
    pub sealed_secret: String,
    /// Grows on every replacement (the gateway keeps a cached token while it is unchanged).
    pub version: i64,
}

impl std::fmt::Debug for GatewayUpstreamCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GatewayUpstreamCredential")
            .field("service", &self.service)
            .field("public", &self.public)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

/// What the gateway reads: the whole routing and access picture in one consistent snapshot.
/// It is the only role that hands out secret digests, so only the gateway should hold it.
#[async_trait]
pub trait GatewayFeed: Send + Sync {
    /// Services, credentials (with digests), rights and sealed upstream credentials as of one
    /// registry version.
    async fn gateway_view(&self) -> StoreResult<GatewayView>;
}

/// One key that signs the gateway's tokens and assertions, as stored (see [`SigningKeys`]).
#[derive(Clone, PartialEq, Eq)]
pub struct StoredSigningKey {
    /// The key id (`kid`): the RFC 7638 thumbprint of the public key.
    pub kid: String,
    /// Keys take over in generation order; a generation has at most one key.
    pub generation: i64,
    /// The JWS algorithm (`ES256`).
    pub alg: String,
    /// The public key as a JWK (JSON text), published at `/.well-known/jwks.json`.
    pub public_jwk: String,
    /// The PKCS#8 private key, sealed with the master key ring (never plain).
    pub private_sealed: String,
    pub created_at: Timestamp,
    /// From when the key signs.
    pub activates_at: Timestamp,
    /// From when the key no longer signs (it stays published until its tokens expire).
    pub retires_at: Timestamp,
}

impl std::fmt::Debug for StoredSigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredSigningKey")
            .field("kid", &self.kid)
            .field("generation", &self.generation)
            .field("activates_at", &self.activates_at)
            .field("retires_at", &self.retires_at)
            .finish_non_exhaustive()
    }
}

/// The gateway's signing keys, shared by every node. Not registry objects: their writes do not
/// move the registry version or the change log (the gateway reloads them on its own timer).
#[async_trait]
pub trait SigningKeys: Send + Sync {
    /// Every stored key, ordered by generation.
    async fn signing_keys(&self) -> StoreResult<Vec<StoredSigningKey>>;
    /// Adds `key` unless its generation (or kid) is taken, e.g. by another node that created
    /// the same next key a moment earlier; answers whether this call added it.
    async fn add_signing_key(&self, key: &StoredSigningKey) -> StoreResult<bool>;
    /// Makes every key of a generation below `generation` retire at `at` at the latest;
    /// answers how many changed.
    async fn retire_signing_keys(&self, generation: i64, at: Timestamp) -> StoreResult<u64>;
    /// Deletes keys that retired before `before`; answers how many.
    async fn purge_signing_keys(&self, before: Timestamp) -> StoreResult<u64>;
}

/// Everything an engine provides.
pub trait Store:
    RegistryRead
    + RegistryWrite
    + AccessStore
    + IdentityStore
    + UpstreamCredentialStore
    + ChangeLogRead
    + StoreHealth
    + GatewayFeed
    + SigningKeys
    + crate::AuditIndex
    + crate::PortalStore
    + crate::SessionStore
    + crate::SsoStore
    + crate::AssessmentStore
    + crate::ArchitectureStore
    + crate::ChangeFeed
{
}

impl<T> Store for T where
    T: RegistryRead
        + RegistryWrite
        + AccessStore
        + IdentityStore
        + UpstreamCredentialStore
        + ChangeLogRead
        + StoreHealth
        + GatewayFeed
        + SigningKeys
        + crate::AuditIndex
        + crate::PortalStore
        + crate::SessionStore
        + crate::SsoStore
        + crate::AssessmentStore
        + crate::ArchitectureStore
        + crate::ChangeFeed
{
}
