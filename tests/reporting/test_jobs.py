"""Jobs and documents: the LRA against a hand-computed example, PDFs whose text shows the right totals and page
numbers, the Penjabaran rendered in sections and merged, failure and retry, a dead worker's job recovered, and
who may ask for and download what."""

import datetime
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from reporting.documents import apbd as apbd_documents
from reporting.models import Job
from reporting.selectors import lra as lra_selectors
from reporting.services import jobs as job_services
from reporting.services.realization import record_realization
from tests.budgeting.factories import BAPENDA, DINKES

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def realized(executed):
    """Realization of January to March 2024 on the small year (entered on 15 April)."""
    staff = executed.staff[DINKES]
    for label, month, amount in [
        ("L2", 1, "1000000"),
        ("L2", 3, "2345678.90"),
        ("L3", 2, "20833333.33"),
        ("L4", 3, "10000000"),
    ]:
        record_realization(actor=staff, line=executed.lines[label], month=month, amount=D(amount))
    return executed


def _rows(report):
    return {row.name if row.is_total else row.code: row for row in report.rows}


def test_lra_by_account_against_a_hand_computed_example(realized):
    quarter = lra_selectors.lra(realized.version, period=lra_selectors.PERIODS["triwulan-1"], depth="objek")
    rows = _rows(quarter)
    assert rows["JUMLAH BELANJA"].budget == D("1027345678.90")
    assert rows["JUMLAH BELANJA"].realized == D("24179012.23")
    assert rows["JUMLAH BELANJA"].percent == D("2.35")
    assert rows["JUMLAH PENDAPATAN"].budget == D("1020000000.00")
    assert rows["JUMLAH PENDAPATAN"].realized == D("10000000.00")
    assert rows["SURPLUS/(DEFISIT)"].budget == D("-7345678.90")
    assert rows["SURPLUS/(DEFISIT)"].realized == D("-14179012.23")
    assert rows["PEMBIAYAAN NETTO"].budget == D("7345678.90")
    assert rows["SISA LEBIH PEMBIAYAAN ANGGARAN (SILPA)"].budget == D("0.00")
    assert rows["5.1.02.01"].realized == D("3345678.90")  # L2 wholly realized, in two months
    assert rows["5.1.02.01"].budget == D("32345678.90")  # L2 and L10 (Bapenda)
    assert rows["5.1.02.01"].percent == D("10.34")
    february = _rows(lra_selectors.lra(realized.version, period=lra_selectors.PERIODS["bulan-2"]))
    assert february["JUMLAH BELANJA"].realized == D("21833333.33")  # up to the end of February
    assert february["JUMLAH BELANJA"].in_period == D("20833333.33")  # in February alone
    assert february["JUMLAH PENDAPATAN"].realized == 0


def test_lra_by_opd_and_program_counts_supporting_programs_under_the_opds_bidang(realized):
    by_opd = _rows(lra_selectors.lra(realized.version, period=lra_selectors.PERIODS["tahun"], dimension="opd"))
    assert by_opd[DINKES].budget == D("862345678.90") and by_opd[DINKES].realized == D("24179012.23")
    assert by_opd["JUMLAH BELANJA"].budget == D("1027345678.90")
    by_program = _rows(lra_selectors.lra(realized.version, period=lra_selectors.PERIODS["tahun"], dimension="program"))
    assert by_program["1.02.01"].realized == D("20833333.33")  # X.XX.01 of Dinas Kesehatan


def _pdf_text(job):
    job.file.open("rb")
    try:
        reader = PdfReader(io.BytesIO(job.file.read()))
    finally:
        job.file.close()
    return [page.extract_text() for page in reader.pages]


def _run(django_capture_on_commit_callbacks, **request):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_services.request_job(**request)
    job.refresh_from_db()
    return job


def test_the_lra_pdf_shows_the_totals_and_its_page_numbers(realized, django_capture_on_commit_callbacks):
    job = _run(
        django_capture_on_commit_callbacks,
        actor=realized.finance,
        kind="lra-pdf",
        params={"version": realized.version.pk, "periode": "triwulan-1"},
    )
    assert job.state == Job.State.DONE, job.error
    pages = _pdf_text(job)
    text = "\n".join(pages)
    assert "PEMERINTAH KABUPATEN BONDOWOSO" in text and "1.027.345.678,90" in text and "24.179.012,23" in text
    assert f"Halaman 1 dari {len(pages)}" in pages[0] and f"Halaman {len(pages)} dari {len(pages)}" in pages[-1]
    assert job.public and job.filename.endswith(".pdf")


def test_the_penjabaran_is_rendered_in_sections_and_merged(realized, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(apbd_documents, "SECTION_LINES", 2)
    job = _run(
        django_capture_on_commit_callbacks,
        actor=realized.finance,
        kind="penjabaran-pdf",
        params={"version": realized.version.pk},
    )
    assert job.state == Job.State.DONE, job.error
    assert job.sections > 2 and job.sections_done == job.sections
    pages = _pdf_text(job)
    text = "\n".join(pages)
    assert "JUMLAH BELANJA" in text and "1.027.345.678,90" in text  # the grand total, on the last section
    assert "12.345.678,90" in text and "(lanjutan)" in text
    assert all(f"Halaman {n} dari {len(pages)}" in page for n, page in enumerate(pages, start=1))
