//! The planner's form: its fields (target, rupiah and months per level step, indicators to
//! leave alone), reading what was typed (thousands separators allowed) into the API's
//! `PlanRequest`, and the default RPJMD period for the roadmap items.

use std::collections::HashMap;

use crate::api::assessments::plan::{PlanRequest, StepCostSpec, default_step_costs};
use crate::console::view::Field;
use crate::portal::Lang;

/// The names of the rupiah and months fields of the step `l → l+1`.
pub(super) fn cost_names(l: u8) -> (String, String) {
    (format!("rupiah_{l}"), format!("bulan_{l}"))
}

/// Digits with the separators people type (`25.000.000`, `25,000,000`, `25 000 000`).
pub(super) fn amount<T: std::str::FromStr>(raw: &str) -> Option<T> {
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' ' | '_'))
        .collect();
    digits.parse().ok()
}

/// The plan form's fields, as typed (or the defaults).
pub(super) fn plan_fields(lang: Lang, max: u8, v: &HashMap<String, String>) -> Vec<Field> {
    let get = |k: &str, d: String| v.get(k).cloned().unwrap_or(d);
    let mut out = vec![
        Field::new(
            "target",
            lang.t("console-plan-target"),
            "text",
            get("target", "Sangat Baik".to_owned()),
        )
        .required()
        .max(100)
        .hint(lang.t("console-plan-target-hint")),
    ];
    for (l, d) in (0..max).zip(default_step_costs(max)) {
        let (r, m) = cost_names(l);
        let step = [("from", l.to_string()), ("to", (l + 1).to_string())];
        let args: Vec<(&'static str, &str)> = step.iter().map(|(k, s)| (*k, s.as_str())).collect();
        out.push(
            Field::new(
                &r,
                lang.t_args("console-plan-rupiah", &args),
                "text",
                get(&r, d.rupiah.to_string()),
            )
            .max(30),
        );
        out.push(Field::new(
            &m,
            lang.t_args("console-plan-months", &args),
            "number",
            get(&m, d.months.to_string()),
        ));
    }
    out.push(
        Field::new(
            "kecuali",
            lang.t("console-plan-exclude"),
            "text",
            get("kecuali", String::new()),
        )
        .max(300)
        .hint(lang.t("console-plan-exclude-hint")),
    );
    out
}

/// The API request of the form's values, or the field that is wrong.
pub(super) fn request(max: u8, v: &HashMap<String, String>) -> Result<PlanRequest, &'static str> {
    // A cost left out of the address (`?target=Sangat+Baik` alone) is the default; one typed
    // but unreadable is the person's to fix.
    let mut steps = Vec::new();
    for (l, default) in (0..max).zip(default_step_costs(max)) {
        let (r, m) = cost_names(l);
        let rupiah = match v.get(&r) {
            None => default.rupiah,
            Some(s) => amount::<u64>(s).ok_or("rupiah")?,
        };
        let months = match v.get(&m) {
            None => default.months,
            Some(s) => amount::<u32>(s).ok_or("bulan")?,
        };
        steps.push(StepCostSpec { rupiah, months });
    }
    let exclude = v
        .get("kecuali")
        .map(String::as_str)
        .unwrap_or("")
        .split([',', ' ', ';'])
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().parse::<u32>().map_err(|_| "kecuali"))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(PlanRequest {
        target: v.get("target").cloned().unwrap_or_default(),
        step_costs: Some(steps),
        exclude,
    })
}

/// The five-year RPJMD period holding `year` (the cycle that began in 2025).
pub(super) fn rpjmd_period(year: u16) -> String {
    let first = 2025 + (year.saturating_sub(2025) / 5) * 5;
    format!("{first}-{}", first + 4)
}
