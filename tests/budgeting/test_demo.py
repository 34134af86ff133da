"""The budget demo: a small Bondowoso year taken from its final RKPD through the KUA-PPAS, approved RKAs,
adoption, publication, DPA and one pergeseran; every code of the published ringkasan rounds to the real
figure and the year balances to the rupiah, whatever the scale."""

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from budgeting import ceiling_rules
from budgeting.models import (
    ApbdTotal,
    ApbdVersion,
    CashPlan,
    Ceiling,
    Dpa,
    KuaAccountLine,
    KuaPpas,
    Rka,
    RkaLine,
    Transition,
)
from budgeting.selectors import apbd as apbd_selectors
from budgeting.selectors import ceilings as ceiling_selectors
from budgeting.selectors import diff as diff_selectors
from budgeting.selectors import dpa as dpa_selectors
from budgeting.services import rka as rka_services
from demo import budgeting as demo
from demo import planning as planning_demo
from demo import reference as masterdata_demo
from masterdata import audit
from masterdata.models import Account, AuditEvent, StandardPriceItem, User
from masterdata.money import rupiah, total_of

pytestmark = pytest.mark.django_db
SCALE = 0.02  # the line count follows the scale; the totals never do
CENT = Decimal("0.01")


def plan(year, seed_value=7):
    """What seed_demo does before the budget: users, the standard-price catalogue, the planning year."""
    masterdata_demo.seed_users()
    masterdata_demo.seed_standard_prices(year=year, rng=random.Random(seed_value), scale=SCALE)
    planning_demo.seed_planning(year=year, rng=random.Random(seed_value), scale=SCALE)


def seed(year=2024, seed_value=7):
    plan(year, seed_value)
    return demo.seed_budget(random.Random(seed_value), year=year, scale=SCALE)


def billions(amount):
    return (amount / Decimal(10**9)).quantize(CENT, rounding=ROUND_HALF_UP)


def murni(year):
    return ApbdVersion.objects.get(fiscal_year__year=year, kind=ApbdVersion.Kind.MURNI)


def fingerprint(year):
    """What the demo decided, without database ids or timestamps."""
    lines = RkaLine.objects.filter(rka__version__fiscal_year__year=year)
    return {
        "lines": sorted(
            lines.values_list(
                "rka__version__number",
                "rka__opd__code",
                "sub_kegiatan__sub_kegiatan__code",
                "account__code",
                "standard_price__code",
                "work_package",
                "description",
                "recipient",
                "volume_1",
                "unit_1",
                "volume_2",
                "volume_3",
                "unit_price",
                "amount",
                "funding_source__code",
            ),
            key=repr,
        ),
        "ceilings": sorted(Ceiling.objects.filter(kua_ppas__fiscal_year__year=year).values_list("opd__code", "amount")),
        "kua": sorted(KuaPpas.objects.filter(fiscal_year__year=year).values_list("state", "agreement_number")),
        "versions": sorted(
            ApbdVersion.objects.filter(fiscal_year__year=year).values_list("number", "state", "perda_number")
        ),
        "cash": sorted(
            CashPlan.objects.filter(dpa__version__fiscal_year__year=year).values_list(
                "dpa__opd__code", "account_group", "sub_kegiatan__sub_kegiatan__code", "month", "amount"
            ),
            key=repr,
        ),
        "rka_states": sorted(Rka.objects.filter(version__fiscal_year__year=year).values_list("opd__code", "state")),
    }


@pytest.mark.parametrize("year", demo.ringkasan_years())
def test_exact_targets_round_to_every_published_figure_and_balance(year):
    _, figures = demo.real_figures(year)
    targets = demo.exact_targets(figures)
    for code, figure in figures.items():
        assert billions(Decimal(targets[code])) == figure, code
        assert targets[code] % demo.UNIT == 0
        children = [
            other
            for other in figures
            if other.startswith(code + ".")
            and not any(other.startswith(middle + ".") for middle in figures if middle.startswith(code + "."))
        ]
        if children:
            assert targets[code] == sum(targets[child] for child in children), code
    assert targets["4"] - targets["5"] + targets.get("6.1", 0) - targets.get("6.2", 0) == 0


def test_published_rounding_does_not_add_up_but_the_targets_do():
    """2024: the jenis of belanja sum to 2.169,73 while belanja is 2.169,74, and 'Pembiayaan Daerah' is 0,00
    although 6.1 is 185,46; the targets stay inside every window and still add up."""
    _, figures = demo.real_figures(2024)
    jenis = [code for code in figures if code.startswith("5.")]
    assert sum(figures[code] for code in jenis) == Decimal("2169.73") != figures["5"]
    targets = demo.exact_targets(figures)
    assert sum(targets[code] for code in jenis) == targets["5"]
    assert targets["6.1"] == targets["5"] - targets["4"]


def test_apportion_is_exact_in_thousands():
    shares = demo.apportion(1_000_000, [1, 1, 1])
    assert shares == [334_000, 333_000, 333_000]
    assert sum(demo.apportion(987_654_000, [0.3, 2, 7.1, 0])) == 987_654_000


def check_the_real_figures_and_the_balance(summary):
    version = murni(2024)
    assert version.state == ApbdVersion.State.PUBLISHED and version.published_at
    _, figures = demo.real_figures(2024)
    stored = dict(
        ApbdTotal.objects.filter(version=version, dimension=ApbdTotal.Dimension.ACCOUNT).values_list("code", "amount")
    )
    for code, figure in figures.items():
        assert billions(stored.get(code, Decimal(0))) == figure, code
    balance = apbd_selectors.stored_balance(version)
    assert balance.is_balanced and balance.gap == 0
    assert apbd_selectors.balance(version) == balance
    assert (summary.pendapatan, summary.belanja) == (balance.pendapatan, balance.belanja)
    assert summary.pembiayaan_netto == balance.pembiayaan_netto == balance.belanja - balance.pendapatan
    # Adopted in late 2023 for 2024, through DPRD and the Gubernur's evaluation.
    assert version.dprd_agreement_date <= datetime.date(2023, 11, 30)
    assert version.dprd_agreement_date < version.evaluation_date < version.perda_date <= version.perbup_date
    assert version.perbup_date <= datetime.date(2023, 12, 31)
    assert version.perda_number.endswith("Tahun 2023") and version.evaluation_number


def check_kua_ppas_and_ceilings():
    kua = KuaPpas.objects.get(fiscal_year__year=2024, kind=KuaPpas.Kind.MURNI)
    assert kua.state == KuaPpas.State.LOCKED and kua.agreement_number and kua.agreement_date.year == 2023
    version = murni(2024)
    totals = policy_totals(kua)
    balance = apbd_selectors.stored_balance(version)
    assert (totals["4"], totals["5"]) == (balance.pendapatan, balance.belanja)
    ceilings = dict(
        Ceiling.objects.filter(kua_ppas=kua, program=None, sub_kegiatan=None).values_list("opd_id", "amount")
    )
    assert len(ceilings) == 50
    belanja = apbd_selectors.belanja_by_opd(version)
    assert set(belanja) == set(ceilings)
    for opd_id, amount in belanja.items():
        assert 0 < amount <= ceilings[opd_id]
    assert ceiling_selectors.ceiling_breaches(version) == []


def policy_totals(kua):
    lines = KuaAccountLine.objects.filter(kua_ppas=kua)
    return {akun: total_of(lines.filter(account__code__startswith=akun)) for akun in ("4", "5", "6")}


def check_rkas_were_entered_by_their_opds_and_approved_by_tapd(summary):
    version = murni(2024)
    rkas = Rka.objects.filter(version=version)
    assert rkas.count() == summary.rkas == summary.rkas_approved == 50
    assert not rkas.exclude(state=Rka.State.APPROVED).exists()
    for rka in rkas.select_related("opd"):
        moves = Transition.objects.filter(document_type="rka", document_id=rka.pk)
        submitters = set(moves.filter(action="submit").values_list("actor__opd", "actor__role"))
        assert submitters == {(rka.opd_id, User.Role.OPD_STAFF)}
        assert set(moves.exclude(action="submit").values_list("actor__role", flat=True)) == {User.Role.FINANCE}
    importers = AuditEvent.objects.filter(action="rka_line.import")
    assert importers.count() == 50
    assert set(importers.values_list("actor__role", flat=True)) == {User.Role.OPD_STAFF}


def check_lines_follow_the_rules(summary):
    lines = RkaLine.objects.filter(rka__version=murni(2024)).select_related(
        "rka__opd", "account", "standard_price", "funding_source", "sub_kegiatan"
    )
    assert summary.lines == lines.count()
    assert 0.9 * demo.LINES_AT_SCALE_1 * SCALE <= summary.lines <= 1.4 * demo.LINES_AT_SCALE_1 * SCALE
    required = set(
        StandardPriceItem.accounts.through.objects.filter(standardpriceitem__fiscal_year__year=2024).values_list(
            "account_id", flat=True
        )
    )
    allowed = set(StandardPriceItem.accounts.through.objects.values_list("standardpriceitem_id", "account_id"))
    for line in lines:
        assert line.amount == ceiling_rules.line_amount(
            {f: getattr(line, f) for f in ("volume_1", "volume_2", "volume_3", "unit_price")}
        )
        assert line.account.level == Account.Level.SUB_RINCIAN_OBJEK and line.account.is_active
        assert line.funding_source.level == Account.Level.SUB_RINCIAN_OBJEK and line.funding_source.is_active
        akun = line.account.code[0]
        assert (line.sub_kegiatan_id is None) == (akun in "46")
        if akun == "6":
            assert line.rka.opd.code == rka_services.PPKD_OPD_CODE
        if line.standard_price is not None:
            assert line.unit_price <= line.standard_price.price
            assert (line.standard_price_id, line.account_id) in allowed
        else:
            assert line.account_id not in required
        if line.account.code.startswith(("5.1.05", "5.1.06", "5.4")):
            assert line.recipient
    by_opd = {
        code: set(lines.filter(rka__opd__code=code).values_list("account__code", flat=True).distinct())
        for code in (demo.BAPENDA, demo.BPKAD, demo.RSUD)
    }
    assert any(code.startswith("4.1.01") for code in by_opd[demo.BAPENDA])
    assert any(code.startswith("4.2") for code in by_opd[demo.BPKAD])
    assert any(code.startswith("4.1.04.16") for code in by_opd[demo.RSUD])
    assert {code[:3] for code in by_opd[demo.BPKAD]} >= {"5.3", "5.4", "6.1"}
    # Pegawai in every OPD; work packages and keterangan on every line.
    assert lines.filter(account__code__startswith="5.1.01").values("rka__opd").distinct().count() == 50
    assert not lines.filter(work_package="").exists() and not lines.filter(description="").exists()
    assert lines.filter(standard_price__isnull=False).exists() and lines.filter(volume_2__isnull=False).exists()


def check_dpa_cash_plans_sum_exactly():
    version = murni(2024)
    dpas = Dpa.objects.filter(version=version).select_related("rka")
    assert dpas.count() == 50
    assert set(dpas.values_list("state", flat=True)) == {Dpa.State.ISSUED}
    assert not dpas.filter(number="").exists()
    for dpa in dpas:
        rows = dpa_selectors.cash_plan_status(dpa)
        assert rows and all(row["difference"] == 0 for row in rows)
        planned = total_of(CashPlan.objects.filter(dpa=dpa))
        assert planned == total_of(RkaLine.objects.filter(rka_id=dpa.rka_id))
    # Some OPDs plan their construction for the dry season rather than evenly.
    assert CashPlan.objects.filter(dpa__version=version, month=1, amount=0).exists()


def check_one_pergeseran_within_each_opd(summary):
    base = murni(2024)
    shift = ApbdVersion.objects.get(fiscal_year__year=2024, kind=ApbdVersion.Kind.PERGESERAN)
    assert shift.state == ApbdVersion.State.PUBLISHED and shift.base_id == base.pk and shift.perbup_number
    assert apbd_selectors.belanja_by_opd(shift) == apbd_selectors.belanja_by_opd(base)
    assert apbd_selectors.stored_balance(shift).is_balanced
    diff = diff_selectors.diff_lines(base, shift)
    changed_opds = set(diff.changed.values_list("rka__opd_id", flat=True)) | set(
        diff.added.values_list("rka__opd_id", flat=True)
    )
    assert len(changed_opds) == summary.shift_opds == 2
    assert diff.totals()["net"] == 0 and diff.added.exists() and diff.changed.exists()
    # The changed OPDs execute the pergeseran through their DPPA, issued with a cash plan that sums exactly.
    dppas = dpa_selectors.with_cash_plan_check(Dpa.objects.filter(version=shift).select_related("version"))
    assert {dppa.opd_id for dppa in dppas} == changed_opds and summary.shift_dppas == 2
    assert all(dppa.state == Dpa.State.ISSUED and dppa.cash_plan_balanced for dppa in dppas)


def test_same_seed_same_budget(reference_data):
    """Seeded twice from the same seed (the first time rolled back): the same year, to the line. 2023 also
    has pengeluaran pembiayaan (pembentukan dana cadangan)."""
    plan(2023)
    with transaction.atomic():
        demo.seed_budget(random.Random(7), year=2023, scale=SCALE)
        first = fingerprint(2023)
        transaction.set_rollback(True)
    assert not RkaLine.objects.exists()
    summary = demo.seed_budget(random.Random(7), year=2023, scale=SCALE)
    assert fingerprint(2023) == first
    balance = apbd_selectors.stored_balance(murni(2023))
    assert balance.is_balanced and balance.pengeluaran_pembiayaan > 0
    _, figures = demo.real_figures(2023)
    assert billions(summary.pengeluaran_pembiayaan) == figures["6.2"]


def test_budget_year_matches_the_real_figures_and_is_seeded_once(reference_data):
    """One seeded year checked from every side (seeding is the slow part, so it happens once)."""
    summary = seed()
    assert summary.created and summary.figures_year == 2024
    check_the_real_figures_and_the_balance(summary)
    check_kua_ppas_and_ceilings()
    check_rkas_were_entered_by_their_opds_and_approved_by_tapd(summary)
    check_lines_follow_the_rules(summary)
    check_dpa_cash_plans_sum_exactly()
    check_one_pergeseran_within_each_opd(summary)
    assert audit.verify_chain().intact

    before, events = fingerprint(2024), AuditEvent.objects.count()
    again = demo.seed_budget(random.Random(99), year=2024, scale=1.0)
    assert again.created is False
    assert (fingerprint(2024), AuditEvent.objects.count()) == (before, events)
    assert (again.lines, again.belanja, again.shift_lines) == (summary.lines, summary.belanja, summary.shift_lines)

    # seed_demo prints the year's budget and, run again, leaves it as it is.
    out = StringIO()
    call_command("seed_demo", "--year", "2024", "--scale", str(SCALE), "--seed", "7", stdout=out)
    output = out.getvalue()
    assert fingerprint(2024) == before
    assert "(anggaran tahun ini sudah lengkap: tidak diubah)" in output
    assert f"rincian RKA 2024        {summary.lines:>6}" in output
    assert f"belanja              {rupiah(summary.belanja):>24}" in output
    assert "KUA-PPAS 2024 (plafon dikunci)" in output and "APBD murni 2024 (diterbitkan)" in output
    assert "DPA 2024                    50  (diterbitkan 50)" in output
