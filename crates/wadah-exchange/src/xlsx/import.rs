//! Reads a filled-in inventory workbook back, row by row, with a report that says for every
//! row whether it is accepted or rejected and why (a missing required field, a value outside
//! a drop-down's list, an unknown agency or reference code, a parent or relation target that is
//! neither in the file nor in the store, a code used twice). One rejected row refuses the
//! whole file: nothing is written until every row is right.
//!
//! Hostile files stop before the spreadsheet parser sees them: the archive is checked by
//! [`crate::zipguard`] (size, entry count, what it really inflates to). Formula cells are read
//! as the value the spreadsheet last computed and stored; nothing is ever evaluated.

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use serde::de::DeserializeOwned;
use wadah_domain::application::{LifecycleStage, RefCode};
use wadah_domain::architecture::element::{Classification, Disposition, Fit, ServiceArea};
use wadah_domain::architecture::{
    ArchitectureModel, Details, ElementKind, ElementRef, ElementSpec, ModelElement, ModelRelation, Period,
    ReferenceCatalog, RelationKind, RelationSpec,
};
use wadah_domain::text::{Description, Line, Name};
use wadah_domain::{Code, ValidationError};

use super::{Column, Field, SHEETS, SheetLayout, normalize_header};
use crate::report::{RowReport, RowStatus, TableReport};
use crate::zipguard;

/// Most data rows one sheet may have.
pub const MAX_ROWS: usize = 50_000;

/// One data row: its number as the spreadsheet shows it, and its cells by field.
#[derive(Debug, Clone, Default)]
pub struct RowCells {
    pub row: usize,
    pub cells: HashMap<Field, String>,
    /// Cells holding an error value (`#N/A`…), already worded.
    pub errors: Vec<String>,
}

/// The rows of one inventory sheet.
#[derive(Debug)]
pub struct SheetRows {
    pub layout: &'static SheetLayout,
    pub rows: Vec<RowCells>,
}

/// What the rows are checked against.
#[derive(Debug, Clone)]
pub struct Context {
    pub period: Period,
    /// The agency of rows that name none.
    pub default_agency: Option<Code>,
    /// The only agency rows may name (an agency admin's import); `None`: any known agency.
    pub scope: Option<Code>,
    /// Agencies that exist (code → government).
    pub known_agencies: BTreeMap<Code, Code>,
    /// The reference codes each government may use.
    pub catalogs: BTreeMap<Code, ReferenceCatalog>,
    /// Elements already in the store for the period, by `(agency, code)`.
    pub existing: HashMap<(Code, Code), ElementSpec>,
}

fn cell_text(cell: &Data) -> Result<String, String> {
    match cell {
        Data::Empty => Ok(String::new()),
        Data::String(s) => Ok(s.clone()),
        Data::Error(e) => Err(format!("the error value {e}")),
        other => Ok(other.to_string()),
    }
}

/// Reads the inventory sheets of a workbook (the other sheets are ignored). File-level
/// problems (a missing required column, too many rows) come back in the second value.
pub fn read_workbook(bytes: &[u8]) -> Result<(Vec<SheetRows>, Vec<String>), String> {
    zipguard::check(bytes).map_err(|e| e.to_string())?;
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| format!("not an XLSX workbook: {e}"))?;
    let names = book.sheet_names();
    let mut sheets = Vec::new();
    let mut problems = Vec::new();
    for layout in &SHEETS {
        let Some(name) = names
            .iter()
            .find(|n| normalize_header(n) == normalize_header(layout.name))
        else {
            continue;
        };
        let range = book
            .worksheet_range(name)
            .map_err(|e| format!("sheet {name}: {e}"))?;
        let first_row = range.start().map_or(0, |(r, _)| r as usize);
        let mut rows = range.rows();
        let Some(header) = rows.next() else {
            sheets.push(SheetRows {
                layout,
                rows: Vec::new(),
            });
            continue;
        };
        let mut columns: Vec<Option<&'static Column>> = Vec::with_capacity(header.len());
        for cell in header {
            let text = normalize_header(&cell_text(cell).unwrap_or_default());
            columns.push(layout.columns.iter().find(|c| normalize_header(c.header) == text));
        }
        let mut missing = false;
        for c in layout.columns.iter().filter(|c| c.required) {
            if !columns.iter().flatten().any(|have| have.field == c.field) {
                problems.push(format!(
                    "sheet {}: the required column {} is missing",
                    layout.name, c.header
                ));
                missing = true;
            }
        }
        if missing {
            continue;
        }
        let mut out = Vec::new();
        for (i, cells) in rows.enumerate() {
            let mut row = RowCells {
                row: first_row + i + 2,
                ..RowCells::default()
            };
            for (cell, column) in cells.iter().zip(&columns) {
                let Some(column) = column else { continue };
                match cell_text(cell) {
                    Ok(text) if text.trim().is_empty() => {}
                    Ok(text) => {
                        row.cells.insert(column.field, text);
                    }
                    Err(e) => row.errors.push(format!("{} holds {e}", column.header)),
                }
            }
            if row.cells.is_empty() && row.errors.is_empty() {
                continue;
            }
            if out.len() == MAX_ROWS {
                problems.push(format!("sheet {}: more than {MAX_ROWS} rows", layout.name));
                break;
            }
            out.push(row);
        }
        sheets.push(SheetRows { layout, rows: out });
    }
    if sheets.is_empty() {
        let expected: Vec<&str> = SHEETS.iter().map(|s| s.name).collect();
        problems.push(format!(
            "the workbook has none of the inventory sheets ({})",
            expected.join(", ")
        ));
    }
    Ok((sheets, problems))
}

/// A row on its way to an element: the element, and the relations its columns state.
struct Built {
    sheet: &'static str,
    row: usize,
    element: ModelElement,
    relations: Vec<(RelationKind, ElementKind, ElementRef, String)>,
}

fn header(layout: &SheetLayout, field: Field) -> &'static str {
    layout
        .columns
        .iter()
        .find(|c| c.field == field)
        .map_or("?", |c| c.header)
}

fn parse_enum<T: DeserializeOwned>(header: &str, raw: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(raw.trim().to_lowercase()))
        .map_err(|_| format!("{header}: {raw:?} is not one of the listed values"))
}

/// Collects every reason a row is wrong instead of stopping at the first.
struct RowCheck<'a> {
    layout: &'static SheetLayout,
    cells: &'a HashMap<Field, String>,
    reasons: Vec<String>,
}

impl RowCheck<'_> {
    fn get(&self, field: Field) -> &str {
        self.cells.get(&field).map_or("", |s| s.trim())
    }

    fn required(&mut self, field: Field) -> Option<String> {
        let raw = self.get(field).to_owned();
        if raw.is_empty() {
            self.reasons
                .push(format!("{} is required", header(self.layout, field)));
            None
        } else {
            Some(raw)
        }
    }

    fn keep<T>(&mut self, field: Field, result: Result<T, ValidationError>) -> Option<T> {
        result
            .map_err(|e| {
                self.reasons
                    .push(format!("{}: {}", header(self.layout, field), e.message))
            })
            .ok()
    }

    fn choice<T: DeserializeOwned>(&mut self, field: Field, default: Option<&str>) -> Option<T> {
        let raw = match (self.get(field), default) {
            ("", Some(d)) => d.to_owned(),
            ("", None) => return self.required(field).and(None),
            (raw, _) => raw.to_owned(),
        };
        parse_enum(header(self.layout, field), &raw)
            .map_err(|e| self.reasons.push(e))
            .ok()
    }

    fn text<T>(&mut self, field: Field, parse: impl Fn(&str) -> Result<T, ValidationError>) -> Option<T> {
        let raw = self.get(field).to_owned();
        self.keep(field, parse(&raw))
    }
}

fn agency_of(check: &mut RowCheck<'_>, ctx: &Context) -> Option<Code> {
    let raw = check.get(Field::Agency).to_owned();
    let agency = if raw.is_empty() {
        match ctx.default_agency.clone().or_else(|| ctx.scope.clone()) {
            Some(a) => a,
            None => return check.required(Field::Agency).and(None),
        }
    } else {
        check.keep(Field::Agency, Code::parse(&raw))?
    };
    if !ctx.known_agencies.contains_key(&agency) {
        check.reasons.push(format!("agency {agency} is unknown"));
        return None;
    }
    if let Some(scope) = &ctx.scope
        && scope != &agency
    {
        check.reasons.push(format!(
            "you may import only into your agency {scope}, not {agency}"
        ));
        return None;
    }
    Some(agency)
}

fn details(
    check: &mut RowCheck<'_>,
    kind: ElementKind,
    agency: Option<&Code>,
    ctx: &Context,
) -> Option<Details> {
    Some(match kind {
        ElementKind::Application => {
            let application = check.text(Field::Application, |raw| {
                (!raw.is_empty()).then(|| Code::parse(raw)).transpose()
            });
            let lifecycle: Option<LifecycleStage> = check.choice(Field::Lifecycle, None);
            let technical_fit: Option<Fit> = check.choice(Field::TechnicalFit, None);
            let functional_fit: Option<Fit> = check.choice(Field::FunctionalFit, None);
            let disposition: Option<Disposition> = if check.get(Field::Disposition).is_empty() {
                technical_fit
                    .zip(functional_fit)
                    .map(|(t, f)| Disposition::suggested(t, f))
            } else {
                check.choice(Field::Disposition, None)
            };
            Details::Application {
                application: application?,
                lifecycle: lifecycle?,
                technical_fit: technical_fit?,
                functional_fit: functional_fit?,
                disposition: disposition?,
            }
        }
        ElementKind::Service => Details::Service {
            area: check.choice::<ServiceArea>(Field::Area, None)?,
        },
        ElementKind::DataSet => {
            let classification: Option<Classification> = check.choice(Field::Classification, None);
            let producer = match check.get(Field::Producer) {
                "" => agency.cloned(),
                raw => {
                    let raw = raw.to_owned();
                    let code = check.keep(Field::Producer, Code::parse(&raw))?;
                    if !ctx.known_agencies.contains_key(&code) {
                        check.reasons.push(format!("producer agency {code} is unknown"));
                    }
                    Some(code)
                }
            };
            let walidata = check.text(Field::Walidata, |raw| Line::parse_field("walidata", raw));
            Details::DataSet {
                classification: classification?,
                producer: producer?,
                walidata: walidata?,
            }
        }
        _ => Details::BusinessProcess,
    })
}

fn relation_targets(
    check: &mut RowCheck<'_>,
    agency: &Code,
) -> Vec<(RelationKind, ElementKind, ElementRef, String)> {
    let mut out = Vec::new();
    for column in check.layout.columns {
        let Some((relation, target_kind)) = column.field.relation() else {
            continue;
        };
        let raw = check.get(column.field).to_owned();
        for part in raw
            .split([';', ',', '\n'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let (a, c) = part.split_once('/').unwrap_or((agency.as_str(), part));
            match (Code::parse(a.trim()), Code::parse(c.trim())) {
                (Ok(a), Ok(c)) => out.push((
                    relation,
                    target_kind,
                    ElementRef { agency: a, code: c },
                    column.header.to_owned(),
                )),
                _ => check.reasons.push(format!(
                    "{}: {part:?} is not a code or agency/code",
                    column.header
                )),
            }
        }
    }
    out
}

fn build_row(layout: &'static SheetLayout, row: &RowCells, ctx: &Context) -> (Option<Built>, Vec<String>) {
    let mut check = RowCheck {
        layout,
        cells: &row.cells,
        reasons: row.errors.clone(),
    };
    let agency = agency_of(&mut check, ctx);
    let code = check
        .required(Field::Code)
        .and_then(|raw| check.keep(Field::Code, Code::parse(&raw)));
    let name = check
        .required(Field::Name)
        .and_then(|raw| check.keep(Field::Name, Name::parse(&raw)));
    let description = check.text(Field::Description, Description::parse);
    let ref_code = check.text(Field::RefCode, |raw| {
        (!raw.is_empty())
            .then(|| RefCode::parse("ref_code", raw))
            .transpose()
    });
    if let (Some(Some(code)), Some(agency)) = (&ref_code, &agency) {
        let known = ctx
            .known_agencies
            .get(agency)
            .and_then(|g| ctx.catalogs.get(g))
            .map_or_else(
                || ReferenceCatalog::build(&[], &[]).is_ok_and(|c| c.contains(code)),
                |c| c.contains(code),
            );
        if !known {
            check
                .reasons
                .push(format!("unknown reference code {}", code.as_str()));
        }
    }
    let parent = check.text(Field::Parent, |raw| {
        (!raw.is_empty()).then(|| Code::parse(raw)).transpose()
    });
    let owner = check.text(Field::Owner, |raw| Line::parse_field("owner", raw));
    let details = details(&mut check, layout.kind, agency.as_ref(), ctx);
    let relations = agency
        .as_ref()
        .map(|a| relation_targets(&mut check, a))
        .unwrap_or_default();
    let (
        Some(agency),
        Some(code),
        Some(name),
        Some(description),
        Some(ref_code),
        Some(parent),
        Some(owner),
        Some(details),
    ) = (agency, code, name, description, ref_code, parent, owner, details)
    else {
        return (None, check.reasons);
    };
    let spec = ElementSpec {
        code,
        name,
        description,
        ref_code,
        parent,
        owner,
        details,
    };
    if let Err(e) = spec.validate(ctx.period) {
        check.reasons.push(e.to_string());
    }
    let built = Built {
        sheet: layout.name,
        row: row.row,
        element: ModelElement {
            agency,
            period: ctx.period,
            spec,
        },
        relations,
    };
    (Some(built), check.reasons)
}

/// Checks every row; answers the report and, when it is clean, the model to write.
pub fn check_rows(sheets: &[SheetRows], ctx: &Context) -> (TableReport, ArchitectureModel) {
    let mut report = TableReport::default();
    let mut built: Vec<(Option<Built>, Vec<String>, RowReport)> = Vec::new();
    for sheet in sheets {
        for row in &sheet.rows {
            let (b, reasons) = build_row(sheet.layout, row, ctx);
            let id = b.as_ref().map_or_else(
                || match (row.cells.get(&Field::Agency), row.cells.get(&Field::Code)) {
                    (Some(a), Some(c)) => format!("{}/{}", a.trim(), c.trim()),
                    (_, c) => c.cloned().unwrap_or_default(),
                },
                |b| format!("{}/{}", b.element.agency, b.element.spec.code),
            );
            let entry = RowReport {
                sheet: sheet.layout.name.to_owned(),
                row: row.row,
                id,
                status: RowStatus::Accepted,
                reasons: Vec::new(),
            };
            built.push((b, reasons, entry));
        }
    }
    // Where each key first appears, and the specs the file brings.
    let mut first: HashMap<(Code, Code), (&'static str, usize)> = HashMap::new();
    let mut in_file: HashMap<(Code, Code), &ElementSpec> = HashMap::new();
    let mut duplicate_of: Vec<Option<(&'static str, usize)>> = Vec::with_capacity(built.len());
    for (b, _, _) in &built {
        let dup = b.as_ref().and_then(|b| {
            let key = (b.element.agency.clone(), b.element.spec.code.clone());
            match first.get(&key) {
                Some(at) => Some(*at),
                None => {
                    first.insert(key.clone(), (b.sheet, b.row));
                    in_file.insert(key, &b.element.spec);
                    None
                }
            }
        });
        duplicate_of.push(dup);
    }
    let lookup = |agency: &Code, code: &Code| -> Option<&ElementSpec> {
        let key = (agency.clone(), code.clone());
        in_file.get(&key).copied().or_else(|| ctx.existing.get(&key))
    };
    let mut model = ArchitectureModel::default();
    let mut rows = Vec::with_capacity(built.len());
    let mut seen_relations = std::collections::BTreeSet::new();
    for ((b, reasons, entry), dup) in built.iter().zip(duplicate_of) {
        let mut reasons = reasons.clone();
        let mut entry = entry.clone();
        if let Some((sheet, row)) = dup {
            reasons.push(format!(
                "duplicate: {} is already on sheet {sheet}, row {row}",
                entry.id
            ));
        }
        if let Some(b) = b {
            let e = &b.element;
            if let Some(before) = ctx.existing.get(&(e.agency.clone(), e.spec.code.clone()))
                && before.kind() != e.spec.kind()
            {
                reasons.push(format!(
                    "{} already exists as a {}",
                    e.spec.code,
                    before.kind().as_str()
                ));
            }
            if let Some(parent) = &e.spec.parent {
                match lookup(&e.agency, parent) {
                    None => reasons.push(format!("parent {parent} is neither in the file nor in the store")),
                    Some(p) => {
                        if let Err(err) = e.spec.check_parent(p) {
                            reasons.push(err.message);
                        }
                    }
                }
            }
            for (relation, target_kind, target, column) in &b.relations {
                match lookup(&target.agency, &target.code) {
                    None => reasons.push(format!(
                        "{column}: {target} is neither in the file nor in the store (broken relation)"
                    )),
                    Some(t) if t.kind() != *target_kind => reasons.push(format!(
                        "{column}: {target} is a {}, not a {}",
                        t.kind().as_str(),
                        target_kind.as_str()
                    )),
                    Some(t) => {
                        if let Err(err) = relation.check(e.spec.kind(), t.kind()) {
                            reasons.push(format!("{column}: {}", err.message));
                        }
                        let spec = RelationSpec {
                            kind: *relation,
                            source: ElementRef {
                                agency: e.agency.clone(),
                                code: e.spec.code.clone(),
                            },
                            target: target.clone(),
                        };
                        if let Err(err) = spec.validate() {
                            reasons.push(format!("{column}: {}", err.message));
                        }
                        let relation = ModelRelation {
                            period: e.period,
                            spec,
                        };
                        if seen_relations.insert(relation.clone()) {
                            model.relations.push(relation);
                        }
                    }
                }
            }
            if reasons.is_empty() {
                model.elements.push(e.clone());
            }
        }
        if !reasons.is_empty() {
            entry.status = RowStatus::Rejected;
        }
        entry.reasons = reasons;
        rows.push(entry);
    }
    report.rows = rows;
    (report, model)
}
