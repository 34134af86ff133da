"""The Bondowoso planning demo: RPJMD and Renstra targets, Musrenbang and pokir proposals, a final
Renja for every OPD and the final RKPD of one year.

Everything is written through the planning services by the users who would do it in real life
(Bappeda, each OPD's staff, a DPRD member, anonymous citizens), so it is validated and audited
like any other entry. Choices come from the `random.Random` passed in: the same seed, year and
scale build the same plan. Only the proposals' tracking codes differ between runs; they come from
`secrets` so that nobody can guess another citizen's code.

The figures are plausible for Bondowoso (the 2024 APBD spends Rp 2,17 triliun, of which about
Rp 1,25 triliun is not belanja pegawai), not official: the RPJMD indicators are demo values.
"""

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils.text import slugify

from masterdata import services as masterdata_services
from masterdata.models import Account, FiscalYear, FundingSource, Nomenclature, Opd, Region, User
from planning import selectors, services, target_services
from planning.models import Proposal, Renja, RenjaLine, Renstra, Rkpd, Rpjmd, RpjmdTarget

from . import reference

LINES_AT_SCALE_1 = 2500
PROPOSALS_AT_SCALE_1 = 2000
MILLION = 1_000_000
Source, PStatus = Proposal.Source, Proposal.Status

# --- The RPJMD --------------------------------------------------------------------------------
#
# Bondowoso's RPJMD 2021-2026 was adopted in the regent's first year (2021), whose budget was
# already set; its five budget years are 2022-2026, so the plan's first year is 2022.

RPJMD_FIRST_YEAR = 2022
RPJMD_TITLE = "RPJMD Kabupaten Bondowoso Tahun 2021-2026"
RPJMD_REGULATION = "Peraturan Daerah Kabupaten Bondowoso tentang RPJMD Tahun 2021-2026"

# goal code, statement, [(target code, statement, indicator, unit, baseline, five yearly targets)]
RPJMD_GOALS = [
    (
        "1",
        "Meningkatkan kualitas sumber daya manusia yang sehat, cerdas dan berdaya saing",
        [
            (
                "1.1",
                "Meningkatnya derajat kesehatan masyarakat",
                "Angka harapan hidup",
                "tahun",
                "66.88",
                ["67.05", "67.22", "67.40", "67.58", "67.76"],
            ),
            (
                "1.2",
                "Menurunnya prevalensi stunting pada balita",
                "Prevalensi stunting balita",
                "%",
                "37.00",
                ["32.00", "27.50", "23.00", "18.50", "14.00"],
            ),
            (
                "1.3",
                "Meningkatnya kualitas dan pemerataan layanan pendidikan",
                "Rata-rata lama sekolah",
                "tahun",
                "6.06",
                ["6.15", "6.25", "6.36", "6.47", "6.58"],
            ),
            (
                "1.4",
                "Meningkatnya kualitas pembangunan manusia",
                "Indeks Pembangunan Manusia (IPM)",
                "indeks",
                "66.84",
                ["67.40", "67.95", "68.50", "69.05", "69.60"],
            ),
        ],
    ),
    (
        "2",
        "Meningkatkan pertumbuhan ekonomi yang inklusif berbasis agrobisnis, UMKM dan pariwisata",
        [
            (
                "2.1",
                "Meningkatnya pertumbuhan ekonomi daerah",
                "Laju pertumbuhan PDRB atas dasar harga konstan",
                "%",
                "3.52",
                ["4.60", "4.85", "5.05", "5.20", "5.35"],
            ),
            (
                "2.2",
                "Meningkatnya produktivitas pertanian dan ketahanan pangan",
                "Nilai Tukar Petani (NTP)",
                "indeks",
                "101.20",
                ["102.00", "102.80", "103.50", "104.20", "105.00"],
            ),
            (
                "2.3",
                "Meningkatnya daya saing UMKM, industri kecil dan pariwisata",
                "Jumlah kunjungan wisatawan",
                "orang",
                "410000",
                ["450000", "500000", "550000", "600000", "650000"],
            ),
            (
                "2.4",
                "Menurunnya pengangguran",
                "Tingkat pengangguran terbuka (TPT)",
                "%",
                "3.52",
                ["3.40", "3.28", "3.15", "3.02", "2.90"],
            ),
        ],
    ),
    (
        "3",
        "Menurunkan kemiskinan dan kesenjangan antarwilayah",
        [
            (
                "3.1",
                "Menurunnya angka kemiskinan",
                "Persentase penduduk miskin",
                "%",
                "15.71",
                ["14.90", "14.30", "13.70", "13.10", "12.50"],
            ),
            (
                "3.2",
                "Meningkatnya kemandirian desa",
                "Rata-rata Indeks Desa Membangun (IDM)",
                "indeks",
                "0.66",
                ["0.68", "0.69", "0.71", "0.72", "0.74"],
            ),
        ],
    ),
    (
        "4",
        "Meningkatkan kualitas infrastruktur wilayah dan lingkungan hidup yang berkelanjutan",
        [
            (
                "4.1",
                "Meningkatnya kemantapan jalan kabupaten",
                "Persentase jalan kabupaten dalam kondisi mantap",
                "%",
                "71.50",
                ["74.00", "76.50", "79.00", "81.50", "84.00"],
            ),
            (
                "4.2",
                "Meningkatnya layanan air minum, sanitasi dan permukiman layak",
                "Persentase rumah tangga dengan akses sanitasi layak",
                "%",
                "76.20",
                ["79.00", "82.00", "85.00", "88.00", "91.00"],
            ),
            (
                "4.3",
                "Meningkatnya kualitas lingkungan hidup dan ketangguhan terhadap bencana",
                "Indeks Kualitas Lingkungan Hidup (IKLH)",
                "indeks",
                "63.10",
                ["63.60", "64.10", "64.60", "65.10", "65.60"],
            ),
        ],
    ),
    (
        "5",
        "Mewujudkan tata kelola pemerintahan yang baik, bersih dan melayani",
        [
            (
                "5.1",
                "Meningkatnya akuntabilitas keuangan daerah",
                "Opini BPK atas LKPD (4 = WTP, 3 = WDP)",
                "skala",
                "4",
                ["4", "4", "4", "4", "4"],
            ),
            (
                "5.2",
                "Meningkatnya kualitas pelayanan publik",
                "Indeks Kepuasan Masyarakat (IKM)",
                "nilai",
                "80.50",
                ["81.25", "82.00", "82.75", "83.50", "84.25"],
            ),
            (
                "5.3",
                "Meningkatnya akuntabilitas kinerja dan reformasi birokrasi",
                "Nilai SAKIP Pemerintah Kabupaten",
                "nilai",
                "62.45",
                ["64.00", "66.00", "68.00", "70.00", "72.00"],
            ),
            (
                "5.4",
                "Terwujudnya ketenteraman, ketertiban umum dan kondusivitas wilayah",
                "Persentase penegakan Perda dan Perkada",
                "%",
                "80.00",
                ["83.00", "86.00", "89.00", "92.00", "95.00"],
            ),
        ],
    ),
]

# Which RPJMD target a program serves: the longest matching code prefix wins.
TARGET_OF_PROGRAM = {
    "X.XX": "5.3",
    "1.01": "1.3",
    "1.02": "1.1",
    "1.02.05": "1.2",
    "1.03": "4.2",
    "1.03.02": "2.2",
    "1.03.10": "4.1",
    "1.04": "4.2",
    "1.05": "5.4",
    "1.05.03": "4.3",
    "1.06": "3.1",
    "2.07": "2.4",
    "2.08": "1.4",
    "2.09": "2.2",
    "2.10": "4.2",
    "2.11": "4.3",
    "2.12": "5.2",
    "2.13": "3.2",
    "2.14": "1.2",
    "2.15": "4.1",
    "2.16": "5.2",
    "2.17": "2.3",
    "2.18": "2.1",
    "2.19": "1.4",
    "2.20": "5.3",
    "2.21": "5.3",
    "2.22": "2.3",
    "2.23": "1.3",
    "2.24": "5.3",
    "3.25": "2.2",
    "3.26": "2.3",
    "3.27": "2.2",
    "3.30": "2.1",
    "3.31": "2.3",
    "4.01": "5.3",
    "4.02": "5.3",
    "5.01": "5.3",
    "5.02": "5.1",
    "5.03": "5.3",
    "5.04": "5.3",
    "5.05": "5.3",
    "6.01": "5.1",
    "7.01": "5.2",
    "8.01": "5.4",
}

# Renstra outcome indicators of well-known programs: indicator, unit, baseline, yearly step.
PROGRAM_OUTCOMES = {
    "X.XX.01": ("Nilai SAKIP perangkat daerah", "nilai", "62.00", "1.50"),
    "1.01.02": ("Angka partisipasi murni SMP/MTs", "%", "78.40", "1.20"),
    "1.01.04": ("Persentase guru bersertifikat pendidik", "%", "68.00", "3.00"),
    "1.02.02": ("Persentase fasilitas pelayanan kesehatan terakreditasi", "%", "72.00", "5.00"),
    "1.02.03": ("Persentase puskesmas dengan sembilan jenis tenaga kesehatan sesuai standar", "%", "60.00", "6.00"),
    "1.02.05": ("Persentase desa yang melaksanakan STBM", "%", "55.00", "8.00"),
    "1.03.02": ("Persentase jaringan irigasi kewenangan kabupaten dalam kondisi baik", "%", "64.00", "3.00"),
    "1.03.03": ("Persentase rumah tangga dengan akses air minum layak", "%", "88.00", "1.80"),
    "1.03.05": ("Persentase rumah tangga dengan akses sanitasi layak", "%", "76.00", "3.00"),
    "1.03.06": ("Luas genangan di kawasan perkotaan", "ha", "35.00", "-5.00"),
    "1.03.10": ("Persentase jalan kabupaten dalam kondisi mantap", "%", "71.50", "2.50"),
    "1.04.03": ("Persentase rumah layak huni", "%", "84.00", "2.00"),
    "1.04.04": ("Persentase luas kawasan kumuh yang tertangani", "%", "35.00", "10.00"),
    "1.05.02": ("Persentase penegakan Perda dan Perkada", "%", "80.00", "3.00"),
    "1.05.03": ("Persentase desa tangguh bencana", "%", "12.00", "4.00"),
    "1.05.04": ("Persentase kejadian kebakaran tertangani dalam waktu tanggap 15 menit", "%", "75.00", "4.00"),
    "1.06.04": ("Persentase PPKS yang mendapat rehabilitasi sosial dasar", "%", "45.00", "5.00"),
    "1.06.05": ("Persentase keluarga miskin penerima perlindungan sosial", "%", "60.00", "5.00"),
    "2.07.03": ("Persentase pencari kerja yang mendapat pelatihan", "%", "20.00", "3.00"),
    "2.09.03": ("Skor Pola Pangan Harapan (PPH)", "skor", "86.50", "1.50"),
    "2.11.11": ("Persentase sampah yang tertangani", "%", "38.00", "6.00"),
    "2.12.02": ("Persentase penduduk wajib KTP yang memiliki KTP-el", "%", "97.20", "0.50"),
    "2.13.02": ("Jumlah desa berstatus mandiri", "desa", "4", "3"),
    "2.14.03": ("Angka prevalensi kontrasepsi modern (mCPR)", "%", "63.00", "0.80"),
    "2.16.03": ("Indeks SPBE", "indeks", "2.35", "0.20"),
    "2.17.07": ("Persentase usaha mikro yang naik kelas", "%", "4.00", "1.00"),
    "2.18.04": ("Nilai realisasi investasi", "Rp miliar", "850", "90"),
    "3.26.02": ("Jumlah kunjungan wisatawan", "orang", "410000", "50000"),
    "3.27.02": ("Produktivitas padi", "kw/ha", "58.40", "0.60"),
    "3.27.03": ("Luas lahan pertanian yang terlayani prasarana pertanian", "ha", "1250", "150"),
    "5.01.03": ("Persentase konsistensi program RPJMD dengan RKPD", "%", "85.00", "3.00"),
    "5.02.02": ("Persentase ketepatan waktu penyampaian laporan keuangan", "%", "90.00", "2.00"),
    "5.02.04": ("Persentase realisasi PAD terhadap target", "%", "95.00", "1.00"),
    "6.01.02": ("Persentase rekomendasi hasil pemeriksaan yang ditindaklanjuti", "%", "78.00", "4.00"),
    "7.01.02": ("Indeks kepuasan masyarakat terhadap layanan kecamatan", "nilai", "80.50", "0.80"),
    "7.01.06": ("Persentase desa yang menetapkan APBDes tepat waktu", "%", "85.00", "3.00"),
}

# --- OPDs ---------------------------------------------------------------------------------------

PUPR, DINKES, RSUD, DIKBUD = (
    "1.03.0.00.0.00.01.00",
    "1.02.0.00.0.00.01.00",
    "1.02.0.00.0.00.02.00",
    ("1.01.2.22.0.00.01.0000"),
)
PERKIM, SATPOL, BPBD, DINSOS = (
    "1.04.2.10.0.00.01.00",
    "1.05.0.00.0.00.01.0000",
    "1.05.0.00.0.00.02.0000",
    "1.06.0.00.0.00.01.0000",
)
DPPKB, DKPP, DLHP, DISPENDUK, DPMD = (
    "2.08.2.14.0.00.01.0000",
    "2.09.3.25.0.00.01.00",
    "2.11.2.15.0.00.01.0000",
    "2.12.0.00.0.00.01.00",
    "2.13.0.00.0.00.01.0000",
)
KOMINFO, KOPERINDAG, DPMPTSP, DISPUSIP, DISPARPORA, DISTAN = (
    "2.16.2.20.2.21.01.0000",
    "2.17.3.31.3.30.01.00",
    "2.18.2.07.3.32.01.00",
    "2.23.2.24.0.00.01.00",
    "3.26.2.19.0.00.01.00",
    "3.27.0.00.0.00.01.00",
)
SETDA, SETWAN, BAPPEDA, BPKAD, BAPENDA = (
    "4.01.0.00.0.00.01.0000",
    "4.02.0.00.0.00.01.00",
    "5.01.5.05.0.00.02.00",
    "5.02.0.00.0.00.01.00",
    "5.02.0.00.0.00.02.0000",
)
KECAMATAN = "kecamatan"  # a theme for the proposal's own kecamatan

OPD_SLUGS = {
    DIKBUD: "dikbud",
    DINKES: "dinkes",
    RSUD: "rsud",
    PUPR: "pupr",
    PERKIM: "perkim",
    SATPOL: "satpolpp",
    BPBD: "bpbd",
    DINSOS: "dinsos",
    DPPKB: "dppkb",
    DKPP: "dkpp",
    DLHP: "dlhp",
    DISPENDUK: "dispendukcapil",
    DPMD: "dpmd",
    KOMINFO: "diskominfo",
    KOPERINDAG: "diskoperindag",
    DPMPTSP: "dpmptsp",
    DISPUSIP: "dispusip",
    DISPARPORA: "disparpora",
    DISTAN: "distan",
    SETDA: "setda",
    SETWAN: "setwan",
    BAPPEDA: "bappeda",
    BPKAD: "bpkad",
    BAPENDA: "bapenda",
    "5.03.5.04.0.00.01.0000": "bkd",
    "6.01.0.00.0.00.01.00": "inspektorat",
    "8.01.0.00.0.00.01.0000": "bakesbangpol",
}
# Relative size of each OPD's Renja (number of sub-kegiatan); kecamatan share one weight.
OPD_WEIGHTS = {
    DIKBUD: 110,
    DINKES: 95,
    RSUD: 30,
    PUPR: 105,
    PERKIM: 55,
    SATPOL: 40,
    BPBD: 35,
    DINSOS: 45,
    DPPKB: 55,
    DKPP: 50,
    DLHP: 70,
    DISPENDUK: 40,
    DPMD: 35,
    KOMINFO: 45,
    KOPERINDAG: 55,
    DPMPTSP: 50,
    DISPUSIP: 35,
    DISPARPORA: 55,
    DISTAN: 65,
    SETDA: 90,
    SETWAN: 40,
    BAPPEDA: 50,
    BPKAD: 45,
    BAPENDA: 40,
}
KIND_WEIGHTS = {Opd.Kind.KECAMATAN: 26, Opd.Kind.DINAS: 50, Opd.Kind.BADAN: 40}
DEFAULT_WEIGHT = 30
# Share of an OPD's lines that are X.XX supporting sub-kegiatan.
SUPPORT_SHARE = {Opd.Kind.KECAMATAN: 0.45, Opd.Kind.SEKRETARIAT: 0.5, Opd.Kind.RSUD: 0.5, Opd.Kind.INSPEKTORAT: 0.55}
DEFAULT_SUPPORT_SHARE = 0.35

# OPDs that share a bidang split its programs; RSUD and Dinkes split the health program by name.
PROGRAMS_OF = {
    SATPOL: ("1.05.02", "1.05.04"),
    BPBD: ("1.05.03",),
    BPKAD: ("5.02.02", "5.02.03"),
    BAPENDA: ("5.02.04",),
    RSUD: ("1.02.02", "1.02.03"),
}
RSUD_ONLY = re.compile(r"Rumah Sakit|Rujukan", re.IGNORECASE)
RSUD_ALSO = re.compile(
    r"Alat Kesehatan|Bahan Habis Pakai|Sistem Informasi Kesehatan|Mutu|Sumber Daya Manusia Kesehatan"
)
# Codes that only Bondowoso's kecamatan with kelurahan use.
KELURAHAN_PREFIX = "7.01.03.2.02."
# Nomenclature of other regions (footnoted Aceh/DIY items), of the sea or of what Bondowoso has not.
NOT_IN_BONDOWOSO = re.compile(
    r"\*\)|\b(Pantai|Laut|Kelautan|Pesisir|Pulau|Breakwater|Seawall|Tambak|Rawa|Gambut|Flyover|Underpass|Terowongan|"
    r"Tunnel|Papua|Aceh|Yogyakarta|Perbatasan|Penerbangan|Bandar Udara|Pelabuhan|Kereta|Pelayaran|Penyeberangan|"
    r"Kapal|Mukim|Minyak dan Gas|Batubara|Transmigrasi|Kanal Banjir|Polder|Pompa Banjir)\b|"
    r"(Kota|Kabupaten) Administrasi|Provinsi$",
    re.IGNORECASE,
)

# X.XX supporting sub-kegiatan. Pegawai-heavy ones (gaji, DPRD allowances) stay out of pagu indikatif.
PEGAWAI_HEAVY = {"X.XX.01.2.02.0001", "X.XX.01.2.11.0001", "X.XX.01.2.15.0001"}
SUPPORT_KEGIATAN = ("01", "02", "03", "05", "06", "07", "08", "09")
SUPPORT_EXTRA = {
    SETDA: ("11", "12", "13", "14"),
    SETWAN: ("15", "16"),
    RSUD: ("10",),
    DINKES: ("10",),
    # Retribusi administration for the OPDs that collect one.
    PUPR: ("04",),
    DLHP: ("04",),
    DISPARPORA: ("04",),
    KOPERINDAG: ("04",),
    DISTAN: ("04",),
    DKPP: ("04",),
}
SUPPORT_CORE = [
    "X.XX.01.2.01.0001",
    "X.XX.01.2.01.0006",
    "X.XX.01.2.02.0003",
    "X.XX.01.2.08.0002",
    "X.XX.01.2.06.0001",
    "X.XX.01.2.06.0002",
    "X.XX.01.2.09.0002",
    "X.XX.01.2.02.0007",
    "X.XX.01.2.06.0005",
    "X.XX.01.2.06.0009",
    "X.XX.01.2.09.0009",
    "X.XX.01.2.08.0004",
    "X.XX.01.2.01.0007",
    "X.XX.01.2.05.0003",
]
SUPPORT_CORE_EXTRA = {
    RSUD: ["X.XX.01.2.10.0001"],
    DINKES: ["X.XX.01.2.10.0001"],
    SETDA: ["X.XX.01.2.11.0004", "X.XX.01.2.12.0003", "X.XX.01.2.13.0003", "X.XX.01.2.14.0001"],
    SETWAN: ["X.XX.01.2.16.0001", "X.XX.01.2.16.0003", "X.XX.01.2.15.0002", "X.XX.01.2.16.0004"],
}
# Sub-kegiatan an OPD always plans first (name patterns, searched in its own bidang).
BIDANG_ANCHORS = {
    DIKBUD: [r"^Pengelolaan Dana BOS Sekolah Dasar$", r"^Pengelolaan Dana BOS Sekolah Menengah Pertama$"],
    DINKES: [
        r"^Operasional Pelayanan Puskesmas$",
        r"^Pengelolaan Jaminan Kesehatan Masyarakat$",
        r"^Pengelolaan Pelayanan Kesehatan Gizi Masyarakat$",
    ],
    RSUD: [r"^Operasional Pelayanan Rumah Sakit$", r"^Pengembangan Rumah Sakit$"],
    PUPR: [
        r"^Rehabilitasi Jalan$",
        r"^Rekonstruksi Jalan$",
        r"^Pemeliharaan Berkala Jalan$",
        r"^Rehabilitasi Jaringan Irigasi Permukaan$",
        r"^Pembangunan Jalan$",
    ],
    DINSOS: [r"^Penyediaan Permakanan$"],
    DLHP: [r"^Penanganan Sampah dengan Melakukan"],
    DISTAN: [r"Jalan Usaha Tani$"],
    KECAMATAN: [
        r"^Koordinasi Pendampingan Desa",
        r"^Fasilitasi Penyusunan Perencanaan Pembangunan Partisipatif",
        r"^Pelaksanaan Tugas Forum Koordinasi Pimpinan di Kecamatan",
    ],
}

# --- Proposal themes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    """A kind of proposal: the OPD and sub-kegiatan (name pattern) that would answer it."""

    opd: str
    sub_kegiatan: str
    titles: tuple
    need: str
    cost: tuple  # Rp juta; with `units`, per unit
    weight: int
    sources: str = "dkfpc"  # desa, kecamatan, forum OPD, pokir, citizen
    units: tuple = ()
    komisi: str = "C"  # the DPRD commission whose members carry such pokir
    kelurahan_only: bool = False


THEMES = [
    Theme(
        PUPR,
        r"^Rehabilitasi Jalan$",
        (
            "Perbaikan jalan kabupaten ruas {desa}–{desa2}",
            "Pengaspalan ulang jalan poros {wil}",
            "Rehabilitasi jalan rusak di {dusun}, {wil}",
        ),
        "badan jalan berlubang dan aspal mengelupas sehingga angkutan hasil panen terhambat",
        (300, 2500),
        14,
    ),
    Theme(
        PUPR,
        r"^Rekonstruksi Jalan$",
        ("Peningkatan jalan makadam menjadi aspal di {dusun}, {wil}", "Rekonstruksi jalan ruas {desa}–{desa2}"),
        "jalan masih makadam dan rusak berat pada musim hujan",
        (400, 1800),
        6,
    ),
    Theme(
        PUPR,
        r"^Pemeliharaan Berkala Jalan$",
        ("Pemeliharaan jalan berlubang ruas {desa}–{desa2}", "Penambalan dan pelapisan ulang jalan {wil}"),
        "permukaan jalan mulai retak dan berlubang",
        (150, 800),
        4,
    ),
    Theme(
        PUPR,
        r"^Pembangunan Jembatan$",
        ("Pembangunan jembatan penghubung {dusun}–{dusun2}, {wil}", "Pembangunan jembatan di {wil}"),
        "warga menyeberangi sungai tanpa jembatan yang layak, berbahaya saat banjir",
        (250, 1500),
        3,
    ),
    Theme(
        PUPR,
        r"^Rehabilitasi Jembatan$",
        ("Rehabilitasi jembatan {dusun}, {wil}", "Perbaikan oprit dan lantai jembatan di {wil}"),
        "lantai dan sandaran jembatan rusak",
        (150, 900),
        2,
    ),
    Theme(
        PUPR,
        r"^Rehabilitasi Jaringan Irigasi Permukaan$",
        (
            "Rehabilitasi saluran irigasi {dusun}, {wil}",
            "Perbaikan pintu air dan saluran irigasi sekunder {wil}",
            "Normalisasi saluran irigasi persawahan {wil}",
        ),
        "saluran bocor dan dangkal sehingga sawah di hilir kekurangan air",
        (100, 600),
        10,
        komisi="B",
    ),
    Theme(
        PUPR,
        r"^Pembangunan Bangunan Perkuatan Tebing$",
        ("Pembangunan talud penahan tanah (plengsengan) di {dusun}, {wil}",),
        "tebing sungai longsor dan mengancam rumah warga serta jalan",
        (75, 350),
        5,
    ),
    Theme(
        PUPR,
        r"^Pembangunan Sistem Drainase Lingkungan$",
        ("Pembangunan saluran drainase lingkungan {dusun}, {wil}",),
        "air hujan menggenangi jalan dan permukiman",
        (75, 350),
        5,
    ),
    Theme(
        PUPR,
        r"^Pembangunan SPAM di Kawasan Perdesaan$",
        ("Penyediaan sarana air bersih (HIPPAM) di {dusun}, {wil}", "Perluasan jaringan air bersih {wil}"),
        "warga mengambil air dari sumber yang jauh pada musim kemarau",
        (100, 500),
        5,
    ),
    Theme(
        PUPR,
        r"^Pembangunan Sistem Pengelolaan Air Limbah Domestik$",
        ("Pembangunan MCK komunal {dusun}, {wil}", "Pembangunan IPAL komunal {wil}"),
        "masih ada warga yang buang air besar sembarangan",
        (80, 300),
        3,
    ),
    Theme(
        DINKES,
        r"^Pembangunan Fasilitas Kesehatan Lainnya$",
        ("Pembangunan gedung posyandu {dusun}, {wil}", "Pembangunan Ponkesdes {wil}"),
        "kegiatan posyandu menumpang di rumah warga",
        (80, 250),
        6,
        komisi="D",
    ),
    Theme(
        DINKES,
        r"^Rehabilitasi dan Pemeliharaan Fasilitas Kesehatan Lainnya$",
        ("Rehabilitasi Puskesmas Pembantu {wil}", "Perbaikan gedung Polindes {wil}"),
        "atap bocor dan ruang periksa tidak memadai",
        (100, 350),
        3,
        komisi="D",
    ),
    Theme(
        DINKES,
        r"^Pengelolaan Pelayanan Kesehatan Gizi Masyarakat$",
        ("Pemberian makanan tambahan bagi balita stunting di {wil}", "Pendampingan gizi ibu hamil KEK di {wil}"),
        "angka balita stunting di desa masih tinggi",
        (25, 120),
        4,
        komisi="D",
    ),
    Theme(
        DINKES,
        r"^Pengadaan Alat Kesehatan/Alat Penunjang Medik",
        ("Pengadaan alat kesehatan Puskesmas {kec}", "Penambahan ambulans desa untuk Puskesmas {kec}"),
        "peralatan puskesmas tidak lengkap dan sebagian rusak",
        (150, 750),
        2,
        sources="kfp",
        komisi="D",
    ),
    Theme(
        DIKBUD,
        r"^Rehabilitasi Sedang/Berat Ruang Kelas$",
        ("Rehabilitasi ruang kelas SDN {desa} {n}", "Perbaikan atap ruang kelas SDN {desa} {n}"),
        "atap ruang kelas rusak dan membahayakan siswa",
        (150, 450),
        6,
        komisi="D",
    ),
    Theme(
        DIKBUD,
        r"^Penambahan Ruang Kelas Baru$",
        ("Pembangunan ruang kelas baru SMPN {n} {kec}",),
        "jumlah rombongan belajar melebihi ruang kelas yang ada",
        (250, 600),
        3,
        sources="kfpc",
        komisi="D",
    ),
    Theme(
        DIKBUD,
        r"^Rehabilitasi Sedang/Berat Gedung/Ruang Kelas/Ruang Guru PAUD$",
        ("Rehabilitasi gedung PAUD {wil}",),
        "gedung PAUD rusak ringan hingga sedang",
        (80, 250),
        2,
        komisi="D",
    ),
    Theme(
        PERKIM,
        r"^Perbaikan Rumah Tidak Layak Huni untuk Pencegahan .*diluar",
        ("Bedah rumah tidak layak huni (RTLH) {units} unit di {wil}", "Rehabilitasi {units} unit RTLH di {wil}"),
        "banyak rumah berdinding bambu dan berlantai tanah",
        (17, 22),
        8,
        units=(5, 20),
    ),
    Theme(
        DLHP,
        r"^Penyediaan Perlengkapan Jalan di Jalan Kabupaten",
        ("Pemasangan lampu penerangan jalan umum (PJU) ruas {desa}–{desa2}", "Pemasangan rambu dan PJU di {wil}"),
        "jalan gelap pada malam hari dan rawan kecelakaan",
        (40, 200),
        5,
    ),
    Theme(
        DLHP,
        r"^Penyediaan Sarana dan Prasarana Pengelolaan Persampahan",
        ("Pembangunan TPS3R {wil}", "Pengadaan kontainer sampah untuk {wil}"),
        "sampah dibuang ke sungai karena belum ada tempat pembuangan",
        (150, 700),
        3,
    ),
    Theme(
        DISTAN,
        r"Jalan Usaha Tani$",
        ("Pembangunan jalan usaha tani Kelompok Tani {poktan}, {wil}", "Rabat beton jalan usaha tani {dusun}, {wil}"),
        "petani kesulitan mengangkut pupuk dan hasil panen",
        (100, 350),
        6,
        komisi="B",
    ),
    Theme(
        DISTAN,
        r"Jaringan Irigasi Usaha Tani$",
        ("Rehabilitasi jaringan irigasi tersier Kelompok Tani {poktan}, {wil}",),
        "saluran tersier rusak sehingga air tidak sampai ke petak sawah",
        (75, 250),
        4,
        komisi="B",
    ),
    Theme(
        KOPERINDAG,
        r"^Pemberdayaan Kelembagaan Potensi dan Pengembangan Usaha Mikro$",
        ("Pelatihan UMKM pengolahan {produk} di {wil}", "Pelatihan pemasaran digital bagi UMKM {kec}"),
        "pelaku usaha mikro belum memiliki keterampilan pengemasan dan pemasaran",
        (25, 150),
        7,
        komisi="B",
    ),
    Theme(
        KOPERINDAG,
        r"^Fasilitasi Usaha mikro Menjadi Usaha kecil",
        ("Pendampingan sertifikasi halal dan PIRT bagi UMKM {produk} {kec}",),
        "produk UMKM belum bersertifikat sehingga sulit masuk toko modern",
        (30, 120),
        3,
        komisi="B",
    ),
    Theme(
        DPMD,
        r"^Peningkatan Kapasitas Kelembagaan Lembaga Kemasyarakatan",
        ("Pelatihan kader PKK dan posyandu {wil}", "Peningkatan kapasitas LPM dan karang taruna {wil}"),
        "lembaga kemasyarakatan desa belum aktif",
        (20, 80),
        4,
        komisi="A",
    ),
    Theme(
        DISPARPORA,
        r"^Pengembangan Daya Tarik Wisata Kabupaten/Kota$",
        ("Pengembangan desa wisata {desa}", "Penataan kawasan wisata alam di {wil}"),
        "potensi wisata desa belum tertata dan belum dikenal",
        (100, 800),
        3,
        komisi="B",
    ),
    Theme(
        DISPARPORA,
        r"Sarana dan Prasarana Olahraga Rekreasi$",
        ("Pembangunan lapangan olahraga {wil}", "Rehabilitasi lapangan voli dan sepak bola {wil}"),
        "pemuda desa tidak memiliki lapangan olahraga yang layak",
        (75, 300),
        3,
        komisi="D",
    ),
    Theme(
        DINSOS,
        r"^Penyediaan Permakanan$",
        ("Permakanan bagi lansia terlantar di {wil}",),
        "lansia sebatang kara tidak mampu memenuhi makan harian",
        (20, 90),
        3,
        komisi="D",
    ),
    Theme(
        DINSOS,
        r"^Penyediaan Alat Bantu$",
        ("Bantuan kursi roda dan alat bantu dengar bagi penyandang disabilitas {kec}",),
        "penyandang disabilitas belum memiliki alat bantu",
        (15, 60),
        2,
        komisi="D",
    ),
    Theme(
        DPMPTSP,
        r"^Proses Pelaksanaan Pendidikan dan Pelatihan Keterampilan bagi Pencari Kerja",
        ("Pelatihan kerja {keterampilan} bagi pemuda {wil}",),
        "banyak pemuda desa menganggur setelah lulus sekolah",
        (40, 160),
        3,
        komisi="D",
    ),
    Theme(
        DISPENDUK,
        r"^Pelayanan secara Aktif Pendaftaran Peristiwa Kependudukan",
        ("Pelayanan jemput bola perekaman KTP-el di Kecamatan {kec}",),
        "warga lansia dan difabel sulit datang ke kantor Dispendukcapil",
        (15, 50),
        2,
        sources="dkfc",
        komisi="A",
    ),
    Theme(
        DKPP,
        r"^Penyediaan Infrastruktur Lantai Jemur$",
        ("Pembangunan lantai jemur gabah dan kopi {wil}",),
        "petani menjemur hasil panen di tepi jalan",
        (50, 200),
        3,
        komisi="B",
    ),
    Theme(
        BPBD,
        r"^Penyediaan Peralatan Perlindungan dan Kesiapsiagaan terhadap Bencana$",
        ("Pembentukan Desa Tangguh Bencana {desa}", "Penyediaan peralatan siaga longsor di {wil}"),
        "desa rawan longsor dan banjir bandang pada musim hujan",
        (30, 120),
        2,
        komisi="A",
    ),
    Theme(
        KECAMATAN,
        r"^Peningkatan Efektifitas Kegiatan Pemberdayaan Masyarakat di Wilayah Kecamatan$",
        ("Peningkatan kapasitas lembaga kemasyarakatan se-Kecamatan {kec}",),
        "koordinasi lembaga kemasyarakatan antardesa belum berjalan",
        (25, 100),
        2,
        sources="kf",
        komisi="A",
    ),
    Theme(
        KECAMATAN,
        r"^Pembangunan Sarana dan Prasarana Kelurahan$",
        ("Paving jalan lingkungan {dusun}, {wil}", "Pembangunan saluran lingkungan {wil}"),
        "jalan lingkungan kelurahan masih tanah dan becek",
        (50, 250),
        4,
        sources="dkfc",
        kelurahan_only=True,
    ),
]

# The DPRD commission that carries an OPD's pokir (its first theme's).
KOMISI_OF_OPD = {theme.opd: theme.komisi for theme in reversed(THEMES)}

# Proposals the kabupaten cannot take up, rejected with the reason that goes with them.
OUT_OF_SCOPE = [
    (
        "Perbaikan jalan provinsi ruas Bondowoso–Situbondo di {wil}",
        PUPR,
        "Ruas tersebut jalan provinsi; usulan diteruskan ke Pemerintah Provinsi Jawa Timur.",
    ),
    (
        "Pengaspalan jalan dusun {dusun}, {wil}",
        PUPR,
        "Jalan dusun menjadi kewenangan desa dan dapat dibiayai Dana Desa melalui musyawarah desa.",
    ),
    (
        "Pembangunan gedung madrasah swasta di {wil}",
        DIKBUD,
        "Madrasah menjadi kewenangan Kementerian Agama; dapat diajukan sebagai hibah sesuai ketentuan.",
    ),
    (
        "Bantuan modal usaha perorangan untuk warga {wil}",
        KOPERINDAG,
        "Bantuan modal perorangan tidak dapat dianggarkan sebagai kegiatan OPD.",
    ),
]
# Reasons by kind of decision; the physical ones only for works (roads, buildings, channels).
REJECT_REASONS = [
    "Bukan prioritas tahun ini; pagu sub-kegiatan sudah terisi usulan dengan prioritas lebih tinggi.",
    "Usulan ganda dengan usulan lain yang sudah diakomodasi.",
    "Tidak sesuai dengan prioritas pembangunan RKPD tahun ini.",
]
PHYSICAL_REJECT_REASONS = [
    "Lokasi berada di lahan yang belum berstatus aset pemerintah daerah.",
    "Hasil survei teknis: kondisi masih baik, belum perlu penanganan.",
]
NO_PAGU = "Pagu indikatif sub-kegiatan tidak mencukupi; dijadwalkan pada tahun berikutnya."
NO_LINE = "Belum ada sub-kegiatan yang sesuai dalam Renja OPD tahun ini; dijadwalkan pada tahun berikutnya."
DEFER_REASONS = ["Menunggu pendataan dan verifikasi calon penerima manfaat."]
PHYSICAL_DEFER_REASONS = [
    "Menunggu penyusunan DED dan kajian teknis.",
    "Menunggu kepastian status lahan dari pemerintah desa.",
]
MODERATION_REJECTS = [
    "Usulan bersifat permintaan pribadi, bukan usulan pembangunan.",
    "Usulan tidak mencantumkan lokasi dan uraian yang dapat diverifikasi.",
    "Usulan ganda dari pengusul yang sama.",
]
RETURN_NOTES = [
    ("Indikator keluaran belum terukur; gunakan satuan yang sesuai standar.", "output"),
    ("Pagu indikatif melebihi pagu indikatif OPD hasil rapat TAPD; mohon disesuaikan.", "pagu"),
    ("Lokasi kegiatan belum dirinci sampai kecamatan/desa.", "location"),
    ("Target keluaran belum selaras dengan target Renstra tahun berjalan.", "output"),
]
REPLIES = [
    "Sudah kami perbaiki sesuai catatan.",
    "Terima kasih, sudah disesuaikan.",
    "Sudah direvisi; mohon diperiksa kembali.",
]

DUSUN = [
    "Krajan",
    "Krajan Barat",
    "Krajan Timur",
    "Tengah",
    "Sumberan",
    "Gunungan",
    "Karangan",
    "Sawahan",
    "Pancoran",
    "Tegal",
    "Kebun",
    "Talang",
    "Sumber Tengah",
    "Leces",
    "Poreh",
    "Ampelan",
    "Jeruk",
    "Tanah Merah",
]
POKTAN = [
    "Sumber Rejeki",
    "Tani Makmur",
    "Sri Rejeki",
    "Subur Jaya",
    "Harapan Tani",
    "Maju Bersama",
    "Mekar Sari",
    "Sido Makmur",
    "Karya Tani",
    "Rukun Tani",
]
PRODUCTS = [
    "tape singkong",
    "kopi arabika Ijen-Raung",
    "keripik tempe",
    "olahan jagung",
    "batik khas Bondowoso",
    "anyaman bambu",
    "madu hutan",
    "susu kambing etawa",
    "gula aren",
    "kerajinan kayu",
]
SKILLS = [
    "menjahit",
    "barista kopi",
    "las listrik",
    "servis sepeda motor",
    "tata rias",
    "operator komputer",
    "pengolahan hasil pertanian",
]
FIRST_NAMES = [
    "Abdul",
    "Ahmad",
    "Moh.",
    "Hasan",
    "Sutrisno",
    "Sunardi",
    "Saiful",
    "Imam",
    "Fathorrahman",
    "Misnawi",
    "Siti",
    "Nur",
    "Rosyidah",
    "Maimunah",
    "Holilah",
    "Yuliani",
    "Sri",
    "Lailatul",
    "Hosnan",
    "Mukhlis",
]
LAST_NAMES = [
    "Hasanah",
    "Rahman",
    "Hidayat",
    "Wahyudi",
    "Fauzan",
    "Kurniawan",
    "Safitri",
    "Zainal",
    "Arifin",
    "Hamid",
    "Syaifullah",
    "Anwar",
    "Mahmud",
    "Sholeh",
    "Rohmah",
    "Yulianto",
    "Haryono",
    "Fitriani",
]
SOURCE_WEIGHTS = {Source.DESA: 52, Source.KECAMATAN: 20, Source.FORUM_OPD: 10, Source.POKIR: 12, Source.CITIZEN: 6}
SOURCE_INTRO = {
    Source.DESA: "Hasil musrenbang desa/kelurahan",
    Source.KECAMATAN: "Hasil musrenbang kecamatan",
    Source.FORUM_OPD: "Usulan forum perangkat daerah",
    Source.POKIR: "Pokok-pokok pikiran DPRD",
    Source.CITIZEN: "Usulan warga",
}
SOURCE_LETTER = {Source.DESA: "d", Source.KECAMATAN: "k", Source.FORUM_OPD: "f", Source.POKIR: "p", Source.CITIZEN: "c"}

# --- Renja lines: outputs, pagu and funding ------------------------------------------------------

PARTICIPLES = {
    "Pembangunan": "Dibangun",
    "Penambahan": "Dibangun",
    "Rehabilitasi": "Direhabilitasi",
    "Peningkatan": "Ditingkatkan",
    "Pemeliharaan": "Dipelihara",
    "Rekonstruksi": "Direkonstruksi",
    "Pelebaran": "Dilebarkan",
    "Penggantian": "Diganti",
    "Perbaikan": "Diperbaiki",
    "Perluasan": "Diperluas",
    "Pengadaan": "Disediakan",
    "Pengadaaan": "Disediakan",
    "Penyediaan": "Disediakan",
    "Pengembangan": "Dikembangkan",
    "Operasi": "Dioperasikan dan Dipelihara",
}
MODIFIERS = {"dan", "Sedang/Berat", "Rutin", "Berkala", "Rutin/Berkala", "Baru", "Total"}

# (name pattern, indicator, unit, (lowest, highest) target, decimal places, physical work?)
OUTPUT_RULES = [
    (r"Jalan Usaha Tani", "Panjang Jalan Usaha Tani yang {part}", "meter", (500, 5000), 0, True),
    (r"^\S+ (Berkala |Rutin )?Jalan$|Jalan (Menuju|Menambah)", "Panjang Jalan yang {part}", "km", (3, 25), 2, True),
    (r"^\S+ (Rutin |Berkala )?Jembatan$", "Panjang Jembatan yang {part}", "meter", (12, 120), 0, True),
    (
        r"^(Pembangunan|Peningkatan|Rehabilitasi|Operasi)\b.*Jaringan Irigasi",
        "Panjang Jaringan Irigasi yang {part}",
        "km",
        (1.5, 12),
        2,
        True,
    ),
    (
        r"^(Pembangunan|Peningkatan|Rehabilitasi|Operasi)\b.*Drainase",
        "Panjang Saluran Drainase yang {part}",
        "meter",
        (300, 3000),
        0,
        True,
    ),
    (r"Rumah Tidak Layak Huni", "Jumlah Rumah Tidak Layak Huni yang Diperbaiki", "unit", (40, 300), 0, True),
    (
        r"^(Pembangunan|Peningkatan|Perbaikan|Perluasan|Operasi)\b.*SPAM",
        "Jumlah Sambungan Rumah yang Terlayani SPAM",
        "SR",
        (100, 1500),
        0,
        True,
    ),
    (
        r"^Pengelolaan Dana BOS Sekolah Dasar",
        "Jumlah Sekolah Dasar Penerima Dana BOS yang Dikelola",
        "unit",
        (560, 600),
        0,
        False,
    ),
    (
        r"^Pengelolaan Dana BOS Sekolah Menengah Pertama",
        "Jumlah SMP Penerima Dana BOS yang Dikelola",
        "unit",
        (110, 130),
        0,
        False,
    ),
    (
        r"^Operasional Pelayanan Puskesmas",
        "Jumlah Puskesmas yang Menyelenggarakan Pelayanan",
        "unit",
        (25, 25),
        0,
        False,
    ),
    (
        r"^Operasional Pelayanan Rumah Sakit",
        "Jumlah Rumah Sakit yang Menyelenggarakan Pelayanan",
        "unit",
        (1, 1),
        0,
        False,
    ),
    (r"BLUD$", "Jumlah BLUD yang Menyediakan Pelayanan dan Penunjang Pelayanan", "unit", (1, 1), 0, False),
    (
        r"^Pengelolaan Pelayanan Kesehatan (.+)$",
        "Jumlah {m1} yang Mendapatkan Pelayanan Kesehatan sesuai Standar",
        "orang",
        (1000, 30000),
        0,
        False,
    ),
    (r"^Penyediaan Permakanan", "Jumlah Penerima Layanan Permakanan", "orang", (150, 900), 0, False),
    (r"^Penyediaan Jasa|^Penyediaan Gaji|^Penyediaan Dana", "Jumlah Laporan {name}", "laporan", (12, 12), 0, False),
    (
        r"^(Pelatihan|Pendidikan dan Pelatihan|Proses Pelaksanaan Pendidikan|Bimbingan Teknis|Sosialisasi|"
        r"Penyuluhan|Peningkatan Kapasitas|Pembinaan Disiplin)",
        "Jumlah Peserta {name}",
        "orang",
        (25, 400),
        0,
        False,
    ),
    (
        r"^(Pembangunan|Penambahan|Rehabilitasi|Rekonstruksi|Penggantian|Perbaikan|Perluasan)\b",
        "Jumlah {obj} yang {part}",
        "unit",
        (1, 12),
        0,
        True,
    ),
    (r"^(Pengadaan|Pengadaaan)", "Jumlah {obj} yang {part}", "unit", (1, 20), 0, False),
    (r"^Pemeliharaan", "Jumlah {obj} yang {part}", "unit", (2, 40), 0, False),
    (
        r"^(Koordinasi dan )?(Penyusunan|Perencanaan|Perumusan|Analisis|Kajian|Penelitian|Pendataan)",
        "{doc}",
        "dokumen",
        (1, 6),
        0,
        False,
    ),
    (r"^Penyediaan", "Jumlah Paket {obj} yang {part}", "paket", (1, 12), 0, False),
    (r"", "Jumlah Laporan {name}", "laporan", (1, 12), 0, False),
]
OUTPUT_RULES = [(re.compile(pattern), *rest) for pattern, *rest in OUTPUT_RULES]

# (code prefix, name pattern, OPD or None, (lowest, highest) pagu in Rp juta); the first match wins.
PAGU_RULES = [
    ("X.XX.01.2.10.0001", "", RSUD, (140_000, 175_000)),
    ("X.XX.01.2.10.0001", "", None, (30_000, 45_000)),
    ("", r"^Pengelolaan Dana BOS Sekolah Dasar$", None, (45_000, 60_000)),
    ("", r"^Pengelolaan Dana BOS Sekolah Menengah Pertama$", None, (20_000, 28_000)),
    ("", r"^Pengelolaan Jaminan Kesehatan Masyarakat$", None, (35_000, 55_000)),
    ("", r"^Operasional Pelayanan Rumah Sakit$", None, (15_000, 25_000)),
    ("", r"^Operasional Pelayanan Puskesmas$", None, (8_000, 15_000)),
    ("", r"^(Pembangunan|Rekonstruksi|Rehabilitasi|Pemeliharaan Berkala) Jalan$", None, (12_000, 40_000)),
    ("", r"^Pemeliharaan Rutin Jalan$|Jalan (Menuju|Menambah)", None, (2_000, 6_000)),
    ("", r"Jembatan$", None, (1_000, 6_000)),
    ("", r"^(Pembangunan|Rehabilitasi|Peningkatan) (Jaringan )?Irigasi|^Rehabilitasi Bendung", None, (2_000, 12_000)),
    ("", r"Rumah Tidak Layak Huni", None, (2_000, 8_000)),
    ("", r"^Penyediaan Permakanan$", None, (1_500, 4_000)),
    ("", r"Sarana dan Prasarana Kelurahan$", None, (300, 900)),
    ("X.XX.01.2.11.0004", "", None, (1_500, 2_500)),
    ("X.XX.01.2.08.0004", "", None, (300, 3_000)),
    ("X.XX.01.2.08.0002", "", None, (150, 1_500)),
    ("X.XX.01.2.08.0001", "", None, (10, 60)),
    ("X.XX.01.2.09.000", "", None, (100, 900)),
    ("X.XX.01.2.09.001", "", None, (150, 1_800)),
    ("X.XX.01.2.07.", "", None, (150, 2_000)),
    ("X.XX.", "", None, (20, 400)),
    ("7.01.", "", None, (15, 250)),
    ("1.02.02.2.02.", "", None, (150, 2_500)),
    ("", r"^(Pembangunan|Rehabilitasi|Peningkatan|Penambahan|Rekonstruksi)\b", None, (500, 5_000)),
    ("", r"^(Pengadaan|Pengadaaan)\b", None, (150, 2_500)),
    ("", r"", None, (50, 1_000)),
]
PAGU_RULES = [(prefix, re.compile(pattern), opd, bounds) for prefix, pattern, opd, bounds in PAGU_RULES]

DAU, DBH = "1.2.01.01.02.0001", "1.2.01.01.01.0001"
# (code prefix, name pattern, [(funding source code, weight)]); the first match wins, then DAU/DBH.
FUNDING_RULES = [
    ("X.XX.01.2.10.0001", r"", [("1.1.04.16.01.0001", 1)]),
    ("", r"^Pengelolaan Dana BOS", [("2.2.01.01.04.0001", 1)]),
    ("", r"^Operasional Pelayanan Puskesmas$", [("1.1.04.18.01.0001", 3), (DAU, 1)]),
    ("", r"^Pengelolaan Jaminan Kesehatan Masyarakat$", [("2.1.01.02.02.0001", 2), ("2.2.01.01.01.0001", 1)]),
    ("1.02.02.2.02.", r"", [("2.2.01.01.04.0011", 2), ("2.1.01.02.01.0001", 1), (DAU, 2)]),
    ("1.02.02.2.01.", r"", [("2.2.01.01.03.0012", 1), (DAU, 2)]),
    ("", r"Jalan$", [("2.2.01.01.03.0011", 1), (DAU, 3), ("2.2.02.02.01.0001", 1)]),
    ("", r"Irigasi", [("2.2.01.01.03.0030", 1), (DAU, 2)]),
    ("", r"SPAM", [("2.2.01.01.03.0008", 1), (DAU, 2)]),
    ("", r"Air Limbah|Drainase", [("2.2.01.01.03.0009", 1), (DAU, 2)]),
    ("", r"Rumah Tidak Layak Huni", [("2.2.01.01.03.0010", 1), (DAU, 2)]),
    ("", r"Ruang Kelas", [("2.2.01.01.03.0002", 1), (DAU, 1)]),
    ("", r"Sarana dan Prasarana Kelurahan$", [("2.2.01.01.02.0001", 1)]),
    ("2.12.", r"", [("2.2.01.01.04.0017", 1), (DAU, 2)]),
    ("2.14.", r"", [("2.2.01.01.04.0015", 1), (DAU, 2)]),
    ("3.26.", r"", [("2.2.01.01.04.0018", 1), (DAU, 3)]),
    ("3.27.", r"", [("2.2.01.01.01.0001", 1), ("2.2.01.01.03.0016", 1), (DAU, 3)]),
    ("1.05.02.", r"", [("2.2.01.01.01.0001", 1), (DAU, 2)]),
    ("3.31.", r"", [("2.2.01.01.01.0001", 1), (DAU, 2)]),
]
FUNDING_RULES = [(prefix, re.compile(pattern), choices) for prefix, pattern, choices in FUNDING_RULES]
DEFAULT_FUNDING = [(DAU, 5), (DBH, 1), ("2.2.01.02.01.0001", 0.2)]


# --- Plans (what will be written) ---------------------------------------------------------------


@dataclass
class LinePlan:
    opd: Opd
    sub_kegiatan: Nomenclature
    pagu: Decimal
    pagu_high: int  # Rp juta: the top of the sub-kegiatan's usual range
    physical: bool
    accepted: list = field(default_factory=list)

    @property
    def accepted_cost(self):
        return sum((proposal.cost for proposal in self.accepted), Decimal(0))


@dataclass
class ProposalPlan:
    source: str
    title: str
    description: str
    kecamatan: Region
    village: Region | None
    proposer: str
    cost: Decimal
    opd: Opd | None
    sub_kegiatan: Nomenclature | None
    priority: int
    line: LinePlan | None = None
    outcome: str = ""  # accept, reject, defer, moderation_reject, pending
    note: str = ""


@dataclass
class PlanningSummary:
    year: int
    created: bool
    proposals: int
    proposals_accepted: int
    renjas: int
    renjas_final: int
    lines: int
    rkpd_state: str
    rkpd_total: Decimal
    operators_created: int = 0


def planning_opds():
    """The OPDs that plan: all but the Bagian, which plan inside the Sekretariat Daerah's Renja."""
    return list(Opd.objects.filter(is_active=True).exclude(kind=Opd.Kind.BAGIAN).order_by("code"))


def opd_operators(opds, *, admin, rng):
    """({OPD id: staff user}, how many were created): each OPD's `opd.<slug>` (the demo's own slug where it
    has one), else its first active staff member, else a new `opd.<slug>`; the planning and budget demos
    share them.

    The extra operators get no usable password (an administrator sets one when someone needs the
    account): dozens of accounts sharing the published demo password would be an open door.
    """
    operators, created = {}, 0
    for opd in opds:
        slug = OPD_SLUGS.get(opd.code) or (
            "kec-" + slugify(opd.name.removeprefix("Kecamatan "))
            if opd.kind == Opd.Kind.KECAMATAN
            else slugify(opd.name)[:40]
        )
        username = f"opd.{slug}"
        user = User.objects.filter(username=username, opd=opd, role=User.Role.OPD_STAFF).first()
        if user is None:
            user = User.objects.filter(opd=opd, role=User.Role.OPD_STAFF, is_active=True).order_by("username").first()
        if user is None:
            user = masterdata_services.create_user(
                actor=admin,
                username=username,
                password=None,
                role=User.Role.OPD_STAFF,
                opd=opd,
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
            )
            created += 1
        operators[opd.pk] = user
    return operators, created


def seed_planning(*, year, rng, scale=1.0):
    """Build the planning year; a year that already has proposals, a Renja or an RKPD is left as it is."""
    fiscal_year = FiscalYear.objects.select_related("reference_version").get(year=year)
    reference.seed_users()
    already = (
        Renja.objects.filter(fiscal_year=fiscal_year).exists()
        or Proposal.objects.filter(fiscal_year=fiscal_year).exists()
        or Rkpd.objects.filter(fiscal_year=fiscal_year).exists()
    )
    if already:
        return summarize(fiscal_year, created=False)
    with transaction.atomic():
        builder = _Builder(fiscal_year, rng, scale)
        builder.build()
    return summarize(fiscal_year, created=True, operators_created=builder.operators_created)


def summarize(fiscal_year, *, created, operators_created=0):
    renjas = Renja.objects.filter(fiscal_year=fiscal_year)
    proposals = Proposal.objects.filter(fiscal_year=fiscal_year)
    rkpd = Rkpd.objects.filter(fiscal_year=fiscal_year).first()
    return PlanningSummary(
        year=fiscal_year.year,
        created=created,
        proposals=proposals.count(),
        proposals_accepted=proposals.filter(status=PStatus.ACCEPTED).count(),
        renjas=renjas.count(),
        renjas_final=renjas.filter(stage=Renja.Stage.FINAL).count(),
        lines=RenjaLine.objects.filter(renja__fiscal_year=fiscal_year).count(),
        rkpd_state=rkpd.state if rkpd else "",
        rkpd_total=rkpd.total_pagu if rkpd else Decimal(0),
        operators_created=operators_created,
    )


def _log_uniform(rng, low, high):
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def _rupiah(amount_in_juta, step=1000):
    """Rp juta as whole Rupiah, rounded to `step` Rupiah."""
    return Decimal(int(round(amount_in_juta * MILLION / step)) * step)


def _obj_and_participle(name):
    """'Rehabilitasi Sedang/Berat Ruang Kelas' -> ('Ruang Kelas', 'Direhabilitasi')."""
    words = name.split()
    participle = ""
    while words:
        token = words[0].rstrip(",")
        parts = token.split("/")
        if all(part in PARTICIPLES for part in parts):
            participle = participle or PARTICIPLES[parts[0]]
        elif token not in MODIFIERS:
            break
        words.pop(0)
    return " ".join(words) or name, participle or "Dilaksanakan"


def _sentence(program_name):
    """'PROGRAM PENGELOLAAN SUMBER DAYA AIR (SDA)' -> 'program pengelolaan sumber daya air (SDA)'."""
    return re.sub(r"\(([^)]*)\)", lambda m: m.group(0).upper(), program_name.lower())


def _target_code(program_code):
    """The RPJMD target a program serves: its own entry, else its bidang's."""
    return TARGET_OF_PROGRAM.get(program_code) or TARGET_OF_PROGRAM.get(program_code[:4], "5.3")


class _Builder:
    """One planning year, planned in memory first (so proposals can be matched to lines) and then
    written through the services in the order the real cycle runs."""

    def __init__(self, fiscal_year, rng, scale):
        self.fy = fiscal_year
        self.year = fiscal_year.year
        self.rng = rng
        self.scale = scale
        self.users = {user.username: user for user in User.objects.filter(username__in=["bappeda", "dprd", "admin"])}
        self.bappeda = self.users["bappeda"]
        self.dprd = self.users["dprd"]
        self._line_cache = {}
        self.opds = planning_opds()
        self.kecamatan_regions = self._kecamatan_regions()
        self.villages = defaultdict(list)
        for village in Region.objects.exclude(level=Region.Level.KECAMATAN).order_by("code"):
            self.villages[village.parent_id].append(village)
        self.funding = {
            source.code: source
            for source in FundingSource.objects.filter(
                version_id=fiscal_year.reference_version_id,
                level=Account.Level.SUB_RINCIAN_OBJEK,
                is_active=True,
            )
        }

    # -- reference lookups ------------------------------------------------------------------------

    def _kecamatan_regions(self):
        """OPD id -> Region of each Kecamatan OPD (Kecamatan Ijen is the Kemendagri kecamatan Sempol)."""

        def key(name):
            return re.sub(r"[^a-z]", "", name.lower())

        regions = {key(region.name): region for region in Region.objects.filter(level=Region.Level.KECAMATAN)}
        regions[key("Ijen")] = Region.objects.get(code="35.11.19")
        return {
            opd.pk: regions[key(opd.name.removeprefix("Kecamatan "))]
            for opd in self.opds
            if opd.kind == Opd.Kind.KECAMATAN and key(opd.name.removeprefix("Kecamatan ")) in regions
        }

    def _pools(self, opd, allowed):
        """(support, bidang) sub-kegiatan the demo may plan for an OPD, both ordered by code."""
        support_kegiatan = SUPPORT_KEGIATAN + SUPPORT_EXTRA.get(opd.code, ())
        support = [
            sub
            for sub in allowed
            if sub.code.startswith("X.XX.01.2.")
            and sub.code.split(".")[4] in support_kegiatan
            and sub.code not in PEGAWAI_HEAVY
        ]
        has_kelurahan = any(v.level == Region.Level.KELURAHAN for v in self.villages[self._kecamatan_id(opd)])
        programs = PROGRAMS_OF.get(opd.code)
        bidang = []
        for sub in allowed:
            if sub.code.startswith("X.XX.") or NOT_IN_BONDOWOSO.search(sub.name):
                continue
            if programs and not sub.code.startswith(programs):
                continue
            if sub.code.startswith(KELURAHAN_PREFIX) and not has_kelurahan:
                continue
            if opd.code == RSUD and not (RSUD_ONLY.search(sub.name) or RSUD_ALSO.search(sub.name)):
                continue
            if opd.code == DINKES and RSUD_ONLY.search(sub.name):
                continue
            bidang.append(sub)
        return support, bidang

    def _kecamatan_id(self, opd):
        region = self.kecamatan_regions.get(opd.pk)
        return region.pk if region else None

    # -- the plan ---------------------------------------------------------------------------------

    def build(self):
        self.operators, self.operators_created = opd_operators(self.opds, admin=self.users.get("admin"), rng=self.rng)
        self.rpjmd_targets = self._rpjmd()
        pools = {}
        for opd in self.opds:
            allowed = list(
                selectors.allowed_sub_kegiatan(opd, self.fy).select_related("parent__parent").order_by("code")
            )
            pools[opd.pk] = self._pools(opd, allowed)
        self.renstra_programs = self._renstras(pools)
        self.line_plans = self._plan_lines(pools)
        self.proposal_plans = self._plan_proposals()
        self._fit_pagu_to_demand()
        self._decide_outcomes()
        self._write_proposals()
        for opd in self.opds:
            self._write_renja(opd)
        self._write_undecided_by_bappeda()
        rkpd = services.consolidate_rkpd(actor=self.bappeda, fiscal_year=self.fy)
        services.finalize_rkpd(
            actor=self.bappeda,
            rkpd=rkpd,
            regulation=f"Peraturan Bupati Bondowoso tentang Rencana Kerja Pemerintah Daerah Tahun {self.year}",
        )

    def _rpjmd(self):
        """code -> RpjmdTarget of the RPJMD covering the year (the demo's own when none does)."""
        rpjmd = Rpjmd.objects.filter(first_year__lte=self.year, first_year__gte=self.year - 4).first()
        if rpjmd is None:
            if not RPJMD_FIRST_YEAR <= self.year <= RPJMD_FIRST_YEAR + 4:
                return {}
            rpjmd = target_services.create_rpjmd(
                actor=self.bappeda, title=RPJMD_TITLE, first_year=RPJMD_FIRST_YEAR, regulation=RPJMD_REGULATION
            )
            for goal_code, statement, targets in RPJMD_GOALS:
                goal = target_services.create_rpjmd_goal(
                    actor=self.bappeda, rpjmd=rpjmd, code=goal_code, statement=statement
                )
                for code, target_statement, indicator, unit, baseline, yearly in targets:
                    target_services.create_rpjmd_target(
                        actor=self.bappeda,
                        goal=goal,
                        code=code,
                        statement=target_statement,
                        indicator=indicator,
                        unit=unit,
                        baseline=Decimal(baseline),
                        **{f"target_{i}": Decimal(value) for i, value in enumerate(yearly, start=1)},
                    )
        self.rpjmd = rpjmd
        return {
            target.code: target
            for target in RpjmdTarget.objects.filter(goal__rpjmd=rpjmd).order_by("goal__code", "code")
        }

    def _renstras(self, pools):
        """(OPD id, program code) -> RenstraProgram; each OPD's staff write its own Renstra."""
        if not self.rpjmd_targets:
            return {}
        rows = {}
        for opd in self.opds:
            renstra = Renstra.objects.filter(opd=opd, rpjmd=self.rpjmd).first()
            if renstra is None:
                renstra = self._write_renstra(opd, pools[opd.pk])
            for row in renstra.programs.select_related("program"):
                rows.setdefault((opd.pk, row.program.code), row)
        return rows

    def _write_renstra(self, opd, pools):
        actor = self.operators[opd.pk]
        renstra = target_services.create_renstra(actor=actor, opd=opd, rpjmd=self.rpjmd)
        support, bidang = pools
        programs = {}
        for sub in support[:1] + bidang:
            program = sub.parent.parent
            programs.setdefault(program.code, program)
        for code in sorted(programs):
            target = self.rpjmd_targets.get(_target_code(code))
            if target is None:
                continue
            indicator, unit, baseline, step = PROGRAM_OUTCOMES.get(code) or (
                f"Tingkat capaian kinerja {_sentence(programs[code].name)}",
                "%",
                "75.00",
                "4.00",
            )
            baseline, step = Decimal(baseline), Decimal(step)
            values = [baseline + step * i for i in range(1, 6)]
            if unit == "%":
                values = [min(value, Decimal(100)) for value in values]
            target_services.create_renstra_program(
                actor=actor,
                renstra=renstra,
                program=programs[code],
                rpjmd_target=target,
                indicator=indicator,
                unit=unit,
                baseline=baseline.quantize(Decimal("0.01")),
                **{f"target_{i}": value.quantize(Decimal("0.01")) for i, value in enumerate(values, start=1)},
            )
        return renstra

    def _line_counts(self, pools):
        total = max(2 * len(self.opds), round(LINES_AT_SCALE_1 * self.scale))
        weights = [OPD_WEIGHTS.get(opd.code) or KIND_WEIGHTS.get(opd.kind, DEFAULT_WEIGHT) for opd in self.opds]
        counts = {}
        for opd, weight in zip(self.opds, weights, strict=True):
            support, bidang = pools[opd.pk]
            wanted = max(2, round(total * weight / sum(weights)))
            counts[opd.pk] = min(wanted, len(support) + len(bidang))
        return counts

    def _ordered(self, subs, patterns):
        """The sub-kegiatan matching each pattern (first by code) in order, then the rest shuffled."""
        first = []
        for pattern in patterns:
            match = next((sub for sub in subs if re.search(pattern, sub.name) and sub not in first), None)
            if match is not None:
                first.append(match)
        rest = [sub for sub in subs if sub not in first]
        self.rng.shuffle(rest)
        return first + rest

    def _plan_lines(self, pools):
        counts = self._line_counts(pools)
        plans = {}
        for opd in self.opds:
            support, bidang = pools[opd.pk]
            count = counts[opd.pk]
            share = SUPPORT_SHARE.get(opd.kind, DEFAULT_SUPPORT_SHARE)
            n_support = min(len(support), max(1, round(count * share)))
            n_bidang = min(len(bidang), count - n_support)
            n_support = min(len(support), count - n_bidang)
            core = {sub.code: sub for sub in support}
            support_order = [core[code] for code in SUPPORT_CORE_EXTRA.get(opd.code, []) + SUPPORT_CORE if code in core]
            support_rest = [sub for sub in support if sub not in support_order]
            self.rng.shuffle(support_rest)
            chosen = (support_order + support_rest)[:n_support]
            key = KECAMATAN if opd.kind == Opd.Kind.KECAMATAN else opd.code
            theme_patterns = [theme.sub_kegiatan for theme in THEMES if theme.opd == key]
            chosen += self._ordered(bidang, BIDANG_ANCHORS.get(key, []) + theme_patterns)[:n_bidang]
            plans[opd.pk] = [
                LinePlan(opd, sub, *self._pagu(opd, sub), physical=self._output(sub)[5])
                for sub in sorted(chosen, key=lambda s: s.code)
            ]
        return plans

    def _pagu(self, opd, sub):
        """(pagu, top of its range in Rp juta) drawn from the first pagu rule that fits."""
        for prefix, pattern, only_opd, (low, high) in PAGU_RULES:
            if sub.code.startswith(prefix) and pattern.search(sub.name) and only_opd in (None, opd.code):
                return _rupiah(_log_uniform(self.rng, low, high)), high
        raise AssertionError("the last pagu rule matches every sub-kegiatan")

    def _fit_pagu_to_demand(self):
        """A sub-kegiatan that many proposals ask for gets part of that demand as pagu (within reason)."""
        demand = defaultdict(Decimal)
        for plan in self.proposal_plans:
            if plan.line is not None:
                demand[id(plan.line)] += plan.cost
        for plans in self.line_plans.values():
            for line in plans:
                wanted = demand[id(line)] * Decimal(str(round(self.rng.uniform(0.3, 0.5), 2)))
                line.pagu = max(line.pagu, min(_rupiah(float(wanted) / MILLION), _rupiah(line.pagu_high * 1.2)))

    def _output(self, sub):
        """(indicator, unit, (low, high), decimals, match, physical) for a sub-kegiatan."""
        for pattern, indicator, unit, bounds, decimals, physical in OUTPUT_RULES:
            match = pattern.search(sub.name)
            if match:
                return indicator, unit, bounds, decimals, match, physical
        raise AssertionError("the last output rule matches every sub-kegiatan")

    def _output_values(self, plan):
        indicator, unit, (low, high), decimals, match, _ = self._output(plan.sub_kegiatan)
        name = plan.sub_kegiatan.name
        obj, participle = _obj_and_participle(name)
        document = re.sub(r"^(Koordinasi dan )?Penyusunan ", "", name)
        if not document.startswith(("Dokumen", "Laporan")):
            document = f"Dokumen {document}"
        elif document.startswith("Laporan"):
            unit = "laporan"
        text = indicator.format(
            name=name,
            obj=obj,
            part=participle,
            doc=f"Jumlah {document}",
            m1=re.sub(r"^(pada|bagi) ", "", match.group(1) or "", flags=re.IGNORECASE) if match.groups() else "",
        )
        if plan.opd.code == DINKES and "BLUD" in text:
            low = high = 25  # every puskesmas of Bondowoso is a BLUD
        value = Decimal(str(round(self.rng.uniform(low, high), decimals))).quantize(Decimal("0.01"))
        return {"output_indicator": text[:500], "output_target": value, "output_unit": unit}

    def _funding(self, sub):
        choices = DEFAULT_FUNDING
        for prefix, pattern, rule_choices in FUNDING_RULES:
            if sub.code.startswith(prefix) and pattern.search(sub.name):
                choices = rule_choices
                break
        available = [(code, weight) for code, weight in choices if code in self.funding]
        if not available:
            return self.funding.get(DAU)
        codes, weights = zip(*available, strict=True)
        return self.funding[self.rng.choices(codes, weights=weights)[0]]

    # -- proposals --------------------------------------------------------------------------------

    def _plan_proposals(self):
        count = max(1, round(PROPOSALS_AT_SCALE_1 * self.scale))
        kecamatan_opd = {region.pk: opd_id for opd_id, region in self.kecamatan_regions.items()}
        opd_by_code = {opd.code: opd for opd in self.opds}
        opd_by_id = {opd.pk: opd for opd in self.opds}
        kecamatans = sorted(self.kecamatan_regions.values(), key=lambda region: region.code)
        kecamatan_weights = [len(self.villages[region.pk]) for region in kecamatans]
        sources = list(SOURCE_WEIGHTS)
        plans = []
        for _ in range(count):
            source = self.rng.choices(sources, weights=[SOURCE_WEIGHTS[s] for s in sources])[0]
            kecamatan = self.rng.choices(kecamatans, weights=kecamatan_weights)[0]
            villages = self.villages[kecamatan.pk]
            out_of_scope = self.rng.random() < 0.05
            if out_of_scope:
                title_template, opd_code, reason = self.rng.choice(OUT_OF_SCOPE)
                theme = None
                opd = opd_by_code.get(opd_code)
            else:
                letter = SOURCE_LETTER[source]
                has_kelurahan = any(v.level == Region.Level.KELURAHAN for v in villages)
                themes = [t for t in THEMES if letter in t.sources and (has_kelurahan or not t.kelurahan_only)]
                theme = self.rng.choices(themes, weights=[t.weight for t in themes])[0]
                title_template = self.rng.choice(theme.titles)
                opd = (
                    opd_by_id.get(kecamatan_opd.get(kecamatan.pk))
                    if theme.opd == KECAMATAN
                    else opd_by_code.get(theme.opd)
                )
            if opd is None and source == Source.FORUM_OPD:
                source = Source.KECAMATAN  # a forum perangkat daerah needs its OPD
            if theme is not None and theme.kelurahan_only:
                village = self.rng.choice([v for v in villages if v.level == Region.Level.KELURAHAN])
            else:
                village = self.rng.choice(villages)
            if source == Source.KECAMATAN and self.rng.random() < 0.2:
                village = None  # a kecamatan-wide proposal
            units = self.rng.randint(*theme.units) if theme and theme.units else 0
            title = self._fill(title_template, kecamatan, village, units)
            cost_low, cost_high = theme.cost if theme else (150, 900)
            cost = _log_uniform(self.rng, cost_low, cost_high) * (units or 1)
            line = self._answering_line(opd, theme)
            plan = ProposalPlan(
                source=source,
                title=title[:255],
                description=self._description(source, theme, kecamatan, village, opd),
                kecamatan=kecamatan,
                village=village,
                proposer=self._proposer(source, kecamatan, village, opd, theme),
                cost=_rupiah(cost, step=500_000),
                opd=opd,
                # Citizens do not know the nomenclature; the OPD finds the sub-kegiatan.
                sub_kegiatan=line.sub_kegiatan if line and source != Source.CITIZEN else None,
                priority=self.rng.choices([1, 2, 3, 4, 5], weights=[2, 4, 5, 3, 1])[0],
                line=line,
            )
            if out_of_scope:
                plan.outcome, plan.note = "reject", reason
            plans.append(plan)
        return plans

    def _answering_line(self, opd, theme):
        """The planned line of the OPD whose sub-kegiatan answers the theme, if the OPD plans one."""
        if theme is None or opd is None:
            return None
        key = (opd.pk, theme.sub_kegiatan)
        if key not in self._line_cache:
            self._line_cache[key] = next(
                (plan for plan in self.line_plans[opd.pk] if re.search(theme.sub_kegiatan, plan.sub_kegiatan.name)),
                None,
            )
        return self._line_cache[key]

    def _fill(self, template, kecamatan, village, units):
        villages = self.villages[kecamatan.pk]
        place = village or self.rng.choice(villages)
        other = self.rng.choice([v for v in villages if v != place] or villages)
        dusun, dusun2 = self.rng.sample(DUSUN, 2)
        return template.format(
            desa=place.name,
            desa2=other.name,
            wil=f"{place.get_level_display()} {place.name}",
            kec=kecamatan.name,
            dusun=f"Dusun {dusun}",
            dusun2=f"Dusun {dusun2}",
            n=self.rng.randint(1, 4),
            units=units,
            poktan=self.rng.choice(POKTAN),
            produk=self.rng.choice(PRODUCTS),
            keterampilan=self.rng.choice(SKILLS),
        )

    def _description(self, source, theme, kecamatan, village, opd):
        where = f"{village}, Kecamatan {kecamatan.name}" if village else f"Kecamatan {kecamatan.name}"
        need = theme.need if theme else "warga meminta penanganan oleh pemerintah kabupaten"
        text = f"{SOURCE_INTRO[source]} untuk {where}. Kondisi saat ini: {need}."
        if opd is not None:
            text += f" Diusulkan ditangani {opd.name}."
        return text

    def _proposer(self, source, kecamatan, village, opd, theme):
        if source == Source.DESA:
            return f"Pemerintah {village}" if village else f"Musrenbang Kecamatan {kecamatan.name}"
        if source == Source.KECAMATAN:
            return f"Musrenbang Kecamatan {kecamatan.name}"
        if source == Source.FORUM_OPD:
            return f"Forum Perangkat Daerah {opd.name}" if opd else "Forum Perangkat Daerah"
        if source == Source.POKIR:
            komisi = theme.komisi if theme else KOMISI_OF_OPD.get(getattr(opd, "code", None), "A")
            return f"Pokir DPRD Kabupaten Bondowoso, Komisi {komisi}"
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def _decide_outcomes(self):
        """Accept what fits the answering line's pagu (higher priority first); defer or reject the rest."""
        order = sorted(range(len(self.proposal_plans)), key=lambda i: (self.proposal_plans[i].priority, i))
        for index in order:
            plan = self.proposal_plans[index]
            if plan.outcome:
                continue
            if plan.source == Source.CITIZEN:
                roll = self.rng.random()
                if roll < 0.08:
                    plan.outcome, plan.note = "moderation_reject", self.rng.choice(MODERATION_REJECTS)
                    continue
                if roll < 0.12:
                    plan.outcome = "pending"  # arrived after the forum: still waiting for moderation
                    continue
            line, roll = plan.line, self.rng.random()
            physical = line is not None and line.physical
            if line is None:
                plan.outcome, plan.note = ("defer", NO_LINE) if roll < 0.5 else ("reject", REJECT_REASONS[2])
            elif roll >= 0.85:
                plan.outcome = "defer"
                plan.note = self.rng.choice(PHYSICAL_DEFER_REASONS if physical else DEFER_REASONS)
            elif line.accepted_cost + plan.cost <= line.pagu * Decimal("0.95"):
                plan.outcome = "accept"
                line.accepted.append(plan)
            elif roll < 0.45:
                plan.outcome, plan.note = "defer", NO_PAGU
            else:
                plan.outcome = "reject"
                plan.note = self.rng.choice(REJECT_REASONS + (PHYSICAL_REJECT_REASONS if physical else []))

    def _submitter(self, plan):
        if plan.source in (Source.DESA, Source.KECAMATAN):
            return self.bappeda
        if plan.source == Source.FORUM_OPD:
            return self.operators[plan.opd.pk]
        if plan.source == Source.POKIR:
            return self.dprd
        return AnonymousUser()

    def _write_proposals(self):
        """Submit every proposal, moderate the citizens' ones and carry them up the musrenbang ladder.

        Fills `self.in_review`: (plan, proposal) of those waiting for a decision, by answering line.
        """
        self.in_review = defaultdict(list)
        for plan in self.proposal_plans:
            proposal = services.submit_proposal(
                actor=self._submitter(plan),
                source=plan.source,
                fiscal_year=self.fy,
                title=plan.title,
                description=plan.description,
                kecamatan=plan.kecamatan,
                village=plan.village,
                proposer_name=plan.proposer,
                estimated_cost=plan.cost,
                suggested_opd=plan.opd,
                suggested_sub_kegiatan=plan.sub_kegiatan,
                priority=plan.priority,
            )
            if plan.outcome == "pending":
                continue
            if plan.source == Source.CITIZEN:
                approve = plan.outcome != "moderation_reject"
                proposal = services.moderate_proposal(
                    actor=self.bappeda,
                    proposal=proposal,
                    approve=approve,
                    note="Lolos moderasi." if approve else plan.note,
                )
                if not approve:
                    continue
            # Accepted and deferred ones reach the forum OPD, rejected ones drop out at the kecamatan;
            # pokir enter at the kabupaten stage and forum OPD proposals at their own.
            target_stage = {
                "accept": Proposal.Stage.FORUM_OPD,
                "defer": Proposal.Stage.FORUM_OPD,
                "reject": Proposal.Stage.KECAMATAN,
            }[plan.outcome]
            while services.STAGE_ORDER.index(proposal.stage) < services.STAGE_ORDER.index(target_stage):
                proposal = services.advance_proposal_stage(
                    actor=self.bappeda, proposal=proposal, note="Disepakati dalam musrenbang."
                )
            self.in_review[id(plan.line)].append((plan, proposal))

    def _decider(self, plan, proposal):
        if plan.opd is not None and proposal.stage == Proposal.Stage.FORUM_OPD:
            return self.operators[plan.opd.pk]
        return self.bappeda

    def _decide(self, plan, proposal, line=None):
        actor = self._decider(plan, proposal)
        if plan.outcome == "accept":
            forum = "forum perangkat daerah" if proposal.stage == Proposal.Stage.FORUM_OPD else "musrenbang kabupaten"
            note = f"Diakomodasi pada {forum} dalam sub-kegiatan {line.sub_kegiatan.code} {line.sub_kegiatan.name}."
            services.accept_proposal(actor=actor, proposal=proposal, renja_line=line, note=note[:1000])
        elif plan.outcome == "defer":
            services.defer_proposal(actor=actor, proposal=proposal, to_year=self.year + 1, note=plan.note)
        else:
            services.reject_proposal(actor=actor, proposal=proposal, reason=plan.note)

    def _write_undecided_by_bappeda(self):
        """Proposals no Renja line answers are deferred or rejected in the kabupaten musrenbang."""
        for plan, proposal in self.in_review[id(None)]:
            self._decide(plan, proposal)

    # -- Renja ------------------------------------------------------------------------------------

    def _line_location(self, plan):
        """(lokasi text, regions): the places of the proposals it answers, else its kecamatan or district."""
        places = sorted(
            {p.pk: p for p in (q.village or q.kecamatan for q in plan.accepted)}.values(), key=lambda r: r.code
        )
        opd_region = self.kecamatan_regions.get(plan.opd.pk)
        if opd_region is not None:
            text = plan.opd.name  # "Kecamatan Ijen" is what Bondowoso calls Kemendagri's Sempol
            if places:
                text += ": " + ", ".join(str(place) for place in places)
            return text[:255], [opd_region, *places]
        if places:
            kecamatans = sorted({p.kecamatan.name for p in plan.accepted})
            if len(places) <= 3:
                text = ", ".join(str(place) for place in places) + f" (Kec. {', '.join(kecamatans)})"
            else:
                text = f"{len(places)} desa/kelurahan di {len(kecamatans)} kecamatan: Kec. {', '.join(kecamatans)}"
            return text[:255], places
        if plan.physical:
            chosen = sorted(
                self.rng.sample(list(self.kecamatan_regions.values()), self.rng.randint(1, 4)), key=lambda r: r.code
            )
            return "Kec. " + ", ".join(region.name for region in chosen), chosen
        return "Kabupaten Bondowoso", []

    def _write_renja(self, opd):
        staff = self.operators[opd.pk]
        renja = services.create_renja(actor=staff, opd=opd, fiscal_year=self.fy)
        lines = []
        for plan in self.line_plans[opd.pk]:
            location, regions = self._line_location(plan)
            pagu = plan.pagu
            program = self.renstra_programs.get((opd.pk, plan.sub_kegiatan.parent.parent.code))
            line = services.add_renja_line(
                actor=staff,
                renja=renja,
                regions=regions,
                sub_kegiatan=plan.sub_kegiatan,
                location=location,
                pagu_indikatif=pagu,
                pagu_indikatif_next=_rupiah(float(pagu) / MILLION * self.rng.uniform(0.95, 1.15)),
                funding_source=self._funding(plan.sub_kegiatan),
                renstra_program=program,
                **self._output_values(plan),
            )
            lines.append((plan, line))
        # Forum perangkat daerah: the proposals its lines answer are accepted into them, or deferred.
        for plan, line in lines:
            for proposal_plan, proposal in self.in_review[id(plan)]:
                self._decide(proposal_plan, proposal, line)
        self._walk_stage(renja, staff, lines, return_chance=0.35)
        if self.rng.random() < 0.5:
            self._align_pagu(staff, lines)
        self._walk_stage(renja, staff, lines, return_chance=0.1)
        self._walk_stage(renja, staff, lines, return_chance=0.15, last=True)

    def _walk_stage(self, renja, staff, lines, *, return_chance, last=False):
        """Submit, (perhaps return with a comment on a line, fix and resubmit,) verify, move on."""
        services.transition_renja(actor=staff, renja=renja, action="submit")
        if self.rng.random() < return_chance:
            plan, line = self.rng.choice(lines)
            text, fix = self.rng.choice(RETURN_NOTES)
            comment = services.comment_renja(actor=self.bappeda, renja=renja, line=line, text=text)
            services.transition_renja(
                actor=self.bappeda, renja=renja, action="return", note=f"Mohon perbaiki catatan pada {line}."
            )
            line = self._fix_line(staff, plan, line, fix)
            lines[[p for p, _ in lines].index(plan)] = (plan, line)
            services.comment_renja(actor=staff, renja=renja, reply_to=comment, text=self.rng.choice(REPLIES))
            services.transition_renja(actor=staff, renja=renja, action="submit")
        services.transition_renja(actor=self.bappeda, renja=renja, action="verify")
        services.transition_renja(actor=self.bappeda, renja=renja, action="finalise" if last else "advance")

    def _fix_line(self, staff, plan, line, fix):
        line.refresh_from_db()
        if fix == "pagu":
            changes = {"pagu_indikatif": max(_rupiah(float(line.pagu_indikatif) / MILLION * 0.92), plan.accepted_cost)}
        elif fix == "location":
            location, regions = self._line_location(plan)
            if location == line.location:
                location = f"{location} (rincian lokasi terlampir)"[:255]
            return services.update_renja_line(
                actor=staff, line=line, expected_version=line.version, location=location, regions=regions
            )
        else:
            changes = {"output_target": max(Decimal(1), (line.output_target * Decimal("1.1")).quantize(Decimal("1")))}
        return services.update_renja_line(actor=staff, line=line, expected_version=line.version, **changes)

    def _align_pagu(self, staff, lines):
        """In the rancangan stage an OPD fits some pagu to the indicative ceiling Bappeda announced."""
        for index, (plan, line) in enumerate(lines):
            if self.rng.random() < 0.12:
                line.refresh_from_db()
                pagu = max(
                    _rupiah(float(line.pagu_indikatif) / MILLION * self.rng.uniform(0.93, 1.05)), plan.accepted_cost
                )
                lines[index] = (
                    plan,
                    services.update_renja_line(
                        actor=staff, line=line, expected_version=line.version, pagu_indikatif=pagu
                    ),
                )
