//! The architecture exchange page (`/console/arsitektur/pertukaran`): download the XLSX
//! inventory workbook, the ArchiMate file or Archi's CSV files for what the person may read;
//! upload a filled workbook, CSV files (a zip, or the three files at once) or an ArchiMate file,
//! read the per-row report of a dry run, then confirm the import.
//!
//! Every step calls the API's handlers ([`crate::api::architecture::exchange`]) with the
//! session's caller, so the scoping is the API's: the platform admin imports for the whole
//! city, an agency admin only into its own agency, everyone else only downloads.
//!
//! The upload is `multipart/form-data`, same-origin and CSRF-checked like every console form
//! (the token is a form field, checked before the file is looked at), at most
//! [`MAX_UPLOAD_BYTES`] on this route only. Between the dry run and the confirmation the file
//! waits in this node's memory (a few per node, half an hour, bound to the person who sent it);
//! a confirmation that reaches another node, or comes later, asks for the file again.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use askama::Template;
use axum::Router;
use axum::extract::{
    DefaultBodyLimit, FromRequest, FromRequestParts, Multipart, Path, Query, Request, State,
};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use wadah_domain::Code;
use wadah_domain::architecture::Period;
use wadah_exchange::{RowStatus, csv::zip_files};

use super::Ctx;
use super::view::{Cell, Fact, Field, Frame, Link, Table, render};
use crate::api::architecture::exchange::{
    self, Format, ImportResult, MAX_UPLOAD_BYTES, import_scope, run_import,
};
use crate::error::ApiError;
use crate::extract;
use crate::portal::Lang;
use crate::session::{Posted, SessionRejection, SignedIn, csrf};
use crate::state::AppState;

const PAGE: &str = "/console/arsitektur/pertukaran";
const DEFAULT_PERIOD: &str = "2025-2029";
/// Most rows the report table shows (rejected and skipped rows first).
const MAX_SHOWN_ROWS: usize = 500;
/// Uploads waiting for their confirmation, per node.
const MAX_PENDING: usize = 16;
const PENDING_FOR: Duration = Duration::from_secs(30 * 60);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PAGE, get(page))
        .route(&format!("{PAGE}/unduh/{{format}}"), get(download))
        .route(
            &format!("{PAGE}/unggah"),
            post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 64 * 1024)),
        )
        .route(&format!("{PAGE}/impor"), post(confirm))
}

#[derive(Debug, Clone)]
struct UploadForm {
    action: String,
    csrf: String,
    fields: Vec<Field>,
    submit: String,
}

#[derive(Debug, Clone)]
struct ConfirmForm {
    action: String,
    csrf: String,
    token: String,
}

#[derive(Debug, Clone)]
struct ReportView {
    heading: String,
    facts: Vec<Fact>,
    problems: Vec<String>,
    tables: Vec<Table>,
    confirm: Option<ConfirmForm>,
}

#[derive(Debug, Template)]
#[template(path = "console/arch_exchange.html")]
struct ExchangePage {
    frame: Frame,
    heading: String,
    lead: String,
    notice: Option<String>,
    error: Option<String>,
    downloads: Vec<Link>,
    report: Option<ReportView>,
    upload: Option<UploadForm>,
}

/// `?periode=&instansi=` of the page and the downloads.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    periode: Option<String>,
    #[serde(default)]
    instansi: Option<String>,
}

fn period_of(raw: Option<&str>) -> Option<Period> {
    Period::parse(raw.filter(|p| !p.is_empty()).unwrap_or(DEFAULT_PERIOD)).ok()
}

fn agency_of(raw: Option<&str>) -> Result<Option<Code>, ()> {
    match raw.map(str::trim).filter(|a| !a.is_empty()) {
        None => Ok(None),
        Some(a) => Code::parse(a).map(Some).map_err(|_| ()),
    }
}

/// What an upload left for its confirmation.
#[derive(Debug)]
struct Pending {
    owner: String,
    format: Format,
    period: Period,
    agency: Option<Code>,
    bytes: Vec<u8>,
    at: Instant,
}

fn pending() -> &'static Mutex<HashMap<String, Pending>> {
    static PENDING: OnceLock<Mutex<HashMap<String, Pending>>> = OnceLock::new();
    PENDING.get_or_init(|| Mutex::new(HashMap::new()))
}

fn keep(token: String, upload: Pending) {
    let mut map = match pending().lock() {
        Ok(m) => m,
        Err(poisoned) => poisoned.into_inner(),
    };
    map.retain(|_, p| p.at.elapsed() < PENDING_FOR && p.owner != upload.owner);
    while map.len() >= MAX_PENDING {
        let oldest = map.iter().min_by_key(|(_, p)| p.at).map(|(k, _)| k.clone());
        match oldest {
            Some(k) => map.remove(&k),
            None => break,
        };
    }
    map.insert(token, upload);
}

fn take(token: &str, owner: &str) -> Option<Pending> {
    let mut map = match pending().lock() {
        Ok(m) => m,
        Err(poisoned) => poisoned.into_inner(),
    };
    let fresh = map
        .get(token)
        .is_some_and(|p| p.owner == owner && p.at.elapsed() < PENDING_FOR);
    if fresh { map.remove(token) } else { None }
}

fn new_token(state: &AppState) -> String {
    let mut bytes = [0u8; 16];
    state.random().fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn downloads(lang: Lang, period: Period, agency: Option<&Code>) -> Vec<Link> {
    let query = match agency {
        Some(a) => format!("?periode={period}&instansi={a}"),
        None => format!("?periode={period}"),
    };
    [
        ("xlsx", "arch-exchange-download-xlsx"),
        ("archimate", "arch-exchange-download-archimate"),
        ("csv", "arch-exchange-download-csv"),
    ]
    .into_iter()
    .map(|(format, key)| Link::new(format!("{PAGE}/unduh/{format}{query}"), lang.t(key)))
    .collect()
}

fn upload_form(ctx: &Ctx, period: &str, agency: &str, format: &str) -> Option<UploadForm> {
    let caller = ctx.who.caller();
    let scope = import_scope(&caller).ok()?;
    let lang = ctx.lang;
    let formats = [
        ("xlsx", "arch-exchange-format-xlsx"),
        ("csv", "arch-exchange-format-csv"),
        ("archimate", "arch-exchange-format-archimate"),
    ]
    .into_iter()
    .map(|(v, k)| (v.to_owned(), lang.t(k)))
    .collect();
    let agency_field = match &scope {
        Some(own) => Field::new(
            "instansi",
            lang.t("arch-exchange-agency"),
            "text",
            own.to_string(),
        )
        .readonly(true),
        None => Field::new("instansi", lang.t("arch-exchange-agency"), "text", agency)
            .max(32)
            .hint(lang.t("arch-exchange-agency-hint")),
    };
    Some(UploadForm {
        action: format!("{PAGE}/unggah"),
        csrf: ctx.who.csrf_token().to_owned(),
        fields: vec![
            Field::new("format", lang.t("arch-exchange-format"), "select", format)
                .options(formats)
                .required(),
            Field::new("periode", lang.t("arch-exchange-period"), "text", period)
                .required()
                .max(9),
            agency_field,
        ],
        submit: lang.t("arch-exchange-check"),
    })
}

fn page_view(ctx: &Ctx, period: Period, agency: Option<&Code>) -> ExchangePage {
    let heading = ctx.t("arch-exchange-heading");
    ExchangePage {
        frame: ctx.frame(heading.clone()),
        heading,
        lead: ctx.t("arch-exchange-lead"),
        notice: None,
        error: None,
        downloads: downloads(ctx.lang, period, agency),
        report: None,
        upload: upload_form(
            ctx,
            &period.to_string(),
            &agency.map(ToString::to_string).unwrap_or_default(),
            "xlsx",
        ),
    }
}

/// `GET /console/arsitektur/pertukaran`.
pub async fn page(ctx: Ctx, Query(query): Query<PageQuery>) -> Response {
    let (Some(period), Ok(agency)) = (
        period_of(query.periode.as_deref()),
        agency_of(query.instansi.as_deref()),
    ) else {
        return ctx.fail(&ApiError::validation("periode", ctx.t("arch-exchange-bad-query")));
    };
    render(StatusCode::OK, &page_view(&ctx, period, agency.as_ref()))
}

/// `GET /console/arsitektur/pertukaran/unduh/{format}`: the API's export, for the session.
pub async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(format): Path<String>,
    Query(query): Query<PageQuery>,
) -> Response {
    let (Some(period), Ok(agency), Some(format)) = (
        period_of(query.periode.as_deref()),
        agency_of(query.instansi.as_deref()),
        Format::parse(&format),
    ) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let q = extract::Query(exchange::ExportQuery { agency });
    let result = match format {
        Format::Archimate => exchange::export_archimate(State(state), caller, extract::Path(period), q).await,
        Format::Csv => exchange::export_csv(State(state), caller, extract::Path(period), q).await,
        Format::Xlsx => {
            exchange::export_architecture_xlsx(State(state), caller, extract::Path(period), q).await
        }
    };
    match result {
        Ok(response) => response,
        Err(e) => ctx.fail(&e),
    }
}

fn status_text(lang: Lang, status: RowStatus) -> String {
    lang.t(&format!("arch-exchange-status-{}", status.as_str()))
}

fn report_view(ctx: &Ctx, result: &ImportResult, confirm: Option<ConfirmForm>) -> ReportView {
    let lang = ctx.lang;
    let heading = if result.written.is_some() {
        lang.t("arch-exchange-report-imported")
    } else if result.importable {
        lang.t("arch-exchange-report-importable")
    } else {
        lang.t("arch-exchange-report-refused")
    };
    let mut facts = vec![
        Fact::new(lang.t("arch-exchange-accepted"), result.accepted.to_string()),
        Fact::new(lang.t("arch-exchange-skipped"), result.skipped.to_string()),
        Fact::new(lang.t("arch-exchange-rejected"), result.rejected.to_string()),
    ];
    if let Some(w) = &result.written {
        facts.push(Fact::new(
            lang.t("arch-exchange-written-elements"),
            format!(
                "{} / {} / {}",
                w.elements_created, w.elements_updated, w.elements_unchanged
            ),
        ));
        facts.push(Fact::new(
            lang.t("arch-exchange-written-relations"),
            format!("{} / {}", w.relations_created, w.relations_unchanged),
        ));
    }
    let worth: Vec<_> = result
        .rows
        .iter()
        .filter(|r| r.status == RowStatus::Rejected)
        .chain(result.rows.iter().filter(|r| r.status == RowStatus::Skipped))
        .chain(result.rows.iter().filter(|r| r.status == RowStatus::Accepted))
        .take(MAX_SHOWN_ROWS)
        .collect();
    let rows = worth
        .iter()
        .map(|r| {
            vec![
                Cell::text(r.sheet.clone()),
                Cell::text(if r.row == 0 {
                    String::new()
                } else {
                    r.row.to_string()
                }),
                Cell::text(r.id.clone()),
                Cell::text(status_text(lang, r.status)),
                Cell::text(r.reasons.join("; ")),
            ]
        })
        .collect();
    let table = Table {
        caption: lang.t("arch-exchange-rows"),
        head: [
            "arch-exchange-col-sheet",
            "arch-exchange-col-row",
            "arch-exchange-col-id",
            "arch-exchange-col-status",
            "arch-exchange-col-reasons",
        ]
        .iter()
        .map(|k| lang.t(k))
        .collect(),
        rows,
        empty: lang.t("arch-exchange-no-rows"),
        more: None,
    };
    ReportView {
        heading,
        facts,
        problems: result.problems.clone(),
        tables: vec![table],
        confirm,
    }
}

/// The upload's fields, read in full (the file capped) before anything is checked.
#[derive(Debug, Default)]
struct Upload {
    fields: HashMap<String, String>,
    files: Vec<(String, Vec<u8>)>,
}

async fn read_multipart(mut multipart: Multipart) -> Result<Upload, String> {
    let mut out = Upload::default();
    let mut total = 0usize;
    while let Some(mut field) = multipart.next_field().await.map_err(|e| e.to_string())? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "berkas" {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|e| e.to_string())? {
                total += chunk.len();
                if total > MAX_UPLOAD_BYTES {
                    return Err(format!("> {} MiB", MAX_UPLOAD_BYTES / 1024 / 1024));
                }
                bytes.extend_from_slice(&chunk);
            }
            if !bytes.is_empty() && out.files.len() < 3 {
                out.files.push((file_name, bytes));
            }
        } else {
            let text = field.text().await.map_err(|e| e.to_string())?;
            out.fields.insert(name, text.chars().take(200).collect());
        }
    }
    Ok(out)
}

/// One file for the importer: the file itself, or Archi's three CSV files zipped.
fn one_file(format: Format, files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, &'static str> {
    match (format, files) {
        (_, []) => Err("arch-exchange-no-file"),
        (_, [(_, bytes)]) => Ok(bytes.clone()),
        (Format::Csv, [_, _, _]) => {
            let find = |suffix: &str| {
                files
                    .iter()
                    .find(|(name, _)| name.to_ascii_lowercase().ends_with(suffix))
                    .map(|(_, b)| b.as_slice())
            };
            match (
                find("elements.csv"),
                find("relations.csv"),
                find("properties.csv"),
            ) {
                (Some(e), Some(r), Some(p)) => zip_files(e, r, p).map_err(|_| "arch-exchange-csv-names"),
                _ => Err("arch-exchange-csv-names"),
            }
        }
        _ => Err("arch-exchange-one-file"),
    }
}

/// `POST /console/arsitektur/pertukaran/unggah`: a dry run of the uploaded file.
pub async fn upload(State(state): State<AppState>, lang: Lang, request: Request) -> Response {
    let (mut parts, body) = request.into_parts();
    let who = match SignedIn::from_request_parts(&mut parts, &state).await {
        Ok(who) => who,
        Err(rejection) => return rejection.into_response(),
    };
    if !who.principal.administers() {
        return SessionRejection::NotHere {
            to: super::STAFF_HOME,
        }
        .into_response();
    }
    if !csrf::same_origin(&parts.uri, &parts.headers) {
        return SessionRejection::Forged(lang).into_response();
    }
    let ctx = Ctx {
        who,
        lang,
        here: PAGE.to_owned(),
    };
    let request = Request::from_parts(parts, body);
    let upload = match Multipart::from_request(request, &state).await {
        Ok(m) => read_multipart(m).await,
        Err(e) => Err(e.body_text()),
    };
    let upload = match upload {
        Ok(u) => u,
        Err(_) => return SessionRejection::BadForm(lang).into_response(),
    };
    let field = |name: &str| upload.fields.get(name).map_or("", String::as_str);
    if !csrf::token_matches(ctx.who.csrf_token(), field(csrf::FIELD)) {
        return SessionRejection::Forged(lang).into_response();
    }
    let caller = ctx.who.caller();
    if let Err(e) = import_scope(&caller) {
        return ctx.fail(&e);
    }
    let (period_raw, agency_raw, format_raw) = (field("periode"), field("instansi"), field("format"));
    let Some(default) = period_of(None) else {
        return ctx.not_found();
    };
    let mut view = page_view(&ctx, default, None);
    view.upload = upload_form(&ctx, period_raw, agency_raw, format_raw);
    let (Some(period), Ok(agency), Some(format)) = (
        Period::parse(period_raw).ok(),
        agency_of(Some(agency_raw)),
        Format::parse(format_raw),
    ) else {
        view.error = Some(ctx.t("arch-exchange-bad-form"));
        return render(StatusCode::UNPROCESSABLE_ENTITY, &view);
    };
    let bytes = match one_file(format, &upload.files) {
        Ok(b) => b,
        Err(key) => {
            view.error = Some(ctx.t(key));
            return render(StatusCode::UNPROCESSABLE_ENTITY, &view);
        }
    };
    let result = run_import(&state, &caller, period, format, agency.clone(), true, &bytes).await;
    let (status, result) = match result {
        Ok(r) => r,
        Err(e) if e.code() == crate::codes::ErrorCode::ValidationFailed => {
            view.error = Some(format!(
                "{}: {}",
                ctx.t("arch-exchange-unreadable"),
                e.problem().detail
            ));
            return render(StatusCode::UNPROCESSABLE_ENTITY, &view);
        }
        Err(e) => return ctx.fail(&e),
    };
    let confirm = result.importable.then(|| {
        let token = new_token(&state);
        keep(
            token.clone(),
            Pending {
                owner: ctx.who.principal.username.clone(),
                format,
                period,
                agency,
                bytes,
                at: Instant::now(),
            },
        );
        ConfirmForm {
            action: format!("{PAGE}/impor"),
            csrf: ctx.who.csrf_token().to_owned(),
            token,
        }
    });
    view.report = Some(report_view(&ctx, &result, confirm));
    render(status, &view)
}

/// `POST /console/arsitektur/pertukaran/impor`: the confirmed import of a checked upload.
pub async fn confirm(State(state): State<AppState>, lang: Lang, posted: Posted) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, PAGE.to_owned());
    let caller = ctx.who.caller();
    if let Err(e) = import_scope(&caller) {
        return ctx.fail(&e);
    }
    let Some(default) = period_of(None) else {
        return ctx.not_found();
    };
    let mut view = page_view(&ctx, default, None);
    let Some(upload) = take(posted.form.get("token"), &ctx.who.principal.username) else {
        view.error = Some(ctx.t("arch-exchange-expired"));
        return render(StatusCode::CONFLICT, &view);
    };
    let result = run_import(
        &state,
        &caller,
        upload.period,
        upload.format,
        upload.agency,
        false,
        &upload.bytes,
    )
    .await;
    match result {
        Ok((status, result)) => {
            if result.written.is_some() {
                view.notice = Some(ctx.t("arch-exchange-done"));
            }
            view.report = Some(report_view(&ctx, &result, None));
            render(status, &view)
        }
        Err(e) => ctx.fail(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_period_parses() {
        assert_eq!(period_of(None).unwrap().to_string(), DEFAULT_PERIOD);
        assert_eq!(period_of(Some("")).unwrap().to_string(), DEFAULT_PERIOD);
        assert!(period_of(Some("2025")).is_none());
    }

    #[test]
    fn three_csv_files_become_one_zip_and_other_sets_are_refused() {
        let files = vec![
            ("a/elements.csv".to_owned(), b"ID".to_vec()),
            ("relations.csv".to_owned(), b"ID".to_vec()),
            ("Properties.CSV".to_owned(), b"ID".to_vec()),
        ];
        let zip = one_file(Format::Csv, &files).unwrap();
        assert!(wadah_exchange::csv_read::files_from_zip(&zip).is_ok());
        assert_eq!(one_file(Format::Xlsx, &files), Err("arch-exchange-one-file"));
        assert_eq!(one_file(Format::Xlsx, &[]), Err("arch-exchange-no-file"));
        let wrong = vec![files[0].clone(), files[0].clone(), files[1].clone()];
        assert_eq!(one_file(Format::Csv, &wrong), Err("arch-exchange-csv-names"));
    }
}
