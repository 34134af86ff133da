"""KUA-PPAS: versions, policy lines, ceilings and the lifecycle."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budgeting.models import Ceiling, KuaAccountLine, KuaPpas, Transition
from budgeting.selectors import ceilings as ceiling_selectors
from budgeting.selectors import kua as kua_selectors
from budgeting.services import ceilings as ceiling_services
from budgeting.services import kua as kua_services
from masterdata.errors import TransitionNotAllowed
from masterdata.models import AuditEvent, Opd, User
from tests.budgeting.factories import (
    BAPENDA,
    DINKES,
    PPKD,
    SUB_A,
    SUB_C,
    account,
    agreed_kua,
    final_rkpd,
    finance_user,
    node,
)
from tests.factories import UserFactory

State = KuaPpas.State
NOT_FINANCE = [User.Role.OPD_STAFF, User.Role.BAPPEDA, User.Role.DPRD, User.Role.AUDITOR, User.Role.ADMIN]
AGREEMENT = {"agreement_number": "050/7/430.6/2023", "agreement_date": datetime.date(2023, 8, 14)}


@pytest.fixture
def finance(db):
    return finance_user()


@pytest.fixture
def draft(reference_data, finance):
    final_rkpd(reference_data)
    return kua_services.create_kua_ppas(actor=finance, fiscal_year=reference_data)


def opd_ceilings(kua):
    return {
        code: amount
        for code, amount in Ceiling.objects.opd_level().filter(kua_ppas=kua).values_list("opd__code", "amount")
    }


def role_user(role):
    opd = Opd.objects.get(code=DINKES) if role == User.Role.OPD_STAFF else None
    return UserFactory(role=role, opd=opd)


# --- Versions ---------------------------------------------------------------------------------


def test_first_version_starts_from_the_final_rkpd_pagu_indikatif(draft, finance):
    assert draft.number == 1
    assert draft.state == State.DRAFT
    assert draft.previous is None
    assert opd_ceilings(draft) == {
        DINKES: Decimal("1000000000.00"),
        PPKD: Decimal("500000000.00"),
        BAPENDA: Decimal("100000000.00"),
    }
    event = AuditEvent.objects.get(action="kua_ppas.create", object_id=str(draft.pk))
    assert Decimal(event.after["ceiling_total"]) == Decimal("1600000000.00")


def test_first_version_needs_a_final_rkpd(reference_data, finance):
    with pytest.raises(ValidationError, match="RKPD 2024 belum final"):
        kua_services.create_kua_ppas(actor=finance, fiscal_year=reference_data)
    assert not KuaPpas.objects.exists()


@pytest.mark.parametrize("role", NOT_FINANCE)
def test_only_the_finance_officer_creates_a_version(reference_data, role):
    final_rkpd(reference_data)
    with pytest.raises(PermissionDenied):
        kua_services.create_kua_ppas(actor=role_user(role), fiscal_year=reference_data)


def test_no_new_version_while_the_last_one_is_not_agreed(draft, finance):
    with pytest.raises(ValidationError, match="masih berstatus draf"):
        kua_services.create_kua_ppas(actor=finance, fiscal_year=draft.fiscal_year)
    kua_services.transition_kua(actor=finance, kua=draft, action="submit")
    with pytest.raises(ValidationError, match="masih berstatus diajukan ke dprd"):
        kua_services.create_kua_ppas(actor=finance, fiscal_year=draft.fiscal_year)


def test_a_change_after_agreement_is_a_new_version_copying_the_last(draft, finance):
    fiscal_year = draft.fiscal_year
    kua_services.set_kua_account_line(
        actor=finance, kua=draft, account=account(fiscal_year, "5.1"), amount=Decimal("1700000000.00"), note="Operasi"
    )
    ceiling_services.set_ceiling(
        actor=finance,
        kua=draft,
        opd=Opd.objects.get(code=DINKES),
        sub_kegiatan=node(fiscal_year, SUB_A),
        amount=Decimal("400000000.00"),
    )
    kua_services.transition_kua(actor=finance, kua=draft, action="submit")
    kua_services.transition_kua(actor=finance, kua=draft, action="agree", **AGREEMENT)

    second = kua_services.create_kua_ppas(actor=finance, fiscal_year=fiscal_year)
    assert (second.number, second.previous_id, second.state, second.rkpd_id) == (2, draft.pk, "draft", draft.rkpd_id)
    assert opd_ceilings(second) == opd_ceilings(draft)
    assert Ceiling.objects.get(kua_ppas=second, sub_kegiatan__code=SUB_A).amount == Decimal("400000000.00")
    assert KuaAccountLine.objects.get(kua_ppas=second).note == "Operasi"

    ceiling_services.set_ceiling(
        actor=finance, kua=second, opd=Opd.objects.get(code=DINKES), amount=Decimal("1100000000.00")
    )
    draft.refresh_from_db()
    assert draft.state == State.AGREED
    assert opd_ceilings(draft)[DINKES] == Decimal("1000000000.00")  # the earlier version is unchanged
    with pytest.raises(TransitionNotAllowed):
        ceiling_services.set_ceiling(actor=finance, kua=draft, opd=Opd.objects.get(code=DINKES), amount=Decimal("1"))


def test_kupa_ppas_perubahan_waits_for_an_adopted_apbd(reference_data, finance):
    final_rkpd(reference_data)
    agreed_kua(reference_data, finance)
    with pytest.raises(ValidationError) as refused:
        kua_services.create_kua_ppas(actor=finance, fiscal_year=reference_data, kind=KuaPpas.Kind.PERUBAHAN)
    assert "setelah APBD murni ditetapkan" in str(refused.value)


# --- Policy lines -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    ["4.1", "4.1.01", "4.1.01.11", "5.1", "5.1.02", "5.2", "6.1", "6.1.01", "6.2.02.01"],
)
def test_policy_lines_at_the_allowed_levels(draft, finance, code):
    line = kua_services.set_kua_account_line(
        actor=finance, kua=draft, account=account(draft.fiscal_year, code), amount=Decimal("1234567.89")
    )
    assert line.amount == Decimal("1234567.89")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("4", "akun 4 pada KUA-PPAS diisi pada tingkat kelompok, jenis, objek"),
        ("4.1.01.11.01", "akun 4 pada KUA-PPAS diisi pada tingkat kelompok, jenis, objek"),
        ("5.1.02.01", "akun 5 pada KUA-PPAS diisi pada tingkat kelompok, jenis"),
        ("5.1.02.01.01.0024", "akun 5 pada KUA-PPAS diisi pada tingkat kelompok, jenis"),
        ("6", "akun 6 pada KUA-PPAS diisi pada tingkat kelompok, jenis, objek"),
    ],
)
def test_policy_lines_refused_at_other_levels(draft, finance, code, message):
    with pytest.raises(ValidationError) as refused:
        kua_services.set_kua_account_line(
            actor=finance, kua=draft, account=account(draft.fiscal_year, code), amount=Decimal("1")
        )
    assert message in refused.value.message_dict["account"][0]


def test_a_policy_line_and_its_ancestor_would_count_twice(draft, finance):
    fiscal_year = draft.fiscal_year
    kua_services.set_kua_account_line(
        actor=finance, kua=draft, account=account(fiscal_year, "4.1"), amount=Decimal("5")
    )
    for code in ("4.1.01", "4.1.01.11"):
        with pytest.raises(ValidationError, match="bertumpuk dengan 4.1"):
            kua_services.set_kua_account_line(
                actor=finance, kua=draft, account=account(fiscal_year, code), amount=Decimal("1")
            )
    kua_services.set_kua_account_line(
        actor=finance, kua=draft, account=account(fiscal_year, "4.2"), amount=Decimal("7")
    )
    assert kua_selectors.kua_policy_totals(draft)["pendapatan"] == Decimal("12.00")


@pytest.mark.parametrize(
    ("amount", "message"),
    [(Decimal("-1"), "tidak boleh negatif"), (Decimal("1.005"), "dua angka desimal"), ("1000", "Wajib berupa angka")],
)
def test_policy_amounts_are_rupiah_to_the_sen(draft, finance, amount, message):
    with pytest.raises(ValidationError) as refused:
        kua_services.set_kua_account_line(
            actor=finance, kua=draft, account=account(draft.fiscal_year, "5.1"), amount=amount
        )
    assert message in refused.value.message_dict["amount"][0]


def test_setting_a_policy_line_twice_changes_it_and_is_audited(draft, finance):
    acc = account(draft.fiscal_year, "5.1")
    kua_services.set_kua_account_line(actor=finance, kua=draft, account=acc, amount=Decimal("10"))
    line = kua_services.set_kua_account_line(actor=finance, kua=draft, account=acc, amount=Decimal("20.50"))
    assert KuaAccountLine.objects.filter(kua_ppas=draft).count() == 1
    event = AuditEvent.objects.filter(action="kua_account_line.set").order_by("-sequence").first()
    assert (Decimal(event.before["amount"]), Decimal(event.after["amount"])) == (Decimal("10"), Decimal("20.50"))
    kua_services.delete_kua_account_line(actor=finance, line=line)
    assert not KuaAccountLine.objects.filter(kua_ppas=draft).exists()
    assert AuditEvent.objects.filter(action="kua_account_line.delete", object_id=str(line.pk)).exists()


# --- Ceilings ---------------------------------------------------------------------------------


def test_program_and_sub_kegiatan_ceilings_fit_inside_the_opd_ceiling(draft, finance):
    fiscal_year, dinkes = draft.fiscal_year, Opd.objects.get(code=DINKES)
    program = node(fiscal_year, "1.02.02")
    ceiling_services.set_ceiling(actor=finance, kua=draft, opd=dinkes, program=program, amount=Decimal("600000000"))
    with pytest.raises(ValidationError) as refused:
        ceiling_services.set_ceiling(
            actor=finance, kua=draft, opd=dinkes, program=node(fiscal_year, "1.02.03"), amount=Decimal("400000000.01")
        )
    assert refused.value.message_dict["amount"] == [
        "Jumlah plafon program melebihi plafon Dinas Kesehatan: sisa Rp 400.000.000, diminta Rp 400.000.000,01."
    ]
    ceiling_services.set_ceiling(
        actor=finance, kua=draft, opd=dinkes, sub_kegiatan=node(fiscal_year, SUB_A), amount=Decimal("350000000")
    )
    with pytest.raises(ValidationError, match="Melebihi plafon program 1.02.02: sisa Rp 250.000.000"):
        ceiling_services.set_ceiling(
            actor=finance,
            kua=draft,
            opd=dinkes,
            sub_kegiatan=node(fiscal_year, "1.02.02.2.01.0002"),
            amount=Decimal("250000000.01"),
        )
    with pytest.raises(ValidationError, match="di bawah jumlah plafon sub-kegiatannya"):
        ceiling_services.set_ceiling(
            actor=finance, kua=draft, opd=dinkes, program=program, amount=Decimal("349999999.99")
        )
    with pytest.raises(ValidationError, match="di bawah jumlah plafon program-nya"):
        ceiling_services.set_ceiling(actor=finance, kua=draft, opd=dinkes, amount=Decimal("599999999.99"))
    with pytest.raises(ValidationError, match="Hapus dulu plafon program dan sub-kegiatan"):
        ceiling_services.delete_ceiling(
            actor=finance,
            ceiling=Ceiling.objects.opd_level().get(kua_ppas=draft, opd=dinkes),
        )


def test_ceilings_only_for_the_opds_own_nomenclature(draft, finance):
    fiscal_year, dinkes = draft.fiscal_year, Opd.objects.get(code=DINKES)
    with pytest.raises(ValidationError) as refused:
        ceiling_services.set_ceiling(
            actor=finance, kua=draft, opd=dinkes, sub_kegiatan=node(fiscal_year, SUB_C), amount=Decimal("1")
        )
    assert refused.value.message_dict["sub_kegiatan"] == [f"Sub-kegiatan {SUB_C} bukan kewenangan Dinas Kesehatan."]
    with pytest.raises(ValidationError, match="Program 5.02.02 bukan kewenangan"):
        ceiling_services.set_ceiling(
            actor=finance, kua=draft, opd=dinkes, program=node(fiscal_year, "5.02.02"), amount=Decimal("1")
        )
    # The X.XX supporting programs belong to every OPD.
    ceiling_services.set_ceiling(
        actor=finance, kua=draft, opd=dinkes, program=node(fiscal_year, "X.XX.01"), amount=Decimal("1")
    )
    with pytest.raises(ValidationError, match="Pilih program dari nomenklatur"):
        ceiling_services.set_ceiling(
            actor=finance, kua=draft, opd=dinkes, program=node(fiscal_year, SUB_A), amount=Decimal("1")
        )


def test_narrower_ceilings_need_the_opd_ceiling_first(draft, finance):
    inspektorat = Opd.objects.get(code="6.01.0.00.0.00.01.00")
    with pytest.raises(ValidationError, match="Tetapkan dulu plafon Inspektorat"):
        ceiling_services.set_ceiling(
            actor=finance, kua=draft, opd=inspektorat, program=node(draft.fiscal_year, "X.XX.01"), amount=Decimal("1")
        )
    ceiling = ceiling_services.set_ceiling(actor=finance, kua=draft, opd=inspektorat, amount=Decimal("75000000"))
    event = AuditEvent.objects.get(action="ceiling.set", object_id=str(ceiling.pk))
    assert Decimal(event.after["amount"]) == Decimal("75000000")
    ceiling_services.delete_ceiling(actor=finance, ceiling=ceiling)
    assert not Ceiling.objects.filter(pk=ceiling.pk).exists()


@pytest.mark.parametrize("role", NOT_FINANCE)
def test_only_the_finance_officer_changes_policy_and_ceilings(draft, role):
    user = role_user(role)
    with pytest.raises(PermissionDenied):
        ceiling_services.set_ceiling(actor=user, kua=draft, opd=Opd.objects.get(code=DINKES), amount=Decimal("1"))
    with pytest.raises(PermissionDenied):
        kua_services.set_kua_account_line(
            actor=user, kua=draft, account=account(draft.fiscal_year, "5.1"), amount=Decimal("1")
        )
    with pytest.raises(PermissionDenied):
        kua_services.transition_kua(actor=user, kua=draft, action="submit")
    assert opd_ceilings(draft)[DINKES] == Decimal("1000000000.00")


# --- Lifecycle --------------------------------------------------------------------------------

ACTIONS = ["submit", "revise", "agree", "lock"]
LEGAL = {
    State.DRAFT: ["submit"],
    State.SUBMITTED: ["revise", "agree"],
    State.AGREED: ["lock"],
    State.LOCKED: [],
}


@pytest.mark.parametrize(
    ("state", "action"), [(state, action) for state in State.values for action in ACTIONS if action not in LEGAL[state]]
)
def test_every_illegal_move_is_refused_with_the_current_state_and_the_allowed_moves(draft, finance, state, action):
    if state != State.DRAFT:
        KuaPpas.objects.filter(pk=draft.pk).update(state=state, **AGREEMENT)
    draft.refresh_from_db()
    with pytest.raises(TransitionNotAllowed) as refused:
        kua_services.transition_kua(actor=finance, kua=draft, action=action, note="x", **AGREEMENT)
    assert refused.value.current == {"state": state}
    assert refused.value.allowed == LEGAL[state]
    assert draft.get_state_display().lower() in str(refused.value)
    draft.refresh_from_db()
    assert draft.state == state
    assert not Transition.objects.filter(document_type="kuappas").exists()


def test_the_whole_lifecycle_records_transitions_and_audit_events(draft, finance):
    kua_services.transition_kua(actor=finance, kua=draft, action="submit")
    kua_services.transition_kua(actor=finance, kua=draft, action="revise", note="Banggar: plafon Dinkes turun")
    ceiling_services.set_ceiling(
        actor=finance, kua=draft, opd=Opd.objects.get(code=DINKES), amount=Decimal("900000000")
    )
    kua_services.transition_kua(actor=finance, kua=draft, action="submit")
    kua_services.transition_kua(actor=finance, kua=draft, action="agree", **AGREEMENT)
    kua = kua_services.transition_kua(actor=finance, kua=draft, action="lock")
    assert kua.state == State.LOCKED and kua.ceilings_locked
    assert (kua.agreement_number, kua.agreement_date) == ("050/7/430.6/2023", datetime.date(2023, 8, 14))
    moves = list(
        Transition.objects.filter(document_type="kuappas", document_id=kua.pk).values_list(
            "action", "from_state", "to_state"
        )
    )
    assert moves == [
        ("submit", "draft", "submitted"),
        ("revise", "submitted", "draft"),
        ("submit", "draft", "submitted"),
        ("agree", "submitted", "agreed"),
        ("lock", "agreed", "locked"),
    ]
    actions = list(
        AuditEvent.objects.filter(object_type="budgeting.kuappas", object_id=str(kua.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == [
        "kua_ppas.create",
        "kua_ppas.submit",
        "kua_ppas.revise",
        "kua_ppas.submit",
        "kua_ppas.agree",
        "kua_ppas.lock",
    ]
    agree = AuditEvent.objects.get(action="kua_ppas.agree")
    assert (agree.before["state"], agree.before["agreement_number"]) == ("submitted", "")
    assert agree.after["agreement_number"] == "050/7/430.6/2023"


def test_revising_needs_the_deliberation_note(draft, finance):
    kua_services.transition_kua(actor=finance, kua=draft, action="submit")
    with pytest.raises(ValidationError) as refused:
        kua_services.transition_kua(actor=finance, kua=draft, action="revise", note="  ")
    assert "note" in refused.value.message_dict


def test_the_agreement_needs_the_nota_kesepakatan_number_and_date(draft, finance):
    kua_services.transition_kua(actor=finance, kua=draft, action="submit")
    with pytest.raises(ValidationError) as refused:
        kua_services.transition_kua(actor=finance, kua=draft, action="agree", agreement_number=" ")
    assert set(refused.value.message_dict) == {"agreement_number", "agreement_date"}
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED


def test_submission_refused_when_ceilings_exceed_the_planned_belanja(draft, finance):
    fiscal_year = draft.fiscal_year
    kua_services.set_kua_account_line(
        actor=finance, kua=draft, account=account(fiscal_year, "5.1"), amount=Decimal("1000000000.00")
    )
    kua_services.set_kua_account_line(
        actor=finance, kua=draft, account=account(fiscal_year, "5.2.03"), amount=Decimal("599999999.99")
    )
    with pytest.raises(ValidationError) as refused:
        kua_services.transition_kua(actor=finance, kua=draft, action="submit")
    assert refused.value.messages == [
        "Jumlah plafon OPD Rp 1.600.000.000 melebihi rencana belanja Rp 1.599.999.999,99 (lebih Rp 0,01)."
    ]
    kua_services.set_kua_account_line(
        actor=finance, kua=draft, account=account(fiscal_year, "5.2.03"), amount=Decimal("600000000.00")
    )
    assert kua_services.transition_kua(actor=finance, kua=draft, action="submit").state == State.SUBMITTED


def test_submission_refused_for_an_inactive_opd(draft, finance):
    Opd.objects.filter(code=BAPENDA).update(is_active=False)
    with pytest.raises(ValidationError, match="OPD yang tidak aktif: Badan Pendapatan Daerah"):
        kua_services.transition_kua(actor=finance, kua=draft, action="submit")


def test_submission_needs_ceilings(reference_data, finance):
    final_rkpd(reference_data, pagu={})
    kua = kua_services.create_kua_ppas(actor=finance, fiscal_year=reference_data)
    with pytest.raises(ValidationError, match="Belum ada plafon OPD"):
        kua_services.transition_kua(actor=finance, kua=kua, action="submit")


def test_readers_see_versions_as_the_access_rules_say(draft, finance):
    dprd, staff = role_user(User.Role.DPRD), role_user(User.Role.OPD_STAFF)
    assert list(kua_selectors.visible_kua_ppas(finance, fiscal_year=draft.fiscal_year)) == [draft]
    assert not kua_selectors.visible_kua_ppas(dprd, fiscal_year=draft.fiscal_year).exists()
    assert not ceiling_selectors.visible_ceilings(staff, kua=draft).exists()
    kua_services.transition_kua(actor=finance, kua=draft, action="submit")
    assert list(kua_selectors.visible_kua_ppas(dprd, fiscal_year=draft.fiscal_year)) == [draft]
    kua_services.transition_kua(actor=finance, kua=draft, action="agree", **AGREEMENT)
    assert [c.opd.code for c in ceiling_selectors.visible_ceilings(staff, kua=draft)] == [DINKES]
