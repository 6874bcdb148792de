//! A misbehaving upstream on raw TCP: it reads one request head per connection and then
//! does what the test asks (answer, hang, cut the body, stall, talk garbage). It counts
//! connections and request heads, so a test can prove the gateway did not call it.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the upstream does after reading a request head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// 200 with a small JSON body, then close.
    Answer,
    /// 503 (the upstream says it is unavailable), then close.
    Unavailable,
    /// Never answers (holds the connection).
    Hang,
    /// Announces 1000 bytes, sends 100, closes.
    CutBody,
    /// Announces 1000 bytes, sends 100, then holds the connection silent.
    StallBody,
    /// Answers bytes that are not HTTP, then closes.
    Garbage,
}

#[derive(Debug, Clone)]
pub struct Rogue {
    pub addr: SocketAddr,
    act: Arc<Mutex<Act>>,
    /// `GET /health` answers: `Answer` gives 200, anything else 503.
    health: Arc<Mutex<Act>>,
    connections: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

impl Rogue {
    pub async fn start(act: Act) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let rogue = Self {
            addr: listener.local_addr().unwrap(),
            act: Arc::new(Mutex::new(act)),
            health: Arc::new(Mutex::new(Act::Answer)),
            connections: Arc::default(),
            requests: Arc::default(),
        };
        let me = rogue.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                me.connections.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(me.clone().serve(stream));
            }
        });
        rogue
    }

    pub fn url(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    pub fn set(&self, act: Act) {
        *self.act.lock().unwrap() = act;
    }

    pub fn set_health(&self, act: Act) {
        *self.health.lock().unwrap() = act;
    }

    /// Request heads read, health probes not counted.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    async fn serve(self, mut stream: TcpStream) {
        let mut head = Vec::new();
        let mut buf = [0u8; 4096];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
        let act = if head.starts_with(b"GET /health ") {
            match *self.health.lock().unwrap() {
                Act::Answer => Act::Answer,
                _ => Act::Unavailable,
            }
        } else {
            self.requests.fetch_add(1, Ordering::SeqCst);
            *self.act.lock().unwrap()
        };
        let body = "x".repeat(100);
        let reply = match act {
            Act::Answer => "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nConnection: close\r\n\r\n{\"ok\":true}".to_owned(),
            Act::Unavailable => "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy".to_owned(),
            Act::Hang => String::new(),
            Act::CutBody | Act::StallBody => format!("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{body}"),
            Act::Garbage => "SSH-2.0-OpenSSH_9.2\r\n\r\n\u{0}\u{1}garbage".to_owned(),
        };
        let _ = stream.write_all(reply.as_bytes()).await;
        let _ = stream.flush().await;
        if matches!(act, Act::Hang | Act::StallBody) {
            // Hold the connection open and silent until the peer gives up.
            while let Ok(n) = stream.read(&mut buf).await {
                if n == 0 {
                    break;
                }
            }
        }
    }
}
