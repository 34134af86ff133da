"""Numbers as users and attackers send them: far too large, in other scripts, padded, zero. Each is refused
with a 400 (422 on a page) that names the field, and nothing is written."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budgeting.models import Rka, RkaLine
from masterdata.models import AuditEvent
from tests.budgeting.factories import DINKES, small_apbd
from tests.planning.test_api import client_for, errors_of

API = "/api/v1"


@pytest.fixture
def small(reference_data):
    return small_apbd(reference_data, approve=False)


def _unchanged(line):
    """What must hold after a refused write: the line as it was, and no audit event since."""
    events = AuditEvent.objects.count()

    def check():
        saved = RkaLine.objects.get(pk=line.pk)
        assert (saved.amount, saved.version, saved.volume_1, saved.unit_price) == (
            line.amount,
            line.version,
            line.volume_1,
            line.unit_price,
        )
        assert AuditEvent.objects.count() == events

    return check


def _fields(response):
    return {error["field"] for error in errors_of(response, 400)}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        # The report: 10,000,000,000 × Rp 1,000,000,000,000 on a pendapatan line (no ceiling to stop it).
        ({"volume_1": "10000000000", "unit_price": "1000000000000"}, "volume_1"),
        ({"volume_1": "9999", "unit_price": "999999999999999"}, "unit_price"),
        ({"unit_price": "1000000000000000"}, "unit_price"),
        ({"unit_price": "99999999999999999999"}, "unit_price"),
        ({"volume_1": "١٢٣"}, "volume_1"),
        ({"volume_1": "１２３"}, "volume_1"),
        ({"volume_1": " 5 "}, "volume_1"),
        ({"unit_price": "1e6"}, "unit_price"),
        ({"unit_price": 80000000}, "unit_price"),
        ({"unit_price": "0"}, "unit_price"),
        ({"volume_1": "0"}, "volume_1"),
        ({"volume_1": "1.00001"}, "volume_1"),
    ],
)
def test_a_bad_number_on_a_pendapatan_line_is_a_400_naming_it_and_nothing_changes(small, body, field):
    line = small.lines["L4"]  # Dinkes's retribusi: pendapatan, under no ceiling
    unchanged = _unchanged(line)
    api = client_for(small.staff[DINKES])
    response = api.patch(f"{API}/rka-lines/{line.pk}/", {"version": line.version, **body}, format="json")
    assert field in _fields(response)
    unchanged()
    # The line, its RKA and the ringkasan still answer.
    assert api.get(f"{API}/rka-lines/{line.pk}/").status_code == 200
    assert api.get(f"{API}/rka/{line.rka_id}/lines/").status_code == 200
    assert client_for(small.finance).get(f"{API}/apbd-versions/{small.version.pk}/ringkasan/").status_code == 200


def test_an_rka_total_stays_within_what_an_amount_may_be(small):
    api = client_for(small.staff[DINKES])
    line = small.lines["L4"]
    first = api.patch(
        f"{API}/rka-lines/{line.pk}/",
        {"version": line.version, "volume_1": "600", "unit_price": "1000000000000"},
        format="json",
    )
    assert first.status_code == 200, first.content
    events, lines = AuditEvent.objects.count(), RkaLine.objects.filter(rka_id=line.rka_id).count()
    second = api.post(
        f"{API}/rka/{line.rka_id}/lines/",
        {
            "account": line.account.code,
            "description": "Retribusi lain",
            "volume_1": "500",
            "unit_1": "paket",
            "unit_price": "1000000000000",
            "funding_source": line.funding_source.code,
        },
        format="json",
    )
    assert _fields(second) == {"amount"}
    assert RkaLine.objects.filter(rka_id=line.rka_id).count() == lines and AuditEvent.objects.count() == events


def test_the_page_refuses_digits_of_other_scripts_and_takes_indonesian_grouping(small, client):
    rka = Rka.objects.get(version=small.version, opd__code=DINKES)
    line = small.lines["L4"]
    client.force_login(small.staff[DINKES])
    url = reverse("budgeting:line-edit", args=[rka.pk, line.pk])
    fields = {
        "account": line.account_id,
        "description": line.description,
        "volume_1": "1",
        "unit_1": line.unit_1,
        "unit_price": "١٢٣",
        "funding_source": line.funding_source_id,
        "version": line.version,
    }
    unchanged = _unchanged(line)
    refused = client.post(url, {f"line{line.pk}-{key}": value for key, value in fields.items()}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422 and "Tulis angka" in refused.content.decode()
    unchanged()
    fields["unit_price"] = "25.000.000"
    saved = client.post(url, {f"line{line.pk}-{key}": value for key, value in fields.items()}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200
    assert RkaLine.objects.get(pk=line.pk).amount == Decimal("25000000.00")


def test_the_amount_preview_explains_a_product_too_large(small, client):
    rka = Rka.objects.get(version=small.version, opd__code=DINKES)
    client.force_login(small.staff[DINKES])
    preview = client.get(
        reverse("budgeting:amount-preview", args=[rka.pk, "pendapatan"]),
        {
            "prefix": "add",
            "add-volume_1": "999.999.999",
            "add-volume_2": "999.999.999",
            "add-unit_price": "999.999.999.999",
        },
        HTTP_HX_REQUEST="true",
    )
    assert preview.status_code == 200 and "melebihi" in preview.content.decode()


@pytest.mark.parametrize("amount", ["1000000000000000", "99999999999999999999.99", "１２３"])
def test_kua_lines_ceilings_and_cash_plans_refuse_amounts_too_large(reference_data, amount):
    from tests.budgeting.factories import final_rkpd, finance_user

    final_rkpd(reference_data)
    finance = finance_user()
    api = client_for(finance)
    kua = api.post(f"{API}/kua-ppas/", {"year": reference_data.year}, format="json")
    assert kua.status_code == 201, kua.content
    kua_id = kua.json()["id"]
    refused = api.post(f"{API}/kua-ppas/{kua_id}/account-lines/", {"account": "4.1", "amount": amount}, format="json")
    assert "amount" in _fields(refused)
    ceiling = api.post(f"{API}/ceilings/", {"kua_ppas": kua_id, "opd": DINKES, "amount": amount}, format="json")
    assert "amount" in _fields(ceiling)
