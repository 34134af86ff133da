"""DPA-SKPD and its anggaran kas: prepared from an adopted version, the cash plan edited by the OPD,
issued by BPKAD."""

from decimal import ROUND_DOWN

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from masterdata import access, audit
from masterdata.errors import NOT_ALLOWED, TransitionNotAllowed
from masterdata.money import CENT, check_money, money_sum, rupiah

from ..models import ApbdVersion, CashPlan, Dpa, RkaLine, RkaSubKegiatan
from ..selectors import dpa as dpa_selectors
from .apbd import FINAL_STATES
from .lifecycle import BudgetLifecycle

MONTHS = range(1, 13)


def split_evenly(pagu):
    """Twelve monthly amounts to the sen that sum exactly to the pagu; the remainder falls in December."""
    monthly = (pagu / 12).quantize(CENT, rounding=ROUND_DOWN)
    return [monthly] * 11 + [pagu - monthly * 11]


@transaction.atomic
def prepare_dpas(*, actor, version):
    """Draft the DPA of every RKA of an adopted version that needs one (in an amendment: the DPPA of each OPD
    whose lines changed), each with its initial anggaran kas: belanja per sub-kegiatan, pendapatan and
    pembiayaan per group. A DPPA keeps the months of the OPD's previous DPA where that pagu is unchanged;
    every other row is split evenly over the twelve months."""
    access.require(actor, "budgeting.issue_dpa")
    version = ApbdVersion.objects.select_for_update().get(pk=version.pk)
    if version.state not in FINAL_STATES:
        raise TransitionNotAllowed(
            f"{version.dpa_label} disusun dari APBD yang sudah ditetapkan.",
            current={"state": version.state},
            allowed=[],
        )
    rkas = list(dpa_selectors.rkas_needing_dpa(version).values_list("pk", "opd_id"))
    Dpa.objects.bulk_create(Dpa(version=version, rka_id=rka_id, opd_id=opd_id) for rka_id, opd_id in rkas)
    dpa_by_rka = dict(Dpa.objects.filter(rka_id__in=[rka_id for rka_id, _ in rkas]).values_list("rka_id", "pk"))
    opd_of_rka = dict(rkas)
    earlier = dpa_selectors.earlier_cash_plans(version, opd_of_rka.values()) if version.base_id else {}
    pagu = (
        RkaLine.objects.filter(rka_id__in=dpa_by_rka)
        .annotate(group=dpa_selectors.cash_group())
        .values("rka_id", "group", "sub_kegiatan_id", "sub_kegiatan__sub_kegiatan_id")
        .annotate(amount=money_sum())
        .order_by()
    )
    plans = []  # (pagu row, its twelve months, whether they are the previous DPA's)
    for row in pagu.iterator():
        belanja = row["group"] == CashPlan.Group.BELANJA
        node = row["sub_kegiatan__sub_kegiatan_id"] if belanja else None
        before = earlier.get((opd_of_rka[row["rka_id"]], row["group"], node))
        kept = before is not None and sum(before) == row["amount"]
        plans.append((row, before if kept else split_evenly(row["amount"]), kept))
    CashPlan.objects.bulk_create(
        (
            CashPlan(
                dpa_id=dpa_by_rka[row["rka_id"]],
                account_group=row["group"],
                sub_kegiatan_id=row["sub_kegiatan_id"] if row["group"] == CashPlan.Group.BELANJA else None,
                month=month,
                amount=amount,
            )
            for row, months, _ in plans
            for month, amount in zip(MONTHS, months, strict=True)
        ),
        batch_size=2000,
    )
    audit.record(
        actor=actor,
        action="dpa.prepare",
        obj=version,
        after={
            "dpas": sorted(dpa_by_rka.values()),
            "cash_plan_rows": CashPlan.objects.filter(dpa_id__in=dpa_by_rka.values()).count(),
            "carried_over": sum(1 for *_, kept in plans if kept),
        },
    )
    return list(Dpa.objects.filter(version=version).select_related("opd", "version__fiscal_year").order_by("opd__code"))


def _locked_dpa(dpa):
    return Dpa.objects.select_for_update(of=("self",)).select_related("opd", "version").get(pk=dpa.pk)


@transaction.atomic
def edit_cash_plan(*, actor, dpa, amounts, sub_kegiatan=None, account_group=CashPlan.Group.BELANJA):
    """Change months of one anggaran kas row set (own OPD staff, before the DPA is issued).

    `amounts` maps month (1-12) to Rupiah. The months need not sum to the pagu yet; issuing the DPA does.
    Returns the row's pagu, planned total and difference.
    """
    dpa = _locked_dpa(dpa)
    if not actor.has_perm("budgeting.edit_cash_plan", dpa):
        if access.is_own_opd(actor, dpa):
            raise TransitionNotAllowed(
                "DPA sudah diterbitkan; anggaran kasnya tidak dapat diubah.", current={"state": dpa.state}, allowed=[]
            )
        raise PermissionDenied(NOT_ALLOWED)
    errors = {}
    if account_group == CashPlan.Group.BELANJA:
        if sub_kegiatan is None or sub_kegiatan.rka_id != dpa.rka_id:
            errors["sub_kegiatan"] = "Pilih sub-kegiatan dari DPA ini."
    elif account_group not in CashPlan.Group.values or sub_kegiatan is not None:
        errors["account_group"] = "Anggaran kas pendapatan dan pembiayaan tidak berada di bawah sub-kegiatan."
    for month, amount in amounts.items():
        key = f"month_{month}"
        if month not in MONTHS:
            errors[key] = "Bulan harus 1 sampai 12."
        else:
            check_money(amount, key, errors)
    if errors:
        raise ValidationError(errors)
    rows = CashPlan.objects.filter(dpa=dpa, account_group=account_group, sub_kegiatan=sub_kegiatan)
    before = dict(rows.values_list("month", "amount"))
    if not before:
        raise ValidationError({"sub_kegiatan": "Tidak ada anggaran kas untuk pilihan ini."})
    changed = [row for row in rows if row.month in amounts and row.amount != amounts[row.month]]
    for row in changed:
        row.amount = amounts[row.month]
    CashPlan.objects.bulk_update(changed, ["amount"])
    audit.record(
        actor=actor,
        action="cash_plan.update",
        obj=dpa,
        opd=dpa.opd,
        before={"account_group": account_group, "sub_kegiatan": getattr(sub_kegiatan, "pk", None), "months": before},
        after={
            "account_group": account_group,
            "sub_kegiatan": getattr(sub_kegiatan, "pk", None),
            "months": dict(rows.values_list("month", "amount")),
        },
    )
    sub_id = getattr(sub_kegiatan, "pk", None)
    return next(
        row
        for row in dpa_selectors.cash_plan_status(dpa)
        if row["account_group"] == account_group and row["sub_kegiatan_id"] == sub_id
    )


class DpaLifecycle(BudgetLifecycle):
    """BPKAD issues a DPA once its anggaran kas sums to the pagu; an issued DPA is final."""

    name = "dpa"
    moves = {("issue", Dpa.State.DRAFT): Dpa.State.ISSUED}
    labels = {"issue": "terbitkan"}
    permission = "budgeting.issue_dpa"
    permissions = {"issue": "budgeting.issue_dpa"}
    none_allowed = "tidak ada (DPA sudah diterbitkan)"
    takes_note = False

    def lock(self, document):
        return _locked_dpa(document)

    def snapshot(self, document):
        return {"state": document.state, "number": document.number}


DPA_LIFECYCLE = DpaLifecycle()


@transaction.atomic
def issue_dpa(*, actor, dpa, number):
    """Issue a DPA; refused unless every anggaran kas sums exactly to its pagu."""
    with DPA_LIFECYCLE.move(actor=actor, document=dpa, action="issue") as step:
        dpa = step.document
        if not number.strip():
            raise ValidationError({"number": "Nomor DPA wajib diisi."})
        codes = dict(RkaSubKegiatan.objects.filter(rka_id=dpa.rka_id).values_list("pk", "sub_kegiatan__code"))
        problems = [
            f"Anggaran kas {codes.get(row['sub_kegiatan_id']) or CashPlan.Group(row['account_group']).label} "
            f"berjumlah {rupiah(row['planned'])}, pagu {rupiah(row['pagu'])} (selisih {rupiah(row['difference'])})."
            for row in dpa_selectors.cash_plan_status(dpa)
            if row["difference"]
        ]
        if problems:
            raise ValidationError(problems)
        dpa.number, dpa.issued_at = number.strip(), timezone.now()
    return dpa
