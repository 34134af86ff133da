"""Excel: RKA import (all or nothing, every bad row listed with why), RKA and DPA exports whose totals
match the database, and exports whose query count does not grow with lines."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from budgeting import ceiling_rules, excel
from budgeting.models import Dpa, RkaLine
from budgeting.services import dpa as dpa_services
from budgeting.services import rka as rka_services
from masterdata.models import AuditEvent, Opd, User
from masterdata.spreadsheets import XLSX_CONTENT_TYPE
from tests.budgeting.factories import (
    ATK_ACCOUNT,
    DAU,
    DINKES,
    MAMIN_ACCOUNT,
    PPKD,
    SUB_A,
    SUB_B,
    adopt,
    budget_setup,
    node,
    price_item,
    small_apbd,
)
from tests.factories import UserFactory
from tests.planning.test_api import client_for, errors_of

pytestmark = pytest.mark.django_db
API = "/api/v1"
D = Decimal
HEADER = list(excel.RKA_IMPORT_COLUMNS.values())
SUB = "1.02.02.2.01.0001"


def row(**overrides):
    values = {
        "kode_sub_kegiatan": SUB,
        "kode_rekening": ATK_ACCOUNT,
        "kode_standar_harga": "",
        "paket_pekerjaan": "Belanja kantor",
        "keterangan": "Alat tulis kantor",
        "spesifikasi": "Kertas A4 80 gram",
        "penerima": "",
        "volume_1": 10,
        "satuan_1": "rim",
        "volume_2": None,
        "satuan_2": "",
        "volume_3": None,
        "satuan_3": "",
        "harga_satuan": 10000,
        "kode_sumber_dana": DAU,
        "lokasi": "Bondowoso",
        **overrides,
    }
    return [values[column] for column in HEADER]


def workbook_file(rows, name="rka.xlsx", header=HEADER):
    workbook = Workbook()
    for values in [header, *rows]:
        workbook.active.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)


def csv_file(rows, name="rka.csv"):
    lines = [",".join(HEADER), *(",".join("" if value is None else str(value) for value in values) for values in rows)]
    return SimpleUploadedFile(name, "\n".join(lines).encode(), content_type="text/csv")


def upload(user, rka, upload_file):
    return client_for(user).post(f"{API}/rka/{rka.pk}/import/", {"file": upload_file}, format="multipart")


@pytest.fixture
def setup(reference_data):
    """Dinas Kesehatan's draft RKA under a Rp 1.000.000 ceiling, and a meal item of Rp 40.000 allowed on the
    meeting-meal account only."""
    setup = budget_setup(reference_data, ceiling=D("1000000"))
    setup.meal = price_item(
        reference_data, code="1.1.7.01.03.01.001", price="40000", accounts=[setup.account(MAMIN_ACCOUNT)]
    )
    return setup


def by_line(errors):
    messages = {}
    for error in errors:
        assert error["code"] == "invalid_row"
        messages.setdefault(error["field"], []).append(error["message"])
    return {field: " | ".join(texts) for field, texts in messages.items()}


# --- Import -------------------------------------------------------------------------------------


def test_a_file_with_any_bad_row_imports_nothing_and_lists_every_bad_row(setup):
    meal = {"kode_rekening": MAMIN_ACCOUNT, "kode_standar_harga": setup.meal.code, "satuan_1": "orang"}
    rows = [
        row(),  # 2: fine, Rp 100.000
        row(**meal, volume_1=5, harga_satuan=40000),  # 3: fine, Rp 200.000
        row(kode_sub_kegiatan="1.02.02.2.01.9999"),  # 4: unknown sub-kegiatan
        row(kode_rekening="5.1.02.01.01.9999"),  # 5: unknown account
        row(kode_sumber_dana="9.9.99.99.99.9999"),  # 6: unknown funding source
        row(kode_standar_harga="SSH-TIDAK-ADA"),  # 7: unknown catalogue item
        row(kode_standar_harga=setup.meal.code),  # 8: the item may not be charged to the ATK account
        row(**meal, volume_1=5, harga_satuan=45000),  # 9: above the standard price
        row(volume_1="dua"),  # 10: not a number
        row(harga_satuan="12.345,678"),  # 11: more than two decimals
        row(satuan_1=""),  # 12: no unit
        row(volume_1=100),  # 13: Rp 1.000.000 more takes the OPD ceiling over
    ]
    events = AuditEvent.objects.count()
    errors = by_line(errors_of(upload(setup.staff, setup.rka, workbook_file(rows)), 400))

    assert set(errors) == {f"file.{line}" for line in range(4, 14)}
    assert "kode_sub_kegiatan: sub-kegiatan '1.02.02.2.01.9999' tidak ada di RKA ini" in errors["file.4"]
    assert "kode_rekening: kode '5.1.02.01.01.9999' tidak ada di daftar kode rekening tahun 2024" in errors["file.5"]
    assert "kode_sumber_dana: kode '9.9.99.99.99.9999' tidak ada di daftar sumber dana tahun 2024" in errors["file.6"]
    assert "kode_standar_harga: kode 'SSH-TIDAK-ADA' tidak ada di katalog standar harga tahun 2024" in errors["file.7"]
    assert (
        f"kode_standar_harga: Makan dan minum rapat tidak boleh dibebankan ke kode rekening {ATK_ACCOUNT}."
        in errors["file.8"]
    )
    assert "harga_satuan: Harga satuan melebihi standar harga Rp 40.000 (1.1.7.01.03.01.001)." in errors["file.9"]
    assert "volume_1: 'dua' bukan angka" in errors["file.10"]
    assert "harga_satuan: '12.345,678' lebih dari 2 angka desimal" in errors["file.11"]
    assert "satuan_1: Satuan wajib diisi." in errors["file.12"]
    assert (
        "melebihi plafon Dinas Kesehatan: sisa Rp 1.000.000, baris sampai di sini berjumlah Rp 1.300.000"
        in errors["file.13"]
    )
    assert errors["file.5"].startswith("baris 5 (5.1.02.01.01.9999): ")
    assert not RkaLine.objects.filter(rka=setup.rka).exists()
    assert AuditEvent.objects.count() == events


def test_a_clean_file_creates_every_line_and_answers_with_totals_and_ceilings(setup):
    rows = [
        row(),
        row(
            kode_rekening=MAMIN_ACCOUNT,
            kode_standar_harga=setup.meal.code,
            paket_pekerjaan="Rapat koordinasi",
            keterangan="",
            volume_1=10,
            satuan_1="orang",
            volume_2="2",
            satuan_2="kali",
            harga_satuan="35.000",
        ),
        row(kode_sub_kegiatan="", kode_rekening="4.1.02.01.01.0001", keterangan="Retribusi", volume_1="1,5",
            satuan_1="tahun", harga_satuan="1.000.000,50"),
    ]  # fmt: skip
    response = upload(setup.staff, setup.rka, workbook_file(rows))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["created"] == 3
    assert body["totals"]["belanja"] == "800000.00"
    assert body["totals"]["pendapatan"] == "1500000.75"
    assert [(c["level"], c["remaining"]) for c in body["ceilings"]] == [("opd", "200000.00")]
    lines = RkaLine.objects.filter(rka=setup.rka).order_by("pk")
    assert [(line.account.code, line.amount) for line in lines] == [
        (ATK_ACCOUNT, D("100000.00")),
        (MAMIN_ACCOUNT, D("700000.00")),
        ("4.1.02.01.01.0001", D("1500000.75")),
    ]
    assert lines[1].standard_price == setup.meal and lines[1].volume_2 == D("2")
    assert lines[2].sub_kegiatan is None and lines[2].volume_1 == D("1.5")
    assert AuditEvent.objects.filter(action="rka_line.import").count() == 1


def test_csv_files_are_read_too(setup):
    response = upload(setup.staff, setup.rka, csv_file([row(), row(volume_1=3)]))
    assert response.status_code == 200, response.content
    assert response.json()["totals"]["belanja"] == "130000.00"


def test_the_import_is_scoped_and_refused_like_any_save(setup, reference_data):
    other = UserFactory(role=User.Role.OPD_STAFF, opd=Opd.objects.get(code=PPKD))
    assert errors_of(upload(other, setup.rka, workbook_file([row()])), 404)[0]["code"] == "not_found"
    assert errors_of(upload(setup.finance, setup.rka, workbook_file([row()])), 403)[0]["code"] == "permission_denied"
    rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values())
    rka_services.transition_rka(actor=setup.staff, rka=setup.rka, action="submit")
    frozen = errors_of(upload(setup.staff, setup.rka, workbook_file([row()])), 409)[0]
    assert frozen["code"] == "transition_not_allowed"
    assert RkaLine.objects.filter(rka=setup.rka).count() == 1


def test_missing_columns_and_empty_files_are_refused(setup):
    header = [column for column in HEADER if column not in ("harga_satuan", "lokasi")]
    missing = errors_of(upload(setup.staff, setup.rka, workbook_file([], header=header)), 400)
    assert missing[0]["field"] == "file.1"
    assert "kolom wajib tidak ada: harga_satuan, lokasi" in missing[0]["message"]
    empty = errors_of(upload(setup.staff, setup.rka, workbook_file([])), 400)
    assert empty[0]["field"] == "file.0"


# --- Export -------------------------------------------------------------------------------------


def amount(value):
    return D(repr(value)) if isinstance(value, float) else D(value)


def sheet_rows(content, name):
    workbook = load_workbook(io.BytesIO(content))
    return list(workbook[name].iter_rows())


def find(rows, column, text):
    """The first row whose cell in `column` (0 = A) starts with `text`."""
    return next(
        cells for cells in rows if isinstance(cells[column].value, str) and cells[column].value.startswith(text)
    )


def test_the_rka_export_opens_and_its_totals_match(reference_data):
    small = small_apbd(reference_data)
    rka = small.rkas[DINKES]
    response = client_for(small.staff[DINKES]).get(f"{API}/rka/{rka.pk}/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == f'attachment; filename="rka-{DINKES}-2024-v1.xlsx"'
    rows = sheet_rows(response.content, "RKA-SKPD")
    assert rows[0][0].value == "RENCANA KERJA DAN ANGGARAN SATUAN KERJA PERANGKAT DAERAH (RKA-SKPD)"
    assert amount(find(rows, 0, "Plafon OPD")[1].value) == D("1000000000")
    assert amount(find(rows, 0, "Sisa plafon")[1].value) == D("137654321.10")

    totals = ceiling_rules.rka_totals(rka)
    belanja = find(rows, 1, "JUMLAH BELANJA")[6]
    assert amount(belanja.value) == totals["belanja"] == D("862345678.90")
    assert belanja.number_format == "#,##0"
    assert amount(find(rows, 1, "JUMLAH PENDAPATAN")[6].value) == D("80000000.00")
    assert amount(find(rows, 0, SUB_A)[6].value) == D("612345678.90")
    assert amount(find(rows, 0, SUB_B)[6].value) == D("250000000.00")
    assert amount(find(rows, 0, "5.2.03.01.01.0001")[6].value) == D("600000000.00")
    programs = [cells[0].value for cells in rows if str(cells[1].value).startswith("Program: ")]
    assert programs == ["1.02.02", "X.XX.01"]
    # Every line row (a koefisien, no code) carries a real number; together they make the two totals.
    lines = [cells for cells in rows if cells[0].value is None and isinstance(cells[3].value, str)]
    assert len(lines) == 4
    assert all(cells[6].number_format == "#,##0" and isinstance(cells[6].value, int | float) for cells in lines)
    assert sum(amount(cells[6].value) for cells in lines) == totals["belanja"] + totals["pendapatan"]
    assert [cells[3].value for cells in lines] == ["1 paket"] * 4


def test_the_rka_export_groups_lines_by_account_and_work_package(reference_data):
    setup = budget_setup(reference_data, ceiling=D("100000000"))
    for package, volume in (("Rapat", "2"), ("Rapat", "3"), ("Kantor", "5")):
        values = setup.line_values(work_package=package, volume_1=D(volume), unit_1="orang")
        rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **values)
    rka_services.add_rka_line(
        actor=setup.staff,
        rka=setup.rka,
        **setup.line_values(volume_1=D("2"), unit_1="orang", volume_2=D("12"), unit_2="bulan"),
    )
    rows = sheet_rows(excel.export_rka(setup.rka), "RKA-SKPD")
    account = find(rows, 0, ATK_ACCOUNT)
    assert amount(account[6].value) == D("340000.00")
    assert amount(find(rows, 1, "[#] Kantor")[6].value) == D("50000.00")
    assert amount(find(rows, 1, "[#] Rapat")[6].value) == D("50000.00")
    assert "2 orang x 12 bulan" in [cells[3].value for cells in rows]
    assert amount(find(rows, 1, "JUMLAH BELANJA")[6].value) == D("340000.00")


def test_the_financing_of_the_ppkd_is_exported_with_both_sides(reference_data):
    small = small_apbd(reference_data)
    rows = sheet_rows(excel.export_rka(small.rkas[PPKD]), "RKA-SKPD")
    assert amount(find(rows, 1, "JUMLAH PENERIMAAN PEMBIAYAAN")[6].value) == D("50000000.00")
    assert amount(find(rows, 1, "JUMLAH PENGELUARAN PEMBIAYAAN")[6].value) == D("42654321.10")
    assert amount(find(rows, 1, "JUMLAH PENDAPATAN")[6].value) == D("900000000.00")


def test_the_dpa_export_has_the_cash_plan_per_month(reference_data):
    small = small_apbd(reference_data)
    version = adopt(small.version, small.finance, publish=True)
    dpa_services.prepare_dpas(actor=small.finance, version=version)
    dpa = Dpa.objects.get(version=version, opd__code=DINKES)
    response = client_for(small.staff[DINKES]).get(f"{API}/dpa/{dpa.pk}/export/")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["DPA-SKPD", "Anggaran Kas"]
    budget = list(workbook["DPA-SKPD"].iter_rows())
    assert amount(find(budget, 1, "JUMLAH BELANJA")[6].value) == D("862345678.90")
    cash = list(workbook["Anggaran Kas"].iter_rows())
    building = find(cash, 0, SUB_A)
    months = [amount(cell.value) for cell in building[3:15]]
    assert amount(building[2].value) == sum(months) == amount(building[15].value) == D("612345678.90")
    assert amount(building[16].value) == 0
    total = find(cash, 1, "JUMLAH BELANJA")
    assert amount(total[2].value) == amount(total[15].value) == D("862345678.90")
    # Scrolling keeps the header and the code and name columns in view; the first data row follows the header.
    for sheet in workbook.worksheets:
        header = next(cells[0].row for cells in sheet.iter_rows() if cells[0].value == "Kode")
        assert sheet.freeze_panes == f"C{header + 1}", sheet.title
    assert all(cell.number_format == "#,##0" for cell in total[2:17])
    other = Dpa.objects.get(version=version, opd__code=PPKD)
    assert client_for(small.staff[DINKES]).get(f"{API}/dpa/{other.pk}/export/").status_code == 404


def test_export_queries_do_not_grow_with_lines(reference_data):
    setup = budget_setup(reference_data, ceiling=D("1000000000"))
    other_sub = rka_services.add_rka_sub_kegiatan(
        actor=setup.staff,
        rka=setup.rka,
        sub_kegiatan=node(reference_data, "1.02.02.2.01.0002"),
        location="Bondowoso",
        output_indicator="Puskesmas",
        output_target=D("1"),
        output_unit="unit",
    )

    def add(count):
        for index in range(count):
            sub = setup.sub_kegiatan if index % 2 else other_sub
            values = setup.line_values(sub_kegiatan=sub, work_package=f"Paket {index % 3}")
            rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **values)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            excel.export_rka(setup.rka)
        return len(captured)

    add(3)
    few = queries()
    add(12)
    assert queries() == few
