"""DPA reads: the DPAs a user may read with their pagu, and the anggaran kas against the pagu."""

from django.db.models import (
    Case,
    CharField,
    OuterRef,
    Value,
    When,
)
from django.db.models.functions import Substr

from masterdata import access
from masterdata.money import ZERO, money_subquery, sum_by

from ..models import CashPlan, Dpa, Rka, RkaLine, RkaSubKegiatan


def dpas_for(user, version):
    return access.scope_dpa(user, Dpa.objects.filter(version=version)).select_related("opd").order_by("opd__code")


def dpa_for(user, pk):
    return access.get_visible_or_404(
        access.scope_dpa(user, Dpa.objects.select_related("opd", "rka", "version__fiscal_year")), pk=pk
    )


def cash_plan_status(dpa):
    """Per sub-kegiatan (belanja) and per revenue/financing group: pagu, planned months and the difference."""
    lines = RkaLine.objects.filter(rka_id=dpa.rka_id)
    pagu = {
        (CashPlan.Group.BELANJA.value, r["sub_kegiatan_id"]): r["amount"]
        for r in sum_by(lines.filter(akun=RkaLine.Akun.BELANJA), "sub_kegiatan_id")
    }
    others = lines.exclude(akun=RkaLine.Akun.BELANJA).annotate(
        group=Case(
            When(akun=RkaLine.Akun.PENDAPATAN, then=Value("4")),
            default=Substr("account__code", 1, 3),
            output_field=CharField(),
        )
    )
    pagu.update({(r["group"], None): r["amount"] for r in sum_by(others, "group")})
    planned = {
        (r["account_group"], r["sub_kegiatan_id"]): r["amount"]
        for r in sum_by(CashPlan.objects.filter(dpa=dpa), "account_group", "sub_kegiatan_id")
    }
    return [
        {
            "account_group": group,
            "sub_kegiatan_id": sub_id,
            "pagu": pagu.get((group, sub_id), ZERO),
            "planned": planned.get((group, sub_id), ZERO),
            "difference": planned.get((group, sub_id), ZERO) - pagu.get((group, sub_id), ZERO),
        }
        for group, sub_id in sorted(set(pagu) | set(planned), key=lambda key: (key[0], key[1] or 0))
    ]


def visible_dpas(user):
    """Every DPA the user may read, with its belanja pagu and what its anggaran kas plans for belanja."""
    return (
        access.scope_dpa(user, Dpa.objects.select_related("opd", "version__fiscal_year"))
        .annotate(
            pagu=money_subquery(RkaLine.objects.filter(rka_id=OuterRef("rka_id"), akun=RkaLine.Akun.BELANJA)),
            planned=money_subquery(CashPlan.objects.filter(dpa_id=OuterRef("pk"), account_group="5")),
        )
        .order_by("-version__fiscal_year__year", "-version__number", "opd__code")
    )


def cash_plan_rows(dpa):
    """The anggaran kas per sub-kegiatan (belanja) and per revenue or financing group: its pagu, the twelve
    months, their sum and the difference; three queries plus the status's."""
    months = {}
    for group, sub_id, month, amount in CashPlan.objects.filter(dpa=dpa).values_list(
        "account_group", "sub_kegiatan_id", "month", "amount"
    ):
        months.setdefault((group, sub_id), [ZERO] * 12)[month - 1] = amount
    subs = {sub.pk: sub for sub in RkaSubKegiatan.objects.filter(rka_id=dpa.rka_id).select_related("sub_kegiatan")}
    rows = [
        {
            **row,
            "sub_kegiatan": subs.get(row["sub_kegiatan_id"]),
            "months": months.get((row["account_group"], row["sub_kegiatan_id"]), [ZERO] * 12),
        }
        for row in cash_plan_status(dpa)
    ]
    return sorted(rows, key=lambda row: (row["account_group"], _sub_code(row["sub_kegiatan"])))


def _sub_code(sub):
    return sub.sub_kegiatan.code if sub else ""


def cash_plan_month_totals(dpa):
    """{(account_group, month): amount} of a DPA's anggaran kas."""
    rows = sum_by(CashPlan.objects.filter(dpa=dpa), "account_group", "month")
    return {(row["account_group"], row["month"]): row["amount"] for row in rows}


def version_lacks_dpa(version):
    """Whether some RKA of the version has no DPA yet."""
    return Rka.objects.filter(version=version, dpa__isnull=True).exists()
