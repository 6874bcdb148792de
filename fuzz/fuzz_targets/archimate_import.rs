//! The ArchiMate importer without a store (`wadah_exchange::archimate`): read arbitrary bytes,
//! convert what reads into a model and check it, as `wadah import archimate` does before it
//! writes. Bad input is an error or a report, never a panic; whatever converts cleanly
//! writes back and reads again to the same model.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use wadah_domain::architecture::Period;
use wadah_exchange::archimate::convert::{ConvertOptions, convert};
use wadah_exchange::archimate::read::read;
use wadah_exchange::archimate::write::write;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = read(data) else { return };
    let Ok(period) = Period::parse("2025-2029") else { return };
    let (Ok(dinsos), Ok(bontang)) = (wadah_domain::Code::parse("dinsos"), wadah_domain::Code::parse("bontang")) else {
        return;
    };
    let known = BTreeMap::from([(dinsos.clone(), bontang)]);
    let options = ConvertOptions {
        default_agency: Some(dinsos),
        default_period: period,
        known_agencies: known.clone(),
    };
    let converted = convert(&doc, &options);
    let problems = converted.model.problems(&known);
    if converted.problems.is_empty() && problems.is_empty() {
        let xml = write(&converted.model, "fuzz");
        let again = read(xml.as_bytes()).expect("our own export reads back");
        let back = convert(&again, &options);
        assert_eq!(back.model, converted.model, "a clean model survives a round trip");
    }
});
