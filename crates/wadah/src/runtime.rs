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

/// Sets up logging once: human-readable text by default, JSON lines when asked.
pub fn init_logging(level: &str, json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("WADAH_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
