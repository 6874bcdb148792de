//! Private PostgreSQL and Redis servers that a test may stop and start (the machine's own
//! servers are shared with other tests and must never be stopped), `psql` queries against a
//! database, and a node's resident memory and open file descriptors from `/proc`.
//!
//! PostgreSQL refuses to run as root, so as root `initdb` and `pg_ctl` run as the `postgres`
//! user (`runuser -u postgres --`) in a directory that user owns. When a private server cannot
//! be started the test says so loudly and returns, except under `CI=true`, where it fails.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::within;

/// Whether the tests run in CI (a skipped fault test must fail there).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Reports that a test cannot run: a panic in CI, a loud notice elsewhere.
pub fn cannot_run(what: &str, why: &str) {
    let message = format!("{what} NOT RUN: {why}");
    if in_ci() {
        panic!("{message} (CI=true: a fault test must not be skipped)");
    }
    let bar = "!".repeat(78);
    eprintln!("\n{bar}\n!! {message}\n{bar}\n");
}

/// A free port on loopback (bound, then released).
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// A PostgreSQL server of the test's own, in a temporary directory, with trust auth.
pub struct PrivatePostgres {
    bin: PathBuf,
    data: PathBuf,
    root: tempfile::TempDir,
    pub port: u16,
    as_postgres: bool,
}

impl PrivatePostgres {
    /// `initdb` and start; `Err` says why it cannot run here.
    pub fn start() -> Result<PrivatePostgres, String> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .map_err(|e| format!("no PostgreSQL binaries under /usr/lib/postgresql ({e})"))?
            .filter_map(Result::ok)
            .map(|e| e.path().join("bin"))
            .filter(|b| b.join("initdb").exists())
            .max()
            .ok_or("no initdb under /usr/lib/postgresql/*/bin")?;
        let root = tempfile::Builder::new()
            .prefix("wadah-pg-")
            .tempdir_in("/tmp")
            .map_err(|e| e.to_string())?;
        let as_postgres = is_root();
        if as_postgres {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(root.path())
                .status()
                .map_err(|e| e.to_string())?;
            if !status.success() {
                return Err("cannot hand the data directory to the postgres user".into());
            }
        }
        let pg = PrivatePostgres {
            data: root.path().join("data"),
            bin,
            root,
            port: free_port(),
            as_postgres,
        };
        let out = pg
            .command("initdb")
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "-D"])
            .arg(&pg.data)
            .output()
            .map_err(|e| format!("initdb does not run: {e}"))?;
        if !out.status.success() {
            return Err(format!("initdb failed: {}", String::from_utf8_lossy(&out.stderr)));
        }
        pg.start_again()?;
        Ok(pg)
    }

    fn command(&self, tool: &str) -> Command {
        let program = self.bin.join(tool);
        if self.as_postgres {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(program);
            cmd
        } else {
            Command::new(program)
        }
    }

    /// The URL of its `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// `pg_ctl start` (after `stop`), waiting until it accepts connections.
    pub fn start_again(&self) -> Result<(), String> {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c max_connections=100",
            self.port,
            self.root.path().display()
        );
        let out = self
            .command("pg_ctl")
            .args(["start", "-w", "-t", "60", "-D"])
            .arg(&self.data)
            .args(["-o", &options, "-l"])
            .arg(self.root.path().join("server.log"))
            .stdout(Stdio::null())
            .output()
            .map_err(|e| format!("pg_ctl does not run: {e}"))?;
        if !out.status.success() {
            let log = std::fs::read_to_string(self.root.path().join("server.log")).unwrap_or_default();
            return Err(format!(
                "pg_ctl start failed: {}{log}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(())
    }

    /// `pg_ctl stop -m fast`: connections are closed, new ones refused.
    pub fn stop(&self) {
        let out = self
            .command("pg_ctl")
            .args(["stop", "-w", "-m", "fast", "-D"])
            .arg(&self.data)
            .output()
            .expect("pg_ctl runs");
        assert!(
            out.status.success(),
            "pg_ctl stop: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .args(["stop", "-m", "immediate", "-D"])
            .arg(&self.data)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A `redis-server` of the test's own on a free port, without persistence.
pub struct PrivateRedis {
    child: Option<Child>,
    pub port: u16,
}

impl PrivateRedis {
    pub fn start() -> Result<PrivateRedis, String> {
        let mut redis = PrivateRedis {
            child: None,
            port: free_port(),
        };
        redis.start_again()?;
        Ok(redis)
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts it (after `stop`) on the same port and waits until it answers.
    pub fn start_again(&mut self) -> Result<(), String> {
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("redis-server does not run: {e}"))?;
        self.child = Some(child);
        let addr = format!("127.0.0.1:{}", self.port);
        within(Duration::from_secs(20), || ping(&addr))
            .map(drop)
            .ok_or_else(|| "redis-server did not answer PING".to_owned())
    }

    /// SIGKILL: the server is gone at once, as in a crash or a network cut.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

fn ping(addr: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(addr) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut answer = [0u8; 7];
    stream.write_all(b"PING\r\n").is_ok() && stream.read_exact(&mut answer).is_ok() && &answer == b"+PONG\r\n"
}

/// Runs one query with `psql` and answers its rows, fields split on `|`.
pub fn psql(url: &str, query: &str) -> Vec<Vec<String>> {
    let out = Command::new("psql")
        .args([
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-c",
            query,
        ])
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "psql: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.split('|').map(str::to_owned).collect())
        .collect()
}

/// The evidence index's request ids with how often each occurs (over every node).
pub fn indexed_request_ids(url: &str) -> std::collections::HashMap<String, u64> {
    psql(
        url,
        "SELECT request_id, count(*) FROM audit_exchanges GROUP BY request_id",
    )
    .into_iter()
    .map(|row| (row[0].clone(), row[1].parse().expect("a count")))
    .collect()
}

/// A process's resident memory in KiB (`VmRSS`).
pub fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS")
}

/// How many file descriptors a process has open.
pub fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("/proc fd")
        .count()
}

/// `wadah audit verify` on a node's data dir against `database`: (success, stdout + stderr).
pub fn audit_verify(dir: &Path, database: &str) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wadah"))
        .args(["audit", "verify", "--data-dir"])
        .arg(dir)
        .env("WADAH_DATABASE__URL", database)
        .output()
        .expect("wadah runs");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}
