//! Archi's CSV importer without a store (`wadah_exchange::csv_read`): arbitrary bytes split
//! into the three files, read into a document and converted as `wadah import csv` does before
//! it writes. Bad input is an error or a rejected row, never a panic.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use wadah_domain::Code;
use wadah_domain::architecture::Period;
use wadah_exchange::archimate::convert::{ConvertOptions, convert};
use wadah_exchange::csv_read::{CsvInput, read_csv};

fuzz_target!(|data: &[u8]| {
    // Three files separated by 0x00 bytes (absent parts are empty files).
    let mut parts = data.splitn(3, |b| *b == 0);
    let elements = parts.next().unwrap_or_default();
    let relations = parts.next().unwrap_or_default();
    let properties = parts.next().unwrap_or_default();
    let Ok(read) = read_csv(CsvInput {
        elements,
        relations,
        properties,
    }) else {
        return;
    };
    for c in &read.doc.relationships {
        assert!(read.index.contains_key(&c.id), "every kept relation has its report row");
    }
    let (Ok(period), Ok(dinsos), Ok(bontang)) = (Period::parse("2025-2029"), Code::parse("dinsos"), Code::parse("bontang")) else {
        return;
    };
    let known = BTreeMap::from([(dinsos.clone(), bontang)]);
    let options = ConvertOptions {
        default_agency: Some(dinsos),
        default_period: period,
        known_agencies: known.clone(),
    };
    let converted = convert(&read.doc, &options);
    let _ = converted.model.problems(&known);
});
