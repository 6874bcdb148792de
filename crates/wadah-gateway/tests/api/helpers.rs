//! The spawn helper: a fresh SQLite store seeded through the store traits, a real upstream
//! (axum on 127.0.0.1:0) that records what it receives, and the gateway on 127.0.0.1:0.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wadah_domain::access::AccessRightSpec;
use wadah_domain::credential::CredentialSpec;
use wadah_domain::secret::{self, Random, SecretKind};
use wadah_domain::time::{FixedClock, SystemClock};
use wadah_domain::{Actor, Clock, Code};
use wadah_gateway::{AuditDurability, Gateway, GatewayConfig, OauthConfig};
use wadah_store::{Change, Store, StoredSecret};
use wadah_store_sqlite::testing::TempSqlite;

#[derive(Debug)]
pub struct OsRandom;
impl Random for OsRandom {
    fn fill(&self, buf: &mut [u8]) {
        // Tests only: a counter mixed with the address of a stack value is random enough.
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(1);
        let n = N
            .fetch_add(1, Ordering::Relaxed)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ (buf.as_ptr() as u64);
        for (i, b) in buf.iter_mut().enumerate() {
            *b = (n.rotate_left(i as u32 * 7) >> (i % 8)) as u8 ^ i as u8;
        }
    }
}

/// One request as the upstream saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    #[allow(dead_code)]
    pub method: String,
    pub uri: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

pub type Log = Arc<Mutex<Vec<Seen>>>;

async fn record(State(log): State<Log>, req: Request) -> axum::response::Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 64 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let path = parts.uri.path().to_owned();
    log.lock().unwrap().push(Seen {
        method: parts.method.to_string(),
        uri: parts.uri.to_string(),
        headers: parts.headers,
        body: body.clone(),
    });
    if path.ends_with("/hang") {
        tokio::time::sleep(Duration::from_secs(30)).await;
    }
    let mut response = axum::Json(json!({"path": path, "received": body.len()})).into_response();
    response
        .headers_mut()
        .insert("connection", "x-upstream-private".parse().unwrap());
    response
        .headers_mut()
        .insert("x-upstream-private", "1".parse().unwrap());
    response
        .headers_mut()
        .insert("keep-alive", "timeout=5".parse().unwrap());
    *response.status_mut() = if path.ends_with("/created") {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    response
}

pub async fn spawn_upstream() -> (SocketAddr, Log) {
    let log: Log = Arc::default();
    let app = Router::new().fallback(record).with_state(log.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, log)
}

/// A consumer's key.
#[derive(Debug, Clone)]
pub struct Key {
    pub id: String,
    pub plain: String,
}

pub struct TestGateway {
    pub addr: SocketAddr,
    pub upstream: Log,
    pub store: Arc<dyn Store>,
    /// The same store, for engine-level faults (closing the pool).
    pub sql: Arc<wadah_store_sqlite::SqlStore>,
    pub audit_dir: PathBuf,
    pub audit: wadah_gateway::audit::AuditLog,
    /// The upstreams' health and circuit states.
    pub circuits: wadah_gateway::CircuitView,
    /// diskominfo/dashboard: GET and POST on bpsdm/simpeg/pegawai, GET /pegawai/* only on …/gaji.
    pub dashboard: Key,
    /// dinsos/e-bansos: no rights at all.
    pub bansos: Key,
    /// diskominfo/dashboard's OAuth2 client (same rights as `dashboard`).
    pub client: Client,
    /// The gateway's clock when the test fixed it (`Options::fixed_clock`).
    pub clock: Option<Arc<FixedClock>>,
    /// Dropping it stops the gateway (graceful shutdown runs).
    pub _stop: tokio::sync::oneshot::Sender<()>,
    pub _temp: TempSqlite,
    pub _dir: tempfile::TempDir,
}

pub fn change() -> Change {
    Change {
        actor: Actor::system("test"),
        at: SystemClock.now(),
    }
}

pub fn code(s: &str) -> Code {
    Code::parse(s).unwrap()
}

fn spec<T: serde::de::DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).unwrap()
}

pub struct Options {
    pub durability: AuditDurability,
    pub audit_dir: Option<PathBuf>,
    pub timeout_ms: u32,
    pub limit: Option<u32>,
    /// Points bpsdm/simpeg/pegawai at this address instead of the recording upstream.
    pub upstream: Option<String>,
    /// Runs the gateway on a clock that moves only when the test moves it.
    pub fixed_clock: bool,
    pub oauth: OauthConfig,
    /// The services' `upstream_ca_pem`.
    pub ca_pem: Option<String>,
    /// bpsdm/simpeg/pegawai's upstream credential (an `UpstreamCredentialSpec` as JSON),
    /// sealed with [`test_keys`].
    pub upstream_credential: Option<Value>,
    /// The gateway's clock (the system's by default).
    pub clock: Option<Arc<dyn Clock>>,
    /// The services' `health_check` (JSON), if any.
    pub health_check: Option<Value>,
    /// Adjusts the gateway's configuration (timeouts, breaker) before it starts.
    pub tune: fn(&mut GatewayConfig),
    /// TLS on the gateway listener (see `tls.rs`).
    pub tls: Option<wadah_gateway::TlsConfig>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            durability: AuditDurability::Strict,
            audit_dir: None,
            timeout_ms: 5_000,
            limit: None,
            upstream: None,
            fixed_clock: false,
            oauth: OauthConfig {
                key_refresh_interval: Duration::from_millis(50),
                ..OauthConfig::default()
            },
            ca_pem: None,
            upstream_credential: None,
            clock: None,
            health_check: None,
            tune: |_| {},
            tls: None,
        }
    }
}

pub async fn spawn() -> TestGateway {
    spawn_with(Options::default()).await
}

pub async fn spawn_with(options: Options) -> TestGateway {
    let temp = TempSqlite::new().unwrap();
    let sql = Arc::new(temp.open().await.unwrap());
    let store: Arc<dyn Store> = sql.clone();
    let (upstream_addr, upstream) = spawn_upstream().await;
    let base = options
        .upstream
        .clone()
        .unwrap_or_else(|| format!("http://{upstream_addr}/api/v1"));
    seed(store.as_ref(), &base, &options).await;
    let dashboard = key(store.as_ref(), "diskominfo", "dashboard").await;
    let bansos = key(store.as_ref(), "dinsos", "e-bansos").await;
    let client = client(store.as_ref(), "diskominfo", "dashboard").await;
    let fixed = options
        .fixed_clock
        .then(|| Arc::new(FixedClock::at(SystemClock.now())));
    let clock: Arc<dyn Clock> = match (&options.clock, &fixed) {
        (Some(c), _) => c.clone(),
        (None, Some(c)) => c.clone(),
        (None, None) => Arc::new(SystemClock),
    };
    let dir = tempfile::tempdir().unwrap();
    let mut config = GatewayConfig::new("127.0.0.1:0".parse().unwrap(), dir.path());
    config.durability = options.durability;
    config.node_id = "test-node".into();
    config.max_body_bytes = 1024 * 1024;
    config.oauth = options.oauth.clone();
    config.tls = options.tls.clone();
    if let Some(audit_dir) = options.audit_dir {
        config.audit_dir = audit_dir;
    }
    (options.tune)(&mut config);
    let audit_dir = config.audit_dir.clone();
    let gateway = Gateway::build(config, store.clone(), clock, Arc::new(OsRandom), test_keys())
        .await
        .unwrap();
    let addr = gateway.local_addr().unwrap();
    let audit = gateway.audit();
    let circuits = gateway.circuits();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(gateway.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    TestGateway {
        addr,
        upstream,
        store,
        sql,
        audit_dir,
        audit,
        circuits,
        dashboard,
        bansos,
        client,
        clock: fixed,
        _stop: stop,
        _temp: temp,
        _dir: dir,
    }
}

async fn seed(store: &dyn Store, base: &str, options: &Options) {
    let gov = spec(json!({"code": "bontang", "name": "Pemerintah Kota Bontang", "kind": "kota"}));
    store.create_government(&gov, &change()).await.unwrap();
    for agency in ["bpsdm", "diskominfo", "dinsos"] {
        let a = spec(json!({"code": agency, "name": format!("Dinas {agency}"), "government": "bontang"}));
        store.create_agency(&a, &change()).await.unwrap();
    }
    for (agency, app) in [
        ("bpsdm", "simpeg"),
        ("diskominfo", "dashboard"),
        ("dinsos", "e-bansos"),
    ] {
        let a = spec(
            json!({"code": app, "name": format!("Aplikasi {app}"), "kind": "khusus",
            "lifecycle": {"stage": "active"}, "audience": "asn"}),
        );
        store
            .create_application(&code(agency), &a, &change())
            .await
            .unwrap();
    }
    for (svc, visibility) in [("pegawai", "public"), ("gaji", "internal")] {
        let mut doc = json!({"code": svc, "name": format!("Layanan {svc}"), "visibility": visibility,
            "upstream_url": format!("{base}/{svc}"), "classification": "terbatas", "timeout_ms": options.timeout_ms,
            "openapi": "openapi: 3.1.0\ninfo: {title: Pegawai, version: '1'}\npaths: {}\n"});
        if let Some(pem) = &options.ca_pem {
            doc["upstream_ca_pem"] = json!(pem);
        }
        if let Some(check) = &options.health_check {
            doc["health_check"] = check.clone();
        }
        let s = spec(doc);
        store
            .create_service(&code("bpsdm"), &code("simpeg"), &s, &change())
            .await
            .unwrap();
    }
    if let Some(credential) = &options.upstream_credential {
        set_upstream_credential(store, credential.clone()).await;
    }
    let mut pegawai: AccessRightSpec = spec(json!({
        "consumer": {"agency": "diskominfo", "application": "dashboard"},
        "service": {"agency": "bpsdm", "application": "simpeg", "service": "pegawai"},
        "methods": ["GET", "POST", "HEAD"],
    }));
    pegawai.limit_per_minute = options.limit;
    store.create_right(&pegawai, &change()).await.unwrap();
    let gaji: AccessRightSpec = spec(json!({
        "consumer": {"agency": "diskominfo"},
        "service": {"agency": "bpsdm", "application": "simpeg", "service": "gaji"},
        "methods": ["GET"], "paths": ["/pegawai/*"],
    }));
    store.create_right(&gaji, &change()).await.unwrap();
}

/// Seals `credential` (an `UpstreamCredentialSpec` as JSON) for bpsdm/simpeg/pegawai, as the
/// admin API does, and stores it.
pub async fn set_upstream_credential(store: &dyn Store, credential: Value) {
    use wadah_domain::upstream::{UpstreamCredentialSpec, seal_context};
    let credential: UpstreamCredentialSpec = spec(credential);
    let (public, secret) = credential.split().unwrap();
    let service = wadah_domain::service::ServiceRef {
        agency: code("bpsdm"),
        application: code("simpeg"),
        service: code("pegawai"),
    };
    let sealed = test_keys()
        .seal(secret.as_bytes(), &seal_context(&service))
        .unwrap();
    store
        .set_upstream_credential(&service, &public, &sealed, &change())
        .await
        .unwrap();
}

pub async fn key(store: &dyn Store, agency: &str, app: &str) -> Key {
    let issued = secret::issue(SecretKind::ApiKey, &OsRandom);
    let spec: CredentialSpec = spec(json!({"name": "kunci", "kind": "api_key"}));
    let stored = StoredSecret {
        digest: issued.digest,
        hint: issued.hint,
    };
    let cred = store
        .create_credential(&code(agency), &code(app), &spec, &stored, None, &change())
        .await
        .unwrap();
    Key {
        id: cred.id,
        plain: issued.plain,
    }
}

/// An OAuth2 client's credentials.
#[derive(Debug, Clone)]
pub struct Client {
    pub id: String,
    pub client_id: String,
    pub secret: String,
}

pub async fn client(store: &dyn Store, agency: &str, app: &str) -> Client {
    let issued = secret::issue(SecretKind::ClientSecret, &OsRandom);
    let client_id = secret::public_id("wdhc_", &OsRandom);
    let spec: CredentialSpec = spec(json!({"name": "klien", "kind": "oauth_client"}));
    let stored = StoredSecret {
        digest: issued.digest,
        hint: issued.hint,
    };
    let cred = store
        .create_credential(
            &code(agency),
            &code(app),
            &spec,
            &stored,
            Some(&client_id),
            &change(),
        )
        .await
        .unwrap();
    Client {
        id: cred.id,
        client_id,
        secret: issued.plain,
    }
}

/// A response as a client sees it.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    /// The problem code, asserting the problem+json media type.
    pub fn code(&self) -> String {
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{self:?}"
        );
        self.json()["code"].as_str().unwrap_or_default().to_owned()
    }
}

impl TestGateway {
    /// Sends raw bytes and reads the whole answer (the connection is closed after one).
    pub async fn raw(&self, request: &[u8]) -> Answer {
        raw(self.addr, request).await
    }

    pub async fn get(&self, path: &str, key: Option<&Key>) -> Answer {
        self.send("GET", path, key, &[], b"").await
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        key: Option<&Key>,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Answer {
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n");
        if let Some(k) = key {
            req.push_str(&format!("Authorization: Bearer {}\r\n", k.plain));
        }
        for (n, v) in headers {
            req.push_str(&format!("{n}: {v}\r\n"));
        }
        if !body.is_empty() || method == "POST" {
            req.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        req.push_str("\r\n");
        let mut bytes = req.into_bytes();
        bytes.extend_from_slice(body);
        self.raw(&bytes).await
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.upstream.lock().unwrap().clone()
    }

    /// Asks until `ok` holds for the answer or the deadline passes (for the ≤ 1 s liveness).
    pub async fn eventually(
        &self,
        path: &str,
        key: &Key,
        deadline: Duration,
        ok: impl Fn(&Answer) -> bool,
    ) -> Duration {
        let started = Instant::now();
        loop {
            let answer = self.get(path, Some(key)).await;
            if ok(&answer) {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < deadline,
                "not within {deadline:?}: {answer:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

pub async fn raw(addr: SocketAddr, request: &[u8]) -> Answer {
    parse(&raw_bytes(addr, request).await)
}

/// Sends raw bytes and reads until the gateway closes the connection (bounded: 20 s).
pub async fn raw_bytes(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut out = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), async {
        // A reset after a cut body is an end too; what arrived before it counts.
        let mut buf = [0u8; 8192];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "no answer in time");
    out
}

/// Every record of the evidence log in `dir`, in order.
pub fn evidence(dir: &std::path::Path) -> Vec<wadah_domain::audit::AuditRecord> {
    use wadah_gateway::audit::segment;
    let mut out = Vec::new();
    for path in segment::list(dir).unwrap() {
        let bytes = std::fs::read(path).unwrap();
        for frame in segment::frames(&bytes).0 {
            out.push(wadah_domain::audit::AuditRecord::decode(frame.encoding).unwrap());
        }
    }
    out
}

/// An HTTP/1.1 request head (`Connection: close`) with an optional API key.
pub fn request(method: &str, path: &str, key: Option<&Key>) -> Vec<u8> {
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n");
    if let Some(k) = key {
        req.push_str(&format!("Authorization: Bearer {}\r\n", k.plain));
    }
    req.push_str("\r\n");
    req.into_bytes()
}

pub fn parse(raw: &[u8]) -> Answer {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(raw.len());
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.get(9..12))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw.get(split + 4..).unwrap_or_default().to_vec();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Answer {
        status,
        headers,
        body,
    }
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(pos) = raw.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&raw[..pos]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&raw[pos + 2..pos + 2 + size]);
        raw = &raw[pos + 2 + size + 2..];
    }
    out
}

/// A fixed master key for tests (the binary loads its own from `secrets.master_key_file`).
pub fn test_keys() -> Arc<wadah_seal::KeyRing> {
    Arc::new(wadah_seal::KeyRing::new(wadah_seal::MasterKey::from_bytes(
        &[42; 32],
    )))
}

/// Sum of the aggregated rejection counts for `code` (after closing the window).
pub async fn rejections(gw: &TestGateway, code: &str) -> u64 {
    gw.audit.close_window().await;
    gw.audit.flush().await.unwrap();
    evidence(&gw.audit_dir)
        .iter()
        .filter_map(|r| match &r.body {
            wadah_domain::audit::RecordBody::Rejections(r) => Some(
                r.counts
                    .iter()
                    .filter(|c| c.code == code)
                    .map(|c| c.count)
                    .sum::<u64>(),
            ),
            _ => None,
        })
        .sum()
}

/// [`rejections`] once the count reaches `expected` or 2 s have passed: refusals that hyper
/// makes itself are counted when their connection ends, just after the client saw the answer.
pub async fn rejections_reaching(gw: &TestGateway, code: &str, expected: u64) -> u64 {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(2);
    loop {
        let seen = rejections(gw, code).await;
        if seen >= expected || tokio::time::Instant::now() > deadline {
            return seen;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
