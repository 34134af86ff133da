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
