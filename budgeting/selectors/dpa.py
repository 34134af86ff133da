"""DPA reads: the DPAs a user may read with their pagu, and the anggaran kas against the pagu."""

from collections import defaultdict

from django.db.models import (
    Case,
    CharField,
    Value,
    When,
)
from django.db.models.functions import Substr

from masterdata import access
from masterdata.money import ZERO, sum_by

from ..models import CashPlan, Dpa, Rka, RkaLine, RkaSubKegiatan
from . import diff as diff_selectors

BELANJA = CashPlan.Group.BELANJA.value


def dpa_for(user, pk):
    return access.get_visible_or_404(
        access.scope_dpa(user, Dpa.objects.select_related("opd", "rka", "version__fiscal_year")), pk=pk
    )


def cash_group():
    """The anggaran kas group of a line: belanja (planned per sub-kegiatan), pendapatan, or the pembiayaan
    kelompok 6.1 or 6.2."""
    return Case(
        When(akun=RkaLine.Akun.BELANJA, then=Value(BELANJA)),
        When(akun=RkaLine.Akun.PENDAPATAN, then=Value(CashPlan.Group.PENDAPATAN.value)),
        default=Substr("account__code", 1, 3),
        output_field=CharField(),
    )


def cash_plan_statuses(dpas):
    """{dpa id: rows} per sub-kegiatan (belanja) and per revenue/financing group: pagu, planned months and the
    difference, in three queries for any number of DPAs. A DPA is "sesuai" when every difference is zero: the
    one definition its page, the list, the API and the issue move use."""
    dpas = list(dpas)
    lines = RkaLine.objects.filter(rka_id__in=[dpa.rka_id for dpa in dpas])
    pagu, planned = defaultdict(dict), defaultdict(dict)
    for r in sum_by(lines.filter(akun=RkaLine.Akun.BELANJA), "rka_id", "sub_kegiatan_id"):
        pagu[r["rka_id"]][(BELANJA, r["sub_kegiatan_id"])] = r["amount"]
    for r in sum_by(lines.exclude(akun=RkaLine.Akun.BELANJA).annotate(group=cash_group()), "rka_id", "group"):
        pagu[r["rka_id"]][(r["group"], None)] = r["amount"]
    for r in sum_by(CashPlan.objects.filter(dpa__in=dpas), "dpa_id", "account_group", "sub_kegiatan_id"):
        planned[r["dpa_id"]][(r["account_group"], r["sub_kegiatan_id"])] = r["amount"]
    return {dpa.pk: _status_rows(pagu[dpa.rka_id], planned[dpa.pk]) for dpa in dpas}


def _status_rows(pagu, planned):
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


def cash_plan_status(dpa):
    return cash_plan_statuses([dpa])[dpa.pk]


def with_cash_plan_check(dpas):
    """The DPAs, each with `cash_plan_balanced` ("sesuai": every anggaran kas sums exactly to its pagu) and its
    belanja `pagu` and `planned`."""
    dpas = list(dpas)
    statuses = cash_plan_statuses(dpas)
    for dpa in dpas:
        rows = statuses[dpa.pk]
        dpa.cash_plan_balanced = not any(row["difference"] for row in rows)
        belanja = [row for row in rows if row["account_group"] == BELANJA]
        dpa.pagu = sum((row["pagu"] for row in belanja), ZERO)
        dpa.planned = sum((row["planned"] for row in belanja), ZERO)
    return dpas


def visible_dpas(user, *, version=None):
    """Every DPA (and DPPA) the user may read, or those of one version; `with_cash_plan_check` adds their
    figures to a page of them."""
    dpas = Dpa.objects.select_related("opd", "version__fiscal_year")
    if version is not None:
        dpas = dpas.filter(version=version)
    return access.scope_dpa(user, dpas).order_by("-version__fiscal_year__year", "-version__number", "opd__code")


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


def rkas_needing_dpa(version):
    """The RKAs of an adopted version still without their DPA: every RKA of a murni version; in an amendment
    those of the OPDs whose lines changed from its base (their DPPA). The other OPDs keep their DPA."""
    rkas = Rka.objects.filter(version=version, dpa__isnull=True)
    if version.base_id is None:
        return rkas
    diff = diff_selectors.diff_lines(version.base, version)
    changed = set()
    for lines in (diff.added, diff.removed, diff.changed):
        changed.update(lines.order_by().values_list("rka__opd_id", flat=True).distinct())
    return rkas.filter(opd_id__in=changed)


def version_lacks_dpa(version):
    """Whether some RKA of the version still needs its DPA (or DPPA)."""
    return rkas_needing_dpa(version).exists()


def earlier_cash_plans(version, opd_ids):
    """The months of the OPDs' latest DPA in the versions this one amends (its base, the base's base, …):
    {(opd id, account group, sub-kegiatan node id or None): [twelve amounts]}."""
    chain, current = [], version.base
    while current is not None:
        chain.append(current.pk)
        current = current.base
    latest = {}
    for dpa_id, opd_id, version_id in Dpa.objects.filter(version_id__in=chain, opd_id__in=opd_ids).values_list(
        "pk", "opd_id", "version_id"
    ):
        if opd_id not in latest or chain.index(version_id) < chain.index(latest[opd_id][1]):
            latest[opd_id] = (dpa_id, version_id)
    months = {}
    for opd_id, group, node_id, month, amount in CashPlan.objects.filter(
        dpa_id__in=[dpa_id for dpa_id, _ in latest.values()]
    ).values_list("dpa__opd_id", "account_group", "sub_kegiatan__sub_kegiatan_id", "month", "amount"):
        months.setdefault((opd_id, group, node_id), [ZERO] * 12)[month - 1] = amount
    return months
