"""One "sesuai" for the DPA list, its page and the API; months that read as they sum; and the DPPA that
follows an adopted pergeseran."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from budgeting.models import CashPlan, Dpa, Rka
from budgeting.services import apbd as apbd_services
from budgeting.services import dpa as dpa_services
from budgeting.services import rka as rka_services
from masterdata.models import AuditEvent
from tests.budgeting.factories import BAPENDA, DINKES, PPKD, SUB_A, SUB_B, SUB_D, adopt, approve_all, small_apbd
from tests.budgeting.test_dpa import months
from tests.budgeting.test_figures_access import page_for
from tests.planning.test_api import client_for

pytestmark = pytest.mark.django_db
D = Decimal
API = "/api/v1"


@pytest.fixture
def published(reference_data):
    setup = small_apbd(reference_data)
    setup.version = adopt(setup.version, setup.finance, publish=True)
    setup.dpas = {dpa.opd.code: dpa for dpa in dpa_services.prepare_dpas(actor=setup.finance, version=setup.version)}
    return setup


def _list_verdicts(user, version):
    page = page_for(user, reverse("budgeting:dpa-list", args=[version.pk]))
    return re.findall(r'<span class="check-(ok|bad)">', page)


def test_the_list_page_and_the_api_say_sesuai_exactly_when_the_dpa_page_does(published):
    """Dinkes moves Rp 1 of January from sub-kegiatan A to B: belanja still totals its pagu, yet two rows are
    off; Bapenda's pendapatan is off by Rp 1 while its belanja is exact. Only PPKD's DPA is sesuai."""
    dinkes, bapenda = published.dpas[DINKES], published.dpas[BAPENDA]
    staff = published.staff
    sub_a, sub_b = published.sub(DINKES, SUB_A), published.sub(DINKES, SUB_B)
    dpa_services.edit_cash_plan(actor=staff[DINKES], dpa=dinkes, sub_kegiatan=sub_a, amounts={1: D("51028805.57")})
    dpa_services.edit_cash_plan(actor=staff[DINKES], dpa=dinkes, sub_kegiatan=sub_b, amounts={1: D("20833334.33")})
    dpa_services.edit_cash_plan(actor=staff[BAPENDA], dpa=bapenda, account_group="4", amounts={1: D("1")})

    detail = {
        code: page_for(published.finance, reverse("budgeting:dpa-detail", args=[dpa.pk]))
        for code, dpa in published.dpas.items()
    }
    assert "2 baris anggaran kas belum sama" in detail[DINKES]
    assert "1 baris anggaran kas belum sama" in detail[BAPENDA]
    assert "Setiap baris anggaran kas sama dengan pagunya" in detail[PPKD]
    # The list is ordered by OPD code: Dinkes 1.02, BPKAD 5.02.…01, Bapenda 5.02.…02.
    assert _list_verdicts(published.finance, published.version) == ["bad", "ok", "bad"]
    listed = client_for(published.finance).get(f"{API}/dpa/?page_size=10").json()["results"]
    assert {row["opd"]["code"]: row["cash_plan_balanced"] for row in listed} == {
        DINKES: False,
        PPKD: True,
        BAPENDA: False,
    }
    assert {row["document"] for row in listed} == {"DPA"}
    detail_api = client_for(published.finance).get(f"{API}/dpa/{dinkes.pk}/").json()
    assert detail_api["cash_plan_balanced"] is False and detail_api["pagu"] == detail_api["planned"]


def test_the_months_of_an_issued_dpa_read_as_they_sum(published):
    """Sub-kegiatan B: Rp 250.000.000 is 11 × 20.833.333,33 + 20.833.333,37; rounded to the rupiah all twelve
    read 20.833.333, which add up to Rp 249.999.996."""
    dinkes = published.dpas[DINKES]
    dpa_services.issue_dpa(actor=published.finance, dpa=dinkes, number="900/001/DPA/2024")
    page = page_for(published.staff[DINKES], reverse("budgeting:dpa-detail", args=[dinkes.pk]))
    assert page.count("<dd>20.833.333,33</dd>") == 11
    assert page.count("<dd>20.833.333,37</dd>") == 1
    # Pendapatan of whole months stays without sen.
    assert page.count("<dd>6.666.666,66</dd>") == 11


def _shift(setup):
    """Pergeseran 1: Dinkes moves Rp 10.000.000 from sub-kegiatan B (L3) to A (L1); Bapenda replaces its meeting
    meals (L10) by honoraria in the same sub-kegiatan; PPKD changes nothing. Approved and adopted."""
    shift = apbd_services.create_shift_version(actor=setup.finance, fiscal_year=setup.fiscal_year)
    for label, price in (("L3", "240000000.00"), ("L1", "610000000.00")):
        line = setup.line_in(shift, label)
        rka_services.update_rka_line(
            actor=setup.staff[DINKES], line=line, expected_version=line.version, unit_price=D(price)
        )
    rka_services.delete_rka_line(actor=setup.staff[BAPENDA], line=setup.line_in(shift, "L10"))
    rka_services.add_rka_line(
        actor=setup.staff[BAPENDA],
        rka=Rka.objects.get(version=shift, opd__code=BAPENDA),
        **setup.line_values(BAPENDA, SUB_D, "5.1.02.02.01.0003", "20000000.00", version=shift, description="Honor"),
    )
    approve_all(shift, setup.staff, setup.finance, opd_codes=[DINKES, BAPENDA])
    return adopt(shift, setup.finance)


def test_an_adopted_pergeseran_gets_a_dppa_for_each_changed_opd(published):
    base_dinkes, base_bapenda = published.dpas[DINKES], published.dpas[BAPENDA]
    sub_d = published.sub(BAPENDA, SUB_D)
    season = {1: D("0"), 2: D("0"), 11: D("4999999.98")}  # Bapenda's meals later in the year
    dpa_services.edit_cash_plan(actor=published.staff[BAPENDA], dpa=base_bapenda, sub_kegiatan=sub_d, amounts=season)
    dpa_services.edit_cash_plan(
        actor=published.staff[DINKES], dpa=base_dinkes, account_group="4", amounts={1: D("0"), 12: D("13333333.40")}
    )
    for number, dpa in enumerate(published.dpas.values(), start=1):
        dpa_services.issue_dpa(actor=published.finance, dpa=dpa, number=f"900/{number:03d}/DPA/2024")
    shift = _shift(published)

    list_url = reverse("budgeting:dpa-list", args=[shift.pk])
    before = page_for(published.finance, list_url)
    assert "Siapkan DPPA" in before and "DPPA-SKPD" in before
    dppas = {dpa.opd.code: dpa for dpa in dpa_services.prepare_dpas(actor=published.finance, version=shift)}
    assert set(dppas) == {DINKES, BAPENDA}  # PPKD keeps its DPA
    assert str(dppas[DINKES]).startswith("DPPA Dinas Kesehatan")

    # Dinkes: A and B changed and are split again; its pendapatan keeps the months of its DPA.
    dinkes = dppas[DINKES]
    new_a, new_b = published.sub(DINKES, SUB_A, shift), published.sub(DINKES, SUB_B, shift)
    assert months(dinkes, sub=new_a) == dpa_services.split_evenly(D("622345678.90"))
    assert months(dinkes, sub=new_b) == dpa_services.split_evenly(D("240000000.00"))
    assert months(dinkes, group="4") == months(base_dinkes, group="4")
    assert months(dinkes, group="4")[0] == D("0")
    # Bapenda: the same pagu of sub-kegiatan D with other lines: its season is carried over.
    assert months(dppas[BAPENDA], sub=published.sub(BAPENDA, SUB_D, shift)) == months(base_bapenda, sub=sub_d)
    assert months(dppas[BAPENDA], group="4") == months(base_bapenda, group="4")
    event = AuditEvent.objects.filter(action="dpa.prepare", object_id=str(shift.pk)).get()
    assert event.after["carried_over"] == 3 and event.after["cash_plan_rows"] == 12 * 5

    after = page_for(published.finance, list_url)
    assert "Siapkan DPPA" not in after
    assert re.findall(r'<span class="check-(ok|bad)">', after) == ["ok", "ok"]
    issued = dpa_services.issue_dpa(actor=published.finance, dpa=dinkes, number="900/001/DPPA/2024")
    assert issued.state == Dpa.State.ISSUED
    page = page_for(published.staff[DINKES], reverse("budgeting:dpa-detail", args=[dinkes.pk]))
    assert "<h1>DPPA Dinas Kesehatan</h1>" in page
    assert CashPlan.objects.filter(dpa__version=published.version).count() == 12 * 9  # the DPAs stay as issued
    listed = client_for(published.staff[DINKES]).get(f"{API}/dpa/").json()["results"]
    assert [(row["document"], row["version"]["id"]) for row in listed] == [
        ("DPPA", shift.pk),
        ("DPA", published.version.pk),
    ]


def test_a_pergeseran_without_changes_needs_no_dppa(published):
    shift = apbd_services.create_shift_version(actor=published.finance, fiscal_year=published.fiscal_year)
    shift = adopt(shift, published.finance)
    assert dpa_services.prepare_dpas(actor=published.finance, version=shift) == []
    assert "Siapkan DPPA" not in page_for(published.finance, reverse("budgeting:dpa-list", args=[shift.pk]))
