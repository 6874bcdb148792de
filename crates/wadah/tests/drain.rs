//! Zero-downtime operations (issue 7): on SIGTERM a node reports "draining" at once
//! (`/readyz` and the gateway's `/healthz` answer 503 `draining`) while it keeps serving for
//! `lifecycle.drain_delay_secs`, then stops accepting, lets the request in flight finish,
//! flushes the evidence log and exits cleanly; the log verifies and holds the request's
//! outcome.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod nodes;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

use common::{Demo, wadah};
use nodes::{http, within};

const SERVICE: &str = "bpsdm/simpeg/pegawai";

#[test]
fn sigterm_drains_a_slow_request_in_flight_and_flushes_the_evidence_log() {
    let dir = tempfile::tempdir().unwrap();
    let (upstream, arrived, release) = slow_upstream();
    let demo = Demo::start_with_env(dir.path(), &[("WADAH_LIFECYCLE__DRAIN_DELAY_SECS", "1")]);
    let key = demo.key("diskominfo", "dashboard-kota");
    repoint(&demo, SERVICE, &upstream);
    let (gateway, web) = (demo.gateway_addr(), demo.web_addr());
    // The demo's own sample upstream also answers 200 for `/fast`, so only the test
    // upstream's body proves that the new route is live.
    within(Duration::from_secs(10), || {
        http(&gateway, "GET", "/bpsdm/simpeg/pegawai/fast", Some(&key), None).2["answer"] == "fast"
    })
    .expect("the gateway forwards to the test upstream");
    assert_eq!(http(&web, "GET", "/readyz", None, None).0, 200);

    // A slow request is in flight when SIGTERM arrives.
    let in_flight = {
        let (gateway, key) = (gateway.clone(), key.clone());
        std::thread::spawn(move || http(&gateway, "GET", "/bpsdm/simpeg/pegawai/slow", Some(&key), None))
    };
    arrived
        .recv_timeout(Duration::from_secs(10))
        .expect("the slow request reached the upstream");

    // While the node stops: it says it drains, still serves during the delay, then stops
    // accepting; only then does the upstream answer the request in flight.
    let watcher = {
        let (gateway, web, key) = (gateway.clone(), web.clone(), key.clone());
        std::thread::spawn(move || {
            let drained = within(Duration::from_secs(5), || {
                let (status, _, body) = http(&web, "GET", "/readyz", None, None);
                status == 503 && body["code"] == "draining"
            });
            let (gw_status, _, gw_body) = http(&gateway, "GET", "/healthz", None, None);
            let served = http(&gateway, "GET", "/bpsdm/simpeg/pegawai/fast", Some(&key), None).0;
            let closed = within(Duration::from_secs(10), || TcpStream::connect(&gateway).is_err());
            release.send(()).unwrap();
            (drained, gw_status, gw_body, served, closed)
        })
    };
    demo.stop(); // SIGTERM; asserts a clean exit within 40 s
    let (drained, gw_status, gw_body, served_while_draining, closed) = watcher.join().unwrap();
    assert!(drained.is_some(), "/readyz did not report draining");
    assert_eq!(gw_status, 503, "{gw_body}");
    assert_eq!(gw_body["code"], "draining");
    assert_eq!(
        served_while_draining, 200,
        "requests are still served during the drain delay"
    );
    assert!(closed.is_some(), "the gateway stopped accepting");

    let (status, head, body) = in_flight.join().unwrap();
    assert_eq!(status, 200, "the request in flight completed: {head}");
    assert_eq!(body["answer"], "slow", "the upstream's own answer came back");
    let request_id = head
        .lines()
        .find_map(|l| l.strip_prefix("x-request-id:"))
        .map(|v| v.trim().to_owned())
        .expect("x-request-id");

    let out = wadah(&["audit", "verify"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = wadah(&["audit", "export", "--from", "2000-01-01"], dir.path());
    let records: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let outcome = records
        .iter()
        .find(|r| r["kind"] == "outcome" && r["request_id"] == request_id.as_str());
    assert!(
        outcome.is_some(),
        "the outcome of the drained request is in the log"
    );
}

/// An upstream that answers at once, except `/slow`, which it holds until released.
fn slow_upstream() -> (String, mpsc::Receiver<()>, mpsc::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (arrived_tx, arrived) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let released = std::sync::Arc::new(std::sync::Mutex::new(released));
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let (arrived_tx, released) = (arrived_tx.clone(), released.clone());
            std::thread::spawn(move || serve(stream, &arrived_tx, &released));
        }
    });
    (base, arrived, release)
}

fn serve(stream: TcpStream, arrived: &mpsc::Sender<()>, released: &std::sync::Mutex<mpsc::Receiver<()>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let slow = line.contains("/slow");
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                break;
            }
        }
        let body = if slow {
            let _ = arrived.send(());
            let _ = released.lock().unwrap().recv_timeout(Duration::from_secs(60));
            r#"{"answer":"slow"}"#
        } else {
            r#"{"answer":"fast"}"#
        };
        let answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        if stream.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}

/// Points a demo service at `upstream` through the admin API.
fn repoint(demo: &Demo, service: &str, upstream: &str) {
    let (agency, rest) = service.split_once('/').unwrap();
    let (application, code) = rest.split_once('/').unwrap();
    let path = format!("/api/v1/agencies/{agency}/applications/{application}/services/{code}");
    let token = demo.token();
    let (status, head, mut spec) = http(&demo.web_addr(), "GET", &path, Some(&token), None);
    assert_eq!(status, 200, "{spec}");
    let etag = head
        .lines()
        .find_map(|l| l.strip_prefix("etag:"))
        .map(|v| v.trim().to_owned())
        .expect("ETag");
    let fields = spec.as_object_mut().unwrap();
    for derived in ["agency", "application", "meta"] {
        fields.remove(derived);
    }
    fields.insert("upstream_url".into(), upstream.into());
    let body = spec.to_string();
    let mut stream = TcpStream::connect(demo.web_addr()).unwrap();
    write!(
        stream,
        "PUT {path} HTTP/1.1\r\nHost: wadah\r\nAuthorization: Bearer {token}\r\nIf-Match: {etag}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    std::io::Read::read_to_string(&mut stream, &mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
