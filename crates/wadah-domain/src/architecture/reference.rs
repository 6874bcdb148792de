//! The reference architecture as data: the national codes (levels 1–2, read-only, shipped
//! from `referensi-arsitektur.json` and importable from a fuller copy of the Perpres 132/2022
//! annex, since our file holds only part of it) and the local codes a government defines below
//! them. A code is only accepted where its parent is known, so a typo such as `RAB.40.02.01`
//! cannot create a branch of its own.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ValidationError;
use crate::application::RefCode;
use crate::text::Name;

/// The national list we ship (partial; see its `status` field).
const NATIONAL_JSON: &str = include_str!("referensi-arsitektur.json");

/// Largest reference file accepted for import: the full annex is a few hundred kilobytes.
pub const MAX_REFERENCE_FILE_BYTES: usize = 4 * 1024 * 1024;

/// The six families of the SPBE reference architecture, one per domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Family {
    /// Proses bisnis.
    Rab,
    /// Data dan informasi.
    Rad,
    /// Layanan.
    Ral,
    /// Aplikasi.
    Raa,
    /// Infrastruktur.
    Rai,
    /// Keamanan.
    Rak,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rab => "RAB",
            Self::Rad => "RAD",
            Self::Ral => "RAL",
            Self::Raa => "RAA",
            Self::Rai => "RAI",
            Self::Rak => "RAK",
        }
    }
}

impl RefCode {
    /// The family the code's prefix names.
    pub fn family(&self) -> Family {
        match self.as_str().get(..3) {
            Some("RAB") => Family::Rab,
            Some("RAD") => Family::Rad,
            Some("RAL") => Family::Ral,
            Some("RAA") => Family::Raa,
            Some("RAI") => Family::Rai,
            // `parse` admits only the six prefixes, so this is RAK.
            _ => Family::Rak,
        }
    }

    /// 1 for `RAB.04`, 2 for `RAB.04.02`, …
    pub fn level(&self) -> usize {
        self.as_str().matches('.').count()
    }

    /// `RAB.04` for `RAB.04.02`; `None` on level 1.
    pub fn parent(&self) -> Option<RefCode> {
        let (head, _) = self.as_str().rsplit_once('.')?;
        RefCode::parse("ref_code", head).ok()
    }
}

/// Where a code comes from: national codes are read-only for every local role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    National,
    Local,
}

/// One code of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefEntry {
    pub code: RefCode,
    pub name: Name,
    pub origin: Origin,
}

/// A local code as an administrator writes it (level 3 or deeper).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalRefCodeSpec {
    #[schema(value_type = String, example = "RAB.04.02.01")]
    pub code: RefCode,
    pub name: Name,
}

/// The shape of `referensi-arsitektur.json` (extra fields such as `status` are ignored).
#[derive(Debug, Deserialize)]
struct NationalFile {
    entries: Vec<NationalFileEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NationalFileEntry {
    code: String,
    name: String,
    level: usize,
}

/// Parses a national reference file (the shipped one or a fuller copy): each entry's level as
/// its code says, each code under a parent of the same file or of `known`. National lists are
/// levels 1–2, but the annex also fixes a few deeper codes (the shipped file has
/// `RAB.09.05.06`), and those are national too.
pub fn parse_national_file(raw: &str, known: &ReferenceCatalog) -> Result<Vec<RefEntry>, ValidationError> {
    if raw.len() > MAX_REFERENCE_FILE_BYTES {
        return Err(ValidationError::new(
            "reference_file",
            "the file is larger than 4 MiB",
        ));
    }
    let file: NationalFile = serde_json::from_str(raw)
        .map_err(|e| ValidationError::new("reference_file", format!("not a reference file: {e}")))?;
    let mut catalog = known.clone();
    let mut out = Vec::with_capacity(file.entries.len());
    for e in file.entries {
        let code = RefCode::parse("code", &e.code)?;
        if code.level() != e.level {
            return Err(ValidationError::new(
                "code",
                format!(
                    "{}: the level ({}) is not the code's ({})",
                    e.code,
                    e.level,
                    code.level()
                ),
            ));
        }
        let entry = RefEntry {
            code,
            name: Name::parse(&e.name)?,
            origin: Origin::National,
        };
        catalog.insert_checked(entry.clone())?;
        out.push(entry);
    }
    Ok(out)
}

/// The national codes we ship.
pub fn shipped_national() -> &'static [RefEntry] {
    static NATIONAL: OnceLock<Vec<RefEntry>> = OnceLock::new();
    // A broken shipped file leaves the list empty; `the_shipped_list_parses` keeps it whole.
    NATIONAL
        .get_or_init(|| parse_national_file(NATIONAL_JSON, &ReferenceCatalog::default()).unwrap_or_default())
}

/// The codes a government may use: national ones and its local ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferenceCatalog {
    entries: BTreeMap<String, RefEntry>,
}

impl ReferenceCatalog {
    /// The shipped national codes, plus `imported` (national codes from a fuller file) and
    /// `local` ones, each checked against what came before.
    pub fn build(imported: &[RefEntry], local: &[RefEntry]) -> Result<Self, ValidationError> {
        let mut catalog = Self::default();
        for e in shipped_national().iter().chain(imported) {
            // The imported list may repeat shipped codes: same code, the newer name.
            catalog.entries.insert(e.code.as_str().to_owned(), e.clone());
        }
        for e in local {
            catalog.insert_checked(e.clone())?;
        }
        Ok(catalog)
    }

    pub fn get(&self, code: &RefCode) -> Option<&RefEntry> {
        self.entries.get(code.as_str())
    }

    pub fn contains(&self, code: &RefCode) -> bool {
        self.entries.contains_key(code.as_str())
    }

    pub fn entries(&self) -> impl Iterator<Item = &RefEntry> {
        self.entries.values()
    }

    /// Checks a new local code: deep enough, parent known, not taken.
    pub fn check_local(&self, spec: &LocalRefCodeSpec) -> Result<RefEntry, ValidationError> {
        if spec.code.level() < 3 {
            return Err(ValidationError::new(
                "code",
                format!(
                    "{} is a national level; local codes start at level 3",
                    spec.code.as_str()
                ),
            ));
        }
        if self.contains(&spec.code) {
            return Err(ValidationError::new(
                "code",
                format!("{} is already defined", spec.code.as_str()),
            ));
        }
        let entry = RefEntry {
            code: spec.code.clone(),
            name: spec.name.clone(),
            origin: Origin::Local,
        };
        self.check_parent(&entry.code)?;
        Ok(entry)
    }

    fn check_parent(&self, code: &RefCode) -> Result<(), ValidationError> {
        match code.parent() {
            Some(parent) if !self.contains(&parent) => Err(ValidationError::new(
                "code",
                format!(
                    "{}: its parent {} is not a known code",
                    code.as_str(),
                    parent.as_str()
                ),
            )),
            _ => Ok(()),
        }
    }

    fn insert_checked(&mut self, entry: RefEntry) -> Result<(), ValidationError> {
        self.check_parent(&entry.code)?;
        self.entries.insert(entry.code.as_str().to_owned(), entry);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(raw: &str) -> RefCode {
        RefCode::parse("code", raw).unwrap()
    }

    #[test]
    fn the_shipped_list_parses_with_its_hierarchy() {
        let national = shipped_national();
        assert_eq!(
            national.len(),
            66,
            "every shipped entry, the level-3 one included"
        );
        let catalog = ReferenceCatalog::build(&[], &[]).unwrap();
        assert_eq!(catalog.get(&code("RAB.04.02")).unwrap().name.as_str(), "Sosial");
        assert!(catalog.contains(&code("RAA.02.01")));
    }

    #[test]
    fn codes_know_their_family_level_and_parent() {
        let c = code("RAB.04.02.01");
        assert_eq!(c.family(), Family::Rab);
        assert_eq!(c.level(), 3);
        assert_eq!(c.parent().unwrap(), code("RAB.04.02"));
        assert_eq!(code("RAK.01").parent(), None);
        assert_eq!(code("RAK.01").family(), Family::Rak);
    }

    #[test]
    fn local_codes_need_a_known_parent_and_a_local_level() {
        let catalog = ReferenceCatalog::build(&[], &[]).unwrap();
        let spec = |c: &str| LocalRefCodeSpec {
            code: code(c),
            name: Name::parse("Bantuan sosial").unwrap(),
        };
        assert!(catalog.check_local(&spec("RAB.04.02.01")).is_ok());
        let err = catalog.check_local(&spec("RAB.40.02.01")).unwrap_err();
        assert!(err.message.contains("RAB.40.02"), "{err}");
        let err = catalog.check_local(&spec("RAB.04.09")).unwrap_err();
        assert!(err.message.contains("local codes start at level 3"), "{err}");
        let local = catalog.check_local(&spec("RAB.04.02.01")).unwrap();
        let catalog = ReferenceCatalog::build(&[], &[local]).unwrap();
        assert!(catalog.check_local(&spec("RAB.04.02.01")).is_err(), "duplicate");
        assert!(
            catalog.check_local(&spec("RAB.04.02.01.03")).is_ok(),
            "below a local code"
        );
    }

    #[test]
    fn a_fuller_national_file_can_add_families_we_lack() {
        let base = ReferenceCatalog::build(&[], &[]).unwrap();
        let raw = r#"{"entries":[{"code":"RAD.01","name":"Data Umum","level":1},
                                  {"code":"RAD.01.01","name":"Data Kependudukan","level":2}]}"#;
        let added = parse_national_file(raw, &base).unwrap();
        assert_eq!(added.len(), 2);
        let orphan = r#"{"entries":[{"code":"RAK.01.01","name":"X","level":2}]}"#;
        assert!(parse_national_file(orphan, &base).is_err());
        let wrong_level = r#"{"entries":[{"code":"RAB.04.02.01","name":"X","level":2}]}"#;
        assert!(parse_national_file(wrong_level, &base).is_err());
    }
}
