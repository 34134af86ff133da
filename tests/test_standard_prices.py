import random
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from demo import reference as demo
from masterdata import importers, standard_prices
from masterdata.models import Account, AuditEvent, StandardPriceItem, User
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

GOOD = """kode,jenis,nama,spesifikasi,satuan,harga,kode_rekening,tkdn
1.1.7.01.03.02.0001,SSH,Kertas HVS A4 70 gram,"Putih, 500 lembar",rim,"52.500",5.1.02.01.01.0025,"40,5"
1.1.7.01.05.01.0001,ssh,Makan rapat nasi kotak,Nasi dan lauk,OK,35000,5.1.02.01.01.0052,
SBU.01.0001,SBU,Honorarium narasumber eselon II,Per jam,OJ,"1.000.000",5.1.02.02.01.0003,
HSPK.01.0001,HSPK,Laston lapis aus (AC-WC),Campuran panas,ton,"1650000,50","5.2.04.01.01.0003; 5.1.02.03.04.0003",85
ASB.01.0001,ASB,Rapat koordinasi 50 peserta,Konsumsi,kegiatan,12500000,"5.1.02.01.01.0052,5.1.02.02.01.0003",
"""

BAD = (
    GOOD
    + """X.0001,SSH,Rekening tidak ada,,buah,1000,5.1.02.01.01.9999,
X.0002,SSH,Bukan sub rincian,,buah,1000,5.1.02.01.01,
X.0003,SSH,Rekening pendapatan,,buah,1000,4.1.01.01.01.0001,
X.0004,SSH,Harga nol,,buah,0,5.1.02.01.01.0024,
X.0005,SSH,Harga negatif,,buah,-500,5.1.02.01.01.0024,
X.0006,SSH,Harga bukan angka,,buah,seribu,5.1.02.01.01.0024,
X.0007,SSH,Tiga desimal,,buah,"1500,125",5.1.02.01.01.0024,
X.0008,SSH,TKDN lebih dari seratus,,buah,1000,5.1.02.01.01.0024,120
SBU.01.0001,SBU,Kode ganda,,OJ,900000,5.1.02.02.01.0003,
X.0010,SSH,,,buah,1000,5.1.02.01.01.0024,
X.0011,XYZ,Jenis salah,,buah,1000,5.1.02.01.01.0024,
X.0012,SSH,Rekening tidak aktif,,buah,1000,5.1.02.01.01.0003,
X.0013,SSH,Tanpa rekening,,buah,1000,,
"""
)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def import_file(path, *args):
    out, err = StringIO(), StringIO()
    call_command("import_standard_prices", str(path), "--year", "2024", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def account_codes(item):
    return sorted(item.accounts.values_list("code", flat=True))


def test_good_csv_is_imported_with_accounts_and_one_audit_event(reference_data, tmp_path):
    events = AuditEvent.objects.count()
    out, _ = import_file(write(tmp_path, "ssh.csv", GOOD))
    assert "baru 5, diperbarui 0, tidak berubah 0" in out
    items = {item.code: item for item in StandardPriceItem.objects.filter(fiscal_year=reference_data)}
    assert len(items) == 5
    paper = items["1.1.7.01.03.02.0001"]
    assert (paper.kind, paper.unit, paper.price, paper.tkdn_percent) == (
        "SSH",
        "rim",
        Decimal("52500"),
        Decimal("40.5"),
    )
    assert paper.specification == "Putih, 500 lembar"
    assert items["1.1.7.01.05.01.0001"].kind == "SSH"
    assert items["1.1.7.01.05.01.0001"].tkdn_percent is None
    assert items["SBU.01.0001"].price == Decimal("1000000")
    assert items["HSPK.01.0001"].price == Decimal("1650000.50")
    assert account_codes(items["HSPK.01.0001"]) == ["5.1.02.03.04.0003", "5.2.04.01.01.0003"]
    assert account_codes(items["ASB.01.0001"]) == ["5.1.02.01.01.0052", "5.1.02.02.01.0003"]
    for item in items.values():
        assert {account.version_id for account in item.accounts.all()} == {reference_data.reference_version_id}

    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.order_by("-sequence").first()
    assert (event.action, event.object_type, event.object_id) == (
        "standard_price.import",
        "masterdata.fiscalyear",
        str(reference_data.pk),
    )
    assert event.after["created"] == 5
    assert event.after["updated"] == 0
    assert event.after["per_kind"] == {"SSH": 2, "SBU": 1, "HSPK": 1, "ASB": 1}
    assert sorted(event.after["created_codes"]) == sorted(items)
    assert event.after["source"] == "ssh.csv"
    assert event.before is None


def test_good_xlsx_with_excel_numbers_and_other_headers(reference_data, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Kode", "Jenis", "Uraian", "Spesifikasi", "Satuan", "Harga Satuan", "Kode Rekening", "TKDN (%)"])
    sheet.append(["1.3.2.10.01.0001", "SSH", "Laptop Core i5", "RAM 8 GB", "unit", 13_000_000, "5.2.02.10.01.0002", 25])
    sheet.append(["1.1.7.01.03.01.0001", "SSH", "Bolpoin", "Isi 12", "kotak", 30_500.5, "5.1.02.01.01.0024", 33.25])
    sheet.append([None] * 8)  # blank rows are skipped
    path = tmp_path / "ssh.xlsx"
    workbook.save(path)
    out, _ = import_file(path)
    assert "baru 2" in out
    laptop = StandardPriceItem.objects.get(fiscal_year=reference_data, code="1.3.2.10.01.0001")
    assert (laptop.name, laptop.price, laptop.tkdn_percent) == ("Laptop Core i5", Decimal("13000000"), Decimal("25"))
    pen = StandardPriceItem.objects.get(fiscal_year=reference_data, code="1.1.7.01.03.01.0001")
    assert (pen.price, pen.tkdn_percent) == (Decimal("30500.50"), Decimal("33.25"))
    assert account_codes(laptop) == ["5.2.02.10.01.0002"]


def test_bad_file_imports_nothing_and_names_every_bad_row(reference_data, tmp_path):
    counts = (StandardPriceItem.objects.count(), AuditEvent.objects.count())
    with pytest.raises(CommandError, match="tidak ada data yang dimuat"):
        import_file(write(tmp_path, "bad.csv", BAD))
    assert (StandardPriceItem.objects.count(), AuditEvent.objects.count()) == counts

    # Read the report from the service, where each row's errors are data, not only text.
    with pytest.raises(importers.InvalidFile) as caught:
        standard_prices.import_standard_prices(source=write(tmp_path, "bad.csv", BAD), year=2024)
    report = {str(error) for error in caught.value.errors}
    expected = [
        "baris 7 (X.0001): kode rekening 5.1.02.01.01.9999 tidak ada pada versi referensi tahun 2024",
        "baris 8 (X.0002): kode rekening 5.1.02.01.01 bukan tingkat sub rincian objek",
        "baris 9 (X.0003): kode rekening 4.1.01.01.01.0001 bukan akun belanja (5)",
        "baris 10 (X.0004): harga harus lebih dari 0",
        "baris 11 (X.0005): harga harus lebih dari 0",
        "baris 12 (X.0006): harga tidak valid: 'seribu' bukan angka",
        "baris 13 (X.0007): harga tidak valid: '1500,125' lebih dari 2 angka desimal",
        "baris 14 (X.0008): TKDN harus antara 0 dan 100 persen",
        "baris 15 (SBU.01.0001): kode ganda: sudah ada di baris 4",
        "baris 16 (X.0010): kolom nama kosong",
        "baris 17 (X.0011): jenis 'XYZ' tidak dikenal (pilihan: SSH, SBU, HSPK, ASB)",
        "baris 18 (X.0012): kode rekening 5.1.02.01.01.0003 sudah tidak aktif",
        "baris 19 (X.0013): kolom kode_rekening kosong",
    ]
    for message in expected:
        assert any(line.startswith(message) for line in report), message
    assert {error.line for error in caught.value.errors} == set(range(7, 20))
    lines = [error.line for error in caught.value.errors]
    assert lines == sorted(lines)


def test_command_lists_bad_rows_on_stderr(reference_data, tmp_path):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_standard_prices", str(write(tmp_path, "bad.csv", BAD)), "--year", "2024", stderr=err)
    assert "baris 10 (X.0004): harga harus lebih dari 0" in err.getvalue()
    assert "baris 15 (SBU.01.0001): kode ganda: sudah ada di baris 4" in err.getvalue()


def test_missing_column_and_unknown_year_are_refused(reference_data, tmp_path):
    with pytest.raises(importers.InvalidFile) as caught:
        standard_prices.import_standard_prices(
            source=write(tmp_path, "x.csv", "kode,jenis,nama,satuan\nA,SSH,Pena,buah\n"), year=2024
        )
    assert str(caught.value.errors[0]) == "baris 1: kolom wajib tidak ada: harga, kode_rekening"
    with pytest.raises(CommandError):
        call_command("import_standard_prices", str(write(tmp_path, "ssh.csv", GOOD)), "--year", "2090")
    assert not StandardPriceItem.objects.exists()


def test_reimport_updates_changed_items_adds_new_ones_in_one_event(reference_data, tmp_path):
    import_file(write(tmp_path, "ssh.csv", GOOD))
    kept = StandardPriceItem.objects.get(fiscal_year=reference_data, code="ASB.01.0001")
    changed = (
        GOOD.replace('"52.500"', '"55.000"')
        .replace("5.1.02.01.01.0052,\n", "5.1.02.01.01.0052;5.1.02.01.01.0053,\n", 1)
        .replace("ASB.01.0001,ASB", "ASB.01.0009,ASB")
    )
    events = AuditEvent.objects.count()
    out, _ = import_file(write(tmp_path, "ssh2.csv", changed))
    assert "baru 1, diperbarui 2, tidak berubah 2" in out
    paper = StandardPriceItem.objects.get(fiscal_year=reference_data, code="1.1.7.01.03.02.0001")
    assert paper.price == Decimal("55000")
    meal = StandardPriceItem.objects.get(fiscal_year=reference_data, code="1.1.7.01.05.01.0001")
    assert account_codes(meal) == ["5.1.02.01.01.0052", "5.1.02.01.01.0053"]
    # An item missing from the file stays: RKA lines may charge it.
    assert StandardPriceItem.objects.filter(pk=kept.pk).exists()
    assert StandardPriceItem.objects.filter(fiscal_year=reference_data).count() == 6

    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.order_by("-sequence").first()
    assert (event.after["created"], event.after["updated"], event.after["unchanged"]) == (1, 2, 2)
    assert event.after["created_codes"] == ["ASB.01.0009"]
    assert event.before["updated_items"]["1.1.7.01.03.02.0001"] == {"price": "52500.00"}
    assert event.after["updated_items"]["1.1.7.01.03.02.0001"] == {"price": "55000"}
    assert event.before["updated_items"]["1.1.7.01.05.01.0001"] == {"accounts": ["5.1.02.01.01.0052"]}
    assert event.after["updated_items"]["1.1.7.01.05.01.0001"] == {
        "accounts": ["5.1.02.01.01.0052", "5.1.02.01.01.0053"]
    }


def test_same_file_twice_changes_nothing(reference_data, tmp_path):
    path = write(tmp_path, "ssh.csv", GOOD)
    import_file(path)
    events = AuditEvent.objects.count()
    out, _ = import_file(path)
    assert "Tidak ada perubahan: baru 0, diperbarui 0, tidak berubah 5" in out
    assert AuditEvent.objects.count() == events


def test_dry_run_validates_and_writes_nothing(reference_data, tmp_path):
    events = AuditEvent.objects.count()
    out, _ = import_file(write(tmp_path, "ssh.csv", GOOD), "--dry-run")
    assert "Berkas valid" in out
    assert "baru 5" in out
    assert not StandardPriceItem.objects.exists()
    assert AuditEvent.objects.count() == events
    with pytest.raises(CommandError):
        import_file(write(tmp_path, "bad.csv", BAD), "--dry-run")


def test_a_user_needs_the_standard_price_permission(reference_data, tmp_path):
    records = [(2, {"kode": "A.1", "jenis": "SSH", "nama": "Pena", "satuan": "buah", "harga": "5000"})]
    records[0][1]["kode_rekening"] = "5.1.02.01.01.0024"
    with pytest.raises(PermissionDenied):
        standard_prices.load_standard_prices(actor=user_with_role(User.Role.OPD_STAFF), records=records, year=2024)
    finance = user_with_role(User.Role.FINANCE)
    standard_prices.load_standard_prices(actor=finance, records=records, year=2024)
    assert AuditEvent.objects.order_by("-sequence").first().actor == finance


def test_demo_catalogue_is_deterministic_plausible_and_valid(reference_data):
    first = demo.standard_price_catalogue(random.Random(2024))
    assert first == demo.standard_price_catalogue(random.Random(2024))
    assert first != demo.standard_price_catalogue(random.Random(7))
    assert 400 <= len(first) <= 600
    assert {row["jenis"] for row in first} == {"SSH", "SBU", "HSPK", "ASB"}
    assert len({row["kode"] for row in first}) == len(first)
    assert len(demo.standard_price_catalogue(random.Random(2024), scale=0.5)) < len(first)
    assert len(demo.standard_price_catalogue(random.Random(2024), scale=2)) > len(first)

    result = demo.seed_standard_prices(year=2024, rng=random.Random(2024))
    assert result.created == len(first)
    items = StandardPriceItem.objects.filter(fiscal_year=reference_data)
    loaded = {item.code: (item.price, item.tkdn_percent) for item in items}
    expected = {row["kode"]: (row["harga"], row["tkdn"] or None) for row in first}
    assert loaded == expected

    charged = Account.objects.filter(standard_prices__fiscal_year=reference_data).distinct()
    assert charged.exclude(level=Account.Level.SUB_RINCIAN_OBJEK).count() == 0
    assert charged.exclude(code__startswith="5.").count() == 0
    assert charged.filter(is_active=False).count() == 0
    assert items.filter(accounts__isnull=True).count() == 0
    by_account = {
        "5.1.02.01.01.0024": "Bolpoin standar",
        "5.1.02.01.01.0052": "Makan rapat nasi kotak",
        "5.1.02.02.01.0003": "Honorarium narasumber pejabat eselon II/setingkat",
        "5.1.02.04.01.0001": "Uang harian perjalanan dinas luar daerah ke Provinsi Jawa Timur",
        "5.1.02.02.01.0026": "Jasa tenaga administrasi lulusan SMA/sederajat",
        "5.2.04.01.01.0003": "Laston lapis aus (AC-WC)",
        "5.2.02.10.01.0002": "Laptop Core i5",
    }
    for code, name in by_account.items():
        assert items.filter(accounts__code=code, name=name).exists(), (code, name)

    events = AuditEvent.objects.count()
    again = demo.seed_standard_prices(year=2024, rng=random.Random(2024))
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(first))
    assert AuditEvent.objects.count() == events
