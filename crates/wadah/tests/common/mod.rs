//! A running `wadah demo` for the binary's end-to-end tests: started on free ports in a
//! temporary data dir, talked to over plain HTTP as a user would, stopped with SIGTERM.

#![allow(dead_code)] // each test binary uses a different part

pub mod browser;
pub mod cluster;
pub mod load;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub struct Demo {
    child: Child,
    pub creds: Value,
}

impl Demo {
    /// Starts `wadah demo` and waits (bounded) until it prints its welcome, i.e. it is serving.
    pub fn start(dir: &Path) -> Demo {
        Demo::start_with_env(dir, &[])
    }

    /// `start` with extra environment (e.g. `WADAH_GATEWAY__AUDIT_DURABILITY`).
    pub fn start_with_env(dir: &Path, env: &[(&str, &str)]) -> Demo {
        Demo::start_on(dir, "127.0.0.1:0", env)
    }

    /// `start_with_env` with the web listener on `listen` (tests that must know its URL
    /// before it starts, e.g. to register it at an identity provider).
    pub fn start_on(dir: &Path, listen: &str, env: &[(&str, &str)]) -> Demo {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wadah"))
            .args(["demo", "--listen", listen, "--gateway-listen", "127.0.0.1:0"])
            .args(["--sample-listen", "127.0.0.1:0", "--data-dir"])
            .arg(dir)
            .env("WADAH_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("wadah demo starts");
        let stdout = child.stdout.take().expect("stdout");
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut lines = BufReader::new(stdout).lines();
        loop {
            assert!(Instant::now() < deadline, "wadah demo did not come up in time");
            match lines.next() {
                Some(Ok(line)) if line.contains("Press Ctrl-C") => break,
                Some(Ok(_)) => {}
                _ => panic!("wadah demo exited: {:?}", child.wait()),
            }
        }
        // Keep reading what the demo prints, so its messages at shutdown find an open pipe.
        std::thread::spawn(move || lines.for_each(drop));
        let text = std::fs::read_to_string(dir.join("demo-credentials.json")).expect("credentials file");
        Demo {
            child,
            creds: serde_json::from_str(&text).expect("credentials are JSON"),
        }
    }

    /// The process id of the running `wadah demo`.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The admin's API token.
    pub fn token(&self) -> String {
        self.creds["admin"]["api_token"]
            .as_str()
            .expect("token")
            .to_owned()
    }

    /// The API key of a demo consumer.
    pub fn key(&self, agency: &str, application: &str) -> String {
        let consumers = self.creds["consumers"].as_array().expect("consumers");
        let c = consumers
            .iter()
            .find(|c| c["agency"] == agency && c["application"] == application)
            .expect("the consumer is in the demo");
        c["api_key"].as_str().expect("api_key").to_owned()
    }

    /// A demo consumer's OAuth2 client id and secret.
    pub fn client(&self, agency: &str, application: &str) -> (String, String) {
        let consumers = self.creds["consumers"].as_array().expect("consumers");
        let c = consumers
            .iter()
            .find(|c| c["agency"] == agency && c["application"] == application)
            .expect("the consumer is in the demo");
        let field = |k: &str| c[k].as_str().expect(k).to_owned();
        (field("client_id"), field("client_secret"))
    }

    /// `POST /oauth2/token` on the gateway with a form body: (status, JSON body).
    pub fn gateway_token(&self, form: &str) -> (u16, Value) {
        let host = self.url("gateway_url");
        let mut stream = TcpStream::connect(host).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        write!(
            stream,
            "POST /oauth2/token HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{form}",
            form.len()
        )
        .expect("write");
        let mut raw = String::new();
        stream.read_to_string(&mut raw).expect("read");
        let status: u16 = raw[9..12].parse().expect("status");
        let body = raw.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        (status, serde_json::from_str(body).unwrap_or(Value::Null))
    }

    /// GET on the web listener: (status, JSON body).
    pub fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let (status, _, body) = http_get(self.url("web_url"), path, token);
        (status, body)
    }

    /// GET on the gateway listener: (status, lower-cased head, JSON body).
    pub fn gateway_get(&self, path: &str, key: Option<&str>) -> (u16, String, Value) {
        http_get(self.url("gateway_url"), path, key)
    }

    fn url(&self, which: &str) -> &str {
        self.creds[which]
            .as_str()
            .expect("url")
            .trim_start_matches("http://")
    }

    /// SIGKILL: for tests that only need the data the demo seeded (graceful shutdown is
    /// tested by `stop`).
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, so the graceful shutdown path runs; it must end cleanly.
    pub fn stop(mut self) {
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(40);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                assert!(
                    status.success(),
                    "wadah demo should exit cleanly on SIGTERM: {status}"
                );
                return;
            }
            std::thread::park_timeout(Duration::from_millis(50));
        }
        panic!("wadah demo did not stop on SIGTERM");
    }
}

impl Demo {
    /// SIGKILL (`kill -9`): no shutdown path runs, as in a crash.
    pub fn kill9(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }

    /// The gateway listener's `host:port`.
    pub fn gateway_addr(&self) -> String {
        self.url("gateway_url").to_owned()
    }

    /// The web listener's `host:port`.
    pub fn web_addr(&self) -> String {
        self.url("web_url").to_owned()
    }
}

/// A failed assertion must not leave the demo running (it holds the test's stderr open).
impl Drop for Demo {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A minimal HTTP/1.1 GET (the tests need no client library): (status, lower-cased head, JSON).
pub fn http_get(host: &str, path: &str, token: Option<&str>) -> (u16, String, Value) {
    let mut stream = TcpStream::connect(host).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\n{auth}Connection: close\r\n\r\n"
    )
    .expect("write");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read");
    let status: u16 = raw[9..12].parse().expect("status");
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    (
        status,
        head.to_lowercase(),
        serde_json::from_str(body).unwrap_or(Value::Null),
    )
}

/// Runs `wadah ARGS --data-dir DIR`.
pub fn wadah(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wadah"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .output()
        .expect("runs")
}
