//! The SPBE index: evaluation instruments as data, exact scoring, and the improvement planner.
//!
//! An instrument (Indeks SPBE of PermenPANRB 59/2020, Indeks Pemerintah Digital 2026, or an
//! imported one) is JSON data: optional domains → aspects → indicators with weights, level
//! scales with criteria, predicate bands, rounding. The shipped files live in
//! `crates/wadah-domain/instruments/` (copies of `shared/spbe/`) and are embedded at compile time;
//! this module does no I/O.
//!
//! # The formula
//!
//! Each indicator *i* has a weight `BI_i` and a level `NI_i`, an integer 0..=5 (0: nothing in
//! place; official results contain it). Every figure is a weighted mean:
//!
//! ```text
//! aspect  IA_a = Σ_{i∈a} BI_i·NI_i / Σ_{i∈a} BI_i
//! domain  ID_d = Σ_{a∈d} BA_a·IA_a / Σ_{a∈d} BA_a   (= Σ_{i∈d} BI_i·NI_i / BD_d)
//! index   I    = Σ_d BD_d·ID_d / Σ_d BD_d        (= Σ_i BI_i·NI_i / 100)
//! ```
//!
//! The index is computed from the *unrounded* aspect and domain values (exact fractions, see
//! [`exact`]) and shown rounded **half-up** to 2 decimals (4.7650 → 4.77; half-even or
//! truncation give 4.76, which the published results refute).
//!
//! **Worked example** (Indeks SPBE 2020; weights 1.3 for indicators 1–10, 2.5 for 11–20, 1.5
//! for 21–31, 2.75 for 32–41, 3.0 for 42–47). Levels: indicators 1–4 at 4 and 5–10 at 3; 11–31
//! at 3; 32–37 at 5 and 38–41 at 4; 42–46 at 2 and 47 at 1.
//! - Aspect 2 (*Perencanaan Strategis*, 11–14): 2.5·(3+3+3+3) / 10 = **3.00**.
//! - Domain 1 (*Kebijakan Internal*, one aspect, 1–10): 1.3·34 / 13 = **3.40**.
//! - Index: (1.3·34 + 2.5·30 + 1.5·33 + 2.75·46 + 3·11) / 100 = 328.2 / 100 = **3.282**, shown
//!   3.28, predicate *Baik*. (The test `worked_example` checks these numbers.)
//!
//! # Predicate bands and basis
//!
//! A band is `min ≤ v < upper`, and the top band `min ≤ v ≤ max_level`. The 2020 file writes
//! `max_exclusive` for the upper bound of the lower bands and `max: 5.0` for the top one; the
//! Pemdi file writes `max` everywhere, with each band's `max` equal to the next band's `min` — the
//! shared point belongs to the higher band (`min` is always inclusive), so 4.0 is *Memuaskan*.
//! On load the bands must run from 1 to the highest level without gap or overlap. An index
//! below 1 (only possible with level-0 indicators) gets the lowest band.
//!
//! The predicate is read from the unrounded index by default — the 2024 practice (Kab. Pacitan
//! 3.4985, shown 3.50, *Baik*) — or from the rounded one, the 2023 practice (Kab. Boven Digoel
//! 1.7995, shown 1.80, *Cukup*): [`PredicateBasis`], set per instrument with
//! `"predicate_basis": "rounded"` and overridable per call. `"rounding": {"places": N}` changes
//! the shown decimals (default 2).
//!
//! # Layout
//!
//! - [`exact`] — the exact rational type and its decimal text forms.
//! - `format.rs` / `validate.rs` / `bands.rs` — the file format and the checks on load.
//! - [`instrument`] — the checked model, the shipped instruments.
//! - [`score`] — level vectors and scoring.
//! - [`report`] — the JSON line `wadah index score` writes.
//! - [`plan`] — the cheapest raises to a target (exact knapsack).
//! - [`assessment`], [`assessment_policy`], [`evidence_file`] — a government's assessment: claims,
//!   evidence, workflow, who may do what, and the checks on uploaded files.
//! - [`plan_roadmap`] — a plan's raises as roadmap items of the architecture's Peta Rencana.
//! - [`results`], [`published`] — an assessment's figures, history and peers (from the
//!   published 2023/2024 results).

pub mod assessment;
pub mod assessment_policy;
mod bands;
pub mod crosswalk;
pub mod evidence_file;
pub mod exact;
mod format;
pub mod instrument;
pub mod plan;
pub mod plan_roadmap;
pub mod published;
pub mod report;
pub mod results;
pub mod score;
pub mod suggest;
mod validate;

pub use exact::Exact;
pub use instrument::{Instrument, InstrumentError};
pub use plan::{CostTable, Plan, PlanError, Raise, StepCost, Target};
pub use report::{LineError, ScoreReport};
pub use score::{Levels, LevelsError, PredicateBasis, Score};
pub use validate::{MAX_INDICATORS, MAX_LEVEL, MAX_WEIGHT_DECIMALS};
