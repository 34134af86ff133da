"""The semester, year-end, performance and consistency reports: figures against hand-computed examples, each
kind of break appearing and disappearing when fixed, OPD staff reading only their own OPD, documents whose text
shows the totals, and pages whose queries do not grow with the data."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from budgeting.models import RkaLine
from masterdata.models import Opd
from planning.models import Proposal, RenjaLine
from reporting.models import Job, Realization, RealizationMonth
from reporting.selectors import consistency as consistency_selectors
from reporting.selectors import performance as performance_selectors
from reporting.selectors import semester as semester_selectors
from reporting.services import jobs as job_services
from reporting.services.realization import record_progress, record_realization
from tests.budgeting.factories import BAPENDA, DINKES, PPKD, SUB_A, SUB_B, SUB_D, node
from tests.planning.factories import RenstraProgramFactory, program_of, proposal_values
from tests.planning.test_api import client_for

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def realized(executed):
    """January to March 2024 realized on the small year, as tests/reporting/test_jobs.py has it, and one entry of
    July (made directly: on 15 April it has not begun) that the first semester leaves out."""
    staff = executed.staff[DINKES]
    for label, month, amount in [
        ("L2", 1, "1000000"),
        ("L2", 3, "2345678.90"),
        ("L3", 2, "20833333.33"),
        ("L4", 3, "10000000"),
    ]:
        record_realization(actor=staff, line=executed.lines[label], month=month, amount=D(amount))
    line = executed.lines["L3"]
    Realization.objects.create(
        fiscal_year=executed.fiscal_year, opd=line.rka.opd, line=line, month=7, amount=D("5000000"), entered_by=staff
    )
    return executed


def _rows(report):
    return {row.name if row.is_total else row.code: row for row in report.rows}


# --- Semester I and prognosis --------------------------------------------------------------------------------


def test_the_first_semester_and_its_linear_prognosis_against_a_hand_computed_example(realized):
    rows = _rows(semester_selectors.semester_report(realized.version))
    belanja = rows["JUMLAH BELANJA"]
    assert belanja.budget == D("1027345678.90") and belanja.realized == D("24179012.23")  # July left out
    assert (
        belanja.percent == D("2.35")
        and belanja.prognosis == D("24179012.23")
        and belanja.prognosis_percent == D("2.35")
    )
    assert belanja.outlook == D("48358024.46") and belanja.outlook_percent == D("4.71")
    assert belanja.remaining == D("978987654.44")
    assert rows["JUMLAH PENDAPATAN"].realized == D("10000000.00") and rows["JUMLAH PENDAPATAN"].prognosis == D(
        "10000000.00"
    )
    surplus = rows["SURPLUS/(DEFISIT)"]
    assert (
        surplus.budget == D("-7345678.90")
        and surplus.realized == D("-14179012.23")
        and surplus.prognosis == D("-14179012.23")
    )
    assert rows["PEMBIAYAAN NETTO"].budget == D("7345678.90") and rows["PEMBIAYAAN NETTO"].prognosis == 0
    jenis = rows["5.1.02"]  # L2, L5 and L10
    assert jenis.budget == D("77345678.90") and jenis.realized == D("3345678.90") and jenis.percent == D("4.33")
    assert "5.1.02.01" not in rows  # down to jenis by default


def test_the_semester_page_api_and_documents_show_the_figures(realized, client, django_capture_on_commit_callbacks):
    client.force_login(realized.finance)
    page = client.get("/laporan/semester/", {"version": realized.version.pk})
    text = page.content.decode()
    assert page.status_code == 200 and "Rp 24.179.012,23" in text and "Rp 978.987.654,44" in text
    assert "linear" in text and 'value="semester-pdf"' in text and 'value="semester-xlsx"' in text
    assert client.get("/laporan/semester/", {"version": realized.version.pk, "rincian": "sub"}).status_code == 400
    answer = client_for(realized.finance).get("/api/v1/reports/semester/", {"version": realized.version.pk})
    belanja = next(row for row in answer.json()["rows"] if row["name"] == "JUMLAH BELANJA")
    assert belanja["prognosis"] == "24179012.23" and belanja["outlook_percent"] == "4.71"
    pdf = _run(django_capture_on_commit_callbacks, realized.finance, "semester-pdf", version=realized.version.pk)
    assert "1.027.345.678,90" in pdf and "48.358.024,46" in pdf and "PROGNOSIS" in pdf
    sheet = _sheet(
        _job(django_capture_on_commit_callbacks, realized.finance, "semester-xlsx", version=realized.version.pk)
    )
    total = next(row for row in sheet if row[1] == "JUMLAH BELANJA")
    assert D(str(total[5])) == D("24179012.23") and D(str(total[7])) == D("48358024.46")


def _job(capture, actor, kind, **params):
    with capture(execute=True):
        job = job_services.request_job(actor=actor, kind=kind, params=params)
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.error
    return job


def _run(capture, actor, kind, **params):
    """The text of a PDF job's file."""
    job = _job(capture, actor, kind, **params)
    with job.file.open("rb") as file:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(file.read())).pages)


def _sheet(job, index=0):
    with job.file.open("rb") as file:
        workbook = load_workbook(io.BytesIO(file.read()), read_only=True)
    rows = list(workbook.worksheets[index].iter_rows(values_only=True))
    width = max(len(row) for row in rows)
    return [row + (None,) * (width - len(row)) for row in rows]


# --- Performance and the year-end report ------------------------------------------------------------------------


@pytest.fixture
def progressed(realized):
    """Physical progress and output of SUB_A: February 40 % (1), March 55 % (2), April 70 % (3); the program
    1.02.02 in Dinas Kesehatan's Renstra, serving an RPJMD target of 2021-2025."""
    staff, opd = realized.staff[DINKES], Opd.objects.get(code=DINKES)
    for month, physical, achieved in [(2, "40", "1"), (3, "55", "2"), (4, "70", "3")]:
        record_progress(
            actor=staff,
            opd=opd,
            sub_kegiatan_code=SUB_A,
            fiscal_year=realized.fiscal_year,
            month=month,
            physical_percent=D(physical),
            output_achieved=D(achieved),
        )
    realized.served = RenstraProgramFactory(renstra__opd=opd, program=program_of(opd, "1.02.02"))
    realized.sub(DINKES, SUB_A).__class__.objects.filter(
        rka__version=realized.version, sub_kegiatan__code=SUB_A
    ).update(output_target=D("4"))
    return realized


def test_performance_at_a_quarters_end_against_a_hand_computed_example(progressed):
    report = performance_selectors.performance_report(progressed.version, quarter="1")
    dinkes = next(unit for unit in report.opds if unit.opd.code == DINKES)
    program = next(program for program in dinkes.programs if program.code == "1.02.02")
    (sub_a,) = program.items
    assert sub_a.latest_physical == D("55.00") and sub_a.achieved_percent == D("50.00")  # 2 of 4; April not yet
    assert (
        sub_a.pagu == D("612345678.90") and sub_a.realized == D("3345678.90") and sub_a.financial_percent == D("0.55")
    )
    sub_b = next(item for item in dinkes.items if item.sub.sub_kegiatan.code == SUB_B)
    assert sub_b.realized == D("20833333.33") and sub_b.latest_physical is None  # July's 5.000.000 not yet
    assert (
        dinkes.pagu == D("862345678.90")
        and dinkes.realized == D("24179012.23")
        and dinkes.financial_percent == D("2.80")
    )
    assert dinkes.physical_percent == D("39.06")  # 55 % weighted by 612.345.678,90 of 862.345.678,90
    assert dinkes.achieved_percent == D("25.00")  # SUB_A 50 %, SUB_B not reported: 0 %
    (served,) = program.served
    assert served.rpjmd_target == progressed.served.rpjmd_target and served.rpjmd_year_target == D(
        "70.70"
    )  # 2024: year 4
    second = performance_selectors.performance_report(progressed.version, quarter="2")
    sub_a = next(item for unit in second.opds for item in unit.items if item.sub.sub_kegiatan.code == SUB_A)
    assert sub_a.latest_physical == D("70.00") and sub_a.achieved_percent == D("75.00")
    year = performance_selectors.year_end_report(progressed.version)
    assert _rows(year.lra)["JUMLAH BELANJA"].realized == D("29179012.23")  # July counts in the year
    assert year.performance.total.realized == D("29179012.23")


def test_the_performance_and_year_end_pages_api_and_documents(progressed, client, django_capture_on_commit_callbacks):
    client.force_login(progressed.finance)
    page = client.get("/laporan/kinerja/", {"version": progressed.version.pk, "triwulan": "1"}).content.decode()
    assert "Rp 612.345.678,90" in page and "50,00" in page and "Angka harapan hidup" in page
    assert client.get("/laporan/kinerja/", {"version": progressed.version.pk, "triwulan": "5"}).status_code == 400
    year = client.get("/laporan/tahunan/", {"version": progressed.version.pk}).content.decode()
    assert "Rp 29.179.012,23" in year and "Kinerja sampai akhir tahun" in year
    api = client_for(progressed.finance)
    answer = api.get("/api/v1/reports/performance/", {"version": progressed.version.pk, "triwulan": "1", "opd": DINKES})
    (dinkes,) = answer.json()["opds"]
    assert dinkes["physical_percent"] == "39.06" and dinkes["achieved_percent"] == "25.00"
    assert answer.json()["total"]["realized"] == "24179012.23"
    year_end = api.get("/api/v1/reports/year-end/", {"version": progressed.version.pk}).json()
    assert year_end["performance"]["total"]["realized"] == "29179012.23"
    assert api.get("/api/v1/reports/year-end/", {"version": progressed.version.pk, "jenis": "x"}).status_code == 400
    pdf = _run(
        django_capture_on_commit_callbacks,
        progressed.finance,
        "kinerja-pdf",
        version=progressed.version.pk,
        triwulan="1",
    )
    assert "612.345.678,90" in pdf and "24.179.012,23" in pdf and "Triwulan I" in pdf
    pdf = _run(django_capture_on_commit_callbacks, progressed.finance, "tahunan-pdf", version=progressed.version.pk)
    assert "1.027.345.678,90" in pdf and "29.179.012,23" in pdf
    job = _job(django_capture_on_commit_callbacks, progressed.finance, "tahunan-xlsx", version=progressed.version.pk)
    assert next(row for row in _sheet(job, 1) if row[1] == "JUMLAH")[8] == pytest.approx(29179012.23)


# --- Consistency ----------------------------------------------------------------------------------------------


def _counts(version, **kwargs):
    counts, _ = consistency_selectors.consistency(version, **kwargs)
    return counts


def test_each_kind_of_break_appears_and_disappears_when_fixed(realized):
    version = realized.version
    counts = _counts(version)
    # The small year's final Renja lines serve no Renstra program; nothing else is broken on 15 April.
    assert counts == {**dict.fromkeys(consistency_selectors.KINDS, 0), "renja-tanpa-sasaran": 4}
    dinkes = Opd.objects.get(code=DINKES)
    line_a = RenjaLine.objects.get(renja__opd=dinkes, sub_kegiatan__code=SUB_A)
    line_a.renstra_program = RenstraProgramFactory(renstra__opd=dinkes, program=program_of(dinkes, "1.02.02"))
    line_a.save()
    assert _counts(version)["renja-tanpa-sasaran"] == 3

    # Bapenda's Renja taken back from final: its funded sub-kegiatan has no plan; final again, consistent again.
    line_d = RenjaLine.objects.select_related("renja").get(sub_kegiatan__code=SUB_D)
    line_d.renja.stage = "rancangan_akhir"
    line_d.renja.save()
    counts, rows = consistency_selectors.consistency(version, kind="rka-tanpa-renja")
    assert counts["rka-tanpa-renja"] == 1 and counts["renja-tanpa-sasaran"] == 2
    assert [(r["opd_code"], r["item_code"], r["money"]) for r in rows] == [(BAPENDA, SUB_D, D("20000000.00"))]
    line_d.renja.stage = "final"
    line_d.renja.save()
    assert _counts(version)["rka-tanpa-renja"] == 0

    # An accepted proposal on that plan, and the plan without money in the RKA: both unfunded until it has some.
    proposal = Proposal.objects.create(
        tracking_code="USL-2024-0001",
        fiscal_year=realized.fiscal_year,
        source=Proposal.Source.KECAMATAN,
        status=Proposal.Status.ACCEPTED,
        renja_line=line_d,
        **proposal_values(estimated_cost=D("15000000")),
    )
    assert _counts(version)["usulan-tidak-didanai"] == 0
    RkaLine.objects.filter(pk=realized.lines["L10"].pk).update(amount=0)
    counts, rows = consistency_selectors.consistency(version)
    assert counts["renja-tanpa-anggaran"] == 1 and counts["usulan-tidak-didanai"] == 1
    unfunded = next(r for r in rows if r["kind_key"] == "usulan-tidak-didanai")
    assert unfunded["item_code"] == proposal.tracking_code and unfunded["money"] == D("15000000.00")
    RkaLine.objects.filter(pk=realized.lines["L10"].pk).update(amount=D("20000000"))
    counts = _counts(version)
    assert counts["renja-tanpa-anggaran"] == 0 and counts["usulan-tidak-didanai"] == 0

    # DPA lines never realized: judged once December is closed, or the year is over.
    RealizationMonth.objects.create(
        fiscal_year=realized.fiscal_year, opd=Opd.objects.get(code=BAPENDA), month=12, state="closed"
    )
    counts, rows = consistency_selectors.consistency(version, kind="dpa-tanpa-realisasi")
    assert counts["dpa-tanpa-realisasi"] == 2  # L10 and L11 of Bapenda
    with time_machine.travel(datetime.datetime(2025, 1, 2, tzinfo=datetime.UTC), tick=False):
        assert _counts(version)["dpa-tanpa-realisasi"] == 8  # all but L2, L3 and L4 (its revenue, on no sub)
        Realization.objects.create(
            fiscal_year=realized.fiscal_year,
            opd=Opd.objects.get(code=PPKD),
            line=realized.lines["L7"],
            month=12,
            amount=D("1"),
            entered_by=realized.finance,
        )
        assert _counts(version)["dpa-tanpa-realisasi"] == 7
        assert _counts(version, opd=Opd.objects.get(code=BAPENDA))["dpa-tanpa-realisasi"] == 2


def test_the_consistency_page_api_and_documents(realized, client, django_capture_on_commit_callbacks):
    client.force_login(realized.finance)
    page = client.get("/laporan/konsistensi/", {"version": realized.version.pk}).content.decode()
    assert "Rencana Renja yang tidak melayani sasaran RPJMD" in page and SUB_A in page and "Desember" in page
    filtered = client.get("/laporan/konsistensi/", {"version": realized.version.pk, "jenis": "rka-tanpa-renja"})
    assert "Tidak ada ketidaksesuaian." in filtered.content.decode()
    assert client.get("/laporan/konsistensi/", {"version": realized.version.pk, "jenis": "x"}).status_code == 400
    api = client_for(realized.finance)
    answer = api.get("/api/v1/reports/consistency/", {"version": realized.version.pk}).json()
    assert answer["counts"]["renja-tanpa-sasaran"] == 4 and answer["count"] == 4 and len(answer["results"]) == 4
    assert api.get("/api/v1/reports/consistency/", {"version": realized.version.pk, "page": "0"}).status_code == 400
    pdf = _run(django_capture_on_commit_callbacks, realized.finance, "konsistensi-pdf", version=realized.version.pk)
    assert SUB_D in pdf and "700.000.000,00" in pdf
    job = _job(django_capture_on_commit_callbacks, realized.finance, "konsistensi-xlsx", version=realized.version.pk)
    label = "Rencana Renja yang tidak melayani sasaran RPJMD"
    rows = _sheet(job)
    assert (label, 4) in [row[:2] for row in rows] and sum(
        1 for row in rows if row[0] == label and isinstance(row[1], str)
    ) == 4


# --- Who reads what, and queries ------------------------------------------------------------------------------


REPORT_PAGES = ["/laporan/semester/", "/laporan/tahunan/", "/laporan/kinerja/", "/laporan/konsistensi/"]
REPORT_API = ["semester", "year-end", "performance", "consistency"]


def test_opd_staff_read_only_their_own_opd(realized, client, django_capture_on_commit_callbacks):
    client.force_login(realized.staff[DINKES])
    version = realized.version.pk
    for url in REPORT_PAGES:
        assert client.get(url, {"version": version, "opd": BAPENDA}).status_code == 404, url
        own = client.get(url, {"version": version})
        assert own.status_code == 200 and 'id="opd"' not in own.content.decode(), url
    api = client_for(realized.staff[DINKES])
    for name in REPORT_API:
        assert api.get(f"/api/v1/reports/{name}/", {"version": version, "opd": BAPENDA}).status_code == 404
        assert api.get(f"/api/v1/reports/{name}/", {"version": version}).json()["opd"] == DINKES
    semester = _rows(semester_selectors.semester_report(realized.version, opd=Opd.objects.get(code=DINKES)))
    page = client.get("/laporan/semester/", {"version": version}).content.decode()
    assert f"Rp {semester['JUMLAH BELANJA'].budget:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".") in page
    assert "Rp 1.027.345.678,90" not in page  # the kabupaten's belanja
    konsistensi = client.get("/laporan/konsistensi/", {"version": version}).content.decode()
    assert SUB_A in konsistensi and SUB_D not in konsistensi
    refused = client.post("/dokumen/minta/", {"kind": "kinerja-pdf", "version": version, "opd": BAPENDA})
    assert refused.status_code == 404


@pytest.mark.parametrize("url", REPORT_PAGES)
def test_report_pages_keep_their_queries_whatever_the_data(realized, client, url):
    """All three OPDs, before and after more plans and progress, and one OPD: the same queries (one OPD's
    also looks the OPD up)."""
    client.force_login(realized.finance)

    def queries(**params):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"version": realized.version.pk, **params}).status_code == 200
        return len(captured)

    queries()  # an adopted version's budget sums are kept after the first reading
    before = queries()
    queries(opd=BAPENDA)
    assert queries(opd=BAPENDA) == before + 1
    renja = RenjaLine.objects.filter(sub_kegiatan__code=SUB_A).first().renja
    for code in ("1.02.02.2.01.0002", "1.02.02.2.01.0003"):
        RenjaLine.objects.create(
            renja=renja,
            sub_kegiatan=node(realized.fiscal_year, code),
            location="Bondowoso",
            output_indicator="Keluaran",
            output_target=1,
            output_unit="paket",
            pagu_indikatif=D("1000000"),
            pagu_indikatif_next=0,
        )
    record_progress(
        actor=realized.staff[DINKES],
        opd=renja.opd,
        sub_kegiatan_code=SUB_B,
        fiscal_year=realized.fiscal_year,
        month=3,
        physical_percent=D("20"),
    )
    assert queries() == before


def test_report_pages_answer_within_a_fixed_number_of_queries(realized, client, django_assert_max_num_queries):
    client.force_login(realized.finance)
    for url in REPORT_PAGES:
        with django_assert_max_num_queries(25):
            assert client.get(url, {"version": realized.version.pk}).status_code == 200
