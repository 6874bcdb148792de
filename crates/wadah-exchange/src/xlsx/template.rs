//! Writes the inventory workbook: a readme sheet, the four inventory sheets (filled with what
//! the store already holds, so the same file is both the template and an export), the
//! reference codes, and a hidden sheet of lists behind the drop-downs (agency codes, the
//! reference codes of each family, and every enumeration), so Excel and LibreOffice only let a
//! person pick values the importer accepts.
//!
//! **Formula injection.** Every value is a string cell, never a formula; text a spreadsheet
//! would take for a formula when retyped (starting with `=`, `+`, `-`, `@`, tab or carriage
//! return) also gets the quote prefix, so editing the cell keeps it text.

use std::collections::HashMap;

use rust_xlsxwriter::{DataValidation, Format, Formula, Workbook, Worksheet, XlsxError};
use wadah_domain::Code;
use wadah_domain::architecture::element::Details;
use wadah_domain::architecture::{
    ArchitectureModel, ElementKind, Family, ModelElement, Period, RefEntry, RelationKind,
};

use super::{
    CODES_SHEET, Field, LISTS_SHEET, README_SHEET, SHEETS, SheetLayout, choices, looks_like_formula,
};

/// Rows of each inventory sheet that carry the drop-downs (beyond what the store filled).
pub const TEMPLATE_ROWS: u32 = 2_000;

/// What the workbook is made of.
#[derive(Debug, Clone)]
pub struct TemplateInput<'a> {
    /// The agencies a person may fill in for: `(code, name)`.
    pub agencies: Vec<(Code, String)>,
    /// The reference codes they may use (national and their government's local ones).
    pub codes: Vec<RefEntry>,
    pub period: Period,
    /// What the store already holds for those agencies (rows written into the sheets).
    pub model: &'a ArchitectureModel,
}

struct Cells {
    quoted: Format,
    plain: Format,
    header: Format,
}

impl Cells {
    fn text(&self, ws: &mut Worksheet, row: u32, col: u16, text: &str) -> Result<(), XlsxError> {
        let format = if looks_like_formula(text) {
            &self.quoted
        } else {
            &self.plain
        };
        ws.write_string_with_format(row, col, text, format)?;
        Ok(())
    }
}

fn enum_text<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The cell text of one field of `e` (relation columns excluded).
fn value(e: &ModelElement, field: Field) -> String {
    let s = &e.spec;
    match (field, &s.details) {
        (Field::Agency, _) => e.agency.to_string(),
        (Field::Code, _) => s.code.to_string(),
        (Field::Name, _) => s.name.to_string(),
        (Field::Description, _) => s.description.to_string(),
        (Field::RefCode, _) => s
            .ref_code
            .as_ref()
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default(),
        (Field::Parent, _) => s.parent.as_ref().map(ToString::to_string).unwrap_or_default(),
        (Field::Owner, _) => s.owner.to_string(),
        (Field::Classification, Details::DataSet { classification, .. }) => enum_text(classification),
        (Field::Producer, Details::DataSet { producer, .. }) => producer.to_string(),
        (Field::Walidata, Details::DataSet { walidata, .. }) => walidata.to_string(),
        (Field::Area, Details::Service { area }) => enum_text(area),
        (Field::Application, Details::Application { application, .. }) => {
            application.as_ref().map(ToString::to_string).unwrap_or_default()
        }
        (Field::Lifecycle, Details::Application { lifecycle, .. }) => lifecycle.as_str().to_owned(),
        (Field::TechnicalFit, Details::Application { technical_fit, .. }) => enum_text(technical_fit),
        (Field::FunctionalFit, Details::Application { functional_fit, .. }) => enum_text(functional_fit),
        (Field::Disposition, Details::Application { disposition, .. }) => enum_text(disposition),
        _ => String::new(),
    }
}

/// The lists on the hidden sheet: `(field or family, values)`; each becomes one column.
fn lists(input: &TemplateInput<'_>) -> Vec<(ListKey, Vec<String>)> {
    let mut out = vec![(
        ListKey::Agencies,
        input.agencies.iter().map(|(c, _)| c.to_string()).collect(),
    )];
    for family in [Family::Rab, Family::Rad, Family::Ral, Family::Raa] {
        let codes = input
            .codes
            .iter()
            .filter(|e| e.code.family() == family)
            .map(|e| e.code.as_str().to_owned())
            .collect();
        out.push((ListKey::Codes(family), codes));
    }
    for field in [
        Field::Classification,
        Field::Area,
        Field::Lifecycle,
        Field::TechnicalFit,
        Field::Disposition,
    ] {
        out.push((
            ListKey::Choices(field),
            choices(field).iter().map(|s| (*s).to_owned()).collect(),
        ));
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum ListKey {
    Agencies,
    Codes(Family),
    Choices(Field),
}

fn list_key(field: Field, kind: ElementKind) -> Option<ListKey> {
    match field {
        Field::Agency | Field::Producer => Some(ListKey::Agencies),
        Field::RefCode => kind.family().map(ListKey::Codes),
        Field::FunctionalFit => Some(ListKey::Choices(Field::TechnicalFit)),
        Field::Classification | Field::Area | Field::Lifecycle | Field::TechnicalFit | Field::Disposition => {
            Some(ListKey::Choices(field))
        }
        _ => None,
    }
}

fn column_letter(col: u16) -> String {
    let mut n = u32::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(b'A' + u8::try_from(rem).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// The workbook's bytes.
pub fn workbook(input: &TemplateInput<'_>) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let cells = Cells {
        quoted: Format::new().set_quote_prefix(),
        plain: Format::new(),
        header: Format::new().set_bold(),
    };
    readme(book.add_worksheet(), &cells, input)?;

    let lists = lists(input);
    let mut ranges: HashMap<ListKey, String> = HashMap::new();
    for (i, (key, values)) in lists.iter().enumerate() {
        if values.is_empty() {
            continue;
        }
        let letter = column_letter(u16::try_from(i).unwrap_or(0));
        let last = values.len() + 1;
        ranges.insert(*key, format!("={LISTS_SHEET}!${letter}$2:${letter}${last}"));
    }

    let ends = element_kinds(input.model);
    for layout in &SHEETS {
        let ws = book.add_worksheet();
        inventory(ws, &cells, layout, input, &ranges, &ends)?;
    }

    let ws = book.add_worksheet();
    ws.set_name(CODES_SHEET)?;
    for (col, header) in ["Kode", "Nama", "Asal"].iter().enumerate() {
        ws.write_string_with_format(0, u16::try_from(col).unwrap_or(0), *header, &cells.header)?;
    }
    for (i, e) in input.codes.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        cells.text(ws, row, 0, e.code.as_str())?;
        cells.text(ws, row, 1, e.name.as_str())?;
        cells.text(ws, row, 2, &enum_text(&e.origin))?;
    }
    ws.set_column_width(1, 50)?;

    let ws = book.add_worksheet();
    ws.set_name(LISTS_SHEET)?;
    for (i, (key, values)) in lists.iter().enumerate() {
        let col = u16::try_from(i).unwrap_or(0);
        let header = match key {
            ListKey::Agencies => "instansi".to_owned(),
            ListKey::Codes(f) => f.as_str().to_owned(),
            ListKey::Choices(f) => format!("{f:?}").to_lowercase(),
        };
        ws.write_string(0, col, header)?;
        for (r, v) in values.iter().enumerate() {
            cells.text(ws, u32::try_from(r + 1).unwrap_or(u32::MAX), col, v)?;
        }
    }
    ws.set_hidden(true);
    book.save_to_buffer()
}

fn readme(ws: &mut Worksheet, cells: &Cells, input: &TemplateInput<'_>) -> Result<(), XlsxError> {
    ws.set_name(README_SHEET)?;
    ws.set_column_width(0, 28)?;
    ws.set_column_width(1, 12)?;
    ws.set_column_width(2, 80)?;
    let intro = [
        "Inventaris Arsitektur SPBE".to_owned(),
        format!("Periode perencanaan: {}", input.period),
        "Isi satu baris per elemen pada lembar Aplikasi, Layanan, Data dan Proses Bisnis. Kolom bertanda * wajib diisi.".to_owned(),
        "Pilih nilai dari daftar tarik-turun; kode referensi ada di lembar Kode Referensi.".to_owned(),
        "Unggah berkas ini di konsol Wadah (Pertukaran Arsitektur) atau: wadah import xlsx BERKAS --dry-run.".to_owned(),
        "Laporan impor menyebut tiap baris: diterima atau ditolak, dan alasannya. Satu baris ditolak: tidak ada yang diimpor.".to_owned(),
        "(EN) One row per element; columns marked * are required; the import report lists every row.".to_owned(),
    ];
    for (i, line) in intro.iter().enumerate() {
        let format = if i == 0 { &cells.header } else { &cells.plain };
        ws.write_string_with_format(u32::try_from(i).unwrap_or(0), 0, line, format)?;
    }
    let mut row = u32::try_from(intro.len() + 1).unwrap_or(0);
    for (col, header) in ["Lembar / Kolom", "Wajib", "Keterangan"].iter().enumerate() {
        ws.write_string_with_format(row, u16::try_from(col).unwrap_or(0), *header, &cells.header)?;
    }
    for layout in &SHEETS {
        row += 1;
        ws.write_string_with_format(row, 0, layout.name, &cells.header)?;
        for c in layout.columns {
            row += 1;
            cells.text(ws, row, 0, c.header)?;
            cells.text(ws, row, 1, if c.required { "ya" } else { "" })?;
            cells.text(ws, row, 2, c.note)?;
        }
    }
    Ok(())
}

/// Element key → kind, for the relation columns.
fn element_kinds(model: &ArchitectureModel) -> HashMap<(Code, Code), ElementKind> {
    model
        .elements
        .iter()
        .map(|e| ((e.agency.clone(), e.spec.code.clone()), e.spec.kind()))
        .collect()
}

fn relation_cell(
    e: &ModelElement,
    relation: RelationKind,
    target_kind: ElementKind,
    model: &ArchitectureModel,
    ends: &HashMap<(Code, Code), ElementKind>,
) -> String {
    let mut targets = Vec::new();
    for r in &model.relations {
        let s = &r.spec;
        if r.period != e.period
            || s.kind != relation
            || s.source.agency != e.agency
            || s.source.code != e.spec.code
        {
            continue;
        }
        let kind = ends.get(&(s.target.agency.clone(), s.target.code.clone()));
        if kind.is_some_and(|k| *k != target_kind) {
            continue;
        }
        targets.push(if s.target.agency == e.agency {
            s.target.code.to_string()
        } else {
            format!("{}/{}", s.target.agency, s.target.code)
        });
    }
    targets.join("; ")
}

fn inventory(
    ws: &mut Worksheet,
    cells: &Cells,
    layout: &SheetLayout,
    input: &TemplateInput<'_>,
    ranges: &HashMap<ListKey, String>,
    ends: &HashMap<(Code, Code), ElementKind>,
) -> Result<(), XlsxError> {
    ws.set_name(layout.name)?;
    ws.set_freeze_panes(1, 0)?;
    for (i, c) in layout.columns.iter().enumerate() {
        let col = u16::try_from(i).unwrap_or(0);
        let header = if c.required {
            format!("{}*", c.header)
        } else {
            c.header.to_owned()
        };
        ws.write_string_with_format(0, col, header, &cells.header)?;
        ws.set_column_width(col, 22)?;
        let mut validation = match list_key(c.field, layout.kind).and_then(|k| ranges.get(&k)) {
            Some(range) => DataValidation::new()
                .allow_list_formula(Formula::new(range))
                .set_error_title("Nilai tidak dikenal")?
                .set_error_message("Pilih nilai dari daftar.")?,
            None => DataValidation::new(),
        };
        validation = validation
            .set_input_title(truncate(c.header, 32))?
            .set_input_message(truncate(c.note, 255))?;
        ws.add_data_validation(1, col, TEMPLATE_ROWS, col, &validation)?;
    }
    let agencies: Vec<&Code> = input.agencies.iter().map(|(c, _)| c).collect();
    let rows = input.model.elements.iter().filter(|e| {
        e.period == input.period && e.spec.kind() == layout.kind && agencies.contains(&&e.agency)
    });
    for (e, row) in rows.zip(1u32..) {
        for (i, c) in layout.columns.iter().enumerate() {
            let col = u16::try_from(i).unwrap_or(0);
            let text = match c.field.relation() {
                Some((relation, target)) => relation_cell(e, relation, target, input.model, ends),
                None => value(e, c.field),
            };
            if !text.is_empty() {
                cells.text(ws, row, col, &text)?;
            }
        }
    }
    Ok(())
}

fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}
