"""DPA-SKPD with the anggaran kas: default monthly split, editing by the OPD, issue by the finance officer."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from budgeting.models import CashPlan, Dpa, Transition
from budgeting.selectors import dpa as dpa_selectors
from budgeting.services import dpa as dpa_services
from masterdata.errors import TransitionNotAllowed
from masterdata.models import AuditEvent, Opd, User
from tests.budgeting.factories import BAPENDA, DINKES, PPKD, SUB_A, SUB_B, SUB_C, adopt, small_apbd
from tests.factories import UserFactory

D = Decimal
NOT_FINANCE = [User.Role.OPD_STAFF, User.Role.BAPPEDA, User.Role.DPRD, User.Role.AUDITOR, User.Role.ADMIN]


@pytest.fixture
def adopted(reference_data):
    setup = small_apbd(reference_data)
    setup.version = adopt(setup.version, setup.finance)
    return setup


@pytest.fixture
def dpas(adopted):
    return {dpa.opd.code: dpa for dpa in dpa_services.prepare_dpas(actor=adopted.finance, version=adopted.version)}


def months(dpa, group="5", sub=None):
    rows = CashPlan.objects.filter(dpa=dpa, account_group=group, sub_kegiatan=sub).order_by("month")
    return list(rows.values_list("amount", flat=True))


@pytest.mark.parametrize(
    "pagu",
    ["0", "0.01", "0.11", "1", "11.99", "12", "612345678.90", "42654321.10", "999999999999999.99"],
)
def test_the_even_split_sums_exactly_to_the_pagu(pagu):
    parts = dpa_services.split_evenly(D(pagu))
    assert len(parts) == 12
    assert sum(parts) == D(pagu)
    assert all(part >= 0 and part == part.quantize(D("0.01")) for part in parts)
    assert len(set(parts[:11])) == 1 and parts[11] >= parts[0]


def test_the_default_anggaran_kas_splits_each_pagu_over_twelve_months(adopted, dpas):
    assert set(dpas) == {DINKES, PPKD, BAPENDA}
    assert all(dpa.state == Dpa.State.DRAFT for dpa in dpas.values())
    dinkes, ppkd = dpas[DINKES], dpas[PPKD]
    sub_a, sub_b = adopted.sub(DINKES, SUB_A), adopted.sub(DINKES, SUB_B)
    assert months(dinkes, sub=sub_a) == [D("51028806.57")] * 11 + [D("51028806.63")]
    assert months(dinkes, sub=sub_b) == [D("20833333.33")] * 11 + [D("20833333.37")]
    assert months(dinkes, group="4") == [D("6666666.66")] * 11 + [D("6666666.74")]
    assert months(ppkd, sub=adopted.sub(PPKD, SUB_C)) == [D("12083333.33")] * 11 + [D("12083333.37")]
    assert months(ppkd, group="4") == [D("75000000.00")] * 12
    assert months(ppkd, group="6.1") == [D("4166666.66")] * 11 + [D("4166666.74")]
    assert months(ppkd, group="6.2") == [D("3554526.75")] * 11 + [D("3554526.85")]
    # Dinkes: A, B, pendapatan; PPKD: C, pendapatan, 6.1, 6.2; Bapenda: D, pendapatan.
    assert CashPlan.objects.filter(dpa__version=adopted.version).count() == 12 * 9
    for dpa in dpas.values():
        assert all(row["difference"] == 0 for row in dpa_selectors.cash_plan_status(dpa))


def test_preparing_twice_adds_nothing(adopted, dpas):
    again = dpa_services.prepare_dpas(actor=adopted.finance, version=adopted.version)
    assert [dpa.pk for dpa in again] == sorted(dpa.pk for dpa in dpas.values())
    assert CashPlan.objects.filter(dpa__version=adopted.version).count() == 12 * 9


def test_dpa_only_from_an_adopted_version(reference_data):
    setup = small_apbd(reference_data)
    with pytest.raises(TransitionNotAllowed):
        dpa_services.prepare_dpas(actor=setup.finance, version=setup.version)
    assert not Dpa.objects.exists()


@pytest.mark.parametrize("role", NOT_FINANCE)
def test_only_the_finance_officer_prepares_and_issues(adopted, dpas, role):
    opd = Opd.objects.get(code=DINKES) if role == User.Role.OPD_STAFF else None
    user = UserFactory(role=role, opd=opd)
    with pytest.raises(PermissionDenied):
        dpa_services.prepare_dpas(actor=user, version=adopted.version)
    with pytest.raises(PermissionDenied):
        dpa_services.issue_dpa(actor=user, dpa=dpas[DINKES], number="900/001/DPA/2024")


def test_the_opd_edits_its_cash_plan_and_finance_issues_it_only_when_exact(adopted, dpas):
    staff, finance, dpa = adopted.staff[DINKES], adopted.finance, dpas[DINKES]
    sub_a = adopted.sub(DINKES, SUB_A)
    # Construction is paid late in the year: nothing in January and February, more in November.
    status = dpa_services.edit_cash_plan(
        actor=staff, dpa=dpa, sub_kegiatan=sub_a, amounts={1: D("0"), 2: D("0"), 11: D("153086419.71")}
    )
    assert status["difference"] == 0
    assert sum(months(dpa, sub=sub_a)) == D("612345678.90")

    dpa_services.edit_cash_plan(actor=staff, dpa=dpa, sub_kegiatan=sub_a, amounts={12: D("51028806.64")})
    with pytest.raises(ValidationError) as refused:
        dpa_services.issue_dpa(actor=finance, dpa=dpa, number="900/001/DPA/2024")
    assert refused.value.messages == [
        f"Anggaran kas {SUB_A} berjumlah Rp 612.345.678,91, pagu Rp 612.345.678,90 (selisih Rp 0,01)."
    ]
    dpa_services.edit_cash_plan(actor=staff, dpa=dpa, account_group="4", amounts={1: D("6666666.65")})
    with pytest.raises(ValidationError) as refused:
        dpa_services.issue_dpa(actor=finance, dpa=dpa, number="900/001/DPA/2024")
    assert len(refused.value.messages) == 2
    assert "Anggaran kas Pendapatan berjumlah Rp 79.999.999,99, pagu Rp 80.000.000" in refused.value.messages[0]

    dpa_services.edit_cash_plan(actor=staff, dpa=dpa, sub_kegiatan=sub_a, amounts={12: D("51028806.63")})
    dpa_services.edit_cash_plan(actor=staff, dpa=dpa, account_group="4", amounts={1: D("6666666.66")})
    with pytest.raises(ValidationError) as refused:
        dpa_services.issue_dpa(actor=finance, dpa=dpa, number=" ")
    assert "number" in refused.value.message_dict
    issued = dpa_services.issue_dpa(actor=finance, dpa=dpa, number="900/001/DPA/2024")
    assert (issued.state, issued.number) == (Dpa.State.ISSUED, "900/001/DPA/2024")
    assert issued.issued_at is not None
    transition = Transition.objects.get(document_type="dpa", document_id=dpa.pk)
    assert (transition.action, transition.from_state, transition.to_state) == ("issue", "draft", "issued")
    assert AuditEvent.objects.get(action="dpa.issue").after == {"state": "issued", "number": "900/001/DPA/2024"}
    edits = AuditEvent.objects.filter(action="cash_plan.update", object_id=str(dpa.pk)).order_by("sequence")
    first = edits.first()
    assert Decimal(first.before["months"]["1"]) == D("51028806.57")
    assert Decimal(first.after["months"]["1"]) == D("0")

    with pytest.raises(TransitionNotAllowed):
        dpa_services.edit_cash_plan(actor=staff, dpa=dpa, sub_kegiatan=sub_a, amounts={1: D("1")})
    with pytest.raises(TransitionNotAllowed):
        dpa_services.issue_dpa(actor=finance, dpa=dpa, number="900/002/DPA/2024")


def test_only_the_own_opd_edits_the_cash_plan(adopted, dpas):
    sub_a = adopted.sub(DINKES, SUB_A)
    for user in (adopted.staff[BAPENDA], adopted.finance, UserFactory(role=User.Role.BAPPEDA)):
        with pytest.raises(PermissionDenied):
            dpa_services.edit_cash_plan(actor=user, dpa=dpas[DINKES], sub_kegiatan=sub_a, amounts={1: D("1")})
    assert months(dpas[DINKES], sub=sub_a)[0] == D("51028806.57")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amounts": {13: D("1")}}, "month_13"),
        ({"amounts": {1: D("-1")}}, "month_1"),
        ({"amounts": {1: D("0.001")}}, "month_1"),
        ({"amounts": {1: 5}}, "month_1"),
        ({"amounts": {1: D("1")}, "sub_kegiatan": None}, "sub_kegiatan"),
        ({"amounts": {1: D("1")}, "account_group": "4", "sub_kegiatan": "own"}, "account_group"),
        ({"amounts": {1: D("1")}, "account_group": "6.1", "sub_kegiatan": None}, "sub_kegiatan"),
    ],
)
def test_cash_plan_input_is_checked_field_by_field(adopted, dpas, kwargs, field):
    arguments = {"sub_kegiatan": "own", **kwargs}
    if arguments["sub_kegiatan"] == "own":
        arguments["sub_kegiatan"] = adopted.sub(DINKES, SUB_A)
    with pytest.raises(ValidationError) as refused:
        dpa_services.edit_cash_plan(actor=adopted.staff[DINKES], dpa=dpas[DINKES], **arguments)
    assert field in refused.value.message_dict


def test_a_sub_kegiatan_of_another_opd_is_refused(adopted, dpas):
    with pytest.raises(ValidationError) as refused:
        dpa_services.edit_cash_plan(
            actor=adopted.staff[DINKES], dpa=dpas[DINKES], sub_kegiatan=adopted.sub(PPKD, SUB_C), amounts={1: D("1")}
        )
    assert refused.value.message_dict == {"sub_kegiatan": ["Pilih sub-kegiatan dari DPA ini."]}


def test_dpa_reads_are_scoped(adopted, dpas):
    staff = adopted.staff[BAPENDA]
    assert [dpa.opd.code for dpa in dpa_selectors.visible_dpas(staff, version=adopted.version)] == [BAPENDA]
    with pytest.raises(Http404):
        dpa_selectors.dpa_for(staff, dpas[DINKES].pk)
    assert dpa_selectors.dpa_for(UserFactory(role=User.Role.AUDITOR), dpas[DINKES].pk) == dpas[DINKES]
    with pytest.raises(Http404):
        dpa_selectors.dpa_for(UserFactory(role=User.Role.BAPPEDA), dpas[DINKES].pk)
