//! Loading instruments: an imported file is checked like the shipped ones, and each broken
//! rule is refused with an error that names the offending item.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use serde_json::{Value, json};
use wadah_domain::index::{Exact, Instrument, InstrumentError, PredicateBasis};

const PEMDI: &str = include_str!("../instruments/indeks-pemdi-2026.json");
const SPBE: &str = include_str!("../instruments/indeks-spbe-2020.json");

fn edited(text: &str, edit: impl FnOnce(&mut Value)) -> Result<Instrument, InstrumentError> {
    let mut value: Value = serde_json::from_str(text).unwrap();
    edit(&mut value);
    Instrument::from_json(&value.to_string())
}

fn refused(text: &str, edit: impl FnOnce(&mut Value)) -> String {
    match edited(text, edit) {
        Ok(_) => panic!("the edited instrument was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn an_imported_instrument_can_set_basis_and_rounding() {
    let inst = edited(PEMDI, |v| {
        v["instrument"] = json!("pemdi-draft");
        v["predicate_basis"] = json!("rounded");
        v["rounding"] = json!({"places": 3});
    })
    .unwrap();
    assert_eq!(inst.id, "pemdi-draft");
    assert_eq!(inst.predicate_basis, PredicateBasis::Rounded);
    assert_eq!(inst.places, 3);
}

#[test]
fn weights_are_read_from_their_text_exactly() {
    // 0.1 + 0.2 + 99.7 is 100 exactly only if nothing passes through binary floating point.
    let inst = edited(PEMDI, |v| {
        v["aspects"] = json!([{"no": 1, "name": "A", "weight": 100, "indicators": [1, 2, 3]}]);
        v["indicators"] = json!([
            {"number": 1, "name": "x", "aspect_no": 1, "weight": 0.1},
            {"number": 2, "name": "y", "aspect_no": 1, "weight": 0.2},
            {"number": 3, "name": "z", "aspect_no": 1, "weight": 99.7},
        ]);
    })
    .unwrap();
    assert_eq!(inst.indicators[0].weight, Exact::new(1, 10).unwrap());
    assert_eq!(inst.total_units, 1000);
}

#[test]
fn weights_must_sum_to_100() {
    let err = refused(PEMDI, |v| {
        v["indicators"][19]["weight"] = json!(14.5);
        v["aspects"][6]["weight"] = json!(24.5);
    });
    assert_eq!(err, "indicators: weights sum to 99.5, not 100");
}

#[test]
fn an_aspect_weight_must_match_its_indicators() {
    let err = refused(PEMDI, |v| v["aspects"][2]["weight"] = json!(16));
    assert!(
        err.starts_with("aspect 3 (Data): weight 16 is not the sum of its indicators' weights (15)"),
        "{err}"
    );
}

#[test]
fn a_domain_weight_must_match_its_aspects() {
    let err = refused(SPBE, |v| v["domains"][3]["weight"] = json!(45));
    assert!(
        err.starts_with("domain 4 (Layanan SPBE): weight 45 is not the sum"),
        "{err}"
    );
}

#[test]
fn every_indicator_is_in_exactly_one_aspect() {
    let twice = refused(PEMDI, |v| v["aspects"][1]["indicators"] = json!([2, 3, 4]));
    assert!(
        twice.starts_with("indicator 2: is listed by more than one aspect"),
        "{twice}"
    );
    let unknown = refused(PEMDI, |v| v["aspects"][0]["indicators"] = json!([1, 2, 21]));
    assert!(
        unknown.contains("lists indicator 21, which does not exist"),
        "{unknown}"
    );
    let disagree = refused(PEMDI, |v| v["indicators"][0]["aspect_no"] = json!(2));
    assert!(
        disagree.starts_with("indicator 1: says aspect_no 2 but aspect 1 lists it"),
        "{disagree}"
    );
}

#[test]
fn an_indicator_listed_by_no_aspect_is_named() {
    let err = refused(PEMDI, |v| {
        v["aspects"][6]["indicators"] = json!([19]);
        v["aspects"][6]["weight"] = json!(10);
    });
    assert_eq!(err, "indicator 20: is not listed by any aspect");
}

#[test]
fn bands_must_cover_1_to_5_without_gaps_or_overlaps() {
    let gap = refused(PEMDI, |v| v["predicates"][2]["max"] = json!(3.4));
    assert!(
        gap.contains("gap between 3.4 (\"Baik\" ends) and 3.5 (\"Sangat Baik\" starts)"),
        "{gap}"
    );
    let overlap = refused(SPBE, |v| v["predicates"][2]["max_exclusive"] = json!(3.6));
    assert!(
        overlap.contains("\"Baik\" (up to 3.6) overlaps \"Sangat Baik\" (from 3.5)"),
        "{overlap}"
    );
    let start = refused(PEMDI, |v| v["predicates"][4]["min"] = json!(1.1));
    assert!(start.contains("the lowest band must start at 1"), "{start}");
    let top = refused(SPBE, |v| {
        v["predicates"][0] = json!({"min": 4.2, "max_exclusive": 5.0, "label": "Memuaskan"});
    });
    assert!(top.contains("the top band must end at 5 inclusive"), "{top}");
    let both = refused(SPBE, |v| v["predicates"][1]["max"] = json!(4.2));
    assert!(
        both.contains("exactly one of `max` and `max_exclusive`"),
        "{both}"
    );
}

#[test]
fn file_format_mistakes_are_refused() {
    let typo = refused(PEMDI, |v| v["predicate_bassis"] = json!("rounded"));
    assert!(typo.contains("unknown field `predicate_bassis`"), "{typo}");
    let string_weight = refused(PEMDI, |v| v["indicators"][0]["weight"] = json!("5"));
    assert!(string_weight.contains("expected a number"), "{string_weight}");
    let basis = refused(PEMDI, |v| v["predicate_basis"] = json!("half"));
    assert!(basis.contains("unknown variant"), "{basis}");
    let fine = refused(PEMDI, |v| v["indicators"][0]["weight"] = json!(4.99999));
    assert!(fine.contains("more than 4 decimals"), "{fine}");
    let order = refused(PEMDI, |v| v["indicators"][0]["number"] = json!(7));
    assert!(
        order.starts_with("indicator 7: indicators must be numbered"),
        "{order}"
    );
    let share = refused(SPBE, |v| {
        v["indicators"][0]["weight_within_aspect_pct"] = json!(12)
    });
    assert!(
        share.starts_with("indicator 1: weight_within_aspect_pct 12 disagrees"),
        "{share}"
    );
    let scale = refused(SPBE, |v| v["indicators"][0]["level_scale"] = json!("nope"));
    assert!(scale.contains("level_scale \"nope\" is not defined"), "{scale}");
    assert!(matches!(
        Instrument::from_json("{"),
        Err(InstrumentError::Format(_))
    ));
    let huge = " ".repeat(5 * 1024 * 1024);
    assert_eq!(
        Instrument::from_json(&huge).unwrap_err(),
        InstrumentError::TooLarge
    );
}
