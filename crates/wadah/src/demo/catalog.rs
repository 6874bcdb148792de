//! The Bontang pilot as data: Pemerintah Kota Bontang, Diskominfo (the platform operator),
//! BPSDM with 11 applications and Dinas Sosial with 5. The application names are typical of such
//! agencies but are SAMPLE DATA, not an inventory of the city's real systems; every object is
//! marked `sample`.

/// One sample application and the services it provides: (code, name, summary) per service.
pub struct SampleApp {
    pub agency: &'static str,
    pub code: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    /// `asn`, `public` or `internal`.
    pub audience: &'static str,
    pub raa: &'static str,
    pub services: &'static [SampleService],
}

pub struct SampleService {
    pub code: &'static str,
    pub name: &'static str,
    /// The resource the sample upstream serves at the service root (`/{resource}`).
    pub resource: &'static str,
    pub classification: &'static str,
}

const fn svc(
    code: &'static str,
    name: &'static str,
    resource: &'static str,
    classification: &'static str,
) -> SampleService {
    SampleService {
        code,
        name,
        resource,
        classification,
    }
}

pub const GOVERNMENT: (&str, &str) = ("bontang", "Pemerintah Kota Bontang");

/// (code, name, operator)
pub const AGENCIES: &[(&str, &str, bool)] = &[
    ("diskominfo", "Dinas Komunikasi dan Informatika", true),
    ("bpsdm", "Badan Pengembangan Sumber Daya Manusia", false),
    ("dinsos", "Dinas Sosial", false),
];

pub const APPS: &[SampleApp] = &[
    SampleApp {
        agency: "bpsdm",
        code: "simpeg",
        name: "SIMPEG — Sistem Informasi Manajemen Kepegawaian",
        description: "Data induk pegawai ASN: riwayat jabatan, pangkat dan pendidikan.",
        audience: "asn",
        raa: "RAA.02.01",
        services: &[svc("pegawai", "Data Pegawai", "pegawai", "terbatas")],
    },
    SampleApp {
        agency: "bpsdm",
        code: "e-kinerja",
        name: "e-Kinerja — Penilaian Kinerja ASN",
        description: "Sasaran kinerja pegawai (SKP) dan penilaiannya.",
        audience: "asn",
        raa: "RAA.02.01",
        services: &[svc("skp", "Sasaran Kinerja Pegawai", "skp", "terbatas")],
    },
    SampleApp {
        agency: "bpsdm",
        code: "presensi",
        name: "Presensi ASN Online",
        description: "Kehadiran harian pegawai dari aplikasi seluler dan mesin presensi.",
        audience: "asn",
        raa: "RAA.02.01",
        services: &[svc("kehadiran", "Rekap Kehadiran", "kehadiran", "terbatas")],
    },
    SampleApp {
        agency: "bpsdm",
        code: "e-cuti",
        name: "e-Cuti — Pengajuan Cuti Online",
        description: "Pengajuan dan persetujuan cuti pegawai.",
        audience: "asn",
        raa: "RAA.02.01",
        services: &[svc("cuti", "Data Cuti", "cuti", "terbatas")],
    },
    SampleApp {
        agency: "bpsdm",
        code: "simdiklat",
        name: "SIMDIKLAT — Sistem Informasi Pendidikan dan Pelatihan",
        description: "Rekam jejak pelatihan dan pengembangan kompetensi pegawai.",
        audience: "asn",
        raa: "RAA.02.01",
        services: &[
            svc("pelatihan", "Riwayat Pelatihan", "pelatihan", "terbatas"),
            svc("jadwal", "Jadwal Pelatihan", "jadwal", "terbuka"),
        ],
    },
    SampleApp {
        agency: "bpsdm",
        code: "e-learning",
        name: "e-Learning ASN",
        description: "Kursus daring untuk pengembangan kompetensi ASN.",
        audience: "asn",
        raa: "RAA.02.01",
        services: &[svc("kursus", "Katalog Kursus", "kursus", "terbuka")],
    },
    SampleApp {
        agency: "bpsdm",
        code: "sijafung",
        name: "SIJAFUNG — Sistem Informasi Jabatan Fungsional",
        description: "Usulan dan penetapan angka kredit jabatan fungsional.",
        audience: "asn",
        raa: "RAA.02.01",
        services: &[svc("angka-kredit", "Angka Kredit", "angka-kredit", "terbatas")],
    },
    SampleApp {
        agency: "bpsdm",
        code: "e-mutasi",
        name: "e-Mutasi — Mutasi dan Promosi",
        description: "Usulan mutasi, rotasi dan promosi jabatan.",
        audience: "internal",
        raa: "RAA.02.01",
        services: &[svc("usulan", "Usulan Mutasi", "usulan", "rahasia")],
    },
    SampleApp {
        agency: "bpsdm",
        code: "talenta",
        name: "Manajemen Talenta ASN",
        description: "Pemetaan talenta dan kelompok rencana suksesi.",
        audience: "internal",
        raa: "RAA.02.01",
        services: &[svc("profil", "Profil Talenta", "profil", "rahasia")],
    },
    SampleApp {
        agency: "bpsdm",
        code: "ujikom",
        name: "Uji Kompetensi dan Assessment Center",
        description: "Jadwal dan hasil uji kompetensi pegawai.",
        audience: "asn",
        raa: "RAA.02.01",
        services: &[svc("hasil-asesmen", "Hasil Asesmen", "hasil-asesmen", "rahasia")],
    },
    SampleApp {
        agency: "bpsdm",
        code: "e-pensiun",
        name: "e-Pensiun — Layanan Pensiun ASN",
        description: "Usulan pensiun dan pemberitahuan batas usia pensiun.",
        audience: "asn",
        raa: "RAA.02.01",
        services: &[svc(
            "usulan-pensiun",
            "Usulan Pensiun",
            "usulan-pensiun",
            "terbatas",
        )],
    },
    SampleApp {
        agency: "dinsos",
        code: "dtks",
        name: "DTKS — Data Terpadu Kesejahteraan Sosial",
        description: "Data penerima dan calon penerima bantuan sosial tingkat kota.",
        audience: "internal",
        raa: "RAA.01.05",
        services: &[svc("penerima", "Penerima Bantuan", "penerima", "rahasia")],
    },
    SampleApp {
        agency: "dinsos",
        code: "e-bansos",
        name: "e-Bansos — Penyaluran Bantuan Sosial",
        description: "Penyaluran dan pelaporan bantuan sosial.",
        audience: "public",
        raa: "RAA.01.05",
        services: &[svc("penyaluran", "Penyaluran Bantuan", "penyaluran", "terbatas")],
    },
    SampleApp {
        agency: "dinsos",
        code: "pengaduan",
        name: "Pengaduan Layanan Sosial",
        description: "Pengaduan masyarakat tentang layanan sosial dan tindak lanjutnya.",
        audience: "public",
        raa: "RAA.01.05",
        services: &[svc("aduan", "Aduan", "aduan", "terbatas")],
    },
    SampleApp {
        agency: "dinsos",
        code: "slrt",
        name: "SLRT — Sistem Layanan dan Rujukan Terpadu",
        description: "Rujukan warga ke program perlindungan sosial.",
        audience: "public",
        raa: "RAA.01.05",
        services: &[svc("rujukan", "Rujukan", "rujukan", "terbatas")],
    },
    SampleApp {
        agency: "dinsos",
        code: "sidisabilitas",
        name: "Data Penyandang Disabilitas",
        description: "Pendataan penyandang disabilitas untuk layanan rehabilitasi sosial.",
        audience: "internal",
        raa: "RAA.01.05",
        services: &[svc(
            "penyandang",
            "Penyandang Disabilitas",
            "penyandang",
            "rahasia",
        )],
    },
    SampleApp {
        agency: "diskominfo",
        code: "dashboard-kota",
        name: "Dasbor Eksekutif Kota",
        description: "Dasbor pimpinan daerah yang mengambil data dari perangkat daerah.",
        audience: "internal",
        raa: "RAA.03.01",
        services: &[svc("indikator", "Indikator Kota", "indikator", "terbuka")],
    },
    SampleApp {
        agency: "diskominfo",
        code: "satu-data",
        name: "Portal Satu Data Bontang",
        description: "Portal data terbuka kota.",
        audience: "public",
        raa: "RAA.03.01",
        services: &[svc("dataset", "Katalog Dataset", "dataset", "terbuka")],
    },
];

/// Rights already granted: (consumer agency, consumer application, provider service path).
pub const RIGHTS: &[(&str, &str, &str)] = &[
    ("diskominfo", "dashboard-kota", "bpsdm/simpeg/pegawai"),
    ("diskominfo", "dashboard-kota", "dinsos/e-bansos/penyaluran"),
    ("bpsdm", "e-kinerja", "bpsdm/presensi/kehadiran"),
    ("dinsos", "e-bansos", "dinsos/dtks/penerima"),
    ("diskominfo", "satu-data", "bpsdm/simdiklat/jadwal"),
];

/// Requests waiting for the provider: (consumer agency, application, service, purpose).
pub const PENDING: &[(&str, &str, &str, &str)] = &[
    (
        "dinsos",
        "e-bansos",
        "bpsdm/simpeg/pegawai",
        "Memastikan calon penerima bantuan sosial bukan ASN aktif sebelum penyaluran.",
    ),
    (
        "diskominfo",
        "satu-data",
        "dinsos/dtks/penerima",
        "Menerbitkan statistik agregat penerima bantuan per kelurahan di portal data.",
    ),
    (
        "bpsdm",
        "talenta",
        "bpsdm/ujikom/hasil-asesmen",
        "Memasukkan hasil asesmen ke profil talenta pegawai.",
    ),
];

/// The consumers whose credentials `demo-credentials.json` lists.
pub const CONSUMERS: &[(&str, &str)] = &[
    ("diskominfo", "dashboard-kota"),
    ("bpsdm", "e-kinerja"),
    ("dinsos", "e-bansos"),
    ("diskominfo", "satu-data"),
];

/// A demo person.
pub struct SampleUser {
    pub username: &'static str,
    pub name: &'static str,
    pub role: &'static str,
    pub agency: Option<&'static str>,
    pub application: Option<&'static str>,
}

pub const USERS: &[SampleUser] = &[
    SampleUser {
        username: "admin",
        name: "Admin Diskominfo (contoh)",
        role: "platform_admin",
        agency: None,
        application: None,
    },
    SampleUser {
        username: "admin-bpsdm",
        name: "Admin BPSDM (contoh)",
        role: "agency_admin",
        agency: Some("bpsdm"),
        application: None,
    },
    SampleUser {
        username: "admin-dinsos",
        name: "Admin Dinas Sosial (contoh)",
        role: "agency_admin",
        agency: Some("dinsos"),
        application: None,
    },
    SampleUser {
        username: "dev-ebansos",
        name: "Pengembang e-Bansos (contoh)",
        role: "developer",
        agency: Some("dinsos"),
        application: Some("e-bansos"),
    },
    SampleUser {
        username: "auditor",
        name: "Auditor SPBE (contoh)",
        role: "auditor",
        agency: None,
        application: None,
    },
];

/// The demo's civil servant: role `staff` at BPSDM, for the staff portal (`/asn`). Kept apart
/// from [`USERS`] (one person per administering role, each with an admin API token): staff
/// get no token, only a password.
pub const STAFF_USER: SampleUser = SampleUser {
    username: "asn-bpsdm",
    name: "Pegawai BPSDM (contoh)",
    role: "staff",
    agency: Some("bpsdm"),
    application: None,
};

/// Where some ASN applications open (made up, `.example`), so the staff portal has launch
/// links; the others show how to reach them instead. (agency, application, url)
pub const APP_URLS: &[(&str, &str, &str)] = &[
    ("bpsdm", "simpeg", "https://simpeg.bontang.example/"),
    ("bpsdm", "e-kinerja", "https://ekinerja.bontang.example/"),
    ("bpsdm", "presensi", "https://presensi.bontang.example/"),
    ("bpsdm", "e-learning", "https://elearning.bontang.example/"),
];

/// A public service of the pilot: what the portal's service page shows. Addresses and links
/// are made up (`.example` domains, "(contoh)" addresses).
pub struct SamplePublicService {
    pub agency: &'static str,
    pub code: &'static str,
    pub name: &'static str,
    /// `public` or `asn`.
    pub audience: &'static str,
    pub topics: &'static [&'static str],
    pub applications: &'static [&'static str],
    pub description: &'static str,
    pub eligibility: &'static str,
    pub requirements: &'static [&'static str],
    pub cost: &'static str,
    pub duration: &'static str,
    pub online_url: Option<&'static str>,
    pub office_address: &'static str,
}

const DINSOS_OFFICE: &str = "Kantor Dinas Sosial, Jl. Bessai Berinta, Bontang Lestari (contoh)";
const BPSDM_OFFICE: &str = "Kantor BPSDM, Jl. Moeis Hassan No. 1, Bontang (contoh)";

pub const PUBLIC_SERVICES: &[SamplePublicService] = &[
    SamplePublicService {
        agency: "dinsos",
        code: "pengajuan-bansos",
        name: "Pengajuan Bantuan Sosial",
        audience: "public",
        topics: &["bantuan-sosial", "keluarga"],
        applications: &["dtks", "e-bansos"],
        description: "Mendaftar sebagai calon penerima bantuan sosial (sembako, PKH daerah) dan memeriksa status pengajuan. Data pendaftar dicocokkan dengan Data Terpadu Kesejahteraan Sosial (DTKS).",
        eligibility: "Warga Kota Bontang dari keluarga kurang mampu yang terdaftar atau mendaftar di DTKS",
        requirements: &[
            "KTP elektronik",
            "Kartu Keluarga",
            "Surat keterangan tidak mampu dari kelurahan",
        ],
        cost: "Gratis",
        duration: "14 hari kerja setelah berkas lengkap",
        online_url: Some("https://e-bansos.bontang.example/daftar"),
        office_address: DINSOS_OFFICE,
    },
    SamplePublicService {
        agency: "dinsos",
        code: "pengaduan-sosial",
        name: "Pengaduan Layanan Sosial",
        audience: "public",
        topics: &["pengaduan", "bantuan-sosial"],
        applications: &["pengaduan"],
        description: "Menyampaikan pengaduan tentang layanan dan bantuan sosial, misalnya bantuan yang tidak diterima atau salah sasaran. Setiap pengaduan mendapat nomor tiket untuk dipantau.",
        eligibility: "Semua warga",
        requirements: &["Nomor telepon atau surel yang dapat dihubungi"],
        cost: "Gratis",
        duration: "Ditanggapi dalam 5 hari kerja",
        online_url: Some("https://pengaduan.bontang.example/sosial"),
        office_address: DINSOS_OFFICE,
    },
    SamplePublicService {
        agency: "dinsos",
        code: "rujukan-sosial",
        name: "Rujukan Layanan Sosial Terpadu",
        audience: "public",
        topics: &["bantuan-sosial", "keluarga"],
        applications: &["slrt"],
        description: "Meminta rujukan ke program perlindungan sosial yang sesuai melalui Sistem Layanan dan Rujukan Terpadu (SLRT): jaminan kesehatan, pendidikan, atau rehabilitasi sosial.",
        eligibility: "Warga Kota Bontang yang membutuhkan perlindungan sosial",
        requirements: &["KTP elektronik", "Kartu Keluarga"],
        cost: "Gratis",
        duration: "3 hari kerja",
        online_url: None,
        office_address: DINSOS_OFFICE,
    },
    SamplePublicService {
        agency: "dinsos",
        code: "kartu-disabilitas",
        name: "Pendataan dan Kartu Penyandang Disabilitas",
        audience: "public",
        topics: &["disabilitas", "bantuan-sosial"],
        applications: &["sidisabilitas"],
        description: "Mendaftarkan penyandang disabilitas ke data daerah dan menerbitkan kartu penyandang disabilitas untuk akses program bantuan dan layanan prioritas.",
        eligibility: "Penyandang disabilitas ber-KTP Kota Bontang, atau keluarganya",
        requirements: &[
            "KTP elektronik atau Kartu Identitas Anak",
            "Kartu Keluarga",
            "Surat keterangan dokter atau puskesmas",
            "Pas foto 3×4",
        ],
        cost: "Gratis",
        duration: "7 hari kerja",
        online_url: None,
        office_address: DINSOS_OFFICE,
    },
    SamplePublicService {
        agency: "bpsdm",
        code: "informasi-pelatihan",
        name: "Informasi Jadwal Pelatihan",
        audience: "public",
        topics: &["pendidikan", "pekerjaan"],
        applications: &["simdiklat"],
        description: "Jadwal pelatihan yang terbuka untuk umum dan mitra, dengan kuota dan tempat pelaksanaan.",
        eligibility: "Semua warga; beberapa pelatihan khusus untuk mitra pemerintah kota",
        requirements: &[],
        cost: "Gratis",
        duration: "Langsung",
        online_url: Some("https://diklat.bontang.example/jadwal"),
        office_address: BPSDM_OFFICE,
    },
    SamplePublicService {
        agency: "bpsdm",
        code: "magang-pemkot",
        name: "Pendaftaran Magang di Pemerintah Kota",
        audience: "public",
        topics: &["pendidikan", "pekerjaan"],
        applications: &["simdiklat"],
        description: "Mahasiswa dan siswa SMK mendaftar magang atau praktik kerja lapangan di perangkat daerah Kota Bontang.",
        eligibility: "Mahasiswa aktif dan siswa SMK kelas XI–XII",
        requirements: &[
            "Surat pengantar dari kampus atau sekolah",
            "Kartu tanda mahasiswa atau kartu pelajar",
            "Daftar riwayat hidup",
        ],
        cost: "Gratis",
        duration: "10 hari kerja",
        online_url: Some("https://diklat.bontang.example/magang"),
        office_address: BPSDM_OFFICE,
    },
    SamplePublicService {
        agency: "bpsdm",
        code: "pengajuan-cuti",
        name: "Pengajuan Cuti ASN",
        audience: "asn",
        topics: &["kepegawaian"],
        applications: &["e-cuti"],
        description: "Mengajukan cuti dan memantau persetujuannya.",
        eligibility: "ASN Pemerintah Kota Bontang",
        requirements: &["Akun SIMPEG"],
        cost: "Gratis",
        duration: "3 hari kerja",
        online_url: None,
        office_address: BPSDM_OFFICE,
    },
    SamplePublicService {
        agency: "bpsdm",
        code: "pendaftaran-diklat",
        name: "Pendaftaran Pelatihan ASN",
        audience: "asn",
        topics: &["pelatihan"],
        applications: &["simdiklat", "e-learning"],
        description: "Mendaftar pelatihan dan kursus daring.",
        eligibility: "ASN Pemerintah Kota Bontang",
        requirements: &["Akun SIMPEG", "Persetujuan atasan langsung"],
        cost: "Gratis",
        duration: "5 hari kerja",
        online_url: None,
        office_address: BPSDM_OFFICE,
    },
    SamplePublicService {
        agency: "bpsdm",
        code: "usulan-pensiun",
        name: "Usulan Pensiun",
        audience: "asn",
        topics: &["kepegawaian"],
        applications: &["e-pensiun"],
        description: "Mengajukan dan memantau usulan pensiun.",
        eligibility: "ASN yang memasuki batas usia pensiun dalam 12 bulan",
        requirements: &["SK pangkat terakhir", "Kartu Keluarga", "Pas foto"],
        cost: "Gratis",
        duration: "30 hari kerja",
        online_url: None,
        office_address: BPSDM_OFFICE,
    },
    SamplePublicService {
        agency: "bpsdm",
        code: "data-kepegawaian",
        name: "Pemutakhiran Data Kepegawaian",
        audience: "asn",
        topics: &["kepegawaian"],
        applications: &["simpeg", "sijafung"],
        description: "Memperbarui riwayat jabatan, pangkat, pendidikan dan angka kredit.",
        eligibility: "ASN Pemerintah Kota Bontang",
        requirements: &["Akun SIMPEG", "Dokumen pendukung (SK, ijazah)"],
        cost: "Gratis",
        duration: "5 hari kerja",
        online_url: Some("https://simpeg.bontang.example/pemutakhiran"),
        office_address: BPSDM_OFFICE,
    },
    SamplePublicService {
        agency: "bpsdm",
        code: "penilaian-skp",
        name: "Penyusunan dan Penilaian SKP",
        audience: "asn",
        topics: &["kinerja"],
        applications: &["e-kinerja", "ujikom"],
        description: "Menyusun sasaran kinerja pegawai dan menilai capaiannya bersama atasan.",
        eligibility: "ASN Pemerintah Kota Bontang",
        requirements: &["Akun SIMPEG"],
        cost: "Gratis",
        duration: "Sesuai periode penilaian",
        online_url: None,
        office_address: BPSDM_OFFICE,
    },
    SamplePublicService {
        agency: "bpsdm",
        code: "presensi-harian",
        name: "Presensi Harian dan Koreksi Kehadiran",
        audience: "asn",
        topics: &["kehadiran"],
        applications: &["presensi"],
        description: "Mencatat kehadiran harian dan mengajukan koreksi presensi.",
        eligibility: "ASN Pemerintah Kota Bontang",
        requirements: &["Akun SIMPEG", "Ponsel dengan aplikasi presensi"],
        cost: "Gratis",
        duration: "1 hari kerja",
        online_url: None,
        office_address: BPSDM_OFFICE,
    },
    SamplePublicService {
        agency: "bpsdm",
        code: "tunjangan-kinerja",
        name: "Tambahan Penghasilan Pegawai (TPP)",
        audience: "asn",
        topics: &["keuangan", "kinerja"],
        applications: &[],
        description: "Rekap capaian kinerja dan kehadiran sebagai dasar pembayaran TPP.",
        eligibility: "ASN Pemerintah Kota Bontang",
        requirements: &["SKP bulan berjalan", "Rekap kehadiran"],
        cost: "Gratis",
        duration: "Setiap bulan",
        online_url: None,
        office_address: BPSDM_OFFICE,
    },
];
