"""Realization as each reader may see it, and what the rules of realization read."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import F, Max, OuterRef, Q
from django.utils import timezone

from budgeting.models import Dpa, RkaLine, RkaSubKegiatan, Transition
from budgeting.selectors.apbd import visible_apbd_versions
from masterdata import access
from masterdata.models import Opd, User
from masterdata.money import CENT, ZERO, grouped, money_subquery, money_sum, total_of

from ..models import Progress, Realization, RealizationMonth


def visible_realizations(user, *, fiscal_year=None, opd=None, month=None):
    entries = access.scope_realization(user, Realization.objects.select_related("opd", "line__account"))
    if fiscal_year is not None:
        entries = entries.filter(fiscal_year=fiscal_year)
    if opd is not None:
        entries = entries.filter(opd=opd)
    if month is not None:
        entries = entries.filter(month=month)
    return entries


def current_dpa(opd_id, fiscal_year):
    """The OPD's latest issued DPA (or DPPA) of the year, or None."""
    return (
        Dpa.objects.filter(opd_id=opd_id, version__fiscal_year=fiscal_year, state=Dpa.State.ISSUED)
        .order_by("-version__number")
        .first()
    )


def month_is_closed(fiscal_year, opd_id, month):
    return RealizationMonth.objects.filter(
        fiscal_year=fiscal_year, opd_id=opd_id, month=month, state=RealizationMonth.State.CLOSED
    ).exists()


def _lineage(line):
    """The line and those it was copied from (its earlier versions' lines): realization follows the line
    through pergeseran and perubahan."""
    ids, current = [line.pk], line
    while current.copied_from_id is not None:
        ids.append(current.copied_from_id)
        current = RkaLine.objects.only("copied_from_id").get(pk=current.copied_from_id)
    return ids


def realized_on(line):
    return total_of(Realization.objects.filter(line_id__in=_lineage(line)))


def sp2d_line(user, record):
    """The line an SP2D record is for: of the OPD's latest issued DPA, with the record's sub-kegiatan and account,
    the first with room for the amount (else the first, whose refusal says how much is left)."""
    opd_code = record["opd"]
    if access.role_of(user) == User.Role.OPD_STAFF and user.opd.code != opd_code:
        raise ValidationError({"opd": f"OPD {opd_code} bukan OPD Anda."})
    year = record["date"].year
    dpa = (
        Dpa.objects.filter(opd__code=opd_code, state=Dpa.State.ISSUED, version__fiscal_year__year=year)
        .order_by("-version__number")
        .first()
    )
    if dpa is None:
        raise ValidationError({"opd": f"OPD {opd_code} belum memiliki DPA terbit tahun {record['date'].year}."})
    sub_kegiatan = record.get("sub_kegiatan")
    under = Q(sub_kegiatan__sub_kegiatan__code=sub_kegiatan) if sub_kegiatan else Q(sub_kegiatan=None)
    found = list(RkaLine.objects.filter(under, rka_id=dpa.rka_id, account__code=record["account"]).order_by("pk"))
    if not found:
        raise ValidationError(
            {"account": f"DPA {opd_code} tidak memuat kode rekening {record['account']} pada sub-kegiatan itu."}
        )
    for line in found:
        if realized_on(line) + record["amount"] <= line.amount:
            return line
    return found[0]


def lines_with_realization(dpa, query=""):
    """The lines of a DPA with what each has realized across its copies (a DPPA's line, the line it copies and
    that one's: murni → pergeseran → perubahan), searchable by code or description."""
    lines = RkaLine.objects.filter(rka_id=dpa.rka_id).select_related("account", "sub_kegiatan__sub_kegiatan")
    if query:
        lines = lines.filter(
            Q(account__code__startswith=query)
            | Q(sub_kegiatan__sub_kegiatan__code__startswith=query)
            | Q(description__icontains=query)
            | Q(account__name__icontains=query)
        )
    lineage = Q(line_id=OuterRef("pk")) | Q(line_id=OuterRef("copied_from_id"))
    lineage |= Q(line_id=OuterRef("copied_from__copied_from_id"))
    realized = money_subquery(Realization.objects.filter(lineage))
    return lines.annotate(realized=realized, remaining=F("amount") - realized).order_by(
        "sub_kegiatan__sub_kegiatan__code", "account__code", "pk"
    )


def month_states(fiscal_year, opd_id):
    """{month: state} of an OPD's months that BPKAD has touched (the others are open)."""
    return dict(RealizationMonth.objects.filter(fiscal_year=fiscal_year, opd_id=opd_id).values_list("month", "state"))


def likely_month(fiscal_year):
    """The month an entry most likely belongs to: the current one in the budget year, else its last."""
    today = timezone.localdate()
    return today.month if today.year == fiscal_year.year else (12 if today.year > fiscal_year.year else 1)


def report_versions(user):
    """The adopted and published versions whose realization the user may read (the LRA and the reports offer
    these), the newest first."""
    adopted = visible_apbd_versions(user).filter(state__in=["adopted", "published"])
    return [version for version in adopted if access.reads_realization_of(user, version)]


MONTH_HISTORY = RealizationMonth._meta.model_name  # its moves in budgeting's Transition history


def closed_on(fiscal_year, *months):
    """{month: when BPKAD closed it for the last OPD with an issued DPA of the year (the realization up to it is
    final), or None while one is still open}."""
    opds = set(opds_with_issued_dpa(fiscal_year).values_list("pk", flat=True))
    if not opds:
        return dict.fromkeys(months)
    closed = {month: {} for month in months}
    for pk, opd_id, month in RealizationMonth.objects.filter(
        fiscal_year=fiscal_year, month__in=months, state=RealizationMonth.State.CLOSED, opd__in=opds
    ).values_list("pk", "opd_id", "month"):
        closed[month][pk] = opd_id
    final = {month: ids for month, ids in closed.items() if set(ids.values()) == opds}
    when = dict(
        Transition.objects.filter(
            document_type=MONTH_HISTORY,
            document_id__in=[pk for ids in final.values() for pk in ids],
            action="close",
        )
        .values("document_id")
        .annotate(on=Max("created_at"))
        .values_list("document_id", "on")
    )
    return {month: max((when[pk] for pk in final[month]), default=None) if month in final else None for month in months}


def opds_with_issued_dpa(fiscal_year):
    return Opd.objects.filter(dpas__version__fiscal_year=fiscal_year, dpas__state="issued").distinct().order_by("code")


def dpa_sub_kegiatan(dpa, code):
    return (
        RkaSubKegiatan.objects.filter(rka_id=dpa.rka_id, sub_kegiatan__code=code).select_related("sub_kegiatan").first()
    )


def progress_bounds(fiscal_year, opd, sub_kegiatan, month):
    """The physical progress recorded for the latest month before and the first month after `month`."""
    recorded = Progress.objects.filter(fiscal_year=fiscal_year, opd=opd, sub_kegiatan=sub_kegiatan)
    before = recorded.filter(month__lt=month).order_by("-month").values_list("physical_percent", flat=True).first()
    after = recorded.filter(month__gt=month).order_by("month").values_list("physical_percent", flat=True).first()
    return before, after


@dataclass(frozen=True)
class Performance:
    """A sub-kegiatan of a DPA: its output target, pagu and realization, physical progress by month and the
    output achieved at each quarter's end (the latest month of the quarter that reported it)."""

    sub: object
    pagu: object
    realized: object
    physical: dict  # month -> %
    achieved: dict  # quarter -> value

    @property
    def latest_physical(self):
        return self.physical[max(self.physical)] if self.physical else None

    @property
    def financial_percent(self):
        return (self.realized * 100 / self.pagu).quantize(CENT) if self.pagu else None

    @property
    def achieved_text(self):
        """The achievement at each quarter's end, "-" where none was reported: "3 / 7 / - / -"."""
        return " / ".join(grouped(self.achieved[q], 2) if q in self.achieved else "-" for q in range(1, 5))

    @property
    def achieved_percent(self):
        latest = self.achieved[max(self.achieved)] if self.achieved else None
        target = self.sub.output_target
        return (latest * 100 / target).quantize(CENT) if latest is not None and target else None


def performance(dpa):
    """Every sub-kegiatan of a DPA with its money and progress, in three queries."""
    return performances([dpa])[dpa.pk]


def performances(dpas, *, last_month=12):
    """{DPA id: [Performance]} of DPAs of one year, with the money and progress up to the end of `last_month`,
    in three queries whatever the number of DPAs."""
    if not dpas:
        return {}
    fiscal_year_id = dpas[0].version.fiscal_year_id
    rka_of_opd = {dpa.opd_id: dpa.rka_id for dpa in dpas}
    subs = (
        RkaSubKegiatan.objects.filter(rka_id__in=rka_of_opd.values())
        .select_related("sub_kegiatan")
        .annotate(pagu=money_sum("lines__amount"))
        .order_by("sub_kegiatan__code")
    )
    # Realization on the DPA's own lines counts for their sub-kegiatan; recorded on another version's lines
    # (the murni's before a DPPA, or a DPPA's after), for the sub-kegiatan of the same code.
    realized, realized_by_code = {}, {}
    for opd_id, rka_id, sub_id, code, total in (
        Realization.objects.filter(
            opd_id__in=rka_of_opd,
            fiscal_year_id=fiscal_year_id,
            month__lte=last_month,
            line__sub_kegiatan__isnull=False,
        )
        .values("opd_id", "line__rka_id", "line__sub_kegiatan_id", "line__sub_kegiatan__sub_kegiatan__code")
        .annotate(total=money_sum())
        .values_list(
            "opd_id", "line__rka_id", "line__sub_kegiatan_id", "line__sub_kegiatan__sub_kegiatan__code", "total"
        )
    ):
        if rka_id == rka_of_opd[opd_id]:
            realized[sub_id] = realized.get(sub_id, ZERO) + total
        else:
            realized_by_code[opd_id, code] = realized_by_code.get((opd_id, code), ZERO) + total
    progress = {}
    for opd_id, sub_id, month, percent, achieved in (
        Progress.objects.filter(opd_id__in=rka_of_opd, fiscal_year_id=fiscal_year_id, month__lte=last_month)
        .order_by("month")
        .values_list("opd_id", "sub_kegiatan_id", "month", "physical_percent", "output_achieved")
    ):
        physical, quarters = progress.setdefault((opd_id, sub_id), ({}, {}))
        physical[month] = percent
        if achieved is not None:
            quarters[(month - 1) // 3 + 1] = achieved  # months in order: the quarter's latest wins
    opd_of_rka = {rka_id: opd_id for opd_id, rka_id in rka_of_opd.items()}
    found = {dpa.pk: [] for dpa in dpas}
    dpa_of_rka = {dpa.rka_id: dpa.pk for dpa in dpas}
    for sub in subs:
        opd_id = opd_of_rka[sub.rka_id]
        found[dpa_of_rka[sub.rka_id]].append(
            Performance(
                sub,
                sub.pagu,
                realized.get(sub.pk, ZERO) + realized_by_code.get((opd_id, sub.sub_kegiatan.code), ZERO),
                *progress.get((opd_id, sub.sub_kegiatan_id), ({}, {})),
            )
        )
    return found
