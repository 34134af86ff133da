"""Excel: Renja import (all or nothing, every bad row listed), target-table imports, Renja and RKPD exports."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from masterdata.importers import InvalidFile
from masterdata.models import AuditEvent, FundingSource, Region
from masterdata.spreadsheets import MONEY_FORMAT, XLSX_CONTENT_TYPE
from planning import services, target_services
from planning.models import Renja, RenjaLine, RenstraProgram, RpjmdGoal, RpjmdTarget
from tests.planning.factories import (
    FINAL_MOVES,
    PUPR_CODE,
    RenstraFactory,
    RenstraProgramFactory,
    RpjmdFactory,
    RpjmdGoalFactory,
    RpjmdTargetFactory,
    line_values,
    move_renja,
    opd,
    renja_with_lines,
    staff_of,
    sub_kegiatan_for,
)
from tests.planning.test_api import API, client_for, errors_of

pytestmark = pytest.mark.django_db
RENJA_HEADER = [
    "kode_sub_kegiatan",
    "lokasi",
    "indikator_keluaran",
    "target",
    "satuan",
    "pagu_indikatif",
    "pagu_indikatif_berikutnya",
    "kode_sumber_dana",
    "kode_program_renstra",
]


def workbook_file(rows, name="berkas.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)


@pytest.fixture
def empty_renja(dinkes, dinkes_staff, year):
    return services.create_renja(actor=dinkes_staff, opd=dinkes, fiscal_year=year)


@pytest.fixture
def dau(year):
    return FundingSource.objects.get(version=year.reference_version, code="1.2.01.01.01.0001")


def renja_row(sub, *, pagu=250_000_000, **overrides):
    """A row of the import table; `pagu` may be written as text (Indonesian style) or a number."""
    row = {
        "kode_sub_kegiatan": sub.code,
        "lokasi": "Kecamatan Wringin",
        "indikator_keluaran": "Jumlah dokumen perencanaan",
        "target": 3,
        "satuan": "dokumen",
        "pagu_indikatif": pagu,
        "pagu_indikatif_berikutnya": 10_000_000,
        "kode_sumber_dana": "",
        "kode_program_renstra": "",
        **overrides,
    }
    return [row[column] for column in RENJA_HEADER]


def import_renja(user, renja, rows, name="renja.xlsx"):
    return client_for(user).post(
        f"{API}/renja/{renja.pk}/import/", {"file": workbook_file([RENJA_HEADER, *rows], name)}, format="multipart"
    )


# --- Renja import ----------------------------------------------------------------------------


def test_a_file_with_bad_rows_imports_nothing_and_lists_every_bad_row(empty_renja, dinkes_staff, dinkes, year):
    good, second, third = sub_kegiatan_for(dinkes, year, 3)
    foreign = sub_kegiatan_for(opd(PUPR_CODE), year, 1)[0]
    rows = [
        renja_row(good),  # 2: fine
        renja_row(good, kode_sub_kegiatan="1.02.02.2.01.9999"),  # 3: unknown code
        renja_row(foreign),  # 4: another OPD's bidang
        renja_row(good, lokasi="Desa lain"),  # 5: repeats line 2
        renja_row(second, target="dua belas"),  # 6: not a number
        renja_row(third, pagu="-1.000"),  # 7: negative
        renja_row(third, lokasi="", satuan=""),  # 8: empty text, and third again
        renja_row(second, kode_sub_kegiatan=second.code, pagu="1.250.000,50", target=None),  # 9: no target, repeat
        renja_row(good, kode_sumber_dana="9.9.99.99.99.9999"),  # 10: unknown source (and repeat)
    ]
    before = AuditEvent.objects.count()
    errors = errors_of(import_renja(dinkes_staff, empty_renja, rows), 400)

    by_line = {}
    for error in errors:
        assert error["code"] == "invalid_row"
        by_line.setdefault(error["field"], []).append(error["message"])
    assert set(by_line) == {f"file.{line}" for line in range(3, 11)}
    assert "tidak ada di nomenklatur tahun 2024" in " ".join(by_line["file.3"])
    assert "tidak dapat dipakai Dinas Kesehatan" in " ".join(by_line["file.4"])
    assert "sudah ada di baris 2" in " ".join(by_line["file.5"])
    assert "'dua belas' bukan angka" in " ".join(by_line["file.6"])
    assert "tidak boleh negatif" in " ".join(by_line["file.7"])
    assert any(
        message.startswith("baris 8 (") and "lokasi: Lokasi wajib diisi" in message for message in by_line["file.8"]
    )
    assert any("satuan:" in message for message in by_line["file.8"])
    assert "sudah ada di baris 6" in " ".join(by_line["file.9"])
    assert "target: Target keluaran wajib berupa angka" in " ".join(by_line["file.9"])
    assert "kode_sumber_dana: kode '9.9.99.99.99.9999' tidak ada" in " ".join(by_line["file.10"])
    assert not RenjaLine.objects.filter(renja=empty_renja).exists()
    assert AuditEvent.objects.count() == before


def test_a_clean_file_creates_lines_then_updates_them(empty_renja, dinkes_staff, dinkes, year, dau):
    program = RenstraProgramFactory(renstra=RenstraFactory(opd=dinkes))
    subs = sub_kegiatan_for(dinkes, year, 3)
    rows = [
        renja_row(subs[0], kode_sumber_dana=dau.code, kode_program_renstra=program.program.code),
        renja_row(subs[1], pagu="1.250.000,50"),
        renja_row(subs[2], pagu=0),
    ]
    created = import_renja(dinkes_staff, empty_renja, rows)
    assert created.status_code == 200, created.content
    assert created.json() == {"created": 3, "updated": 0}
    lines = {line.sub_kegiatan.code: line for line in empty_renja.lines.select_related("sub_kegiatan")}
    assert lines[subs[0].code].funding_source == dau
    assert lines[subs[0].code].renstra_program == program
    assert lines[subs[1].code].pagu_indikatif == Decimal("1250000.50")
    assert AuditEvent.objects.filter(action="renja_line.create").count() == 3
    assert AuditEvent.objects.filter(action="renja.import_lines", object_id=str(empty_renja.pk)).count() == 1

    rows[2] = renja_row(subs[2], pagu=75_000_000)
    updated = import_renja(dinkes_staff, empty_renja, rows)
    assert updated.json() == {"created": 0, "updated": 3}
    line = empty_renja.lines.get(sub_kegiatan=subs[2])
    assert (line.pagu_indikatif, line.version) == (Decimal("75000000"), 2)


def test_csv_files_are_read_too(empty_renja, dinkes_staff, dinkes, year):
    sub = sub_kegiatan_for(dinkes, year, 1)[0]
    text = ",".join(RENJA_HEADER) + "\n" + f'{sub.code},Maesan,Dokumen,2,dokumen,"1.000.000,00",0,,\n'
    upload = SimpleUploadedFile("renja.csv", text.encode(), content_type="text/csv")
    response = client_for(dinkes_staff).post(
        f"{API}/renja/{empty_renja.pk}/import/", {"file": upload}, format="multipart"
    )
    assert response.json() == {"created": 1, "updated": 0}
    assert empty_renja.lines.get().pagu_indikatif == Decimal("1000000.00")


def test_import_is_refused_whole_when_the_renja_is_not_editable(empty_renja, dinkes_staff, dinkes, year):
    subs = sub_kegiatan_for(dinkes, year, 2)
    services.add_renja_line(
        actor=dinkes_staff,
        renja=empty_renja,
        sub_kegiatan=subs[0],
        location="Maesan",
        output_indicator="Dokumen",
        output_target=Decimal(1),
        output_unit="dokumen",
        pagu_indikatif=Decimal(1),
        pagu_indikatif_next=Decimal(1),
    )
    services.transition_renja(actor=dinkes_staff, renja=empty_renja, action="submit")
    errors = errors_of(import_renja(dinkes_staff, empty_renja, [renja_row(subs[1])]), 400)
    assert [error["field"] for error in errors] == ["file.0"]
    assert "tidak dapat diubah" in errors[0]["message"]
    assert empty_renja.lines.count() == 1


def test_import_answers_404_to_another_opd_and_403_to_bappeda(empty_renja, dinkes, year, bappeda):
    row = [renja_row(sub_kegiatan_for(dinkes, year, 1)[0])]
    errors_of(import_renja(staff_of(opd(PUPR_CODE)), empty_renja, row), 404)
    errors_of(import_renja(bappeda, empty_renja, row), 403)
    assert not empty_renja.lines.exists()


def test_missing_columns_and_empty_files_are_refused(empty_renja, dinkes_staff):
    api = client_for(dinkes_staff)
    url = f"{API}/renja/{empty_renja.pk}/import/"
    upload = workbook_file([["kode_sub_kegiatan", "lokasi"], ["1.02.02.2.01.0001", "Maesan"]])
    errors = errors_of(api.post(url, {"file": upload}, format="multipart"), 400)
    assert errors[0]["field"] == "file.1"
    assert "indikator_keluaran" in errors[0]["message"]
    errors = errors_of(api.post(url, {"file": workbook_file([RENJA_HEADER])}, format="multipart"), 400)
    assert errors[0]["field"] == "file.0"
    broken = SimpleUploadedFile("rusak.xlsx", b"bukan excel", content_type=XLSX_CONTENT_TYPE)
    errors = errors_of(api.post(url, {"file": broken}, format="multipart"), 400)
    assert "tidak dapat dibaca" in errors[0]["message"]


# --- Target-table imports --------------------------------------------------------------------

RPJMD_HEADER = target_services.RPJMD_IMPORT_COLUMNS


def test_rpjmd_targets_import_all_or_nothing(bappeda):
    rpjmd = RpjmdFactory()
    good = [
        ["1", "Masyarakat sehat", "1.1", "Derajat kesehatan naik", "AHH", "tahun", "69,5", 70, 70.2, 70.4, 70.6, 71],
        ["1", "Masyarakat sehat", "1.2", "Gizi membaik", "Prevalensi stunting", "persen", 30, 28, 26, 24, 22, 20],
        ["2", "Infrastruktur andal", "2.1", "Jalan mantap", "Kemantapan jalan", "persen", 70, 72, 74, 76, 78, 80],
    ]
    bad = [
        *good,
        ["1", "Rumusan lain", "1.3", "x", "x", "x", None, None, None, None, None, None],  # 5: goal text differs
        ["2", "Infrastruktur andal", "2.1", "Ulang", "x", "x", None, None, None, None, None, None],  # 6: repeat
        ["3", "Tujuan baru", "3.1", "Sasaran", "", "persen", "banyak", None, None, None, None, None],  # 7
    ]
    api = client_for(bappeda)
    url = f"{API}/rpjmd/{rpjmd.pk}/import-targets/"
    errors = errors_of(api.post(url, {"file": workbook_file([RPJMD_HEADER, *bad])}, format="multipart"), 400)
    messages = {error["field"]: error["message"] for error in errors}
    assert set(messages) == {"file.5", "file.6", "file.7"}
    assert "berbeda dengan baris 2" in messages["file.5"]
    assert "sudah ada di baris 4" in messages["file.6"]
    assert sorted(error["message"].split(": ", 2)[2] for error in errors if error["field"] == "file.7") == [
        "'banyak' bukan angka",
        "Indikator wajib diisi.",
    ]
    assert not RpjmdGoal.objects.filter(rpjmd=rpjmd).exists()

    response = api.post(url, {"file": workbook_file([RPJMD_HEADER, *good])}, format="multipart")
    assert response.json() == {"created": 3, "updated": 0}
    target = RpjmdTarget.objects.get(goal__rpjmd=rpjmd, code="1.1")
    assert (target.baseline, target.target_3) == (Decimal("69.5"), Decimal("70.4"))
    good[0][6] = "69,9"
    assert api.post(url, {"file": workbook_file([RPJMD_HEADER, *good])}, format="multipart").json() == {
        "created": 0,
        "updated": 3,
    }
    target.refresh_from_db()
    assert target.baseline == Decimal("69.9")
    errors_of(
        client_for(staff_of(opd())).post(url, {"file": workbook_file([RPJMD_HEADER, *good])}, format="multipart"), 403
    )


def test_renstra_programs_import(dinkes, dinkes_staff):
    renstra = RenstraFactory(opd=dinkes)
    goal = RpjmdGoalFactory(rpjmd=renstra.rpjmd, code="1")
    RpjmdTargetFactory(goal=goal, code="1.1")
    RpjmdTargetFactory(goal=RpjmdGoalFactory(rpjmd=renstra.rpjmd, code="2"), code="1.1")  # same code, other goal
    RpjmdTargetFactory(goal=goal, code="1.2")
    header = target_services.RENSTRA_IMPORT_COLUMNS
    rows = [
        ["1.02.02", "1/1.1", "Akreditasi puskesmas", "persen", 60, 65, 70, 75, 80, 85],  # 2
        ["1.02.03", "1.2", "Rasio nakes", "per 1.000", 1, 1.1, 1.2, 1.3, 1.4, 1.5],  # 3
        ["1.02.02", "1.1", "Ambigu", "persen", None, None, None, None, None, None],  # 4: 1.1 in two goals
        ["1.03.02", "1.2", "Bukan bidangnya", "persen", None, None, None, None, None, None],  # 5
        ["1.02.03", "1.2", "Ulang", "persen", None, None, None, None, None, None],  # 6
    ]
    url = f"{API}/renstra/{renstra.pk}/import-programs/"
    api = client_for(dinkes_staff)
    errors = errors_of(api.post(url, {"file": workbook_file([header, *rows])}, format="multipart"), 400)
    messages = {error["field"]: error["message"] for error in errors}
    assert set(messages) == {"file.4", "file.5", "file.6"}
    assert "lebih dari satu tujuan" in messages["file.4"]
    assert "di luar bidang urusan Dinas Kesehatan" in messages["file.5"]
    assert "sudah ada di baris 3" in messages["file.6"]
    assert not RenstraProgram.objects.exists()

    response = api.post(url, {"file": workbook_file([header, *rows[:2]])}, format="multipart")
    assert response.json() == {"created": 2, "updated": 0}
    assert RenstraProgram.objects.get(program__code="1.02.02").rpjmd_target.goal.code == "1"


# --- Exports ---------------------------------------------------------------------------------


def _open(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(response.content))


def test_renja_export_opens_and_its_totals_match(dinkes, dinkes_staff, year, dau):
    program = RenstraProgramFactory(renstra=RenstraFactory(opd=dinkes))
    renja = renja_with_lines(opd_=dinkes, fiscal_year=year, count=4, actor=dinkes_staff)
    first = renja.lines.order_by("sub_kegiatan__code").first()
    services.update_renja_line(
        actor=dinkes_staff,
        line=first,
        expected_version=1,
        pagu_indikatif=Decimal("1234567.89"),
        funding_source=dau,
        renstra_program=program,
    )
    sheet = _open(client_for(dinkes_staff).get(f"{API}/renja/{renja.pk}/export/"))["Renja"]
    rows = list(sheet.iter_rows(values_only=True))
    facts = {row[0]: row[1] for row in rows[2:7]}
    assert facts["Perangkat daerah"] == f"{dinkes.code} Dinas Kesehatan"
    assert (facts["Tahun anggaran"], facts["Tahap"], facts["Status"]) == (2024, "Rancangan awal", "Draf")
    header_row = next(number for number, row in enumerate(rows, 1) if row[0] == "No")  # the column header
    assert rows[header_row - 1][7] == "Pagu indikatif 2024 (Rp)"
    body, total = rows[header_row:-1], rows[-1]
    lines = [row for row in body if isinstance(row[0], int)]
    assert [row[0] for row in lines] == [1, 2, 3, 4]
    assert lines[0][1] == first.sub_kegiatan.code
    assert lines[0][9] == str(dau)
    assert (lines[0][10], lines[0][12]) == (program.rpjmd_target.code, 80)  # target of 2024, year 4
    pagu = sum(Decimal(str(row[7])) for row in lines)
    assert pagu == Decimal("1234567.89") + 3 * Decimal("150000000") == Decimal(str(total[7]))
    assert sum(Decimal(str(row[8])) for row in lines) == Decimal(str(total[8])) == 4 * Decimal("165000000")
    assert total[2].startswith("JUMLAH (4 sub-kegiatan)")
    # Program and kegiatan rows carry their subtotals; together with the lines they sum the same.
    groups = [row for row in body if row[0] is None]
    programs = [row for row in groups if row[1].count(".") == 2]
    assert sum(Decimal(str(row[7])) for row in programs) == pagu
    cells = {cell.column_letter: cell for cell in sheet[header_row + 3] if cell.value is not None}
    assert cells["H"].number_format == MONEY_FORMAT and isinstance(cells["H"].value, int | float)


def test_rkpd_export_has_every_sheet_and_matching_totals(dinkes, dinkes_staff, year, bappeda):
    pupr = opd(PUPR_CODE)
    pupr_staff = staff_of(pupr)
    served = RenstraProgramFactory(renstra=RenstraFactory(opd=dinkes))
    unserved = RpjmdTargetFactory(goal=served.rpjmd_target.goal, code="9.9")
    dinkes_renja = renja_with_lines(opd_=dinkes, fiscal_year=year, count=3, actor=dinkes_staff)
    services.update_renja_line(
        actor=dinkes_staff, line=dinkes_renja.lines.first(), expected_version=1, renstra_program=served
    )
    pupr_renja = renja_with_lines(opd_=pupr, fiscal_year=year, count=2, actor=pupr_staff, pagu_indikatif=Decimal(7))
    kecamatan = Region.objects.filter(level="kecamatan").first()
    proposals = [
        services.submit_proposal(
            actor=pupr_staff,
            source="forum_opd",
            fiscal_year=year,
            title=f"Usulan {n}",
            description="Uraian",
            kecamatan=kecamatan,
            proposer_name="Forum",
            estimated_cost=Decimal(1000),
            suggested_opd=pupr,
        )
        for n in range(2)
    ]
    services.accept_proposal(actor=pupr_staff, proposal=proposals[0], renja_line=pupr_renja.lines.first())
    services.reject_proposal(actor=pupr_staff, proposal=proposals[1], reason="Bukan prioritas tahun ini")
    for renja, owner in ((dinkes_renja, dinkes_staff), (pupr_renja, pupr_staff)):
        move_renja(renja, *FINAL_MOVES, staff=owner, bappeda=bappeda)
    rkpd = services.consolidate_rkpd(actor=bappeda, fiscal_year=year)
    assert rkpd.total_pagu == Decimal("450000014.00")

    workbook = _open(client_for(bappeda).get(f"{API}/rkpd/{year.year}/export/"))
    assert workbook.sheetnames == [
        "Ringkasan",
        "Per OPD",
        "Per Urusan",
        "Per Bidang",
        "Per Program",
        "Rincian Sub-kegiatan",
        "Capaian Sasaran RPJMD",
        "Usulan Diakomodasi",
        "Usulan Tidak Didanai",
    ]
    summary = {row[0]: row[1] for row in workbook["Ringkasan"].iter_rows(values_only=True) if row and row[0]}
    assert Decimal(str(summary["Total pagu indikatif (Rp)"])) == rkpd.total_pagu
    assert (summary["Jumlah Renja OPD"], summary["Jumlah sub-kegiatan"]) == (2, 5)
    assert summary["Sasaran RPJMD belum dilayani"] == 1
    for name in ("Per OPD", "Per Urusan", "Per Bidang", "Per Program"):
        rows = [row for row in workbook[name].iter_rows(min_row=4, values_only=True)]
        body, total = rows[:-1], rows[-1]
        assert total[1] == "JUMLAH"
        assert sum(Decimal(str(row[3])) for row in body) == Decimal(str(total[3])) == rkpd.total_pagu, name
        assert sum(row[2] for row in body) == total[2] == 5, name
    assert [row[0] for row in workbook["Per OPD"].iter_rows(min_row=4, values_only=True)][:2] == [
        dinkes.code,
        pupr.code,
    ]
    details = list(workbook["Rincian Sub-kegiatan"].iter_rows(min_row=2, values_only=True))
    assert len(details) == 5
    coverage = {row[1]: row for row in workbook["Capaian Sasaran RPJMD"].iter_rows(min_row=2, values_only=True)}
    assert coverage[served.rpjmd_target.code][6:] == (1, 150000000, "Dilayani")
    assert coverage[unserved.code][8] == "BELUM DILAYANI"
    accepted = list(workbook["Usulan Diakomodasi"].iter_rows(min_row=2, values_only=True))
    unfunded = list(workbook["Usulan Tidak Didanai"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in accepted] == [proposals[0].tracking_code]
    assert [(row[0], row[9]) for row in unfunded] == [(proposals[1].tracking_code, "Bukan prioritas tahun ini")]
    assert Renja.objects.filter(stage="final").count() == 2


def test_export_is_scoped_like_reading(dinkes, dinkes_staff, year):
    renja = renja_with_lines(opd_=dinkes, fiscal_year=year, count=1, actor=dinkes_staff)
    errors_of(client_for(staff_of(opd(PUPR_CODE))).get(f"{API}/renja/{renja.pk}/export/"), 404)
    errors_of(client_for(dinkes_staff).get(f"{API}/rkpd/{year.year}/export/"), 404)  # no RKPD yet


def test_import_service_raises_invalid_file_with_line_numbers(empty_renja, dinkes_staff, dinkes, year):
    sub = sub_kegiatan_for(dinkes, year, 1)[0]
    rows = [RENJA_HEADER, renja_row(sub), renja_row(sub, pagu="abc")]
    with pytest.raises(InvalidFile) as refused:
        services.import_renja_lines(
            actor=dinkes_staff, renja=empty_renja, source=workbook_file(rows), filename="a.xlsx"
        )
    assert [(error.line, error.code) for error in refused.value.errors] == [(3, sub.code), (3, sub.code)]
    assert not empty_renja.lines.exists()


def test_export_queries_do_not_grow_with_lines(dinkes, dinkes_staff, year, dau, bappeda):
    program = RenstraProgramFactory(renstra=RenstraFactory(opd=dinkes))
    renja = services.create_renja(actor=dinkes_staff, opd=dinkes, fiscal_year=year)
    api = client_for(bappeda)

    def add_lines(offset, count):
        # X.XX supporting sub-kegiatan come after the OPD's own bidang in code order.
        for sub in sub_kegiatan_for(dinkes, year, count, offset=offset):
            services.add_renja_line(
                actor=dinkes_staff,
                renja=renja,
                **line_values(sub, funding_source=dau, renstra_program=program),
            )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            _open(api.get(f"{API}/renja/{renja.pk}/export/"))
        return len(captured)

    add_lines(85, 6)
    few = queries()
    add_lines(91, 30)
    assert renja.lines.filter(sub_kegiatan__code__startswith="X.XX.").count() > 20
    assert queries() == few
