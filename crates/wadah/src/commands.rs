//! One function per command. Each loads what it needs, does its job and returns an error with
//! context a user can act on; `main` prints it as one line.

use anyhow::Context;

use crate::cli::{AuditCommand, Cli, Command, ConfigCommand, ExportArgs, StoreArgs};
use crate::config::{Config, redact_url};
use crate::store::{self, Migrations};
use crate::{demo, runtime, serve};

pub fn run(cli: Cli) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        match cli.command {
            Command::Demo(args) => demo::run(args).await,
            Command::Serve(args) => serve_cmd(&args).await,
            Command::Migrate(args) => migrate_cmd(&args).await,
            Command::Config {
                command: ConfigCommand::Check(args),
            } => config_check(&args).await,
            Command::Audit {
                command: AuditCommand::Verify(args),
            } => audit_verify(&args),
            Command::Audit {
                command: AuditCommand::Export(args),
            } => audit_export(&args),
        }
    })
}

fn load(args: &StoreArgs) -> anyhow::Result<Config> {
    Config::load(args.config.as_deref(), args.data_dir.as_deref())
}

async fn serve_cmd(args: &StoreArgs) -> anyhow::Result<()> {
    let config = load(args)?;
    runtime::init_logging(&config.log_level, config.log_json);
    let store = store::open(&config, Migrations::Apply).await?;
    let metrics = serve::install_metrics()?;
    let app = serve::App::build(&config, store, metrics).await?;
    tracing::info!(web = %app.web_addr()?, gateway = %app.gateway_addr()?, "wadah is serving");
    app.run_until_stopped(serve::shutdown_signal()).await
}

async fn migrate_cmd(args: &StoreArgs) -> anyhow::Result<()> {
    let config = load(args)?;
    let applied = store::migrate(&config).await?;
    println!(
        "{}: {applied} migration(s) applied; the schema is up to date",
        redact_url(config.database_url.expose())
    );
    Ok(())
}

async fn config_check(args: &StoreArgs) -> anyhow::Result<()> {
    let config = load(args)?;
    let tls = match &config.gateway.tls {
        None => "off (plain HTTP)".to_owned(),
        Some(tls) => describe_tls(tls)?,
    };
    let store = store::open(&config, Migrations::Leave).await?;
    let ready = store.ready().await;
    println!("configuration OK");
    println!("  web listener:     {}", config.web_listen);
    println!("  gateway listener: {}", config.gateway_listen);
    println!("  gateway TLS:      {tls}");
    println!("  data directory:   {}", config.data_dir.display());
    println!(
        "  evidence log:     {} ({:?} durability, node {})",
        config.audit_dir().display(),
        config.gateway.audit_durability,
        config.gateway.node_id
    );
    println!(
        "  store:            {} ({})",
        store.engine(),
        redact_url(config.database_url.expose())
    );
    match ready {
        Ok(()) => println!("  schema:           up to date"),
        Err(e) => println!("  schema:           not ready ({e}); run `wadah migrate`"),
    }
    Ok(())
}

/// Reads the gateway's TLS files as `serve` would, and says what they amount to.
fn describe_tls(tls: &wadah_gateway::TlsConfig) -> anyhow::Result<String> {
    let summary = wadah_gateway::tls::check(tls)?;
    let clients = match (summary.client_cas, summary.client_auth) {
        (0, _) => "no client certificates".to_owned(),
        (n, wadah_gateway::ClientAuth::Optional) => format!("client certificates optional ({n} CA(s))"),
        (n, wadah_gateway::ClientAuth::Required) => format!("client certificates required ({n} CA(s))"),
    };
    Ok(format!(
        "on, {} certificate(s) in the chain, {clients}",
        summary.chain
    ))
}

/// The evidence log of the configured data dir; an error if there is none.
fn audit_dir(args: &StoreArgs) -> anyhow::Result<std::path::PathBuf> {
    let dir = load(args)?.audit_dir();
    if !dir.is_dir() {
        anyhow::bail!(
            "there is no evidence log in {} (has the gateway run with this data dir?)",
            dir.display()
        );
    }
    Ok(dir)
}

fn audit_verify(args: &StoreArgs) -> anyhow::Result<()> {
    let dir = audit_dir(args)?;
    let report = wadah_gateway::audit::verify::verify(&dir)
        .with_context(|| format!("cannot read the evidence log in {}", dir.display()))?;
    match report.damage {
        None => {
            println!(
                "evidence log OK: {} record(s) in {} segment(s), every hash chain intact ({})",
                report.records,
                report.segments,
                dir.display()
            );
            Ok(())
        }
        Some(damage) => anyhow::bail!(
            "the evidence log is damaged at {damage} ({} record(s) before it are intact)",
            report.records
        ),
    }
}

fn audit_export(args: &ExportArgs) -> anyhow::Result<()> {
    let dir = audit_dir(&args.store)?;
    let from = args
        .from
        .as_deref()
        .map(parse_time)
        .transpose()?
        .unwrap_or(i64::MIN);
    let to = args
        .to
        .as_deref()
        .map(parse_time)
        .transpose()?
        .unwrap_or(i64::MAX);
    let count = if args.output.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        wadah_gateway::audit::verify::export(&dir, from, to, &mut out)?
    } else {
        let file = std::fs::File::create(&args.output)
            .with_context(|| format!("cannot write {}", args.output.display()))?;
        let mut out = std::io::BufWriter::new(file);
        let n = wadah_gateway::audit::verify::export(&dir, from, to, &mut out)?;
        std::io::Write::flush(&mut out).with_context(|| format!("cannot write {}", args.output.display()))?;
        n
    };
    eprintln!("{count} record(s) exported");
    Ok(())
}

/// RFC 3339 or a plain date (midnight UTC) → µs since the epoch.
fn parse_time(raw: &str) -> anyhow::Result<i64> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(raw) {
        return Ok(t.timestamp_micros());
    }
    let date = chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .with_context(|| format!("{raw:?} is neither an RFC 3339 time nor a date (YYYY-MM-DD)"))?;
    Ok(date
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_micros())
        .unwrap_or_default())
}
