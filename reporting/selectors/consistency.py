"""The consistency of the cycle: RPJMD target → Renja → RKA → DPA → realization, and every break in it.

Of a version's year (its Renja and proposals) and of its RKAs and DPAs, each kind of break is one query; the
list is their union, counted and paged in the database, so the number of queries never grows with the data.

- A Renja plan serving no RPJMD target: a line of the OPD's final Renja without a Renstra program.
- A funded RKA sub-kegiatan with no Renja plan: money in the version's RKA on a sub-kegiatan the OPD's final
  Renja does not list (the reason given in the RKA, if any, is shown).
- A Renja plan with no money: a line of the final Renja whose sub-kegiatan has no amount in the version's RKA.
- An accepted proposal never funded: a moderated proposal accepted into a Renja line whose sub-kegiatan has no
  amount in the version's RKA of that OPD.
- A DPA line never realized: a line of an issued DPA on which nothing was realized all year (on it or on a line
  of the same sub-kegiatan and account of another version), judged only once the year has ended or BPKAD has
  closed the OPD's December: before that, a line may still be realized.
"""

import datetime

from django.db.models import CharField, Exists, F, IntegerField, OuterRef, Q, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from budgeting.models import RkaLine, RkaSubKegiatan
from masterdata.money import money_subquery
from planning.models import Proposal, RenjaLine

from ..models import Realization, RealizationMonth

KINDS = {
    "renja-tanpa-sasaran": "Rencana Renja yang tidak melayani sasaran RPJMD",
    "rka-tanpa-renja": "Sub-kegiatan RKA berdana tanpa rencana di Renja",
    "renja-tanpa-anggaran": "Rencana Renja tanpa anggaran di RKA",
    "usulan-tidak-didanai": "Usulan diakomodasi tetapi tidak didanai",
    "dpa-tanpa-realisasi": "Rincian DPA tanpa realisasi sampai akhir tahun",
}
RULE_OF_REALIZATION = (
    "Rincian DPA tanpa realisasi dinilai setelah tahun anggaran berakhir, atau setelah BPKAD menutup bulan "
    "Desember OPD-nya; sebelum itu rincian masih dapat direalisasikan."
)
COLUMNS = ("kind_rank", "kind_key", "opd_code", "opd_name", "item_code", "item_name", "money", "note")


def _text(value):
    return Value(value, output_field=CharField())


def _row(queryset, kind, *, opd, code, name, money, note=None):
    """The kind's rows in the columns every kind shares."""
    return (
        queryset.annotate(
            kind_rank=Value(list(KINDS).index(kind), output_field=IntegerField()),
            kind_key=_text(kind),
            opd_code=F(f"{opd}__code"),
            opd_name=F(f"{opd}__name"),
            item_code=code,
            item_name=name,
            money=money if not isinstance(money, str) else F(money),
            note=note if note is not None else _text(""),
        )
        .values(*COLUMNS)
        .order_by()
    )


def _final_renja_lines(version, opd):
    lines = RenjaLine.objects.filter(renja__fiscal_year_id=version.fiscal_year_id, renja__stage="final")
    return lines.filter(renja__opd=opd) if opd is not None else lines


def _funded(version, opd_path, sub_kegiatan_path):
    """Money in the version's RKA of the OPD at `opd_path` on the sub-kegiatan at `sub_kegiatan_path`."""
    return Exists(
        RkaLine.objects.filter(
            rka__version=version,
            rka__opd_id=OuterRef(opd_path),
            sub_kegiatan__sub_kegiatan_id=OuterRef(sub_kegiatan_path),
            amount__gt=0,
        )
    )


def _year_is_over(version):
    return timezone.localdate() > datetime.date(version.fiscal_year.year, 12, 31)


def break_queries(version, opd=None):
    """{kind: rows of its breaks} of a version, of one OPD or every OPD."""
    year = version.fiscal_year_id
    renja = _final_renja_lines(version, opd)
    sub_name = {"code": F("sub_kegiatan__code"), "name": F("sub_kegiatan__name")}
    funded_subs = RkaSubKegiatan.objects.filter(rka__version=version).annotate(
        pagu=money_subquery(RkaLine.objects.filter(sub_kegiatan=OuterRef("pk")))
    )
    planned = RenjaLine.objects.filter(
        renja__fiscal_year_id=year,
        renja__stage="final",
        renja__opd_id=OuterRef("rka__opd_id"),
        sub_kegiatan_id=OuterRef("sub_kegiatan_id"),
    )
    proposals = Proposal.objects.filter(
        renja_line__renja__fiscal_year_id=year,
        status__in=[Proposal.Status.ACCEPTED, Proposal.Status.FUNDED],
        is_moderated=True,
    )
    dpa_lines = RkaLine.objects.filter(rka__version=version, rka__dpa__state="issued", amount__gt=0)
    if opd is not None:
        funded_subs = funded_subs.filter(rka__opd=opd)
        proposals = proposals.filter(renja_line__renja__opd=opd)
        dpa_lines = dpa_lines.filter(rka__opd=opd)
    if not _year_is_over(version):
        closed = RealizationMonth.objects.filter(
            fiscal_year_id=year, opd_id=OuterRef("rka__opd_id"), month=12, state=RealizationMonth.State.CLOSED
        )
        dpa_lines = dpa_lines.filter(Exists(closed))
    realized = Realization.objects.filter(
        fiscal_year_id=year, opd_id=OuterRef("rka__opd_id"), line__account_id=OuterRef("account_id")
    )
    dpa_lines = dpa_lines.exclude(
        Q(sub_kegiatan__isnull=True) & Exists(realized.filter(line__sub_kegiatan__isnull=True))
        | Exists(realized.filter(line__sub_kegiatan__sub_kegiatan_id=OuterRef("sub_kegiatan__sub_kegiatan_id")))
    )
    return {
        "renja-tanpa-sasaran": _row(
            renja.filter(renstra_program__isnull=True),
            "renja-tanpa-sasaran",
            opd="renja__opd",
            money="pagu_indikatif",
            **sub_name,
        ),
        "rka-tanpa-renja": _row(
            funded_subs.filter(pagu__gt=0).exclude(Exists(planned)),
            "rka-tanpa-renja",
            opd="rka__opd",
            money=F("pagu"),
            note=F("outside_renja_reason"),
            **sub_name,
        ),
        "renja-tanpa-anggaran": _row(
            renja.exclude(_funded(version, "renja__opd_id", "sub_kegiatan_id")),
            "renja-tanpa-anggaran",
            opd="renja__opd",
            money="pagu_indikatif",
            **sub_name,
        ),
        "usulan-tidak-didanai": _row(
            proposals.exclude(_funded(version, "renja_line__renja__opd_id", "renja_line__sub_kegiatan_id")),
            "usulan-tidak-didanai",
            opd="renja_line__renja__opd",
            code=F("tracking_code"),
            name=F("title"),
            money=F("estimated_cost"),
            note=Concat(_text("Sub-kegiatan "), F("renja_line__sub_kegiatan__code"), output_field=CharField()),
        ),
        "dpa-tanpa-realisasi": _row(
            dpa_lines,
            "dpa-tanpa-realisasi",
            opd="rka__opd",
            code=F("account__code"),
            name=F("account__name"),
            money=F("amount"),
            note=Coalesce(F("sub_kegiatan__sub_kegiatan__code"), _text(""), output_field=CharField()),
        ),
    }


def consistency(version, *, opd=None, kind=None):
    """(counts per kind, the rows of one kind or of all, ordered by kind, OPD and code). The caller has checked
    that the reader may see the OPD's (`access.report_opd`)."""
    queries = break_queries(version, opd)
    counts = {key: queries[key].count() for key in KINDS}
    chosen = [queries[kind]] if kind else list(queries.values())
    rows = chosen[0].union(*chosen[1:], all=True) if len(chosen) > 1 else chosen[0]
    return counts, rows.order_by("kind_rank", "opd_code", "item_code")
