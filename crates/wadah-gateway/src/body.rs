//! Bodies in motion. [`Upload`] streams a consumer's request body to the upstream, counting
//! and digesting it and stopping it past the size limit; [`Download`] streams the upstream's
//! response to the consumer, counting and digesting it, and writes the outcome record when it
//! ends or is dropped (a consumer that hangs up still leaves an outcome, marked incomplete).
//! Neither buffers: each frame passes straight through.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use sha2::{Digest, Sha256};
use wadah_domain::audit::Sha256Hash;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What an [`Upload`] saw, readable after the exchange.
#[derive(Debug, Default)]
pub struct UploadStats {
    pub bytes: AtomicU64,
    pub too_large: AtomicBool,
    pub digest: Mutex<Option<Sha256Hash>>,
}

#[derive(Debug, thiserror::Error)]
#[error("the request body is larger than the gateway accepts")]
pub struct TooLarge;

/// A consumer's streamed request body on its way upstream.
pub struct Upload {
    inner: axum::body::Body,
    limit: u64,
    hasher: Option<Sha256>,
    stats: Arc<UploadStats>,
}

impl Upload {
    pub fn new(inner: axum::body::Body, limit: u64, stats: Arc<UploadStats>) -> Self {
        Self {
            inner,
            limit,
            hasher: Some(Sha256::new()),
            stats,
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
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(Box::new(e)))),
            Poll::Ready(None) => {
                if let (Some(h), Ok(mut d)) = (this.hasher.take(), this.stats.digest.lock()) {
                    *d = Some(Sha256Hash(h.finalize().into()));
                }
                Poll::Ready(None)
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
/// whether the body reached its end.
pub type OnEnd = Box<dyn FnOnce(u64, Option<Sha256Hash>, bool) + Send>;

/// An upstream's response body on its way to the consumer.
pub struct Download {
    inner: Incoming,
    bytes: u64,
    hasher: Sha256,
    on_end: Option<OnEnd>,
}

impl Download {
    pub fn new(inner: Incoming, on_end: OnEnd) -> Self {
        Self {
            inner,
            bytes: 0,
            hasher: Sha256::new(),
            on_end: Some(on_end),
        }
    }

    fn end(&mut self, complete: bool) {
        if let Some(on_end) = self.on_end.take() {
            let digest = complete.then(|| Sha256Hash(std::mem::take(&mut self.hasher).finalize().into()));
            on_end(self.bytes, digest, complete);
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
                if let Some(data) = frame.data_ref() {
                    this.bytes += data.len() as u64;
                    this.hasher.update(data);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => {
                this.end(false);
                Poll::Ready(Some(Err(Box::new(e))))
            }
            Poll::Ready(None) => {
                this.end(true);
                Poll::Ready(None)
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
        let complete = self.inner.is_end_stream();
        self.end(complete);
    }
}
