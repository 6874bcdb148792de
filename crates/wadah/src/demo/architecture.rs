//! The sample SPBE architecture of the Bontang pilot: BPSDM's and Dinas Sosial's business
//! processes, services, applications (the registry's own), data, infrastructure and security
//! controls for the RPJMD period 2025–2029, traced to sample RPJMD goals, and a sample Peta
//! Rencana SPBE with the Rp 200 million integration budget line. Written through
//! `import_architecture` after the same whole-model check an exchange-file import makes, so
//! the sample obeys every rule a user's data must; re-seeding changes nothing.
//!
//! The RPJMD goals are the city's, set by Bappeda; the demo has no Bappeda agency, so they sit
//! with Diskominfo (the operator) and name Bappeda as owner.

use std::collections::BTreeMap;

use anyhow::Context;
use serde_json::{Value, json};
use wadah_domain::architecture::{ArchitectureModel, ModelElement, ModelRelation, Period};
use wadah_domain::{Actor, Clock, Code};
use wadah_store::{Change, Store};

const PERIOD: &str = "2025-2029";

fn el(agency: &str, spec: Value) -> anyhow::Result<ModelElement> {
    let what = format!("{agency}/{}", spec["code"]);
    Ok(ModelElement {
        agency: Code::parse(agency)?,
        period: Period::parse(PERIOD)?,
        spec: serde_json::from_value(spec).with_context(|| format!("sample element {what} is invalid"))?,
    })
}

fn process(
    agency: &str,
    code: &str,
    name: &str,
    ref_code: &str,
    parent: Option<&str>,
    owner: &str,
) -> anyhow::Result<ModelElement> {
    el(
        agency,
        json!({"code": code, "name": name, "ref_code": ref_code, "parent": parent, "owner": owner,
                      "details": {"kind": "business_process"}}),
    )
}

fn app(
    agency: &str,
    code: &str,
    name: &str,
    ref_code: &str,
    facts: (&str, &str, &str, &str),
) -> anyhow::Result<ModelElement> {
    let (lifecycle, technical, functional, disposition) = facts;
    el(
        agency,
        json!({"code": code, "name": name, "ref_code": ref_code, "owner": "Subbagian Program dan TI",
        "details": {"kind": "application", "application": code, "lifecycle": lifecycle,
                    "technical_fit": technical, "functional_fit": functional, "disposition": disposition}}),
    )
}

fn goal(
    code: &str,
    name: &str,
    level: &str,
    parent: Option<&str>,
    target: &str,
) -> anyhow::Result<ModelElement> {
    el(
        "diskominfo",
        json!({"code": code, "name": name, "parent": parent, "owner": "Bappeda (RPJMD Kota Bontang)",
        "details": {"kind": "goal", "level": level, "target": target}}),
    )
}

fn roadmap(
    agency: &str,
    code: &str,
    name: &str,
    part: &str,
    years: (u16, u16),
    budget: &[(u16, u64)],
    gaps: &[&str],
) -> anyhow::Result<ModelElement> {
    let budget: Vec<Value> = budget
        .iter()
        .map(|(y, r)| json!({"year": y, "rupiah": r}))
        .collect();
    el(
        agency,
        json!({"code": code, "name": name, "owner": "Bidang Aplikasi Informatika",
        "details": {"kind": "roadmap_item", "part": part, "status": "planned", "first_year": years.0,
                    "last_year": years.1, "budget": budget, "gaps": gaps}}),
    )
}

fn elements() -> anyhow::Result<Vec<ModelElement>> {
    let (bp, ds) = (
        "Bidang Pengembangan Kompetensi",
        "Bidang Perlindungan dan Jaminan Sosial",
    );
    Ok(vec![
        // BPSDM.
        process(
            "bpsdm",
            "manajemen-asn",
            "Manajemen Aparatur Sipil Negara",
            "RAB.09.06",
            None,
            "Sekretariat BPSDM",
        )?,
        process(
            "bpsdm",
            "pengembangan-kompetensi",
            "Pengembangan Kompetensi ASN",
            "RAB.09.06",
            Some("manajemen-asn"),
            bp,
        )?,
        process(
            "bpsdm",
            "pengelolaan-kinerja",
            "Pengelolaan Kinerja ASN",
            "RAB.09.06",
            Some("manajemen-asn"),
            "Bidang Penilaian Kinerja",
        )?,
        process(
            "bpsdm",
            "administrasi-cuti",
            "Administrasi Cuti Pegawai",
            "RAB.09.06",
            Some("manajemen-asn"),
            "",
        )?,
        el(
            "bpsdm",
            json!({"code": "layanan-diklat", "name": "Layanan Pendaftaran Diklat", "ref_code": "RAL.02", "owner": bp,
            "details": {"kind": "service", "area": "administration"}}),
        )?,
        el(
            "bpsdm",
            json!({"code": "layanan-cuti", "name": "Layanan Cuti Pegawai", "ref_code": "RAL.02", "owner": "Subbagian Umum",
            "details": {"kind": "service", "area": "administration"}}),
        )?,
        app(
            "bpsdm",
            "simpeg",
            "SIMPEG",
            "RAA.02.01",
            ("active", "adequate", "excellent", "invest"),
        )?,
        app(
            "bpsdm",
            "simdiklat",
            "SIMDIKLAT",
            "RAA.02.01",
            ("active", "insufficient", "adequate", "migrate"),
        )?,
        app(
            "bpsdm",
            "e-kinerja",
            "e-Kinerja",
            "RAA.02.01",
            ("active", "adequate", "adequate", "invest"),
        )?,
        app(
            "bpsdm",
            "e-cuti",
            "e-Cuti",
            "RAA.02.01",
            ("phase-out", "poor", "insufficient", "eliminate"),
        )?,
        el(
            "bpsdm",
            json!({"code": "data-pegawai", "name": "Data Induk Pegawai", "owner": "Subbagian Program dan TI",
            "details": {"kind": "data_set", "classification": "terbatas", "producer": "bpsdm", "walidata": "Diskominfo (Satu Data)"}}),
        )?,
        el(
            "bpsdm",
            json!({"code": "data-diklat", "name": "Riwayat Diklat ASN", "owner": bp,
            "details": {"kind": "data_set", "classification": "terbatas", "producer": "bpsdm"}}),
        )?,
        el(
            "bpsdm",
            json!({"code": "cadangan-harian", "name": "Pencadangan harian basis data kepegawaian", "owner": "Subbagian Program dan TI",
            "details": {"kind": "security_control", "status": "implemented"}}),
        )?,
        roadmap(
            "bpsdm",
            "konsolidasi-kepegawaian",
            "Konsolidasi e-Cuti ke SIMPEG",
            "aplikasi",
            (2027, 2028),
            &[(2027, 60_000_000), (2028, 40_000_000)],
            &["e-Cuti menyimpan data pegawai sendiri"],
        )?,
        // Dinas Sosial.
        process(
            "dinsos",
            "penyaluran-bansos",
            "Penyaluran Bantuan Sosial",
            "RAB.04.02.01",
            None,
            ds,
        )?,
        process(
            "dinsos",
            "verifikasi-dtks",
            "Verifikasi dan Validasi DTKS",
            "RAB.04.02.01",
            Some("penyaluran-bansos"),
            ds,
        )?,
        process(
            "dinsos",
            "penanganan-pengaduan",
            "Penanganan Pengaduan Sosial",
            "RAB.04.02",
            None,
            "Sekretariat Dinas Sosial",
        )?,
        process(
            "dinsos",
            "rujukan-terpadu",
            "Rujukan Sosial Terpadu",
            "RAB.04.02",
            None,
            "",
        )?,
        el(
            "dinsos",
            json!({"code": "pengajuan-bansos", "name": "Pengajuan Bantuan Sosial", "ref_code": "RAL.01", "owner": ds,
            "details": {"kind": "service", "area": "public"}}),
        )?,
        el(
            "dinsos",
            json!({"code": "pengaduan-sosial", "name": "Pengaduan Layanan Sosial", "ref_code": "RAL.01", "owner": "Sekretariat Dinas Sosial",
            "details": {"kind": "service", "area": "public"}}),
        )?,
        app(
            "dinsos",
            "dtks",
            "DTKS",
            "RAA.02.01",
            ("active", "adequate", "excellent", "invest"),
        )?,
        app(
            "dinsos",
            "e-bansos",
            "e-Bansos",
            "RAA.02.01",
            ("active", "adequate", "adequate", "invest"),
        )?,
        app(
            "dinsos",
            "pengaduan",
            "Pengaduan Layanan Sosial",
            "RAA.02.01",
            ("active", "insufficient", "adequate", "migrate"),
        )?,
        app(
            "dinsos",
            "slrt",
            "SLRT",
            "RAA.02.01",
            ("phase-in", "adequate", "adequate", "invest"),
        )?,
        el(
            "dinsos",
            json!({"code": "data-dtks", "name": "Data Terpadu Kesejahteraan Sosial", "owner": ds,
            "details": {"kind": "data_set", "classification": "rahasia", "producer": "dinsos", "walidata": "Diskominfo (Satu Data)"}}),
        )?,
        el(
            "dinsos",
            json!({"code": "data-penerima", "name": "Data Penerima Bantuan", "owner": ds,
            "details": {"kind": "data_set", "classification": "terbatas", "producer": "dinsos"}}),
        )?,
        el(
            "dinsos",
            json!({"code": "enkripsi-dtks", "name": "Enkripsi data DTKS saat disimpan", "owner": ds,
            "details": {"kind": "security_control", "status": "partial"}}),
        )?,
        roadmap(
            "dinsos",
            "integrasi-dtks",
            "Integrasi DTKS dengan e-Bansos lewat Wadah",
            "aplikasi",
            (2026, 2026),
            &[(2026, 35_000_000)],
            &["Data penerima disalin manual dari DTKS"],
        )?,
        // Diskominfo: shared infrastructure, the city's RPJMD goals and the city roadmap.
        el(
            "diskominfo",
            json!({"code": "pusat-data-kota", "name": "Pusat Data Kota Bontang", "ref_code": "RAI.01", "owner": "Bidang Infrastruktur TIK",
            "details": {"kind": "infrastructure", "category": "data_centre"}}),
        )?,
        el(
            "diskominfo",
            json!({"code": "jaringan-intra", "name": "Jaringan Intra Pemerintah", "ref_code": "RAI.01", "owner": "Bidang Infrastruktur TIK",
            "details": {"kind": "infrastructure", "category": "network"}}),
        )?,
        goal(
            "misi-1",
            "Meningkatkan kualitas sumber daya manusia dan perlindungan sosial",
            "misi",
            None,
            "",
        )?,
        goal(
            "tujuan-1-1",
            "Meningkatnya kesejahteraan sosial masyarakat",
            "tujuan",
            Some("misi-1"),
            "",
        )?,
        goal(
            "sasaran-1-1-1",
            "Menurunnya penduduk miskin dan rentan",
            "sasaran",
            Some("tujuan-1-1"),
            "",
        )?,
        goal(
            "iku-kemiskinan",
            "Persentase penduduk miskin",
            "indikator",
            Some("sasaran-1-1-1"),
            "≤ 4,5 % pada 2029",
        )?,
        goal(
            "misi-2",
            "Mewujudkan tata kelola pemerintahan yang efektif berbasis SPBE",
            "misi",
            None,
            "",
        )?,
        goal(
            "tujuan-2-1",
            "Meningkatnya kualitas birokrasi dan pelayanan publik",
            "tujuan",
            Some("misi-2"),
            "",
        )?,
        goal(
            "sasaran-2-1-1",
            "Meningkatnya kematangan SPBE",
            "sasaran",
            Some("tujuan-2-1"),
            "",
        )?,
        goal(
            "iku-indeks-spbe",
            "Indeks SPBE Kota Bontang",
            "indikator",
            Some("sasaran-2-1-1"),
            "3,5 (Baik) pada 2029",
        )?,
        goal(
            "sasaran-2-1-2",
            "Meningkatnya profesionalitas ASN",
            "sasaran",
            Some("tujuan-2-1"),
            "",
        )?,
        goal(
            "iku-merit",
            "Indeks sistem merit",
            "indikator",
            Some("sasaran-2-1-2"),
            "≥ 0,8",
        )?,
        roadmap(
            "diskominfo",
            "integrasi-layanan",
            "Integrasi layanan antar perangkat daerah (Wadah)",
            "aplikasi",
            (2026, 2026),
            &[(2026, 200_000_000)],
            &[
                "Aplikasi perangkat daerah saling terhubung titik ke titik",
                "Belum ada katalog layanan",
            ],
        )?,
        roadmap(
            "diskominfo",
            "arsitektur-spbe",
            "Penyusunan dan pemutakhiran Arsitektur SPBE",
            "tata_kelola",
            (2026, 2029),
            &[(2026, 75_000_000), (2028, 40_000_000)],
            &[],
        )?,
        roadmap(
            "diskominfo",
            "manajemen-data",
            "Manajemen data dan Satu Data",
            "manajemen",
            (2027, 2027),
            &[(2027, 120_000_000)],
            &[],
        )?,
        roadmap(
            "diskominfo",
            "portal-asn",
            "Satu pintu layanan ASN",
            "layanan",
            (2027, 2028),
            &[(2027, 90_000_000), (2028, 60_000_000)],
            &[],
        )?,
        roadmap(
            "diskominfo",
            "pusat-data-ha",
            "Ketersediaan tinggi Pusat Data Kota",
            "infrastruktur",
            (2028, 2028),
            &[(2028, 350_000_000)],
            &[],
        )?,
        roadmap(
            "diskominfo",
            "csirt-kota",
            "Pembentukan CSIRT Kota",
            "keamanan",
            (2026, 2027),
            &[(2026, 50_000_000), (2027, 50_000_000)],
            &[],
        )?,
        roadmap(
            "diskominfo",
            "audit-tik",
            "Audit TIK aplikasi prioritas",
            "audit_tik",
            (2027, 2027),
            &[(2027, 150_000_000)],
            &[],
        )?,
    ])
}

fn rel(kind: &str, from: &str, to: &str) -> anyhow::Result<ModelRelation> {
    let end = |path: &str| -> anyhow::Result<Value> {
        let (agency, code) = path
            .split_once('/')
            .context("sample relation end is agency/code")?;
        Ok(json!({"agency": agency, "code": code}))
    };
    Ok(ModelRelation {
        period: Period::parse(PERIOD)?,
        spec: serde_json::from_value(json!({"kind": kind, "source": end(from)?, "target": end(to)?}))
            .with_context(|| format!("sample relation {from} -> {to} is invalid"))?,
    })
}

fn relations() -> anyhow::Result<Vec<ModelRelation>> {
    let list = [
        ("serving", "bpsdm/simdiklat", "bpsdm/pengembangan-kompetensi"),
        ("serving", "bpsdm/e-kinerja", "bpsdm/pengelolaan-kinerja"),
        ("serving", "bpsdm/simpeg", "bpsdm/manajemen-asn"),
        ("serving", "bpsdm/e-cuti", "bpsdm/administrasi-cuti"),
        ("serving", "bpsdm/simpeg", "bpsdm/administrasi-cuti"),
        ("realization", "bpsdm/simdiklat", "bpsdm/layanan-diklat"),
        ("realization", "bpsdm/e-cuti", "bpsdm/layanan-cuti"),
        ("serving", "bpsdm/layanan-diklat", "bpsdm/pengembangan-kompetensi"),
        ("serving", "bpsdm/layanan-cuti", "bpsdm/administrasi-cuti"),
        ("access", "bpsdm/simpeg", "bpsdm/data-pegawai"),
        ("access", "bpsdm/simdiklat", "bpsdm/data-diklat"),
        ("access", "bpsdm/e-cuti", "bpsdm/data-pegawai"),
        ("flow", "bpsdm/simpeg", "bpsdm/e-kinerja"),
        ("flow", "bpsdm/simpeg", "bpsdm/simdiklat"),
        ("realization", "bpsdm/simpeg", "bpsdm/cadangan-harian"),
        ("serving", "diskominfo/pusat-data-kota", "bpsdm/simpeg"),
        ("serving", "diskominfo/pusat-data-kota", "dinsos/dtks"),
        (
            "serving",
            "diskominfo/jaringan-intra",
            "diskominfo/pusat-data-kota",
        ),
        (
            "realization",
            "bpsdm/pengembangan-kompetensi",
            "diskominfo/iku-merit",
        ),
        ("realization", "bpsdm/manajemen-asn", "diskominfo/sasaran-2-1-2"),
        ("serving", "dinsos/e-bansos", "dinsos/penyaluran-bansos"),
        ("serving", "dinsos/dtks", "dinsos/verifikasi-dtks"),
        ("serving", "dinsos/pengaduan", "dinsos/penanganan-pengaduan"),
        ("serving", "dinsos/slrt", "dinsos/rujukan-terpadu"),
        ("serving", "bpsdm/e-kinerja", "dinsos/penanganan-pengaduan"),
        ("realization", "dinsos/e-bansos", "dinsos/pengajuan-bansos"),
        ("realization", "dinsos/pengaduan", "dinsos/pengaduan-sosial"),
        ("serving", "dinsos/pengajuan-bansos", "dinsos/penyaluran-bansos"),
        (
            "serving",
            "dinsos/pengaduan-sosial",
            "dinsos/penanganan-pengaduan",
        ),
        ("access", "dinsos/dtks", "dinsos/data-dtks"),
        ("access", "dinsos/e-bansos", "dinsos/data-penerima"),
        ("access", "dinsos/verifikasi-dtks", "dinsos/data-dtks"),
        ("flow", "dinsos/dtks", "dinsos/e-bansos"),
        ("realization", "dinsos/dtks", "dinsos/enkripsi-dtks"),
        (
            "realization",
            "dinsos/penyaluran-bansos",
            "diskominfo/iku-kemiskinan",
        ),
        (
            "realization",
            "dinsos/rujukan-terpadu",
            "diskominfo/sasaran-1-1-1",
        ),
        ("realization", "diskominfo/integrasi-layanan", "dinsos/e-bansos"),
        ("realization", "diskominfo/integrasi-layanan", "bpsdm/simpeg"),
        (
            "realization",
            "diskominfo/integrasi-layanan",
            "diskominfo/iku-indeks-spbe",
        ),
        ("realization", "dinsos/integrasi-dtks", "dinsos/dtks"),
        ("realization", "bpsdm/konsolidasi-kepegawaian", "bpsdm/simpeg"),
        (
            "realization",
            "diskominfo/pusat-data-ha",
            "diskominfo/pusat-data-kota",
        ),
    ];
    list.iter().map(|(k, a, b)| rel(k, a, b)).collect()
}

/// The sample model: the local code Dinas Sosial uses, the elements and the relations.
pub fn model() -> anyhow::Result<ArchitectureModel> {
    Ok(ArchitectureModel {
        local_codes: vec![(
            Code::parse("bontang")?,
            serde_json::from_value(json!({"code": "RAB.04.02.01", "name": "Penyaluran Bantuan Sosial"}))?,
        )],
        elements: elements()?,
        relations: relations()?,
        ..ArchitectureModel::default()
    })
}

/// Seeds the sample architecture (the registry's agencies must exist).
pub async fn seed(store: &dyn Store, clock: &dyn Clock) -> anyhow::Result<()> {
    let model = model()?;
    let known: BTreeMap<Code, Code> = ["bpsdm", "dinsos", "diskominfo"]
        .into_iter()
        .map(|a| Ok((Code::parse(a)?, Code::parse("bontang")?)))
        .collect::<anyhow::Result<_>>()?;
    if let Some(problem) = model.problems(&known).first() {
        anyhow::bail!("the sample architecture is inconsistent: {problem}");
    }
    let change = Change {
        actor: Actor::system("demo"),
        at: clock.now(),
    };
    store
        .import_architecture(&model, &change)
        .await
        .context("cannot seed the sample architecture")?;
    Ok(())
}
