//! The scoring engine on the shipped instruments: the worked example, the rounding and
//! predicate-basis cases of the published results, band semantics, and properties.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use proptest::prelude::*;
use wadah_domain::index::{Exact, Instrument, Levels, LevelsError, PredicateBasis};

fn spbe() -> Instrument {
    Instrument::builtin("indeks-spbe-2020").unwrap().unwrap()
}

fn pemdi() -> Instrument {
    Instrument::builtin("indeks-pemdi-2026").unwrap().unwrap()
}

fn d(s: &str) -> Exact {
    Exact::parse_decimal(s).unwrap()
}

/// A 2020 level vector from level sums of indicator groups (first, last, sum), spread evenly.
fn from_sums(groups: &[(usize, usize, u32)]) -> Vec<u8> {
    let mut levels = vec![0u8; 47];
    for &(first, last, sum) in groups {
        let n = (last - first + 1) as u32;
        assert!(sum <= 5 * n, "sum {sum} too large for {n} indicators");
        for (k, level) in levels[first - 1..last].iter_mut().enumerate() {
            let extra = u32::from((k as u32) < sum % n);
            *level = u8::try_from(sum / n + extra).unwrap();
        }
    }
    levels
}

/// Level sums per 2020 weight class: 1–10 (1.3), 11–20 (2.5), 21–31 (1.5), 32–41 (2.75), 42–47 (3.0).
fn spbe_levels(s1: u32, s2: u32, s3: u32, a: u32, b: u32) -> Levels {
    let v = from_sums(&[(1, 10, s1), (11, 20, s2), (21, 31, s3), (32, 41, a), (42, 47, b)]);
    spbe().levels(&v).unwrap()
}

#[test]
fn shipped_instruments_have_their_published_shape() {
    let s = spbe();
    assert_eq!((s.domains.len(), s.aspects.len(), s.indicators.len()), (4, 8, 47));
    assert_eq!(s.max_level, 5);
    assert_eq!(s.predicate_basis, PredicateBasis::Unrounded);
    assert_eq!(s.level_name(0, 3), Some("Terdefinisi"));
    assert_eq!(s.level_name(40, 4), Some("Kolaborasi"));
    assert!(
        !s.indicators[2].criteria.contains_key(&4),
        "indicator 3 level 4 is unknown in the source"
    );
    let p = pemdi();
    assert_eq!((p.domains.len(), p.aspects.len(), p.indicators.len()), (0, 7, 20));
    assert_eq!(p.level_name(0, 5), Some("Leading / Unggul"));
    let ids: Vec<_> = Instrument::builtin_ids().collect();
    assert_eq!(ids, ["indeks-spbe-2020", "indeks-pemdi-2026"]);
    assert!(Instrument::builtin("indeks-spbe-2018").is_none());
}

#[test]
fn worked_example() {
    // Indicators 1–4 at 4, 5–10 at 3; 11–31 at 3; 32–37 at 5, 38–41 at 4; 42–46 at 2, 47 at 1.
    let levels = spbe_levels(34, 30, 33, 46, 11);
    assert_eq!(levels.as_slice()[..10], [4, 4, 4, 4, 3, 3, 3, 3, 3, 3]);
    let score = spbe().score(&levels).unwrap();
    let aspect2 = &score.aspects[1];
    assert_eq!((aspect2.number, aspect2.value), (2, d("3.00")));
    assert_eq!(score.domains[0].value, d("3.4"));
    assert_eq!(score.index, d("3.282"));
    assert_eq!(score.shown, d("3.28"));
    assert_eq!(score.predikat, "Baik");
    // Aspect 8 (42–47: 2,2,2,2,2,1) does not terminate: 11/6.
    assert_eq!(score.aspects[7].value, Exact::new(11, 6).unwrap());
    assert_eq!(score.aspects[7].shown, d("1.83"));
}

#[test]
fn index_is_rounded_half_up_from_the_exact_value() {
    // Kab. Banyuwangi 2024: domains 5.0, 4.6, 4.18 (46/11), 5.0 → 4.7650, published 4.77.
    let score = spbe().score(&spbe_levels(50, 46, 46, 50, 30)).unwrap();
    assert_eq!(score.index, d("4.765"));
    assert_eq!(score.shown, d("4.77"));
    assert_eq!(score.domains[2].shown, d("4.18"));
}

#[test]
fn predicate_basis_follows_the_published_practice() {
    // Kab. Pacitan 2024: domains 4.7, 3.0, 2.09 (23/11), 3.94 (717/182) → 3.4985, shown 3.50,
    // predikat Baik: the 2024 evaluation read the predicate from the unrounded index.
    let pacitan = spbe_levels(47, 30, 23, 39, 24);
    let unrounded = spbe().score_with(&pacitan, PredicateBasis::Unrounded).unwrap();
    assert_eq!((unrounded.index, unrounded.shown), (d("3.4985"), d("3.50")));
    assert_eq!(unrounded.predikat, "Baik");
    assert_eq!(
        spbe()
            .score_with(&pacitan, PredicateBasis::Rounded)
            .unwrap()
            .predikat,
        "Sangat Baik"
    );

    // Kab. Boven Digoel 2023: domains 1.9, 1.6, 1.0, 2.17 (395/182) → 1.7995, shown 1.80,
    // predikat Cukup: the 2023 evaluation read it from the rounded index.
    let boven_digoel = spbe_levels(19, 16, 11, 25, 10);
    let rounded = spbe().score_with(&boven_digoel, PredicateBasis::Rounded).unwrap();
    assert_eq!((rounded.index, rounded.shown), (d("1.7995"), d("1.80")));
    assert_eq!(rounded.predikat, "Cukup");
    assert_eq!(
        spbe()
            .score_with(&boven_digoel, PredicateBasis::Unrounded)
            .unwrap()
            .predikat,
        "Kurang"
    );
}

#[test]
fn band_bounds_mean_min_inclusive_upper_exclusive_top_inclusive() {
    let s = spbe();
    let label = |v: &str| s.bands[s.band_of(d(v))].label.as_str();
    assert_eq!(label("1.0"), "Kurang");
    assert_eq!(label("1.7999"), "Kurang");
    assert_eq!(label("1.8"), "Cukup");
    assert_eq!(label("3.4999"), "Baik");
    assert_eq!(label("3.5"), "Sangat Baik");
    assert_eq!(label("4.2"), "Memuaskan");
    assert_eq!(label("5"), "Memuaskan");
    // Below the scale (level-0 indicators) → the lowest band.
    assert_eq!(label("0.3"), "Kurang");
    // Pemdi writes shared bounds (3.5–4.0, 4.0–5.0): the shared point is the higher band.
    let p = pemdi();
    let label = |v: &str| p.bands[p.band_of(d(v))].label.as_str();
    assert_eq!(label("4.0"), "Memuaskan");
    assert_eq!(label("3.9999"), "Sangat Baik");
    assert_eq!(label("2.5"), "Baik");
    assert_eq!(label("1.4999"), "Kurang");
    assert_eq!(label("1.5"), "Cukup");
}

#[test]
fn level_zero_is_scored() {
    let zeros = spbe().levels(&[0; 47]).unwrap();
    let score = spbe().score(&zeros).unwrap();
    assert_eq!(score.index, Exact::ZERO);
    assert_eq!(score.predikat, "Kurang");
}

#[test]
fn bad_level_lines_are_named() {
    let s = spbe();
    let ones = vec!["1"; 47].join(",");
    assert!(s.parse_levels(&ones).is_ok());
    assert!(s.parse_levels(&ones.replace(',', " , ")).is_ok());
    assert_eq!(s.parse_levels("  "), Err(LevelsError::Empty { expected: 47 }));
    assert_eq!(
        s.parse_levels("1,2,3"),
        Err(LevelsError::WrongCount { expected: 47, got: 3 })
    );
    let mut fields = vec!["3"; 47];
    fields[4] = "2.5";
    assert!(matches!(
        s.parse_levels(&fields.join(",")),
        Err(LevelsError::NotAnInteger { indicator: 5, .. })
    ));
    fields[4] = "";
    assert!(matches!(
        s.parse_levels(&fields.join(",")),
        Err(LevelsError::NotAnInteger { indicator: 5, .. })
    ));
    fields[4] = "-1";
    assert_eq!(
        s.parse_levels(&fields.join(",")),
        Err(LevelsError::OutOfRange {
            indicator: 5,
            level: -1,
            max: 5
        })
    );
    fields[4] = "99999999999999999999999";
    assert!(s.parse_levels(&fields.join(",")).is_err());
    assert!(s.levels(&[6; 47]).is_err());
}

fn weights_sum(instrument: &Instrument) -> Exact {
    instrument
        .indicators
        .iter()
        .fold(Exact::ZERO, |acc, i| acc.checked_add(i.weight).unwrap())
}

#[test]
fn weights_sum_to_100_and_parts_agree() {
    for id in Instrument::builtin_ids() {
        let inst = Instrument::builtin(id).unwrap().unwrap();
        assert_eq!(weights_sum(&inst), Exact::from_int(100), "{id}");
        for aspect in &inst.aspects {
            let sum = aspect.indicators.iter().fold(Exact::ZERO, |acc, &i| {
                acc.checked_add(inst.indicators[i].weight).unwrap()
            });
            assert_eq!(sum, aspect.weight, "{id} aspect {}", aspect.number);
        }
        for domain in &inst.domains {
            let sum = domain.aspects.iter().fold(Exact::ZERO, |acc, &a| {
                acc.checked_add(inst.aspects[a].weight).unwrap()
            });
            assert_eq!(sum, domain.weight, "{id} domain {}", domain.number);
        }
    }
}

fn any_instrument() -> impl Strategy<Value = Instrument> {
    prop_oneof![Just(spbe()), Just(pemdi())]
}

proptest! {
    #[test]
    fn raising_any_level_never_lowers_a_figure(
        inst in any_instrument(),
        seed in proptest::collection::vec(0u8..=5, 47),
        pick in 0usize..47,
    ) {
        let n = inst.indicators.len();
        let before: Vec<u8> = seed[..n].to_vec();
        let i = pick % n;
        prop_assume!(before[i] < 5);
        let mut after = before.clone();
        after[i] += 1;
        let a = inst.score(&inst.levels(&before).unwrap()).unwrap();
        let b = inst.score(&inst.levels(&after).unwrap()).unwrap();
        prop_assert!(b.index > a.index);
        prop_assert!(b.shown >= a.shown);
        prop_assert!(b.band >= a.band);
        for (x, y) in a.aspects.iter().zip(&b.aspects).chain(a.domains.iter().zip(&b.domains)) {
            prop_assert!(y.value >= x.value);
        }
    }

    #[test]
    fn index_is_the_weighted_mean_of_the_domains_and_of_the_aspects(
        inst in any_instrument(),
        seed in proptest::collection::vec(0u8..=5, 47),
    ) {
        let n = inst.indicators.len();
        let score = inst.score(&inst.levels(&seed[..n]).unwrap()).unwrap();
        let mean = |parts: &[(Exact, Exact)]| {
            let num = parts.iter().fold(Exact::ZERO, |acc, (w, v)| acc.checked_add(w.checked_mul(*v).unwrap()).unwrap());
            num.checked_div(Exact::from_int(100)).unwrap()
        };
        let aspects: Vec<_> = inst.aspects.iter().zip(&score.aspects).map(|(a, s)| (a.weight, s.value)).collect();
        prop_assert_eq!(mean(&aspects), score.index);
        if !inst.domains.is_empty() {
            let domains: Vec<_> = inst.domains.iter().zip(&score.domains).map(|(d, s)| (d.weight, s.value)).collect();
            prop_assert_eq!(mean(&domains), score.index);
        }
        // The index terminates (weights are decimals summing to 100).
        prop_assert!(score.index.decimal_places().is_some());
    }
}
