//! The evidence (audit) log: node-local, append-only, hash-chained (DESIGN.md §4).
//!
//! - [`AuditLog`] is the handle the pipeline holds: `admit` before forwarding (in strict mode it
//!   returns only once the record is durable), `outcome` when an exchange ends, `reject` for
//!   refusals before admission, which are *counted* per window and written as one
//!   `Rejections` record each window, so a flood of bad requests cannot fill the disk (the
//!   metrics count them exactly as well).
//! - `writer`: the thread that owns the files (group commit, signed checkpoints, rotation by
//!   size and age, retention); `segment`: the file format; `signing`: the checkpoint keys and
//!   where they live; `verify`: what `wadah audit verify` and `wadah audit export` run;
//!   `index`: the background task that copies durable records into the store's evidence index
//!   (never on the request path).
//!
//! The record format itself is `wadah_domain::audit`.

mod index;
pub mod segment;
pub mod signing;
pub mod verify;
mod writer;

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use wadah_domain::Clock;
use wadah_domain::audit::{Admission, Outcome, RecordBody, RejectionCount, Rejections, micros};

use crate::config::{AuditDurability, GatewayConfig};
use signing::Signer;
use writer::{Msg, Policy, Writer};

/// How many records may wait for the writer before senders wait (back-pressure).
const QUEUE: usize = 65_536;
/// How long the writer rests between batches in `async` mode (see `writer::Policy::pace`):
/// the loss window of a crash, and what bounds the writer to 200 batches a second.
pub const ASYNC_PACE: Duration = Duration::from_millis(5);
/// In `strict` mode, while requests come faster than the disk syncs, how long the writer waits
/// after the first record of a batch for others to join it (see `writer::Policy::gather`).
/// Measured on the 2-core benchmark machine, builds side by side as `bench/gateway-cpu.sh`
/// runs them (`MODE=strict`, 64 connections): 500 µs served more requests/s than no wait in
/// eight of nine pairs of runs (median +14 %, with less CPU per request); p99 at half load
/// moved by under 0.6 ms. 1 ms gained no more and cost latency.
pub const STRICT_GATHER: Duration = Duration::from_micros(500);

/// The log cannot take records; in strict mode nothing is forwarded.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the evidence log cannot be written: {0}")]
pub struct AuditError(pub String);

type RejectionKey = (&'static str, Option<String>, Option<String>);

/// The pipeline's handle on the log. Cheap to clone.
#[derive(Clone)]
pub struct AuditLog {
    tx: mpsc::Sender<Msg>,
    durability: AuditDurability,
    clock: Arc<dyn Clock>,
    rejections: Arc<Mutex<HashMap<RejectionKey, u64>>>,
    window_start: Arc<Mutex<i64>>,
    indexer: Option<Arc<index::Indexer>>,
}

impl std::fmt::Debug for AuditLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditLog")
            .field("durability", &self.durability)
            .finish_non_exhaustive()
    }
}

impl AuditLog {
    /// Starts the writer thread, the task that writes rejection counts every window, the
    /// checkpoint tick and (given a store) the indexer.
    pub fn start(
        config: &GatewayConfig,
        clock: Arc<dyn Clock>,
        signer: Arc<Signer>,
        store: Option<Arc<dyn wadah_store::Store>>,
    ) -> std::io::Result<Self> {
        let (tx, rx) = mpsc::channel(QUEUE);
        let durable = Arc::new(AtomicU64::new(0));
        let policy = Policy {
            segment_bytes: config.segment_bytes,
            segment_max_age: i64::try_from(config.segment_max_age.as_micros()).unwrap_or(i64::MAX),
            checkpoint_records: config.checkpoint_records.max(1),
            keep_days: config.retention_days,
            pace: match config.durability {
                AuditDurability::Strict => Duration::ZERO,
                AuditDurability::Async => ASYNC_PACE,
            },
            gather: match config.durability {
                AuditDurability::Strict => STRICT_GATHER,
                AuditDurability::Async => Duration::ZERO,
            },
        };
        let writer = Writer::new(
            config.audit_dir.clone(),
            config.node_id.clone(),
            policy,
            clock.clone(),
            signer,
            durable.clone(),
        );
        std::thread::Builder::new()
            .name("wadah-audit".into())
            .spawn(move || writer.run(rx))?;
        spawn_ticker(tx.downgrade(), config.checkpoint_interval);
        let indexer = store.map(|store| {
            index::spawn(
                store,
                config.audit_dir.clone(),
                config.node_id.clone(),
                durable,
                tx.downgrade(),
                config.index_interval,
            )
        });
        let log = Self {
            tx,
            durability: config.durability,
            window_start: Arc::new(Mutex::new(micros(clock.now()))),
            clock,
            rejections: Arc::default(),
            indexer,
        };
        spawn_window_task(log.clone(), config.rejection_window);
        Ok(log)
    }

    pub fn durability(&self) -> AuditDurability {
        self.durability
    }

    /// Records an admission. Strict: returns once it is durable. Async: once it is queued.
    pub async fn admit(&self, admission: Admission) -> Result<(), AuditError> {
        let at = micros(self.clock.now());
        let body = Box::new(RecordBody::Admission(admission));
        match self.durability {
            AuditDurability::Strict => {
                let (ack, done) = oneshot::channel();
                self.send(Msg::Append {
                    at,
                    body,
                    ack: Some(ack),
                })
                .await?;
                match done.await {
                    Ok(Ok(_)) => Ok(()),
                    Ok(Err(e)) => Err(AuditError(e)),
                    Err(_) => Err(AuditError("the writer stopped".into())),
                }
            }
            AuditDurability::Async => self.send(Msg::Append { at, body, ack: None }).await,
        }
    }

    /// Records how an admitted exchange ended. Never waits: the record joins the next batch.
    pub fn outcome(&self, outcome: Outcome) {
        let msg = Msg::Append {
            at: micros(self.clock.now()),
            body: Box::new(RecordBody::Outcome(outcome)),
            ack: None,
        };
        if let Err(mpsc::error::TrySendError::Full(msg)) = self.tx.try_send(msg) {
            let tx = self.tx.clone();
            tokio::spawn(async move {
                let _ = tx.send(msg).await;
            });
        }
    }

    /// Counts a refusal before admission (`consumer`/`service` when known).
    pub fn reject(&self, code: &'static str, consumer: Option<&str>, service: Option<&str>) {
        let key = (code, consumer.map(str::to_owned), service.map(str::to_owned));
        if let Ok(mut counts) = self.rejections.lock() {
            *counts.entry(key).or_insert(0) += 1;
        }
    }

    /// Writes the rejection counts of the window so far as one record.
    pub async fn close_window(&self) {
        let now = micros(self.clock.now());
        let counts = match self.rejections.lock() {
            Ok(mut map) => std::mem::take(&mut *map),
            Err(_) => return,
        };
        let start = match self.window_start.lock() {
            Ok(mut s) => std::mem::replace(&mut *s, now),
            Err(_) => now,
        };
        if counts.is_empty() {
            return;
        }
        let mut counts: Vec<RejectionCount> = counts
            .into_iter()
            .map(|((code, consumer, service), count)| RejectionCount {
                code: code.to_owned(),
                consumer,
                service,
                count,
            })
            .collect();
        counts.sort_by(|a, b| (&a.code, &a.consumer, &a.service).cmp(&(&b.code, &b.consumer, &b.service)));
        let body = Box::new(RecordBody::Rejections(Rejections {
            window_start: start,
            window_end: now,
            counts,
        }));
        let _ = self
            .send(Msg::Append {
                at: now,
                body,
                ack: None,
            })
            .await;
    }

    /// Writes a checkpoint of everything queued so far and waits until it is durable (at
    /// shutdown, and whenever a caller wants the head signed now).
    pub async fn checkpoint(&self) -> Result<(), AuditError> {
        let (done, wait) = oneshot::channel();
        self.send(Msg::Checkpoint(done)).await?;
        wait.await
            .map_err(|_| AuditError("the writer stopped".into()))?
            .map_err(AuditError)
    }

    /// Flushes, then copies every durable record into the store's evidence index now (the
    /// background task does this every `index_interval`); answers how many records it passed.
    pub async fn index_now(&self) -> Result<u64, AuditError> {
        self.flush().await?;
        match &self.indexer {
            Some(indexer) => indexer.run().await.map_err(AuditError),
            None => Ok(0),
        }
    }

    /// Waits until everything queued so far is durable.
    pub async fn flush(&self) -> Result<(), AuditError> {
        let (done, wait) = oneshot::channel();
        self.send(Msg::Flush(done)).await?;
        wait.await
            .map_err(|_| AuditError("the writer stopped".into()))?
            .map_err(AuditError)
    }

    async fn send(&self, msg: Msg) -> Result<(), AuditError> {
        self.tx
            .send(msg)
            .await
            .map_err(|_| AuditError("the writer stopped".into()))
    }
}

/// Ticks the writer every `interval` (checkpoints, rotation by age, retention) while the log
/// has senders.
fn spawn_ticker(weak: mpsc::WeakSender<Msg>, interval: Duration) {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.tick().await;
        loop {
            ticker.tick().await;
            let Some(tx) = weak.upgrade() else { return };
            if tx.send(Msg::Tick).await.is_err() {
                return;
            }
        }
    });
}

fn spawn_window_task(log: AuditLog, window: Duration) {
    // Hold the sender weakly, so the writer stops once the gateway's handles are gone.
    let weak = log.tx.downgrade();
    let AuditLog {
        durability,
        clock,
        rejections,
        window_start,
        indexer,
        ..
    } = log;
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(window);
        ticker.tick().await;
        loop {
            ticker.tick().await;
            let Some(tx) = weak.upgrade() else { return };
            let log = AuditLog {
                tx,
                durability,
                clock: clock.clone(),
                rejections: rejections.clone(),
                window_start: window_start.clone(),
                indexer: indexer.clone(),
            };
            log.close_window().await;
        }
    });
}
