//! Reads Archi's three CSV files (`elements.csv`, `relations.csv`, `properties.csv`, as Archi
//! and `wadah export csv` write them) into the same neutral [`Document`] an exchange file reads
//! into, so both formats share one conversion and one set of rules. Each row gets a line in
//! the report: a row the files themselves make wrong (no identifier, an identifier used twice,
//! a relation whose end is not in `elements.csv`, a property of nothing) is rejected here;
//! what the model rules say comes later, per row too.
//!
//! The files must be UTF-8 (a byte-order mark is fine, as Excel writes one); UTF-16 or a legacy
//! code page is refused with the line where it shows. Cells are text and stay text.

use std::collections::HashMap;

use crate::archimate::read::{Concept, Document, MAX_FILE_BYTES};
use crate::report::{RowReport, RowStatus};

/// Most rows one file may have (a province's properties are well under this).
pub const MAX_ROWS: usize = 2_000_000;

/// The three files' bytes.
#[derive(Debug, Clone, Copy)]
pub struct CsvInput<'a> {
    pub elements: &'a [u8],
    pub relations: &'a [u8],
    pub properties: &'a [u8],
}

/// A read set of files: the document, a report row per element and relation row (and per
/// rejected property row), and where each identifier's row is in that report.
#[derive(Debug, Default)]
pub struct CsvRead {
    pub doc: Document,
    pub rows: Vec<RowReport>,
    pub index: HashMap<String, usize>,
}

fn text<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, String> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(format!("{file} is UTF-16; save it as CSV UTF-8"));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
        format!("{file} is not UTF-8 (line {line}); save it as CSV UTF-8")
    })
}

/// One row: its line, and its cells by lower-cased header.
type Record = (usize, HashMap<String, String>);

/// One file's rows.
fn records(file: &str, bytes: &[u8], required: &[&str]) -> Result<Vec<Record>, String> {
    let text = text(file, bytes)?;
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("{file}: {e}"))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    for r in required {
        if !headers.iter().any(|h| h == r) {
            return Err(format!("{file} has no column {r:?}"));
        }
    }
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("{file}: {e}"))?;
        if out.len() == MAX_ROWS {
            return Err(format!("{file} has more than {MAX_ROWS} rows"));
        }
        // The reader counts the lines it has crossed before the record; people count from 1.
        let line = record.position().map_or(out.len() + 2, |p| {
            usize::try_from(p.line()).unwrap_or(usize::MAX).saturating_add(1)
        });
        let cells = headers
            .iter()
            .cloned()
            .zip(record.iter().map(str::to_owned))
            .collect();
        out.push((line, cells));
    }
    Ok(out)
}

fn get<'a>(cells: &'a HashMap<String, String>, key: &str) -> &'a str {
    cells.get(key).map_or("", |s| s.as_str())
}

/// Archi's export defuses formula-like cells with a leading space (as `wadah export csv`
/// does); a value read back drops it again.
fn undefuse(raw: &str) -> String {
    match raw.strip_prefix(' ') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_owned(),
        _ => raw.to_owned(),
    }
}

/// Reads the three files.
pub fn read_csv(input: CsvInput<'_>) -> Result<CsvRead, String> {
    let total = input.elements.len() + input.relations.len() + input.properties.len();
    if total > MAX_FILE_BYTES {
        return Err(format!(
            "the files are larger than {} MiB together",
            MAX_FILE_BYTES / 1024 / 1024
        ));
    }
    let mut out = CsvRead::default();
    let mut model_id = None;
    let mut relation_ids: HashMap<String, usize> = HashMap::new();
    let reject = |file: &str, line: usize, id: &str, reason: String| RowReport {
        sheet: file.to_owned(),
        row: line,
        id: id.to_owned(),
        status: RowStatus::Rejected,
        reasons: vec![reason],
    };
    for (line, cells) in records("elements.csv", input.elements, &["id", "type", "name"])? {
        let id = get(&cells, "id").trim().to_owned();
        let kind = get(&cells, "type").trim();
        if kind == "ArchimateModel" && model_id.is_none() {
            out.doc.name = undefuse(get(&cells, "name"));
            model_id = Some(id);
            continue;
        }
        if id.is_empty() {
            out.rows
                .push(reject("elements.csv", line, "", "the ID is empty".into()));
            continue;
        }
        if let Some(first) = out.index.get(&id) {
            let first_line = out.rows.get(*first).map_or(0, |r| r.row);
            out.rows.push(reject(
                "elements.csv",
                line,
                &id,
                format!("duplicate ID (first on line {first_line})"),
            ));
            continue;
        }
        out.index.insert(id.clone(), out.rows.len());
        out.rows.push(RowReport {
            sheet: "elements.csv".into(),
            row: line,
            id: id.clone(),
            status: RowStatus::Accepted,
            reasons: Vec::new(),
        });
        out.doc.elements.push(Concept {
            id,
            archimate_type: kind.to_owned(),
            name: undefuse(get(&cells, "name")),
            documentation: undefuse(get(&cells, "documentation")),
            ..Concept::default()
        });
    }
    let element_count = out.doc.elements.len();
    let mut element_at: HashMap<String, usize> = HashMap::with_capacity(element_count);
    for (i, c) in out.doc.elements.iter().enumerate() {
        element_at.insert(c.id.clone(), i);
    }
    for (line, cells) in records(
        "relations.csv",
        input.relations,
        &["id", "type", "source", "target"],
    )? {
        let id = get(&cells, "id").trim().to_owned();
        let kind = get(&cells, "type").trim();
        let (source, target) = (get(&cells, "source").trim(), get(&cells, "target").trim());
        let problem = if id.is_empty() {
            Some("the ID is empty".to_owned())
        } else if out.index.contains_key(&id) {
            Some("duplicate ID".to_owned())
        } else if !element_at.contains_key(source) {
            Some(format!(
                "the source {source:?} is not in elements.csv (broken relation)"
            ))
        } else if !element_at.contains_key(target) {
            Some(format!(
                "the target {target:?} is not in elements.csv (broken relation)"
            ))
        } else {
            None
        };
        if let Some(reason) = problem {
            out.rows.push(reject("relations.csv", line, &id, reason));
            continue;
        }
        out.index.insert(id.clone(), out.rows.len());
        relation_ids.insert(id.clone(), out.doc.relationships.len());
        out.rows.push(RowReport {
            sheet: "relations.csv".into(),
            row: line,
            id: id.clone(),
            status: RowStatus::Accepted,
            reasons: Vec::new(),
        });
        out.doc.relationships.push(Concept {
            id,
            archimate_type: kind.strip_suffix("Relationship").unwrap_or(kind).to_owned(),
            name: undefuse(get(&cells, "name")),
            documentation: undefuse(get(&cells, "documentation")),
            source: source.to_owned(),
            target: target.to_owned(),
            ..Concept::default()
        });
    }
    for (line, cells) in records("properties.csv", input.properties, &["id", "key", "value"])? {
        let id = get(&cells, "id").trim();
        let pair = (
            get(&cells, "key").trim().to_owned(),
            undefuse(get(&cells, "value")),
        );
        if model_id.as_deref() == Some(id) {
            out.doc.properties.push(pair);
        } else if let Some(i) = element_at.get(id) {
            out.doc.elements[*i].properties.push(pair);
        } else if let Some(i) = relation_ids.get(id) {
            out.doc.relationships[*i].properties.push(pair);
        } else {
            out.rows.push(reject(
                "properties.csv",
                line,
                id,
                "no element or relation has this ID".into(),
            ));
            continue;
        }
        out.doc.property_count += 1;
    }
    Ok(out)
}

/// The three files out of a zip (names ending in `elements.csv`, `relations.csv`,
/// `properties.csv`), after [`crate::zipguard::check`].
pub fn files_from_zip(bytes: &[u8]) -> Result<[Vec<u8>; 3], String> {
    crate::zipguard::check(bytes).map_err(|e| e.to_string())?;
    let mut out: [Vec<u8>; 3] = Default::default();
    for (slot, name) in out
        .iter_mut()
        .zip(["elements.csv", "relations.csv", "properties.csv"])
    {
        *slot = crate::zipguard::entry_ending(bytes, name)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("the zip has no {name}"))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defused_cells_read_back_as_written() {
        assert_eq!(undefuse(" =SUM(A1)"), "=SUM(A1)");
        assert_eq!(undefuse(" leading space"), " leading space");
    }

    #[test]
    fn encodings_other_than_utf8_are_refused_with_the_line() {
        let latin1 = b"ID,Type,Name\r\n\"a\",\"BusinessProcess\",\"Caf\xe9\"\r\n";
        let err = text("elements.csv", latin1).unwrap_err();
        assert!(err.contains("line 2"), "{err}");
        assert!(text("x", &[0xFF, 0xFE, b'I', 0]).unwrap_err().contains("UTF-16"));
        assert_eq!(text("x", b"\xEF\xBB\xBFID").unwrap(), "ID");
    }
}
