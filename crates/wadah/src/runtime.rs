//! The real sources of time and randomness, handed to the library crates as parameters.

use wadah_domain::secret::Random;

/// Random bytes from the operating system.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsRandom;

impl Random for OsRandom {
    fn fill(&self, buf: &mut [u8]) {
        if let Err(err) = getrandom::fill(buf) {
            // Without entropy no secret can be issued safely; stopping is the only safe answer.
            eprintln!("wadah: the operating system gave no random bytes ({err}); stopping");
            std::process::abort();
        }
    }
}

/// Changes the log filter of a running process (`log.level` on SIGHUP).
#[derive(Clone)]
pub struct LogReload(
    tracing_subscriber::reload::Handle<tracing_subscriber::EnvFilter, tracing_subscriber::Registry>,
);

impl std::fmt::Debug for LogReload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LogReload")
    }
}

impl LogReload {
    /// Applies `level` (already validated by the configuration); `WADAH_LOG`, when set, still
    /// wins, as at start.
    pub fn set(&self, level: &str) -> anyhow::Result<()> {
        if std::env::var_os("WADAH_LOG").is_some() {
            return Ok(());
        }
        let filter = tracing_subscriber::EnvFilter::try_new(level)?;
        self.0.reload(filter)?;
        Ok(())
    }
}

/// Sets up logging once: human-readable text by default, JSON lines when asked. The filter
/// can be changed later through the returned handle (`None` if logging was already set up).
pub fn init_logging(level: &str, json: bool) -> Option<LogReload> {
    use tracing_subscriber::Layer as _;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let filter = tracing_subscriber::EnvFilter::try_from_env("WADAH_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let (filter, handle) = tracing_subscriber::reload::Layer::new(filter);
    let format = tracing_subscriber::fmt::layer().with_target(false);
    let format = if json {
        format.json().boxed()
    } else {
        format.boxed()
    };
    tracing_subscriber::registry()
        .with(filter)
        .with(format)
        .try_init()
        .ok()
        .map(|()| LogReload(handle))
}
