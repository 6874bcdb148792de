//! The improvement planner: on the real instrument ("from Baik to Sangat Baik"), and against
//! brute force on small random instruments — the plan reaches the target and no other set of
//! raises that reaches it is cheaper (rupiah, then months, then steps).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use proptest::prelude::*;
use serde_json::json;
use wadah_domain::index::{CostTable, Exact, Instrument, PlanError, PredicateBasis, StepCost, Target};

fn spbe() -> Instrument {
    Instrument::builtin("indeks-spbe-2020").unwrap().unwrap()
}

fn d(s: &str) -> Exact {
    Exact::parse_decimal(s).unwrap()
}

#[test]
fn cheapest_way_from_baik_to_sangat_baik() {
    let inst = spbe();
    let current = inst.levels(&[3; 47]).unwrap();
    assert_eq!(inst.score(&current).unwrap().predikat, "Baik");
    // Policy indicators (1–10) are cheap, services (32–47) dear.
    let mut rows = Vec::new();
    for ind in &inst.indicators {
        let rupiah = match ind.number {
            1..=10 => 50_000_000,
            11..=20 => 150_000_000,
            21..=31 => 200_000_000,
            _ => 400_000_000,
        };
        rows.push(vec![Some(StepCost { rupiah, months: 3 }); 5]);
    }
    let costs = CostTable::new(&inst, rows).unwrap();
    let plan = inst
        .plan(
            &current,
            &Target::Predicate("Sangat Baik".into()),
            &costs,
            PredicateBasis::Unrounded,
        )
        .unwrap();
    assert_eq!(plan.score.predikat, "Sangat Baik");
    assert!(plan.score.index >= d("3.5"));
    // Needs +0.5, i.e. 50 weighted points. The cheapest per point are the policy steps (1.3 for
    // 50M): all twenty (1–10 up to 5) give 26; the remaining 24 come cheapest from ten
    // 2.5-weight steps at 150M (11–20). Every other mix costs more (e.g. nine 2.5 steps and
    // one 1.5 step: 2.55 billion).
    assert_eq!(plan.total_rupiah, 20 * 50_000_000 + 10 * 150_000_000);
    assert_eq!(plan.score.index, d("3.51"));
    assert!(plan.raises.iter().all(|r| r.to > r.from));
}

#[test]
fn a_target_already_met_needs_nothing() {
    let inst = spbe();
    let current = inst.levels(&[4; 47]).unwrap();
    let costs = CostTable::uniform(&inst, StepCost { rupiah: 1, months: 1 }).unwrap();
    let plan = inst
        .plan(
            &current,
            &Target::Index(d("3.5")),
            &costs,
            PredicateBasis::Unrounded,
        )
        .unwrap();
    assert!(plan.raises.is_empty());
    assert_eq!(
        (plan.total_rupiah, plan.total_months, plan.total_steps),
        (0, 0, 0)
    );
}

#[test]
fn unreachable_and_unknown_targets_are_reported() {
    let inst = spbe();
    let current = inst.levels(&[2; 47]).unwrap();
    // Only indicators 1–10 may rise, and only one level each.
    let rows = inst
        .indicators
        .iter()
        .map(|i| {
            let mut row = vec![None; 5];
            if i.number <= 10 {
                row[2] = Some(StepCost { rupiah: 5, months: 1 });
            }
            row
        })
        .collect();
    let costs = CostTable::new(&inst, rows).unwrap();
    let err = inst
        .plan(
            &current,
            &Target::Predicate("Baik".into()),
            &costs,
            PredicateBasis::Unrounded,
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the target Baik is unreachable: every step the cost table allows gives at most 2.13 (Cukup)"
    );
    let err = inst
        .plan(
            &current,
            &Target::Predicate("Luar Biasa".into()),
            &costs,
            PredicateBasis::Unrounded,
        )
        .unwrap_err();
    assert_eq!(err, PlanError::UnknownPredicate("Luar Biasa".into()));
    assert!(matches!(
        inst.plan(
            &current,
            &Target::Index(d("5.01")),
            &costs,
            PredicateBasis::Unrounded
        ),
        Err(PlanError::Unreachable { .. })
    ));
    assert!(matches!(
        CostTable::new(&inst, vec![]),
        Err(PlanError::CostCount { expected: 47, got: 0 })
    ));
}

#[test]
fn the_rounded_basis_lowers_the_bar_by_half_a_cent() {
    // Target 3.50 on the rounded basis is met by an index of 3.495; unrounded needs 3.5.
    let inst = spbe();
    let current = inst.levels(&[3; 47]).unwrap();
    let costs = CostTable::uniform(&inst, StepCost { rupiah: 1, months: 0 }).unwrap();
    let rounded = inst
        .plan(
            &current,
            &Target::Index(d("3.5")),
            &costs,
            PredicateBasis::Rounded,
        )
        .unwrap();
    let unrounded = inst
        .plan(
            &current,
            &Target::Index(d("3.5")),
            &costs,
            PredicateBasis::Unrounded,
        )
        .unwrap();
    assert!(
        rounded.score.shown >= d("3.5") && rounded.score.index < d("3.5"),
        "{:?}",
        rounded.score.index
    );
    assert!(unrounded.score.index >= d("3.5"));
    // 17 steps (at most 49.75 points) suffice rounded; unrounded needs 50 points: 18 steps.
    assert_eq!((rounded.total_steps, unrounded.total_steps), (17, 18));
}

/// A small random instrument: 2–4 indicators in one or two aspects, weights with two decimals
/// summing to 100, the Pemdi bands.
fn small_instrument() -> impl Strategy<Value = Instrument> {
    (2usize..=4, proptest::collection::vec(1u32..=60, 4), any::<bool>()).prop_map(|(n, raw, two_aspects)| {
        let total: u32 = raw[..n].iter().sum();
        let mut hundredths: Vec<u32> = raw[..n].iter().map(|w| w * 10_000 / total).collect();
        let rest = 10_000 - hundredths.iter().sum::<u32>();
        hundredths[0] += rest;
        let weight = |h: u32| Exact::new(i128::from(h), 100).unwrap().to_decimal_string(0);
        let split = if two_aspects { n / 2 } else { n };
        let aspect_of = |i: usize| if i < split { 1 } else { 2 };
        let mut aspects = Vec::new();
        let mut aspect_weights = Vec::new();
        for (no, range) in [(1, 0..split), (2, split..n)] {
            if range.is_empty() {
                continue;
            }
            let w: u32 = hundredths[range.clone()].iter().sum();
            let members: Vec<usize> = range.map(|i| i + 1).collect();
            aspects.push(json!({"no": no, "name": format!("A{no}"), "weight": format!("AW{no}"), "indicators": members}));
            aspect_weights.push((no, weight(w)));
        }
        let indicators: Vec<_> = (0..n)
            .map(|i| json!({"number": i + 1, "name": format!("I{}", i + 1), "aspect_no": aspect_of(i), "weight": "W"}))
            .collect();
        let levels: Vec<_> = (1..=5).map(|l| json!({"level": l, "name": format!("L{l}")})).collect();
        // Weights go in as literal text so they are not re-rounded through f64 here.
        let mut text = json!({
            "instrument": "small",
            "title": "Small",
            "levels": levels,
            "predicates": [
                {"min": 4.0, "max": 5.0, "label": "Memuaskan"},
                {"min": 3.5, "max": 4.0, "label": "Sangat Baik"},
                {"min": 2.5, "max": 3.5, "label": "Baik"},
                {"min": 1.5, "max": 2.5, "label": "Cukup"},
                {"min": 1.0, "max": 1.5, "label": "Kurang"}
            ],
            "aspects": aspects,
            "indicators": indicators,
        })
        .to_string();
        for h in &hundredths {
            text = text.replacen("\"W\"", &weight(*h), 1);
        }
        for (no, w) in &aspect_weights {
            text = text.replace(&format!("\"AW{no}\""), w);
        }
        Instrument::from_json(&text).unwrap()
    })
}

fn step_cost() -> impl Strategy<Value = Option<StepCost>> {
    prop_oneof![
        1 => Just(None),
        6 => (0u64..=40, 0u32..=3).prop_map(|(rupiah, months)| Some(StepCost { rupiah, months })),
    ]
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        (50i128..=520).prop_map(|h| Target::Index(Exact::new(h, 100).unwrap())),
        prop::sample::select(vec!["Kurang", "Cukup", "Baik", "Sangat Baik", "Memuaskan"])
            .prop_map(|l| Target::Predicate(l.to_owned())),
    ]
}

/// Every reachable final level vector and its cost key, by enumeration.
fn brute_force(
    inst: &Instrument,
    current: &[u8],
    costs: &CostTable,
    target: &Target,
    basis: PredicateBasis,
) -> Option<(u64, u64, u32)> {
    let n = current.len();
    let mut best: Option<(u64, u64, u32)> = None;
    let mut finals = current.to_vec();
    loop {
        let mut key = (0u64, 0u64, 0u32);
        let mut possible = true;
        for i in 0..n {
            for l in current[i]..finals[i] {
                match costs.step(i, l) {
                    Some(c) => key = (key.0 + c.rupiah, key.1 + u64::from(c.months), key.2 + 1),
                    None => possible = false,
                }
            }
        }
        if possible {
            let score = inst.score_with(&inst.levels(&finals).unwrap(), basis).unwrap();
            let value = if basis == PredicateBasis::Rounded {
                score.shown
            } else {
                score.index
            };
            let reached = match target {
                Target::Index(t) => value >= *t,
                Target::Predicate(label) => score.band >= inst.band_by_label(label).unwrap(),
            };
            if reached && best.is_none_or(|b| key < b) {
                best = Some(key);
            }
        }
        // Next vector ≥ current (odometer).
        let mut i = 0;
        loop {
            if i == n {
                return best;
            }
            if finals[i] < 5 {
                finals[i] += 1;
                break;
            }
            finals[i] = current[i];
            i += 1;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_plan_is_the_cheapest_that_reaches_the_target(
        inst in small_instrument(),
        current in proptest::collection::vec(0u8..=5, 4),
        cost_cells in proptest::collection::vec(step_cost(), 20),
        target in target(),
        rounded in any::<bool>(),
    ) {
        let n = inst.indicators.len();
        let basis = if rounded { PredicateBasis::Rounded } else { PredicateBasis::Unrounded };
        let current = &current[..n];
        let rows = (0..n).map(|i| cost_cells[i * 5..i * 5 + 5].to_vec()).collect();
        let costs = CostTable::new(&inst, rows).unwrap();
        let levels = inst.levels(current).unwrap();
        let expected = brute_force(&inst, current, &costs, &target, basis);
        match inst.plan(&levels, &target, &costs, basis) {
            Ok(plan) => {
                let key = (plan.total_rupiah, plan.total_months, plan.total_steps);
                prop_assert_eq!(Some(key), expected);
                let value = if rounded { plan.score.shown } else { plan.score.index };
                match &target {
                    Target::Index(t) => prop_assert!(value >= *t),
                    Target::Predicate(l) => prop_assert!(plan.score.band >= inst.band_by_label(l).unwrap()),
                }
                for (i, (&from, &to)) in current.iter().zip(plan.levels.as_slice()).enumerate() {
                    prop_assert!(to >= from, "indicator {} lowered", i + 1);
                }
                let listed: u64 = plan.raises.iter().map(|r| r.rupiah).sum();
                prop_assert_eq!(listed, plan.total_rupiah);
            }
            Err(PlanError::Unreachable { .. }) => prop_assert_eq!(expected, None),
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }
}
