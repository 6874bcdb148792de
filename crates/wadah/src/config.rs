//! Configuration: typed, layered and strict (CONVENTIONS 10). Defaults, then the TOML file,
//! then `WADAH_*` environment variables (`WADAH_SECTION__KEY`, e.g. `WADAH_DATABASE__URL`;
//! `…_FILE` reads a secret from a file, except for keys that are paths themselves, such as
//! `gateway.tls_cert_file`). Unknown keys, in the file or the environment, are
//! refused, so a typo never silently falls back to a default. One conversion turns the raw
//! layers into the [`Config`] the rest of the binary uses.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;
use wadah_gateway::{
    AuditDurability, BreakerConfig, ClientAuth, GatewayConfig, OauthConfig, TlsConfig, default_node_id,
};

/// Environment variables that are not configuration keys: the log filter and test settings.
const NOT_CONFIG: &[&str] = &["WADAH_LOG"];
const NOT_CONFIG_PREFIXES: &[&str] = &["WADAH_TEST_"];
/// Keys whose own names end in `_file` (paths): their variables set the path itself rather
/// than reading the value from a file, e.g. `WADAH_GATEWAY__TLS_CERT_FILE=/etc/wadah/gw.pem`.
const PATH_VARS: &[&str] = &[
    "WADAH_SECRETS__MASTER_KEY_FILE",
    "WADAH_GATEWAY__TLS_CERT_FILE",
    "WADAH_GATEWAY__TLS_KEY_FILE",
    "WADAH_GATEWAY__TLS_CLIENT_CA_FILE",
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub data_dir: Option<PathBuf>,
    #[serde(default)]
    pub web: RawWeb,
    #[serde(default)]
    pub gateway: RawGateway,
    #[serde(default)]
    pub database: RawDatabase,
    #[serde(default)]
    pub log: RawLog,
    #[serde(default)]
    pub secrets: RawSecrets,
    #[serde(default)]
    pub oauth: RawOauth,
    #[serde(default)]
    pub rate_limit: RawRateLimit,
    #[serde(default)]
    pub lifecycle: RawLifecycle,
    #[serde(default)]
    pub sso: crate::sso_config::RawSso,
}

/// `[rate_limit]`: cluster-wide limits in Redis (see `cluster.rs`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRateLimit {
    pub redis_url: Option<String>,
    pub redis_unavailable: Option<String>,
    pub redis_timeout_ms: Option<u64>,
    pub redis_key_prefix: Option<String>,
}

/// `[lifecycle]`: draining at shutdown.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLifecycle {
    pub drain_delay_secs: Option<u64>,
    pub grace_period_secs: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOauth {
    pub issuer: Option<String>,
    pub token_lifetime_secs: Option<u64>,
    pub key_rotation_days: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSecrets {
    pub master_key_file: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWeb {
    pub listen: Option<SocketAddr>,
    pub max_body_bytes: Option<usize>,
    /// Console sessions: mark cookies `Secure` (`__Host-`): people reach Wadah over HTTPS.
    pub secure_cookies: Option<bool>,
    /// Console sessions: believe `X-Forwarded-Proto` (only behind a proxy that always sets it).
    pub trust_forwarded_proto: Option<bool>,
    /// Console sessions end after this many idle minutes (default 30).
    pub session_idle_minutes: Option<i64>,
    /// Console sessions end this many hours after sign-in at the latest (default 12).
    pub session_max_hours: Option<i64>,
    pub enabled: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGateway {
    pub listen: Option<SocketAddr>,
    pub node_id: Option<String>,
    pub audit_durability: Option<String>,
    pub audit_segment_bytes: Option<u64>,
    pub audit_retention_days: Option<u32>,
    pub audit_checkpoint_seconds: Option<u64>,
    pub max_body_bytes: Option<u64>,
    pub tls_cert_file: Option<PathBuf>,
    pub tls_key_file: Option<PathBuf>,
    pub tls_client_ca_file: Option<PathBuf>,
    pub tls_client_auth: Option<String>,
    pub body_idle_timeout_seconds: Option<u64>,
    pub breaker_failures: Option<u32>,
    pub breaker_cool_down_seconds: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDatabase {
    pub url: Option<String>,
    pub max_connections: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLog {
    pub level: Option<String>,
    pub format: Option<String>,
}

/// A value that must not appear in logs or error messages (a database URL with a password).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_url(&self.0))
    }
}

/// `postgres://user:pw@host/db` → `postgres://user:***@host/db`.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or_default();
            format!("{}{user}:***{}", &url[..s + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub web_listen: SocketAddr,
    pub gateway_listen: SocketAddr,
    pub max_body_bytes: usize,
    pub database_url: Secret,
    pub max_connections: u32,
    pub log_level: String,
    pub log_json: bool,
    pub gateway: GatewaySettings,
    /// The key file that seals stored secrets (`wadah_seal`); default `DATA_DIR/master.key`.
    pub master_key_file: PathBuf,
    /// Access tokens, gateway assertions and their signing keys (`[oauth]`).
    pub oauth: OauthConfig,
    /// Console sign-in sessions (`web.secure_cookies`, `web.session_*`).
    pub sessions: wadah_web::session::SessionConfig,
    /// `false`: a gateway-only node (no web listener: no portals, console or admin API).
    pub web_enabled: bool,
    /// Cluster-wide rate limits (`[rate_limit]`).
    pub rate_limit: crate::cluster::RateLimitSettings,
    /// Draining at shutdown (`[lifecycle]`).
    pub lifecycle: crate::cluster::Lifecycle,
    /// Single sign-on providers (`[sso]`).
    pub sso: wadah_web::sso::SsoConfig,
}

/// The gateway keys beyond its address (see `wadah.example.toml`).
#[derive(Debug, Clone)]
pub struct GatewaySettings {
    pub node_id: String,
    /// Whether `node_id` was set (else it is derived and kept in `DATA_DIR/node-id`).
    pub node_id_configured: bool,
    pub audit_durability: AuditDurability,
    pub audit_segment_bytes: u64,
    pub audit_retention_days: u32,
    pub audit_checkpoint_seconds: u64,
    pub max_body_bytes: u64,
    /// TLS on the gateway listener (`None`: plain HTTP); the files are read when it starts.
    pub tls: Option<TlsConfig>,
    pub body_idle_timeout: std::time::Duration,
    pub breaker: BreakerConfig,
}

impl Config {
    /// The evidence log's directory: `DATA_DIR/audit`.
    pub fn audit_dir(&self) -> PathBuf {
        self.data_dir.join("audit")
    }

    /// What the gateway library is given.
    pub fn gateway_config(&self) -> GatewayConfig {
        GatewayConfig {
            node_id: self.gateway.node_id.clone(),
            durability: self.gateway.audit_durability,
            segment_bytes: self.gateway.audit_segment_bytes,
            retention_days: self.gateway.audit_retention_days,
            checkpoint_interval: std::time::Duration::from_secs(self.gateway.audit_checkpoint_seconds),
            max_body_bytes: self.gateway.max_body_bytes,
            oauth: self.oauth.clone(),
            tls: self.gateway.tls.clone(),
            body_idle_timeout: self.gateway.body_idle_timeout,
            breaker: self.gateway.breaker,
            drain_timeout: self.lifecycle.grace_period,
            cluster_limit: self.rate_limit.gateway(),
            ..GatewayConfig::new(self.gateway_listen, &self.data_dir)
        }
    }
}

impl Config {
    /// Loads `file` (if any) and the process environment.
    pub fn load(file: Option<&Path>, data_dir: Option<&Path>) -> anyhow::Result<Self> {
        Self::load_from(file, data_dir, std::env::vars())
    }

    pub fn load_from(
        file: Option<&Path>,
        data_dir: Option<&Path>,
        env: impl Iterator<Item = (String, String)>,
    ) -> anyhow::Result<Self> {
        let mut table = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
                text.parse::<toml::Table>()
                    .with_context(|| format!("{} is not valid TOML", path.display()))?
            }
            None => toml::Table::new(),
        };
        if let Some(dir) = data_dir {
            table.insert("data_dir".into(), toml::Value::String(dir.display().to_string()));
        }
        overlay_env(&mut table, env)?;
        let raw: RawConfig = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| anyhow::anyhow!("invalid configuration: {}", e.message().trim()))?;
        Self::validate(raw)
    }

    fn validate(raw: RawConfig) -> anyhow::Result<Self> {
        let data_dir = raw.data_dir.unwrap_or_else(|| PathBuf::from("./data"));
        let url = raw
            .database
            .url
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("wadah.db").display()));
        if !(url.starts_with("sqlite://")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            bail!(
                "database.url must start with sqlite:// or postgres:// (got {})",
                redact_url(&url)
            );
        }
        let max_body_bytes = raw.web.max_body_bytes.unwrap_or(1024 * 1024);
        if !(1024..=64 * 1024 * 1024).contains(&max_body_bytes) {
            bail!("web.max_body_bytes must be between 1024 and 67108864 (got {max_body_bytes})");
        }
        let max_connections = raw.database.max_connections.unwrap_or(10);
        if !(1..=500).contains(&max_connections) {
            bail!("database.max_connections must be between 1 and 500 (got {max_connections})");
        }
        let log_level = raw.log.level.unwrap_or_else(|| "info".into());
        if tracing_subscriber::EnvFilter::try_new(&log_level).is_err() {
            bail!("log.level {log_level:?} is not a valid filter (try info, debug or wadah=debug,warn)");
        }
        let log_json = match raw.log.format.as_deref().unwrap_or("text") {
            "text" => false,
            "json" => true,
            other => bail!("log.format must be \"text\" or \"json\" (got {other:?})"),
        };
        let web_listen = raw.web.listen.unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8080)));
        let gateway_listen = raw
            .gateway
            .listen
            .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8081)));
        // Port 0 (any free port, as tests use) gives two different ports.
        if web_listen == gateway_listen && web_listen.port() != 0 {
            bail!("web.listen and gateway.listen must differ: the two listeners are never mixed");
        }
        let sessions = session_settings(&raw.web)?;
        let gateway = gateway_settings(raw.gateway)?;
        let oauth = oauth_settings(raw.oauth)?;
        let rate_limit = crate::cluster::rate_limit_settings(raw.rate_limit)?;
        let lifecycle = crate::cluster::lifecycle_settings(raw.lifecycle)?;
        let sso = crate::sso_config::sso_settings(raw.sso)?;
        let web_enabled = raw.web.enabled.unwrap_or(true);
        let master_key_file = raw
            .secrets
            .master_key_file
            .unwrap_or_else(|| data_dir.join("master.key"));
        Ok(Self {
            sso,
            sessions,
            gateway,
            oauth,
            rate_limit,
            lifecycle,
            web_enabled,
            master_key_file,
            data_dir,
            web_listen,
            gateway_listen,
            max_body_bytes,
            database_url: Secret(url),
            max_connections,
            log_level,
            log_json,
        })
    }
}

/// `web.secure_cookies`, `web.trust_forwarded_proto`, `web.session_*`: the console's sessions.
fn session_settings(raw: &RawWeb) -> anyhow::Result<wadah_web::session::SessionConfig> {
    let idle = raw.session_idle_minutes.unwrap_or(30);
    if !(1..=1440).contains(&idle) {
        bail!("web.session_idle_minutes must be between 1 and 1440 (got {idle})");
    }
    let max = raw.session_max_hours.unwrap_or(12);
    if !(1..=168).contains(&max) {
        bail!("web.session_max_hours must be between 1 and 168 (got {max})");
    }
    Ok(wadah_web::session::SessionConfig {
        idle_timeout: chrono::Duration::minutes(idle),
        absolute_timeout: chrono::Duration::hours(max),
        secure_cookies: raw.secure_cookies.unwrap_or(false),
        trust_forwarded_proto: raw.trust_forwarded_proto.unwrap_or(false),
        ..wadah_web::session::SessionConfig::default()
    })
}

/// `gateway.tls_*`: certificate and key together or not at all; client certificates on top.
fn gateway_tls(raw: &mut RawGateway) -> anyhow::Result<Option<TlsConfig>> {
    let (cert, key) = (raw.tls_cert_file.take(), raw.tls_key_file.take());
    let (client_ca, client_auth) = (raw.tls_client_ca_file.take(), raw.tls_client_auth.take());
    let (cert_file, key_file) = match (cert, key) {
        (Some(cert), Some(key)) => (cert, key),
        (None, None) => {
            if client_ca.is_some() || client_auth.is_some() {
                bail!(
                    "gateway.tls_client_ca_file and gateway.tls_client_auth need TLS: set \
                     gateway.tls_cert_file and gateway.tls_key_file too"
                );
            }
            return Ok(None);
        }
        (Some(_), None) => bail!(
            "gateway.tls_cert_file is set but gateway.tls_key_file is not: set both, or neither for plain HTTP"
        ),
        (None, Some(_)) => bail!(
            "gateway.tls_key_file is set but gateway.tls_cert_file is not: set both, or neither for plain HTTP"
        ),
    };
    let client_auth = match client_auth.as_deref() {
        None => ClientAuth::Optional,
        Some(raw) => ClientAuth::parse(raw).with_context(|| {
            format!("gateway.tls_client_auth must be \"optional\" or \"required\" (got {raw:?})")
        })?,
    };
    if client_auth == ClientAuth::Required && client_ca.is_none() {
        bail!(
            "gateway.tls_client_auth = \"required\" needs gateway.tls_client_ca_file (the CAs that \
             issue client certificates)"
        );
    }
    Ok(Some(TlsConfig {
        client_ca_file: client_ca,
        client_auth,
        ..TlsConfig::new(cert_file, key_file)
    }))
}

fn gateway_settings(mut raw: RawGateway) -> anyhow::Result<GatewaySettings> {
    let tls = gateway_tls(&mut raw)?;
    let node_id_configured = raw.node_id.is_some();
    let node_id = raw.node_id.unwrap_or_else(default_node_id);
    if node_id.is_empty() || node_id.len() > 64 || !node_id.bytes().all(|b| b.is_ascii_graphic()) {
        bail!("gateway.node_id must be 1 to 64 visible characters (got {node_id:?})");
    }
    let durability = raw.audit_durability.unwrap_or_else(|| "strict".into());
    let audit_durability = AuditDurability::parse(&durability).with_context(|| {
        format!("gateway.audit_durability must be \"strict\" or \"async\" (got {durability:?})")
    })?;
    let audit_segment_bytes = raw.audit_segment_bytes.unwrap_or(64 * 1024 * 1024);
    if !(64 * 1024..=4 * 1024 * 1024 * 1024).contains(&audit_segment_bytes) {
        bail!("gateway.audit_segment_bytes must be between 65536 and 4294967296 (got {audit_segment_bytes})");
    }
    let max_body_bytes = raw.max_body_bytes.unwrap_or(10 * 1024 * 1024);
    if !(1024..=1024 * 1024 * 1024).contains(&max_body_bytes) {
        bail!("gateway.max_body_bytes must be between 1024 and 1073741824 (got {max_body_bytes})");
    }
    // 0 keeps everything; otherwise at least a day and at most 30 years.
    let audit_retention_days = raw.audit_retention_days.unwrap_or(400);
    if audit_retention_days > 30 * 366 {
        bail!(
            "gateway.audit_retention_days must be 0 (keep everything) or at most 10980 (got {audit_retention_days})"
        );
    }
    let audit_checkpoint_seconds = raw.audit_checkpoint_seconds.unwrap_or(10);
    if !(1..=3600).contains(&audit_checkpoint_seconds) {
        bail!("gateway.audit_checkpoint_seconds must be between 1 and 3600 (got {audit_checkpoint_seconds})");
    }
    let body_idle_timeout_seconds = raw.body_idle_timeout_seconds.unwrap_or(30);
    if !(1..=600).contains(&body_idle_timeout_seconds) {
        bail!(
            "gateway.body_idle_timeout_seconds must be between 1 and 600 (got {body_idle_timeout_seconds})"
        );
    }
    let defaults = BreakerConfig::default();
    let breaker_failures = raw.breaker_failures.unwrap_or(defaults.failures);
    if !(1..=16_383).contains(&breaker_failures) {
        bail!("gateway.breaker_failures must be between 1 and 16383 (got {breaker_failures})");
    }
    let breaker_cool_down_seconds = raw
        .breaker_cool_down_seconds
        .unwrap_or(defaults.cool_down.as_secs());
    if !(1..=3600).contains(&breaker_cool_down_seconds) {
        bail!(
            "gateway.breaker_cool_down_seconds must be between 1 and 3600 (got {breaker_cool_down_seconds})"
        );
    }
    Ok(GatewaySettings {
        body_idle_timeout: std::time::Duration::from_secs(body_idle_timeout_seconds),
        breaker: BreakerConfig {
            failures: breaker_failures,
            cool_down: std::time::Duration::from_secs(breaker_cool_down_seconds),
            ..defaults
        },
        node_id,
        node_id_configured,
        audit_durability,
        audit_segment_bytes,
        audit_retention_days,
        audit_checkpoint_seconds,
        max_body_bytes,
        tls,
    })
}

fn oauth_settings(raw: RawOauth) -> anyhow::Result<OauthConfig> {
    let defaults = OauthConfig::default();
    let issuer = raw.issuer.filter(|i| !i.is_empty());
    if let Some(issuer) = &issuer {
        let ok = (issuer.starts_with("https://") || issuer.starts_with("http://"))
            && issuer.len() <= 256
            && issuer.bytes().all(|b| b.is_ascii_graphic());
        if !ok {
            bail!("oauth.issuer must be an http(s) URL of at most 256 visible characters (got {issuer:?})");
        }
    }
    let lifetime = raw
        .token_lifetime_secs
        .unwrap_or(defaults.token_lifetime.as_secs());
    let max = wadah_gateway::keys::MAX_TOKEN_LIFETIME.as_secs();
    if !(60..=max).contains(&lifetime) {
        bail!("oauth.token_lifetime_secs must be between 60 and {max} (got {lifetime})");
    }
    let days = raw.key_rotation_days.unwrap_or(30);
    if !(1..=365).contains(&days) {
        bail!("oauth.key_rotation_days must be between 1 and 365 (got {days})");
    }
    Ok(OauthConfig {
        issuer,
        token_lifetime: std::time::Duration::from_secs(lifetime),
        key_rotation: std::time::Duration::from_secs(days * 24 * 3600),
        ..defaults
    })
}

/// Applies `WADAH_SECTION__KEY=value` (and `…_FILE=path`) on top of the file's table.
fn overlay_env(table: &mut toml::Table, env: impl Iterator<Item = (String, String)>) -> anyhow::Result<()> {
    let mut vars: Vec<(String, String)> = env
        .filter(|(k, _)| k.starts_with("WADAH_"))
        .filter(|(k, _)| !NOT_CONFIG.contains(&k.as_str()))
        .filter(|(k, _)| !NOT_CONFIG_PREFIXES.iter().any(|p| k.starts_with(p)))
        .collect();
    vars.sort();
    for (name, value) in vars {
        let indirect = name
            .strip_suffix("_FILE")
            .filter(|_| !PATH_VARS.contains(&name.as_str()));
        let (key, value) = match indirect {
            Some(key) => {
                let text = std::fs::read_to_string(&value)
                    .with_context(|| format!("{name}: cannot read {value}"))?;
                (key.to_owned(), text.trim().to_owned())
            }
            None => (name.clone(), value),
        };
        let path: Vec<String> = key["WADAH_".len()..].split("__").map(str::to_lowercase).collect();
        if path.iter().any(String::is_empty) {
            bail!("{name} is not a configuration variable (use WADAH_SECTION__KEY)");
        }
        insert(table, &path, env_value(&value)).with_context(|| name.clone())?;
    }
    Ok(())
}

/// Numbers and booleans from the environment keep their type; anything else is a string.
fn env_value(raw: &str) -> toml::Value {
    if let Ok(n) = raw.parse::<i64>() {
        return toml::Value::Integer(n);
    }
    match raw {
        "true" => toml::Value::Boolean(true),
        "false" => toml::Value::Boolean(false),
        _ => toml::Value::String(raw.to_owned()),
    }
}

fn insert(table: &mut toml::Table, path: &[String], value: toml::Value) -> anyhow::Result<()> {
    match path {
        [] => Ok(()),
        [last] => {
            table.insert(last.clone(), value);
            Ok(())
        }
        [first, rest @ ..] => {
            let entry = table
                .entry(first.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            match entry {
                toml::Value::Table(inner) => insert(inner, rest, value),
                _ => bail!("{first} is not a section"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn defaults_use_the_embedded_store_in_the_data_dir() {
        let c = Config::load_from(None, Some(Path::new("/srv/wadah")), env(&[])).unwrap();
        assert_eq!(c.database_url.expose(), "sqlite:///srv/wadah/wadah.db");
        assert_eq!(c.web_listen.to_string(), "127.0.0.1:8080");
    }

    #[test]
    fn environment_overrides_the_file_and_unknown_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("wadah.toml");
        std::fs::write(&file, "[web]\nlisten = \"127.0.0.1:9000\"\n").unwrap();
        let c = Config::load_from(
            Some(&file),
            None,
            env(&[
                ("WADAH_WEB__LISTEN", "127.0.0.1:9100"),
                ("WADAH_TEST_POSTGRES_URL", "x"),
            ]),
        )
        .unwrap();
        assert_eq!(c.web_listen.to_string(), "127.0.0.1:9100");

        std::fs::write(&file, "[web]\nlisten_on = \"127.0.0.1:9000\"\n").unwrap();
        let err = Config::load_from(Some(&file), None, env(&[])).unwrap_err();
        assert!(format!("{err:#}").contains("listen_on"), "{err:#}");

        let err = Config::load_from(None, None, env(&[("WADAH_WEB__LISTN", "x")])).unwrap_err();
        assert!(format!("{err:#}").contains("listn"), "{err:#}");
    }

    #[test]
    fn secrets_can_come_from_files_and_never_print() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("db");
        std::fs::write(&secret, "postgres://wadah:s3cret@db.local/wadah\n").unwrap();
        let c = Config::load_from(
            None,
            None,
            env(&[("WADAH_DATABASE__URL_FILE", secret.to_str().unwrap())]),
        )
        .unwrap();
        assert_eq!(c.database_url.expose(), "postgres://wadah:s3cret@db.local/wadah");
        assert!(!format!("{c:?}").contains("s3cret"));
    }

    #[test]
    fn breaker_and_idle_timeout_settings_reach_the_gateway() {
        let c = Config::load_from(
            None,
            None,
            env(&[
                ("WADAH_GATEWAY__BREAKER_FAILURES", "3"),
                ("WADAH_GATEWAY__BREAKER_COOL_DOWN_SECONDS", "45"),
                ("WADAH_GATEWAY__BODY_IDLE_TIMEOUT_SECONDS", "5"),
            ]),
        )
        .unwrap();
        let g = c.gateway_config();
        assert_eq!((g.breaker.failures, g.breaker.cool_down.as_secs()), (3, 45));
        assert_eq!(g.body_idle_timeout.as_secs(), 5);
        let d = Config::load_from(None, None, env(&[])).unwrap().gateway_config();
        assert_eq!((d.breaker.failures, d.body_idle_timeout.as_secs()), (5, 30));
    }

    #[test]
    fn bad_values_name_the_key() {
        for (k, v, needle) in [
            ("WADAH_DATABASE__URL", "mysql://x", "database.url"),
            ("WADAH_LOG__FORMAT", "xml", "log.format"),
            ("WADAH_WEB__MAX_BODY_BYTES", "10", "max_body_bytes"),
            (
                "WADAH_GATEWAY__AUDIT_DURABILITY",
                "sometimes",
                "gateway.audit_durability",
            ),
            (
                "WADAH_GATEWAY__AUDIT_SEGMENT_BYTES",
                "10",
                "gateway.audit_segment_bytes",
            ),
            (
                "WADAH_OAUTH__TOKEN_LIFETIME_SECS",
                "86400",
                "oauth.token_lifetime_secs",
            ),
            ("WADAH_OAUTH__KEY_ROTATION_DAYS", "0", "oauth.key_rotation_days"),
            ("WADAH_OAUTH__ISSUER", "gw.bontang", "oauth.issuer"),
            (
                "WADAH_GATEWAY__AUDIT_CHECKPOINT_SECONDS",
                "0",
                "gateway.audit_checkpoint_seconds",
            ),
            ("WADAH_GATEWAY__BREAKER_FAILURES", "0", "gateway.breaker_failures"),
            (
                "WADAH_GATEWAY__BREAKER_COOL_DOWN_SECONDS",
                "7200",
                "gateway.breaker_cool_down_seconds",
            ),
            (
                "WADAH_GATEWAY__BODY_IDLE_TIMEOUT_SECONDS",
                "0",
                "gateway.body_idle_timeout_seconds",
            ),
        ] {
            let err = Config::load_from(None, None, env(&[(k, v)])).unwrap_err();
            assert!(format!("{err:#}").contains(needle), "{err:#}");
        }
    }

    /// The example file documents every key: loading it must set each one explicitly.
    #[test]
    fn the_example_file_is_valid_and_documents_every_key() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../wadah.example.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        let raw: RawConfig = toml::from_str(&text).unwrap();
        assert!(raw.data_dir.is_some());
        assert!(raw.web.listen.is_some() && raw.web.max_body_bytes.is_some());
        assert!(raw.gateway.listen.is_some() && raw.gateway.node_id.is_some());
        assert!(raw.gateway.audit_durability.is_some() && raw.gateway.audit_segment_bytes.is_some());
        assert!(raw.gateway.max_body_bytes.is_some() && raw.gateway.body_idle_timeout_seconds.is_some());
        assert!(raw.gateway.breaker_failures.is_some() && raw.gateway.breaker_cool_down_seconds.is_some());
        assert!(raw.gateway.audit_retention_days.is_some() && raw.gateway.audit_checkpoint_seconds.is_some());
        assert!(raw.database.url.is_some() && raw.database.max_connections.is_some());
        assert!(raw.log.level.is_some() && raw.log.format.is_some());
        assert!(raw.secrets.master_key_file.is_some());
        assert!(raw.oauth.issuer.is_some() && raw.oauth.token_lifetime_secs.is_some());
        assert!(raw.oauth.key_rotation_days.is_some());
        assert!(raw.web.enabled.is_some());
        assert!(raw.lifecycle.drain_delay_secs.is_some() && raw.lifecycle.grace_period_secs.is_some());
        Config::load_from(Some(&path), None, env(&[])).unwrap();
    }

    /// `wadah.example.toml` with its commented-out keys starting with `prefix` uncommented.
    fn example_with(prefix: &str) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../wadah.example.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        text.lines()
            .map(|l| {
                l.strip_prefix("# ")
                    .filter(|rest| rest.starts_with(prefix))
                    .unwrap_or(l)
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// TLS is optional (plain HTTP by default), so its keys are documented commented out:
    /// uncommented, they must be exactly the keys the gateway reads, and valid together.
    #[test]
    fn the_example_file_documents_the_optional_tls_keys() {
        let uncommented = example_with("tls_");
        let raw: RawConfig = toml::from_str(&uncommented).unwrap();
        let g = &raw.gateway;
        assert!(g.tls_cert_file.is_some() && g.tls_key_file.is_some());
        assert!(g.tls_client_ca_file.is_some() && g.tls_client_auth.is_some());
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("wadah.toml");
        std::fs::write(&file, &uncommented).unwrap();
        let c = Config::load_from(Some(&file), None, env(&[])).unwrap();
        let tls = c.gateway_config().tls.unwrap();
        assert_eq!(tls.client_auth, ClientAuth::Optional);
        assert!(tls.client_ca_file.is_some());
    }

    /// The cluster-wide limit is optional (each node limits alone by default), so its keys are
    /// documented commented out: uncommented, they are the keys read, and valid together.
    #[test]
    fn the_example_file_documents_the_optional_redis_keys() {
        let uncommented = example_with("redis_");
        let raw: RawConfig = toml::from_str(&uncommented).unwrap();
        let r = &raw.rate_limit;
        assert!(r.redis_url.is_some() && r.redis_unavailable.is_some());
        assert!(r.redis_timeout_ms.is_some() && r.redis_key_prefix.is_some());
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("wadah.toml");
        std::fs::write(&file, &uncommented).unwrap();
        let c = Config::load_from(Some(&file), None, env(&[])).unwrap();
        assert!(c.gateway_config().cluster_limit.is_some());
        assert!(
            Config::load_from(None, None, env(&[]))
                .unwrap()
                .gateway_config()
                .cluster_limit
                .is_none()
        );
    }

    #[test]
    fn tls_keys_come_as_a_pair_and_paths_can_come_from_the_environment() {
        let c = Config::load_from(
            None,
            None,
            env(&[
                ("WADAH_GATEWAY__TLS_CERT_FILE", "/etc/wadah/gw.crt"),
                ("WADAH_GATEWAY__TLS_KEY_FILE", "/etc/wadah/gw.key"),
            ]),
        )
        .unwrap();
        let tls = c.gateway_config().tls.unwrap();
        assert_eq!(tls.cert_file, Path::new("/etc/wadah/gw.crt"));
        assert_eq!(tls.key_file, Path::new("/etc/wadah/gw.key"));
        assert!(tls.client_ca_file.is_none());
        assert!(
            Config::load_from(None, None, env(&[]))
                .unwrap()
                .gateway_config()
                .tls
                .is_none()
        );
        for (vars, needle) in [
            (
                &[("WADAH_GATEWAY__TLS_CERT_FILE", "/x")][..],
                "gateway.tls_key_file is not",
            ),
            (&[("WADAH_GATEWAY__TLS_CLIENT_CA_FILE", "/x")][..], "need TLS"),
            (
                &[
                    ("WADAH_GATEWAY__TLS_CERT_FILE", "/x"),
                    ("WADAH_GATEWAY__TLS_KEY_FILE", "/y"),
                    ("WADAH_GATEWAY__TLS_CLIENT_AUTH", "required"),
                ][..],
                "needs gateway.tls_client_ca_file",
            ),
            (
                &[
                    ("WADAH_GATEWAY__TLS_CERT_FILE", "/x"),
                    ("WADAH_GATEWAY__TLS_KEY_FILE", "/y"),
                    ("WADAH_GATEWAY__TLS_CLIENT_AUTH", "sometimes"),
                ][..],
                "\"optional\" or \"required\"",
            ),
        ] {
            let err = Config::load_from(None, None, env(vars)).unwrap_err();
            assert!(format!("{err:#}").contains(needle), "{needle}: {err:#}");
        }
    }
}
