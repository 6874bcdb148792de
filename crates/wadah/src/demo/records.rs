//! Synthetic records for the sample upstreams: realistic in shape (18-digit NIPs, 16-digit NIKs
//! with Bontang's region code 6474, real kelurahan names) but generated, never real people. The
//! same index always gives the same record, so tests and screenshots are stable.

use serde_json::{Value, json};

const FIRST: &[&str] = &[
    "Andi", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gilang", "Hana", "Indra", "Joko", "Kartika", "Lestari",
    "Maya", "Nur", "Putri", "Rizky", "Sari", "Teguh", "Wulan", "Yusuf",
];
const LAST: &[&str] = &[
    "Saputra",
    "Wijaya",
    "Rahmawati",
    "Pratama",
    "Hidayat",
    "Kusuma",
    "Nugroho",
    "Siregar",
    "Rahman",
    "Setiawan",
    "Syahputra",
    "Anggraini",
];
const KELURAHAN: &[&str] = &[
    "Bontang Baru",
    "Api-Api",
    "Gunung Elai",
    "Lok Tuan",
    "Guntung",
    "Bontang Kuala",
    "Tanjung Laut",
    "Tanjung Laut Indah",
    "Berbas Tengah",
    "Berbas Pantai",
    "Satimpo",
    "Bontang Lestari",
    "Kanaan",
    "Gunung Telihan",
    "Belimbing",
];
const UNITS: &[&str] = &[
    "Sekretariat Daerah",
    "BPSDM",
    "Dinas Sosial",
    "Diskominfo",
    "Dinas Kesehatan",
    "Bappeda",
];
const TRAININGS: &[&str] = &[
    "Pelatihan Dasar CPNS",
    "Pelatihan Kepemimpinan Pengawas",
    "Pelatihan Kepemimpinan Administrator",
    "Pelatihan Arsitektur SPBE",
    "Pelatihan Keamanan Informasi",
    "Pelatihan Pelayanan Publik Prima",
];

/// How many records each sample resource holds.
pub const RECORDS: u64 = 50;

/// splitmix64: a tiny deterministic generator; the records need variety, not secrecy.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn pick<'a>(list: &[&'a str], seed: u64) -> &'a str {
    list[(seed % list.len() as u64) as usize]
}

fn name(seed: u64) -> String {
    format!("{} {}", pick(FIRST, seed), pick(LAST, mix(seed)))
}

/// An 18-digit NIP: birth date, appointment month, sex, sequence.
fn nip(i: u64) -> String {
    let s = mix(i);
    let (y, m, d) = (1970 + s % 30, 1 + (s >> 8) % 12, 1 + (s >> 16) % 28);
    format!(
        "{y}{m:02}{d:02}{:04}{:02}{}{:03}",
        y + 22 + (s >> 24) % 5,
        1 + (s >> 28) % 12,
        1 + (s >> 32) % 2,
        i % 1000
    )
}

/// A 16-digit NIK with Kota Bontang's region code (64 Kalimantan Timur, 74 Bontang).
fn nik(i: u64) -> String {
    let s = mix(i ^ 0x5A5A);
    let kecamatan = 1 + s % 3;
    let (mut d, m, y) = (1 + (s >> 8) % 28, 1 + (s >> 16) % 12, (s >> 24) % 100);
    if (s >> 40) % 2 == 1 {
        d += 40; // the NIK marks women by adding 40 to the day of birth
    }
    format!("64740{kecamatan}{d:02}{m:02}{y:02}{:04}", 1 + i % 9999)
}

/// The record `i` of a sample resource.
pub fn record(resource: &str, i: u64) -> Value {
    let s = mix(i.wrapping_add(resource.len() as u64 * 7919));
    match resource {
        "pegawai" => json!({
            "nip": nip(i), "nama": name(s), "unit_kerja": pick(UNITS, s >> 3),
            "golongan": format!("{}/{}", pick(&["II", "III", "IV"], s >> 5), pick(&["a", "b", "c", "d"], s >> 7)),
        }),
        "pelatihan" => json!({
            "nip": nip(i), "pelatihan": pick(TRAININGS, s), "tahun": 2019 + s % 7,
            "jam_pelajaran": 24 + (s >> 4) % 100, "penyelenggara": "BPSDM Kota Bontang",
        }),
        "penerima" => json!({
            "nik": nik(i), "nama": name(s), "kelurahan": pick(KELURAHAN, s >> 2),
            "program": pick(&["PKH", "BPNT", "Bantuan Pangan", "PBI-JK"], s >> 9),
            "status": pick(&["aktif", "aktif", "verifikasi", "tidak aktif"], s >> 11),
        }),
        "kehadiran" => json!({
            "nip": nip(i), "bulan": format!("2026-{:02}", 1 + s % 11),
            "hadir": 15 + (s >> 4) % 8, "terlambat": (s >> 9) % 4, "cuti": (s >> 13) % 3,
        }),
        _ => json!({
            "id": i + 1, "jenis": resource, "kelurahan": pick(KELURAHAN, s),
            "tanggal": format!("2026-{:02}-{:02}", 1 + s % 11, 1 + (s >> 6) % 28),
            "status": pick(&["baru", "diproses", "selesai"], s >> 12),
        }),
    }
}

/// The OpenAPI document of a sample service (YAML, as many agencies write them).
pub fn openapi_yaml(title: &str, resource: &str) -> String {
    let op = resource.replace('-', "_");
    format!(
        r#"# Contoh (sample): dokumen OpenAPI layanan demo Wadah
openapi: 3.0.3
info:
  title: "{title}"
  version: "1.0.0"
  description: "Data sintetis untuk demo; bukan data pribadi sebenarnya."
paths:
  /{resource}:
    get:
      summary: "Daftar {resource}"
      operationId: list_{op}
      parameters:
        - name: limit
          in: query
          schema: {{type: integer, minimum: 1, maximum: 50, default: 10}}
      responses:
        "200":
          description: "Daftar data"
          content:
            application/json:
              schema:
                type: object
                properties:
                  items: {{type: array, items: {{type: object}}}}
                  total: {{type: integer}}
  /{resource}/{{id}}:
    get:
      summary: "Satu data {resource}"
      operationId: get_{op}
      parameters:
        - name: id
          in: path
          required: true
          schema: {{type: integer, minimum: 1}}
      responses:
        "200":
          description: "Satu data"
          content:
            application/json:
              schema: {{type: object}}
        "404":
          description: "Tidak ditemukan"
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_have_the_official_lengths_and_region() {
        for i in 0..RECORDS {
            let n = nik(i);
            assert_eq!(n.len(), 16, "{n}");
            assert!(n.starts_with("6474"));
            assert_eq!(nip(i).len(), 18, "{}", nip(i));
        }
        assert_eq!(record("penerima", 3), record("penerima", 3));
    }

    #[test]
    fn every_sample_document_is_valid_openapi() {
        let doc = openapi_yaml("SIMPEG", "pegawai");
        let parsed = wadah_domain::openapi::OpenApiDocument::parse(&doc).unwrap();
        assert_eq!(parsed.operations().len(), 2);
    }
}
