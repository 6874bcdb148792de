//! One function per command. Each loads what it needs, does its job and returns an error with
//! context a user can act on; `main` prints it as one line.

use anyhow::Context;

use crate::cli::{
    AdminCommand, AuditCommand, Cli, Command, ConfigCommand, ExportArgs, IndexCommand, KeysCommand, StoreArgs,
};
use crate::config::{Config, redact_url};
use crate::store::{self, Migrations};
use crate::{demo, index_cmd, runtime, serve};

pub fn run(cli: Cli) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Demo(args) => demo::run(args).await,
            Command::Serve(args) => serve_cmd(&args).await,
            Command::Migrate(args) => migrate_cmd(&args).await,
            Command::Config {
                command: ConfigCommand::Check(args),
            } => config_check(&args).await,
            Command::Audit {
                command: AuditCommand::Verify(args),
            } => audit_verify(&args).await,
            Command::Audit {
                command: AuditCommand::Export(args),
            } => audit_export(&args),
            Command::Index {
                command: IndexCommand::Score(args),
            } => index_cmd::score(&args),
            Command::Index {
                command: IndexCommand::Plan(args),
            } => index_cmd::plan(&args),
            Command::Index {
                command: IndexCommand::Export(args),
            } => crate::index_export::run(&args).await,
            Command::Keys {
                command: KeysCommand::Rotate(args),
            } => keys_rotate(&args).await,
            Command::Admin {
                command: AdminCommand::Create(args),
            } => crate::admin_cmd::create(&args).await,
            Command::Export { command } => crate::exchange_cmd::export(command).await,
            Command::Import { command } => crate::exchange_cmd::import(command).await,
        }
    });
    // Work on blocking threads that nobody waits for any more (a link check's name lookup, a
    // password hash of a request cut at shutdown) must not keep the process alive after the
    // graceful shutdown has finished: give it a few seconds, then exit.
    runtime.shutdown_timeout(std::time::Duration::from_secs(3));
    result
}

pub(crate) fn load(args: &StoreArgs) -> anyhow::Result<Config> {
    Config::load(args.config.as_deref(), args.data_dir.as_deref())
}

async fn serve_cmd(args: &StoreArgs) -> anyhow::Result<()> {
    let config = load(args)?;
    let log = runtime::init_logging(&config.log_level, config.log_json);
    let shutdown = serve::Shutdown::listen()?;
    let store = store::open_for_serving(&config).await?;
    let metrics = serve::install_metrics()?;
    let app = serve::App::build(&config, store, metrics).await?;
    let web = app
        .web_addr()
        .map_or_else(|_| "off".to_owned(), |a| a.to_string());
    tracing::info!(web = %web, gateway = %app.gateway_addr()?, "wadah is serving");
    crate::control::spawn(crate::control::Control {
        node: app.node(),
        log,
        config_file: args.config.clone(),
        data_dir: args.data_dir.clone(),
        limiter: app.cluster_limit(),
    });
    app.run_until_stopped(shutdown.requested()).await
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
    check_sso(&config).await
}

/// Each identity provider: discovery reachable and naming its issuer, signing keys present.
async fn check_sso(config: &crate::config::Config) -> anyhow::Result<()> {
    if config.sso.providers.is_empty() {
        println!("  single sign-on:   off (no [sso.providers])");
        return Ok(());
    }
    println!("  single sign-on:   {}", config.sso.public_url);
    let now = wadah_domain::Clock::now(&wadah_domain::time::SystemClock);
    let mut failed = Vec::new();
    for provider in &config.sso.providers {
        match wadah_web::sso::check_provider(provider, now).await {
            Ok(found) => println!(
                "    {}: {} OK ({} signing keys; logout: {}; back-channel logout: {}); redirect URI {}",
                provider.id,
                provider.issuer,
                found.keys,
                if found.end_session { "yes" } else { "no" },
                if found.backchannel_logout { "yes" } else { "no" },
                config.sso.redirect_uri(&provider.id)
            ),
            Err(e) => {
                println!("    {}: {} FAILED: {e}", provider.id, provider.issuer);
                failed.push(provider.id.clone());
            }
        }
    }
    if !failed.is_empty() {
        anyhow::bail!("identity provider(s) not usable: {}", failed.join(", "));
    }
    Ok(())
}

async fn keys_rotate(args: &StoreArgs) -> anyhow::Result<()> {
    use wadah_domain::Clock as _;
    let config = load(args)?;
    let store = store::open(&config, Migrations::Apply).await?;
    let ring = wadah_seal::KeyRing::new(
        wadah_seal::MasterKey::load_or_create(&config.master_key_file)
            .context("cannot load the master key")?,
    );
    let now = wadah_domain::time::SystemClock.now();
    let kid = wadah_gateway::keys::rotate_now(store.as_ref(), &ring, config.oauth.key_rotation, now)
        .await
        .context("cannot rotate the signing keys")?;
    let from = now + chrono::Duration::from_std(wadah_gateway::keys::ROTATE_DELAY).unwrap_or_default();
    println!(
        "new signing key {kid} signs from {} on; older keys retire then and stay published until their tokens expire",
        from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
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

/// Checks the chains, every checkpoint against the keys published in the store, and the log's
/// end against the store's index position; prints what was proven, or fails naming the first
/// bad record.
async fn audit_verify(args: &StoreArgs) -> anyhow::Result<()> {
    let config = load(args)?;
    let dir = audit_dir(args)?;
    let store = store::open(&config, Migrations::Leave)
        .await
        .context("the checkpoint keys are in the store")?;
    let keys = store
        .audit_keys()
        .await
        .context("cannot read the published audit keys (run `wadah migrate`?)")?;
    let positions = store
        .audit_positions()
        .await
        .context("cannot read the evidence index positions")?;
    let shipped = positions.clone();
    let trust = wadah_gateway::audit::verify::Trust::new(keys, positions);
    let report = wadah_gateway::audit::verify::verify(&dir, &trust)
        .with_context(|| format!("cannot read the evidence log in {}", dir.display()))?;
    if let Some(damage) = report.damage {
        anyhow::bail!(
            "the evidence log is damaged at {damage} ({} record(s) before it are intact)",
            report.records
        );
    }
    println!(
        "evidence log OK: {} record(s) in {} segment(s), every hash chain intact ({})",
        report.records,
        report.segments,
        dir.display()
    );
    println!(
        "  checkpoints:  {} verified against {} published key(s); {} record(s) after the last one \
         (protected by the chain only)",
        report.checkpoints,
        trust.key_count(),
        report.unchecked_tail
    );
    match report.retained_from {
        Some((first, removed)) => println!(
            "  retention:    the log starts at record {first}; older segments were removed by the \
             retention policy (last run removed {removed})"
        ),
        None => println!("  retention:    complete from the first record (nothing removed)"),
    }
    match report.witnessed {
        Some(seen) => println!("  index:        the log reaches record {seen}, as the store's index saw it"),
        None => println!("  index:        no index position to compare (not indexed yet)"),
    }
    print_nodes(&report, &shipped);
    if let Some(torn) = report.torn_tail {
        println!(
            "  torn tail:    {} byte(s) at the end of {} (offset {}) are an interrupted write; the \
             gateway cuts them and records a recovery at its next start",
            torn.bytes, torn.segment, torn.offset
        );
    }
    Ok(())
}

/// Per node: this log's node, how far the store's index got (what is not shipped yet), and
/// the other nodes the index knows (their logs live on their own machines).
fn print_nodes(
    report: &wadah_gateway::audit::verify::Report,
    shipped: &[(String, wadah_store::AuditPosition)],
) {
    let Some(node) = &report.node else { return };
    let indexed = shipped
        .iter()
        .find(|(n, _)| n == node)
        .map_or(0, |(_, p)| p.next_sequence);
    let pending = report.next_sequence.saturating_sub(indexed);
    println!(
        "  node:         {node}: records 0..{} in this log; the store's index has {indexed}; {pending} \
         record(s) not yet shipped{}",
        report.next_sequence,
        if pending == 0 {
            ""
        } else {
            " (the gateway ships them in the background)"
        }
    );
    for (other, position) in shipped.iter().filter(|(n, _)| n != node) {
        println!(
            "  other node:   {other}: the store's index has {} record(s); verify its log on its own \
             machine",
            position.next_sequence
        );
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
