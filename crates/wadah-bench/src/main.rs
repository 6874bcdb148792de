//! `registry-bench`: loads a synthetic registry of national scale (governments × agencies ×
//! applications × services) through the store traits, then measures list, search and get on the
//! admin API (the real router, in process, so the figure is server time: routing, auth, store,
//! JSON). `bench/registry.sh` runs it against both engines side by side.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use clap::Parser;
use http_body_util::BodyExt;
use serde_json::json;
use sqlx::AnyPool;
use tower::ServiceExt;
use wadah_domain::secret::{self, Random, SecretKind};
use wadah_domain::time::{FixedClock, from_millis};
use wadah_domain::user::Username;
use wadah_domain::{Actor, Clock, Code};
use wadah_store::{Change, Store, StoredSecret};

#[derive(Debug, Parser)]
struct Args {
    /// sqlite://FILE or postgres://… (an empty database).
    #[arg(long)]
    url: String,
    #[arg(long, default_value_t = 550)]
    governments: u32,
    #[arg(long, default_value_t = 60)]
    agencies: u32,
    #[arg(long, default_value_t = 10)]
    applications: u32,
    #[arg(long, default_value_t = 3)]
    services: u32,
    /// Concurrent loaders (one per government at a time).
    #[arg(long, default_value_t = 4)]
    loaders: usize,
    /// Requests per measured operation.
    #[arg(long, default_value_t = 500)]
    samples: usize,
    /// Skip loading (measure an already loaded database).
    #[arg(long)]
    skip_load: bool,
    /// On PostgreSQL, do not VACUUM (ANALYZE) after loading (to see plans without statistics).
    #[arg(long)]
    no_analyze: bool,
}

/// Deterministic bytes: the benchmark's secrets need no entropy.
#[derive(Debug)]
struct Counter(std::sync::atomic::AtomicU64);

impl Random for Counter {
    fn fill(&self, buf: &mut [u8]) {
        let n = self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        for (i, b) in buf.iter_mut().enumerate() {
            *b = (n.wrapping_mul(31).wrapping_add(i as u64) % 251) as u8;
        }
    }
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(args))
}

/// The store, and its pool for what the benchmark asks the database directly (statistics,
/// size).
async fn open(url: &str) -> anyhow::Result<(Arc<dyn Store>, AnyPool)> {
    Ok(if url.starts_with("sqlite://") {
        let store = wadah_store_sqlite::open(url).await?;
        let pool = store.pool().clone();
        (Arc::new(store), pool)
    } else {
        let store = wadah_store_postgres::open(url).await?;
        let pool = store.pool().clone();
        (Arc::new(store), pool)
    })
}

/// PostgreSQL plans from statistics, and answers from indexes alone once pages are marked
/// all-visible: both are autovacuum's work, which on a default server runs during a load like
/// this one. A server with autovacuum off (as some test servers are) has neither after a bulk
/// load and picks plans that scan, so do what autovacuum would (and what PostgreSQL's docs
/// advise after a bulk load) once, and say so in the output.
async fn analyze(pool: &AnyPool) -> anyhow::Result<()> {
    let autovacuum: String = sqlx::query_scalar("SELECT setting FROM pg_settings WHERE name = 'autovacuum'")
        .fetch_one(pool)
        .await?;
    let started = Instant::now();
    sqlx::query("VACUUM (ANALYZE)").execute(pool).await?;
    println!(
        "analyze\tpostgres\tVACUUM (ANALYZE) after the load (server autovacuum: {autovacuum})\t{:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// How commits reach the disk: what a load's speed depends on most.
async fn durability(engine: &str, pool: &AnyPool) -> anyhow::Result<String> {
    Ok(if engine == "sqlite" {
        let level: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(pool).await?;
        let name = ["OFF", "NORMAL", "FULL", "EXTRA"]
            .get(usize::try_from(level)?)
            .copied()
            .unwrap_or("?");
        format!("synchronous={name}, WAL")
    } else {
        let setting: String = sqlx::query_scalar("SELECT current_setting('synchronous_commit')")
            .fetch_one(pool)
            .await?;
        format!("synchronous_commit={setting}")
    })
}

/// The database's size on disk, in MiB.
async fn size_mib(url: &str, pool: &AnyPool) -> anyhow::Result<f64> {
    let bytes = match url.strip_prefix("sqlite://") {
        Some(file) => {
            let file = file.split('?').next().unwrap_or(file);
            let wal = std::fs::metadata(format!("{file}-wal")).map_or(0, |m| m.len());
            std::fs::metadata(file)?.len() + wal
        }
        None => {
            let bytes: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())")
                .fetch_one(pool)
                .await?;
            u64::try_from(bytes)?
        }
    };
    Ok(bytes as f64 / (1024.0 * 1024.0))
}

/// 2026-01-01T00:00:00Z: the benchmark's fixed time.
const T0: i64 = 1_767_225_600_000;

fn change() -> Change {
    Change {
        actor: Actor::system("bench"),
        at: from_millis(T0),
    }
}

fn code(prefix: &str, n: u32) -> anyhow::Result<Code> {
    Ok(Code::parse(&format!("{prefix}{n}"))?)
}

async fn load_government(store: Arc<dyn Store>, g: u32, args: Arc<Args>) -> anyhow::Result<()> {
    let gov = code("g", g)?;
    store
        .create_government(
            &serde_json::from_value(json!({"code": gov, "name": format!("Pemerintah {g}"), "kind": "kota"}))?,
            &change(),
        )
        .await?;
    for a in 0..args.agencies {
        let agency = Code::parse(&format!("g{g}-a{a}"))?;
        let spec = json!({"code": agency, "name": format!("Dinas {a} Pemerintah {g}"), "government": gov});
        store
            .create_agency(&serde_json::from_value(spec)?, &change())
            .await?;
        for p in 0..args.applications {
            let app = code("app", p)?;
            let spec = json!({"code": app, "name": format!("Aplikasi {p} dinas {a}"), "kind": "khusus",
                "lifecycle": {"stage": "active"}, "audience": "asn"});
            store
                .create_application(&agency, &serde_json::from_value(spec)?, &change())
                .await?;
            for s in 0..args.services {
                let spec = json!({"code": code("svc", s)?, "name": format!("Layanan {s} aplikasi {p}"),
                    "upstream_url": format!("http://10.0.{a}.{p}:8080/api/{s}"), "visibility": "public",
                    "classification": "terbatas"});
                store
                    .create_service(&agency, &app, &serde_json::from_value(spec)?, &change())
                    .await?;
            }
        }
    }
    Ok(())
}

async fn load(store: &Arc<dyn Store>, args: Arc<Args>) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let mut next = 0u32;
    let mut running = tokio::task::JoinSet::new();
    while next < args.governments || !running.is_empty() {
        while next < args.governments && running.len() < args.loaders {
            running.spawn(load_government(store.clone(), next, args.clone()));
            next += 1;
        }
        if let Some(done) = running.join_next().await {
            done.context("a loader stopped")??;
            let loaded = next as usize - running.len();
            if loaded.is_multiple_of(10) {
                eprintln!(
                    "  loaded {loaded}/{} governments in {:.0?}",
                    args.governments,
                    started.elapsed()
                );
            }
        }
    }
    Ok(started.elapsed())
}

/// A fresh admin token. A rerun on a loaded database (`--skip-load`) must not mint the same
/// token id or secret again, so both derive from the registry version, which every run bumps.
async fn admin_token(store: &Arc<dyn Store>) -> anyhow::Result<String> {
    let run = u64::try_from(store.registry_version().await?)?;
    let random = Counter(run.into());
    let now = Change {
        at: from_millis(T0 + i64::try_from(run)?),
        ..change()
    };
    let username = Username::parse("bench-admin")?;
    if store.get_user(&username).await.is_err() {
        let spec = json!({"username": "bench-admin", "display_name": "Bench", "role": "platform_admin"});
        store
            .create_user(&serde_json::from_value(spec)?, None, &change())
            .await?;
    }
    let issued = secret::issue(SecretKind::AdminToken, &random);
    let stored = StoredSecret {
        digest: issued.digest,
        hint: issued.hint,
    };
    store
        .create_api_token(
            &username,
            &serde_json::from_value(json!({"name": "bench"}))?,
            &stored,
            &now,
        )
        .await?;
    Ok(issued.plain)
}

/// p50/p95/max of `samples` GETs of the paths `path(i)` yields.
async fn measure(
    router: &axum::Router,
    token: &str,
    samples: usize,
    path: impl Fn(usize) -> String,
) -> anyhow::Result<[Duration; 3]> {
    let mut times = Vec::with_capacity(samples);
    for i in 0..samples {
        let request = Request::get(path(i))
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())?;
        let started = Instant::now();
        let response = router.clone().oneshot(request).await?;
        let status = response.status();
        let _ = response.into_body().collect().await?;
        times.push(started.elapsed());
        anyhow::ensure!(status == StatusCode::OK, "GET {} answered {status}", path(i));
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    Ok([at(0.5), at(0.95), times[times.len() - 1]])
}

async fn run(args: Args) -> anyhow::Result<()> {
    let args = Arc::new(args);
    let opened = Instant::now();
    let (store, pool) = open(&args.url).await?;
    eprintln!("opened and migrated in {:.1?}", opened.elapsed());
    let services =
        args.governments as u64 * args.agencies as u64 * args.applications as u64 * args.services as u64;
    if !args.skip_load {
        eprintln!("loading {services} services into {} …", store.engine());
        println!(
            "commit\t{}\tdurability\t{}",
            store.engine(),
            durability(store.engine(), &pool).await?
        );
        let took = load(&store, args.clone()).await?;
        println!(
            "load\t{}\t{services} services\t{:.1} s\t{:.0} services/s",
            store.engine(),
            took.as_secs_f64(),
            services as f64 / took.as_secs_f64()
        );
        if store.engine() == "postgres" && !args.no_analyze {
            analyze(&pool).await?;
        }
    }
    println!(
        "size\t{}\tdatabase on disk\t{:.0} MiB",
        store.engine(),
        size_mib(&args.url, &pool).await?
    );
    let token = admin_token(&store).await?;
    let clock: Arc<dyn Clock> = Arc::new(FixedClock::at(from_millis(T0)));
    let metrics = metrics_exporter_prometheus::PrometheusBuilder::new()
        .build_recorder()
        .handle();
    let state = wadah_web::AppState::new(
        store.clone(),
        clock,
        Arc::new(Counter(Default::default())),
        metrics,
        wadah_web::WebConfig::default(),
    );
    let router = wadah_web::router(state);
    let (g, a) = (args.governments.max(1), args.agencies.max(1));
    let ops: Vec<(&str, PathFn)> = vec![
        (
            "list agencies (page of 50)",
            Box::new(|_| "/api/v1/agencies?limit=50".to_string()),
        ),
        (
            "search agencies by code prefix",
            Box::new(move |i| format!("/api/v1/agencies?limit=50&q=g{}-", (i as u32 * 7919) % g)),
        ),
        (
            "search agencies ?q=",
            Box::new(move |i| {
                format!(
                    "/api/v1/agencies?q=dinas%20{}%20pemerintah%20{}",
                    i as u32 % a,
                    (i as u32 * 31) % g
                )
            }),
        ),
        (
            "list applications of an agency",
            Box::new(move |i| {
                format!(
                    "/api/v1/agencies/g{}-a{}/applications",
                    (i as u32 * 7919) % g,
                    i as u32 % a
                )
            }),
        ),
        (
            "search applications ?q=",
            Box::new(move |i| {
                format!(
                    "/api/v1/agencies/g{}-a{}/applications?q=aplikasi%203",
                    (i as u32 * 13) % g,
                    i as u32 % a
                )
            }),
        ),
        (
            "get a service",
            Box::new(move |i| {
                format!(
                    "/api/v1/agencies/g{}-a{}/applications/app{}/services/svc{}",
                    (i as u32 * 7919) % g,
                    i as u32 % a,
                    i % 10,
                    i % 3
                )
            }),
        ),
        (
            "directory search ?q=",
            Box::new(move |i| format!("/api/v1/directory?q=layanan%202%20aplikasi%20{}&limit=20", i % 10)),
        ),
    ];
    for (name, path) in ops {
        let [p50, p95, max] = measure(&router, &token, args.samples, path).await?;
        println!(
            "query\t{}\t{name}\tp50 {:.2} ms\tp95 {:.2} ms\tmax {:.2} ms",
            store.engine(),
            ms(p50),
            ms(p95),
            ms(max)
        );
    }
    Ok(())
}

/// Builds the path of the i-th request of a measured operation.
type PathFn = Box<dyn Fn(usize) -> String>;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
