"""Ceiling reads: the ceiling table with the RKPD's pagu indikatif, an OPD's narrower ceilings, what an RKA
uses of each, and the ceilings a version's belanja breaks."""

from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    prefetch_related_objects,
)

from masterdata import access
from masterdata.models import Nomenclature, Opd
from masterdata.money import CENT, MONEY_FIELD, ZERO, money_subquery, money_sum, rupiah, sum_by
from masterdata.selectors import count_subquery, search_words
from planning.models import RenjaLine

from .. import ceiling_rules
from ..models import Ceiling, RkaLine
from . import kua as kua_selectors
from .apbd import Balance, version_lines


def ceiling_breaches(version):
    """Messages for every ceiling of the version's KUA-PPAS that its belanja exceeds (lines copied into an
    amendment were never checked against the new ceilings), and for belanja of an OPD without a ceiling."""
    ceilings = Ceiling.objects.filter(kua_ppas_id=version.kua_ppas_id).select_related("opd", "program", "sub_kegiatan")
    belanja = version_lines(version).filter(akun=RkaLine.Akun.BELANJA)
    used = {
        "opd": {r["rka__opd_id"]: r["amount"] for r in sum_by(belanja, "rka__opd_id")},
        "program": {
            (r["rka__opd_id"], r["node"]): r["amount"]
            for r in sum_by(
                belanja.annotate(node=F("sub_kegiatan__sub_kegiatan__parent__parent_id")), "rka__opd_id", "node"
            )
        },
        "sub_kegiatan": {
            (r["rka__opd_id"], r["node"]): r["amount"]
            for r in sum_by(belanja.annotate(node=F("sub_kegiatan__sub_kegiatan_id")), "rka__opd_id", "node")
        },
    }
    problems = []
    with_ceiling = set()
    for ceiling in ceilings:
        if ceiling.program_id:
            spent, label = used["program"].get((ceiling.opd_id, ceiling.program_id), ZERO), ceiling.program.code
        elif ceiling.sub_kegiatan_id:
            spent = used["sub_kegiatan"].get((ceiling.opd_id, ceiling.sub_kegiatan_id), ZERO)
            label = ceiling.sub_kegiatan.code
        else:
            with_ceiling.add(ceiling.opd_id)
            spent, label = used["opd"].get(ceiling.opd_id, ZERO), None
        if spent > ceiling.amount:
            target = f"plafon {ceiling.opd.name}" + (f" / {label}" if label else "")
            problems.append(
                f"Belanja melebihi {target}: {rupiah(spent)} dari plafon {rupiah(ceiling.amount)} "
                f"(lebih {rupiah(spent - ceiling.amount)})."
            )
    without = [opd_id for opd_id, amount in used["opd"].items() if amount and opd_id not in with_ceiling]
    for name in Opd.objects.filter(pk__in=without).order_by("code").values_list("name", flat=True):
        problems.append(f"{name} memiliki belanja tetapi tidak memiliki plafon.")
    return problems


def opd_ceiling_rows(user, kua, *, query=""):
    """The OPD ceilings of a version with the RKPD's pagu indikatif (and the ceiling's difference from it) and
    the number and sum of the program and sub-kegiatan ceilings inside each: one query."""
    narrower = Ceiling.objects.below_opd_level().filter(kua_ppas_id=kua.pk, opd_id=OuterRef("opd_id"))
    pagu = RenjaLine.objects.filter(renja__rkpds=kua.rkpd_id, renja__opd_id=OuterRef("opd_id"))
    rows = visible_ceilings(user, kua=kua).opd_level()
    for word in search_words(query):
        rows = rows.filter(Q(opd__name__icontains=word) | Q(opd__code__icontains=word))
    return rows.annotate(
        narrower_count=count_subquery(narrower),
        narrower_total=money_subquery(narrower),
        pagu_indikatif=money_subquery(pagu, "pagu_indikatif"),
    ).annotate(difference=ExpressionWrapper(F("amount") - F("pagu_indikatif"), output_field=MONEY_FIELD))


def ceiling_summary(kua):
    """The sum of the OPD ceilings and how many OPDs have one."""
    opd_level = Ceiling.objects.opd_level().filter(kua_ppas=kua)
    summary = opd_level.aggregate(total=money_sum(), count=Count("pk"))
    summary["total"] = summary["total"].quantize(CENT)
    return summary


def kua_summary(kua):
    """A KUA-PPAS in figures: its policy totals, surplus/defisit, pembiayaan netto and what is left uncovered,
    the OPD ceilings' sum and count, and the planned belanja not yet under a ceiling."""
    totals = kua_selectors.kua_policy_totals(kua)
    balance = Balance(**totals)
    ceilings = ceiling_summary(kua)
    return {
        "policy": totals,
        "surplus": balance.surplus,
        "netto": balance.pembiayaan_netto,
        "gap": balance.gap,
        "ceilings": ceilings,
        "ceiling_room": totals["belanja"] - ceilings["total"],
    }


def opds_without_ceiling(kua):
    with_ceiling = Ceiling.objects.opd_level().filter(kua_ppas=kua)
    return Opd.objects.filter(is_active=True).exclude(pk__in=with_ceiling.values("opd_id")).order_by("code")


def narrower_ceilings(user, kua, opd):
    """The program and sub-kegiatan ceilings of one OPD."""
    return visible_ceilings(user, kua=kua).filter(opd=opd).below_opd_level()


def ceiling_targets(kua, opd):
    """The sub-kegiatan of the OPD's final Renja in the version's RKPD and their programs: what a narrower
    ceiling can be set on."""
    in_renja = RenjaLine.objects.filter(renja__rkpds=kua.rkpd_id, renja__opd=opd).values("sub_kegiatan_id")
    subs = Nomenclature.objects.filter(pk__in=in_renja).order_by("code")
    programs = Nomenclature.objects.filter(pk__in=subs.values("parent__parent_id")).order_by("code")
    return programs, subs


def visible_ceilings(user, *, kua=None):
    """Every ceiling the user may read (or those of one KUA-PPAS): the OPD's own first, then its programs and
    sub-kegiatan."""
    ceilings = Ceiling.objects.select_related("kua_ppas__fiscal_year", "opd", "program", "sub_kegiatan")
    if kua is not None:
        ceilings = ceilings.filter(kua_ppas=kua)
    return access.scope_ceilings(user, ceilings).order_by(
        "-kua_ppas__fiscal_year__year",
        "-kua_ppas__number",
        "opd__code",
        F("program__code").asc(nulls_first=True),
        F("sub_kegiatan__code").asc(nulls_first=True),
    )


CEILING_ORDER = {"opd": 0, "program": 1, "sub_kegiatan": 2}


def rka_ceilings(rka):
    """Every ceiling of the RKA's OPD in its version's KUA-PPAS (the OPD's, then programs, then sub-kegiatan,
    by code) with what the RKA's belanja uses of each: the ceilings, one sum over the lines, then the programs
    and sub-kegiatan they name."""
    statuses = ceiling_rules.opd_ceiling_statuses(rka)
    prefetch_related_objects([status.ceiling for status in statuses], "program", "sub_kegiatan")
    return sorted(statuses, key=lambda status: (CEILING_ORDER[status.ceiling.level], _ceiling_code(status.ceiling)))


def _ceiling_code(ceiling):
    target = ceiling.program or ceiling.sub_kegiatan
    return target.code if target else ""
