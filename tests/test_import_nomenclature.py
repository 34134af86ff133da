from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from masterdata.models import AuditEvent, FiscalYear, Nomenclature, ReferenceVersion

pytestmark = pytest.mark.django_db

GOOD = """kode,level,nama,kode_induk,pemda,aktif
1,urusan,URUSAN WAJIB PELAYANAN DASAR,,semua,1
1.02,bidang,BIDANG KESEHATAN,1,semua,1
1.02.02,program,PROGRAM PEMENUHAN UPAYA KESEHATAN,1.02,semua,1
1.02.02.2.01,kegiatan,Penyediaan Fasilitas Pelayanan Kesehatan,1.02.02,kabkota,1
1.02.02.2.01.0001,sub_kegiatan,Pembangunan Rumah Sakit beserta Sarana dan Prasarana Pendukungnya,1.02.02.2.01,kabkota,1
1.02.02.2.01.0099,sub_kegiatan,Sub-kegiatan Baru 2030,1.02.02.2.01,kabkota,1
"""

BAD = (
    GOOD
    + """1.02.02.2.1.0001,sub_kegiatan,Format salah,1.02.02.2.01,kabkota,1
1.02.09.2.01,kegiatan,Induk tidak ada,1.02.09,kabkota,1
1.02.02.2.01.0099,sub_kegiatan,Kode ganda,1.02.02.2.01,kabkota,1
1.02.02.2.01.0100,sub_kegiatan,,1.02.02.2.01,kabkota,2
"""
)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_file_loads_nothing_and_names_every_bad_row(reference_data, tmp_path):
    counts = (Nomenclature.objects.count(), ReferenceVersion.objects.count(), AuditEvent.objects.count())
    err = StringIO()
    with pytest.raises(CommandError, match="tidak ada data yang dimuat"):
        call_command(
            "import_nomenclature",
            write(tmp_path, "bad.csv", BAD),
            "--version",
            "Kep 2030",
            "--year",
            "2030",
            stderr=err,
        )
    report = err.getvalue()
    assert "baris 8 (1.02.02.2.1.0001): format kode" in report
    assert "baris 9 (1.02.09.2.01): induk '1.02.09' (program) tidak ada di berkas" in report
    assert "baris 10 (1.02.02.2.01.0099): kode ganda: sudah ada di baris 7" in report
    assert "baris 11 (1.02.02.2.01.0100): nama kosong" in report
    assert "baris 11 (1.02.02.2.01.0100): kolom aktif harus 0 atau 1" in report
    assert (Nomenclature.objects.count(), ReferenceVersion.objects.count(), AuditEvent.objects.count()) == counts
    assert not FiscalYear.objects.filter(year=2030).exists()


def test_new_version_for_a_new_year_leaves_earlier_years_alone(reference_data, tmp_path):
    old_version = reference_data.reference_version
    old_count = Nomenclature.objects.filter(version=old_version).count()
    out = StringIO()
    call_command(
        "import_nomenclature",
        write(tmp_path, "kep2030.csv", GOOD),
        "--version",
        "Kep 2030",
        "--year",
        "2030",
        "--regulation-number",
        "900.1-2030",
        stdout=out,
    )
    year = FiscalYear.objects.get(year=2030)
    assert year.reference_version.name == "Kep 2030"
    assert Nomenclature.objects.filter(version=year.reference_version).count() == 6
    assert Nomenclature.objects.filter(version=old_version).count() == old_count
    assert FiscalYear.objects.get(year=2024).reference_version == old_version
    # Accounts and funding sources carry over so the new year is usable at once.
    assert year.reference_version.account_set.count() == old_version.account_set.count()
    assert (
        year.reference_version.fundingsource_set.filter(code="1.2.01.01.02.0001").exists()
        == old_version.fundingsource_set.filter(code="1.2.01.01.02.0001").exists()
    )
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event.action == "reference.import_nomenclature"
    assert event.after["reference_version"] == "Kep 2030"


def test_existing_year_is_not_replaced_without_asking(reference_data, tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "import_nomenclature",
            write(tmp_path, "k.csv", GOOD),
            "--version",
            "Kep X",
            "--year",
            "2024",
            stderr=StringIO(),
        )
    assert FiscalYear.objects.get(year=2024).reference_version == reference_data.reference_version


def test_excel_file_is_accepted(reference_data, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    for line in GOOD.strip().splitlines():
        sheet.append(line.split(","))
    path = tmp_path / "kep.xlsx"
    workbook.save(path)
    call_command("import_nomenclature", path, "--version", "Kep XLSX", "--year", "2031", stdout=StringIO())
    assert Nomenclature.objects.filter(version__name="Kep XLSX", level="sub_kegiatan").count() == 2
