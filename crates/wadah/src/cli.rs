//! The command line (DESIGN.md §3). Every command that touches the store takes either
//! `--data-dir` (the embedded store, as `demo` uses) or `--config` (as `serve` uses).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "wadah",
    version,
    about = "Wadah: one frame for a city's agency applications (SPBE)"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run everything on this machine with the embedded store and the Bontang pilot sample.
    Demo(DemoArgs),
    /// Run Wadah in production from a configuration file and WADAH_* environment variables.
    Serve(StoreArgs),
    /// Create or upgrade the database schema, then exit.
    Migrate(StoreArgs),
    /// Work with the configuration.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Work with the gateway's evidence (audit) log in DATA_DIR/audit.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Score SPBE / Pemdi index level vectors, and plan the cheapest raises to a target.
    Index {
        #[command(subcommand)]
        command: IndexCommand,
    },
    /// Work with the keys that sign the gateway's access tokens and assertions.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// People who administer this deployment.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Write the SPBE architecture in an exchange format.
    Export {
        #[command(subcommand)]
        command: crate::exchange_cmd::ExportCommand,
    },
    /// Read an SPBE architecture from an exchange format (all of it, or nothing).
    Import {
        #[command(subcommand)]
        command: crate::exchange_cmd::ImportCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum IndexCommand {
    /// Read level vectors from stdin (one per line, comma-separated levels 0-5 in indicator
    /// order) and write one JSON object per line: index, exact index, predikat, domains, aspects.
    /// Bad lines get {"line": N, "error": "..."} and make the exit status non-zero.
    Score(IndexScoreArgs),
    /// Read one level vector from stdin and print the cheapest raises (JSON) that reach --target.
    Plan(IndexPlanArgs),
    /// Write a stored assessment as XLSX in the evaluators' layout.
    Export(IndexExportArgs),
}

#[derive(Debug, Args, Clone)]
pub struct IndexExportArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The assessment's year.
    #[arg(long)]
    pub year: u16,
    /// The government's code (needed only when several governments have an assessment that year).
    #[arg(long, value_name = "CODE")]
    pub government: Option<String>,
    /// The instrument (default indeks-spbe-2020).
    #[arg(long, value_name = "ID", default_value = "indeks-spbe-2020")]
    pub instrument: String,
    /// Where to write the workbook (`-` for stdout).
    #[arg(long, short, value_name = "FILE")]
    pub output: PathBuf,
}

#[derive(Debug, Args, Clone)]
pub struct IndexScoreArgs {
    /// A shipped instrument (indeks-spbe-2020, indeks-pemdi-2026) or the path of an
    /// instrument JSON file to import.
    #[arg(long, value_name = "ID|FILE")]
    pub instrument: String,
    /// Read the predikat from the rounded or the unrounded index (default: the instrument's).
    #[arg(long, value_name = "BASIS")]
    pub predicate_basis: Option<wadah_domain::index::PredicateBasis>,
}

#[derive(Debug, Args, Clone)]
pub struct IndexPlanArgs {
    #[command(flatten)]
    pub score: IndexScoreArgs,
    /// The target: an index value (3.5) or a predikat label ("Sangat Baik").
    #[arg(long, value_name = "INDEX|PREDIKAT")]
    pub target: String,
    /// Step costs: JSON {"default": {"rupiah": R, "months": M}, "indicators": {"12": [step 0->1,
    /// 1->2, ...; each {"rupiah": R, "months": M} or null for a step that cannot be taken]}}.
    #[arg(long, value_name = "FILE")]
    pub costs: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Start a new signing key now: it signs from one minute on (once every gateway node has
    /// loaded it); the current key retires then and stays published until its tokens expire.
    Rotate(StoreArgs),
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a platform admin with a generated password (printed once): the first person of
    /// a new deployment, or a break-glass account when single sign-on is down.
    Create(AdminCreateArgs),
}

#[derive(Debug, Args, Clone)]
pub struct AdminCreateArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Login name: 3-64 characters of a-z, 0-9, '.', '_' or '-'.
    #[arg(long, value_name = "NAME")]
    pub username: String,
    /// The name shown in the console.
    #[arg(long, value_name = "TEXT")]
    pub name: String,
    /// Also issue an admin API token (printed once).
    #[arg(long)]
    pub token: bool,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check every hash chain of the evidence log; names the first bad record and fails if any.
    Verify(StoreArgs),
    /// Write the records of a time range as JSON lines.
    Export(ExportArgs),
}

#[derive(Debug, Args, Clone)]
pub struct ExportArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// First instant to include: RFC 3339 (2026-11-29T08:00:00+08:00) or a date (2026-11-29, UTC).
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,
    /// First instant to leave out (same forms as --from).
    #[arg(long, value_name = "TIME")]
    pub to: Option<String>,
    /// Where to write the lines; `-` for standard output.
    #[arg(long, short, default_value = "-", value_name = "FILE")]
    pub output: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the configuration (file and environment) and check that the store is reachable.
    Check(StoreArgs),
}

/// Where the store is: `--config FILE`, or `--data-dir DIR` for the embedded store.
#[derive(Debug, Args, Clone, Default)]
pub struct StoreArgs {
    /// Configuration file (TOML). WADAH_* environment variables override it.
    #[arg(long, short, value_name = "FILE", conflicts_with = "data_dir")]
    pub config: Option<PathBuf>,
    /// Data directory of the embedded store (used instead of a configuration file).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct DemoArgs {
    /// Address of the web listener (portals, console, admin API).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub listen: SocketAddr,
    /// Address of the gateway listener.
    #[arg(long, default_value = "127.0.0.1:8081", value_name = "ADDR")]
    pub gateway_listen: SocketAddr,
    /// Address of the built-in sample upstreams (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:8082", value_name = "ADDR")]
    pub sample_listen: SocketAddr,
    /// Where the demo keeps its data; re-running reuses it and never wipes it.
    #[arg(long, default_value = "./wadah-demo", value_name = "DIR")]
    pub data_dir: PathBuf,
}
