"""The Bondowoso demo: deterministic users of every role (and, per stage, that stage's data).

Generators take a `random.Random` so that the same seed always builds the same data.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction

from masterdata import services, standard_prices
from masterdata.models import Opd, User

DINKES_CODE = "1.02.0.00.0.00.01.00"
PUPR_CODE = "1.03.0.00.0.00.01.00"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    first_name: str
    last_name: str
    opd_code: str | None = None


DEMO_USERS = [
    DemoUser("opd.dinkes", User.Role.OPD_STAFF, "Siti", "Aminah", DINKES_CODE),
    DemoUser("opd.pupr", User.Role.OPD_STAFF, "Bambang", "Wicaksono", PUPR_CODE),
    DemoUser("bappeda", User.Role.BAPPEDA, "Rahmat", "Hidayat"),
    DemoUser("bpkad", User.Role.FINANCE, "Dewi", "Lestari"),
    DemoUser("dprd", User.Role.DPRD, "Ahmad", "Fauzi"),
    DemoUser("inspektorat", User.Role.AUDITOR, "Yuliana", "Sari"),
    DemoUser("admin", User.Role.ADMIN, "Agus", "Santoso"),
]


def demo_password():
    return settings.DEMO_PASSWORD


@transaction.atomic
def seed_users():
    """Create the demo users that do not exist yet; returns (demo user, created) pairs."""
    opds = {opd.code: opd for opd in Opd.objects.filter(code__in=[u.opd_code for u in DEMO_USERS if u.opd_code])}
    results = []
    for demo in DEMO_USERS:
        existing = User.objects.filter(username=demo.username).first()
        if existing is None:
            services.create_user(
                actor=None,
                username=demo.username,
                password=demo_password(),
                role=demo.role,
                opd=opds.get(demo.opd_code),
                first_name=demo.first_name,
                last_name=demo.last_name,
            )
        results.append((demo, existing is None))
    return results


# --- Standard-price catalogue -------------------------------------------------------------------
#
# Prices are Bondowoso 2024 levels in Rupiah: market prices for goods and works, the Perpres 33/2020
# ceilings for regulated amounts (honoraria, uang harian, penginapan). Goods carry kode barang style
# codes (Permendagri 108/2016); SBU, HSPK and ASB items a code per group. An item is
# (name, specification, unit, price) with, where it differs from its family's, its own accounts.


@dataclass(frozen=True)
class PriceFamily:
    kind: str
    code_prefix: str
    accounts: tuple
    items: tuple
    tkdn: tuple | None = None  # range of TKDN % for domestic goods and works; None for services
    regulated: bool = False  # amounts fixed by regulation: no market spread, no quality variants


SSH, SBU, HSPK, ASB = "SSH", "SBU", "HSPK", "ASB"
ATK = "5.1.02.01.01.0024"
MAKAN_MINUM_RAPAT = "5.1.02.01.01.0052"
HONOR_NARASUMBER = "5.1.02.02.01.0003"
HONOR_TIM = "5.1.02.02.01.0004"
PERJALANAN_BIASA = "5.1.02.04.01.0001"
PERJALANAN_DALAM_KOTA = "5.1.02.04.01.0003"
JALAN_KABUPATEN = ("5.2.04.01.01.0003", "5.1.02.03.04.0003")
GEDUNG = ("5.2.03.01.01.0001", "5.2.03.01.01.0006", "5.2.03.01.01.0010", "5.1.02.03.03.0001")
IRIGASI = ("5.2.04.02.01.0003", "5.2.04.02.01.0002", "5.1.02.03.04.0026")
PC = ("5.2.02.10.01.0002",)
PERALATAN_PC = ("5.2.02.10.02.0003",)
JARINGAN = ("5.2.02.10.02.0004",)

# Destinations of perjalanan dinas luar daerah: province, uang harian (OH), penginapan for
# eselon II / eselon III-golongan IV / eselon IV-golongan III ke bawah (per malam).
PROVINCES = (
    ("Aceh", 360_000, (1_294_000, 1_100_000, 556_000)),
    ("Sumatera Utara", 370_000, (1_750_000, 1_100_000, 530_000)),
    ("Riau", 370_000, (1_650_000, 1_200_000, 852_000)),
    ("Kepulauan Riau", 370_000, (1_500_000, 1_100_000, 792_000)),
    ("Jambi", 370_000, (1_500_000, 1_100_000, 580_000)),
    ("Sumatera Barat", 380_000, (1_410_000, 1_100_000, 650_000)),
    ("Sumatera Selatan", 380_000, (1_500_000, 1_100_000, 580_000)),
    ("Lampung", 380_000, (1_400_000, 1_000_000, 580_000)),
    ("Bengkulu", 380_000, (1_300_000, 1_000_000, 630_000)),
    ("Kepulauan Bangka Belitung", 410_000, (1_400_000, 1_000_000, 620_000)),
    ("Banten", 370_000, (1_400_000, 1_050_000, 718_000)),
    ("Jawa Barat", 430_000, (1_450_000, 1_050_000, 570_000)),
    ("DKI Jakarta", 530_000, (1_490_000, 992_000, 730_000)),
    ("Jawa Tengah", 370_000, (1_400_000, 1_050_000, 600_000)),
    ("DI Yogyakarta", 420_000, (1_350_000, 1_050_000, 845_000)),
    ("Jawa Timur", 410_000, (1_300_000, 1_000_000, 664_000)),
    ("Bali", 480_000, (1_700_000, 1_000_000, 910_000)),
    ("Nusa Tenggara Barat", 440_000, (1_500_000, 1_050_000, 580_000)),
    ("Nusa Tenggara Timur", 430_000, (1_300_000, 1_000_000, 550_000)),
    ("Kalimantan Barat", 380_000, (1_250_000, 1_000_000, 538_000)),
    ("Kalimantan Tengah", 360_000, (1_350_000, 1_000_000, 659_000)),
    ("Kalimantan Selatan", 380_000, (1_450_000, 1_000_000, 540_000)),
    ("Kalimantan Timur", 430_000, (1_800_000, 1_150_000, 804_000)),
    ("Kalimantan Utara", 430_000, (1_700_000, 1_100_000, 804_000)),
    ("Sulawesi Utara", 370_000, (1_650_000, 1_050_000, 782_000)),
    ("Gorontalo", 370_000, (1_700_000, 1_050_000, 764_000)),
    ("Sulawesi Barat", 410_000, (1_400_000, 1_000_000, 704_000)),
    ("Sulawesi Selatan", 430_000, (1_550_000, 1_100_000, 665_000)),
    ("Sulawesi Tengah", 370_000, (1_450_000, 1_050_000, 951_000)),
    ("Sulawesi Tenggara", 380_000, (1_400_000, 1_000_000, 786_000)),
    ("Maluku", 380_000, (1_550_000, 1_050_000, 667_000)),
    ("Maluku Utara", 430_000, (1_500_000, 1_050_000, 600_000)),
    ("Papua", 580_000, (2_050_000, 1_250_000, 829_000)),
    ("Papua Barat", 480_000, (2_050_000, 1_250_000, 718_000)),
    ("Papua Barat Daya", 480_000, (2_050_000, 1_250_000, 718_000)),
    ("Papua Selatan", 580_000, (2_050_000, 1_250_000, 829_000)),
    ("Papua Tengah", 580_000, (2_050_000, 1_250_000, 829_000)),
    ("Papua Pegunungan", 580_000, (2_050_000, 1_250_000, 829_000)),
)
LODGING_TIERS = ("Eselon II", "Eselon III/Golongan IV", "Eselon IV/Golongan III ke bawah")
# Kecamatan of Bondowoso and the dinas transport from the town centre (PP), by distance.
KECAMATAN_TRANSPORT = (
    ("Bondowoso", 50_000),
    ("Tenggarang", 60_000),
    ("Curahdami", 60_000),
    ("Tegalampel", 65_000),
    ("Grujugan", 65_000),
    ("Jambesari Darus Sholah", 70_000),
    ("Taman Krocok", 75_000),
    ("Binakal", 75_000),
    ("Pujer", 75_000),
    ("Tapen", 80_000),
    ("Maesan", 80_000),
    ("Wonosari", 85_000),
    ("Tamanan", 85_000),
    ("Wringin", 90_000),
    ("Tlogosari", 100_000),
    ("Pakem", 100_000),
    ("Sukosari", 100_000),
    ("Prajekan", 110_000),
    ("Klabang", 110_000),
    ("Sumber Wringin", 125_000),
    ("Botolinggo", 125_000),
    ("Cermee", 135_000),
    ("Ijen", 150_000),
)

PRICE_FAMILIES = (
    PriceFamily(
        SSH,
        "1.1.7.01.03.01",
        (ATK,),
        (
            ("Bolpoin standar", "Tinta hitam, mata pena 0,5 mm, isi 12 batang", "kotak", 30_000),
            ("Bolpoin gel", "Tinta hitam, mata pena 0,5 mm", "buah", 6_500),
            ("Pensil kayu 2B", "Isi 12 batang", "kotak", 36_000),
            ("Pensil mekanik", "Ukuran isi 0,5 mm", "buah", 15_000),
            ("Isi pensil mekanik", "2B, 0,5 mm, isi 12 batang", "tube", 5_000),
            ("Penghapus pensil", "Karet putih, ukuran kecil", "buah", 3_000),
            ("Rautan pensil", "Plastik, satu lubang", "buah", 4_000),
            ("Spidol papan tulis", "Tinta hitam/biru/merah, dapat diisi ulang", "buah", 9_500),
            ("Spidol permanen", "Ujung bulat, tinta hitam", "buah", 10_000),
            ("Penanda teks (stabilo)", "Warna fluoresen", "buah", 9_000),
            ("Cairan koreksi", "Botol 7 ml dengan kuas", "buah", 8_500),
            ("Pita koreksi", "Lebar 5 mm, panjang 6 m", "buah", 12_000),
            ("Penggaris besi", "Panjang 30 cm", "buah", 9_000),
            ("Gunting kertas", "Panjang 17 cm, gagang plastik", "buah", 15_000),
            ("Pisau pemotong (cutter) besar", "Mata pisau 18 mm", "buah", 17_500),
            ("Isi pisau pemotong besar", "Mata 18 mm, isi 10", "tube", 12_000),
            ("Stapler sedang", "Untuk isi staples No. 10", "buah", 22_000),
            ("Stapler besar", "Kapasitas 50 lembar, isi 23/10", "buah", 95_000),
            ("Isi staples No. 10", "Isi 20 kotak kecil @1.000 biji", "pak", 42_000),
            ("Isi staples No. 3", "Ukuran 24/6, isi 1.000 biji", "kotak", 6_000),
            ("Isi staples besar 23/10", "Isi 1.000 biji", "kotak", 22_000),
            ("Pembuka staples", "Logam dengan gagang plastik", "buah", 8_000),
            ("Pelubang kertas sedang", "Kapasitas 20 lembar, 2 lubang", "buah", 38_000),
            ("Klip kertas", "No. 3, isi 100 biji", "kotak", 5_000),
            ("Klip segitiga", "Isi 100 biji", "kotak", 5_500),
            ("Penjepit kertas No. 105", "Isi 12 biji", "kotak", 6_000),
            ("Penjepit kertas No. 155", "Isi 12 biji", "kotak", 10_000),
            ("Penjepit kertas No. 200", "Isi 12 biji", "kotak", 18_000),
            ("Penjepit kertas No. 260", "Isi 12 biji", "kotak", 32_000),
            ("Lem kertas cair", "Botol 50 ml", "buah", 4_500),
            ("Lem batang", "Berat 25 gram", "buah", 12_000),
            ("Selotip bening", "Lebar 1 inci", "roll", 6_000),
            ("Lakban cokelat", "Lebar 2 inci, panjang 90 yard", "roll", 15_000),
            ("Lakban hitam", "Lebar 2 inci, kain", "roll", 16_000),
            ("Selotip dua sisi", "Lebar 1 inci", "roll", 8_000),
            ("Map plastik kancing", "Ukuran folio", "buah", 4_000),
            ("Map snelhecter plastik", "Ukuran folio", "buah", 4_000),
            ("Map kertas", "Ukuran folio, kertas manila", "buah", 1_500),
            ("Stopmap bertali", "Ukuran folio", "buah", 3_500),
            ("Ordner", "Ukuran folio, punggung 7 cm", "buah", 32_000),
            ("Kotak arsip plastik", "Ukuran folio", "buah", 30_000),
            ("Kotak arsip karton", "Ukuran 37 x 10 x 27 cm", "buah", 17_500),
            ("Amplop putih kecil", "No. 90, isi 100 lembar", "kotak", 30_000),
            ("Amplop putih panjang", "No. 110, isi 100 lembar", "kotak", 38_000),
            ("Amplop cokelat", "Ukuran folio, isi 100 lembar", "pak", 90_000),
            ("Buku tulis", "38 lembar, isi 10 buku", "pak", 42_000),
            ("Buku folio", "100 lembar, sampul tebal", "buah", 22_000),
            ("Buku agenda surat", "Ukuran folio, 200 halaman", "buah", 27_500),
            ("Buku ekspedisi", "Ukuran kuarto, 100 lembar", "buah", 17_500),
            ("Kalkulator", "12 digit, tenaga surya dan baterai", "buah", 135_000),
            ("Papan klip", "Ukuran folio", "buah", 18_000),
            ("Kertas memo tempel", "Ukuran 3 x 3 inci, isi 12 blok", "pak", 48_000),
            ("Label nama", "No. 103, isi 10 lembar", "pak", 5_000),
            ("Tinta stempel", "Botol 30 ml, ungu/biru", "botol", 14_000),
            ("Bantalan stempel", "Ukuran sedang", "buah", 25_000),
            ("Penghapus papan tulis", "Busa dengan gagang plastik", "buah", 15_000),
            ("Karet gelang", "Berat 0,5 kg", "bungkus", 25_000),
        ),
        tkdn=(25, 60),
    ),
    PriceFamily(
        SSH,
        "1.1.7.01.03.02",
        ("5.1.02.01.01.0025",),
        (
            ("Kertas HVS A4 70 gram", "Putih, 500 lembar", "rim", 52_000),
            ("Kertas HVS A4 80 gram", "Putih, 500 lembar", "rim", 60_000),
            ("Kertas HVS F4 70 gram", "Putih, 500 lembar", "rim", 58_000),
            ("Kertas HVS F4 80 gram", "Putih, 500 lembar", "rim", 66_000),
            ("Kertas HVS A3 80 gram", "Putih, 500 lembar", "rim", 125_000),
            ("Kertas HVS warna A4", "75 gram, 500 lembar", "rim", 65_000),
            ("Kertas sampul (buffalo) A4", "Aneka warna, isi 100 lembar", "pak", 35_000),
            ("Kertas concorde A4", "Isi 50 lembar", "pak", 45_000),
            ("Kertas foto glossy A4", "230 gram, isi 20 lembar", "pak", 45_000),
            ("Kertas piagam A4", "Bermotif, isi 50 lembar", "pak", 55_000),
            ("Kertas NCR rangkap dua", "Ukuran folio, 500 set", "rim", 180_000),
            ("Kertas continuous form", "9,5 x 11 inci, 1 ply, 2.000 lembar", "dus", 250_000),
            ("Kertas karton manila", "Ukuran 60 x 80 cm", "lembar", 3_000),
            ("Plastik laminasi A4", "Tebal 100 mikron, isi 100 lembar", "pak", 90_000),
            ("Kertas label stiker A4", "Isi 50 lembar", "pak", 48_000),
            ("Sampul mika jilid F4", "Tebal 0,2 mm, isi 100 lembar", "pak", 70_000),
        ),
        tkdn=(40, 80),
    ),
    PriceFamily(
        SSH,
        "1.1.7.01.03.03",
        ("5.1.02.01.01.0026",),
        (
            ("Fotokopi hitam putih A4", "Kertas HVS 70 gram", "lembar", 250),
            ("Fotokopi hitam putih F4", "Kertas HVS 70 gram", "lembar", 300),
            ("Fotokopi hitam putih A3", "Kertas HVS 80 gram", "lembar", 750),
            ("Cetak warna A4", "Kertas HVS 80 gram", "lembar", 2_500),
            ("Penjilidan lakban", "Ukuran A4/F4, sampul mika", "buah", 5_000),
            ("Penjilidan spiral", "Ukuran A4/F4, sampul mika", "buah", 12_000),
            ("Penjilidan sampul lunak", "Ukuran A4, lem panas", "buah", 15_000),
            ("Penjilidan sampul keras", "Ukuran A4, cetak tulisan emas", "buah", 45_000),
            ("Cetak spanduk flexi 280 gram", "Cetak digital, termasuk mata ayam", "m2", 30_000),
            ("Cetak spanduk flexi 440 gram", "Cetak digital resolusi tinggi", "m2", 55_000),
            ("Cetak baliho", "Flexi 340 gram, tanpa rangka", "m2", 40_000),
            ("Cetak X-banner", "Ukuran 60 x 160 cm, dengan rangka", "buah", 175_000),
            ("Cetak roll banner", "Ukuran 85 x 200 cm, dengan rangka aluminium", "buah", 450_000),
            ("Cetak stiker vinyl", "Cetak digital dengan laminasi", "m2", 120_000),
            ("Cetak brosur A4", "Kertas art paper 150 gram, warna penuh", "lembar", 1_500),
            ("Cetak leaflet lipat tiga", "Kertas art paper 120 gram, warna penuh", "lembar", 1_800),
            ("Cetak sertifikat/piagam", "Kertas piagam A4, warna penuh", "lembar", 7_500),
            ("Cetak undangan", "Kertas ivory 230 gram dengan amplop", "lembar", 5_000),
            ("Cetak blangko/formulir", "Ukuran F4, satu warna, 500 lembar", "rim", 350_000),
            ("Cetak kop surat", "Ukuran F4, dua warna, 500 lembar", "rim", 250_000),
            ("Cetak amplop berlogo", "No. 110, satu warna, isi 100 lembar", "kotak", 110_000),
            ("Cetak map berlogo", "Ukuran folio, karton 260 gram, satu warna", "buah", 7_500),
            ("Cetak buku laporan", "Ukuran A4, 100 halaman, sampul warna", "eksemplar", 85_000),
            ("Cetak kartu nama", "Kertas art karton 260 gram, isi 100 lembar", "kotak", 50_000),
            ("Cetak kartu identitas", "Kartu PVC dua sisi dengan tali", "buah", 15_000),
            ("Cetak kalender dinding", "Enam lembar, warna penuh", "buah", 45_000),
            ("Pembuatan stempel", "Stempel otomatis dengan bantalan tinta", "buah", 150_000),
        ),
        tkdn=(50, 90),
    ),
    PriceFamily(
        SSH,
        "1.1.7.01.03.06",
        ("5.1.02.01.01.0029",),
        (
            ("Tinta printer tangki hitam", "Botol 70 ml, setara original", "botol", 95_000),
            ("Tinta printer tangki warna", "Botol 70 ml (cyan/magenta/kuning)", "botol", 95_000),
            ("Cartridge printer hitam", "Original, kapasitas standar", "buah", 285_000),
            ("Cartridge printer warna", "Original, kapasitas standar", "buah", 335_000),
            ("Toner printer laser", "Hitam, kapasitas 2.000 halaman", "buah", 1_150_000),
            ("Pita printer dot matrix", "Untuk printer 9 pin, hitam", "buah", 45_000),
            ("Flashdisk 32 GB", "USB 3.0", "buah", 85_000),
            ("Flashdisk 64 GB", "USB 3.0", "buah", 125_000),
            ("Kartu memori 64 GB", "microSD kelas 10 dengan adaptor", "buah", 135_000),
            ("Cakram padat DVD-R", "4,7 GB, isi 50 keping", "pak", 250_000),
            ("Hard disk eksternal 1 TB", "USB 3.0, 2,5 inci", "buah", 950_000),
            ("Hard disk eksternal 2 TB", "USB 3.0, 2,5 inci", "buah", 1_350_000),
            ("SSD 512 GB", "SATA 2,5 inci", "buah", 750_000),
            ("Memori RAM 8 GB", "DDR4 3200 MHz", "buah", 450_000),
            ("Tetikus kabel", "USB, optik", "buah", 65_000),
            ("Tetikus nirkabel", "2,4 GHz dengan penerima USB", "buah", 135_000),
            ("Papan ketik", "USB, tata letak standar", "buah", 115_000),
            ("Kabel HDMI", "Panjang 3 m", "buah", 75_000),
            ("Kabel jaringan UTP Cat 6", "Panjang 305 m", "roll", 1_650_000),
            ("Konektor RJ45 Cat 6", "Isi 100 biji", "kotak", 185_000),
            ("Hub USB", "Empat port USB 3.0", "buah", 150_000),
            ("Adaptor daya laptop", "65 W, setara original", "buah", 350_000),
            ("Baterai UPS", "12 V 7,2 Ah", "buah", 275_000),
            ("Pembersih layar komputer", "Cairan 100 ml dengan lap mikrofiber", "set", 45_000),
        ),
        tkdn=(0, 30),
    ),
    PriceFamily(
        SSH,
        "1.1.7.01.03.08",
        ("5.1.02.01.01.0031",),
        (
            ("Lampu LED 9 watt", "Fitting E27, putih", "buah", 32_000),
            ("Lampu LED 13 watt", "Fitting E27, putih", "buah", 45_000),
            ("Lampu LED 18 watt", "Fitting E27, putih", "buah", 65_000),
            ("Lampu tabung LED 18 watt", "Panjang 120 cm", "buah", 75_000),
            ("Stop kontak empat lubang", "Dengan kabel 3 m dan saklar", "buah", 85_000),
            ("Kabel roll", "Panjang 10 m, empat lubang", "buah", 165_000),
            ("Kabel NYM 2 x 1,5 mm", "Panjang 50 m", "roll", 450_000),
            ("Kabel NYM 2 x 2,5 mm", "Panjang 50 m", "roll", 650_000),
            ("Saklar tunggal", "Pasang dalam", "buah", 25_000),
            ("Stop kontak pasang dalam", "Dengan arde", "buah", 30_000),
            ("MCB 10 A", "Satu fase", "buah", 75_000),
            ("Fitting lampu", "E27, plafon", "buah", 12_000),
            ("Baterai AA alkalin", "Isi 2 buah", "pak", 26_000),
            ("Baterai AAA alkalin", "Isi 2 buah", "pak", 24_000),
        ),
        tkdn=(20, 60),
    ),
    PriceFamily(
        SSH,
        "1.1.7.01.03.12",
        ("5.1.02.01.01.0036",),
        (
            ("Sapu ijuk", "Gagang kayu", "buah", 30_000),
            ("Sapu lidi", "Dengan gagang", "buah", 17_500),
            ("Alat pel lantai", "Kain mikrofiber dengan gagang", "buah", 65_000),
            ("Ember plastik", "Kapasitas 20 liter", "buah", 35_000),
            ("Cairan pembersih lantai", "Isi ulang 800 ml", "bungkus", 17_500),
            ("Cairan pembersih kaca", "Isi ulang 425 ml", "bungkus", 15_000),
            ("Sabun cuci tangan cair", "Isi ulang 400 ml", "bungkus", 22_000),
            ("Tisu wajah", "250 lembar, dua lapis", "pak", 17_500),
            ("Tisu gulung", "Isi 10 gulung", "pak", 45_000),
            ("Kantong plastik sampah besar", "Ukuran 90 x 120 cm, isi 10 lembar", "pak", 22_000),
            ("Pengharum ruangan", "Semprot 300 ml", "botol", 35_000),
            ("Kemoceng", "Bulu ayam", "buah", 25_000),
            ("Keset kaki", "Serat sabut, 40 x 60 cm", "buah", 45_000),
            ("Sikat kloset", "Dengan tempat", "buah", 27_500),
            ("Karbol wangi", "Botol 750 ml", "botol", 22_000),
        ),
        tkdn=(30, 70),
    ),
    PriceFamily(
        SSH,
        "1.1.7.01.01.04",
        ("5.1.02.01.01.0004",),
        (
            ("Bensin Pertalite", "RON 90", "liter", 10_000),
            ("Bensin Pertamax", "RON 92", "liter", 12_950),
            ("Bensin Pertamax Turbo", "RON 98", "liter", 14_400),
            ("Solar Dexlite", "CN 51", "liter", 13_250),
            ("Solar Pertamina Dex", "CN 53", "liter", 14_550),
            ("Oli mesin mobil", "SAE 10W-40, kemasan 4 liter", "galon", 320_000),
            ("Oli mesin sepeda motor", "SAE 10W-30, kemasan 0,8 liter", "botol", 55_000),
            ("Minyak rem", "DOT 3, 300 ml", "botol", 35_000),
            ("Air radiator", "Kemasan 1 liter", "botol", 25_000),
            ("Isi ulang elpiji 12 kg", "Tabung nonsubsidi", "tabung", 210_000, ("5.1.02.01.01.0010",)),
            ("Isi ulang elpiji 5,5 kg", "Tabung nonsubsidi", "tabung", 100_000, ("5.1.02.01.01.0010",)),
        ),
    ),
    PriceFamily(
        SSH,
        "1.1.7.01.05.01",
        (MAKAN_MINUM_RAPAT,),
        (
            ("Makan rapat nasi kotak", "Nasi, lauk dua macam, sayur, buah, air mineral", "OK", 35_000),
            ("Makan rapat prasmanan", "Minimal 50 porsi, dengan air mineral", "OK", 45_000),
            ("Kudapan rapat", "Kotak isi tiga macam kue dan air mineral", "OK", 17_500),
            ("Kudapan rapat sederhana", "Kotak isi dua macam kue", "OK", 12_000),
            ("Rehat kopi", "Kopi/teh dan dua macam kue", "OK", 20_000),
            ("Nasi bungkus rapat", "Nasi, lauk, sayur", "OK", 22_000),
            ("Air mineral gelas", "240 ml, isi 48 gelas", "dus", 25_000),
            ("Air mineral botol", "600 ml, isi 24 botol", "dus", 50_000),
            ("Air mineral galon isi ulang", "19 liter", "galon", 22_000),
            ("Kopi bubuk", "Kemasan 200 gram", "bungkus", 27_500),
            ("Teh celup", "Isi 25 kantong", "kotak", 9_500),
            ("Gula pasir", "Kemasan 1 kg", "kg", 17_500),
        ),
    ),
    PriceFamily(
        SSH,
        "1.1.7.01.05.02",
        ("5.1.02.01.01.0053",),
        (
            ("Jamuan tamu prasmanan", "Menu lengkap dengan hidangan penutup", "OK", 65_000),
            ("Jamuan tamu pejabat", "Menu khusus tamu pimpinan daerah", "OK", 100_000),
            ("Kudapan tamu", "Kotak isi tiga macam kue dan minuman", "OK", 20_000),
            ("Parsel buah tamu", "Buah lokal dalam keranjang", "paket", 250_000),
        ),
    ),
    PriceFamily(
        SSH,
        "1.1.7.01.05.03",
        ("5.1.02.01.01.0058",),
        (
            ("Makan aktivitas lapangan", "Nasi bungkus dengan lauk dan air mineral", "OK", 25_000),
            ("Kudapan aktivitas lapangan", "Dua macam kue dan air mineral", "OK", 10_000),
            ("Makan petugas lapangan pemilihan/sensus", "Nasi kotak dengan air mineral", "OK", 30_000),
        ),
    ),
    PriceFamily(
        SBU,
        "SBU.01",
        (HONOR_NARASUMBER,),
        (
            ("Honorarium narasumber Bupati/setingkat", "Per orang per jam pelajaran", "OJ", 1_700_000),
            ("Honorarium narasumber pejabat eselon I/setingkat", "Per orang per jam pelajaran", "OJ", 1_400_000),
            ("Honorarium narasumber pejabat eselon II/setingkat", "Per orang per jam pelajaran", "OJ", 1_000_000),
            ("Honorarium narasumber pejabat eselon III ke bawah", "Per orang per jam pelajaran", "OJ", 900_000),
            ("Honorarium narasumber akademisi/profesional", "Per orang per jam pelajaran", "OJ", 900_000),
            ("Honorarium pembahas", "Per orang per kegiatan", "orang/kegiatan", 700_000),
            ("Honorarium moderator", "Per orang per kali", "OK", 700_000),
            ("Honorarium pembawa acara", "Per orang per kali", "OK", 400_000),
            ("Honorarium panitia penanggung jawab", "Per orang per kegiatan", "orang/kegiatan", 450_000),
            ("Honorarium panitia ketua/wakil ketua", "Per orang per kegiatan", "orang/kegiatan", 400_000),
            ("Honorarium panitia sekretaris", "Per orang per kegiatan", "orang/kegiatan", 300_000),
            ("Honorarium panitia anggota", "Per orang per kegiatan", "orang/kegiatan", 300_000),
        ),
        regulated=True,
    ),
    PriceFamily(
        SBU,
        "SBU.02",
        (HONOR_TIM,),
        (
            ("Honorarium tim pelaksana kegiatan: pengarah", "Ditetapkan dengan keputusan Bupati", "OB", 1_690_000),
            (
                "Honorarium tim pelaksana kegiatan: penanggung jawab",
                "Ditetapkan dengan keputusan Bupati",
                "OB",
                1_560_000,
            ),
            ("Honorarium tim pelaksana kegiatan: ketua", "Ditetapkan dengan keputusan Bupati", "OB", 1_300_000),
            ("Honorarium tim pelaksana kegiatan: sekretaris", "Ditetapkan dengan keputusan Bupati", "OB", 1_000_000),
            ("Honorarium tim pelaksana kegiatan: anggota", "Ditetapkan dengan keputusan Bupati", "OB", 940_000),
            ("Honorarium sekretariat tim pelaksana: ketua", "Ditetapkan dengan keputusan Bupati", "OB", 520_000),
            ("Honorarium sekretariat tim pelaksana: anggota", "Ditetapkan dengan keputusan Bupati", "OB", 400_000),
            ("Honorarium pejabat pengadaan barang/jasa", "Per orang per bulan", "OB", 750_000),
            ("Honorarium pejabat pemeriksa hasil pekerjaan", "Per orang per bulan", "OB", 500_000),
            ("Honorarium penyuluhan/pendampingan", "Per orang per bulan", "OB", 1_000_000, ("5.1.02.02.01.0006",)),
            ("Honorarium rohaniwan", "Per orang per kali pengambilan sumpah", "OK", 400_000, ("5.1.02.02.01.0007",)),
            ("Honorarium pengelola website", "Per orang per bulan", "OB", 750_000, ("5.1.02.02.01.0008",)),
            (
                "Honorarium penyelenggara diklat: pengajar",
                "Per orang per jam pelajaran",
                "OJ",
                300_000,
                ("5.1.02.02.01.0011",),
            ),
            (
                "Honorarium Tim Anggaran Pemerintah Daerah: ketua",
                "Sekretaris Daerah",
                "OB",
                2_500_000,
                ("5.1.02.02.01.0012",),
            ),
            (
                "Honorarium Tim Anggaran Pemerintah Daerah: anggota",
                "Per orang per bulan",
                "OB",
                1_500_000,
                ("5.1.02.02.01.0012",),
            ),
            ("Honorarium juri perlombaan", "Per orang per kegiatan", "orang/kegiatan", 500_000, ("5.1.02.02.01.0037",)),
        ),
        regulated=True,
    ),
    PriceFamily(
        SBU,
        "SBU.03",
        ("5.1.02.02.01.0026",),
        (
            ("Jasa tenaga administrasi lulusan SMA/sederajat", "Pegawai non-ASN, per bulan", "OB", 2_210_000),
            ("Jasa tenaga administrasi lulusan D3", "Pegawai non-ASN, per bulan", "OB", 2_400_000),
            ("Jasa tenaga administrasi lulusan S1", "Pegawai non-ASN, per bulan", "OB", 2_700_000),
            (
                "Jasa tenaga operator komputer lulusan SMA/sederajat",
                "Per bulan",
                "OB",
                2_210_000,
                ("5.1.02.02.01.0027",),
            ),
            ("Jasa tenaga operator komputer lulusan D3/S1", "Per bulan", "OB", 2_550_000, ("5.1.02.02.01.0027",)),
            ("Jasa tenaga pelayanan umum", "Per bulan", "OB", 2_210_000, ("5.1.02.02.01.0028",)),
            ("Jasa tenaga ahli lulusan S1 pengalaman 5 tahun", "Per bulan", "OB", 7_500_000, ("5.1.02.02.01.0029",)),
            ("Jasa tenaga ahli lulusan S2 pengalaman 5 tahun", "Per bulan", "OB", 10_000_000, ("5.1.02.02.01.0029",)),
            ("Jasa tenaga kebersihan", "Per bulan", "OB", 2_110_000, ("5.1.02.02.01.0030",)),
            ("Jasa tenaga keamanan", "Per bulan", "OB", 2_210_000, ("5.1.02.02.01.0031",)),
            ("Jasa tenaga caraka", "Per bulan", "OB", 2_110_000, ("5.1.02.02.01.0032",)),
            ("Jasa tenaga sopir", "Per bulan", "OB", 2_210_000, ("5.1.02.02.01.0033",)),
            ("Jasa tenaga juru masak", "Per bulan", "OB", 2_110_000, ("5.1.02.02.01.0034",)),
            ("Jasa tenaga teknisi mekanik dan listrik", "Per bulan", "OB", 2_400_000, ("5.1.02.02.01.0035",)),
            ("Jasa tenaga pendidik non-ASN", "Lulusan S1, per bulan", "OB", 2_300_000, ("5.1.02.02.01.0013",)),
            (
                "Jasa tenaga perawat non-ASN",
                "Lulusan D3 keperawatan, per bulan",
                "OB",
                2_600_000,
                ("5.1.02.02.01.0014",),
            ),
            ("Jasa tenaga bidan non-ASN", "Lulusan D3 kebidanan, per bulan", "OB", 2_600_000, ("5.1.02.02.01.0014",)),
            (
                "Jasa tenaga teknologi informasi",
                "Pemrogram, lulusan S1, per bulan",
                "OB",
                3_500_000,
                ("5.1.02.02.01.0039",),
            ),
            ("Jasa tenaga harian lepas", "Pekerja lapangan, per hari", "OH", 100_000, ("5.1.02.02.01.0016",)),
            ("Jasa tenaga harian tukang", "Tukang batu/kayu, per hari", "OH", 130_000, ("5.1.02.02.01.0016",)),
            ("Jasa tenaga harian mandor", "Per hari", "OH", 150_000, ("5.1.02.02.01.0016",)),
        ),
        regulated=True,
    ),
    PriceFamily(
        SBU,
        "SBU.04",
        (PERJALANAN_BIASA,),
        tuple(
            (f"Uang harian perjalanan dinas luar daerah ke Provinsi {name}", "Per orang per hari", "OH", allowance)
            for name, allowance, _ in PROVINCES
        )
        + (
            (
                "Uang harian perjalanan dinas dalam kabupaten lebih dari 8 jam",
                "Per orang per hari",
                "OH",
                150_000,
                (PERJALANAN_DALAM_KOTA,),
            ),
            ("Uang harian diklat luar daerah", "Per orang per hari", "OH", 110_000),
            ("Uang harian rapat paket fullboard luar kota", "Per orang per hari", "OH", 150_000),
        ),
        regulated=True,
    ),
    PriceFamily(
        SBU,
        "SBU.05",
        (PERJALANAN_BIASA,),
        tuple(
            (f"Biaya penginapan di Provinsi {name}: {tier}", "Per orang per malam", "OH", rate)
            for name, _, rates in PROVINCES
            if name
            in (
                "Jawa Timur",
                "DKI Jakarta",
                "Jawa Barat",
                "Jawa Tengah",
                "DI Yogyakarta",
                "Bali",
                "Banten",
                "Sulawesi Selatan",
                "Kalimantan Timur",
                "Nusa Tenggara Barat",
            )
            for tier, rate in zip(LODGING_TIERS, rates, strict=True)
        ),
        regulated=True,
    ),
    PriceFamily(
        SBU,
        "SBU.06",
        (PERJALANAN_BIASA,),
        (
            ("Tiket pesawat Surabaya-Jakarta pergi pulang", "Kelas ekonomi", "orang/pp", 3_160_000),
            ("Tiket pesawat Surabaya-Denpasar pergi pulang", "Kelas ekonomi", "orang/pp", 2_030_000),
            ("Tiket pesawat Surabaya-Makassar pergi pulang", "Kelas ekonomi", "orang/pp", 3_550_000),
            ("Tiket pesawat Surabaya-Balikpapan pergi pulang", "Kelas ekonomi", "orang/pp", 3_480_000),
            ("Tiket pesawat Surabaya-Banjarmasin pergi pulang", "Kelas ekonomi", "orang/pp", 2_720_000),
            ("Tiket pesawat Surabaya-Mataram pergi pulang", "Kelas ekonomi", "orang/pp", 2_240_000),
            ("Tiket pesawat Surabaya-Medan pergi pulang", "Kelas ekonomi", "orang/pp", 6_180_000),
            ("Tiket pesawat Surabaya-Batam pergi pulang", "Kelas ekonomi", "orang/pp", 4_660_000),
            ("Tiket pesawat Surabaya-Kupang pergi pulang", "Kelas ekonomi", "orang/pp", 4_290_000),
            ("Tiket pesawat Surabaya-Jayapura pergi pulang", "Kelas ekonomi", "orang/pp", 11_340_000),
            ("Tiket kereta api Jember-Surabaya pergi pulang", "Kelas eksekutif", "orang/pp", 560_000),
            ("Tiket kereta api Surabaya-Jakarta pergi pulang", "Kelas eksekutif", "orang/pp", 1_400_000),
            ("Transport Bondowoso-Surabaya pergi pulang", "Kendaraan umum/dinas", "orang/pp", 400_000),
            ("Transport Bondowoso-Bandara Juanda pergi pulang", "Kendaraan umum/dinas", "orang/pp", 450_000),
            ("Transport Bondowoso-Malang pergi pulang", "Kendaraan umum/dinas", "orang/pp", 350_000),
            ("Transport Bondowoso-Jember pergi pulang", "Kendaraan umum/dinas", "orang/pp", 100_000),
            ("Transport Bondowoso-Banyuwangi pergi pulang", "Kendaraan umum/dinas", "orang/pp", 200_000),
            ("Transport Bondowoso-Situbondo pergi pulang", "Kendaraan umum/dinas", "orang/pp", 100_000),
            ("Taksi bandara di Jakarta", "Sekali jalan", "orang/kali", 256_000),
            ("Taksi bandara di Surabaya", "Sekali jalan", "orang/kali", 194_000),
        ),
        regulated=True,
    ),
    PriceFamily(
        SBU,
        "SBU.07",
        (PERJALANAN_DALAM_KOTA,),
        tuple(
            (
                f"Transport perjalanan dinas dalam kabupaten ke Kecamatan {name}",
                "Pergi pulang dari pusat kota",
                "orang/pp",
                fare,
            )
            for name, fare in KECAMATAN_TRANSPORT
        ),
        regulated=True,
    ),
    PriceFamily(
        SBU,
        "SBU.08",
        ("5.1.02.04.01.0004",),
        (
            ("Paket rapat fullday dalam kota", "Hotel/gedung, ruang rapat, makan siang dan dua kudapan", "OH", 350_000),
            ("Paket rapat halfday dalam kota", "Hotel/gedung, ruang rapat, makan dan satu kudapan", "OH", 250_000),
            (
                "Paket rapat fullboard luar kota",
                "Menginap, tiga kali makan dan ruang rapat",
                "OH",
                1_050_000,
                ("5.1.02.04.01.0005",),
            ),
            (
                "Paket rapat fullday luar kota",
                "Ruang rapat, makan siang dan dua kudapan",
                "OH",
                400_000,
                ("5.1.02.04.01.0005",),
            ),
            (
                "Paket rapat halfday luar kota",
                "Ruang rapat, makan dan satu kudapan",
                "OH",
                300_000,
                ("5.1.02.04.01.0005",),
            ),
        ),
        regulated=True,
    ),
    PriceFamily(
        SBU,
        "SBU.09",
        ("5.1.02.02.04.0036",),
        (
            ("Sewa mobil penumpang 7 kursi dengan sopir dan BBM", "Per hari, dalam provinsi", "hari", 750_000),
            ("Sewa mobil penumpang 7 kursi tanpa sopir dan BBM", "Per hari", "hari", 450_000),
            ("Sewa minibus 15 kursi dengan sopir dan BBM", "Per hari, dalam provinsi", "hari", 1_300_000),
            ("Sewa bus sedang 30 kursi", "Per hari, dengan sopir dan BBM", "hari", 2_750_000),
            ("Sewa bus besar 50 kursi", "Per hari, dengan sopir dan BBM", "hari", 3_750_000),
            ("Sewa mobil bak terbuka", "Per hari, dengan sopir", "hari", 450_000, ("5.1.02.02.04.0037",)),
            (
                "Sewa truk angkutan barang",
                "Kapasitas 4 ton, per hari, dengan sopir",
                "hari",
                900_000,
                ("5.1.02.02.04.0037",),
            ),
            ("Sewa sepeda motor", "Per hari", "hari", 100_000, ("5.1.02.02.04.0038",)),
            ("Sewa gedung pertemuan kapasitas 100 orang", "Per hari", "hari", 2_500_000, ("5.1.02.02.05.0009",)),
            ("Sewa gedung pertemuan kapasitas 300 orang", "Per hari", "hari", 5_000_000, ("5.1.02.02.05.0009",)),
            ("Sewa gedung pertemuan kapasitas 500 orang", "Per hari", "hari", 7_500_000, ("5.1.02.02.05.0009",)),
            ("Sewa gedung olahraga", "Per hari", "hari", 3_000_000, ("5.1.02.02.05.0011",)),
            ("Sewa tenda sarnafil 5 x 5 m", "Per hari, termasuk pasang", "buah", 650_000, ("5.1.02.02.04.0123",)),
            (
                "Sewa tenda dekorasi 6 x 12 m",
                "Per hari, dengan plafon dan lantai",
                "buah",
                1_500_000,
                ("5.1.02.02.04.0123",),
            ),
            ("Sewa kursi lipat berbungkus kain", "Per hari", "buah", 7_500, ("5.1.02.02.04.0118",)),
            ("Sewa meja dengan taplak", "Per hari", "buah", 35_000, ("5.1.02.02.04.0118",)),
            ("Sewa pengeras suara 2.000 watt", "Per hari, dengan operator", "paket", 1_500_000, ("5.1.02.02.04.0132",)),
            (
                "Sewa layar LED videotron 3 x 4 m",
                "Per hari, dengan operator",
                "paket",
                6_000_000,
                ("5.1.02.02.04.0133",),
            ),
            ("Sewa proyektor LCD dengan layar", "Per hari", "unit", 350_000, ("5.1.02.02.04.0117",)),
            ("Sewa genset 10 kVA", "Per hari, tanpa BBM", "unit", 900_000, ("5.1.02.02.04.0022",)),
            ("Sewa ekskavator 0,8 m3", "Per jam, dengan operator, tanpa BBM", "jam", 450_000, ("5.1.02.02.04.0003",)),
            ("Sewa alat pemadat (stamper)", "Per hari, dengan operator", "hari", 350_000, ("5.1.02.02.04.0007",)),
        ),
        regulated=True,
    ),
    PriceFamily(
        SBU,
        "SBU.10",
        ("5.1.02.03.02.0036",),
        (
            ("Servis berkala kendaraan roda empat", "Termasuk oli dan filter", "unit", 850_000),
            ("Penggantian ban kendaraan roda empat", "Ukuran 185/65 R15", "buah", 1_050_000),
            ("Penggantian aki kendaraan roda empat", "12 V 45 Ah", "buah", 1_100_000),
            ("Servis berkala sepeda motor", "Termasuk oli", "unit", 175_000, ("5.1.02.03.02.0038",)),
            ("Penggantian ban sepeda motor", "Ukuran 80/90-17", "buah", 285_000, ("5.1.02.03.02.0038",)),
            ("Servis dan cuci AC split", "Kapasitas 0,5 sampai 2 PK", "unit", 125_000, ("5.1.02.03.02.0121",)),
            ("Isi ulang freon AC split", "R32, kapasitas sampai 2 PK", "unit", 350_000, ("5.1.02.03.02.0121",)),
            (
                "Servis komputer personal",
                "Pemeriksaan, pembersihan, instalasi ulang",
                "unit",
                250_000,
                ("5.1.02.03.02.0405",),
            ),
            ("Servis printer", "Pembersihan dan perbaikan ringan", "unit", 200_000, ("5.1.02.03.02.0117",)),
            ("Servis mesin fotokopi", "Termasuk penggantian komponen ringan", "unit", 750_000, ("5.1.02.03.02.0115",)),
        ),
    ),
    PriceFamily(
        HSPK,
        "HSPK.01",
        JALAN_KABUPATEN,
        (
            ("Pembersihan dan pengupasan lahan", "Termasuk pembuangan", "m2", 9_500),
            ("Penyiapan badan jalan", "Perataan dan pemadatan tanah dasar", "m2", 3_500),
            ("Galian tanah biasa dengan alat", "Dibuang sejauh 5 km", "m3", 95_000),
            ("Galian perkerasan beraspal dengan alat", "Dibuang sejauh 5 km", "m3", 285_000),
            ("Timbunan biasa dari sumber galian", "Dipadatkan", "m3", 180_000),
            ("Timbunan pilihan dari sumber galian", "Dipadatkan", "m3", 260_000),
            ("Lapis fondasi agregat kelas A", "Dipadatkan", "m3", 610_000),
            ("Lapis fondasi agregat kelas B", "Dipadatkan", "m3", 560_000),
            ("Lapis resap pengikat aspal cair", "Aspal cair/emulsi", "liter", 18_500),
            ("Lapis perekat aspal cair", "Aspal cair/emulsi", "liter", 19_500),
            ("Laston lapis aus (AC-WC)", "Campuran panas, dihampar dan dipadatkan", "ton", 1_650_000),
            ("Laston lapis antara (AC-BC)", "Campuran panas, dihampar dan dipadatkan", "ton", 1_600_000),
            ("Lapis penetrasi macadam", "Tebal 5 cm", "m2", 135_000),
            ("Perkerasan beton semen K-350", "Tebal 20 cm dengan ruji", "m3", 1_650_000),
            ("Rabat beton K-175", "Tebal 12 cm", "m2", 165_000),
            ("Perkerasan paving block", "Tebal 8 cm, K-300, dengan pasir alas", "m2", 165_000),
            ("Pasangan batu dengan mortar", "Saluran samping jalan", "m3", 950_000),
            ("Saluran U-ditch 40 x 40", "Beton pracetak, termasuk galian", "m", 850_000),
            ("Gorong-gorong pipa beton diameter 60 cm", "Termasuk galian dan urugan", "m", 950_000),
            ("Bronjong kawat", "Diisi batu, ukuran 2 x 1 x 0,5 m", "m3", 700_000),
            ("Marka jalan termoplastik", "Tebal 3 mm dengan butiran kaca", "m2", 190_000),
            ("Patok kilometer", "Beton bertulang dicat", "buah", 350_000),
        ),
        tkdn=(75, 95),
    ),
    PriceFamily(
        HSPK,
        "HSPK.02",
        GEDUNG,
        (
            ("Pembersihan lapangan dan perataan", "Lahan bangunan", "m2", 12_000),
            ("Pengukuran dan pemasangan bouwplank", "Kayu kelas III", "m", 65_000),
            ("Galian tanah fondasi", "Sedalam 1 m", "m3", 90_000),
            ("Urugan tanah kembali", "Dipadatkan", "m3", 35_000),
            ("Urugan pasir di bawah fondasi", "Dipadatkan", "m3", 290_000),
            ("Pasangan fondasi batu kali 1:5", "Campuran semen dan pasir", "m3", 1_050_000),
            ("Beton mutu K-225", "Tanpa tulangan", "m3", 1_350_000),
            ("Beton bertulang sloof 15 x 20 cm", "K-225, tulangan dan bekisting", "m3", 4_900_000),
            ("Beton bertulang kolom 30 x 30 cm", "K-225, tulangan dan bekisting", "m3", 6_200_000),
            ("Beton bertulang balok 25 x 40 cm", "K-225, tulangan dan bekisting", "m3", 6_000_000),
            ("Beton bertulang pelat lantai", "K-250, tebal 12 cm", "m3", 5_800_000),
            ("Pembesian besi ulir", "Termasuk kawat ikat", "kg", 18_000),
            ("Bekisting kolom", "Kayu kelas III dan multipleks", "m2", 330_000),
            ("Pasangan dinding bata merah 1:4", "Tebal setengah batu", "m2", 160_000),
            ("Pasangan dinding bata ringan", "Tebal 10 cm dengan perekat", "m2", 150_000),
            ("Plesteran 1:4", "Tebal 15 mm", "m2", 70_000),
            ("Acian", "Semen", "m2", 35_000),
            ("Pasangan keramik lantai 40 x 40 cm", "Kualitas I", "m2", 210_000),
            ("Pasangan granit lantai 60 x 60 cm", "Kualitas I", "m2", 320_000),
            ("Pasangan keramik dinding 25 x 40 cm", "Kualitas I", "m2", 220_000),
            ("Plafon gipsum rangka hollow", "Tebal 9 mm", "m2", 185_000),
            ("Plafon GRC rangka hollow", "Tebal 4 mm", "m2", 160_000),
            ("Rangka atap baja ringan", "Profil C75, termasuk reng", "m2", 240_000),
            ("Penutup atap genteng metal", "Tebal 0,3 mm berpasir", "m2", 115_000),
            ("Penutup atap genteng keramik", "Glazur", "m2", 165_000),
            ("Kusen pintu dan jendela aluminium", "Profil 4 inci", "m", 210_000),
            ("Daun pintu panel kayu", "Kayu meranti", "m2", 1_100_000),
            ("Kaca polos", "Tebal 5 mm", "m2", 260_000),
            ("Pengecatan tembok baru", "Satu lapis plamir, satu lapis dasar, dua lapis penutup", "m2", 45_000),
            ("Pengecatan kayu", "Satu lapis dasar, dua lapis penutup", "m2", 55_000),
            ("Instalasi titik lampu", "Kabel NYM 2 x 1,5 mm dalam pipa", "titik", 350_000),
            ("Instalasi titik stop kontak", "Kabel NYM 2 x 2,5 mm dalam pipa", "titik", 325_000),
            ("Pemasangan kloset duduk", "Lengkap dengan perlengkapan", "buah", 2_800_000),
            ("Pemasangan kloset jongkok", "Porselen", "buah", 850_000),
            ("Pemasangan wastafel", "Lengkap dengan kran", "buah", 1_200_000),
            ("Pemasangan pipa PVC 3 inci", "Termasuk perlengkapan", "m", 95_000),
        ),
        tkdn=(70, 95),
    ),
    PriceFamily(
        HSPK,
        "HSPK.03",
        IRIGASI,
        (
            ("Galian tanah saluran dengan tangan", "Kedalaman sampai 1 m", "m3", 85_000),
            ("Galian tanah saluran dengan alat", "Ekskavator", "m3", 45_000),
            ("Timbunan tanggul dipadatkan", "Tanah hasil galian", "m3", 110_000),
            ("Pembersihan lumpur saluran", "Dibuang ke tepi saluran", "m3", 55_000),
            ("Pasangan batu kali 1:4 saluran", "Campuran semen dan pasir", "m3", 1_000_000),
            ("Plesteran saluran 1:3", "Tebal 15 mm", "m2", 80_000),
            ("Siaran pasangan batu 1:2", "Siar rata", "m2", 45_000),
            ("Beton K-175 lantai saluran", "Tanpa tulangan", "m3", 1_250_000),
            ("Beton bertulang K-225 bangunan bagi", "Tulangan dan bekisting", "m3", 5_200_000),
            ("Pintu air sorong besi 0,5 x 0,6 m", "Lengkap dengan stang ulir", "unit", 8_500_000),
            ("Saluran U-ditch 60 x 60", "Beton pracetak, termasuk galian", "m", 1_250_000),
            ("Bronjong kawat saluran", "Diisi batu", "m3", 750_000),
            ("Cerucuk bambu", "Diameter 8 cm, panjang 4 m", "batang", 25_000),
            ("Kisdam karung pasir", "Termasuk pembongkaran", "m3", 180_000),
            ("Pengukuran dan pematokan saluran", "Termasuk patok beton", "m", 15_000),
        ),
        tkdn=(75, 95),
    ),
    PriceFamily(
        ASB,
        "ASB.01",
        ("5.2.03.01.01.0001",),
        (
            (
                "Pembangunan gedung kantor tidak bertingkat",
                "Bangunan gedung negara klasifikasi sederhana",
                "m2",
                6_200_000,
            ),
            (
                "Pembangunan gedung kantor dua lantai",
                "Bangunan gedung negara klasifikasi tidak sederhana",
                "m2",
                7_100_000,
            ),
            (
                "Rehabilitasi sedang gedung kantor",
                "Kerusakan 30 sampai 45 persen",
                "m2",
                2_800_000,
                ("5.1.02.03.03.0001",),
            ),
            (
                "Pembangunan puskesmas pembantu",
                "Termasuk instalasi air dan listrik",
                "m2",
                6_500_000,
                ("5.2.03.01.01.0006",),
            ),
            (
                "Pembangunan ruang kelas baru sekolah dasar",
                "Ruang 7 x 8 m dengan serambi",
                "m2",
                5_500_000,
                ("5.2.03.01.01.0010",),
            ),
            (
                "Peningkatan jalan hotmix lebar 4 m",
                "Lapis AC-WC tebal 4 cm di atas fondasi agregat",
                "m2",
                390_000,
                ("5.2.04.01.01.0003",),
            ),
            ("Pemeliharaan berkala jalan lapen", "Lapis penetrasi tebal 5 cm", "m2", 140_000, ("5.1.02.03.04.0003",)),
            (
                "Pembangunan jembatan beton bentang 10 m",
                "Lebar 6 m, gelagar beton bertulang",
                "m2",
                12_000_000,
                ("5.2.04.01.02.0003",),
            ),
            ("Rehabilitasi saluran irigasi pasangan batu", "Saluran sekunder", "m", 1_800_000, ("5.1.02.03.04.0026",)),
            (
                "Penyelenggaraan rapat koordinasi 50 peserta",
                "Konsumsi, narasumber dan bahan",
                "kegiatan",
                12_500_000,
                (MAKAN_MINUM_RAPAT, HONOR_NARASUMBER, "5.1.02.01.01.0026"),
            ),
            (
                "Penyelenggaraan bimbingan teknis 30 peserta",
                "Dua hari, paket dalam kota",
                "kegiatan",
                45_000_000,
                ("5.1.02.02.12.0003",),
            ),
            (
                "Penyelenggaraan sosialisasi 100 peserta",
                "Satu hari, di kecamatan",
                "kegiatan",
                17_500_000,
                ("5.1.02.02.12.0002",),
            ),
        ),
        tkdn=(60, 90),
    ),
    PriceFamily(
        SSH,
        "1.3.2.10.01",
        PC,
        (
            ("Komputer personal (PC) Core i5", "RAM 8 GB, SSD 512 GB, monitor 22 inci, Windows", "unit", 13_500_000),
            ("Komputer personal (PC) Core i7", "RAM 16 GB, SSD 1 TB, monitor 24 inci, Windows", "unit", 18_500_000),
            ("Komputer all-in-one Core i5", "Layar 23,8 inci, RAM 8 GB, SSD 512 GB", "unit", 14_500_000),
            ("Laptop Core i5", "Layar 14 inci, RAM 8 GB, SSD 512 GB", "unit", 13_000_000),
            ("Laptop Core i7", "Layar 14 inci, RAM 16 GB, SSD 1 TB", "unit", 19_500_000),
            ("Komputer tablet", "Layar 10 inci, 128 GB, 4G", "unit", 5_500_000, ("5.2.02.10.01.0003",)),
            ("Server rak 1U", "Xeon 8 inti, RAM 64 GB, 2 x 2 TB", "unit", 95_000_000, ("5.2.02.10.01.0001",)),
        ),
        tkdn=(15, 45),
    ),
    PriceFamily(
        SSH,
        "1.3.2.10.02",
        PERALATAN_PC,
        (
            ("Printer tangki tinta A4", "Cetak, pindai, salin", "unit", 3_200_000),
            ("Printer laser monokrom A4", "Kecepatan 30 halaman per menit", "unit", 4_500_000),
            ("Printer multifungsi A3", "Tangki tinta, cetak dua sisi", "unit", 9_500_000),
            ("Printer dot matrix", "9 pin, 80 kolom", "unit", 4_300_000),
            ("Pemindai dokumen", "Pengumpan otomatis 50 lembar, dua sisi", "unit", 8_500_000),
            ("Monitor LED 24 inci", "Resolusi Full HD", "unit", 2_300_000),
            ("UPS 1.200 VA", "Line interactive", "unit", 1_850_000),
            ("Network attached storage", "Empat bay, tanpa disk", "unit", 18_000_000, JARINGAN),
            ("Switch 24 port gigabit terkelola", "Dipasang di rak", "unit", 6_500_000, JARINGAN),
            ("Router jaringan kantor", "Lima port gigabit, load balance", "unit", 4_500_000, JARINGAN),
            ("Titik akses nirkabel", "Wi-Fi 6, dipasang di plafon", "unit", 2_200_000, JARINGAN),
            ("Firewall jaringan", "Perangkat keras dengan lisensi satu tahun", "unit", 45_000_000, JARINGAN),
            ("Rak server 42U", "Lengkap dengan kipas dan PDU", "unit", 18_000_000, JARINGAN),
        ),
        tkdn=(10, 40),
    ),
    PriceFamily(
        SSH,
        "1.3.2.05.01",
        ("5.2.02.05.01.0005",),
        (
            ("Proyektor LCD", "4.000 lumen, XGA", "unit", 8_500_000),
            ("Layar proyektor", "Ukuran 70 x 70 inci, tripod", "unit", 1_250_000),
            ("Mesin penghancur kertas", "Kapasitas 10 lembar", "unit", 3_500_000),
            ("Papan tulis putih", "Ukuran 120 x 240 cm, dengan kaki", "unit", 1_300_000),
            ("Mesin fotokopi", "Kecepatan 45 lembar per menit, A3", "unit", 65_000_000, ("5.2.02.05.01.0003",)),
            ("Lemari arsip besi", "Empat laci, ukuran folio", "unit", 4_200_000, ("5.2.02.05.01.0004",)),
            ("Lemari arsip kayu", "Dua pintu kaca", "unit", 3_500_000, ("5.2.02.05.01.0004",)),
            ("Rak arsip besi", "Lima susun", "unit", 1_800_000, ("5.2.02.05.01.0004",)),
            ("Brankas", "Berat 100 kg, kunci kombinasi", "unit", 7_500_000, ("5.2.02.05.01.0004",)),
        ),
        tkdn=(25, 70),
    ),
    PriceFamily(
        SSH,
        "1.3.2.05.02",
        ("5.2.02.05.02.0001",),
        (
            ("Meja kerja staf", "Setengah biro, 120 x 60 cm", "unit", 1_750_000),
            ("Kursi kerja staf", "Beroda, sandaran jaring", "unit", 950_000),
            ("Meja rapat", "Ukuran 240 x 120 cm", "unit", 4_500_000),
            ("Kursi rapat", "Rangka besi, busa", "unit", 850_000),
            ("Sofa tamu", "Satu set, 3-1-1 dengan meja", "set", 8_500_000),
            ("AC split 1 PK", "Inverter, termasuk pemasangan", "unit", 5_200_000, ("5.2.02.05.02.0004",)),
            ("AC split 2 PK", "Inverter, termasuk pemasangan", "unit", 8_500_000, ("5.2.02.05.02.0004",)),
            ("Kipas angin dinding", "Diameter 16 inci", "unit", 450_000, ("5.2.02.05.02.0004",)),
            ("Dispenser air", "Galon bawah, panas dan dingin", "unit", 1_800_000, ("5.2.02.05.02.0006",)),
            ("Lemari es dua pintu", "Kapasitas 300 liter", "unit", 5_000_000, ("5.2.02.05.02.0006",)),
            ("Televisi LED 50 inci", "Smart TV", "unit", 7_500_000, ("5.2.02.05.02.0006",)),
            ("Alat pemadam api ringan", "Serbuk kimia 6 kg", "unit", 850_000, ("5.2.02.05.02.0007",)),
        ),
        tkdn=(25, 75),
    ),
    PriceFamily(
        SSH,
        "1.3.2.05.03",
        ("5.2.02.05.03.0001",),
        (
            ("Meja kerja pejabat eselon II", "Kayu jati, dengan laci samping", "unit", 7_500_000),
            ("Meja kerja pejabat eselon III/IV", "Kayu, dengan laci samping", "unit", 5_500_000),
            ("Kursi kerja pejabat eselon II", "Kulit, sandaran tinggi", "unit", 4_500_000, ("5.2.02.05.03.0003",)),
            ("Kursi kerja pejabat eselon III/IV", "Sandaran sedang", "unit", 3_500_000, ("5.2.02.05.03.0003",)),
            ("Meja rapat pejabat", "Ukuran 300 x 120 cm", "unit", 9_000_000, ("5.2.02.05.03.0002",)),
            ("Kursi rapat pejabat", "Sandaran sedang", "unit", 2_000_000, ("5.2.02.05.03.0004",)),
            ("Lemari arsip pejabat", "Kayu, dua pintu", "unit", 6_500_000, ("5.2.02.05.03.0007",)),
        ),
        tkdn=(40, 80),
    ),
    PriceFamily(
        SSH,
        "1.3.2.02.01",
        ("5.2.02.02.01.0002",),
        (
            ("Kendaraan dinas minibus 1.500 cc", "Tujuh kursi, transmisi manual", "unit", 285_000_000),
            ("Kendaraan dinas jip 2.400 cc", "Diesel, penggerak 4 x 4", "unit", 620_000_000, ("5.2.02.02.01.0001",)),
            ("Kendaraan bak terbuka", "Diesel, 2.400 cc", "unit", 260_000_000, ("5.2.02.02.01.0003",)),
            ("Sepeda motor dinas 150 cc", "Tipe sport/trail", "unit", 32_000_000, ("5.2.02.02.01.0004",)),
            ("Sepeda motor dinas 125 cc", "Tipe bebek/matik", "unit", 21_000_000, ("5.2.02.02.01.0004",)),
            ("Ambulans", "Lengkap dengan peralatan medis dasar", "unit", 650_000_000, ("5.2.02.02.01.0006",)),
        ),
        tkdn=(40, 80),
    ),
    PriceFamily(
        SSH,
        "1.3.2.06.01",
        ("5.2.02.06.01.0001",),
        (
            ("Pengeras suara portabel", "Dua mikrofon nirkabel, 300 watt", "unit", 6_500_000),
            ("Sistem tata suara ruang rapat", "Mixer, amplifier, empat pengeras suara", "paket", 25_000_000),
            ("Mikrofon konferensi", "Unit delegasi", "unit", 3_500_000),
            ("Radio genggam VHF", "5 watt", "unit", 2_500_000, ("5.2.02.06.02.0004",)),
        ),
        tkdn=(10, 45),
    ),
)

# Extra rows when the catalogue is scaled above 1.0: the same item in another quality class.
QUALITY_VARIANTS = (("mutu ekonomis", Decimal("0.85")), ("mutu premium", Decimal("1.25")))


def _round_price(value):
    """Round to the step a price list would use at that magnitude (Rp 50 up to Rp 50.000)."""
    steps = ((1_000, 50), (10_000, 100), (100_000, 500), (1_000_000, 1_000), (10_000_000, 5_000))
    step = next((step for limit, step in steps if value < limit), 50_000)
    rounded = (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    return max(rounded, Decimal(step))


def _family_rows(family, rng, scale):
    count = len(family.items) if family.regulated and scale >= 1 else max(1, round(len(family.items) * scale))
    rows = []
    for index in range(count):
        name, specification, unit, base, *own_accounts = family.items[index % len(family.items)]
        price = Decimal(base)
        variant = index // len(family.items)
        if variant:
            label, factor = QUALITY_VARIANTS[(variant - 1) % len(QUALITY_VARIANTS)]
            cycle = (variant - 1) // len(QUALITY_VARIANTS) + 1
            specification = f"{specification}; {label}" + (f" {cycle}" if cycle > 1 else "")
            price *= factor
        if not family.regulated:
            price = _round_price(price * Decimal(rng.randint(970, 1060)) / 1000)
        tkdn = ""
        if family.tkdn:
            low, high = family.tkdn
            tkdn = Decimal(rng.randint(low * 100, high * 100)) / 100
        rows.append(
            {
                "kode": f"{family.code_prefix}.{index + 1:04d}",
                "jenis": family.kind,
                "nama": name,
                "spesifikasi": specification,
                "satuan": unit,
                "harga": price,
                "kode_rekening": ";".join(own_accounts[0] if own_accounts else family.accounts),
                "tkdn": tkdn,
            }
        )
    return rows


def standard_price_catalogue(rng, *, scale=1.0):
    """Rows (file columns as keys) of a plausible Bondowoso catalogue; ~500 items at scale 1.0.

    Regulated amounts (SBU) are not multiplied above scale 1.0: there is one honorarium per level.
    """
    return [row for family in PRICE_FAMILIES for row in _family_rows(family, rng, scale)]


def seed_standard_prices(*, year, rng, scale=1.0):
    """Load the demo catalogue through the same validation and service as a catalogue file."""
    rows = standard_price_catalogue(rng, scale=scale)
    return standard_prices.load_standard_prices(
        records=list(enumerate(rows, start=2)), year=year, source_name="katalog demo"
    )
