//! The architecture in and out of files, over the API: exports as the ArchiMate exchange file,
//! Archi's CSV files (one zip) or the XLSX inventory workbook, for the agencies the caller may
//! read; imports of the same formats (the raw file as the body, at most
//! [`MAX_UPLOAD_BYTES`]) for the platform admin (whole city) and agency admins (their own
//! agency only: the importer refuses every row of another agency, and new governments,
//! agencies or reference codes). `dry_run=true` checks and reports without writing; a refused
//! import answers 422 with the same report, nothing written.

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use wadah_domain::architecture::Period;
use wadah_domain::user::Role;
use wadah_exchange::csv_read::{CsvInput, files_from_zip};
use wadah_exchange::import::ImportError;
use wadah_exchange::{ImportOptions, RowReport, RowStatus, TableImportError, TableReport};
use wadah_store::{ArchModelFilter, Change, ImportCounts};

use super::super::prelude::*;
use crate::codes::ErrorCode;

/// Largest file an import over the web accepts (the command line takes whole provinces).
pub const MAX_UPLOAD_BYTES: usize = 32 * 1024 * 1024;

pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/architecture/{period}/exchange/archimate",
            get(export_archimate),
        )
        .route("/api/v1/architecture/{period}/exchange/csv", get(export_csv))
        .route(
            "/api/v1/architecture/{period}/exchange/xlsx",
            get(export_architecture_xlsx),
        )
        .route(
            "/api/v1/architecture/{period}/exchange/import",
            post(import_architecture_file),
        )
}

/// The formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// The ArchiMate Model Exchange File Format (XML).
    Archimate,
    /// The XLSX inventory workbook.
    Xlsx,
    /// Archi's three CSV files in one zip.
    Csv,
}

impl Format {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "archimate" => Some(Self::Archimate),
            "xlsx" => Some(Self::Xlsx),
            "csv" => Some(Self::Csv),
            _ => None,
        }
    }
}

/// Which agency an export covers.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// Only this agency (an agency-scoped caller always gets its own).
    pub agency: Option<Code>,
}

/// How to import.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    pub format: Format,
    /// The agency of rows and elements the file does not place.
    pub agency: Option<Code>,
    /// Check and report only.
    #[serde(default)]
    pub dry_run: bool,
}

/// What an import found, row by row (the XLSX and CSV formats), or per concept (ArchiMate).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportResult {
    pub format: Format,
    pub dry_run: bool,
    /// Whether the file can be (or was) imported.
    pub importable: bool,
    pub accepted: usize,
    pub skipped: usize,
    pub rejected: usize,
    #[schema(value_type = Vec<Object>)]
    pub rows: Vec<RowReport>,
    /// Problems of the file as a whole.
    pub problems: Vec<String>,
    #[schema(value_type = Option<Object>)]
    pub written: Option<ImportCounts>,
}

impl ImportResult {
    fn from_table(format: Format, dry_run: bool, report: TableReport) -> Self {
        Self {
            format,
            dry_run,
            importable: report.is_clean(),
            accepted: report.count(RowStatus::Accepted),
            skipped: report.count(RowStatus::Skipped),
            rejected: report.count(RowStatus::Rejected),
            written: report.written,
            problems: report.problems,
            rows: report.rows,
        }
    }
}

/// The only agency a caller's import may write into: `Ok(None)` for the platform admin (the
/// whole city), `Ok(Some(own))` for an agency admin; everyone else may not import.
pub fn import_scope(caller: &Caller) -> ApiResult<Option<Code>> {
    let principal = caller.principal();
    match (&principal.role, &principal.agency) {
        (Role::PlatformAdmin, _) => Ok(None),
        (Role::AgencyAdmin, Some(own)) => Ok(Some(own.clone())),
        _ => Err(ApiError::forbidden(
            "only platform and agency administrators import architecture files",
        )),
    }
}

/// The export filter for a caller: `None` when the asked agency is outside its scope.
fn export_filter(caller: &Caller, period: Period, agency: Option<Code>) -> Option<ArchModelFilter> {
    narrow(&caller.principal().agency_scope(), agency).map(|agency| ArchModelFilter {
        period: Some(period),
        agency,
    })
}

fn download(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

fn file_stem(period: Period, filter: &ArchModelFilter) -> String {
    match &filter.agency {
        Some(a) => format!("arsitektur-{a}-{period}"),
        None => format!("arsitektur-{period}"),
    }
}

/// The model as an ArchiMate exchange file.
#[utoipa::path(get, path = "/api/v1/architecture/{period}/exchange/archimate", tag = "architecture",
    params(("period" = String, Path, description = "Planning period", example = "2025-2029"), ExportQuery),
    responses((status = 200, description = "The exchange file", content_type = "application/xml", body = String),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn export_archimate(
    State(state): State<AppState>,
    caller: Caller,
    Path(period): Path<Period>,
    Query(query): Query<ExportQuery>,
) -> ApiResult<Response> {
    let filter = export_filter(&caller, period, query.agency.clone()).ok_or_else(|| {
        ApiError::not_found("agency", query.agency.map(|a| a.to_string()).unwrap_or_default())
    })?;
    let xml = wadah_exchange::export_archimate(state.store(), &filter, "Arsitektur SPBE").await?;
    let name = format!("{}.xml", file_stem(period, &filter));
    Ok(download(xml.into_bytes(), "application/xml", &name))
}

/// The model as Archi's three CSV files, in one zip.
#[utoipa::path(get, path = "/api/v1/architecture/{period}/exchange/csv", tag = "architecture",
    params(("period" = String, Path, description = "Planning period", example = "2025-2029"), ExportQuery),
    responses((status = 200, description = "elements.csv, relations.csv and properties.csv", content_type = "application/zip", body = Vec<u8>),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn export_csv(
    State(state): State<AppState>,
    caller: Caller,
    Path(period): Path<Period>,
    Query(query): Query<ExportQuery>,
) -> ApiResult<Response> {
    let filter = export_filter(&caller, period, query.agency.clone()).ok_or_else(|| {
        ApiError::not_found("agency", query.agency.map(|a| a.to_string()).unwrap_or_default())
    })?;
    let model = state.store().architecture_model(&filter).await?;
    let zip = wadah_exchange::csv::write_csv(&model, "Arsitektur SPBE")
        .zip()
        .map_err(ApiError::internal)?;
    let name = format!("{}-csv.zip", file_stem(period, &filter));
    Ok(download(zip, "application/zip", &name))
}

/// The XLSX inventory workbook (drop-downs, reference codes, what the store holds).
#[utoipa::path(get, path = "/api/v1/architecture/{period}/exchange/xlsx", tag = "architecture",
    params(("period" = String, Path, description = "Planning period", example = "2025-2029"), ExportQuery),
    responses((status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn export_architecture_xlsx(
    State(state): State<AppState>,
    caller: Caller,
    Path(period): Path<Period>,
    Query(query): Query<ExportQuery>,
) -> ApiResult<Response> {
    let filter = export_filter(&caller, period, query.agency.clone()).ok_or_else(|| {
        ApiError::not_found("agency", query.agency.map(|a| a.to_string()).unwrap_or_default())
    })?;
    let bytes = wadah_exchange::export_xlsx(state.store(), filter.agency.as_ref(), period)
        .await
        .map_err(|e| match e {
            wadah_exchange::ExportError::Store(s) => ApiError::from(s),
            other => ApiError::internal(other),
        })?;
    let name = format!("{}-inventaris.xlsx", file_stem(period, &filter));
    Ok(download(bytes, XLSX_TYPE, &name))
}

/// Runs an import of `bytes` for `caller` (shared with the console).
pub async fn run_import(
    state: &AppState,
    caller: &Caller,
    period: Period,
    format: Format,
    agency: Option<Code>,
    dry_run: bool,
    bytes: &[u8],
) -> ApiResult<(StatusCode, ImportResult)> {
    let scope = import_scope(caller)?;
    if let (Some(own), Some(asked)) = (&scope, &agency)
        && own != asked
    {
        return Err(ApiError::forbidden(format!(
            "you may import only into your agency {own}"
        )));
    }
    let options = ImportOptions {
        default_agency: agency.or_else(|| scope.clone()),
        default_period: period,
        dry_run,
        scope,
    };
    let change: Change = state.change_by(caller.principal());
    let store = state.store();
    let unreadable = |e: String| ApiError::validation("file", e);
    let table = match format {
        Format::Xlsx => wadah_exchange::import_xlsx(store, bytes, &options, &change).await,
        Format::Csv => {
            let [elements, relations, properties] = files_from_zip(bytes).map_err(unreadable)?;
            let input = CsvInput {
                elements: &elements,
                relations: &relations,
                properties: &properties,
            };
            wadah_exchange::import_csv(store, input, &options, &change).await
        }
        Format::Archimate => {
            return match wadah_exchange::import_archimate(store, bytes, &options, &change).await {
                Ok(report) => Ok((StatusCode::OK, archimate_result(dry_run, true, report))),
                Err(ImportError::Refused(report)) => Ok((
                    StatusCode::UNPROCESSABLE_ENTITY,
                    archimate_result(dry_run, false, *report),
                )),
                Err(ImportError::Read(e)) => Err(unreadable(e.to_string())),
                Err(ImportError::Store(e)) => Err(e.into()),
            };
        }
    };
    match table {
        Ok(report) => Ok((StatusCode::OK, ImportResult::from_table(format, dry_run, report))),
        Err(TableImportError::Refused(report)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            ImportResult::from_table(format, dry_run, *report),
        )),
        Err(TableImportError::Unreadable(e)) => Err(unreadable(e)),
        Err(TableImportError::Store(e)) => Err(e.into()),
    }
}

/// An ArchiMate report in the same shape: one row per skipped concept or problem.
fn archimate_result(dry_run: bool, importable: bool, report: wadah_exchange::ImportReport) -> ImportResult {
    let row = |status: RowStatus, item: &wadah_exchange::archimate::convert::Item| RowReport {
        sheet: "archimate".into(),
        row: 0,
        id: item.at.clone(),
        status,
        reasons: vec![item.message.clone()],
    };
    let mut rows: Vec<RowReport> = report
        .problems
        .iter()
        .map(|i| row(RowStatus::Rejected, i))
        .collect();
    rows.extend(report.skipped.iter().map(|i| row(RowStatus::Skipped, i)));
    let rejected = report.problems.len();
    let skipped = report.skipped.len();
    ImportResult {
        format: Format::Archimate,
        dry_run,
        importable,
        accepted: (report.elements_read + report.relationships_read).saturating_sub(rejected + skipped),
        skipped,
        rejected,
        rows,
        problems: Vec::new(),
        written: report.written,
    }
}

/// Import an ArchiMate file, an XLSX inventory workbook or a zip of Archi's CSV files (the raw
/// file as the body, at most 32 MiB). Platform admin: the whole city; agency admin: its own
/// agency only. All or nothing: a refused file answers 422 with the per-row report.
#[utoipa::path(post, path = "/api/v1/architecture/{period}/exchange/import", tag = "architecture",
    params(("period" = String, Path, description = "Planning period", example = "2025-2029"), ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file"),
    responses((status = 200, description = "Imported, or importable (dry run)", body = ImportResult),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 422, description = "Refused: the report (JSON) says which rows and why; an unreadable file is a `validation_failed` problem",
            content((ImportResult = "application/json"), (crate::error::Problem = "application/problem+json")))),
    security(("bearer" = [])))]
pub async fn import_architecture_file(
    State(state): State<AppState>,
    caller: Caller,
    Path(period): Path<Period>,
    Query(query): Query<ImportQuery>,
    body: Body,
) -> ApiResult<Response> {
    import_scope(&caller)?;
    let bytes = axum::body::to_bytes(body, MAX_UPLOAD_BYTES).await.map_err(|_| {
        ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("the file is larger than {} MiB", MAX_UPLOAD_BYTES / 1024 / 1024),
        )
    })?;
    let (status, result) = run_import(
        &state,
        &caller,
        period,
        query.format,
        query.agency,
        query.dry_run,
        &bytes,
    )
    .await?;
    Ok((status, axum::Json(result)).into_response())
}
