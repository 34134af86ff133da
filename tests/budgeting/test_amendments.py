"""Amendments: pergeseran and APBD-Perubahan as new versions, and the diff of any two versions."""

import datetime
import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from budgeting.models import ApbdVersion, Ceiling, KuaPpas, Rka, RkaLine, RkaSubKegiatan, Transition
from budgeting.selectors import apbd as apbd_selectors
from budgeting.selectors import ceilings as ceiling_selectors
from budgeting.selectors import diff as diff_selectors
from budgeting.services import apbd as apbd_services
from budgeting.services import ceilings as ceiling_services
from budgeting.services import kua as kua_services
from budgeting.services import rka as rka_services
from masterdata.models import AuditEvent, Opd, User
from masterdata.money import money_sum
from tests.budgeting.factories import (
    BAPENDA,
    DINKES,
    PPKD,
    SUB_D,
    adopt,
    approve_all,
    finance_user,
    small_apbd,
)
from tests.factories import UserFactory

D = Decimal
VState = ApbdVersion.State
AGREEMENT = {"agreement_number": "050/21/430.6/2024", "agreement_date": datetime.date(2024, 8, 30)}


@pytest.fixture
def adopted(reference_data):
    setup = small_apbd(reference_data)
    setup.version = adopt(setup.version, setup.finance, publish=True)
    return setup


def update(setup, line, amount, actor=None):
    opd_code = line.rka.opd.code
    return rka_services.update_rka_line(
        actor=actor or setup.staff[opd_code], line=line, expected_version=line.version, unit_price=D(amount)
    )


def shift_dinkes_and_bapenda(setup, shift):
    """Dinkes moves Rp 10.000.000 from the building (L1) to office supplies (L2); Bapenda replaces its meeting
    meals (L10) by honoraria of the same amount."""
    update(setup, setup.line_in(shift, "L1"), "590000000.00")
    update(setup, setup.line_in(shift, "L2"), "22345678.90")
    rka_services.delete_rka_line(actor=setup.staff[BAPENDA], line=setup.line_in(shift, "L10"))
    rka_services.add_rka_line(
        actor=setup.staff[BAPENDA],
        rka=Rka.objects.get(version=shift, opd__code=BAPENDA),
        **setup.line_values(BAPENDA, SUB_D, "5.1.02.02.01.0003", "20000000.00", version=shift, description="Honor"),
    )
    approve_all(shift, setup.staff, setup.finance, opd_codes=[DINKES, BAPENDA])


# --- Pergeseran -------------------------------------------------------------------------------


def test_a_pergeseran_copies_the_adopted_version_with_ceilings_at_its_opd_totals(adopted):
    base = adopted.version
    shift = apbd_services.create_shift_version(actor=adopted.finance, fiscal_year=base.fiscal_year)
    assert (shift.number, shift.kind, shift.shift_number, shift.state, shift.base_id) == (
        2,
        "pergeseran",
        1,
        "draft",
        base.pk,
    )
    kua = shift.kua_ppas
    assert (kua.kind, kua.state, kua.previous_id, kua.number) == ("pergeseran", "locked", adopted.kua.pk, 2)
    assert kua.agreement_number == adopted.kua.agreement_number
    ceilings = dict(Ceiling.objects.filter(kua_ppas=kua).values_list("opd__code", "amount"))
    assert ceilings == {DINKES: D("862345678.90"), PPKD: D("145000000.00"), BAPENDA: D("20000000.00")}
    assert set(Rka.objects.filter(version=shift).values_list("state", flat=True)) == {"draft"}
    assert RkaSubKegiatan.objects.filter(rka__version=shift).count() == 4
    copies = RkaLine.objects.filter(rka__version=shift)
    assert copies.count() == 11
    assert set(copies.values_list("copied_from__rka__version", flat=True)) == {base.pk}
    l3 = adopted.line_in(shift, "L3")
    assert (l3.amount, l3.version, l3.rka.opd.code, l3.sub_kegiatan.rka.version_id) == (
        D("250000000.00"),
        1,
        DINKES,
        shift.pk,
    )
    assert l3.sub_kegiatan.sub_kegiatan.code == "X.XX.01.2.02.0001"
    assert l3.copied_from == adopted.lines["L3"]
    assert apbd_selectors.rollup_rows(shift) == apbd_selectors.rollup_rows(base)
    assert AuditEvent.objects.get(action="apbd_version.create", object_id=str(shift.pk)).after["lines"] == 11


def test_a_pergeseran_needs_an_adopted_version(reference_data):
    with pytest.raises(ValidationError, match="Belum ada APBD 2024 yang ditetapkan"):
        apbd_services.create_shift_version(actor=finance_user(), fiscal_year=reference_data)


def test_one_version_is_worked_on_at_a_time(adopted):
    apbd_services.create_shift_version(actor=adopted.finance, fiscal_year=adopted.fiscal_year)
    with pytest.raises(ValidationError, match="Pergeseran 1 2024 masih berstatus draf"):
        apbd_services.create_shift_version(actor=adopted.finance, fiscal_year=adopted.fiscal_year)
    assert ApbdVersion.objects.count() == 2


@pytest.mark.parametrize("role", [User.Role.OPD_STAFF, User.Role.BAPPEDA, User.Role.DPRD, User.Role.AUDITOR])
def test_only_the_finance_officer_opens_an_amendment(adopted, role):
    opd = Opd.objects.get(code=DINKES) if role == User.Role.OPD_STAFF else None
    user = UserFactory(role=role, opd=opd)
    with pytest.raises(PermissionDenied):
        apbd_services.create_shift_version(actor=user, fiscal_year=adopted.fiscal_year)


def test_a_pergeseran_keeps_every_opd_total(adopted):
    shift = apbd_services.create_shift_version(actor=adopted.finance, fiscal_year=adopted.fiscal_year)
    update(adopted, adopted.line_in(shift, "L1"), "590000000.00")
    with pytest.raises(ValidationError) as refused:
        update(adopted, adopted.line_in(shift, "L2"), "22345678.91")
    assert refused.value.message_dict["amount"] == [
        "Melebihi plafon Dinas Kesehatan: sisa Rp 22.345.678,90, rincian ini Rp 22.345.678,91 (lebih Rp 0,01)."
    ]
    gap = (
        "Belanja Dinas Kesehatan Rp 852.345.678,90 tidak sama dengan versi dasar Rp 862.345.678,90 "
        "(selisih -Rp 10.000.000); pergeseran tidak boleh mengubah total belanja OPD."
    )
    dinkes = Rka.objects.get(version=shift, opd__code=DINKES)
    with pytest.raises(ValidationError) as refused:
        rka_services.transition_rka(actor=adopted.staff[DINKES], rka=dinkes, action="submit")
    assert refused.value.messages == [f"{gap} Sesuaikan rinciannya lebih dulu."]
    dinkes.refresh_from_db()
    assert dinkes.state == Rka.State.DRAFT
    with pytest.raises(ValidationError) as refused:
        apbd_services.transition_apbd(actor=adopted.finance, version=shift, action="approve")
    assert refused.value.messages == [
        gap,
        "1 RKA belum disetujui TAPD: Dinas Kesehatan.",
        "APBD belum seimbang: surplus/defisit Rp 2.654.321,10 ditambah pembiayaan netto Rp 7.345.678,90 "
        "= Rp 10.000.000; pembiayaan lebih Rp 10.000.000 dari yang dibutuhkan (harus tepat Rp 0).",
    ]


def test_a_pergeseran_is_approved_when_shifted_rkas_are_approved(adopted):
    shift = apbd_services.create_shift_version(actor=adopted.finance, fiscal_year=adopted.fiscal_year)
    update(adopted, adopted.line_in(shift, "L1"), "590000000.00")
    update(adopted, adopted.line_in(shift, "L2"), "22345678.90")
    with pytest.raises(ValidationError) as refused:
        apbd_services.transition_apbd(actor=adopted.finance, version=shift, action="approve")
    assert refused.value.messages == ["1 RKA belum disetujui TAPD: Dinas Kesehatan."]
    approve_all(shift, adopted.staff, adopted.finance, opd_codes=[DINKES])
    for role in (User.Role.BAPPEDA, User.Role.AUDITOR):
        with pytest.raises(PermissionDenied):
            apbd_services.transition_apbd(actor=UserFactory(role=role), version=shift, action="approve")

    shift = apbd_services.transition_apbd(actor=adopted.finance, version=shift, action="approve")
    assert shift.state == VState.APPROVED
    # RKAs with nothing shifted are approved with the version, and can no longer be edited.
    untouched = Rka.objects.get(version=shift, opd__code=PPKD)
    assert untouched.state == Rka.State.APPROVED
    assert Transition.objects.get(document_type="rka", document_id=untouched.pk).note == (
        "Tidak ada pergeseran pada RKA ini."
    )
    assert apbd_selectors.belanja_by_opd(shift) == apbd_selectors.belanja_by_opd(adopted.version)


def test_shift_numbers_and_version_numbers_follow_on(adopted):
    first = apbd_services.create_shift_version(actor=adopted.finance, fiscal_year=adopted.fiscal_year)
    adopt(first, adopted.finance)
    second = apbd_services.create_shift_version(actor=adopted.finance, fiscal_year=adopted.fiscal_year)
    assert (second.number, second.shift_number, second.base_id, second.kua_ppas.number) == (3, 2, first.pk, 3)
    assert str(second) == "Pergeseran 2 2024"


# --- Diff -------------------------------------------------------------------------------------


def _lines(queryset):
    return sorted((line.rka.opd.code, line.account.code, line.amount) for line in queryset)


def _changes(diff):
    return sorted(
        (line.rka.opd.code, line.old_account_code, line.new_account_code, line.old_amount, line.new_amount, line.delta)
        for line in diff.changed
    )


def _rows(rows):
    return [(row.code, row.level, row.old, row.new, row.delta) for row in rows]


def test_the_diff_of_a_pergeseran_against_a_hand_computed_example(adopted):
    base = adopted.version
    shift = apbd_services.create_shift_version(actor=adopted.finance, fiscal_year=base.fiscal_year)
    shift_dinkes_and_bapenda(adopted, shift)

    diff = diff_selectors.diff_lines(base, shift)
    assert _lines(diff.added) == [(BAPENDA, "5.1.02.02.01.0003", D("20000000.00"))]
    assert _lines(diff.removed) == [(BAPENDA, "5.1.02.01.01.0052", D("20000000.00"))]
    assert _changes(diff) == [
        (
            DINKES,
            "5.1.02.01.01.0024",
            "5.1.02.01.01.0024",
            D("12345678.90"),
            D("22345678.90"),
            D("10000000.00"),
        ),
        (
            DINKES,
            "5.2.03.01.01.0001",
            "5.2.03.01.01.0001",
            D("600000000.00"),
            D("590000000.00"),
            D("-10000000.00"),
        ),
    ]
    assert diff.totals() == {
        "added": D("20000000.00"),
        "removed": D("20000000.00"),
        "changed": D("0.00"),
        "net": D("0.00"),
    }

    rollups = diff_selectors.diff_rollups(base, shift, changed_only=True)
    assert _rows(rollups["account"]) == [
        ("5.1", "kelompok", D("327345678.90"), D("337345678.90"), D("10000000.00")),
        ("5.1.02", "jenis", D("77345678.90"), D("87345678.90"), D("10000000.00")),
        ("5.1.02.01", "objek", D("32345678.90"), D("22345678.90"), D("-10000000.00")),
        ("5.1.02.02", "objek", D("45000000.00"), D("65000000.00"), D("20000000.00")),
        ("5.2", "kelompok", D("600000000.00"), D("590000000.00"), D("-10000000.00")),
        ("5.2.03", "jenis", D("600000000.00"), D("590000000.00"), D("-10000000.00")),
        ("5.2.03.01", "objek", D("600000000.00"), D("590000000.00"), D("-10000000.00")),
    ]
    assert _rows(rollups["opd"]) == [
        (DINKES, "5.1", D("262345678.90"), D("272345678.90"), D("10000000.00")),
        (DINKES, "5.2", D("600000000.00"), D("590000000.00"), D("-10000000.00")),
    ]
    assert _rows(rollups["urusan"]) == [
        ("1", "5.1", D("262345678.90"), D("272345678.90"), D("10000000.00")),
        ("1", "5.2", D("600000000.00"), D("590000000.00"), D("-10000000.00")),
    ]
    assert _rows(rollups["bidang"]) == [
        ("1.02", "5.1", D("262345678.90"), D("272345678.90"), D("10000000.00")),
        ("1.02", "5.2", D("600000000.00"), D("590000000.00"), D("-10000000.00")),
    ]
    assert _rows(rollups["program"]) == [
        ("1.02.02", "5.1", D("12345678.90"), D("22345678.90"), D("10000000.00")),
        ("1.02.02", "5.2", D("600000000.00"), D("590000000.00"), D("-10000000.00")),
    ]
    everything = diff_selectors.diff_rollups(base, shift)
    assert ("5", "akun", D("1027345678.90"), D("1027345678.90"), D("0.00")) in _rows(everything["account"])

    # The other way round: what was added is removed, and every delta changes sign.
    back = diff_selectors.diff_lines(shift, base)
    assert _lines(back.added) == [(BAPENDA, "5.1.02.01.01.0052", D("20000000.00"))]
    assert _lines(back.removed) == [(BAPENDA, "5.1.02.02.01.0003", D("20000000.00"))]
    assert [change[3:] for change in _changes(back)] == [
        (D("22345678.90"), D("12345678.90"), D("-10000000.00")),
        (D("590000000.00"), D("600000000.00"), D("10000000.00")),
    ]


def test_a_changed_account_counts_as_a_change_even_with_the_same_amount(adopted):
    shift = apbd_services.create_shift_version(actor=adopted.finance, fiscal_year=adopted.fiscal_year)
    l2 = adopted.line_in(shift, "L2")
    rka_services.update_rka_line(
        actor=adopted.staff[DINKES],
        line=l2,
        expected_version=1,
        account=l2.account.__class__.objects.get(version=l2.account.version, code="5.1.02.01.01.0052"),
    )
    assert _changes(diff_selectors.diff_lines(adopted.version, shift)) == [
        (DINKES, "5.1.02.01.01.0024", "5.1.02.01.01.0052", D("12345678.90"), D("12345678.90"), D("0.00"))
    ]


def _kupa_ppas_p(setup, ceilings):
    kua = kua_services.create_kua_ppas(actor=setup.finance, fiscal_year=setup.fiscal_year, kind=KuaPpas.Kind.PERUBAHAN)
    for code, amount in ceilings.items():
        ceiling_services.set_ceiling(actor=setup.finance, kua=kua, opd=Opd.objects.get(code=code), amount=D(amount))
    for action in ("submit", "agree", "lock"):
        kua = kua_services.transition_kua(actor=setup.finance, kua=kua, action=action, **AGREEMENT)
    return kua


def test_the_diff_follows_copies_across_two_amendments(adopted):
    base = adopted.version
    shift = apbd_services.create_shift_version(actor=adopted.finance, fiscal_year=base.fiscal_year)
    shift_dinkes_and_bapenda(adopted, shift)
    adopt(shift, adopted.finance, publish=True)

    kua = _kupa_ppas_p(adopted, {DINKES: "912345678.90"})
    assert (kua.number, kua.previous.kind) == (3, "pergeseran")
    perubahan = apbd_services.create_perubahan_version(actor=adopted.finance, kua=kua)
    assert (perubahan.number, perubahan.kind, perubahan.base_id) == (3, "perubahan", shift.pk)
    update(adopted, adopted.line_in(perubahan, "L3"), "300000000.00")
    update(adopted, adopted.line_in(perubahan, "L7"), "950000000.00")
    approve_all(perubahan, adopted.staff, adopted.finance)
    perubahan = apbd_services.transition_apbd(actor=adopted.finance, version=perubahan, action="submit")

    diff = diff_selectors.diff_lines(base, perubahan)
    assert _lines(diff.added) == [(BAPENDA, "5.1.02.02.01.0003", D("20000000.00"))]
    assert _lines(diff.removed) == [(BAPENDA, "5.1.02.01.01.0052", D("20000000.00"))]
    assert [(change[1], change[5]) for change in _changes(diff)] == [
        ("5.1.01.01.01.0001", D("50000000.00")),
        ("5.1.02.01.01.0024", D("10000000.00")),
        ("5.2.03.01.01.0001", D("-10000000.00")),
        ("4.2.01.01.01.0001", D("50000000.00")),
    ]
    assert diff.totals()["net"] == D("100000000.00")
    old_total = RkaLine.objects.filter(rka__version=base).aggregate(t=money_sum())["t"]
    new_total = RkaLine.objects.filter(rka__version=perubahan).aggregate(t=money_sum())["t"]
    assert new_total - old_total == D("100000000.00")
    balance = {
        row.code: row.delta for row in diff_selectors.diff_rollups(base, perubahan)["account"] if row.level == "akun"
    }
    assert balance == {"4": D("50000000.00"), "5": D("50000000.00"), "6": D("0.00")}


def test_versions_of_different_lines_of_descent_cannot_be_compared(adopted, reference_data):
    other = ApbdVersion.objects.create(
        fiscal_year=reference_data, number=9, kind="murni", kua_ppas=adopted.kua, state=VState.DRAFT
    )
    with pytest.raises(ValidationError, match="tidak berada dalam satu garis"):
        diff_selectors.diff_lines(adopted.version, other)


# --- APBD-Perubahan ---------------------------------------------------------------------------


def test_the_perubahan_needs_a_locked_kupa_ppas_p(adopted):
    with pytest.raises(ValidationError, match="KUPA-PPAS Perubahan yang plafonnya dikunci"):
        apbd_services.create_perubahan_version(actor=adopted.finance, kua=adopted.kua)
    kua = kua_services.create_kua_ppas(actor=adopted.finance, fiscal_year=adopted.fiscal_year, kind="perubahan")
    with pytest.raises(ValidationError, match="KUPA-PPAS Perubahan yang plafonnya dikunci"):
        apbd_services.create_perubahan_version(actor=adopted.finance, kua=kua)


def test_the_apbd_is_amended_once_a_year(adopted):
    perubahan = apbd_services.create_perubahan_version(actor=adopted.finance, kua=_kupa_ppas_p(adopted, {}))
    approve_all(perubahan, adopted.staff, adopted.finance)
    adopt(perubahan, adopted.finance)
    with pytest.raises(ValidationError, match="APBD 2024 sudah memiliki APBD Perubahan"):
        apbd_services.create_perubahan_version(actor=adopted.finance, kua=_kupa_ppas_p(adopted, {}))
    shift = apbd_services.create_shift_version(actor=adopted.finance, fiscal_year=adopted.fiscal_year)
    assert (shift.base_id, shift.shift_number) == (perubahan.pk, 1)


def test_the_perubahan_checks_copied_lines_against_the_new_ceilings(adopted):
    inspektorat = "6.01.0.00.0.00.01.00"
    kua = _kupa_ppas_p(adopted, {BAPENDA: "15000000.00", inspektorat: "5000000.00"})
    perubahan = apbd_services.create_perubahan_version(actor=adopted.finance, kua=kua)
    assert Rka.objects.get(version=perubahan, opd__code=inspektorat).state == Rka.State.DRAFT
    with pytest.raises(ValidationError, match="sudah dipakai oleh versi APBD lain"):
        apbd_services.create_perubahan_version(actor=adopted.finance, kua=kua)
    assert ceiling_selectors.ceiling_breaches(perubahan) == [
        "Belanja melebihi plafon Badan Pendapatan Daerah: Rp 20.000.000 dari plafon Rp 15.000.000 (lebih Rp 5.000.000)."
    ]
    l10 = adopted.line_in(perubahan, "L10")
    with pytest.raises(ValidationError, match="Melebihi plafon Badan Pendapatan Daerah"):
        update(adopted, l10, "20000000.01")
    l10 = update(adopted, l10, "16000000.00")  # shrinking in place is allowed while still over the ceiling
    approve_all(perubahan, adopted.staff, adopted.finance, opd_codes=[DINKES, PPKD, BAPENDA])
    with pytest.raises(ValidationError) as refused:
        apbd_services.transition_apbd(actor=adopted.finance, version=perubahan, action="submit")
    assert refused.value.messages[:2] == [
        "1 RKA belum disetujui TAPD: Inspektorat.",
        "Belanja melebihi plafon Badan Pendapatan Daerah: Rp 16.000.000 dari plafon Rp 15.000.000 "
        "(lebih Rp 1.000.000).",
    ]


# --- Scale ------------------------------------------------------------------------------------

SCALE = 50_000


@pytest.mark.postgresql
def test_fifty_thousand_lines_consolidate_and_copy_quickly(adopted):
    """The year's RAPBD at real size: consolidation under 2 s, an amendment copy and its diff likewise."""
    base = adopted.version
    template = adopted.lines["L2"]
    accounts = list(
        template.account.__class__.objects.filter(
            version=template.account.version, code__startswith="5.1.02.", level="sub_rincian_objek"
        ).values_list("pk", flat=True)[:300]
    )
    fields = {f.attname: getattr(template, f.attname) for f in RkaLine._meta.concrete_fields if not f.primary_key}
    RkaLine.objects.bulk_create(
        (
            RkaLine(**(fields | {"account_id": accounts[i % len(accounts)], "amount": D(i % 997) + D("0.37")}))
            for i in range(SCALE)
        ),
        batch_size=5000,
    )
    expected = RkaLine.objects.filter(rka__version=base).aggregate(t=money_sum())["t"]

    started = time.perf_counter()
    rows = apbd_selectors.rollup_rows(base)
    balance = apbd_selectors.balance(base)
    consolidation = time.perf_counter() - started
    assert next(r.amount for r in rows["account"] if r.code == "5") == balance.belanja
    assert balance.pendapatan + balance.belanja + balance.penerimaan_pembiayaan + balance.pengeluaran_pembiayaan == (
        expected
    )
    assert consolidation < 2, consolidation

    started = time.perf_counter()
    shift = apbd_services.create_shift_version(actor=adopted.finance, fiscal_year=adopted.fiscal_year)
    copy = time.perf_counter() - started
    assert RkaLine.objects.filter(rka__version=shift).count() == SCALE + 11
    assert copy < 5, copy

    started = time.perf_counter()
    diff = diff_selectors.diff_lines(base, shift)
    assert diff.totals()["net"] == 0
    assert not diff.changed.exists()
    compared = time.perf_counter() - started
    assert compared < 2, compared
    assert connection.vendor == "postgresql"


def test_the_editor_shows_the_difference_from_the_base_as_lines_change(adopted, client):
    shift = apbd_services.create_shift_version(actor=adopted.finance, fiscal_year=adopted.fiscal_year)
    dinkes = Rka.objects.get(version=shift, opd__code=DINKES)
    client.force_login(adopted.staff[DINKES])
    detail = client.get(reverse("budgeting:rka-detail", args=[dinkes.pk])).content.decode()
    assert "Selisih dari versi dasar" in detail and "harus Rp 0" not in detail
    line = adopted.line_in(shift, "L1")
    fields = {
        "account": line.account_id,
        "description": line.description,
        "volume_1": "1",
        "unit_1": line.unit_1,
        "unit_price": "590.000.000",
        "funding_source": line.funding_source_id,
        "version": line.version,
    }
    saved = client.post(
        reverse("budgeting:line-edit", args=[dinkes.pk, line.pk]),
        {f"line{line.pk}-{key}": value for key, value in fields.items()},
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 200, saved.content.decode()[:2000]
    summary = saved.content.decode()
    assert "Selisih dari versi dasar" in summary and "-Rp 10.000.000" in summary and "harus Rp 0" in summary
