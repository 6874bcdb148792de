//! `wadah demo`: everything on one machine with the embedded store and the Bontang pilot. The
//! first run seeds the data dir and writes `demo-credentials.json`; later runs reuse both and
//! never wipe anything.

mod architecture;
mod assessment;
mod catalog;
mod credentials;
mod legacy;
mod records;
mod seed;
mod upstream;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;
use wadah_domain::Code;
use wadah_domain::time::SystemClock;
use wadah_store::{Store, StoreError};

use crate::cli::DemoArgs;
use crate::config::Config;
use crate::runtime::{self, OsRandom};
use crate::serve;
use crate::store;
use credentials::{AdminSecrets, DemoCredentials};
use seed::Seeder;

pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("cannot create the data directory {}", args.data_dir.display()))?;
    let mut config = Config::load(None, Some(&args.data_dir))?;
    config.web_listen = args.listen;
    config.gateway_listen = args.gateway_listen;
    let _ = runtime::init_logging(&config.log_level, config.log_json);
    let shutdown = serve::Shutdown::listen()?;

    let store = store::open_for_serving(&config).await?;
    let samples = bind_samples(args.sample_listen).await?;
    let sample_base = format!("http://{}", samples.local_addr()?);
    // Seed before the listeners start, so the gateway's first snapshot already holds the demo.
    let path = args.data_dir.join("demo-credentials.json");
    let mut creds = ensure_seeded(&store, &sample_base, &path).await?;
    assessment::ensure(store.as_ref(), &SystemClock).await?;
    let metrics = serve::install_metrics()?;
    let app = serve::App::build(&config, store.clone(), metrics).await?;
    creds.web_url = format!("http://{}", app.web_addr()?);
    creds.gateway_url = format!("http://{}", app.gateway_addr()?);
    creds.write(&path)?;
    print_welcome(&creds, &path, &sample_base);

    let sample_server = axum::serve(samples, upstream::router()).with_graceful_shutdown(shutdown.requested());
    let sample_task = tokio::spawn(async move { sample_server.await });
    let result = app.run_until_stopped(shutdown.requested()).await;
    sample_task.abort();
    result
}

/// The preferred sample address, or any free port if it is taken (the services are re-pointed).
async fn bind_samples(preferred: SocketAddr) -> anyhow::Result<TcpListener> {
    match TcpListener::bind(preferred).await {
        Ok(l) => Ok(l),
        Err(_) => TcpListener::bind(SocketAddr::new(preferred.ip(), 0))
            .await
            .context("cannot open a port for the sample upstreams"),
    }
}

async fn ensure_seeded(
    store: &Arc<dyn Store>,
    sample_base: &str,
    path: &Path,
) -> anyhow::Result<DemoCredentials> {
    let seeder = Seeder {
        store,
        clock: &SystemClock,
        random: &OsRandom,
    };
    let seeded = match store.get_government(&Code::parse("bontang")?).await {
        Ok(_) => true,
        Err(StoreError::NotFound { .. }) => false,
        Err(e) => return Err(e).context("cannot read the demo data"),
    };
    Ok(if !seeded {
        seeder.registry(sample_base).await?;
        seeder.access().await?;
        architecture::seed(store.as_ref(), &SystemClock).await?;
        let users = seeder.users().await?;
        let consumers = seeder.consumers().await?;
        new_credentials(users, consumers, seeder.staff().await?)?
    } else if let Some(mut existing) = DemoCredentials::read(path)? {
        let moved = seeder.repoint_samples(sample_base).await?;
        if moved > 0 {
            tracing::info!(moved, "sample services re-pointed to the sample upstream address");
        }
        if existing.staff.is_none() {
            // A data dir from before the staff portal: add its civil servant.
            existing.staff = Some(seeder.staff().await?);
        }
        existing
    } else {
        // Seeded before, but the secrets file is gone: secrets are stored only as digests, so
        // issue fresh ones instead of guessing.
        seeder.repoint_samples(sample_base).await?;
        let users = seeder.reissue_users().await?;
        let consumers = seeder.consumers().await?;
        new_credentials(users, consumers, seeder.staff().await?)?
    })
}

fn new_credentials(
    users: Vec<credentials::DemoUser>,
    consumers: Vec<credentials::ConsumerSecrets>,
    staff: credentials::StaffSignIn,
) -> anyhow::Result<DemoCredentials> {
    let admin = users
        .iter()
        .find(|u| u.username == "admin")
        .context("the demo has no admin user")?;
    Ok(DemoCredentials {
        web_url: String::new(),
        gateway_url: String::new(),
        admin: AdminSecrets {
            username: admin.username.clone(),
            password: admin.password.clone(),
            api_token: admin.api_token.clone(),
        },
        consumers,
        users,
        staff: Some(staff),
    })
}

fn print_welcome(creds: &DemoCredentials, path: &Path, sample_base: &str) {
    println!("Wadah demo — Pemerintah Kota Bontang (sample data)");
    println!();
    println!("  Web (portals, console, admin API): {}", creds.web_url);
    println!(
        "  Admin API:                         {}/api/v1/agencies",
        creds.web_url
    );
    println!(
        "  OpenAPI document:                  {}/api/v1/openapi.json",
        creds.web_url
    );
    println!(
        "  Gateway (agency apps call here):   {}/{{agency}}/{{application}}/{{service}}/…",
        creds.gateway_url
    );
    println!("  Sample upstreams:                  {sample_base}/sample/…");
    println!();
    println!(
        "  Sign in as '{}'; password, API token and consumer keys are in",
        creds.admin.username
    );
    println!("  {}", path.display());
    if let Some(staff) = &creds.staff {
        println!(
            "  Staff portal: {}/asn (sign in as '{}', password under .staff)",
            creds.web_url, staff.username
        );
    }
    println!();
    println!(
        "  Try: curl -H \"Authorization: Bearer $(jq -r .admin.api_token {})\" {}/api/v1/agencies",
        path.display(),
        creds.web_url
    );
    println!(
        "       curl -H \"Authorization: Bearer $(jq -r .consumers[0].api_key {})\" {}/bpsdm/simpeg/pegawai/pegawai",
        path.display(),
        creds.gateway_url
    );
    println!();
    println!("Press Ctrl-C to stop.");
}
