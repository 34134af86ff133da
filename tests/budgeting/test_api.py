"""The budgeting API through HTTP: scoping (404), permissions (403), ceilings (400 with what remains),
optimistic locking and lifecycles (409), the ringkasan and the diff against hand-computed numbers, and
query counts of every list."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from budgeting.models import ApbdVersion, CashPlan, Ceiling, Dpa, KuaPpas, Rka, RkaComment, RkaLine, RkaSubKegiatan
from budgeting.services import dpa as dpa_services
from budgeting.services import kua as kua_services
from budgeting.services import rka as rka_services
from masterdata.models import Account, AuditEvent, FiscalYear, Opd, User
from masterdata.services import issue_api_token
from tests.budgeting.factories import (
    ADOPTION_DETAILS,
    ATK_ACCOUNT,
    BAPENDA,
    DAU,
    DINKES,
    PPKD,
    SUB_A,
    SUB_D,
    adopt,
    budget_setup,
    documents_for_year,
    final_rkpd,
    node,
    small_apbd,
)
from tests.factories import UserFactory
from tests.planning.test_api import client_for, errors_of
from tests.test_api_schema import _requests_share_the_test_transaction, schema  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
API = "/api/v1"
D = Decimal


def money(value):
    """An amount as the API writes it: a string with two decimals."""
    return f"{D(value):.2f}"


def line_payload(**overrides):
    return {
        "sub_kegiatan": "1.02.02.2.01.0001",
        "account": ATK_ACCOUNT,
        "description": "Alat tulis kantor",
        "volume_1": "10",
        "unit_1": "paket",
        "unit_price": "10000",
        "funding_source": DAU,
        **overrides,
    }


@pytest.fixture
def setup(reference_data):
    """Dinas Kesehatan's draft RKA with one sub-kegiatan under an OPD ceiling of Rp 1.000.000."""
    return budget_setup(reference_data, ceiling=D("1000000"))


@pytest.fixture
def small(reference_data):
    """The small year (three OPDs, eleven lines) with its murni RAPBD still draft and RKAs approved."""
    return small_apbd(reference_data)


def role(role_, **kwargs):
    return UserFactory(role=role_, **kwargs)


# --- Scoping -----------------------------------------------------------------------------------


def test_opd_staff_reach_only_their_own_rka(reference_data):
    small = small_apbd(reference_data, approve=False)
    dinkes, ppkd = small.rkas[DINKES], small.rkas[PPKD]
    foreign_line = small.lines["L5"]
    api = client_for(small.staff[DINKES])
    events = AuditEvent.objects.count()
    for response in (
        api.get(f"{API}/rka/{ppkd.pk}/"),
        api.get(f"{API}/rka/{ppkd.pk}/lines/"),
        api.get(f"{API}/rka/{ppkd.pk}/sub-kegiatan/"),
        api.get(f"{API}/rka/{ppkd.pk}/comments/"),
        api.get(f"{API}/rka/{ppkd.pk}/export/"),
        api.post(f"{API}/rka/{ppkd.pk}/transitions/", {"action": "submit"}, format="json"),
        api.post(f"{API}/rka/{ppkd.pk}/lines/", line_payload(), format="json"),
        api.post(f"{API}/rka/{ppkd.pk}/comments/", {"text": "Halo"}, format="json"),
        api.get(f"{API}/rka-lines/{foreign_line.pk}/"),
        api.patch(f"{API}/rka-lines/{foreign_line.pk}/", {"version": 1, "unit_price": "1"}, format="json"),
        api.delete(f"{API}/rka-lines/{foreign_line.pk}/?version=1"),
    ):
        assert errors_of(response, 404)[0]["code"] == "not_found"
    foreign, missing = api.get(f"{API}/rka/{ppkd.pk}/"), api.get(f"{API}/rka/{ppkd.pk + 1000}/")
    assert foreign.json() == missing.json()
    listed = api.get(f"{API}/rka/").json()
    assert [row["id"] for row in listed["results"]] == [dinkes.pk]
    assert api.get(f"{API}/kua-ppas/").json()["count"] == 0  # ceilings yes, the KUA-PPAS itself no
    assert api.get(f"{API}/kua-ppas/{small.kua.pk}/").status_code == 404
    assert AuditEvent.objects.count() == events
    assert RkaLine.objects.get(pk=foreign_line.pk).version == 1


def test_dprd_reads_rka_only_once_the_rapbd_is_submitted(small):
    dprd = client_for(role(User.Role.DPRD))
    rka = small.rkas[DINKES]
    assert dprd.get(f"{API}/rka/").json()["count"] == 0
    assert dprd.get(f"{API}/apbd-versions/").json()["count"] == 0
    assert dprd.get(f"{API}/rka/{rka.pk}/").status_code == 404
    assert dprd.get(f"{API}/kua-ppas/{small.kua.pk}/").status_code == 200  # submitted to DPRD long ago

    submitted = client_for(small.finance).post(
        f"{API}/apbd-versions/{small.version.pk}/transitions/", {"action": "submit"}, format="json"
    )
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == "submitted"
    assert dprd.get(f"{API}/rka/").json()["count"] == 3
    assert dprd.get(f"{API}/rka/{rka.pk}/lines/").json()["count"] == 4
    assert dprd.get(f"{API}/apbd-versions/{small.version.pk}/ringkasan/").status_code == 200
    # Reading is not changing: a comment is refused on a visible RKA.
    refused = dprd.post(f"{API}/rka/{rka.pk}/comments/", {"text": "Mohon penjelasan"}, format="json")
    assert errors_of(refused, 403)[0]["code"] == "permission_denied"


def test_anonymous_callers_get_nothing(small):
    anonymous = APIClient()
    for url in (
        "kua-ppas/",
        "ceilings/",
        "apbd-versions/",
        f"apbd-versions/{small.version.pk}/ringkasan/",
        "rka/",
        f"rka/{small.rkas[DINKES].pk}/",
        f"rka-lines/{small.lines['L1'].pk}/",
        "dpa/",
    ):
        assert errors_of(anonymous.get(f"{API}/{url}"), 401)[0]["code"] == "not_authenticated"


def test_opd_staff_read_their_own_ceilings_once_agreed(reference_data):
    final_rkpd(reference_data)
    finance = role(User.Role.FINANCE)
    dinkes = Opd.objects.get(code=DINKES)
    staff = client_for(role(User.Role.OPD_STAFF, opd=dinkes))
    created = client_for(finance).post(f"{API}/kua-ppas/", {"year": 2024}, format="json")
    assert created.status_code == 201, created.content
    kua = KuaPpas.objects.get(pk=created.json()["id"])
    assert staff.get(f"{API}/ceilings/").json()["count"] == 0  # draft: not yet

    kua_services.transition_kua(actor=finance, kua=kua, action="submit")
    kua_services.transition_kua(
        actor=finance, kua=kua, action="agree", agreement_number="050/1/2023", agreement_date=datetime.date(2023, 8, 1)
    )
    rows = staff.get(f"{API}/ceilings/").json()["results"]
    assert [(row["opd"]["code"], row["level"], row["amount"]) for row in rows] == [(DINKES, "opd", money("1000000000"))]
    # Visible, so refused with 403; the KUA-PPAS itself stays out of sight (404).
    assert errors_of(staff.patch(f"{API}/ceilings/{rows[0]['id']}/", {"amount": "1"}, format="json"), 403)
    payload = {"kua_ppas": kua.pk, "opd": DINKES, "amount": "1"}
    assert errors_of(staff.post(f"{API}/ceilings/", payload, format="json"), 404)[0]["field"] == "kua_ppas"


# --- KUA-PPAS and ceilings ----------------------------------------------------------------------


def test_finance_sets_ceilings_and_records_the_agreement(reference_data):
    final_rkpd(reference_data)
    finance = client_for(role(User.Role.FINANCE))
    kua = finance.post(f"{API}/kua-ppas/", {"year": 2024, "policy_notes": "Prioritas kesehatan"}, format="json").json()
    assert (kua["number"], kua["kind"], kua["state"], kua["allowed_actions"]) == (1, "murni", "draft", ["submit"])
    assert kua["ceiling_total"] == money("1600000000")  # the RKPD's pagu indikatif

    dinkes_ceiling = finance.get(f"{API}/ceilings/?kua_ppas={kua['id']}&opd={DINKES}").json()["results"][0]
    assert finance.patch(f"{API}/ceilings/{dinkes_ceiling['id']}/", {"amount": "900000000"}, format="json").json()[
        "amount"
    ] == money("900000000")
    program = finance.post(
        f"{API}/ceilings/",
        {"kua_ppas": kua["id"], "opd": DINKES, "program": "1.02.02", "amount": "950000000"},
        format="json",
    )
    assert (
        "Jumlah plafon program melebihi plafon Dinas Kesehatan: sisa Rp 900.000.000"
        in (errors_of(program, 400)[0]["message"])
    )
    program = finance.post(
        f"{API}/ceilings/",
        {"kua_ppas": kua["id"], "opd": DINKES, "program": "1.02.02", "amount": "600000000"},
        format="json",
    )
    assert (program.json()["level"], program.json()["program"]["code"]) == ("program", "1.02.02")
    assert finance.get(f"{API}/ceilings/?kua_ppas={kua['id']}&level=program").json()["count"] == 1

    line = finance.post(
        f"{API}/kua-ppas/{kua['id']}/account-lines/", {"account": "5.1", "amount": "1800000000"}, format="json"
    )
    assert line.status_code == 200, line.content
    assert (line.json()["account"]["code"], line.json()["amount"]) == ("5.1", money("1800000000"))
    wrong_level = finance.post(
        f"{API}/kua-ppas/{kua['id']}/account-lines/", {"account": "5.1.02.01", "amount": "1"}, format="json"
    )
    assert errors_of(wrong_level, 400)[0]["field"] == "account"
    changed = finance.patch(f"{API}/kua-account-lines/{line.json()['id']}/", {"amount": "1700000000"}, format="json")
    assert changed.json()["amount"] == money("1700000000")

    url = f"{API}/kua-ppas/{kua['id']}/transitions/"
    assert finance.post(url, {"action": "submit"}, format="json").json()["state"] == "submitted"
    missing = errors_of(finance.post(url, {"action": "agree"}, format="json"), 400)
    assert {error["field"] for error in missing} == {"agreement_number", "agreement_date"}
    agreed = finance.post(
        url, {"action": "agree", "agreement_number": "050/12/2023", "agreement_date": "2023-08-14"}, format="json"
    ).json()
    assert (agreed["state"], agreed["agreement_number"], agreed["agreement_date"]) == (
        "agreed",
        "050/12/2023",
        "2023-08-14",
    )
    assert [step["action"] for step in agreed["transitions"]] == ["submit", "agree"]
    assert agreed["policy_totals"]["belanja"] == money("1700000000")

    illegal = errors_of(finance.post(url, {"action": "submit"}, format="json"), 409)[0]
    assert (illegal["code"], illegal["current"], illegal["allowed"]) == (
        "transition_not_allowed",
        {"state": "agreed"},
        ["lock"],
    )
    frozen = finance.patch(f"{API}/ceilings/{dinkes_ceiling['id']}/", {"amount": "1"}, format="json")
    assert errors_of(frozen, 409)[0]["code"] == "transition_not_allowed"
    assert finance.post(url, {"action": "lock"}, format="json").json()["state"] == "locked"
    assert Ceiling.objects.get(pk=dinkes_ceiling["id"]).amount == D("900000000")


def test_only_the_finance_officer_changes_the_kua_ppas(reference_data):
    final_rkpd(reference_data)
    for user in (role(User.Role.BAPPEDA), role(User.Role.AUDITOR)):
        refused = client_for(user).post(f"{API}/kua-ppas/", {"year": 2024}, format="json")
        assert errors_of(refused, 403)[0]["code"] == "permission_denied"
    assert not KuaPpas.objects.exists()


# --- APBD versions ------------------------------------------------------------------------------


def test_the_rapbd_is_opened_moved_and_published_through_the_api(reference_data):
    small = small_apbd(reference_data, approve=False)
    finance = client_for(small.finance)
    again = finance.post(f"{API}/apbd-versions/", {"kua_ppas": small.kua.pk}, format="json")
    assert "sudah dibuat" in errors_of(again, 400)[0]["message"]

    url = f"{API}/apbd-versions/{small.version.pk}/transitions/"
    refused = errors_of(finance.post(url, {"action": "submit"}, format="json"), 400)
    assert refused[0]["message"].startswith("3 RKA belum disetujui TAPD")
    for code in (DINKES, PPKD, BAPENDA):
        rka_url = f"{API}/rka/{small.rkas[code].pk}/transitions/"
        assert client_for(small.staff[code]).post(rka_url, {"action": "submit"}, format="json").status_code == 200
        assert finance.post(rka_url, {"action": "approve"}, format="json").json()["state"] == "approved"
    assert finance.post(url, {"action": "submit"}, format="json").json()["state"] == "submitted"
    extra = finance.post(url, {"action": "agree", "dprd_agreement_date": "2023-11-28", "perda_number": "1"})
    assert errors_of(extra, 400)[0]["field"] == "perda_number"
    for move, details in ADOPTION_DETAILS.items():
        body = {"action": move, **{name: str(value) for name, value in details.items()}}
        answer = finance.post(url, body, format="json")
        assert answer.status_code == 200, answer.content
    adopted = answer.json()
    assert (adopted["state"], adopted["perda_number"], adopted["is_frozen"], adopted["allowed_actions"]) == (
        "adopted",
        "12 Tahun 2023",
        True,
        ["publish"],
    )
    illegal = errors_of(finance.post(url, {"action": "agree", "dprd_agreement_date": "2023-11-28"}), 409)[0]
    assert (illegal["current"], illegal["allowed"]) == ({"state": "adopted"}, ["publish"])
    published = finance.post(url, {"action": "publish"}, format="json").json()
    assert published["state"] == "published" and published["published_at"]
    assert [step["action"] for step in published["transitions"]] == [
        "submit",
        "agree",
        "evaluate",
        "adopt",
        "publish",
    ]
    assert errors_of(client_for(small.staff[DINKES]).post(url, {"action": "publish"}), 403)


def test_the_perubahan_is_opened_from_a_locked_kupa_ppas_p(reference_data):
    small = small_apbd(reference_data)
    adopt(small.version, small.finance)
    finance = client_for(small.finance)
    kupa = finance.post(f"{API}/kua-ppas/", {"year": 2024, "kind": "perubahan"}, format="json").json()
    assert (kupa["number"], kupa["kind"], kupa["previous"]) == (2, "perubahan", small.kua.pk)
    url = f"{API}/kua-ppas/{kupa['id']}/transitions/"
    early = finance.post(f"{API}/apbd-versions/", {"kua_ppas": kupa["id"]}, format="json")
    assert errors_of(early, 400)[0]["field"] == "kua"
    for body in (
        {"action": "submit"},
        {"action": "agree", "agreement_number": "050/21/2024", "agreement_date": "2024-08-30"},
        {"action": "lock"},
    ):
        assert finance.post(url, body, format="json").status_code == 200
    opened = finance.post(f"{API}/apbd-versions/", {"kua_ppas": kupa["id"]}, format="json")
    assert opened.status_code == 201, opened.content
    assert (opened.json()["kind"], opened.json()["number"], opened.json()["base"]) == ("perubahan", 2, small.version.pk)
    assert Rka.objects.filter(version_id=opened.json()["id"]).count() == 3


# The small year's ringkasan, computed by hand from SMALL_LINES.
RINGKASAN_ACCOUNTS = {
    ("4", "akun"): "1020000000.00",
    ("4.1", "kelompok"): "120000000.00",
    ("4.2", "kelompok"): "900000000.00",
    ("5", "akun"): "1027345678.90",
    ("5.1", "kelompok"): "327345678.90",
    ("5.1.01", "jenis"): "250000000.00",
    ("5.1.02", "jenis"): "77345678.90",
    ("5.2", "kelompok"): "600000000.00",
    ("5.3", "kelompok"): "100000000.00",
    ("6.1", "kelompok"): "50000000.00",
    ("6.2", "kelompok"): "42654321.10",
}
RINGKASAN_BALANCE = {
    "pendapatan": "1020000000.00",
    "belanja": "1027345678.90",
    "surplus": "-7345678.90",
    "penerimaan_pembiayaan": "50000000.00",
    "pengeluaran_pembiayaan": "42654321.10",
    "pembiayaan_netto": "7345678.90",
    "gap": "0.00",
    "is_balanced": True,
}


def _check_ringkasan(body):
    accounts = {(row["code"], row["level"]): row["amount"] for row in body["accounts"]}
    assert {key: accounts[key] for key in RINGKASAN_ACCOUNTS} == RINGKASAN_ACCOUNTS
    assert body["balance"] == RINGKASAN_BALANCE
    opds = {row["code"]: row for row in body["opd"]}
    assert (opds[DINKES]["pendapatan"], opds[DINKES]["belanja"]) == ("80000000.00", "862345678.90")
    assert opds[DINKES]["kelompok"] == {"4.1": "80000000.00", "5.1": "262345678.90", "5.2": "600000000.00"}
    assert (opds[PPKD]["belanja"], opds[PPKD]["penerimaan_pembiayaan"], opds[PPKD]["pengeluaran_pembiayaan"]) == (
        "145000000.00",
        "50000000.00",
        "42654321.10",
    )
    assert [(row["code"], row["belanja"]) for row in body["urusan"]] == [
        ("1", "862345678.90"),
        ("5", "165000000.00"),
    ]
    assert [(row["code"], row["belanja"]) for row in body["bidang"]] == [
        ("1.02", "862345678.90"),
        ("5.02", "165000000.00"),
    ]
    # The supporting program X.XX.01 of Dinas Kesehatan is realised under its own bidang: 1.02.01.
    assert [(row["code"], row["belanja"]) for row in body["program"]] == [
        ("1.02.01", "250000000.00"),
        ("1.02.02", "612345678.90"),
        ("5.02.02", "145000000.00"),
        ("5.02.04", "20000000.00"),
    ]


def test_the_ringkasan_of_the_small_year_equals_the_hand_computed_figures(small):
    auditor = client_for(role(User.Role.AUDITOR))
    live = auditor.get(f"{API}/apbd-versions/{small.version.pk}/ringkasan/").json()
    assert live["stored"] is False and live["version"]["id"] == small.version.pk
    _check_ringkasan(live)

    adopt(small.version, small.finance, publish=True)
    stored = auditor.get(f"{API}/apbd-versions/{small.version.pk}/ringkasan/").json()
    assert stored["stored"] is True
    _check_ringkasan(stored)


@pytest.fixture
def shifted(reference_data):
    """The small year adopted and published, then pergeseran 1 opened through the API and shifted by its
    OPDs: Dinkes moves Rp 10.000.000 from the building (L1) to office supplies (L2); Bapenda replaces its
    meeting meals (L10) by honoraria of the same amount."""
    small = small_apbd(reference_data)
    small.version = adopt(small.version, small.finance, publish=True)
    opened = client_for(small.finance).post(f"{API}/apbd-versions/pergeseran/", {"year": 2024}, format="json")
    assert opened.status_code == 201, opened.content
    shift = ApbdVersion.objects.get(pk=opened.json()["id"])
    dinkes, bapenda = client_for(small.staff[DINKES]), client_for(small.staff[BAPENDA])
    for label, price in (("L1", "590000000.00"), ("L2", "22345678.90")):
        line = small.line_in(shift, label)
        saved = dinkes.patch(f"{API}/rka-lines/{line.pk}/", {"version": 1, "unit_price": price}, format="json")
        assert saved.status_code == 200, saved.content
    meals = small.line_in(shift, "L10")
    assert bapenda.delete(f"{API}/rka-lines/{meals.pk}/?version=1").status_code == 200
    added = bapenda.post(
        f"{API}/rka/{Rka.objects.get(version=shift, opd__code=BAPENDA).pk}/lines/",
        line_payload(
            sub_kegiatan=SUB_D, account="5.1.02.02.01.0003", description="Honor", volume_1="1", unit_price="20000000"
        ),
        format="json",
    )
    assert added.status_code == 201, added.content
    small.shift = shift
    return small


def test_the_diff_of_two_versions_equals_the_hand_computed_example(shifted):
    finance = client_for(shifted.finance)
    base, shift = shifted.version, shifted.shift
    body = finance.get(f"{API}/apbd-versions/diff/?from={base.pk}&to={shift.pk}&changed_only=true").json()
    assert (body["old_version"]["id"], body["new_version"]["id"]) == (base.pk, shift.pk)
    assert body["totals"] == {"added": "20000000.00", "removed": "20000000.00", "changed": "0.00", "net": "0.00"}
    assert body["counts"] == {"added": 1, "removed": 1, "changed": 2}
    rows = [(row["code"], row["level"], row["old"], row["new"], row["delta"]) for row in body["rollups"]["account"]]
    assert rows == [
        ("5.1", "kelompok", "327345678.90", "337345678.90", "10000000.00"),
        ("5.1.02", "jenis", "77345678.90", "87345678.90", "10000000.00"),
        ("5.1.02.01", "objek", "32345678.90", "22345678.90", "-10000000.00"),
        ("5.1.02.02", "objek", "45000000.00", "65000000.00", "20000000.00"),
        ("5.2", "kelompok", "600000000.00", "590000000.00", "-10000000.00"),
        ("5.2.03", "jenis", "600000000.00", "590000000.00", "-10000000.00"),
        ("5.2.03.01", "objek", "600000000.00", "590000000.00", "-10000000.00"),
    ]
    assert [(row["code"], row["level"], row["delta"]) for row in body["rollups"]["program"]] == [
        ("1.02.02", "5.1", "10000000.00"),
        ("1.02.02", "5.2", "-10000000.00"),
    ]
    everything = finance.get(f"{API}/apbd-versions/diff/?from={base.pk}&to={shift.pk}").json()
    akun = {(row["code"], row["level"]): row["delta"] for row in everything["rollups"]["account"]}
    assert akun[("5", "akun")] == akun[("4", "akun")] == "0.00"

    lines = finance.get(f"{API}/apbd-versions/diff/lines/?from={base.pk}&to={shift.pk}").json()
    assert lines["count"] == 4
    assert [
        (
            row["change"],
            row["opd"]["code"],
            row["old_account_code"],
            row["new_account_code"],
            row["old_amount"],
            row["new_amount"],
            row["delta"],
        )
        for row in lines["results"]
    ] == [
        ("changed", DINKES, ATK_ACCOUNT, ATK_ACCOUNT, "12345678.90", "22345678.90", "10000000.00"),
        ("changed", DINKES, "5.2.03.01.01.0001", "5.2.03.01.01.0001", "600000000.00", "590000000.00", "-10000000.00"),
        ("added", BAPENDA, None, "5.1.02.02.01.0003", None, "20000000.00", "20000000.00"),
        ("removed", BAPENDA, "5.1.02.01.01.0052", None, "20000000.00", None, "-20000000.00"),
    ]
    assert lines["results"][2]["new_sub_kegiatan_code"] == SUB_D
    # Pages cut across the kinds; a kind can be asked for alone; the other way round every sign flips.
    second = finance.get(f"{API}/apbd-versions/diff/lines/?from={base.pk}&to={shift.pk}&page_size=3&page=2").json()
    assert [row["change"] for row in second["results"]] == ["removed"]
    added = finance.get(f"{API}/apbd-versions/diff/lines/?from={base.pk}&to={shift.pk}&change=added").json()
    assert [row["description"] for row in added["results"]] == ["Honor"]
    back = finance.get(f"{API}/apbd-versions/diff/?from={shift.pk}&to={base.pk}").json()
    assert back["totals"] == {"added": "20000000.00", "removed": "20000000.00", "changed": "0.00", "net": "0.00"}
    # OPD staff see only their own OPD's lines.
    dinkes = client_for(shifted.staff[DINKES]).get(f"{API}/apbd-versions/diff/lines/?from={base.pk}&to={shift.pk}")
    assert [row["change"] for row in dinkes.json()["results"]] == ["changed", "changed"]


def test_the_diff_needs_two_versions_of_one_line_of_descent(shifted, reference_data):
    finance = client_for(shifted.finance)
    missing = errors_of(finance.get(f"{API}/apbd-versions/diff/?to={shifted.shift.pk}"), 400)
    assert missing[0]["field"] == "from"
    other = documents_for_year(FiscalYear.objects.get(year=2025), [])
    unrelated = finance.get(f"{API}/apbd-versions/diff/?from={shifted.version.pk}&to={other.pk}")
    assert "satu garis perubahan" in errors_of(unrelated, 400)[0]["message"]
    gone = finance.get(f"{API}/apbd-versions/diff/lines/?from={shifted.version.pk}&to={other.pk + 100}")
    assert errors_of(gone, 404)[0]["code"] == "not_found"


# --- RKA lines ----------------------------------------------------------------------------------


def test_a_line_save_answers_with_the_new_totals_and_remaining_ceilings(setup):
    api = client_for(setup.staff)
    created = api.post(f"{API}/rka/{setup.rka.pk}/lines/", line_payload(), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["line"]["amount"], body["line"]["version"], body["line"]["sub_kegiatan"]["code"]) == (
        "100000.00",
        1,
        "1.02.02.2.01.0001",
    )
    assert body["totals"] == {
        "pendapatan": "0.00",
        "belanja": "100000.00",
        "pembiayaan": "0.00",
        "sub_kegiatan": "100000.00",
    }
    assert [(c["level"], c["amount"], c["used"], c["remaining"]) for c in body["ceilings"]] == [
        ("opd", "1000000.00", "100000.00", "900000.00")
    ]
    line_id = body["line"]["id"]
    changed = api.patch(
        f"{API}/rka-lines/{line_id}/",
        {"version": 1, "volume_1": "2", "unit_1": "orang", "volume_2": "12", "unit_2": "bulan"},
        format="json",
    ).json()
    assert (changed["line"]["amount"], changed["line"]["version"]) == ("240000.00", 2)
    assert changed["ceilings"][0]["remaining"] == "760000.00"

    detail = api.get(f"{API}/rka/{setup.rka.pk}/").json()
    assert (detail["belanja"], detail["ceiling"], detail["remaining"], detail["line_count"]) == (
        "240000.00",
        "1000000.00",
        "760000.00",
        1,
    )
    deleted = api.delete(f"{API}/rka-lines/{line_id}/?version=2").json()
    assert deleted["line"] is None and deleted["totals"]["belanja"] == "0.00"
    assert deleted["ceilings"][0]["remaining"] == "1000000.00"
    assert not RkaLine.objects.filter(rka=setup.rka).exists()


def test_a_line_over_the_ceiling_is_refused_saying_what_remains(setup):
    api = client_for(setup.staff)
    api.post(f"{API}/rka/{setup.rka.pk}/lines/", line_payload(), format="json")
    over = api.post(f"{API}/rka/{setup.rka.pk}/lines/", line_payload(volume_1="100"), format="json")
    error = errors_of(over, 400)[0]
    assert (error["field"], error["message"]) == (
        "amount",
        "Melebihi plafon Dinas Kesehatan: sisa Rp 900.000, rincian ini Rp 1.000.000 (lebih Rp 100.000).",
    )
    # A sub-kegiatan ceiling is named the same way, and the detail shows every ceiling with what is left.
    Ceiling.objects.create(
        kua_ppas=setup.kua, opd=setup.opd, sub_kegiatan=setup.sub_kegiatan.sub_kegiatan, amount=150000
    )
    line = RkaLine.objects.get(rka=setup.rka)
    grown = api.patch(f"{API}/rka-lines/{line.pk}/", {"version": 1, "volume_1": "20"}, format="json")
    assert errors_of(grown, 400)[0]["message"] == (
        "Melebihi plafon sub-kegiatan 1.02.02.2.01.0001: sisa Rp 150.000, rincian ini Rp 200.000 (lebih Rp 50.000)."
    )
    ceilings = api.get(f"{API}/rka/{setup.rka.pk}/").json()["ceilings"]
    assert [(c["level"], c["code"], c["used"], c["remaining"]) for c in ceilings] == [
        ("opd", None, "100000.00", "900000.00"),
        ("sub_kegiatan", "1.02.02.2.01.0001", "100000.00", "50000.00"),
    ]
    assert RkaLine.objects.get(pk=line.pk).amount == D("100000.00")


def test_a_stale_save_is_refused_with_the_current_values(setup):
    line = rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values())
    mine, theirs = client_for(setup.staff), client_for(UserFactory(role=User.Role.OPD_STAFF, opd=setup.opd))
    saved = theirs.patch(f"{API}/rka-lines/{line.pk}/", {"version": 1, "unit_price": "9000"}, format="json")
    assert saved.status_code == 200
    stale = errors_of(
        mine.patch(f"{API}/rka-lines/{line.pk}/", {"version": 1, "unit_price": "8000"}, format="json"), 409
    )
    assert stale[0]["code"] == "stale"
    assert (stale[0]["current"]["version"], stale[0]["current"]["unit_price"], stale[0]["current"]["amount"]) == (
        2,
        "9000.00",
        "90000.00",
    )
    assert errors_of(mine.delete(f"{API}/rka-lines/{line.pk}/?version=1"), 409)[0]["current"]["version"] == 2
    assert (
        errors_of(mine.patch(f"{API}/rka-lines/{line.pk}/", {"unit_price": "1"}, format="json"), 400)[0]["field"]
        == "version"
    )
    assert errors_of(mine.delete(f"{API}/rka-lines/{line.pk}/"), 400)[0]["field"] == "version"
    assert RkaLine.objects.get(pk=line.pk).amount == D("90000.00")


def test_line_inputs_name_what_is_wrong(setup):
    api = client_for(setup.staff)
    url = f"{API}/rka/{setup.rka.pk}/lines/"
    unknown = errors_of(api.post(url, line_payload(account="5.9.99.99.99.9999"), format="json"), 404)
    assert (unknown[0]["field"], unknown[0]["code"]) == ("account", "not_found")
    foreign_sub = errors_of(api.post(url, line_payload(sub_kegiatan="1.02.02.2.01.0002"), format="json"), 404)
    assert foreign_sub[0]["field"] == "sub_kegiatan"
    bad = errors_of(api.post(url, line_payload(volume_1="0", unit_1=""), format="json"), 400)
    assert {error["field"] for error in bad} == {"unit_1"}
    zero = errors_of(api.post(url, line_payload(volume_1="0"), format="json"), 400)
    assert (zero[0]["field"], zero[0]["message"]) == ("volume_1", "Volume harus lebih dari nol.")
    revenue = errors_of(api.post(url, line_payload(account="4.1.02.01.01.0001"), format="json"), 400)
    assert revenue[0]["field"] == "sub_kegiatan"
    assert not RkaLine.objects.exists()


def test_only_the_opds_own_staff_write_lines(setup):
    for user in (setup.finance, role(User.Role.AUDITOR), role(User.Role.BAPPEDA)):
        refused = client_for(user).post(f"{API}/rka/{setup.rka.pk}/lines/", line_payload(), format="json")
        assert errors_of(refused, 403)[0]["code"] == "permission_denied"
    assert not RkaLine.objects.exists()


# --- RKA lifecycle, sub-kegiatan and comments ---------------------------------------------------


def test_tapd_returns_with_a_comment_then_approves(setup):
    rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values())
    staff, finance = client_for(setup.staff), client_for(setup.finance)
    url = f"{API}/rka/{setup.rka.pk}/transitions/"
    submitted = staff.post(url, {"action": "submit"}, format="json").json()
    assert (submitted["state"], submitted["allowed_actions"], submitted["is_editable"]) == (
        "submitted",
        ["return", "approve"],
        False,
    )
    frozen = staff.post(f"{API}/rka/{setup.rka.pk}/lines/", line_payload(), format="json")
    assert errors_of(frozen, 409)[0]["current"] == {"state": "submitted", "version_state": "draft"}
    again = errors_of(staff.post(url, {"action": "submit"}, format="json"), 409)[0]
    assert (again["current"], again["allowed"]) == ({"state": "submitted"}, ["return", "approve"])
    assert errors_of(staff.post(url, {"action": "approve"}, format="json"), 403)
    assert errors_of(finance.post(url, {"action": "return"}, format="json"), 400)[0]["field"] == "note"

    returned = finance.post(url, {"action": "return", "note": "Harga ATK terlalu tinggi"}, format="json").json()
    assert returned["state"] == "returned"
    line = RkaLine.objects.get(rka=setup.rka)
    comment = finance.post(
        f"{API}/rka/{setup.rka.pk}/comments/", {"text": "Periksa rincian ini", "line": line.pk}, format="json"
    ).json()
    assert (comment["line"], comment["line_account_code"]) == (line.pk, ATK_ACCOUNT)
    reply = staff.post(f"{API}/rka/{setup.rka.pk}/comments/", {"text": "Sudah diperbaiki"}, format="json")
    assert reply.status_code == 201
    comments = staff.get(f"{API}/rka/{setup.rka.pk}/comments/").json()["results"]
    assert [row["text"] for row in comments] == ["Harga ATK terlalu tinggi", "Periksa rincian ini", "Sudah diperbaiki"]

    fixed = staff.patch(f"{API}/rka-lines/{line.pk}/", {"version": 1, "unit_price": "9000"}, format="json")
    assert fixed.status_code == 200
    staff.post(url, {"action": "submit"}, format="json")
    approved = finance.post(url, {"action": "approve"}, format="json").json()
    assert (approved["state"], approved["allowed_actions"]) == ("approved", ["reopen"])
    assert [step["action"] for step in approved["transitions"]] == ["submit", "return", "submit", "approve"]
    late = staff.patch(f"{API}/rka-lines/{line.pk}/", {"version": 2, "unit_price": "1"}, format="json")
    assert errors_of(late, 409)[0]["code"] == "transition_not_allowed"
    assert errors_of(finance.post(url, {"action": "approve"}, format="json"), 409)[0]["allowed"] == ["reopen"]

    # Something found after approval, while the version is a draft: TAPD reopens it, with a note, for the OPD.
    assert errors_of(staff.post(url, {"action": "reopen", "note": "Saya ubah"}, format="json"), 403)
    assert errors_of(finance.post(url, {"action": "reopen"}, format="json"), 400)[0]["field"] == "note"
    reopened = finance.post(url, {"action": "reopen", "note": "Sumber dana keliru"}, format="json").json()
    assert (reopened["state"], reopened["allowed_actions"]) == ("returned", ["submit"])
    again = staff.patch(f"{API}/rka-lines/{line.pk}/", {"version": 2, "unit_price": "8000"}, format="json")
    assert again.status_code == 200
    comments = staff.get(f"{API}/rka/{setup.rka.pk}/comments/").json()["results"]
    assert comments[-1]["text"] == "Sumber dana keliru"


def test_staff_add_a_sub_kegiatan_of_their_bidang(setup):
    api = client_for(setup.staff)
    url = f"{API}/rka/{setup.rka.pk}/sub-kegiatan/"
    payload = {
        "sub_kegiatan": "1.02.02.2.01.0002",
        "location": "Kecamatan Tamanan",
        "output_indicator": "Jumlah alat kesehatan",
        "output_target": "3",
        "output_unit": "unit",
    }
    created = api.post(url, payload, format="json")
    assert created.status_code == 201, created.content
    assert (created.json()["program"]["code"], created.json()["total"], created.json()["line_count"]) == (
        "1.02.02",
        "0.00",
        0,
    )
    assert "sudah ada di RKA ini" in errors_of(api.post(url, payload, format="json"), 400)[0]["message"]
    assert [row["sub_kegiatan"]["code"] for row in api.get(url).json()["results"]] == [
        "1.02.02.2.01.0001",
        "1.02.02.2.01.0002",
    ]
    line = api.post(f"{API}/rka/{setup.rka.pk}/lines/", line_payload(sub_kegiatan="1.02.02.2.01.0002"), format="json")
    assert line.status_code == 201
    filtered = api.get(f"{API}/rka/{setup.rka.pk}/lines/?sub_kegiatan=1.02.02.2.01.0002").json()
    assert filtered["count"] == 1
    too_long = api.get(f"{API}/rka/{setup.rka.pk}/lines/?account={'5' * 40}")
    assert errors_of(too_long, 400)[0]["field"] == "account"


# --- DPA ------------------------------------------------------------------------------------------


@pytest.fixture
def dpas(reference_data):
    small = small_apbd(reference_data)
    small.version = adopt(small.version, small.finance, publish=True)
    prepared = client_for(small.finance).post(f"{API}/apbd-versions/{small.version.pk}/dpa/")
    assert prepared.status_code == 200, prepared.content
    assert sorted(row["opd"]["code"] for row in prepared.json()) == sorted([DINKES, PPKD, BAPENDA])
    small.dpa = Dpa.objects.get(version=small.version, opd__code=DINKES)
    return small


def test_staff_plan_their_cash_and_finance_issues_the_dpa(dpas):
    staff, finance = client_for(dpas.staff[DINKES]), client_for(dpas.finance)
    url = f"{API}/dpa/{dpas.dpa.pk}/"
    assert [row["opd"]["code"] for row in staff.get(f"{API}/dpa/").json()["results"]] == [DINKES]
    other = Dpa.objects.get(version=dpas.version, opd__code=PPKD)
    assert staff.get(f"{API}/dpa/{other.pk}/").status_code == 404

    rows = staff.get(f"{url}cash-plan/").json()["results"]
    by_key = {(row["account_group"], (row["sub_kegiatan"] or {}).get("code")): row for row in rows}
    building = by_key[("5", SUB_A)]
    assert building["pagu"] == "612345678.90"
    assert sum(D(amount) for amount in building["months"]) == D("612345678.90")
    assert building["difference"] == "0.00"
    assert by_key[("4", None)]["pagu"] == "80000000.00"

    months = {"month_1": "100000000.00", "month_2": building["months"][1]}
    edited = staff.patch(f"{url}cash-plan/", {"sub_kegiatan": SUB_A, **months}, format="json").json()
    assert edited["months"][0] == "100000000.00"
    assert D(edited["difference"]) == D("100000000.00") - D(building["months"][0])
    assert staff.get(url).json()["cash_plan_balanced"] is False
    refused = errors_of(finance.post(f"{url}issue/", {"number": "900/1/2024"}, format="json"), 400)
    assert "Anggaran kas 1.02.02.2.01.0001" in refused[0]["message"]
    assert errors_of(staff.post(f"{url}issue/", {"number": "1"}, format="json"), 403)
    assert errors_of(staff.patch(f"{url}cash-plan/", {"sub_kegiatan": SUB_A}, format="json"), 400)

    staff.patch(f"{url}cash-plan/", {"sub_kegiatan": SUB_A, "month_1": building["months"][0]}, format="json")
    issued = finance.post(f"{url}issue/", {"number": "900/1/2024"}, format="json").json()
    assert (issued["state"], issued["number"], issued["cash_plan_balanced"]) == ("issued", "900/1/2024", True)
    assert issued["pagu"] == issued["planned"] == "862345678.90"
    late = staff.patch(f"{url}cash-plan/", {"sub_kegiatan": SUB_A, "month_1": "0"}, format="json")
    assert errors_of(late, 409)[0]["code"] == "transition_not_allowed"


# --- Query counts -------------------------------------------------------------------------------


def _queries(api, url):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


def test_document_lists_do_not_grow_in_queries(reference_data):
    finance = role(User.Role.FINANCE)
    dinkes = Opd.objects.get(code=DINKES)
    opds = list(Opd.objects.filter(is_active=True).exclude(pk=dinkes.pk).order_by("code"))
    staff = role(User.Role.OPD_STAFF, opd=dinkes)
    years = iter(FiscalYear.objects.order_by("year"))
    urls = ["kua-ppas/", "ceilings/", "apbd-versions/", "rka/", "dpa/"]

    def grow(count):
        for _ in range(count):
            documents_for_year(next(years), [dinkes, *opds[:4]])

    grow(1)
    few = {user: [_queries(client_for(user), f"{API}/{url}") for url in urls] for user in (finance, staff)}
    grow(3)
    many = {user: [_queries(client_for(user), f"{API}/{url}") for url in urls] for user in (finance, staff)}
    assert many == few
    assert client_for(finance).get(f"{API}/rka/").json()["count"] == 20


def test_rka_lists_do_not_grow_in_queries(setup, reference_data):
    setup.ceiling.amount = D("1000000000")
    setup.ceiling.save()
    staff = client_for(setup.staff)
    codes = iter(["1.02.02.2.01.0002", "1.02.02.2.01.0003", "1.02.02.2.01.0004", "1.02.02.2.01.0005"])

    def grow(count):
        for _ in range(count):
            sub = rka_services.add_rka_sub_kegiatan(
                actor=setup.staff,
                rka=setup.rka,
                sub_kegiatan=node(reference_data, next(codes)),
                location="Bondowoso",
                output_indicator="Keluaran",
                output_target=D("1"),
                output_unit="paket",
            )
            for _ in range(3):
                line = rka_services.add_rka_line(
                    actor=setup.staff, rka=setup.rka, **setup.line_values(sub_kegiatan=sub)
                )
                rka_services.comment_rka(actor=setup.finance, rka=setup.rka, line=line, text="Periksa")

    urls = [
        f"rka/{setup.rka.pk}/",
        f"rka/{setup.rka.pk}/lines/",
        f"rka/{setup.rka.pk}/sub-kegiatan/",
        f"rka/{setup.rka.pk}/comments/",
    ]
    grow(1)
    few = [_queries(staff, f"{API}/{url}") for url in urls]
    grow(3)
    many = [_queries(staff, f"{API}/{url}") for url in urls]
    assert many == few
    assert RkaComment.objects.count() == 12


def test_kua_lines_cash_plan_and_diff_lists_do_not_grow_in_queries(shifted, reference_data):
    finance = client_for(shifted.finance)
    base, shift = shifted.version, shifted.shift
    prepared = dpa_services.prepare_dpas(actor=shifted.finance, version=base)
    dpa = next(d for d in prepared if d.opd.code == DINKES)
    dinkes_shift = Rka.objects.get(version=shift, opd__code=DINKES)
    kua = KuaPpas.objects.create(fiscal_year=FiscalYear.objects.get(year=2025), number=1)
    accounts = iter(["4.1.01", "4.1.02", "4.1.03", "4.1.04", "4.2.01", "4.2.02", "5.1.01", "5.1.02"])
    subs = iter(["1.02.02.2.01.0002", "1.02.02.2.01.0003", "1.02.02.2.01.0004", "1.02.02.2.01.0005"])
    year_2025 = FiscalYear.objects.get(year=2025)

    def grow(count):
        for _ in range(count):
            kua_services.set_kua_account_line(
                actor=shifted.finance,
                kua=kua,
                account=Account.objects.get(version=year_2025.reference_version, code=next(accounts)),
                amount=D("1000"),
            )
            # Revenue has no ceiling, so the shifted version can gain lines that the diff shows as added.
            rka_services.add_rka_line(
                actor=shifted.staff[DINKES],
                rka=dinkes_shift,
                **shifted.line_values(DINKES, None, "4.1.02.01.01.0001", "1000.00", version=shift),
            )
            # The DPA's version is adopted and frozen; its cash plan rows are added directly.
            sub = RkaSubKegiatan.objects.create(
                rka=dpa.rka,
                sub_kegiatan=node(reference_data, next(subs)),
                location="Bondowoso",
                output_indicator="Keluaran",
                output_target=1,
                output_unit="paket",
            )
            CashPlan.objects.bulk_create(
                CashPlan(dpa=dpa, sub_kegiatan=sub, month=month, amount=0) for month in range(1, 13)
            )

    urls = [
        f"kua-ppas/{kua.pk}/account-lines/",
        f"dpa/{dpa.pk}/cash-plan/",
        f"apbd-versions/diff/lines/?from={base.pk}&to={shift.pk}",
        f"apbd-versions/diff/?from={base.pk}&to={shift.pk}",
    ]
    grow(1)
    few = [_queries(finance, f"{API}/{url}") for url in urls]
    grow(3)
    many = [_queries(finance, f"{API}/{url}") for url in urls]
    assert many == few
    assert finance.get(f"{API}/apbd-versions/diff/lines/?from={base.pk}&to={shift.pk}").json()["count"] == 8


# --- Real answers against the schema ------------------------------------------------------------


def test_real_answers_conform_to_the_schema(shifted, _requests_share_the_test_transaction):  # noqa: F811
    """Generated ids seldom exist in the schema run; here every read answers with real rows."""
    dpa_services.prepare_dpas(actor=shifted.finance, version=shifted.version)
    rka = Rka.objects.get(version=shifted.shift, opd__code=DINKES)
    line = RkaLine.objects.filter(rka=rka).first()
    rka_services.comment_rka(actor=shifted.finance, rka=rka, line=line, text="Periksa")
    dpa = Dpa.objects.get(version=shifted.version, opd__code=DINKES)
    kua = shifted.kua
    ceiling = Ceiling.objects.filter(kua_ppas=kua).first()
    token = issue_api_token(user=shifted.finance).key
    diff = {"from": shifted.version.pk, "to": shifted.shift.pk}
    reads = [
        ("/api/v1/kua-ppas/", {}, {}),
        ("/api/v1/kua-ppas/{id}/", {"id": kua.pk}, {}),
        ("/api/v1/ceilings/", {}, {}),
        ("/api/v1/ceilings/{id}/", {"id": ceiling.pk}, {}),
        ("/api/v1/apbd-versions/", {}, {}),
        ("/api/v1/apbd-versions/{id}/", {"id": shifted.shift.pk}, {}),
        ("/api/v1/apbd-versions/{id}/ringkasan/", {"id": shifted.version.pk}, {}),
        ("/api/v1/apbd-versions/diff/", {}, diff),
        ("/api/v1/apbd-versions/diff/lines/", {}, diff),
        ("/api/v1/rka/", {}, {}),
        ("/api/v1/rka/{id}/", {"id": rka.pk}, {}),
        ("/api/v1/rka/{id}/lines/", {"id": rka.pk}, {}),
        ("/api/v1/rka/{id}/sub-kegiatan/", {"id": rka.pk}, {}),
        ("/api/v1/rka/{id}/comments/", {"id": rka.pk}, {}),
        ("/api/v1/rka-lines/{id}/", {"id": line.pk}, {}),
        ("/api/v1/dpa/", {}, {}),
        ("/api/v1/dpa/{id}/", {"id": dpa.pk}, {}),
        ("/api/v1/dpa/{id}/cash-plan/", {"id": dpa.pk}, {}),
    ]
    for path, path_parameters, query in reads:
        case = schema[path]["GET"].Case(path_parameters=path_parameters, query=query)
        response = case.call_and_validate(headers={"Authorization": f"Token {token}"})
        assert response.status_code == 200, (path, response.content)
    staff_token = issue_api_token(user=shifted.staff[DINKES]).key
    case = schema["/api/v1/rka-lines/{id}/"]["PATCH"].Case(
        path_parameters={"id": line.pk},
        body={"version": line.version, "description": "Diperbarui"},
        media_type="application/json",
    )
    response = case.call_and_validate(headers={"Authorization": f"Token {staff_token}"})
    assert response.status_code == 200, response.content
