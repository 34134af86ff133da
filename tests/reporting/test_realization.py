"""Realization: the rules of each entry (month begun and open, within the line's pagu, the OPD's latest
issued DPA), the month close and reopen, and SP2D pushes counted once per Idempotency-Key."""

from decimal import Decimal

import pytest

from masterdata.models import AuditEvent
from reporting.models import Realization
from tests.budgeting.factories import BAPENDA, DINKES, SUB_A
from tests.planning.test_api import client_for, errors_of

pytestmark = pytest.mark.django_db
API = "/api/v1/realization"
D = Decimal


def _entry(small, label="L2", month=3, amount="1000000"):
    return {"line": small.lines[label].pk, "month": month, "amount": amount}


def test_an_entry_is_recorded_and_audited(executed):
    api = client_for(executed.staff[DINKES])
    created = api.post(f"{API}/", _entry(executed), format="json")
    assert created.status_code == 201, created.content
    assert created.json()["amount"] == "1000000.00"
    assert AuditEvent.objects.filter(action="realization.record").count() == 1
    listed = client_for(executed.staff[BAPENDA]).get(f"{API}/").json()
    assert listed["count"] == 0  # another OPD reads none of it


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"month": 5}, "month", "belum berjalan"),
        ({"amount": "12345678.91"}, "amount", "melebihi pagunya"),  # L2's pagu is Rp 12.345.678,90
        ({"amount": "0"}, "amount", "lebih dari nol"),
    ],
)
def test_refused_entries_write_nothing(executed, body, field, words):
    api = client_for(executed.staff[DINKES])
    refused = api.post(f"{API}/", {**_entry(executed), **body}, format="json")
    errors = errors_of(refused, 400)
    assert errors[0]["field"] == field and words in errors[0]["message"]
    assert not Realization.objects.exists()


def test_another_opds_line_is_as_missing(executed):
    refused = client_for(executed.staff[BAPENDA]).post(f"{API}/", _entry(executed), format="json")
    assert errors_of(refused, 404)[0]["field"] == "line"


def test_a_closed_month_is_read_only_until_reopened_with_a_reason(executed):
    staff, finance = client_for(executed.staff[DINKES]), client_for(executed.finance)
    close = {"year": 2024, "opd": DINKES, "month": 3, "action": "close"}
    assert finance.post(f"{API}/months/", close, format="json").json()["state"] == "closed"
    refused = staff.post(f"{API}/", _entry(executed), format="json")
    assert "sudah ditutup" in errors_of(refused, 400)[0]["message"]
    assert errors_of(staff.post(f"{API}/months/", close, format="json"), 403)
    reopen = {**close, "action": "reopen"}
    assert errors_of(finance.post(f"{API}/months/", reopen, format="json"), 400)[0]["field"] == "note"
    reopened = finance.post(f"{API}/months/", {**reopen, "note": "Koreksi SP2D"}, format="json")
    assert reopened.json()["state"] == "open"
    assert AuditEvent.objects.filter(action="realization_month.reopen").get().after["note"] == "Koreksi SP2D"
    assert staff.post(f"{API}/", _entry(executed), format="json").status_code == 201


def test_an_sp2d_push_counts_once_per_key(executed):
    finance = client_for(executed.finance)
    body = {
        "records": [
            {
                "number": "0001/SP2D/2024",
                "date": "2024-03-12",
                "opd": DINKES,
                "sub_kegiatan": SUB_A,
                "account": executed.lines["L2"].account.code,
                "amount": "2500000",
            }
        ]
    }
    first = finance.post(f"{API}/sp2d/", body, format="json", HTTP_IDEMPOTENCY_KEY="push-1")
    assert first.status_code == 201, first.content
    again = finance.post(f"{API}/sp2d/", body, format="json", HTTP_IDEMPOTENCY_KEY="push-1")
    assert again.status_code == 200 and again.json() == first.json()
    assert Realization.objects.get().amount == D("2500000")
    other = {"records": [{**body["records"][0], "amount": "1"}]}
    assert errors_of(finance.post(f"{API}/sp2d/", other, format="json", HTTP_IDEMPOTENCY_KEY="push-1"), 409)
    assert errors_of(finance.post(f"{API}/sp2d/", body, format="json"), 400)[0]["field"] == "Idempotency-Key"
    assert Realization.objects.count() == 1


def test_staff_record_from_the_page_and_bad_input_writes_nothing(executed, client):
    client.force_login(executed.staff[DINKES])
    page = client.get("/realisasi/", {"tahun": 2024})
    assert page.status_code == 200 and "Catat" in page.content.decode()
    line = executed.lines["L2"]
    for amount in ("١٠٠٠", "99999999999999999999", "", "-5", "1e6"):
        refused = client.post("/realisasi/catat/", {"line": line.pk, "month": 3, "amount": amount, "tahun": 2024})
        assert refused.status_code == 422
    assert (
        client.post("/realisasi/catat/", {"line": executed.lines["L10"].pk, "month": 3, "amount": "1"}).status_code
        == 404
    )
    assert not Realization.objects.exists()
    done = client.post("/realisasi/catat/", {"line": line.pk, "month": 3, "amount": "1.000.000", "tahun": 2024})
    assert done.status_code == 302 and Realization.objects.get().amount == Decimal("1000000.00")
    listed = client.get("/realisasi/", {"tahun": 2024, "q": "5.1.02.01.01.0024"}).content.decode()
    assert "Rp 1.000.000" in listed and "Rp 11.345.678,90" in listed  # realized, and what is left of its pagu
    client.force_login(executed.finance)
    assert client.get("/realisasi/", {"tahun": 2024, "opd": DINKES}).status_code == 200


def test_the_page_keeps_its_queries_whatever_the_number_of_lines(executed, client, django_assert_max_num_queries):
    client.force_login(executed.finance)
    with django_assert_max_num_queries(20):
        assert client.get("/realisasi/", {"tahun": 2024, "opd": DINKES}).status_code == 200


def test_a_realization_file_is_imported_as_a_job_all_or_nothing(executed, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reporting.models import Job
    from reporting.services import jobs as job_services

    def upload(rows):
        lines = ["kode_opd,kode_sub_kegiatan,kode_rekening,bulan,jumlah", *rows]
        return SimpleUploadedFile("realisasi.csv", "\n".join(lines).encode(), content_type="text/csv")

    staff = executed.staff[DINKES]
    good = f"{DINKES},{SUB_A},5.1.02.01.01.0024,2,500000"
    with django_capture_on_commit_callbacks(execute=True):
        bad = job_services.request_job(
            actor=staff,
            kind="realization-import",
            params={"year": 2024},
            upload=upload([good, f"{DINKES},{SUB_A},5.1.02.01.01.0024,7,1", f"{BAPENDA},,4.1.01.11.01.0001,2,5"]),
        )
    bad.refresh_from_db()
    assert bad.state == Job.State.FAILED and "baris 3" in bad.error and "baris 4" in bad.error
    assert not Realization.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        ok = job_services.request_job(
            actor=staff, kind="realization-import", params={"year": 2024}, upload=upload([good, good])
        )
    ok.refresh_from_db()
    assert ok.state == Job.State.DONE and ok.result["imported"] == 2
    assert Realization.objects.filter(source=Realization.Source.IMPORT).count() == 2


def test_progress_is_cumulative_within_open_months_and_shows_in_the_performance(executed):
    from reporting.selectors.realization import current_dpa, performance

    staff, finance = client_for(executed.staff[DINKES]), client_for(executed.finance)
    body = {"year": 2024, "opd": DINKES, "sub_kegiatan": SUB_A, "month": 2, "physical_percent": "40.00"}
    assert staff.post(f"{API}/progress/", {**body, "output_achieved": "1"}, format="json").status_code == 200
    refused = staff.post(f"{API}/progress/", {**body, "month": 3, "physical_percent": "30"}, format="json")
    assert "tidak turun" in errors_of(refused, 400)[0]["message"]
    for bad in ({"physical_percent": "100.01"}, {"physical_percent": "٤٠"}, {"month": 5}, {"sub_kegiatan": "9.99"}):
        assert staff.post(f"{API}/progress/", {**body, **bad}, format="json").status_code == 400
    other = client_for(executed.staff[BAPENDA]).post(f"{API}/progress/", body, format="json")
    assert other.status_code == 403
    finance.post(f"{API}/months/", {"year": 2024, "opd": DINKES, "month": 3, "action": "close"}, format="json")
    closed = staff.post(f"{API}/progress/", {**body, "month": 3, "physical_percent": "55"}, format="json")
    assert "sudah ditutup" in errors_of(closed, 400)[0]["message"]
    assert staff.post(f"{API}/", _entry(executed, month=2, amount="12345678.90"), format="json").status_code == 201
    row = next(
        p
        for p in performance(current_dpa(executed.lines["L2"].rka.opd_id, executed.fiscal_year))
        if p.sub.sub_kegiatan.code == SUB_A
    )
    assert row.latest_physical == Decimal("40.00") and row.achieved == {1: Decimal("1.00")}
    assert row.realized == Decimal("12345678.90") and row.financial_percent == Decimal("2.02")  # of 612.345.678,90


def test_staff_record_progress_from_the_page(executed, client):
    client.force_login(executed.staff[DINKES])
    body = {"tahun": 2024, "sub_kegiatan": SUB_A, "month": 3, "physical_percent": "62,5", "output_achieved": "1"}
    assert client.post("/realisasi/kemajuan/", body).status_code == 302
    page = client.get("/realisasi/", {"tahun": 2024}).content.decode()
    assert "Kinerja sub-kegiatan" in page and "62,50 %" in page and "1,00 / -" in page
    refused = client.post("/realisasi/kemajuan/", {**body, "physical_percent": "150"})
    assert refused.status_code == 422 and "0 sampai 100" in refused.content.decode()
