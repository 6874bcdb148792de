//! `DIR/demo-credentials.json` (DESIGN.md §3): what a new user needs to try the demo, written
//! once when the demo is seeded and kept across runs. It holds secrets, so it is written
//! readable by its owner only.

use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DemoCredentials {
    pub web_url: String,
    pub gateway_url: String,
    pub admin: AdminSecrets,
    pub consumers: Vec<ConsumerSecrets>,
    /// Every demo person (the admin included), for trying roles and agency scoping.
    #[serde(default)]
    pub users: Vec<DemoUser>,
    /// The civil servant (role `staff`) for the staff portal `/asn`: sign in at
    /// `/console/masuk`. Absent in files written before the staff portal existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<StaffSignIn>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StaffSignIn {
    pub username: String,
    pub password: String,
    pub agency: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AdminSecrets {
    pub username: String,
    pub password: String,
    pub api_token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConsumerSecrets {
    pub agency: String,
    pub application: String,
    pub api_key: String,
    pub client_id: String,
    pub client_secret: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DemoUser {
    pub username: String,
    pub role: String,
    pub password: String,
    pub api_token: String,
}

impl DemoCredentials {
    pub fn read(path: &Path) -> anyhow::Result<Option<Self>> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        serde_json::from_str(&text).map(Some).with_context(|| {
            format!(
                "{} is damaged; move it away to issue fresh demo credentials",
                path.display()
            )
        })
    }

    /// Writes atomically (temporary file, then rename) with mode 0600.
    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        let tmp = path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(self)?;
        write_private(&tmp, text.as_bytes()).with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}
