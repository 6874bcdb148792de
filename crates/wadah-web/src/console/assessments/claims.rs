//! One indicator of an assessment (its criteria per level, its evidence, and the one form the
//! person's role and the workflow state allow: the claim for the platform admin in draft, the
//! evaluation for the evaluator once submitted) and the workflow moves.
//!
//! Forms become the API's own request bodies and go to its handlers with the version the page
//! was shown at; a refusal comes back next to its field with what was typed kept.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use wadah_domain::index::Instrument;
use wadah_domain::index::assessment::{
    Assessment, AssessmentStatus, ClaimSpec, EvaluationSpec, EvidenceItem, EvidenceSource,
};
use wadah_domain::index::assessment_policy::{AssessmentAction, may};

use super::page::{load, max_level, view};
use super::{checked_id, href};
use crate::api;
use crate::codes::ErrorCode;
use crate::console::Ctx;
use crate::console::view::{Fact, Field, Frame, Link, render};
use crate::error::ApiError;
use crate::extract;
use crate::portal::Lang;
use crate::session::{FormData, Posted};
use crate::state::AppState;

/// Which form an indicator page carries.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Claim,
    Evaluate,
    ReadOnly,
}

fn mode(ctx: &Ctx, status: AssessmentStatus) -> Mode {
    let p = &ctx.who.principal;
    if status == AssessmentStatus::Draft && may(p, AssessmentAction::Edit) {
        Mode::Claim
    } else if status == AssessmentStatus::Submitted && may(p, AssessmentAction::Evaluate) {
        Mode::Evaluate
    } else {
        Mode::ReadOnly
    }
}

#[derive(Template)]
#[template(path = "console/indicator.html")]
pub(super) struct IndicatorPage {
    frame: Frame,
    heading: String,
    back: Link,
    facts: Vec<Fact>,
    /// (level, name, criteria) per level.
    criteria: Vec<(u8, String, String)>,
    evidence: Vec<EvidenceLine>,
    /// The form, when the person may change something now.
    action: Option<String>,
    csrf: String,
    version: i64,
    fields: Vec<Field>,
    error: Option<String>,
    /// The form adding a link as evidence (claim mode only).
    pub(super) link_action: Option<String>,
    pub(super) link_fields: Vec<Field>,
    pub(super) link_error: Option<String>,
    /// The form uploading a file as evidence (claim mode only).
    pub(super) upload_action: Option<String>,
    pub(super) upload_fields: Vec<Field>,
    pub(super) upload_error: Option<String>,
}

/// One evidence item as listed: what it is, and for a file its download link under the
/// console session and its size and SHA-256.
pub(super) struct EvidenceLine {
    text: String,
    download: Option<String>,
    file: Option<String>,
}

fn evidence_line(lang: Lang, id: &str, e: &EvidenceItem) -> EvidenceLine {
    let levels = e.levels.iter().map(u8::to_string).collect::<Vec<_>>().join(", ");
    let levels = format!("({} {levels})", lang.t("console-index-levels"));
    match &e.source {
        EvidenceSource::Link { title, url } => EvidenceLine {
            text: format!("{title} — {} {levels}", url.as_str()),
            download: None,
            file: None,
        },
        EvidenceSource::File(f) => EvidenceLine {
            text: format!("{} {levels}", f.name),
            download: Some(format!(
                "{}/berkas/{}",
                href(id),
                crate::portal::layout::encode_component(&f.sha256)
            )),
            file: Some(format!(
                "{} {} · SHA-256 {}",
                super::evidence::size_text(lang, f.size),
                lang.t("console-index-file-bytes"),
                f.sha256
            )),
        },
        EvidenceSource::Platform { facts } => EvidenceLine {
            text: format!("{} {levels}", facts.join("; ")),
            download: None,
            file: None,
        },
    }
}

impl IndicatorPage {
    fn has_errors(&self) -> bool {
        self.error.is_some()
            || self.fields.iter().any(|f| f.error.is_some())
            || self.upload_fields.iter().any(|f| f.error.is_some())
    }
}

fn level_options(lang: Lang, instrument: &Instrument, position: usize) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), lang.t("console-index-no-level"))];
    for level in 0..=instrument.max_level {
        let name = instrument.level_name(position, level).unwrap_or("");
        let label = if name.is_empty() {
            level.to_string()
        } else {
            format!("{level} · {name}")
        };
        out.push((level.to_string(), label));
    }
    out
}

/// The form's fields with `values` (level, text, person) as shown or typed.
fn fields(lang: Lang, m: Mode, options: Vec<(String, String)>, values: [&str; 3]) -> Vec<Field> {
    let [level, text, person] = values;
    match m {
        Mode::Claim => vec![
            Field::new("claimed_level", lang.t("spbe-report-claimed"), "select", level).options(options),
            Field::new(
                "justification",
                lang.t("console-index-justification"),
                "textarea",
                text,
            )
            .max(4000),
            Field::new("responsible", lang.t("console-index-responsible"), "text", person).max(300),
        ],
        Mode::Evaluate => vec![
            Field::new("level", lang.t("console-index-evaluator-level"), "select", level).options(options),
            Field::new("notes", lang.t("console-index-notes"), "textarea", text).max(4000),
        ],
        Mode::ReadOnly => Vec::new(),
    }
}

pub(super) fn page(ctx: &Ctx, a: &Assessment, number: u32, form: Option<&FormData>) -> Option<IndicatorPage> {
    let lang = ctx.lang;
    let instrument = wadah_domain::index::assessment::load_instrument(&a.spec.instrument).ok()?;
    let position = instrument.indicators.iter().position(|i| i.number == number)?;
    let ind = &instrument.indicators[position];
    let entry = a.entry(number).ok()?;
    let m = mode(ctx, a.status);
    let shown = |l: Option<u8>| l.map(|l| l.to_string()).unwrap_or_default();
    let stored = match m {
        Mode::Evaluate => [
            shown(entry.evaluator_level),
            entry.evaluator_notes.as_str().to_owned(),
            String::new(),
        ],
        _ => [
            shown(entry.claimed_level),
            entry.justification.as_str().to_owned(),
            entry.responsible.as_str().to_owned(),
        ],
    };
    let names = match m {
        Mode::Evaluate => ["level", "notes", ""],
        _ => ["claimed_level", "justification", "responsible"],
    };
    let values: Vec<String> = match form {
        Some(f) => names.iter().map(|n| f.get(n).to_owned()).collect(),
        None => stored.to_vec(),
    };
    let heading = format!("{number}. {}", ind.name);
    let mut facts = vec![
        Fact::new(lang.t("spbe-report-claimed"), shown(entry.claimed_level)),
        Fact::new(
            lang.t("console-index-justification"),
            entry.justification.as_str(),
        ),
        Fact::new(lang.t("console-index-responsible"), entry.responsible.as_str()),
        Fact::new(lang.t("spbe-report-evaluator"), shown(entry.evaluator_level)),
    ];
    if let Some(explanation) = &ind.explanation {
        facts.insert(
            0,
            Fact::new(lang.t("console-index-explanation"), explanation.clone()),
        );
    }
    let missing = entry.missing_evidence();
    if !missing.is_empty() {
        let text = missing.iter().map(u8::to_string).collect::<Vec<_>>().join(", ");
        facts.push(Fact::new(lang.t("spbe-report-missing"), text));
    }
    Some(IndicatorPage {
        frame: ctx.frame(heading.clone()),
        heading,
        back: Link::new(href(&a.id), lang.t("console-index-back")),
        facts,
        criteria: ind
            .criteria
            .iter()
            .map(|(l, c)| {
                (
                    *l,
                    instrument.level_name(position, *l).unwrap_or("").to_owned(),
                    c.clone(),
                )
            })
            .collect(),
        evidence: entry
            .evidence
            .iter()
            .map(|e| evidence_line(lang, &a.id, e))
            .collect(),
        action: (m != Mode::ReadOnly).then(|| format!("{}/indikator/{number}", href(&a.id))),
        csrf: ctx.who.csrf_token().to_owned(),
        version: a.meta.version,
        fields: fields(
            lang,
            m,
            level_options(lang, &instrument, position),
            [&values[0], &values[1], values.get(2).map_or("", String::as_str)],
        ),
        error: None,
        link_action: (m == Mode::Claim).then(|| format!("{}/indikator/{number}/tautan", href(&a.id))),
        link_fields: super::evidence::link_fields(lang, ["", "", ""]),
        link_error: None,
        upload_action: (m == Mode::Claim).then(|| format!("{}/indikator/{number}/berkas", href(&a.id))),
        upload_fields: super::evidence::upload_fields(lang, ""),
        upload_error: None,
    })
}

fn number_of(raw: &str) -> Option<u32> {
    raw.parse().ok().filter(|n| (1..=1000).contains(n))
}

/// `GET /console/indeks/{id}/indikator/{number}`.
pub async fn indicator(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, String)>,
) -> Response {
    let (Some(id), Some(number)) = (checked_id(&id), number_of(&number)) else {
        return ctx.not_found();
    };
    let a = match api::assessments::get_assessment(State(state), ctx.who.caller(), extract::Path(id)).await {
        Ok(t) => t.into_parts().1.assessment,
        Err(e) => return ctx.fail(&e),
    };
    match page(&ctx, &a, number, None) {
        Some(p) => render(StatusCode::OK, &p),
        None => ctx.not_found(),
    }
}

/// An optional level as typed: empty is "no level"; anything else must be a small integer
/// (the domain checks the range).
fn level_value(raw: &str) -> Result<serde_json::Value, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(serde_json::Value::Null);
    }
    raw.parse::<u8>().map(serde_json::Value::from).map_err(|_| ())
}

/// `POST /console/indeks/{id}/indikator/{number}`: the claim or the evaluation.
pub async fn save_indicator(
    State(state): State<AppState>,
    lang: Lang,
    Path((id, number)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(
        &posted.who,
        lang,
        format!("/console/indeks/{id}/indikator/{number}"),
    );
    let (Some(id), Some(number)) = (checked_id(&id), number_of(&number)) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let a = match api::assessments::get_assessment(
        State(state.clone()),
        caller.clone(),
        extract::Path(id.clone()),
    )
    .await
    {
        Ok(t) => t.into_parts().1.assessment,
        Err(e) => return ctx.fail(&e),
    };
    let form = &posted.form;
    let version = form.get("versi").parse().unwrap_or(a.meta.version);
    let m = mode(&ctx, a.status);
    let again = |field: Option<&str>, message: String| -> Response {
        let Some(mut p) = page(&ctx, &a, number, Some(form)) else {
            return ctx.not_found();
        };
        p.version = version;
        match p.fields.iter_mut().find(|f| Some(f.name.as_str()) == field) {
            Some(f) => f.error = Some(message),
            None => p.error = Some(message),
        }
        render(StatusCode::UNPROCESSABLE_ENTITY, &p)
    };
    let level_field = if m == Mode::Evaluate {
        "level"
    } else {
        "claimed_level"
    };
    let Ok(level) = level_value(form.get(level_field)) else {
        return again(Some(level_field), lang.t("console-index-invalid-level"));
    };
    let path = extract::Path((id.clone(), number));
    let outcome = match m {
        Mode::Claim => {
            let body = json!({"claimed_level": level, "justification": form.get("justification").trim(),
                              "responsible": form.get("responsible").trim()});
            match serde_path_to_error::deserialize::<_, ClaimSpec>(body) {
                Ok(spec) => {
                    api::assessments::set_claim(
                        State(state),
                        caller,
                        path,
                        extract::IfMatch(version),
                        extract::Json(spec),
                    )
                    .await
                }
                Err(e) => Err(ApiError::validation(e.path().to_string(), e.inner().to_string())),
            }
        }
        Mode::Evaluate => {
            let body = json!({"level": level, "notes": form.get("notes").trim()});
            match serde_path_to_error::deserialize::<_, EvaluationSpec>(body) {
                Ok(spec) => {
                    api::assessments::set_evaluation(
                        State(state),
                        caller,
                        path,
                        extract::IfMatch(version),
                        extract::Json(spec),
                    )
                    .await
                }
                Err(e) => Err(ApiError::validation(e.path().to_string(), e.inner().to_string())),
            }
        }
        Mode::ReadOnly => Err(caller.denied("change this indicator")),
    };
    match outcome {
        Ok(_) => Redirect::to(&format!("{}#indikator-{number}", href(&id))).into_response(),
        Err(e) if e.code() == ErrorCode::ValidationFailed => {
            let field = e.problem().field.unwrap_or_default();
            let field = field.split(['.', '[']).next().unwrap_or_default().to_owned();
            let message = lang
                .try_t(&format!("console-index-invalid-{field}"))
                .unwrap_or_else(|| lang.t("console-invalid"));
            again(Some(&field), message)
        }
        Err(e) if e.code() == ErrorCode::StaleVersion => again(None, lang.t("console-stale-text")),
        Err(e) => ctx.fail(&e),
    }
}

/// `POST /console/indeks/{id}/status`: `ke` (the state to move to), `versi`.
pub async fn move_to(
    State(state): State<AppState>,
    lang: Lang,
    Path(id): Path<String>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, format!("/console/indeks/{id}"));
    let Some(id) = checked_id(&id) else {
        return ctx.not_found();
    };
    let Ok(spec) = serde_json::from_value::<api::assessments::MoveSpec>(json!({"to": posted.form.get("ke")}))
    else {
        return ctx.fail(&ApiError::invalid_query("ke"));
    };
    let Ok(version) = posted.form.get("versi").parse::<i64>() else {
        return ctx.fail(&ApiError::invalid_query("versi"));
    };
    let moved = api::assessments::move_assessment(
        State(state.clone()),
        ctx.who.caller(),
        extract::Path(id.clone()),
        extract::IfMatch(version),
        extract::Json(spec),
    )
    .await;
    let refusal = match moved {
        Ok(_) => return Redirect::to(&href(&id)).into_response(),
        Err(e)
            if matches!(
                e.code(),
                ErrorCode::AssessmentIncomplete | ErrorCode::StaleVersion
            ) =>
        {
            e
        }
        Err(e) => return ctx.fail(&e),
    };
    // Show the assessment again with why the move was refused (which indicators, say).
    match load(&state, &ctx, id).await {
        Ok((a, r)) => {
            let max = max_level(&a);
            let mut p = view(&ctx, &a, r, max);
            let key = if refusal.code() == ErrorCode::StaleVersion {
                "console-stale-text"
            } else {
                "console-index-move-incomplete"
            };
            p.notice = Some(format!("{} {}", lang.t(key), refusal.problem().detail));
            render(refusal.code().status(), &p)
        }
        Err(e) => ctx.fail(&e),
    }
}
