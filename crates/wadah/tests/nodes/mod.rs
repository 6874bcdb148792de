//! Several real `wadah serve` processes on loopback for the cluster tests: a node started on
//! free ports with its own data dir and a shared database, a tiny HTTP client, and a TCP
//! proxy in front of PostgreSQL that a test can cut (to stop the database for some nodes
//! without stopping the server other tests use).

#![allow(dead_code)] // each test binary uses a different part

pub mod servers;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// One `wadah serve` process.
pub struct Node {
    child: Child,
    pub web: String,
    pub gateway: String,
    pub dir: PathBuf,
    /// Its log lines (JSON), kept for failure messages.
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Node {
    /// Starts `wadah serve --data-dir DIR` (or `--config FILE` when `config` is given) with
    /// `env` on free ports and waits (bounded) until it serves.
    pub fn start(dir: &Path, config: Option<&Path>, env: &[(&str, &str)]) -> Node {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wadah"));
        cmd.arg("serve");
        match config {
            Some(file) => cmd.arg("--config").arg(file),
            None => cmd.arg("--data-dir").arg(dir),
        };
        let mut child = cmd
            .env("WADAH_WEB__LISTEN", "127.0.0.1:0")
            .env("WADAH_GATEWAY__LISTEN", "127.0.0.1:0")
            .env("WADAH_LOG__FORMAT", "json")
            .env("WADAH_LOG", "info,sqlx=warn")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("wadah serve starts");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        for stream in [
            Box::new(child.stdout.take().expect("stdout")) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().expect("stderr")),
        ] {
            let (log, tx) = (log.clone(), tx.clone());
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if let Ok(v) = serde_json::from_str::<Value>(&line)
                        && v["fields"]["message"] == "wadah is serving"
                    {
                        let _ = tx.send((
                            v["fields"]["web"].as_str().unwrap_or_default().to_owned(),
                            v["fields"]["gateway"].as_str().unwrap_or_default().to_owned(),
                        ));
                    }
                    log.lock().unwrap().push(line);
                }
            });
        }
        let (web, gateway) = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(addrs) => addrs,
            Err(_) => panic!(
                "wadah serve did not come up ({:?}):\n{}",
                child.try_wait(),
                log.lock().unwrap().join("\n")
            ),
        };
        Node {
            child,
            web,
            gateway,
            dir: dir.to_path_buf(),
            log,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal by name (`TERM`, `HUP`, `USR1`…).
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// SIGTERM and wait (bounded) for a clean exit.
    pub fn stop(mut self) {
        self.signal("TERM");
        let deadline = Instant::now() + Duration::from_secs(40);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                assert!(status.success(), "wadah serve should exit cleanly: {status}");
                return;
            }
            std::thread::park_timeout(Duration::from_millis(20));
        }
        panic!("wadah serve did not stop on SIGTERM");
    }

    /// The exit status, waiting at most `limit`.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::park_timeout(Duration::from_millis(20));
        }
        None
    }

    /// SIGKILL (`kill -9`): no shutdown path runs, as in a crash.
    pub fn kill9(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }

    /// The web listener's `/metrics` text.
    pub fn metrics(&self) -> String {
        metrics_at(&self.web)
    }

    pub fn logs(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// One HTTP/1.1 exchange: (status, lower-cased head, JSON body or Null).
pub fn http(
    host: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, String, Value) {
    let mut stream = TcpStream::connect(host).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let body = body.map(Value::to_string).unwrap_or_default();
    let content = if body.is_empty() {
        String::new()
    } else {
        format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        )
    };
    let empty_post = if body.is_empty() && method != "GET" {
        "Content-Length: 0\r\n"
    } else {
        ""
    };
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\n{auth}{content}{empty_post}Connection: close\r\n\r\n{body}"
    )
    .expect("write");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read");
    let status: u16 = raw.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    (
        status,
        head.to_lowercase(),
        serde_json::from_str(body).unwrap_or(Value::Null),
    )
}

/// Polls `probe` until it answers `true`, at most `limit`; answers how long that took.
pub fn within(limit: Duration, mut probe: impl FnMut() -> bool) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if probe() {
            return Some(start.elapsed());
        }
        std::thread::park_timeout(Duration::from_millis(20));
    }
    None
}

/// A TCP proxy to `target` that can be cut: while down, every connection is closed and new
/// ones are accepted and dropped at once (as a stopped server looks to a client).
pub struct CutProxy {
    pub addr: String,
    down: Arc<AtomicBool>,
    open: Arc<Mutex<HashMap<u64, TcpStream>>>,
}

impl CutProxy {
    pub fn start(target: &str) -> CutProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        let down = Arc::new(AtomicBool::new(false));
        let open: Arc<Mutex<HashMap<u64, TcpStream>>> = Arc::default();
        let (d, o, target) = (down.clone(), open.clone(), target.to_owned());
        std::thread::spawn(move || {
            let mut next = 0u64;
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                if d.load(Ordering::SeqCst) {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect(&target) else {
                    continue;
                };
                next += 1;
                {
                    let mut open = o.lock().unwrap();
                    open.insert(next * 2, client.try_clone().expect("clone"));
                    open.insert(next * 2 + 1, server.try_clone().expect("clone"));
                }
                pump(
                    client.try_clone().expect("clone"),
                    server.try_clone().expect("clone"),
                );
                pump(server, client);
            }
        });
        CutProxy { addr, down, open }
    }

    /// Stops the "database": open connections are cut, new ones refused.
    pub fn cut(&self) {
        self.down.store(true, Ordering::SeqCst);
        for (_, s) in self.open.lock().unwrap().drain() {
            let _ = s.shutdown(Shutdown::Both);
        }
    }

    pub fn restore(&self) {
        self.down.store(false, Ordering::SeqCst);
    }
}

fn pump(mut from: TcpStream, mut to: TcpStream) {
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut from, &mut to);
        let _ = to.shutdown(Shutdown::Both);
        let _ = from.shutdown(Shutdown::Both);
    });
}

/// `url` with its `host:port` replaced by `addr`.
pub fn via(url: &str, addr: &str) -> String {
    let start = url
        .find('@')
        .map(|i| i + 1)
        .or_else(|| url.find("://").map(|i| i + 3))
        .expect("a URL");
    let end = url[start..].find('/').map_or(url.len(), |i| start + i);
    format!("{}{addr}{}", &url[..start], &url[end..])
}

/// The `host:port` of a URL.
pub fn host_port(url: &str) -> String {
    let start = url
        .find('@')
        .map(|i| i + 1)
        .or_else(|| url.find("://").map(|i| i + 3))
        .expect("a URL");
    let end = url[start..].find('/').map_or(url.len(), |i| start + i);
    url[start..end].to_owned()
}

/// `GET /metrics` on a web listener: the whole answer (head and text).
pub fn metrics_at(web: &str) -> String {
    let mut stream = TcpStream::connect(web).expect("connect");
    write!(
        stream,
        "GET /metrics HTTP/1.1\r\nHost: wadah\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read");
    raw
}

/// The sum of a metric's samples whose labels include every `name="value"` in `labels`.
pub fn metric(text: &str, name: &str, labels: &[&str]) -> f64 {
    text.lines()
        .filter(|l| {
            l.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('{') || rest.starts_with(' '))
        })
        .filter(|l| labels.iter().all(|label| l.contains(label)))
        .filter_map(|l| l.rsplit_once(' ')?.1.parse::<f64>().ok())
        .sum()
}
