"""What an RKA may hold and what a comparison may name: a sub-kegiatan is a level-5 node the OPD may budget,
and any two ids in a comparison answer in the error shape, never 500."""

import pytest
from django.urls import reverse

from budgeting.models import ApbdVersion, RkaSubKegiatan
from masterdata.models import AuditEvent
from planning.models import Renja
from tests.budgeting.factories import DINKES, adopt, small_apbd
from tests.planning.test_api import client_for, errors_of

API = "/api/v1"


@pytest.fixture
def adopted(reference_data):
    setup = small_apbd(reference_data)
    setup.version = adopt(setup.version, setup.finance, publish=True)
    return setup


@pytest.fixture
def small(reference_data):
    return small_apbd(reference_data, approve=False)


def _sub_kegiatan_body(code):
    return {
        "sub_kegiatan": code,
        "location": "Bondowoso",
        "output_indicator": "Dokumen",
        "output_target": "1",
        "output_unit": "dokumen",
    }


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("1", "bukan sub-kegiatan yang dapat dianggarkan"),  # an urusan
        ("1.02", "bukan sub-kegiatan yang dapat dianggarkan"),  # a bidang
        ("1.02.02", "bukan sub-kegiatan yang dapat dianggarkan"),  # a program
        ("4.01.01.2.01.0001", "bukan sub-kegiatan yang dapat dianggarkan"),  # another OPD's bidang
    ],
)
def test_an_rka_takes_only_sub_kegiatan_its_opd_may_budget(small, code, why):
    rka = small.rkas[DINKES]
    before = (RkaSubKegiatan.objects.count(), AuditEvent.objects.count())
    response = client_for(small.staff[DINKES]).post(
        f"{API}/rka/{rka.pk}/sub-kegiatan/", _sub_kegiatan_body(code), format="json"
    )
    if response.status_code == 404:  # a code that is not in the year's nomenclature at all
        assert errors_of(response, 404)[0]["field"] == "sub_kegiatan"
    else:
        errors = errors_of(response, 400)
        assert errors[0]["field"] == "sub_kegiatan" and why in errors[0]["message"]
    assert (RkaSubKegiatan.objects.count(), AuditEvent.objects.count()) == before
    excel = client_for(small.staff[DINKES]).get(f"{API}/rka/{rka.pk}/export/")
    assert excel.status_code == 200


def test_a_murni_rka_takes_a_sub_kegiatan_outside_the_final_renja_only_with_its_reason(small):
    from planning.selectors import allowed_sub_kegiatan

    rka = small.rkas[DINKES]
    final = Renja.objects.get(opd__code=DINKES, fiscal_year=small.fiscal_year, stage=Renja.Stage.FINAL)
    planned = set(final.lines.values_list("sub_kegiatan__code", flat=True))
    in_rka = set(RkaSubKegiatan.objects.filter(rka=rka).values_list("sub_kegiatan__code", flat=True))
    unplanned = (
        allowed_sub_kegiatan(rka.opd, small.fiscal_year).exclude(code__in=planned | in_rka).order_by("code").first()
    )
    api = client_for(small.staff[DINKES])
    url = f"{API}/rka/{rka.pk}/sub-kegiatan/"
    refused = api.post(url, _sub_kegiatan_body(unplanned.code), format="json")
    error = errors_of(refused, 400)[0]
    assert error["field"] == "outside_renja_reason" and "tidak ada dalam Renja final" in error["message"]
    reason = "Tambahan sesuai arahan TAPD setelah Renja final."
    created = api.post(url, {**_sub_kegiatan_body(unplanned.code), "outside_renja_reason": reason}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["outside_renja_reason"] == reason


@pytest.mark.parametrize("query", ["from={a}&to={a}", "from={a}&to=999999", "from=0&to={a}", "from=1%00&to={a}"])
def test_comparing_any_two_ids_answers_in_the_error_shape(adopted, query):
    version = adopted.version
    api = client_for(adopted.finance)
    for path in ("diff", "diff/lines"):
        response = api.get(f"{API}/apbd-versions/{path}/?" + query.format(a=version.pk))
        assert response.status_code < 500, response.content
        if response.status_code != 200:
            errors_of(response, response.status_code)


def test_an_empty_change_filter_is_refused(adopted):
    api = client_for(adopted.finance)
    versions = ApbdVersion.objects.all()
    response = api.get(f"{API}/apbd-versions/diff/lines/?from={versions[0].pk}&to={versions[0].pk}&change=")
    assert response.status_code == 400
    assert errors_of(response, 400)[0]["field"] == "change"


def test_the_comparison_page_asks_for_two_different_versions(adopted, client):
    client.force_login(adopted.finance)
    pk = adopted.version.pk
    page = client.get(reverse("budgeting:version-diff"), {"lama": pk, "baru": pk})
    assert page.status_code == 200 and "Pilih dua versi yang berbeda" in page.content.decode()
