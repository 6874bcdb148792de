//! The assessment as an XLSX workbook in the layout evaluators work with: one row per
//! indicator (number, domain, aspect, indicator, weight, claimed level, explanation, person
//! responsible, evidence list, evaluator level and notes) on the sheet *Penilaian*, one row per
//! evidence item on *Bukti Dukung*, and the figures on *Ringkasan*.
//!
//! **Formula injection.** Every piece of text is written as a string cell, never as a formula,
//! and text that a spreadsheet would read as a formula when retyped (starting with `=`, `+`,
//! `-`, `@`, or a tab or carriage return that some importers strip before such a sign) also
//! gets Excel's quote prefix, so editing the cell keeps it text. Numbers that
//! are figures (levels, weights, indices) are numbers.

use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};
use wadah_domain::index::Instrument;
use wadah_domain::index::assessment::{Assessment, EvidenceItem, EvidenceSource};
use wadah_domain::index::results::AssessmentResults;

/// Text that a spreadsheet would take for a formula when typed in.
pub fn looks_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

struct Sheet<'a> {
    ws: &'a mut Worksheet,
    quoted: Format,
    wrap: Format,
}

impl Sheet<'_> {
    fn text(&mut self, row: u32, col: u16, text: &str) -> Result<(), XlsxError> {
        let format = if looks_like_formula(text) {
            &self.quoted
        } else {
            &self.wrap
        };
        self.ws.write_string_with_format(row, col, text, format)?;
        Ok(())
    }

    fn number(&mut self, row: u32, col: u16, value: f64) -> Result<(), XlsxError> {
        self.ws.write_number(row, col, value)?;
        Ok(())
    }
}

fn evidence_line(item: &EvidenceItem) -> String {
    let levels: Vec<String> = item.levels.iter().map(u8::to_string).collect();
    let what = match &item.source {
        EvidenceSource::File(f) => format!(
            "{} ({}, {} B, sha256 {})",
            f.name,
            f.media_type,
            f.size,
            &f.sha256[..f.sha256.len().min(12)]
        ),
        EvidenceSource::Link { url, title } => format!("{title} <{}>", url.as_str()),
        EvidenceSource::Platform { facts } => format!("Fakta platform: {}", facts.join(" ")),
    };
    format!("[tingkat {}] {what}", levels.join(","))
}

fn parse_number(text: &str) -> f64 {
    text.parse().unwrap_or(0.0)
}

/// The workbook's bytes.
pub fn workbook(
    assessment: &Assessment,
    instrument: &Instrument,
    results: &AssessmentResults,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let quoted = Format::new()
        .set_quote_prefix()
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);

    let summary = book.add_worksheet();
    summary.set_name("Ringkasan")?;
    summary.set_column_width(0, 28)?;
    summary.set_column_width(1, 40)?;
    let mut s = Sheet {
        ws: summary,
        quoted: quoted.clone(),
        wrap: wrap.clone(),
    };
    let rows: Vec<(&str, String)> = vec![
        ("Instansi", results.government_name.clone()),
        ("Tahun", results.year.to_string()),
        ("Instrumen", results.instrument_title.clone()),
        ("Status", results.status.clone()),
        (
            "Indeks (penilaian mandiri)",
            results.self_assessment.index.clone(),
        ),
        (
            "Predikat (penilaian mandiri)",
            results.self_assessment.predikat.clone(),
        ),
        (
            "Indeks (evaluator)",
            results
                .evaluator
                .as_ref()
                .map(|e| e.index.clone())
                .unwrap_or_default(),
        ),
        (
            "Predikat (evaluator)",
            results
                .evaluator
                .as_ref()
                .map(|e| e.predikat.clone())
                .unwrap_or_default(),
        ),
    ];
    for (i, (label, value)) in rows.iter().enumerate() {
        let row = u32::try_from(i).unwrap_or(u32::MAX);
        s.ws.write_string_with_format(row, 0, *label, &bold)?;
        s.text(row, 1, value)?;
    }

    let sheet = book.add_worksheet();
    sheet.set_name("Penilaian")?;
    let headers = [
        ("No", 5.0),
        ("Domain", 18.0),
        ("Aspek", 22.0),
        ("Indikator", 45.0),
        ("Bobot", 7.0),
        ("Tingkat", 8.0),
        ("Nama Tingkat", 14.0),
        ("Penjelasan", 50.0),
        ("Penanggung Jawab", 20.0),
        ("Bukti Dukung", 60.0),
        ("Tingkat Evaluator", 10.0),
        ("Catatan Evaluator", 40.0),
    ];
    for (col, (title, width)) in headers.iter().enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, col, *title, &bold)?;
        sheet.set_column_width(col, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let mut s = Sheet {
        ws: sheet,
        quoted: quoted.clone(),
        wrap: wrap.clone(),
    };
    for (i, (indicator, entry)) in instrument
        .indicators
        .iter()
        .zip(&assessment.indicators)
        .enumerate()
    {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let aspect = &instrument.aspects[indicator.aspect];
        let domain = aspect
            .domain
            .and_then(|d| instrument.domains.get(d))
            .map(|d| d.name.clone())
            .unwrap_or_default();
        s.number(row, 0, f64::from(indicator.number))?;
        s.text(row, 1, &domain)?;
        s.text(row, 2, &aspect.name)?;
        s.text(row, 3, &indicator.name)?;
        s.number(row, 4, parse_number(&indicator.weight.to_decimal_string(0)))?;
        if let Some(level) = entry.claimed_level {
            s.number(row, 5, f64::from(level))?;
            s.text(row, 6, instrument.level_name(i, level).unwrap_or_default())?;
        }
        s.text(row, 7, entry.justification.as_str())?;
        s.text(row, 8, entry.responsible.as_str())?;
        let evidence: Vec<String> = entry.evidence.iter().map(evidence_line).collect();
        s.text(row, 9, &evidence.join("\n"))?;
        if let Some(level) = entry.evaluator_level {
            s.number(row, 10, f64::from(level))?;
        }
        s.text(row, 11, entry.evaluator_notes.as_str())?;
    }

    let list = book.add_worksheet();
    list.set_name("Bukti Dukung")?;
    for (col, (title, width)) in [
        ("Indikator", 10.0),
        ("Tingkat", 10.0),
        ("Jenis", 10.0),
        ("Nama / Judul", 40.0),
        ("Tautan / SHA-256", 70.0),
        ("Ukuran (B)", 12.0),
        ("Ditambahkan oleh", 18.0),
    ]
    .iter()
    .enumerate()
    {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        list.write_string_with_format(0, col, *title, &bold)?;
        list.set_column_width(col, *width)?;
    }
    let mut s = Sheet {
        ws: list,
        quoted,
        wrap,
    };
    let mut row = 1u32;
    for entry in &assessment.indicators {
        for item in &entry.evidence {
            let levels: Vec<String> = item.levels.iter().map(u8::to_string).collect();
            s.number(row, 0, f64::from(entry.number))?;
            s.text(row, 1, &levels.join(","))?;
            match &item.source {
                EvidenceSource::File(f) => {
                    s.text(row, 2, "berkas")?;
                    s.text(row, 3, &f.name)?;
                    s.text(row, 4, &f.sha256)?;
                    s.number(row, 5, f.size as f64)?;
                }
                EvidenceSource::Link { url, title } => {
                    s.text(row, 2, "tautan")?;
                    s.text(row, 3, title)?;
                    s.text(row, 4, url.as_str())?;
                }
                EvidenceSource::Platform { facts } => {
                    s.text(row, 2, "platform")?;
                    s.text(row, 3, &facts.join(" "))?;
                }
            }
            s.text(row, 6, &item.added_by)?;
            row += 1;
        }
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::looks_like_formula;

    #[test]
    fn formula_signs_and_the_whitespace_importers_strip_before_them_are_guarded() {
        for text in ["=1+2", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"] {
            assert!(looks_like_formula(text), "{text:?}");
        }
        for text in ["Perwal 12/2025", "1 = 1", " x", ""] {
            assert!(!looks_like_formula(text), "{text:?}");
        }
    }
}
