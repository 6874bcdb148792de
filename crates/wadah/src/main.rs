//! The `wadah` binary: parses the command line and hands over to the command. Everything else
//! lives in the library crates; this file stays short (CONVENTIONS 1).

use std::process::ExitCode;

mod admin_cmd;
mod cli;
mod cluster;
mod commands;
mod config;
mod control;
mod demo;
mod exchange_cmd;
mod index_cmd;
mod index_export;
mod people;
mod runtime;
mod serve;
mod sso_config;
mod store;

/// mimalloc instead of glibc malloc: glibc keeps a heap arena per thread and returns little of
/// it, so the 19 MiB argon2id work area of each password hash and the buffers of many
/// connections stayed resident (RSS over 200 MB at 1,000 connections in bench/gateway.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    heap_in_small_pages();
    let args = <cli::Cli as clap::Parser>::parse();
    match commands::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One clear line naming what is wrong; causes joined, no backtrace (DESIGN.md §3).
            eprintln!("wadah: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Transparent huge pages off for this process. mimalloc marks its arenas `MADV_HUGEPAGE`, and
/// the kernel then backs every touched 2 MiB of heap with a whole huge page, most of it unused:
/// with 1,000 open gateway connections RSS was 150 MB with huge pages and 90 MB without, for
/// the same CPU per request (bench/gateway-cpu.sh, `MIMALLOC_ALLOW_THP=0` against the default).
/// The flag is checked when a page is faulted in, so it also covers the arena mimalloc has
/// already reserved, and hosts whose THP setting is `always`. A refusal (a seccomp profile that
/// forbids prctl) only costs memory, so it is not an error.
fn heap_in_small_pages() {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}
