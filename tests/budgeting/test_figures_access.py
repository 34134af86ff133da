"""Who sees which APBD figures (ARCHITECTURE.md, "Who may do what"): finance, Bappeda and the auditor the whole
version; OPD staff their own OPD only until it is published; DPRD once submitted. Through the API and the pages."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from budgeting.services import apbd as apbd_services
from masterdata.models import Opd, User
from tests.budgeting.factories import BAPENDA, DINKES, PPKD, approve_all
from tests.budgeting.test_api import shifted  # noqa: F401 (a fixture)
from tests.factories import UserFactory
from tests.planning.test_api import client_for

pytestmark = pytest.mark.django_db
API = "/api/v1"
WHOLE_ROLES = [User.Role.FINANCE, User.Role.BAPPEDA, User.Role.AUDITOR]


def page_for(user, url):
    """The page as the user reads it (answered 200)."""
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.content.decode()


def _opd_codes(rows):
    return {row["code"] for row in rows}


def test_opd_staff_see_only_their_own_opd_in_the_ringkasan_of_a_draft(shifted):  # noqa: F811
    shift = shifted.shift
    body = client_for(shifted.staff[DINKES]).get(f"{API}/apbd-versions/{shift.pk}/ringkasan/").json()
    assert body["opd_only"] is True and body["stored"] is False
    assert _opd_codes(body["opd"]) == {DINKES}
    # Dinkes: pendapatan 80.000.000, belanja 600.000.000 + 12.345.678,90 + 250.000.000, shifted inside itself.
    assert body["balance"]["pendapatan"] == "80000000.00"
    assert body["balance"]["belanja"] == "862345678.90"
    accounts = {(row["code"], row["level"]): row["amount"] for row in body["accounts"]}
    assert ("6", "akun") not in accounts and ("5.3", "kelompok") not in accounts  # PPKD's only
    assert {row["code"] for row in body["program"]} == {"1.02.01", "1.02.02"}


@pytest.mark.parametrize("role", WHOLE_ROLES)
def test_finance_bappeda_and_the_auditor_see_the_whole_draft(shifted, role):  # noqa: F811
    body = client_for(UserFactory(role=role)).get(f"{API}/apbd-versions/{shifted.shift.pk}/ringkasan/").json()
    assert body["opd_only"] is False
    assert _opd_codes(body["opd"]) == {DINKES, PPKD, BAPENDA}
    assert body["balance"]["belanja"] == "1027345678.90"


def test_a_published_version_is_whole_for_opd_staff_and_dprd(shifted):  # noqa: F811
    for user in (shifted.staff[DINKES], UserFactory(role=User.Role.DPRD)):
        body = client_for(user).get(f"{API}/apbd-versions/{shifted.version.pk}/ringkasan/").json()
        assert body["opd_only"] is False and body["stored"] is True
        assert _opd_codes(body["opd"]) == {DINKES, PPKD, BAPENDA}


def test_dprd_sees_a_pergeseran_only_once_it_leaves_draft(shifted):  # noqa: F811
    dprd = client_for(UserFactory(role=User.Role.DPRD))
    url = f"{API}/apbd-versions/{shifted.shift.pk}/ringkasan/"
    assert dprd.get(url).status_code == 404
    approve_all(shifted.shift, shifted.staff, shifted.finance, opd_codes=[DINKES, BAPENDA])
    apbd_services.transition_apbd(actor=shifted.finance, version=shifted.shift, action="approve")
    body = dprd.get(url).json()
    assert body["opd_only"] is False and _opd_codes(body["opd"]) == {DINKES, PPKD, BAPENDA}


def test_the_diff_rollups_of_a_draft_hold_only_the_staffs_own_opd(shifted):  # noqa: F811
    base, shift = shifted.version, shifted.shift
    url = f"{API}/apbd-versions/diff/?from={base.pk}&to={shift.pk}"
    bapenda = client_for(shifted.staff[BAPENDA]).get(url).json()
    assert _opd_codes(bapenda["rollups"]["opd"]) == {BAPENDA}
    assert bapenda["counts"] == {"added": 1, "removed": 1, "changed": 0}
    accounts = {(row["code"], row["level"]): row["delta"] for row in bapenda["rollups"]["account"]}
    # Bapenda's own shift only: Dinkes' Rp 10.000.000 from 5.2 to 5.1 is not there.
    assert accounts[("5.1.02.01", "objek")] == "-20000000.00"
    assert ("5.2", "kelompok") not in accounts
    finance = client_for(shifted.finance).get(url).json()
    assert _opd_codes(finance["rollups"]["opd"]) == {DINKES, PPKD, BAPENDA}


def test_the_diff_page_by_opd_shows_staff_only_their_own_opd(shifted):  # noqa: F811
    """Only Dinkes' kelompok totals change (5.2 to 5.1); Bapenda's shift stays inside kelompok 5.1."""
    base, shift = shifted.version, shifted.shift
    url = f"{reverse('budgeting:version-diff')}?lama={base.pk}&baru={shift.pk}&dimensi=opd"
    dinkes = Opd.objects.get(code=DINKES)
    seen = page_for(shifted.staff[BAPENDA], url)
    assert dinkes.code not in seen and "Tidak ada ringkasan yang berubah" in seen
    assert dinkes.code in page_for(shifted.staff[DINKES], url)
    assert dinkes.code in page_for(shifted.finance, url)


def test_the_apbd_page_of_a_draft_shows_staff_their_own_opd_and_no_balance(shifted):  # noqa: F811
    shift = shifted.shift
    url = f"{reverse('budgeting:apbd-detail', args=[shift.pk])}?tampilan=opd"
    ppkd = Opd.objects.get(code=PPKD)
    seen = page_for(shifted.staff[DINKES], url)
    assert "OPD Anda saja" in seen
    assert ppkd.code not in seen and "Rp 1.027.345.678,90" not in seen
    assert "Rp 862.345.678,90" in seen
    whole = page_for(shifted.finance, url)
    assert ppkd.code in whole and "Rp 1.027.345.678,90" in whole
    published = page_for(shifted.staff[DINKES], reverse("budgeting:apbd-detail", args=[shifted.version.pk]))
    assert "OPD Anda saja" not in published and "Rp 1.027.345.678,90" in published


def test_the_version_list_counts_only_the_rkas_staff_may_read(shifted):  # noqa: F811
    """Approved of all RKAs per version: murni 3 of 3; the pergeseran's are still drafts."""
    url = f"{reverse('budgeting:apbd-list')}?tahun=2024"
    cells = re.compile(r'<td class="num">(\d+) / (\d+)</td>')
    assert cells.findall(page_for(shifted.finance, url)) == [("3", "3"), ("0", "3")]
    assert cells.findall(page_for(shifted.staff[PPKD], url)) == [("1", "1"), ("0", "1")]
