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
