//! The `wadah-store` traits for [`SqlStore`]. Nothing but delegation: each method names the
//! resource module that does the work, so this file reads as the map from trait to module.

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
use wadah_domain::{Code, Timestamp};
use wadah_store::*;

use crate::access::{credentials, requests, rights};
use crate::identity::{tokens, users};
use crate::registry::{agencies, applications, governments, public_services, services};
use crate::{SqlStore, audit, changes, gateway, health, sessions, signing_keys, sso, upstream};

#[async_trait]
impl RegistryRead for SqlStore {
    async fn get_government(&self, code: &Code) -> StoreResult<Government> {
        governments::get(self, code).await
    }
    async fn list_governments(&self, page: &PageRequest) -> StoreResult<Page<Government>> {
        governments::list(self, page).await
    }
    async fn get_agency(&self, code: &Code) -> StoreResult<Agency> {
        agencies::get(self, code).await
    }
    async fn list_agencies(&self, filter: &AgencyFilter, page: &PageRequest) -> StoreResult<Page<Agency>> {
        agencies::list(self, filter, page).await
    }
    async fn get_application(&self, agency: &Code, code: &Code) -> StoreResult<Application> {
        applications::get(self, agency, code).await
    }
    async fn list_applications(
        &self,
        agency: &Code,
        filter: &ApplicationFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Application>> {
        applications::list(self, agency, filter, page).await
    }
    async fn get_service(&self, service: &ServiceRef) -> StoreResult<Service> {
        services::get(self, service).await
    }
    async fn list_services(
        &self,
        agency: &Code,
        application: &Code,
        page: &PageRequest,
    ) -> StoreResult<Page<Service>> {
        services::list(self, agency, application, page).await
    }
    async fn search_services(
        &self,
        filter: &ServiceFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Service>> {
        services::search(self, filter, page).await
    }
    async fn get_public_service(&self, agency: &Code, code: &Code) -> StoreResult<PublicService> {
        public_services::get(self, agency, code).await
    }
    async fn list_public_services(
        &self,
        filter: &PublicServiceFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<PublicService>> {
        public_services::list(self, filter, page).await
    }
    async fn registry_version(&self) -> StoreResult<i64> {
        health::registry_version(self).await
    }
}

#[async_trait]
impl RegistryWrite for SqlStore {
    async fn create_government(&self, spec: &GovernmentSpec, change: &Change) -> StoreResult<Government> {
        governments::create(self, spec, change).await
    }
    async fn update_government(
        &self,
        code: &Code,
        spec: &GovernmentSpec,
        expected_version: i64,
        change: &Change,
    ) -> StoreResult<Government> {
        governments::update(self, code, spec, expected_version, change).await
    }
    async fn create_agency(&self, spec: &AgencySpec, change: &Change) -> StoreResult<Agency> {
        agencies::create(self, spec, change).await
    }
    async fn update_agency(
        &self,
        code: &Code,
        spec: &AgencySpec,
        expected_version: i64,
        change: &Change,
    ) -> StoreResult<Agency> {
        agencies::update(self, code, spec, expected_version, change).await
    }
    async fn delete_agency(&self, code: &Code, mode: DeleteMode, change: &Change) -> StoreResult<()> {
        agencies::delete(self, code, mode, change).await
    }
    async fn create_application(
        &self,
        agency: &Code,
        spec: &ApplicationSpec,
        change: &Change,
    ) -> StoreResult<Application> {
        applications::create(self, agency, spec, change).await
    }
    async fn update_application(
        &self,
        agency: &Code,
        code: &Code,
        spec: &ApplicationSpec,
        expected_version: i64,
        change: &Change,
    ) -> StoreResult<Application> {
        applications::update(self, agency, code, spec, expected_version, change).await
    }
    async fn delete_application(
        &self,
        agency: &Code,
        code: &Code,
        mode: DeleteMode,
        change: &Change,
    ) -> StoreResult<()> {
        applications::delete(self, agency, code, mode, change).await
    }
    async fn create_service(
        &self,
        agency: &Code,
        application: &Code,
        spec: &ServiceSpec,
        change: &Change,
    ) -> StoreResult<Service> {
        services::create(self, agency, application, spec, change).await
    }
    async fn update_service(
        &self,
        service: &ServiceRef,
        spec: &ServiceSpec,
        expected_version: i64,
        change: &Change,
    ) -> StoreResult<Service> {
        services::update(self, service, spec, expected_version, change).await
    }
    async fn delete_service(
        &self,
        service: &ServiceRef,
        mode: DeleteMode,
        change: &Change,
    ) -> StoreResult<()> {
        services::delete(self, service, mode, change).await
    }
    async fn create_public_service(
        &self,
        agency: &Code,
        spec: &PublicServiceSpec,
        change: &Change,
    ) -> StoreResult<PublicService> {
        public_services::create(self, agency, spec, change).await
    }
    async fn update_public_service(
        &self,
        agency: &Code,
        code: &Code,
        spec: &PublicServiceSpec,
        expected_version: i64,
        change: &Change,
    ) -> StoreResult<PublicService> {
        public_services::update(self, agency, code, spec, expected_version, change).await
    }
    async fn delete_public_service(
        &self,
        agency: &Code,
        code: &Code,
        mode: DeleteMode,
        change: &Change,
    ) -> StoreResult<()> {
        public_services::delete(self, agency, code, mode, change).await
    }
}

#[async_trait]
impl AccessStore for SqlStore {
    async fn get_credential(&self, id: &str) -> StoreResult<Credential> {
        credentials::get(self, id).await
    }
    async fn list_credentials(
        &self,
        agency: &Code,
        application: &Code,
        page: &PageRequest,
    ) -> StoreResult<Page<Credential>> {
        credentials::list(self, agency, application, page).await
    }
    async fn create_credential(
        &self,
        agency: &Code,
        application: &Code,
        spec: &CredentialSpec,
        secret: &StoredSecret,
        client_id: Option<&str>,
        change: &Change,
    ) -> StoreResult<Credential> {
        credentials::create(self, agency, application, spec, secret, client_id, change).await
    }
    async fn create_certificate_credential(
        &self,
        agency: &Code,
        application: &Code,
        spec: &CredentialSpec,
        certificate: &ClientCertificate,
        change: &Change,
    ) -> StoreResult<Credential> {
        credentials::create_certificate(self, agency, application, spec, certificate, change).await
    }
    async fn rotate_credential(
        &self,
        id: &str,
        secret: &StoredSecret,
        change: &Change,
    ) -> StoreResult<Credential> {
        credentials::rotate(self, id, secret, change).await
    }
    async fn revoke_credential(&self, id: &str, change: &Change) -> StoreResult<Credential> {
        credentials::revoke(self, id, change).await
    }
    async fn credential_by_digest(&self, digest: &SecretDigest) -> StoreResult<Option<Credential>> {
        credentials::by_digest(self, digest).await
    }
    async fn get_right(&self, id: &str) -> StoreResult<AccessRight> {
        rights::get(self, id).await
    }
    async fn list_rights(&self, filter: &AccessFilter, page: &PageRequest) -> StoreResult<Page<AccessRight>> {
        rights::list(self, filter, page).await
    }
    async fn create_right(&self, spec: &AccessRightSpec, change: &Change) -> StoreResult<AccessRight> {
        rights::create(self, spec, change).await
    }
    async fn update_right(
        &self,
        id: &str,
        spec: &AccessRightSpec,
        expected_version: i64,
        change: &Change,
    ) -> StoreResult<AccessRight> {
        rights::update(self, id, spec, expected_version, change).await
    }
    async fn delete_right(&self, id: &str, mode: DeleteMode, change: &Change) -> StoreResult<()> {
        rights::delete(self, id, mode, change).await
    }
    async fn get_request(&self, id: &str) -> StoreResult<AccessRequest> {
        requests::get(self, id).await
    }
    async fn list_requests(
        &self,
        filter: &AccessFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<AccessRequest>> {
        requests::list(self, filter, page).await
    }
    async fn create_request(&self, spec: &AccessRequestSpec, change: &Change) -> StoreResult<AccessRequest> {
        requests::create(self, spec, change).await
    }
    async fn decide_request(
        &self,
        id: &str,
        decision: &Decision,
        change: &Change,
    ) -> StoreResult<AccessRequest> {
        requests::decide(self, id, decision, change).await
    }
    async fn withdraw_request(&self, id: &str, change: &Change) -> StoreResult<AccessRequest> {
        requests::withdraw(self, id, change).await
    }
}

#[async_trait]
impl IdentityStore for SqlStore {
    async fn get_user(&self, username: &Username) -> StoreResult<User> {
        users::get(self, username).await
    }
    async fn list_users(&self, filter: &UserFilter, page: &PageRequest) -> StoreResult<Page<User>> {
        users::list(self, filter, page).await
    }
    async fn create_user(
        &self,
        spec: &UserSpec,
        password_hash: Option<&str>,
        change: &Change,
    ) -> StoreResult<User> {
        users::create(self, spec, password_hash, change).await
    }
    async fn update_user(
        &self,
        username: &Username,
        spec: &UserSpec,
        expected_version: i64,
        change: &Change,
    ) -> StoreResult<User> {
        users::update(self, username, spec, expected_version, change).await
    }
    async fn delete_user(&self, username: &Username, mode: DeleteMode, change: &Change) -> StoreResult<()> {
        users::delete(self, username, mode, change).await
    }
    async fn password_hash(&self, username: &Username) -> StoreResult<Option<String>> {
        users::password_hash(self, username).await
    }
    async fn set_password_hash(&self, username: &Username, hash: &str, change: &Change) -> StoreResult<()> {
        users::set_password_hash(self, username, hash, change).await
    }
    async fn create_api_token(
        &self,
        username: &Username,
        spec: &ApiTokenSpec,
        secret: &StoredSecret,
        change: &Change,
    ) -> StoreResult<ApiToken> {
        tokens::create(self, username, spec, secret, change).await
    }
    async fn list_api_tokens(&self, username: &Username) -> StoreResult<Vec<ApiToken>> {
        tokens::list(self, username).await
    }
    async fn revoke_api_token(
        &self,
        username: &Username,
        id: &str,
        change: &Change,
    ) -> StoreResult<ApiToken> {
        tokens::revoke(self, username, id, change).await
    }
    async fn user_for_token(&self, digest: &SecretDigest, now: Timestamp) -> StoreResult<Option<User>> {
        tokens::user_for_token(self, digest, now).await
    }
}

#[async_trait]
impl UpstreamCredentialStore for SqlStore {
    async fn get_upstream_credential(&self, service: &ServiceRef) -> StoreResult<Option<UpstreamCredential>> {
        upstream::get(self, service).await
    }
    async fn set_upstream_credential(
        &self,
        service: &ServiceRef,
        public: &UpstreamCredentialPublic,
        sealed_secret: &str,
        change: &Change,
    ) -> StoreResult<UpstreamCredential> {
        upstream::set(self, service, public, sealed_secret, change).await
    }
    async fn delete_upstream_credential(&self, service: &ServiceRef, change: &Change) -> StoreResult<()> {
        upstream::delete(self, service, change).await
    }
}

#[async_trait]
impl ChangeLogRead for SqlStore {
    async fn list_changes(
        &self,
        filter: &ChangeFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<ChangeEntry>> {
        changes::list(self, filter, page).await
    }
}

#[async_trait]
impl StoreHealth for SqlStore {
    async fn ready(&self) -> StoreResult<()> {
        health::ready(self).await
    }
    fn engine(&self) -> &'static str {
        self.engine.name
    }
}

#[async_trait]
impl GatewayFeed for SqlStore {
    async fn gateway_view(&self) -> StoreResult<GatewayView> {
        gateway::view(self).await
    }
}

impl wadah_store::ChangeFeed for SqlStore {
    fn subscribe_changes(&self) -> Option<wadah_store::ChangeSignal> {
        Some(self.changes.subscribe())
    }
}

#[async_trait]
impl SigningKeys for SqlStore {
    async fn signing_keys(&self) -> StoreResult<Vec<StoredSigningKey>> {
        signing_keys::list(self).await
    }
    async fn add_signing_key(&self, key: &StoredSigningKey) -> StoreResult<bool> {
        signing_keys::add(self, key).await
    }
    async fn retire_signing_keys(&self, generation: i64, at: Timestamp) -> StoreResult<u64> {
        signing_keys::retire(self, generation, at).await
    }
    async fn purge_signing_keys(&self, before: Timestamp) -> StoreResult<u64> {
        signing_keys::purge(self, before).await
    }
}

#[async_trait]
impl AuditIndex for SqlStore {
    async fn audit_position(&self, node: &str) -> StoreResult<Option<AuditPosition>> {
        audit::position_of(self, node).await
    }
    async fn audit_positions(&self) -> StoreResult<Vec<(String, AuditPosition)>> {
        audit::positions(self).await
    }
    async fn index_audit(&self, batch: &AuditBatch) -> StoreResult<()> {
        audit::index(self, batch).await
    }
    async fn search_audit(
        &self,
        filter: &AuditFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<wadah_domain::audit::AuditExchange>> {
        audit::search(self, filter, page).await
    }
    async fn traffic(&self, query: &wadah_store::TrafficQuery) -> StoreResult<Vec<wadah_store::TrafficRow>> {
        crate::traffic::traffic(self, query).await
    }
    async fn audit_keys(&self) -> StoreResult<Vec<AuditKey>> {
        audit::keys(self).await
    }
    async fn audit_signing_key(&self, node: &str) -> StoreResult<Option<(AuditKey, String)>> {
        audit::signing_key(self, node).await
    }
    async fn add_audit_key(&self, key: &AuditKey, sealed_private: &str) -> StoreResult<()> {
        audit::add_key(self, key, sealed_private).await
    }
}

#[async_trait]
impl PortalStore for SqlStore {
    async fn record_link_check(&self, check: &wadah_domain::link_check::LinkCheck) -> StoreResult<()> {
        crate::portal::record_link_check(self, check).await
    }
    async fn link_check(
        &self,
        agency: &Code,
        public_service: &Code,
    ) -> StoreResult<Option<wadah_domain::link_check::LinkCheck>> {
        crate::portal::link_check(self, agency, public_service).await
    }
    async fn broken_links(&self) -> StoreResult<Vec<wadah_domain::link_check::LinkCheck>> {
        crate::portal::broken_links(self).await
    }
    async fn add_feedback(
        &self,
        agency: &Code,
        public_service: &Code,
        feedback: &wadah_domain::feedback::FeedbackSpec,
        at: Timestamp,
    ) -> StoreResult<wadah_domain::feedback::Feedback> {
        crate::portal::add_feedback(self, agency, public_service, feedback, at).await
    }
    async fn feedback_summary(
        &self,
        agency: &Code,
        public_service: &Code,
    ) -> StoreResult<wadah_domain::feedback::FeedbackSummary> {
        crate::portal::feedback_summary(self, agency, public_service).await
    }
    async fn list_feedback(
        &self,
        agency: &Code,
        public_service: &Code,
        page: &PageRequest,
    ) -> StoreResult<Page<wadah_domain::feedback::Feedback>> {
        crate::portal::list_feedback(self, agency, public_service, page).await
    }
}

#[async_trait]
impl SessionStore for SqlStore {
    async fn create_session(&self, session: &NewSession) -> StoreResult<()> {
        sessions::create(self, session).await
    }
    async fn session(&self, id_digest: &SecretDigest) -> StoreResult<Option<Session>> {
        sessions::get(self, id_digest).await
    }
    async fn touch_session(&self, id_digest: &SecretDigest, at: Timestamp) -> StoreResult<()> {
        sessions::touch(self, id_digest, at).await
    }
    async fn delete_session(&self, id_digest: &SecretDigest) -> StoreResult<bool> {
        sessions::delete(self, id_digest).await
    }
    async fn delete_user_sessions(&self, username: &Username) -> StoreResult<u64> {
        sessions::delete_for_user(self, username).await
    }
    async fn purge_sessions(&self, now: Timestamp, idle_before: Timestamp) -> StoreResult<u64> {
        sessions::purge(self, now, idle_before).await
    }
    async fn login_failures(&self, key: &SecretDigest) -> StoreResult<Option<LoginFailures>> {
        sessions::failures(self, key).await
    }
    async fn record_login_failure(
        &self,
        key: &SecretDigest,
        at: Timestamp,
        restart_before: Timestamp,
    ) -> StoreResult<LoginFailures> {
        sessions::record_failure(self, key, at, restart_before).await
    }
    async fn clear_login_failures(&self, key: &SecretDigest) -> StoreResult<()> {
        sessions::clear_failures(self, key).await
    }
}

#[async_trait]
impl SsoStore for SqlStore {
    async fn federated_user(&self, issuer: &str, subject: &str) -> StoreResult<Option<User>> {
        sso::federated_user(self, issuer, subject).await
    }
    async fn create_federated_user(
        &self,
        identity: &FederatedIdentity,
        spec: &UserSpec,
        change: &Change,
    ) -> StoreResult<User> {
        sso::create_federated_user(self, identity, spec, change).await
    }
    async fn put_pending_login(&self, login: &PendingLogin, now: Timestamp) -> StoreResult<()> {
        sso::put_pending(self, login, now).await
    }
    async fn take_pending_login(&self, state_digest: &SecretDigest) -> StoreResult<Option<PendingLogin>> {
        sso::take_pending(self, state_digest).await
    }
    async fn link_sso_session(&self, link: &SsoSessionLink) -> StoreResult<()> {
        sso::link_session(self, link).await
    }
    async fn sso_session(&self, session_digest: &SecretDigest) -> StoreResult<Option<SsoSessionLink>> {
        sso::session_link(self, session_digest).await
    }
    async fn end_sso_sessions(
        &self,
        issuer: &str,
        subject: Option<&str>,
        sid: Option<&str>,
    ) -> StoreResult<u64> {
        sso::end_sessions(self, issuer, subject, sid).await
    }
}
