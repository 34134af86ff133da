"""Jobs and documents: the LRA against a hand-computed example, PDFs whose text shows the right totals and page
numbers, the Penjabaran rendered in sections and merged, failure and retry, a dead worker's job recovered, and
who may ask for and download what."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from budgeting.models import RkaLine
from reporting.documents import kind_for
from reporting.models import Job
from reporting.selectors import lra as lra_selectors
from reporting.services import jobs as job_services
from reporting.services.realization import record_realization
from tests.budgeting.factories import BAPENDA, DINKES, budget_setup
from tests.budgeting.test_excel import csv_file
from tests.budgeting.test_excel import row as excel_row
from tests.planning.test_api import client_for, errors_of

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


def test_the_penjabaran_is_rendered_in_sections_and_merged(realized, django_capture_on_commit_callbacks, settings):
    settings.DOCUMENT_SECTION_LINES = 2
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
    assert all("Penjabaran APBD 2024" in page for page in pages)  # the running head of every page


def test_the_lra_page_asks_for_its_pdf_and_the_requester_downloads_it(
    realized, client, django_capture_on_commit_callbacks
):
    client.force_login(realized.finance)
    page = client.get("/laporan/lra/", {"versi": realized.version.pk, "periode": "triwulan-1"})
    assert page.status_code == 200
    assert "Rp 1.027.345.678,90" in page.content.decode() and 'value="lra-pdf"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(
            "/dokumen/minta/", {"kind": "lra-pdf", "version": realized.version.pk, "periode": "triwulan-1"}
        )
    job = Job.objects.get()
    assert asked.status_code == 302 and asked["Location"] == f"/dokumen/{job.pk}/"
    status = client.get(f"/dokumen/{job.pk}/", headers={"HX-Request": "true"})
    assert b"Unduh" in status.content and b"hx-trigger" not in status.content  # done: polling stops
    download = client.get(f"/dokumen/{job.pk}/unduh/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_opd_staff_ask_for_and_download_only_their_own_opds_documents(
    executed, client, django_capture_on_commit_callbacks
):
    executed.version.state = "adopted"  # not yet published: an OPD's document is its own
    executed.version.save(update_fields=["state"])
    client.force_login(executed.staff[DINKES])
    refused = client.post("/dokumen/minta/", {"kind": "dpa-pdf", "version": executed.version.pk, "opd": BAPENDA})
    assert refused.status_code == 404
    assert client.post("/dokumen/minta/", {"kind": "penjabaran-pdf", "version": executed.version.pk}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/dokumen/minta/", {"kind": "dpa-pdf", "version": executed.version.pk, "opd": DINKES})
    own = Job.objects.get()
    assert own.state == Job.State.DONE and own.opd.code == DINKES and not own.public
    assert "12.345.678,90" in "".join(_pdf_text(own))
    client.force_login(executed.staff[BAPENDA])
    assert client.get(f"/dokumen/{own.pk}/unduh/").status_code == 404
    client.logout()
    assert client.get(f"/dokumen/{own.pk}/unduh/")["Location"].startswith("/masuk/")  # sign in first
    client.force_login(executed.finance)
    assert client.get(f"/dokumen/{own.pk}/unduh/").status_code == 200


def test_a_published_versions_document_is_for_everyone(realized, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_services.request_job(
            actor=realized.finance, kind="lampiran-i-xlsx", params={"version": realized.version.pk}
        )
    assert client.get(f"/dokumen/{job.pk}/unduh/").status_code == 200  # no login


@pytest.mark.parametrize(
    "params",
    [
        {"version": "1e3"},
        {"version": "١٢"},
        {"version": 2**40},
        {"version": [1]},
        {"version": 1, "periode": "triwulan-9"},
        {"version": 1, "extra": "x"},
        {"version": 1, "opd": {"code": "x"}},
    ],
)
def test_bad_parameters_are_refused_and_nothing_is_queued(realized, params):
    params = {key: (realized.version.pk if value == 1 else value) for key, value in params.items()}
    with pytest.raises(ValidationError):
        job_services.request_job(actor=realized.finance, kind="lra-pdf", params=params)
    assert not Job.objects.exists()


def test_a_failed_job_says_why_and_a_retry_succeeds(realized, django_capture_on_commit_callbacks, monkeypatch):
    kind = kind_for("lra-xlsx")
    real = kind.write
    calls = []

    def broken_once(*args):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("disk penuh")
        return real(*args)

    monkeypatch.setattr(kind, "write", broken_once)
    job = _run(
        django_capture_on_commit_callbacks,
        actor=realized.finance,
        kind="lra-xlsx",
        params={"version": realized.version.pk},
    )
    assert job.state == Job.State.FAILED and "disk penuh" in job.error
    with pytest.raises(PermissionDenied):
        job_services.retry_job(actor=realized.staff[DINKES], job=job)
    with django_capture_on_commit_callbacks(execute=True):
        job_services.retry_job(actor=realized.finance, job=job)
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.file and not job.error


def test_a_job_left_running_by_a_dead_worker_is_recovered(realized, django_capture_on_commit_callbacks, settings):
    job = Job.objects.create(
        kind="lra-xlsx",
        params={"version": realized.version.pk, "periode": "tahun", "dimensi": "akun", "rincian": "jenis", "opd": ""},
        title="LRA",
        filename="lra.xlsx",
        requested_by=realized.finance,
    )
    assert job_services.claim(job.pk) is not None  # a worker took it, then died
    assert job_services.claim(job.pk) is None  # while its heartbeat is fresh, nobody else takes it
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        assert job_services.recover_stale_jobs() == (1, 0)
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.attempts == 2
    stuck = Job.objects.create(
        kind="lra-xlsx",
        params=job.params,
        title="LRA",
        filename="x.xlsx",
        requested_by=realized.finance,
        state=Job.State.RUNNING,
        attempts=settings.JOB_MAX_ATTEMPTS,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=10),
    )
    assert job_services.recover_stale_jobs() == (0, 1)
    stuck.refresh_from_db()
    assert stuck.state == Job.State.FAILED and "berhenti" in stuck.error


def test_the_api_queues_a_document_and_serves_its_file(realized, django_capture_on_commit_callbacks):
    api = client_for(realized.finance)
    with django_capture_on_commit_callbacks(execute=True):
        asked = api.post(
            "/api/v1/jobs/", {"kind": "lra-xlsx", "params": {"version": realized.version.pk}}, format="json"
        )
    assert asked.status_code == 202, asked.content
    job = api.get(f"/api/v1/jobs/{asked.json()['id']}/").json()
    assert job["state"] == "done" and job["download"].endswith("/file/")
    assert api.get(job["download"]).status_code == 200
    refused = api.post("/api/v1/jobs/", {"kind": "lra-xlsx", "params": {"version": "x"}}, format="json")
    assert errors_of(refused, 400)[0]["field"].endswith("version")
    assert api.get("/api/v1/jobs/999999/").status_code == 404
    lra = api.get("/api/v1/reports/lra/", {"version": realized.version.pk, "periode": "triwulan-1"})
    belanja = next(row for row in lra.json()["rows"] if row["name"] == "JUMLAH BELANJA")
    assert belanja["budget"] == "1027345678.90" and belanja["realized"] == "24179012.23"
    other = client_for(realized.staff[BAPENDA]).get(f"/api/v1/jobs/{asked.json()['id']}/")
    assert other.status_code == 200  # a published version's document is everyone's


def test_ten_thousand_rows_are_imported_and_exported_as_jobs(reference_data, django_capture_on_commit_callbacks):
    """Above the in-request limit of 5,000 rows: the import and the Penjabaran workbook run as jobs."""
    setup = budget_setup(reference_data, ceiling=D("100000000000"))
    rows = [excel_row(keterangan=f"Alat tulis {index}") for index in range(10_000)]
    with django_capture_on_commit_callbacks(execute=True):
        imported = job_services.request_job(
            actor=setup.staff, kind="rka-import", params={"rka": setup.rka.pk}, upload=csv_file(rows)
        )
    imported.refresh_from_db()
    assert imported.state == Job.State.DONE, imported.error[:500]
    assert imported.result["imported"] == 10_000 == RkaLine.objects.filter(rka=setup.rka).count()
    with django_capture_on_commit_callbacks(execute=True):
        exported = job_services.request_job(
            actor=setup.finance, kind="penjabaran-xlsx", params={"version": setup.rka.version_id}
        )
    exported.refresh_from_db()
    assert exported.state == Job.State.DONE, exported.error
    with exported.file.open("rb") as produced:
        sheet = load_workbook(produced, read_only=True).active
        data = [r for r in sheet.iter_rows(values_only=True) if len(r) > 3 and str(r[3] or "").startswith("5.")]
    assert len(data) == 10_000


def test_an_import_with_bad_rows_fails_listing_every_one(reference_data, django_capture_on_commit_callbacks):
    setup = budget_setup(reference_data)
    rows = [excel_row(), excel_row(kode_rekening="9.9.99"), excel_row(volume_1="١٠")]
    with django_capture_on_commit_callbacks(execute=True):
        job = job_services.request_job(
            actor=setup.staff, kind="rka-import", params={"rka": setup.rka.pk}, upload=csv_file(rows)
        )
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "baris 3" in job.error and "baris 4" in job.error and "Tidak ada baris yang diimpor" in job.error
    assert not RkaLine.objects.filter(rka=setup.rka).exists()


LRA_URL = "/laporan/lra/?versi={}&periode=tahun&rincian=rincian"


def test_the_lra_reads_an_adopted_versions_budget_once(realized, client, django_capture_on_commit_callbacks):
    client.force_login(realized.finance)
    url = LRA_URL.format(realized.version.pk)
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        record_realization(actor=realized.staff[DINKES], line=realized.lines["L2"], month=4, amount=D("1"))
    with CaptureQueriesContext(connection) as after_entry:
        page = client.get(url)
    assert len(after_entry) == len(first) - 5  # the budget of each of the five account levels is kept
    assert "Rp 24.179.013,23" in page.content.decode()


def test_the_lra_page_is_kept_until_the_years_realization_changes(realized, client, django_capture_on_commit_callbacks):
    client.force_login(realized.finance)
    url = LRA_URL.format(realized.version.pk)
    assert "Rp 24.179.012,23" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as again:
        assert "Rp 24.179.012,23" in client.get(url).content.decode()
    assert len(again) <= 3  # the session, the user, the versions the reader may see: the rest is kept
    with django_capture_on_commit_callbacks(execute=True):
        record_realization(actor=realized.staff[DINKES], line=realized.lines["L2"], month=4, amount=D("1000"))
    page = client.get(url).content.decode()
    assert "Rp 24.180.012,23" in page and "Rp 24.179.012,23" not in page


def test_a_reader_outside_the_government_sees_the_lra_of_published_versions_only(realized, client):
    from budgeting.models import ApbdVersion
    from tests.factories import UserFactory

    client.force_login(UserFactory(role="dprd"))
    url = LRA_URL.format(realized.version.pk)
    page = client.get(url).content.decode()
    assert "Rp 24.179.012,23" in page
    assert 'href="/laporan/lra/" aria-current="page">Laporan</a>' in page  # the menu leads the DPRD there
    ApbdVersion.objects.filter(pk=realized.version.pk).update(state=ApbdVersion.State.ADOPTED)
    page = client.get(url)
    assert page.status_code == 200
    assert "Belum ada APBD yang realisasinya dapat Anda baca" in page.content.decode()
    assert "Rp 24.179.012,23" not in page.content.decode()
