"""Realization as each reader may see it, and what the rules of realization read."""

from django.core.exceptions import ValidationError
from django.db.models import F, OuterRef, Q
from django.utils import timezone

from budgeting.models import Dpa, RkaLine
from masterdata import access
from masterdata.models import Opd, User
from masterdata.money import money_subquery, total_of

from ..models import Realization, RealizationMonth


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


def opds_with_issued_dpa(fiscal_year):
    return Opd.objects.filter(dpas__version__fiscal_year=fiscal_year, dpas__state="issued").distinct().order_by("code")
