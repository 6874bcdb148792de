//! The two engines' migrations must describe the same logical schema: the same files, and the
//! same statements once the known dialect differences are normalised away (sort keys pinned to
//! the "C" collation, identity versus AUTOINCREMENT). A column added to one engine only fails
//! here, not in production.

use std::path::{Path, PathBuf};

fn migrations(crate_dir: &str) -> std::io::Result<Vec<(String, String)>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(crate_dir)
        .join("migrations");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy().into_owned();
            Ok((name, std::fs::read_to_string(&p)?))
        })
        .collect()
}

fn logical(sql: &str) -> String {
    sql.lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace(" COLLATE \"C\"", "")
        .replace(
            "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
            "INTEGER PRIMARY KEY AUTOINCREMENT",
        )
        .replace(" BYTEA ", " BLOB ")
}

#[test]
fn sqlite_and_postgres_migrations_describe_the_same_schema() {
    let sqlite = migrations("wadah-store-sqlite").unwrap();
    let postgres = migrations("wadah-store-postgres").unwrap();
    let names = |m: &[(String, String)]| m.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&sqlite),
        names(&postgres),
        "each migration exists for both engines"
    );
    for ((name, lite), (_, pg)) in sqlite.iter().zip(&postgres) {
        assert_eq!(logical(lite), logical(pg), "{name} differs beyond dialect");
    }
}
