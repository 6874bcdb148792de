//! The gateway end to end, as a new user meets it: `wadah demo` on free ports, a consumer from
//! `demo-credentials.json` calling a BPSDM service, refusals as problem documents, and
//! `wadah audit verify` over the evidence the calls left.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

struct Demo {
    child: Child,
    creds: Value,
}

impl Demo {
    /// Starts `wadah demo` and waits (bounded) for its welcome, i.e. until it serves.
    fn start(dir: &Path) -> Demo {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wadah"))
            .args([
                "demo",
                "--listen",
                "127.0.0.1:0",
                "--gateway-listen",
                "127.0.0.1:0",
                "--sample-listen",
                "127.0.0.1:0",
            ])
            .arg("--data-dir")
            .arg(dir)
            .env("WADAH_LOG", "warn")
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
        let text = std::fs::read_to_string(dir.join("demo-credentials.json")).expect("credentials file");
        Demo {
            child,
            creds: serde_json::from_str(&text).expect("credentials are JSON"),
        }
    }

    fn key(&self, agency: &str, application: &str) -> String {
        let consumers = self.creds["consumers"].as_array().expect("consumers");
        let c = consumers
            .iter()
            .find(|c| c["agency"] == agency && c["application"] == application)
            .expect("the consumer is in the demo");
        c["api_key"].as_str().expect("api_key").to_owned()
    }

    fn gateway_get(&self, path: &str, key: Option<&str>) -> (u16, String, Value) {
        let url = self.creds["gateway_url"].as_str().expect("gateway_url");
        http_get(url.trim_start_matches("http://"), path, key)
    }

    fn stop(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
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
        let _ = self.child.kill();
        panic!("wadah demo did not stop on SIGTERM");
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

/// A minimal HTTP/1.1 GET: (status, head, JSON body).
fn http_get(host: &str, path: &str, key: Option<&str>) -> (u16, String, Value) {
    let mut stream = TcpStream::connect(host).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let auth = key
        .map(|k| format!("Authorization: Bearer {k}\r\n"))
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

fn wadah(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wadah"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .output()
        .expect("runs")
}

#[test]
fn a_demo_consumer_calls_bpsdm_through_the_gateway_and_the_evidence_verifies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = Demo::start(dir.path());
    let key = demo.key("diskominfo", "dashboard-kota");

    let (status, head, body) = demo.gateway_get("/bpsdm/simpeg/pegawai/pegawai?limit=3", Some(&key));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"].as_array().map(Vec::len), Some(3), "{body}");
    assert!(head.contains("x-request-id:"));

    let (status, head, body) = demo.gateway_get("/bpsdm/simpeg/pegawai/pegawai", None);
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthenticated")));
    assert!(head.contains("content-type: application/problem+json"), "{head}");

    let lacking = demo.key("dinsos", "e-bansos");
    let (status, _, body) = demo.gateway_get("/bpsdm/simpeg/pegawai/pegawai", Some(&lacking));
    assert_eq!((status, body["code"].as_str()), (403, Some("access_denied")));
    demo.stop();

    let out = wadah(&["audit", "verify"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.contains("evidence log OK"), "{said}");

    let out = wadah(&["audit", "export", "--from", "2000-01-01"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l["kind"] == "admission" && l["service"] == "pegawai"),
        "{lines:?}"
    );

    // One changed byte in a segment: verify fails and names the segment and the record.
    let audit = dir.path().join("audit");
    let segment = std::fs::read_dir(&audit)
        .expect("audit dir")
        .flatten()
        .map(|e| e.path())
        .min()
        .expect("a segment");
    let mut bytes = std::fs::read(&segment).expect("read");
    bytes[56 + 4 + 12] ^= 0x01;
    std::fs::write(&segment, &bytes).expect("write");
    let out = wadah(&["audit", "verify"], dir.path());
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("audit-00000000000000000000.log") && stderr.contains("record 0"),
        "{stderr}"
    );
}
