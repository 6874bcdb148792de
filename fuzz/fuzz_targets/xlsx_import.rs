//! The XLSX inventory importer without a store (`wadah_exchange::xlsx::import`): arbitrary
//! bytes through the zip checks and the spreadsheet reader, then every row through the row
//! checks, as `wadah import xlsx` does before it writes. Bad input is an error or a rejected
//! row, never a panic, and an accepted row always yields an element.
#![no_main]

use std::collections::{BTreeMap, HashMap};

use libfuzzer_sys::fuzz_target;
use wadah_domain::Code;
use wadah_domain::architecture::{Period, ReferenceCatalog};
use wadah_exchange::RowStatus;
use wadah_exchange::xlsx::import::{Context, check_rows, read_workbook};

fuzz_target!(|data: &[u8]| {
    let Ok((sheets, _problems)) = read_workbook(data) else { return };
    let (Ok(period), Ok(dinsos), Ok(bontang)) = (Period::parse("2025-2029"), Code::parse("dinsos"), Code::parse("bontang")) else {
        return;
    };
    let catalog = ReferenceCatalog::build(&[], &[]).unwrap_or_default();
    let context = Context {
        period,
        default_agency: Some(dinsos.clone()),
        scope: None,
        known_agencies: BTreeMap::from([(dinsos, bontang.clone())]),
        catalogs: BTreeMap::from([(bontang, catalog)]),
        existing: HashMap::new(),
    };
    let (report, model) = check_rows(&sheets, &context);
    if report.is_clean() {
        let accepted = report.rows.iter().filter(|r| r.status == RowStatus::Accepted).count();
        assert_eq!(accepted, model.elements.len(), "every accepted row is one element");
    }
});
