//! The inventory workbook agencies fill in: one sheet per domain they know best (applications,
//! services, data, business processes), a readme sheet, the reference codes, and hidden lists
//! behind the drop-downs. [`template`] writes it (empty, or with what the store already holds),
//! [`import`] reads a filled one back with a per-row report.
//!
//! The layout below is the one contract between the two: column headers are matched by text
//! (case and a trailing `*` ignored), so a person may reorder or add columns.

pub mod import;
pub mod template;

use wadah_domain::architecture::{ElementKind, RelationKind};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Agency,
    Code,
    Name,
    Description,
    RefCode,
    Parent,
    Owner,
    Classification,
    Producer,
    Walidata,
    Area,
    Application,
    Lifecycle,
    TechnicalFit,
    FunctionalFit,
    Disposition,
    /// Relations: codes of the elements this row's element relates to (`;`-separated, `code`
    /// in the same agency or `agency/code`).
    Serves,
    Realizes,
    Accesses,
}

impl Field {
    /// The relation a relation column states, and the kind its targets must be.
    pub fn relation(self) -> Option<(RelationKind, ElementKind)> {
        match self {
            Self::Serves => Some((RelationKind::Serving, ElementKind::BusinessProcess)),
            Self::Realizes => Some((RelationKind::Realization, ElementKind::Service)),
            Self::Accesses => Some((RelationKind::Access, ElementKind::DataSet)),
            _ => None,
        }
    }
}

/// One column of a sheet.
#[derive(Debug)]
pub struct Column {
    pub field: Field,
    pub header: &'static str,
    pub required: bool,
    /// The hint shown when the cell is selected, and on the readme sheet.
    pub note: &'static str,
}

/// One inventory sheet.
#[derive(Debug)]
pub struct SheetLayout {
    pub name: &'static str,
    pub kind: ElementKind,
    pub columns: &'static [Column],
}

const fn col(field: Field, header: &'static str, required: bool, note: &'static str) -> Column {
    Column {
        field,
        header,
        required,
        note,
    }
}

const AGENCY: Column = col(
    Field::Agency,
    "Kode Instansi",
    false,
    "Kode instansi pemilik (kosong: instansi impor)",
);
const CODE: Column = col(
    Field::Code,
    "Kode",
    true,
    "Huruf kecil, angka, tanda hubung; unik per instansi",
);
const NAME: Column = col(Field::Name, "Nama", true, "Nama elemen");
const DESCRIPTION: Column = col(Field::Description, "Deskripsi", false, "Uraian singkat");
const REF_CODE: Column = col(
    Field::RefCode,
    "Kode Referensi",
    false,
    "Kode referensi arsitektur SPBE (lihat lembar Kode Referensi)",
);
const PARENT: Column = col(
    Field::Parent,
    "Induk",
    false,
    "Kode elemen induk dari jenis yang sama",
);
const OWNER: Column = col(
    Field::Owner,
    "Unit Pemilik",
    false,
    "Unit kerja penanggung jawab (bukan nama orang)",
);
const SERVES: Column = col(
    Field::Serves,
    "Proses yang Dilayani",
    false,
    "Kode proses bisnis, dipisah titik koma; instansi lain: instansi/kode",
);
const ACCESSES: Column = col(
    Field::Accesses,
    "Data yang Diakses",
    false,
    "Kode data, dipisah titik koma; instansi lain: instansi/kode",
);

/// The four inventory sheets, in the workbook's order.
pub const SHEETS: [SheetLayout; 4] = [
    SheetLayout {
        name: "Aplikasi",
        kind: ElementKind::Application,
        columns: &[
            AGENCY,
            CODE,
            NAME,
            DESCRIPTION,
            REF_CODE,
            PARENT,
            OWNER,
            col(
                Field::Application,
                "Kode Aplikasi Registri",
                false,
                "Kode aplikasi di registri Wadah, bila terdaftar",
            ),
            col(
                Field::Lifecycle,
                "Siklus Hidup",
                true,
                "plan, phase-in, active, phase-out, end-of-life",
            ),
            col(
                Field::TechnicalFit,
                "Kesesuaian Teknis",
                true,
                "poor, insufficient, adequate, excellent",
            ),
            col(
                Field::FunctionalFit,
                "Kesesuaian Fungsional",
                true,
                "poor, insufficient, adequate, excellent",
            ),
            col(
                Field::Disposition,
                "Disposisi TIME",
                false,
                "tolerate, invest, migrate, eliminate (kosong: dari kedua kesesuaian)",
            ),
            col(
                Field::Realizes,
                "Layanan yang Diwujudkan",
                false,
                "Kode layanan, dipisah titik koma; instansi lain: instansi/kode",
            ),
            SERVES,
            ACCESSES,
        ],
    },
    SheetLayout {
        name: "Layanan",
        kind: ElementKind::Service,
        columns: &[
            AGENCY,
            CODE,
            NAME,
            DESCRIPTION,
            REF_CODE,
            PARENT,
            OWNER,
            col(
                Field::Area,
                "Jenis Layanan",
                true,
                "public (RAL.01) atau administration (RAL.02)",
            ),
            SERVES,
        ],
    },
    SheetLayout {
        name: "Data",
        kind: ElementKind::DataSet,
        columns: &[
            AGENCY,
            CODE,
            NAME,
            DESCRIPTION,
            REF_CODE,
            PARENT,
            OWNER,
            col(
                Field::Classification,
                "Klasifikasi",
                true,
                "terbuka, terbatas, rahasia",
            ),
            col(
                Field::Producer,
                "Produsen Data",
                false,
                "Kode instansi produsen (kosong: instansi pemilik)",
            ),
            col(Field::Walidata, "Walidata", false, "Unit walidata"),
        ],
    },
    SheetLayout {
        name: "Proses Bisnis",
        kind: ElementKind::BusinessProcess,
        columns: &[AGENCY, CODE, NAME, DESCRIPTION, REF_CODE, PARENT, OWNER, ACCESSES],
    },
];

/// The readme sheet's name.
pub const README_SHEET: &str = "Petunjuk";
/// The reference codes sheet's name.
pub const CODES_SHEET: &str = "Kode Referensi";
/// The hidden sheet with the drop-down lists.
pub const LISTS_SHEET: &str = "Daftar";

/// The values of each enumeration column, as the importer reads them (the serde names).
pub fn choices(field: Field) -> &'static [&'static str] {
    match field {
        Field::Classification => &["terbuka", "terbatas", "rahasia"],
        Field::Area => &["public", "administration"],
        Field::Lifecycle => &["plan", "phase-in", "active", "phase-out", "end-of-life"],
        Field::TechnicalFit | Field::FunctionalFit => &["poor", "insufficient", "adequate", "excellent"],
        Field::Disposition => &["tolerate", "invest", "migrate", "eliminate"],
        _ => &[],
    }
}

/// A header as the importer compares it.
pub fn normalize_header(raw: &str) -> String {
    raw.trim().trim_end_matches('*').trim().to_lowercase()
}

/// Text that a spreadsheet would take for a formula when typed in (or pasted).
pub fn looks_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_choice_is_a_value_the_domain_reads() {
        use wadah_domain::application::LifecycleStage;
        use wadah_domain::architecture::element::{Classification, Disposition, Fit, ServiceArea};
        fn parses<T: serde::de::DeserializeOwned>(raw: &str) -> bool {
            serde_json::from_value::<T>(serde_json::Value::String(raw.into())).is_ok()
        }
        assert!(
            choices(Field::Classification)
                .iter()
                .all(|v| parses::<Classification>(v))
        );
        assert!(choices(Field::Area).iter().all(|v| parses::<ServiceArea>(v)));
        assert!(
            choices(Field::Lifecycle)
                .iter()
                .all(|v| parses::<LifecycleStage>(v))
        );
        assert!(choices(Field::TechnicalFit).iter().all(|v| parses::<Fit>(v)));
        assert!(
            choices(Field::Disposition)
                .iter()
                .all(|v| parses::<Disposition>(v))
        );
    }

    #[test]
    fn headers_are_unique_per_sheet() {
        for sheet in &SHEETS {
            let mut seen = std::collections::BTreeSet::new();
            for c in sheet.columns {
                assert!(
                    seen.insert(normalize_header(c.header)),
                    "{}: {}",
                    sheet.name,
                    c.header
                );
            }
        }
    }
}
