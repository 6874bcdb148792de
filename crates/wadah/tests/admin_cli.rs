//! `wadah admin create`: the first platform admin of a fresh deployment, from the command line.
//! The generated password and token are printed once; the person can then use the admin API
//! with the token; an existing username and a bad one are refused with one clear line and a
//! non-zero exit, changing nothing.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a test binary

mod common;

use std::process::{Command, Output};

fn admin_create(dir: &std::path::Path, username: &str, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wadah"))
        .args(["admin", "create", "--data-dir"])
        .arg(dir)
        .args(["--username", username, "--name", "Admin Diskominfo"])
        .args(extra)
        .output()
        .expect("run wadah")
}

fn printed_after<'a>(stdout: &'a str, label: &str) -> &'a str {
    let line = stdout
        .lines()
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("no {label:?} in {stdout}"));
    line.rsplit(' ').next().unwrap()
}

#[test]
fn the_first_admin_is_created_once_with_a_password_and_a_token_shown_once() {
    let dir = tempfile::tempdir().unwrap();
    // A data dir with a store in it (the demo's; a node is not running on it meanwhile).
    common::Demo::start(dir.path()).kill();
    let created = admin_create(dir.path(), "kominfo", &["--token"]);
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let stdout = String::from_utf8(created.stdout).unwrap();
    let password = printed_after(&stdout, "Password");
    let token = printed_after(&stdout, "Admin API token");
    assert!(password.len() >= 20, "{stdout}");
    assert!(token.starts_with("wdha_"), "{stdout}");

    // The same name again: refused, and the first account is untouched.
    let again = admin_create(dir.path(), "kominfo", &[]);
    assert!(!again.status.success());
    let err = String::from_utf8(again.stderr).unwrap();
    assert!(
        err.contains("exists already") && err.lines().count() == 1,
        "{err}"
    );
    assert!(!String::from_utf8(again.stdout).unwrap().contains("Password"));

    // A name that is not a login name: refused before the store is touched.
    let bad = admin_create(dir.path(), "Bad Name", &[]);
    assert!(!bad.status.success());
    assert!(String::from_utf8(bad.stderr).unwrap().contains("--username"));

    // The printed token works against the admin API of a node on that data dir.
    let node = common::Demo::start(dir.path());
    let (status, body) = node.get("/api/v1/users/kominfo", Some(token));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["role"], "platform_admin");
    node.kill();
}
