//! `spawn_app()` and friends: a router over a fresh, seeded store; a small request builder;
//! the seeded people and their tokens.

use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use serde_json::{Value, json};
use tower::ServiceExt;
use wadah_domain::secret::{self, Random, SecretKind};
use wadah_domain::time::FixedClock;
use wadah_domain::{Actor, Code};
use wadah_store::{Change, Store, StoredSecret};
use wadah_web::{AppState, WebConfig};

/// Runs the test function `$name(app: TestApp)` on a fresh app over SQLite and, when
/// `WADAH_TEST_POSTGRES_URL` is set, over PostgreSQL: `$name::sqlite` and `$name::postgres`.
macro_rules! api_test {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name($crate::helpers::TestApp::sqlite().await).await;
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(app) = $crate::helpers::TestApp::postgres().await {
                    super::$name(app).await;
                }
            }
        }
    };
}

/// The seeded people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Anonymous,
    /// `admin`: platform admin.
    Platform,
    /// `bpsdm-admin`: agency admin of bpsdm.
    BpsdmAdmin,
    /// `dinsos-admin`: agency admin of dinsos.
    DinsosAdmin,
    /// `dev-simpeg`: developer of bpsdm/simpeg.
    Developer,
    /// `auditor`: deployment-wide auditor.
    Auditor,
}

impl Who {
    pub fn username(self) -> &'static str {
        match self {
            Who::Anonymous => "",
            Who::Platform => "admin",
            Who::BpsdmAdmin => "bpsdm-admin",
            Who::DinsosAdmin => "dinsos-admin",
            Who::Developer => "dev-simpeg",
            Who::Auditor => "auditor",
        }
    }
}

/// A deterministic source of "random" bytes (splitmix64).
#[derive(Debug, Default)]
pub struct TestRandom(std::sync::atomic::AtomicU64);

impl Random for TestRandom {
    fn fill(&self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let mut z = self
                .0
                .fetch_add(0x9E37_79B9_7F4A_7C15, std::sync::atomic::Ordering::Relaxed)
                .wrapping_add(0x9E37_79B9_7F4A_7C15);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
        }
    }
}

/// One process-wide recorder, so `/metrics` shows what the middleware counted.
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full(wadah_web::telemetry::REQUEST_DURATION.to_owned()),
                    wadah_web::telemetry::LATENCY_BUCKETS,
                )
                .unwrap()
                .install_recorder()
                .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder().handle())
        })
        .clone()
}

/// Keeps the store's database alive for the test's duration.
#[allow(dead_code)]
enum Guard {
    Sqlite(wadah_store_sqlite::testing::TempSqlite),
    Postgres(wadah_store_postgres::testing::TestDatabase),
}

/// A router over a fresh store with the seed below.
pub struct TestApp {
    pub router: Router,
    pub store: Arc<dyn Store>,
    pub clock: Arc<FixedClock>,
    pub random: Arc<TestRandom>,
    pub(crate) tokens: Vec<(Who, String)>,
    _guard: Guard,
}

pub fn code(s: &str) -> Code {
    Code::parse(s).unwrap()
}

pub fn t0() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-03-01T08:00:00Z")
        .unwrap()
        .to_utc()
}

impl TestApp {
    pub async fn sqlite() -> Self {
        let temp = wadah_store_sqlite::testing::TempSqlite::new().unwrap();
        let store = temp.open().await.unwrap();
        Self::build(Arc::new(store), Guard::Sqlite(temp), WebConfig::default()).await
    }

    pub async fn postgres() -> Option<Self> {
        let db = wadah_store_postgres::testing::TestDatabase::create().await?;
        let store = db.open().await.unwrap();
        Some(Self::build(Arc::new(store), Guard::Postgres(db), WebConfig::default()).await)
    }

    async fn build(store: Arc<dyn Store>, guard: Guard, config: WebConfig) -> Self {
        let clock = Arc::new(FixedClock::at(t0()));
        let random = Arc::new(TestRandom::default());
        let state = AppState::new(
            store.clone(),
            clock.clone(),
            random.clone(),
            metrics_handle(),
            config,
        );
        let mut app = Self {
            router: wadah_web::router(state),
            store,
            clock,
            random,
            tokens: Vec::new(),
            _guard: guard,
        };
        app.seed().await;
        app
    }

    /// A second router over the same store with another configuration.
    pub fn with_config(&self, config: WebConfig) -> Router {
        let state = AppState::new(
            self.store.clone(),
            self.clock.clone(),
            self.random.clone(),
            metrics_handle(),
            config,
        );
        wadah_web::router(state)
    }

    /// The files of the SQLite database (database, WAL), to look into them; empty on PostgreSQL.
    pub fn database_files(&self) -> Vec<std::path::PathBuf> {
        match &self._guard {
            Guard::Sqlite(temp) => std::fs::read_dir(temp.dir())
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect(),
            Guard::Postgres(_) => Vec::new(),
        }
    }

    pub fn change(&self) -> Change {
        Change {
            actor: Actor::system("test-seed"),
            at: wadah_domain::Clock::now(self.clock.as_ref()),
        }
    }

    pub fn token(&self, who: Who) -> &str {
        self.tokens
            .iter()
            .find(|(w, _)| *w == who)
            .map(|(_, t)| t.as_str())
            .unwrap_or_default()
    }

    /// Mints a token for `username` straight through the store.
    pub async fn mint_token(&self, username: &str) -> String {
        let issued = secret::issue(SecretKind::AdminToken, self.random.as_ref());
        let stored = StoredSecret {
            digest: issued.digest,
            hint: issued.hint,
        };
        let spec = serde_json::from_value(json!({"name": "test token"})).unwrap();
        let username = wadah_domain::user::Username::parse(username).unwrap();
        self.store
            .create_api_token(&username, &spec, &stored, &self.change())
            .await
            .unwrap();
        issued.plain
    }

    pub fn call(&self, method: Method, path: &str) -> Call<'_> {
        Call {
            router: &self.router,
            app: self,
            method,
            path: path.to_owned(),
            who: Who::Anonymous,
            raw_token: None,
            body: None,
            content_type: None,
            headers: Vec::new(),
        }
    }

    pub fn get(&self, path: &str) -> Call<'_> {
        self.call(Method::GET, path)
    }

    pub fn post(&self, path: &str) -> Call<'_> {
        self.call(Method::POST, path)
    }

    pub fn put(&self, path: &str) -> Call<'_> {
        self.call(Method::PUT, path)
    }

    pub fn delete(&self, path: &str) -> Call<'_> {
        self.call(Method::DELETE, path)
    }
}

pub use crate::seed::{OPENAPI_YAML, application_json, public_service_json, service_json};

/// Deserialises a spec from JSON (the tests speak JSON, like clients).
pub fn spec<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap()
}

/// A request under construction.
pub struct Call<'a> {
    router: &'a Router,
    app: &'a TestApp,
    method: Method,
    path: String,
    who: Who,
    raw_token: Option<String>,
    body: Option<Vec<u8>>,
    content_type: Option<String>,
    headers: Vec<(String, String)>,
}

impl<'a> Call<'a> {
    pub fn by(mut self, who: Who) -> Self {
        self.who = who;
        self
    }

    pub fn bearer(mut self, token: &str) -> Self {
        self.raw_token = Some(token.to_owned());
        self
    }

    pub fn json(mut self, body: Value) -> Self {
        self.body = Some(serde_json::to_vec(&body).unwrap());
        self.content_type = Some("application/json".to_owned());
        self
    }

    pub fn raw(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self.content_type = Some(content_type.to_owned());
        self
    }

    pub fn if_match(self, version: i64) -> Self {
        self.header("if-match", &format!("\"{version}\""))
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn on(mut self, router: &'a Router) -> Self {
        self.router = router;
        self
    }

    pub async fn send(self) -> Resp {
        let mut builder = Request::builder().method(self.method.clone()).uri(&self.path);
        let token = self
            .raw_token
            .clone()
            .or_else(|| (self.who != Who::Anonymous).then(|| self.app.token(self.who).to_owned()));
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some(ct) = &self.content_type {
            builder = builder.header(header::CONTENT_TYPE, ct);
        }
        for (k, v) in &self.headers {
            builder = builder.header(k, v);
        }
        let request = builder.body(Body::from(self.body.unwrap_or_default())).unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes().to_vec();
        Resp {
            method: self.method,
            path: self.path,
            status,
            headers,
            body,
        }
    }
}

/// A response, with assertions that print the body when they fail.
#[derive(Debug)]
pub struct Resp {
    pub method: Method,
    pub path: String,
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{} {}: not JSON ({e}): {}", self.method, self.path, self.text()))
    }

    pub fn status(self, expected: u16) -> Self {
        assert_eq!(
            self.status.as_u16(),
            expected,
            "{} {} answered {}: {}",
            self.method,
            self.path,
            self.status,
            self.text()
        );
        self
    }

    pub fn ok(self) -> Self {
        self.status(200)
    }

    /// Asserts a problem document with this status and code.
    pub fn problem(self, status: u16, code: &str) -> Value {
        let resp = self.status(status);
        assert_eq!(
            resp.headers[header::CONTENT_TYPE],
            "application/problem+json",
            "{} {}",
            resp.method,
            resp.path
        );
        let body = resp.json();
        assert_eq!(body["code"], code, "{} {}: {body}", resp.method, resp.path);
        assert_eq!(body["status"], status);
        assert!(body["type"].as_str().unwrap().ends_with(code));
        assert!(body["title"].is_string() && body["detail"].is_string());
        body
    }

    pub fn etag(&self) -> String {
        self.headers[header::ETAG].to_str().unwrap().to_owned()
    }

    pub fn version(&self) -> i64 {
        self.etag().trim_matches('"').parse().unwrap()
    }
}
