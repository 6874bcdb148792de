//! Bodies in motion. [`Upload`] streams a consumer's request body to the upstream, counting
//! and digesting it and stopping it past the size limit; [`Download`] streams the upstream's
//! response to the consumer, counting and digesting it, and writes the outcome record when it
//! ends or is dropped (a consumer that hangs up still leaves an outcome, marked incomplete).
//! Neither buffers: each frame passes straight through.
//!
//! Both watch for silence: a body that sends nothing for the idle timeout ends the exchange
//! (a consumer that stops mid-upload gets 408 `request_timeout`; an upstream that stalls
//! mid-answer has its body cut, recorded as incomplete with `upstream_timeout`). Without this a
//! stalled peer would hold a connection and an upstream slot for as long as it likes.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use sha2::{Digest, Sha256};
use tokio::time::{Instant, Sleep};
use wadah_domain::audit::Sha256Hash;

use crate::problem::Code;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What an [`Upload`] saw, readable after the exchange.
#[derive(Debug, Default)]
pub struct UploadStats {
    pub bytes: AtomicU64,
    pub too_large: AtomicBool,
    /// The consumer sent nothing for the idle timeout.
    pub stalled: AtomicBool,
    /// The consumer's body was malformed (e.g. a bad chunk size) or cut off.
    pub broken: AtomicBool,
    pub digest: Mutex<Option<Sha256Hash>>,
}

#[derive(Debug, thiserror::Error)]
#[error("the request body is larger than the gateway accepts")]
pub struct TooLarge;

#[derive(Debug, thiserror::Error)]
#[error("the body sent nothing for {0:?}")]
pub struct Stalled(Duration);

/// Watches a body for silence: armed when the inner body has nothing ready, disarmed by every
/// frame, so a steadily flowing body never reads the clock per frame.
struct Idle {
    limit: Duration,
    sleep: Option<Pin<Box<Sleep>>>,
    armed: bool,
}

impl Idle {
    fn new(limit: Duration) -> Self {
        Self {
            limit,
            sleep: None,
            armed: false,
        }
    }

    fn progressed(&mut self) {
        self.armed = false;
    }

    /// Called when the inner body is pending: whether the silence has lasted too long.
    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        if !self.armed {
            let deadline = Instant::now() + self.limit;
            match self.sleep.as_mut() {
                Some(sleep) => sleep.as_mut().reset(deadline),
                None => self.sleep = Some(Box::pin(tokio::time::sleep_until(deadline))),
            }
            self.armed = true;
        }
        self.sleep
            .as_mut()
            .is_some_and(|sleep| sleep.as_mut().poll(cx).is_ready())
    }
}

/// A consumer's streamed request body on its way upstream.
pub struct Upload {
    inner: axum::body::Body,
    limit: u64,
    hasher: Option<Sha256>,
    stats: Arc<UploadStats>,
    idle: Idle,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

impl Upload {
    pub fn new(inner: axum::body::Body, limit: u64, idle: Duration, stats: Arc<UploadStats>) -> Self {
        Self {
            inner,
            limit,
            hasher: Some(Sha256::new()),
            stats,
            idle: Idle::new(idle),
        }
    }
}

impl Body for Upload {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                this.idle.progressed();
                if let Some(data) = frame.data_ref() {
                    let total =
                        this.stats.bytes.fetch_add(data.len() as u64, Ordering::Relaxed) + data.len() as u64;
                    if total > this.limit {
                        this.stats.too_large.store(true, Ordering::Relaxed);
                        return Poll::Ready(Some(Err(Box::new(TooLarge))));
                    }
                    if let Some(h) = this.hasher.as_mut() {
                        h.update(data);
                    }
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => {
                this.stats.broken.store(true, Ordering::Relaxed);
                Poll::Ready(Some(Err(Box::new(e))))
            }
            Poll::Ready(None) => {
                if let (Some(h), Ok(mut d)) = (this.hasher.take(), this.stats.digest.lock()) {
                    *d = Some(Sha256Hash(h.finalize().into()));
                }
                Poll::Ready(None)
            }
            Poll::Pending if this.idle.expired(cx) => {
                this.stats.stalled.store(true, Ordering::Relaxed);
                Poll::Ready(Some(Err(Box::new(Stalled(this.idle.limit)))))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Called once when a [`Download`] ends: bytes delivered, their digest (when complete), and
/// why it did not reach its end (`None`: it did): `upstream_error` (the upstream broke off),
/// `upstream_timeout` (it went silent), `client_closed` (the consumer hung up).
pub type OnEnd = Box<dyn FnOnce(u64, Option<Sha256Hash>, Option<&'static str>) + Send>;

/// An upstream's response body on its way to the consumer.
pub struct Download {
    inner: Incoming,
    bytes: u64,
    hasher: Sha256,
    on_end: Option<OnEnd>,
    idle: Idle,
}

impl Download {
    pub fn new(inner: Incoming, idle: Duration, on_end: OnEnd) -> Self {
        Self {
            inner,
            bytes: 0,
            hasher: Sha256::new(),
            on_end: Some(on_end),
            idle: Idle::new(idle),
        }
    }

    fn end(&mut self, error: Option<&'static str>) {
        if let Some(on_end) = self.on_end.take() {
            let digest = error
                .is_none()
                .then(|| Sha256Hash(std::mem::take(&mut self.hasher).finalize().into()));
            on_end(self.bytes, digest, error);
        }
    }
}

impl Body for Download {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                this.idle.progressed();
                if let Some(data) = frame.data_ref() {
                    this.bytes += data.len() as u64;
                    this.hasher.update(data);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => {
                this.end(Some(Code::UpstreamError.as_str()));
                Poll::Ready(Some(Err(Box::new(e))))
            }
            Poll::Ready(None) => {
                this.end(None);
                Poll::Ready(None)
            }
            Poll::Pending if this.idle.expired(cx) => {
                this.end(Some(Code::UpstreamTimeout.as_str()));
                Poll::Ready(Some(Err(Box::new(Stalled(this.idle.limit)))))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for Download {
    fn drop(&mut self) {
        let error = (!self.inner.is_end_stream()).then_some("client_closed");
        self.end(error);
    }
}
