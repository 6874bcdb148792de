# Wadah portals, Bahasa Indonesia (the default language). Every key here must also be in
# ../en/main.ftl (a test checks it).

site-name = Portal Layanan Kota
skip-to-content = Langsung ke isi
nav-home = Beranda
nav-label = Navigasi utama
language-label = Bahasa
language-switch = English
language-switch-title = Tampilkan dalam bahasa Inggris
footer-text = Katalog layanan dari registri Wadah. Data contoh tidak menggambarkan layanan nyata.

home-title = Semua layanan publik di satu tempat
home-intro = Cari layanan dari semua perangkat daerah, atau telusuri menurut topik dan instansi.
search-label = Cari layanan
search-placeholder = misalnya: bantuan sosial
search-button = Cari
search-results-title = Hasil pencarian untuk “{ $query }”
search-results-count = { $shown } layanan ditemukan
search-fuzzy-note = Tidak ada yang cocok persis; ini layanan dengan nama yang mirip.
search-none = Tidak ada layanan yang cocok dengan “{ $query }”.
search-none-hint = Periksa ejaan atau coba kata lain, atau telusuri menurut topik di bawah.
search-too-long = Pencarian terlalu panjang; gunakan paling banyak lima kata.

browse-topics = Menurut topik
browse-agencies = Menurut instansi
all-services = Semua layanan
services-count = { $shown } layanan
topic-title = Topik: { $topic }
agency-title = Layanan { $agency }
sample-badge = contoh

service-what = Tentang layanan ini
service-who = Siapa yang dapat menggunakan
service-requirements = Persyaratan
service-no-requirements = Tidak ada persyaratan khusus.
service-cost = Biaya
service-duration = Waktu penyelesaian
service-channel = Cara mengakses
service-online = Ajukan secara daring
service-office = Alamat kantor
service-agency = Instansi penyelenggara
service-topics = Topik
service-updated = Diperbarui { $date }
service-not-stated = Belum dicantumkan
service-sample-note = Ini data contoh untuk demonstrasi, bukan layanan nyata.

not-found-title = Halaman tidak ditemukan
not-found-text = Halaman atau layanan yang Anda cari tidak ada atau sudah dipindahkan.
not-found-home = Kembali ke beranda
error-title = Terjadi kesalahan
error-text = Layanan katalog sedang tidak dapat dibaca. Silakan coba lagi beberapa saat lagi.

topic-bantuan-sosial = Bantuan sosial
topic-pengaduan = Pengaduan
topic-pendidikan = Pendidikan dan pelatihan
topic-kepegawaian = Kepegawaian
topic-pelatihan = Pelatihan
topic-disabilitas = Disabilitas
topic-keluarga = Keluarga
topic-pekerjaan = Pekerjaan

# Laporan Indeks SPBE (penilaian mandiri)
spbe-report-title = Laporan Indeks SPBE
spbe-report-status = Status
spbe-report-status-draft = Draf
spbe-report-status-submitted = Diajukan
spbe-report-status-evaluated = Dievaluasi
spbe-report-status-final = Final
spbe-report-summary = Ringkasan
spbe-report-self = Penilaian mandiri
spbe-report-evaluator = Evaluator
spbe-report-incomplete = Belum semua indikator memiliki tingkat klaim; indikator tanpa klaim dihitung sebagai tingkat 0.
spbe-report-domains = Domain
spbe-report-domain = Domain
spbe-report-aspects = Aspek
spbe-report-aspect = Aspek
spbe-report-indicators = Indikator
spbe-report-indicator = Indikator
spbe-report-number = No.
spbe-report-weight = Bobot
spbe-report-claimed = Tingkat klaim
spbe-report-evidence = Bukti dukung
spbe-report-missing = bukti kurang untuk tingkat
spbe-report-history = Riwayat
spbe-report-year = Tahun
spbe-report-index = Indeks
spbe-report-predicate = Predikat
spbe-report-source = Sumber
spbe-report-source-published = Hasil evaluasi KemenPANRB
spbe-report-source-self = Penilaian mandiri
spbe-report-source-evaluator = Hasil evaluator
spbe-report-peers = Perbandingan dengan hasil evaluasi
spbe-report-rank-national = Peringkat nasional
spbe-report-rank-kind = Peringkat sejenis
spbe-report-published-standing = Hasil terbit
spbe-report-assessed-standing = Penilaian ini
spbe-report-standing = { $rank } dari { $of } (di atas { $percentile }%)
spbe-report-province = Provinsi
spbe-report-body = Instansi
spbe-report-peers-note = Peringkat dihitung dari indeks yang diterbitkan; indeks yang sama berbagi peringkat. Persentil adalah persentase instansi dengan indeks lebih rendah.
