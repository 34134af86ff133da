"""The RAPBD: the murni version, consolidation (ringkasan), the balance check, the lifecycle and publication."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from budgeting.models import ApbdTotal, ApbdVersion, Rka, RkaComment, RkaSubKegiatan, Transition
from budgeting.selectors import apbd as apbd_selectors
from budgeting.selectors import rka as rka_selectors
from budgeting.services import apbd as apbd_services
from budgeting.services import rka as rka_services
from masterdata.errors import TransitionNotAllowed
from masterdata.models import AuditEvent, Opd, User
from planning.models import RenjaLine
from tests.budgeting.factories import (
    ADOPTION_DETAILS,
    BAPENDA,
    DINKES,
    PPKD,
    SHIFT_ADOPTION,
    SMALL_LINES,
    SUB_A,
    SUB_B,
    adopt,
    agreed_kua,
    approve_all,
    budget_setup,
    final_rkpd,
    finance_user,
    small_apbd,
)
from tests.factories import UserFactory

VState = ApbdVersion.State
D = Decimal
NOT_FINANCE = [User.Role.OPD_STAFF, User.Role.BAPPEDA, User.Role.DPRD, User.Role.AUDITOR, User.Role.ADMIN]


def role_user(role):
    opd = Opd.objects.get(code=DINKES) if role == User.Role.OPD_STAFF else None
    return UserFactory(role=role, opd=opd)


# --- The murni version ------------------------------------------------------------------------


def test_the_murni_version_opens_an_rka_per_opd_with_the_sub_kegiatan_of_its_final_renja(reference_data):
    final_rkpd(reference_data)
    finance = finance_user()
    kua = agreed_kua(reference_data, finance)
    version = apbd_services.create_murni_version(actor=finance, kua=kua)
    assert (version.number, version.kind, version.state, version.kua_ppas_id) == (1, "murni", "draft", kua.pk)
    assert sorted(Rka.objects.filter(version=version).values_list("opd__code", "state")) == [
        (DINKES, "draft"),
        (PPKD, "draft"),
        (BAPENDA, "draft"),
    ]
    sub = RkaSubKegiatan.objects.get(rka__version=version, sub_kegiatan__code=SUB_B)
    renja_line = RenjaLine.objects.get(renja__opd__code=DINKES, sub_kegiatan__code=SUB_B)
    assert (
        sub.rka.opd.code,
        sub.renja_line,
        sub.location,
        sub.output_indicator,
        sub.output_target,
        sub.output_unit,
    ) == (
        DINKES,
        renja_line,
        f"Lokasi {SUB_B}",
        f"Keluaran {SUB_B}",
        D("4.00"),
        "paket",
    )
    assert RkaSubKegiatan.objects.filter(rka__version=version).count() == 4
    assert AuditEvent.objects.get(action="apbd_version.create").after["rkas"] == 3


def test_bpkad_as_ppkd_always_gets_an_rka_for_transfers_and_pembiayaan(reference_data):
    final_rkpd(reference_data, pagu={DINKES: {SUB_A: D("1000")}})
    finance = finance_user()
    version = apbd_services.create_murni_version(actor=finance, kua=agreed_kua(reference_data, finance))
    assert sorted(Rka.objects.filter(version=version).values_list("opd__code", flat=True)) == [DINKES, PPKD]


def test_the_murni_version_needs_a_locked_kua_ppas_and_is_made_once(reference_data):
    final_rkpd(reference_data)
    finance = finance_user()
    kua = agreed_kua(reference_data, finance, lock=False)
    with pytest.raises(ValidationError, match="sudah dikunci"):
        apbd_services.create_murni_version(actor=finance, kua=kua)
    kua.state = kua.State.LOCKED
    kua.save()
    apbd_services.create_murni_version(actor=finance, kua=kua)
    with pytest.raises(ValidationError, match="APBD 2024 sudah dibuat"):
        apbd_services.create_murni_version(actor=finance, kua=kua)


@pytest.mark.parametrize("role", NOT_FINANCE)
def test_only_the_finance_officer_opens_the_rapbd(reference_data, role):
    final_rkpd(reference_data)
    kua = agreed_kua(reference_data, finance_user())
    with pytest.raises(PermissionDenied):
        apbd_services.create_murni_version(actor=role_user(role), kua=kua)
    assert not ApbdVersion.objects.exists()


# --- Consolidation ----------------------------------------------------------------------------


def test_the_ringkasan_by_account_sums_every_level_to_the_sen(reference_data):
    setup = small_apbd(reference_data)
    rows = {(row.code, row.level): row.amount for row in apbd_selectors.totals_by_account(setup.version)}
    assert rows == {
        ("4", "akun"): D("1020000000.00"),
        ("4.1", "kelompok"): D("120000000.00"),
        ("4.1.01", "jenis"): D("40000000.00"),
        ("4.1.01.11", "objek"): D("40000000.00"),
        ("4.1.02", "jenis"): D("80000000.00"),
        ("4.1.02.01", "objek"): D("80000000.00"),
        ("4.2", "kelompok"): D("900000000.00"),
        ("4.2.01", "jenis"): D("900000000.00"),
        ("4.2.01.01", "objek"): D("900000000.00"),
        ("5", "akun"): D("1027345678.90"),
        ("5.1", "kelompok"): D("327345678.90"),
        ("5.1.01", "jenis"): D("250000000.00"),
        ("5.1.01.01", "objek"): D("250000000.00"),
        ("5.1.02", "jenis"): D("77345678.90"),
        ("5.1.02.01", "objek"): D("32345678.90"),
        ("5.1.02.02", "objek"): D("45000000.00"),
        ("5.2", "kelompok"): D("600000000.00"),
        ("5.2.03", "jenis"): D("600000000.00"),
        ("5.2.03.01", "objek"): D("600000000.00"),
        ("5.3", "kelompok"): D("100000000.00"),
        ("5.3.01", "jenis"): D("100000000.00"),
        ("5.3.01.01", "objek"): D("100000000.00"),
        ("6", "akun"): D("92654321.10"),
        ("6.1", "kelompok"): D("50000000.00"),
        ("6.1.01", "jenis"): D("50000000.00"),
        ("6.1.01.01", "objek"): D("50000000.00"),
        ("6.2", "kelompok"): D("42654321.10"),
        ("6.2.02", "jenis"): D("42654321.10"),
        ("6.2.02.01", "objek"): D("42654321.10"),
    }
    names = {row.code: row.name for row in apbd_selectors.totals_by_account(setup.version)}
    assert (names["5"], names["5.2"], names["6.2.02"]) == ("BELANJA DAERAH", "BELANJA MODAL", "Penyertaan Modal Daerah")


def test_the_ringkasan_by_opd_urusan_bidang_and_program(reference_data):
    setup = small_apbd(reference_data)
    version = setup.version

    def table(dimension):
        return {g.code: g.parts for g in apbd_selectors.group_totals(version, dimension)}

    assert table("opd") == {
        DINKES: {"4.1": D("80000000.00"), "5.1": D("262345678.90"), "5.2": D("600000000.00")},
        PPKD: {
            "4.2": D("900000000.00"),
            "5.1": D("45000000.00"),
            "5.3": D("100000000.00"),
            "6.1": D("50000000.00"),
            "6.2": D("42654321.10"),
        },
        BAPENDA: {"4.1": D("40000000.00"), "5.1": D("20000000.00")},
    }
    dinkes = next(g for g in apbd_selectors.group_totals(version, ApbdTotal.Dimension.OPD) if g.code == DINKES)
    assert (dinkes.pendapatan, dinkes.belanja) == (D("80000000.00"), D("862345678.90"))
    assert table("urusan") == {
        "1": {"5.1": D("262345678.90"), "5.2": D("600000000.00")},
        "5": {"5.1": D("65000000.00"), "5.3": D("100000000.00")},
    }
    assert table("bidang") == {
        "1.02": {"5.1": D("262345678.90"), "5.2": D("600000000.00")},
        "5.02": {"5.1": D("65000000.00"), "5.3": D("100000000.00")},
    }
    # The supporting program X.XX.01 of Dinas Kesehatan counts as 1.02.01, under the OPD's own bidang.
    programs = {g.code: (g.name, g.belanja) for g in apbd_selectors.group_totals(version, "program")}
    assert programs == {
        "1.02.01": ("PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH", D("250000000.00")),
        "1.02.02": (
            "PROGRAM PEMENUHAN UPAYA KESEHATAN PERORANGAN DAN UPAYA KESEHATAN MASYARAKAT",
            D("612345678.90"),
        ),
        "5.02.02": ("PROGRAM PENGELOLAAN KEUANGAN DAERAH", D("145000000.00")),
        "5.02.04": ("PROGRAM PENGELOLAAN PENDAPATAN DAERAH", D("20000000.00")),
    }


def test_the_balance_covers_the_defisit_with_net_pembiayaan(reference_data):
    result = apbd_selectors.balance(small_apbd(reference_data).version)
    assert result.surplus == D("-7345678.90")
    assert result.pembiayaan_netto == D("7345678.90")
    assert result.gap == 0
    assert result.is_balanced


def test_consolidation_queries_do_not_grow_with_lines(reference_data, django_assert_max_num_queries):
    setup = small_apbd(reference_data)
    with django_assert_max_num_queries(16):
        rows = apbd_selectors.rollup_rows(setup.version)
        apbd_selectors.balance(setup.version)
    for label in ("L2", "L5", "L10"):
        setup.lines[label].pk = None
        setup.lines[label].save()
    with django_assert_max_num_queries(16):
        more = apbd_selectors.rollup_rows(setup.version)
    assert len(rows["account"]) == len(more["account"])


# --- Submission -------------------------------------------------------------------------------


def _with_l9(amount):
    return [(label, *rest[:-1], amount if label == "L9" else rest[-1]) for label, *rest in SMALL_LINES]


@pytest.mark.parametrize(
    ("l9", "refusal"),
    [
        (
            "42654321.11",
            "APBD belum seimbang: surplus/defisit -Rp 7.345.678,90 ditambah pembiayaan netto Rp 7.345.678,89 "
            "= -Rp 0,01; pembiayaan kurang Rp 0,01 dari yang dibutuhkan (harus tepat Rp 0).",
        ),
        (
            "42654321.09",
            "APBD belum seimbang: surplus/defisit -Rp 7.345.678,90 ditambah pembiayaan netto Rp 7.345.678,91 "
            "= Rp 0,01; pembiayaan lebih Rp 0,01 dari yang dibutuhkan (harus tepat Rp 0).",
        ),
        ("42654321.10", None),
    ],
)
def test_the_balance_check_blocks_submission_off_by_one_sen_and_passes_when_exact(reference_data, l9, refusal):
    setup = small_apbd(reference_data, lines=_with_l9(l9))
    if refusal:
        with pytest.raises(ValidationError) as refused:
            apbd_services.transition_apbd(actor=setup.finance, version=setup.version, action="submit")
        assert refused.value.messages == [refusal]
        setup.version.refresh_from_db()
        assert setup.version.state == VState.DRAFT
        assert not AuditEvent.objects.filter(action="apbd_version.submit").exists()
    else:
        version = apbd_services.transition_apbd(actor=setup.finance, version=setup.version, action="submit")
        assert version.state == VState.SUBMITTED


def test_submission_needs_every_rka_approved(reference_data):
    setup = small_apbd(reference_data, approve=False)
    approve_all(setup.version, setup.staff, setup.finance, opd_codes=[DINKES, PPKD])
    with pytest.raises(ValidationError) as refused:
        apbd_services.transition_apbd(actor=setup.finance, version=setup.version, action="submit")
    assert refused.value.messages == ["1 RKA belum disetujui TAPD: Badan Pendapatan Daerah."]


def test_once_submitted_no_rka_moves_any_more(reference_data):
    setup = small_apbd(reference_data)
    approved = Rka.objects.select_related("version").get(pk=setup.rkas[DINKES].pk)
    assert rka_services.rka_moves(approved) == ["reopen"]  # approved, in a draft version
    apbd_services.transition_apbd(actor=setup.finance, version=setup.version, action="submit")
    for action in ("return", "reopen"):
        with pytest.raises(TransitionNotAllowed) as refused:
            rka_services.transition_rka(actor=setup.finance, rka=setup.rkas[DINKES], action=action, note="Koreksi")
        assert refused.value.allowed == []


def test_an_approved_rka_reopened_blocks_the_submission_until_approved_again(reference_data):
    setup = small_apbd(reference_data)
    dinkes = rka_services.transition_rka(
        actor=setup.finance, rka=setup.rkas[DINKES], action="reopen", note="Sumber dana belanja modal keliru."
    )
    assert dinkes.state == Rka.State.RETURNED
    event = AuditEvent.objects.filter(action="rka.reopen").get()
    assert (event.before, event.after["state"]) == ({"state": "approved"}, "returned")
    with pytest.raises(ValidationError) as refused:
        apbd_services.transition_apbd(actor=setup.finance, version=setup.version, action="submit")
    assert refused.value.messages == ["1 RKA belum disetujui TAPD: Dinas Kesehatan."]
    approve_all(setup.version, setup.staff, setup.finance, opd_codes=[DINKES])
    submitted = apbd_services.transition_apbd(actor=setup.finance, version=setup.version, action="submit")
    assert submitted.state == VState.SUBMITTED


# --- Lifecycle --------------------------------------------------------------------------------

FULL_ACTIONS = ["submit", "agree", "evaluate", "refine", "adopt", "publish", "approve"]
FULL_LEGAL = {
    VState.DRAFT: ["submit"],
    VState.SUBMITTED: ["agree"],
    VState.AGREED: ["evaluate"],
    VState.EVALUATED: ["refine", "adopt"],
    VState.REFINING: ["adopt"],
    VState.ADOPTED: ["publish"],
    VState.PUBLISHED: [],
}
SHIFT_LEGAL = {
    VState.DRAFT: ["approve"],
    VState.APPROVED: ["adopt"],
    VState.ADOPTED: ["publish"],
    VState.PUBLISHED: [],
}


def _illegal(table):
    return [(state, action) for state, legal in table.items() for action in FULL_ACTIONS if action not in legal]


def _version_in(reference_data, kind, state):
    setup = budget_setup(reference_data)
    ApbdVersion.objects.filter(pk=setup.version.pk).update(
        kind=kind, state=state, perda_number="12 Tahun 2023", shift_number=1 if kind == "pergeseran" else None
    )
    setup.version.refresh_from_db()
    return setup


@pytest.mark.parametrize(("state", "action"), _illegal(FULL_LEGAL))
@pytest.mark.parametrize("kind", ["murni", "perubahan"])
def test_every_illegal_move_of_murni_and_perubahan_is_refused(reference_data, kind, state, action):
    setup = _version_in(reference_data, kind, state)
    with pytest.raises(TransitionNotAllowed) as refused:
        apbd_services.transition_apbd(actor=setup.finance, version=setup.version, action=action)
    assert refused.value.current == {"state": state}
    assert refused.value.allowed == FULL_LEGAL[state]
    assert setup.version.get_state_display().lower() in str(refused.value)
    setup.version.refresh_from_db()
    assert setup.version.state == state
    assert not Transition.objects.filter(document_type="apbdversion").exists()


@pytest.mark.parametrize(("state", "action"), _illegal(SHIFT_LEGAL))
def test_every_illegal_move_of_a_pergeseran_is_refused(reference_data, state, action):
    setup = _version_in(reference_data, "pergeseran", state)
    with pytest.raises(TransitionNotAllowed) as refused:
        apbd_services.transition_apbd(actor=setup.finance, version=setup.version, action=action)
    assert refused.value.current == {"state": state}
    assert refused.value.allowed == SHIFT_LEGAL[state]


@pytest.mark.parametrize("role", NOT_FINANCE)
@pytest.mark.parametrize("action", FULL_ACTIONS)
def test_only_the_finance_officer_moves_a_version(reference_data, role, action):
    setup = budget_setup(reference_data)
    with pytest.raises(PermissionDenied):
        apbd_services.transition_apbd(actor=role_user(role), version=setup.version, action=action)


def test_from_draft_to_published_with_every_detail_recorded(reference_data):
    setup = small_apbd(reference_data)
    version = adopt(setup.version, setup.finance)
    assert version.state == VState.ADOPTED
    assert (version.dprd_agreement_date, version.evaluation_number, version.perda_number, version.perbup_date) == (
        datetime.date(2023, 11, 28),
        "100.3.3.1/1234/013/2023",
        "12 Tahun 2023",
        datetime.date(2023, 12, 21),
    )
    assert apbd_selectors.apbd_warnings(version) == []
    moves = Transition.objects.filter(document_type="apbdversion", document_id=version.pk)
    assert list(moves.values_list("action", "from_state", "to_state")) == [
        ("submit", "draft", "submitted"),
        ("agree", "submitted", "agreed"),
        ("evaluate", "agreed", "evaluated"),
        ("adopt", "evaluated", "adopted"),
    ]
    audited = AuditEvent.objects.filter(object_type="budgeting.apbdversion", object_id=str(version.pk))
    assert list(audited.order_by("sequence").values_list("action", flat=True)) == [
        "apbd_version.create",
        "apbd_version.submit",
        "apbd_version.agree",
        "apbd_version.evaluate",
        "apbd_version.adopt",
    ]


@pytest.mark.parametrize(
    ("action", "details", "fields"),
    [
        ("agree", {}, {"dprd_agreement_date"}),
        ("agree", {"dprd_agreement_date": "28-11-2023"}, {"dprd_agreement_date"}),
        ("evaluate", {"evaluation_number": "1"}, {"evaluation_date", "evaluation_corrections"}),
        ("adopt", {"perda_number": "12", "perda_date": datetime.date(2023, 12, 20)}, {"perbup_number", "perbup_date"}),
    ],
)
def test_each_step_needs_its_documents(reference_data, action, details, fields):
    setup = small_apbd(reference_data)
    version = setup.version
    for step in ("submit", "agree", "evaluate", "adopt"):
        if step == action:
            break
        version = apbd_services.transition_apbd(
            actor=setup.finance, version=version, action=step, **ADOPTION_DETAILS.get(step, {})
        )
    with pytest.raises(ValidationError) as refused:
        apbd_services.transition_apbd(actor=setup.finance, version=version, action=action, **details)
    assert set(refused.value.message_dict) == fields


def test_dates_follow_each_other(reference_data):
    setup = small_apbd(reference_data)
    version = apbd_services.transition_apbd(actor=setup.finance, version=setup.version, action="submit")
    version = apbd_services.transition_apbd(
        actor=setup.finance, version=version, action="agree", dprd_agreement_date=datetime.date(2023, 11, 28)
    )
    with pytest.raises(ValidationError) as refused:
        apbd_services.transition_apbd(
            actor=setup.finance,
            version=version,
            action="evaluate",
            **(ADOPTION_DETAILS["evaluate"] | {"evaluation_date": datetime.date(2023, 11, 27)}),
        )
    assert refused.value.message_dict == {
        "evaluation_date": ["Tanggal evaluasi tidak boleh sebelum tanggal persetujuan bersama dprd."]
    }


def test_a_late_dprd_agreement_warns_but_does_not_block(reference_data):
    setup = small_apbd(reference_data)
    version = apbd_services.transition_apbd(actor=setup.finance, version=setup.version, action="submit")
    version = apbd_services.transition_apbd(
        actor=setup.finance, version=version, action="agree", dprd_agreement_date=datetime.date(2023, 12, 4)
    )
    assert version.state == VState.AGREED
    warning = "Persetujuan bersama DPRD melewati batas lazim 30-11-2023."
    assert apbd_selectors.apbd_warnings(version) == [warning]
    assert Transition.objects.get(document_type="apbdversion", action="agree").note == warning


def test_unknown_details_are_a_programming_error(reference_data):
    setup = small_apbd(reference_data)
    with pytest.raises(TypeError):
        apbd_services.transition_apbd(
            actor=setup.finance, version=setup.version, action="submit", perda_number="12 Tahun 2023"
        )


# --- Publication and freezing -----------------------------------------------------------------


def test_publication_stores_every_rollup_once_equal_to_the_live_aggregate(reference_data):
    setup = small_apbd(reference_data)
    version = adopt(setup.version, setup.finance)
    live = apbd_selectors.rollup_rows(version)
    live_balance = apbd_selectors.balance(version)
    assert not ApbdTotal.objects.exists()

    version = apbd_services.transition_apbd(actor=setup.finance, version=version, action="publish")
    assert version.state == VState.PUBLISHED and version.published_at is not None
    for dimension in ApbdTotal.Dimension.values:
        assert apbd_selectors.stored_rows(version, dimension) == live[dimension], dimension
    assert apbd_selectors.stored_balance(version) == live_balance
    stored = {(r.code, r.level): r.amount for r in apbd_selectors.stored_rows(version, "opd")}
    assert stored[(DINKES, "5")] == D("862345678.90")
    assert stored[(DINKES, "5.2")] == D("600000000.00")
    assert stored[(PPKD, "6.2")] == D("42654321.10")
    bidang = {g.code: g.parts for g in apbd_selectors.stored_group_totals(version, "bidang")}
    assert bidang == {g.code: g.parts for g in apbd_selectors.group_totals(version, "bidang")}
    count = ApbdTotal.objects.filter(version=version).count()
    assert count == sum(len(rows) for rows in live.values())
    assert AuditEvent.objects.get(action="apbd_version.publish").after["stored_totals"] == count


def test_an_adopted_version_is_frozen(reference_data):
    setup = small_apbd(reference_data)
    adopt(setup.version, setup.finance)
    staff = setup.staff[DINKES]
    line = setup.lines["L2"]
    with pytest.raises(TransitionNotAllowed):
        rka_services.update_rka_line(actor=staff, line=line, expected_version=1, volume_1=D("2"))
    with pytest.raises(TransitionNotAllowed):
        rka_services.add_rka_line(
            actor=staff, rka=setup.rkas[DINKES], **setup.line_values(DINKES, SUB_A, "5.1.02.01.01.0024", "1")
        )
    with pytest.raises(TransitionNotAllowed):
        rka_services.delete_rka_line(actor=staff, line=line)
    with pytest.raises(PermissionDenied):
        rka_services.update_rka_line(actor=setup.finance, line=line, expected_version=1, volume_1=D("2"))
    line.refresh_from_db()
    assert (line.amount, line.version) == (D("12345678.90"), 1)


def test_who_reads_which_version(reference_data):
    setup = small_apbd(reference_data)
    dprd, auditor = role_user(User.Role.DPRD), role_user(User.Role.AUDITOR)
    year = setup.fiscal_year
    assert list(apbd_selectors.visible_apbd_versions(auditor, fiscal_year=year)) == [setup.version]
    assert not apbd_selectors.visible_apbd_versions(dprd, fiscal_year=year).exists()
    assert not apbd_selectors.visible_apbd_versions(AnonymousUser(), fiscal_year=year).exists()
    version = adopt(setup.version, setup.finance)
    assert list(apbd_selectors.visible_apbd_versions(dprd, fiscal_year=year)) == [version]
    assert not apbd_selectors.visible_apbd_versions(AnonymousUser(), fiscal_year=year).exists()
    apbd_services.transition_apbd(actor=setup.finance, version=version, action="publish")
    assert list(apbd_selectors.visible_apbd_versions(AnonymousUser(), fiscal_year=year)) == [version]
    staff = setup.staff[BAPENDA]
    assert [rka.opd.code for rka in rka_selectors.visible_rkas(staff).filter(version=version)] == [BAPENDA]


def test_a_pergeseran_is_adopted_by_perbup_only(reference_data):
    setup = small_apbd(reference_data)
    base = adopt(setup.version, setup.finance)
    shift = apbd_services.create_shift_version(actor=setup.finance, fiscal_year=base.fiscal_year)
    shift = apbd_services.transition_apbd(actor=setup.finance, version=shift, action="approve")
    with pytest.raises(TypeError):
        apbd_services.transition_apbd(actor=setup.finance, version=shift, action="adopt", perda_number="1")
    shift = apbd_services.transition_apbd(actor=setup.finance, version=shift, action="adopt", **SHIFT_ADOPTION)
    assert (shift.state, shift.perda_number, shift.perbup_number) == (VState.ADOPTED, "", "20 Tahun 2024")


def test_an_approved_rka_takes_no_more_comments_until_reopened(reference_data):
    setup = small_apbd(reference_data)
    rka = Rka.objects.select_related("version").get(pk=setup.rkas[DINKES].pk)
    for actor in (setup.finance, setup.staff[DINKES]):
        with pytest.raises(PermissionDenied):
            rka_services.comment_rka(actor=actor, rka=rka, text="Masih ada catatan")
    rka = rka_services.transition_rka(actor=setup.finance, rka=rka, action="reopen", note="Perbaiki lokasi.")
    assert (
        rka_services.comment_rka(actor=setup.staff[DINKES], rka=rka, text="Sudah diperbaiki").text == "Sudah diperbaiki"
    )


# --- Penyempurnaan: corrections after the Gubernur's evaluation ------------------------------------


def _evaluated(setup):
    version = setup.version
    for action in ("submit", "agree", "evaluate"):
        version = apbd_services.transition_apbd(
            actor=setup.finance, version=version, action=action, **ADOPTION_DETAILS.get(action, {})
        )
    return version


def test_penyempurnaan_reopens_the_corrected_rkas_with_the_evaluation_as_their_note(reference_data):
    setup = small_apbd(reference_data)
    version = _evaluated(setup)
    version = apbd_services.transition_apbd(
        actor=setup.finance,
        version=version,
        action="refine",
        note="Kurangi belanja makan minum.",
        opds=[Opd.objects.get(code=DINKES)],
    )
    assert version.state == VState.REFINING
    dinkes = Rka.objects.get(version=version, opd__code=DINKES)
    assert dinkes.state == Rka.State.RETURNED and dinkes.is_editable
    others = Rka.objects.filter(version=version).exclude(opd__code=DINKES)
    assert set(others.values_list("state", flat=True)) == {Rka.State.APPROVED}
    note = RkaComment.objects.get(rka=dinkes).text
    assert "100.3.3.1/1234/013/2023" in note and "Tidak ada koreksi" in note and "makan minum" in note
    event = AuditEvent.objects.get(action="apbd_version.refine")
    assert event.after["reopened"] == [DINKES] and event.after["state"] == VState.REFINING

    # The OPD corrects a line and submits; adoption waits until TAPD approves it again.
    rka_services.update_rka_line(
        actor=setup.staff[DINKES], line=setup.lines["L2"], expected_version=1, description="Dikoreksi"
    )
    rka_services.transition_rka(actor=setup.staff[DINKES], rka=dinkes, action="submit")
    with pytest.raises(ValidationError) as refused:
        apbd_services.transition_apbd(actor=setup.finance, version=version, action="adopt", **ADOPTION_DETAILS["adopt"])
    assert refused.value.messages == ["1 RKA belum disetujui TAPD: Dinas Kesehatan."]
    rka_services.transition_rka(actor=setup.finance, rka=dinkes, action="approve")
    version = apbd_services.transition_apbd(
        actor=setup.finance, version=version, action="adopt", **ADOPTION_DETAILS["adopt"]
    )
    assert version.state == VState.ADOPTED
    assert not Rka.objects.get(pk=dinkes.pk).is_editable


def test_penyempurnaan_names_the_opds_it_reopens(reference_data):
    setup = small_apbd(reference_data)
    version = _evaluated(setup)
    with pytest.raises(ValidationError) as refused:
        apbd_services.transition_apbd(actor=setup.finance, version=version, action="refine")
    assert "opds" in refused.value.message_dict
    without_rka = Opd.objects.exclude(rkas__version=version).first()
    with pytest.raises(ValidationError) as refused:
        apbd_services.transition_apbd(actor=setup.finance, version=version, action="refine", opds=[without_rka])
    assert refused.value.message_dict["opds"] == ["Pilih OPD yang memiliki RKA pada versi ini."]
    version.refresh_from_db()
    assert version.state == VState.EVALUATED
    assert set(Rka.objects.filter(version=version).values_list("state", flat=True)) == {Rka.State.APPROVED}


def test_penyempurnaan_through_the_api_names_opds_by_code(reference_data, client):
    setup = small_apbd(reference_data)
    version = _evaluated(setup)
    client.force_login(setup.finance)
    url = f"/api/v1/apbd-versions/{version.pk}/transitions/"
    missing = client.post(url, {"action": "refine", "opds": ["9.99.9.99.9.99.99.99"]}, content_type="application/json")
    assert missing.status_code == 404 and "opds" in missing.content.decode()
    unused = client.post(url, {"action": "adopt", "opds": [DINKES]}, content_type="application/json")
    assert unused.status_code == 400
    moved = client.post(url, {"action": "refine", "opds": [DINKES]}, content_type="application/json")
    assert moved.status_code == 200, moved.content
    assert moved.json()["state"] == VState.REFINING
    assert Rka.objects.get(version=version, opd__code=DINKES).state == Rka.State.RETURNED


def test_penyempurnaan_from_the_version_page(reference_data, client):
    setup = small_apbd(reference_data)
    version = _evaluated(setup)
    dinkes = Opd.objects.get(code=DINKES)
    client.force_login(setup.finance)
    page = client.get(reverse("budgeting:apbd-detail", args=[version.pk])).content.decode()
    assert "Buka penyempurnaan hasil evaluasi" in page and f'value="{dinkes.pk}"' in page
    url = reverse("budgeting:apbd-transition", args=[version.pk])
    refused = client.post(url, {"action": "refine"})
    assert refused.status_code == 422 and "Pilih OPD yang RKA-nya perlu disempurnakan" in refused.content.decode()
    moved = client.post(url, {"action": "refine", "opds": [dinkes.pk], "note": "Sesuaikan honorarium."})
    assert moved.status_code == 302
    assert Rka.objects.get(version=version, opd=dinkes).state == Rka.State.RETURNED
    client.force_login(setup.staff[DINKES])
    rka = Rka.objects.get(version=version, opd=dinkes)
    staff_page = client.get(reverse("budgeting:rka-detail", args=[rka.pk])).content.decode()
    assert "Penyempurnaan hasil evaluasi Gubernur" in staff_page and "Sesuaikan honorarium." in staff_page
