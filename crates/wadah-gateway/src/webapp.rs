//! Identity-aware forwarding for *web applications*: an agency's older browser application,
//! reached by signed-in people through the web listener (`/app/{agency}/{application}/…`).
//!
//! The web listener checks the portal session and who may use the application, then hands the
//! request here with the verified [`WebIdentity`]. This module reuses the exchange pipeline's
//! parts instead of a second proxy: the path rules (`path`: no dot segments, encoded slashes,
//! `//`…), the evidence log (an admission record before forwarding, durable in strict mode,
//! and an outcome record at the end), the body handling (`pipeline::prepare_body`, streamed
//! uploads and downloads), and `forward` (hop-by-hop headers removed, redirects passed back,
//! timeouts). What differs is said by [`RequestCtx::web`]: `headers::web_identity` replaces
//! every identity header the browser sent and drops Wadah's session cookie, and `assertion`
//! signs the person (not a consumer application) into `X-Wadah-Assertion`.
//!
//! In the evidence log a visit is an exchange whose service is [`SERVICE`] (no registered
//! service can have that code: codes do not start with `_`), whose consumer is the person's
//! agency (or `-`) and application `portal`, whose credential is `session`, and whose
//! `end_user` is [`WebIdentity::user`] — the pseudonymous username, never a name or NIK.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::response::Response;
use wadah_domain::Code;
use wadah_domain::audit::{Admission, Sha256Hash};

use crate::Shared;
use crate::body::UploadStats;
use crate::forward::{self, Prepared};
use crate::path::{self, PathError};
use crate::pipeline;
use crate::problem::{Code as Problem, GatewayError};
use crate::snapshot::{Route, Upstream};
use crate::upstream::client::HttpsClient;

/// The service code web visits are recorded under.
pub const SERVICE: &str = "_web";
/// How long a web application may take to start answering.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Who a web application is told is visiting: verified by the web listener's session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebIdentity {
    /// `X-Wadah-User`: the Wadah username (for single sign-on users the issuer-scoped
    /// pseudonym `sso-…`); also the assertion's `sub` and the evidence log's end user.
    pub user: String,
    /// `X-Wadah-User-Name`: the display name (percent-encoded UTF-8 in the header).
    pub name: String,
    /// `X-Wadah-Agency`: the person's agency code, if any.
    pub agency: Option<String>,
    /// `X-Wadah-Roles`: the person's Wadah roles.
    pub roles: Vec<String>,
    /// `{agency}/{application}`: the web application (the assertion's `aud`).
    pub application: String,
    /// Cookies the application must never see (Wadah's session cookie, by name).
    pub hidden_cookies: Vec<String>,
}

/// One visit to a web application, as the web listener hands it over.
#[derive(Debug)]
pub struct WebVisit {
    pub agency: Code,
    pub application: Code,
    /// The application's base URL (`web_upstream` in the registry).
    pub base_url: String,
    /// The path below `/app/{agency}/{application}`, still percent-encoded (empty or `/…`).
    pub rest: String,
    pub identity: WebIdentity,
    /// The browser's address.
    pub client: SocketAddr,
}

/// Forwards visits to web applications; cheap to clone.
#[derive(Clone)]
pub struct WebApps {
    shared: Arc<Shared>,
    client: HttpsClient,
}

impl std::fmt::Debug for WebApps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebApps").finish_non_exhaustive()
    }
}

impl WebApps {
    pub(crate) fn new(shared: Arc<Shared>, client: HttpsClient) -> Self {
        Self { shared, client }
    }

    /// Forwards `req` (its path already stripped to `visit.rest`) to the web application and
    /// streams the answer back. Unsafe paths are refused with 400 `invalid_path`.
    pub async fn forward(&self, visit: WebVisit, req: Request) -> Response {
        let gw = self.shared.as_ref();
        let id = crate::request_id::fresh(gw.random.as_ref(), gw.clock.now());
        let mut ctx = crate::ctx::RequestCtx::new(id, visit.client, gw.clock.now());
        let route = Arc::new(self.route(&visit));
        ctx.route = Some(route);
        ctx.web = Some(Arc::new(visit.identity.clone()));
        if let Err(e) = check(&visit.rest) {
            return pipeline::refuse(gw, &ctx, e);
        }
        ctx.rest.clone_from(&visit.rest);
        let (parts, body) = req.into_parts();
        let (evidence, prepared) = match pipeline::prepare_body(gw, &parts, body).await {
            Ok(prepared) => prepared,
            Err(e) => return pipeline::refuse(gw, &ctx, e),
        };
        let admission = Admission {
            request_id: ctx.id.clone(),
            consumer_agency: visit.identity.agency.clone().unwrap_or_else(|| "-".into()),
            consumer_application: "portal".into(),
            credential: "session".into(),
            service_agency: visit.agency.to_string(),
            service_application: visit.application.to_string(),
            service: SERVICE.into(),
            method: parts.method.to_string(),
            path: visit.rest.clone(),
            query_digest: parts.uri.query().map(|q| Sha256Hash::of(q.as_bytes())),
            body: evidence,
            end_user: Some(visit.identity.user.clone()),
            client: visit.client.to_string(),
        };
        if let Err(e) = gw.audit.admit(admission).await {
            tracing::error!(error = %e, "refusing a web application visit: it cannot be recorded");
            let e = GatewayError::new(
                Problem::AuditUnavailable,
                "the evidence log cannot be written, so the request was not forwarded",
            );
            return pipeline::refuse(gw, &ctx, e);
        }
        let upload = Arc::new(UploadStats::default());
        if let Prepared::Buffered(bytes) = &prepared {
            upload
                .bytes
                .store(bytes.len() as u64, std::sync::atomic::Ordering::Relaxed);
        }
        forward::forward(gw, &mut ctx, parts, prepared, upload).await
    }

    /// A route for this one visit: the application's base URL, no upstream credential, no
    /// rights (the web listener decided who may visit), the shared pooled client.
    fn route(&self, visit: &WebVisit) -> Route {
        Route {
            agency: visit.agency.clone(),
            application: visit.application.clone(),
            service: Code::parse(&SERVICE[1..]).unwrap_or_else(|_| visit.application.clone()),
            name: visit.identity.application.clone(),
            key: format!("{}/{}/{SERVICE}", visit.agency, visit.application),
            upstream: upstream(&visit.base_url),
            client: self.client.clone(),
            auth: None,
            timeout: TIMEOUT,
            default_limit: 0,
            visibility: wadah_domain::service::Visibility::Internal,
            openapi: None,
            rights: Vec::new(),
            health_check: None,
            circuit: None,
        }
    }
}

/// The gateway's path rules, applied to the part below the application.
fn check(rest: &str) -> Result<(), GatewayError> {
    if !rest.is_empty() && !rest.starts_with('/') {
        return Err(GatewayError::new(
            Problem::InvalidPath,
            "the path must start with '/'",
        ));
    }
    let probe = format!("/a/b/c{rest}");
    match path::parse(&probe) {
        Ok(_) => Ok(()),
        Err(PathError::TooLong) => Err(GatewayError::new(
            Problem::InvalidPath,
            format!("the path is longer than {} bytes", path::MAX_PATH_BYTES),
        )),
        Err(PathError::Unsafe(why)) => Err(GatewayError::new(Problem::InvalidPath, why)),
        Err(PathError::NoService) => Err(GatewayError::new(Problem::InvalidPath, "malformed path")),
    }
}

fn upstream(url: &str) -> Option<Upstream> {
    crate::snapshot::upstream(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_below_a_web_application_follow_the_gateway_rules() {
        for ok in ["", "/", "/cuti/ajukan", "/a%20b"] {
            assert!(check(ok).is_ok(), "{ok}");
        }
        for bad in ["/../etc", "/%2e%2e/x", "/x%2fy", "//x", "/..;/admin", "/x\\y"] {
            assert!(check(bad).is_err(), "{bad}");
        }
    }
}
