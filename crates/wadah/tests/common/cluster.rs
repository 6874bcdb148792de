//! A database seeded for several `wadah serve` nodes: `wadah demo` fills it (registry, keys,
//! the admin's token), the services under test are pointed at the test's own upstreams with
//! their limits lifted, and the demo is stopped again; the nodes share its master key.

use std::path::Path;

use serde_json::json;

use super::Demo;
use super::load::repoint;

/// The consumer whose API key drives the load (it has a right on every service used here).
pub const CONSUMER: (&str, &str) = ("diskominfo", "dashboard-kota");
/// The service the load calls, and its path on the gateway.
pub const LOADED: &str = "bpsdm/simpeg/pegawai";
pub const LOADED_PATH: &str = "/bpsdm/simpeg/pegawai/pegawai";

pub struct Seeded {
    pub dir: tempfile::TempDir,
    pub token: String,
    pub key: String,
    /// `WADAH_DATABASE__URL` and the shared master key.
    pub env: Vec<(String, String)>,
}

impl Seeded {
    /// Seeds `database` and points [`LOADED`] at `upstream` (limit lifted to 1,000,000/min).
    pub fn new(database: &str, upstream: &str) -> Seeded {
        Seeded::with(database, &[(LOADED, upstream)])
    }

    /// Seeds `database` and points each `(service, upstream)` there, limits lifted.
    pub fn with(database: &str, services: &[(&str, &str)]) -> Seeded {
        let dir = tempfile::tempdir().expect("tempdir");
        let demo = Demo::start_with_env(dir.path(), &[("WADAH_DATABASE__URL", database)]);
        let token = demo.token();
        let key = demo.key(CONSUMER.0, CONSUMER.1);
        for (service, upstream) in services {
            let lifted = [("default_limit_per_minute", json!(1_000_000))];
            repoint(&demo.web_addr(), &token, service, upstream, &lifted);
        }
        demo.stop();
        let env = vec![
            ("WADAH_DATABASE__URL".to_owned(), database.to_owned()),
            (
                "WADAH_SECRETS__MASTER_KEY_FILE".to_owned(),
                master_key(dir.path()),
            ),
        ];
        Seeded { dir, token, key, env }
    }

    /// The shared environment plus `extra`, as `Node::start` takes it.
    pub fn env<'a>(&'a self, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        self.env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain(extra.iter().copied())
            .collect()
    }
}

fn master_key(dir: &Path) -> String {
    dir.join("master.key").display().to_string()
}
