//! The improvement planner: the cheapest set of level raises that reaches a target index or
//! predicate, found exactly.
//!
//! Levels are cumulative, so raising an indicator from 2 to 4 costs the step 2→3 plus the step
//! 3→4. Each indicator therefore offers a few choices (stay, or go up to any level whose steps
//! all have a cost), each adding `units · Δlevel` to the integer weighted sum `N` behind the
//! index (`index = N / total_units`). The target becomes the least `N*` whose index reaches it
//! on the instrument's predicate basis (found by binary search with the scorer's own rounding),
//! and the problem is a multiple-choice knapsack: cover the gain `N* − N` at least cost. It is
//! solved by dynamic programming over the gain (in units of the weights' common divisor, capped
//! at the need), which is exact — not a greedy ranking of "gain per rupiah".
//!
//! Among plans of equal rupiah cost the one with fewer total months wins, then the one with
//! fewer level steps; remaining ties go to the plan found first when indicators are taken in
//! number order (deterministic). Months add up: they are effort, not calendar time in parallel.

use super::exact::Exact;
use super::instrument::Instrument;
use super::score::{Levels, PredicateBasis, Score};

/// The DP table may hold at most this many cells (indicators × gain states).
pub const MAX_DP_CELLS: usize = 10_000_000;
/// The most a single step may cost (1 000 trillion rupiah), so totals never overflow.
pub const MAX_STEP_RUPIAH: u64 = 1_000_000_000_000_000;
pub const MAX_STEP_MONTHS: u32 = 1200;

/// The effort of one level step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StepCost {
    pub rupiah: u64,
    pub months: u32,
}

/// Step costs per indicator: `steps[i][l]` is the cost of raising indicator `i` from level `l`
/// to `l + 1`; `None` means that step is not available (the planner will not take it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostTable {
    steps: Vec<Vec<Option<StepCost>>>,
}

/// What to reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An index value, compared with the index on the predicate basis (rounded or not).
    Index(Exact),
    /// A predicate label: reached when the predicate is this band or a higher one.
    Predicate(String),
}

/// One chosen raise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raise {
    pub indicator: u32,
    pub from: u8,
    pub to: u8,
    pub rupiah: u64,
    pub months: u64,
}

/// The cheapest plan and where it leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub raises: Vec<Raise>,
    pub total_rupiah: u64,
    pub total_months: u64,
    pub total_steps: u32,
    pub levels: Levels,
    pub score: Score,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("the cost table has {got} indicators; the instrument has {expected}")]
    CostCount { expected: usize, got: usize },
    #[error("indicator {indicator}: {problem}")]
    Cost { indicator: usize, problem: String },
    #[error("{0:?} is not a predicate of this instrument")]
    UnknownPredicate(String),
    #[error(
        "the target {target} is unreachable: every step the cost table allows gives at most {best} ({predikat})"
    )]
    Unreachable {
        target: String,
        best: String,
        predikat: String,
    },
    #[error("the weights are too fine-grained to plan exactly within the size limit")]
    TooLarge,
    #[error("the score does not fit the exact arithmetic")]
    Overflow,
}

impl CostTable {
    /// Checks a table for `instrument`: one row per indicator, each `max_level` steps long
    /// (entry `l` is the step `l → l+1`), costs within limits.
    pub fn new(instrument: &Instrument, steps: Vec<Vec<Option<StepCost>>>) -> Result<Self, PlanError> {
        if steps.len() != instrument.indicators.len() {
            return Err(PlanError::CostCount {
                expected: instrument.indicators.len(),
                got: steps.len(),
            });
        }
        for (i, row) in steps.iter().enumerate() {
            let cost_err = |problem: String| PlanError::Cost {
                indicator: i + 1,
                problem,
            };
            if row.len() != usize::from(instrument.max_level) {
                return Err(cost_err(format!(
                    "{} steps given; expected {} (0→1 … {}→{})",
                    row.len(),
                    instrument.max_level,
                    instrument.max_level - 1,
                    instrument.max_level
                )));
            }
            for step in row.iter().flatten() {
                if step.rupiah > MAX_STEP_RUPIAH || step.months > MAX_STEP_MONTHS {
                    return Err(cost_err(format!(
                        "a step may cost at most {MAX_STEP_RUPIAH} rupiah and {MAX_STEP_MONTHS} months"
                    )));
                }
            }
        }
        Ok(Self { steps })
    }

    /// The same cost for every step of every indicator (a starting point to edit).
    pub fn uniform(instrument: &Instrument, cost: StepCost) -> Result<Self, PlanError> {
        let row = vec![Some(cost); usize::from(instrument.max_level)];
        Self::new(instrument, vec![row; instrument.indicators.len()])
    }

    pub fn step(&self, indicator: usize, from: u8) -> Option<StepCost> {
        self.steps
            .get(indicator)?
            .get(usize::from(from))
            .copied()
            .flatten()
    }
}

/// Cost of a plan, compared lexicographically: rupiah, then months, then steps.
type Key = (u64, u64, u32);

/// One way to treat an indicator: go to `to`, gaining `gain` reduced units at `key`.
#[derive(Debug, Clone, Copy)]
struct Choice {
    to: u8,
    gain: usize,
    key: Key,
}

impl Instrument {
    /// The cheapest raises from `current` that reach `target`, read on `basis`.
    pub fn plan(
        &self,
        current: &Levels,
        target: &Target,
        costs: &CostTable,
        basis: PredicateBasis,
    ) -> Result<Plan, PlanError> {
        let levels = current.as_slice();
        let have: i128 = self.weighted_sum(levels).ok_or(PlanError::Overflow)?;
        let need = self.least_sum_reaching(target, basis)?;
        let divisor = self.indicators.iter().fold(0i128, |g, i| gcd(g, i.units)).max(1);
        // Gain still needed, in units of the common divisor (rounded up).
        let missing = usize::try_from(((need - have).max(0) + divisor - 1) / divisor)
            .map_err(|_| PlanError::TooLarge)?;
        let choices = self.choices(levels, costs, divisor)?;
        let cells = missing
            .checked_add(1)
            .and_then(|states| states.checked_mul(self.indicators.len()))
            .ok_or(PlanError::TooLarge)?;
        if cells > MAX_DP_CELLS {
            return Err(PlanError::TooLarge);
        }
        let picks =
            knapsack(&choices, missing).ok_or_else(|| self.unreachable(levels, target, costs, basis))?;
        self.plan_from(levels, &picks, costs, basis)
    }

    fn weighted_sum(&self, levels: &[u8]) -> Option<i128> {
        self.indicators
            .iter()
            .zip(levels)
            .try_fold(0i128, |acc, (ind, &l)| {
                acc.checked_add(ind.units.checked_mul(i128::from(l))?)
            })
    }

    /// Whether an index reaches the target on `basis`.
    fn reaches(&self, index: Exact, target: &Target, basis: PredicateBasis) -> Result<bool, PlanError> {
        let value = match basis {
            PredicateBasis::Unrounded => index,
            PredicateBasis::Rounded => index.round_half_up(self.places).ok_or(PlanError::Overflow)?,
        };
        Ok(match target {
            Target::Index(t) => value >= *t,
            Target::Predicate(label) => {
                let wanted = self
                    .band_by_label(label)
                    .ok_or_else(|| PlanError::UnknownPredicate(label.clone()))?;
                self.band_of(value) >= wanted
            }
        })
    }

    /// The least weighted sum whose index reaches the target (monotone, so binary search);
    /// beyond the maximum when no levels can reach it.
    fn least_sum_reaching(&self, target: &Target, basis: PredicateBasis) -> Result<i128, PlanError> {
        let top = self.total_units * i128::from(self.max_level);
        let at = |n: i128| -> Result<bool, PlanError> {
            let index = Exact::new(n, self.total_units).ok_or(PlanError::Overflow)?;
            self.reaches(index, target, basis)
        };
        if !at(top)? {
            return Ok(top + 1);
        }
        let (mut lo, mut hi) = (-1i128, top); // at(lo) false (or below range), at(hi) true
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if mid >= 0 && at(mid)? {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Ok(hi)
    }

    fn choices(
        &self,
        levels: &[u8],
        costs: &CostTable,
        divisor: i128,
    ) -> Result<Vec<Vec<Choice>>, PlanError> {
        let mut all = Vec::with_capacity(levels.len());
        for (i, (ind, &from)) in self.indicators.iter().zip(levels).enumerate() {
            let unit_gain = usize::try_from(ind.units / divisor).map_err(|_| PlanError::TooLarge)?;
            let mut options = vec![Choice {
                to: from,
                gain: 0,
                key: (0, 0, 0),
            }];
            let mut key: Key = (0, 0, 0);
            for to in from + 1..=self.max_level {
                let Some(step) = costs.step(i, to - 1) else { break };
                key = (key.0 + step.rupiah, key.1 + u64::from(step.months), key.2 + 1);
                let gain = unit_gain
                    .checked_mul(usize::from(to - from))
                    .ok_or(PlanError::TooLarge)?;
                options.push(Choice { to, gain, key });
            }
            all.push(options);
        }
        Ok(all)
    }

    fn plan_from(
        &self,
        levels: &[u8],
        picks: &[u8],
        costs: &CostTable,
        basis: PredicateBasis,
    ) -> Result<Plan, PlanError> {
        let mut raises = Vec::new();
        for (i, (&from, &to)) in levels.iter().zip(picks).enumerate() {
            if to == from {
                continue;
            }
            let (mut rupiah, mut months) = (0u64, 0u64);
            for l in from..to {
                let step = costs.step(i, l).ok_or(PlanError::Overflow)?;
                rupiah += step.rupiah;
                months += u64::from(step.months);
            }
            raises.push(Raise {
                indicator: self.indicators[i].number,
                from,
                to,
                rupiah,
                months,
            });
        }
        let new_levels = self.levels(picks).map_err(|_| PlanError::Overflow)?;
        let score = self
            .score_with(&new_levels, basis)
            .map_err(|_| PlanError::Overflow)?;
        Ok(Plan {
            total_rupiah: raises.iter().map(|r| r.rupiah).sum(),
            total_months: raises.iter().map(|r| r.months).sum(),
            total_steps: raises.iter().map(|r| u32::from(r.to - r.from)).sum(),
            raises,
            levels: new_levels,
            score,
        })
    }

    fn unreachable(
        &self,
        levels: &[u8],
        target: &Target,
        costs: &CostTable,
        basis: PredicateBasis,
    ) -> PlanError {
        let best: Vec<u8> = levels
            .iter()
            .enumerate()
            .map(|(i, &from)| {
                (from..self.max_level)
                    .take_while(|&l| costs.step(i, l).is_some())
                    .count() as u8
                    + from
            })
            .collect();
        let score = self
            .levels(&best)
            .ok()
            .and_then(|l| self.score_with(&l, basis).ok());
        PlanError::Unreachable {
            target: match target {
                Target::Index(t) => t.to_decimal_string(self.places),
                Target::Predicate(p) => p.clone(),
            },
            best: score
                .as_ref()
                .map_or_else(String::new, |s| s.index.to_decimal_string(self.places)),
            predikat: score.map_or_else(String::new, |s| s.predikat),
        }
    }
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.abs()
}

/// Multiple-choice knapsack, "cover at least `need`": after indicator `i`, `best[g]` is the
/// cheapest key reaching gain `min(g, need)`, and `back[i][g]` the state before it and the
/// choice taken, so the plan is read back from `need`. Returns each indicator's target level,
/// or `None` if `need` cannot be covered.
fn knapsack(choices: &[Vec<Choice>], need: usize) -> Option<Vec<u8>> {
    let mut best: Vec<Option<Key>> = vec![None; need + 1];
    best[0] = Some((0, 0, 0));
    let mut back: Vec<Vec<(u32, u8)>> = Vec::with_capacity(choices.len());
    for options in choices {
        let mut next: Vec<Option<Key>> = vec![None; need + 1];
        let mut from = vec![(0u32, 0u8); need + 1];
        for (g, key) in best.iter().enumerate() {
            let Some(key) = key else { continue };
            for (c, choice) in options.iter().enumerate() {
                let to = (g + choice.gain).min(need);
                let total = (key.0 + choice.key.0, key.1 + choice.key.1, key.2 + choice.key.2);
                // Strictly better only: on a tie the earlier (lower state, smaller raise) stays.
                if next[to].is_none_or(|old| total < old) {
                    next[to] = Some(total);
                    from[to] = (u32::try_from(g).ok()?, u8::try_from(c).ok()?);
                }
            }
        }
        best = next;
        back.push(from);
    }
    best[need]?;
    let mut chosen = vec![0u8; choices.len()];
    let mut g = need;
    for (i, options) in choices.iter().enumerate().rev() {
        let (prev, c) = back[i][g];
        chosen[i] = options[usize::from(c)].to;
        g = prev as usize;
    }
    Some(chosen)
}
