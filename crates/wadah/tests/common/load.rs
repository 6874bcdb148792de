//! Steady load and test upstreams for the fault and soak tests: keep-alive clients (threads)
//! that count every answer per gateway, an upstream that records each `X-Request-Id` it is
//! sent, an upstream that accepts and never answers, and re-pointing a service through the
//! admin API.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;

/// What the clients of one gateway saw.
#[derive(Default)]
pub struct Tally {
    /// Answers by status.
    pub statuses: Mutex<BTreeMap<u16, u64>>,
    /// Connections refused or cut before an answer.
    pub broken: AtomicU64,
}

impl Tally {
    pub fn count(&self, status: u16) -> u64 {
        self.statuses.lock().unwrap().get(&status).copied().unwrap_or(0)
    }

    /// Answers that were not `status`, plus broken connections.
    pub fn other_than(&self, status: u16) -> u64 {
        let answers: u64 = self
            .statuses
            .lock()
            .unwrap()
            .iter()
            .filter(|(s, _)| **s != status)
            .map(|(_, n)| n)
            .sum();
        answers + self.broken.load(Ordering::SeqCst)
    }

    pub fn summary(&self) -> String {
        format!(
            "{:?}, {} broken",
            self.statuses.lock().unwrap(),
            self.broken.load(Ordering::SeqCst)
        )
    }

    /// A copy of the counts now, to compare with later.
    pub fn snapshot(&self) -> (BTreeMap<u16, u64>, u64) {
        (
            self.statuses.lock().unwrap().clone(),
            self.broken.load(Ordering::SeqCst),
        )
    }
}

/// Keep-alive clients calling `path` with an API key on several gateways until stopped; each
/// waits `pace` after an answer (a closed loop with think time, i.e. a steady rate).
pub struct Load {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
    /// One per target, in the order given.
    pub tallies: Vec<Arc<Tally>>,
}

impl Load {
    pub fn start(targets: &[(&str, usize)], path: &str, key: &str, pace: Duration) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::new();
        let mut tallies = Vec::new();
        for (gateway, clients) in targets {
            let tally = Arc::new(Tally::default());
            for _ in 0..*clients {
                let (gateway, path, key) = (gateway.to_string(), path.to_owned(), key.to_owned());
                let (stop, tally) = (stop.clone(), tally.clone());
                threads.push(std::thread::spawn(move || {
                    client(&gateway, &path, &key, pace, &stop, &tally);
                }));
            }
            tallies.push(tally);
        }
        Load {
            stop,
            threads,
            tallies,
        }
    }

    /// Stops every client and waits for them.
    pub fn stop(self) -> Vec<Arc<Tally>> {
        self.stop.store(true, Ordering::SeqCst);
        for t in self.threads {
            t.join().expect("load client");
        }
        self.tallies
    }
}

fn client(gateway: &str, path: &str, key: &str, pace: Duration, stop: &AtomicBool, tally: &Tally) {
    let request = format!("GET {path} HTTP/1.1\r\nHost: wadah\r\napikey: {key}\r\n\r\n");
    while !stop.load(Ordering::SeqCst) {
        let Ok(stream) = TcpStream::connect(gateway) else {
            tally.broken.fetch_add(1, Ordering::SeqCst);
            std::thread::park_timeout(Duration::from_millis(50));
            continue;
        };
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        let mut writer = stream;
        while !stop.load(Ordering::SeqCst) {
            if writer.write_all(request.as_bytes()).is_err() {
                tally.broken.fetch_add(1, Ordering::SeqCst);
                break;
            }
            match read_response(&mut reader) {
                Some((status, closes)) => {
                    *tally.statuses.lock().unwrap().entry(status).or_default() += 1;
                    if closes {
                        break;
                    }
                }
                None => {
                    tally.broken.fetch_add(1, Ordering::SeqCst);
                    break;
                }
            }
            if !pace.is_zero() {
                std::thread::park_timeout(pace);
            }
        }
    }
}

/// Reads one HTTP/1.1 response with a Content-Length body: (status, whether the server closes
/// the connection); `None` once the connection is gone.
pub fn read_response(reader: &mut impl BufRead) -> Option<(u16, bool)> {
    let mut line = String::new();
    reader.read_line(&mut line).ok().filter(|n| *n > 0)?;
    let status = line.get(9..12)?.parse().ok()?;
    let (mut length, mut closes) = (0usize, false);
    loop {
        line.clear();
        reader.read_line(&mut line).ok().filter(|n| *n > 0)?;
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            } else if name.eq_ignore_ascii_case("connection") {
                closes = value.trim().eq_ignore_ascii_case("close");
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((status, closes))
}

/// The test upstream: answers every request at once with a small JSON body and remembers
/// each `X-Request-Id` *before* answering, i.e. everything the gateways forwarded.
pub struct Recorder {
    addr: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    pub fn start() -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        let seen: Arc<Mutex<Vec<String>>> = Arc::default();
        let record = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let record = record.clone();
                std::thread::spawn(move || answer(stream, &record));
            }
        });
        Recorder { addr, seen }
    }

    pub fn base(&self) -> String {
        format!("http://{}/upstream", self.addr)
    }

    /// How many requests arrived so far.
    pub fn count(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    /// Every request id received, in arrival order (a forwarded id twice would show here).
    pub fn ids(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

fn answer(stream: TcpStream, seen: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut writer = stream;
    let body = br#"{"items":[{"nip":"199001012020121001"}]}"#;
    loop {
        let mut line = String::new();
        let mut id = None;
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(n) if n > 0 => {}
                _ => return,
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("x-request-id")
            {
                id = Some(value.trim().to_owned());
            }
        }
        seen.lock()
            .unwrap()
            .push(id.unwrap_or_else(|| "(no X-Request-Id)".into()));
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        if writer.write_all(head.as_bytes()).is_err() || writer.write_all(body).is_err() {
            return;
        }
    }
}

/// An upstream that accepts connections and reads requests but never answers; it counts the
/// connections it accepted and those still open (the gateway must close them on timeout).
pub struct Hang {
    addr: String,
    pub accepted: Arc<AtomicU64>,
    pub open: Arc<AtomicI64>,
}

impl Hang {
    pub fn start() -> Hang {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        let (accepted, open) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicI64::new(0)));
        let (a, o) = (accepted.clone(), open.clone());
        std::thread::spawn(move || {
            for mut stream in listener.incoming().map_while(Result::ok) {
                a.fetch_add(1, Ordering::SeqCst);
                o.fetch_add(1, Ordering::SeqCst);
                let o = o.clone();
                std::thread::spawn(move || {
                    let mut sink = [0u8; 4096];
                    while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
                    o.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        Hang { addr, accepted, open }
    }

    pub fn base(&self) -> String {
        format!("http://{}/hang", self.addr)
    }
}

/// Points `agency/application/service` at `upstream` through the admin API on `web`, with
/// `fields` set as well (e.g. a lifted limit or a short timeout).
pub fn repoint(web: &str, token: &str, service: &str, upstream: &str, fields: &[(&str, Value)]) {
    let mut parts = service.splitn(3, '/');
    let (agency, application, code) = (
        parts.next().expect("agency"),
        parts.next().expect("application"),
        parts.next().expect("service"),
    );
    let path = format!("/api/v1/agencies/{agency}/applications/{application}/services/{code}");
    let (status, head, mut spec) = super::http_get(web, &path, Some(token));
    assert_eq!(status, 200, "{spec}");
    let etag = head
        .lines()
        .find_map(|l| l.strip_prefix("etag:"))
        .map(|v| v.trim().to_owned())
        .expect("ETag");
    let object = spec.as_object_mut().expect("a service object");
    for derived in ["agency", "application", "meta"] {
        object.remove(derived);
    }
    object.insert("upstream_url".into(), upstream.into());
    for (name, value) in fields {
        object.insert((*name).into(), value.clone());
    }
    let body = spec.to_string();
    let mut stream = TcpStream::connect(web).expect("connect");
    write!(
        stream,
        "PUT {path} HTTP/1.1\r\nHost: wadah\r\nAuthorization: Bearer {token}\r\nIf-Match: {etag}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("write");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

/// The distinct values of `ids` that occur more than once.
pub fn duplicates(ids: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut twice: Vec<String> = ids.iter().filter(|id| !seen.insert(*id)).cloned().collect();
    twice.dedup();
    twice
}
