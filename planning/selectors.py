"""Reads of the planning stage, scoped to the user through masterdata.access."""

from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, Sum
from django.db.models.functions import Coalesce

from masterdata import access

from .models import Proposal, ProposalStatusChange, Renja, RenjaComment, RenjaLine, Rkpd, RpjmdTarget

ZERO = Decimal("0")


def renjas_for(user, *, fiscal_year=None):
    """Renja visible to the user, with their line count and pagu totals (one query)."""
    queryset = access.scope_renja(user, Renja.objects.all())
    if fiscal_year is not None:
        queryset = queryset.filter(fiscal_year=fiscal_year)
    return (
        queryset.select_related("opd", "fiscal_year")
        .annotate(
            line_count=Count("lines"),
            total_pagu=Coalesce(Sum("lines__pagu_indikatif"), ZERO),
            total_pagu_next=Coalesce(Sum("lines__pagu_indikatif_next"), ZERO),
        )
        .order_by("opd__code")
    )


def renja_for(user, pk):
    """One Renja the user may read; 404 for missing and not-yours alike."""
    return access.get_visible_or_404(
        access.scope_renja(user, Renja.objects.select_related("opd", "fiscal_year__reference_version")), pk=pk
    )


def renja_lines(renja):
    return (
        renja.lines.select_related(
            "sub_kegiatan__parent__parent",
            "funding_source",
            "renstra_program__rpjmd_target",
            "renstra_program__program",
        )
        .prefetch_related("regions")
        .annotate(open_comments=Count("comments", filter=Q(comments__is_resolved=False)))
        .order_by("sub_kegiatan__code")
    )


def renja_line_for(user, pk):
    return access.get_visible_or_404(
        access.scope_renja(user, RenjaLine.objects.select_related("renja__opd", "sub_kegiatan"), renja_field="renja"),
        pk=pk,
    )


def renja_totals(renja):
    return renja.lines.aggregate(
        line_count=Count("pk"),
        total_pagu=Coalesce(Sum("pagu_indikatif"), ZERO),
        total_pagu_next=Coalesce(Sum("pagu_indikatif_next"), ZERO),
    )


def renja_comments(renja):
    return renja.comments.select_related("author", "line__sub_kegiatan").prefetch_related(
        Prefetch("replies", queryset=RenjaComment.objects.select_related("author"))
    )


def proposals_for(user):
    return access.scope_proposals(user, Proposal.objects.all()).select_related(
        "kecamatan", "village", "suggested_opd", "suggested_sub_kegiatan", "fiscal_year"
    )


def proposal_for(user, pk):
    return access.get_visible_or_404(proposals_for(user), pk=pk)


def public_proposal(tracking_code):
    """What a citizen sees at /usulan/<code>/: moderated proposals only, with history and the Renja line."""
    return access.get_visible_or_404(
        Proposal.objects.filter(is_moderated=True)
        .select_related("kecamatan", "village", "suggested_opd", "renja_line__renja__opd", "renja_line__sub_kegiatan")
        .prefetch_related(Prefetch("history", queryset=ProposalStatusChange.objects.order_by("created_at", "pk"))),
        tracking_code=tracking_code.strip().upper(),
    )


# --- RKPD -------------------------------------------------------------------------------------

ROLLUPS = {
    # name -> path from a Renja line to the nomenclature node of that level
    "urusan": "sub_kegiatan__parent__parent__parent__parent",
    "bidang": "sub_kegiatan__parent__parent__parent",
    "program": "sub_kegiatan__parent__parent",
}


def rkpd_for(user, fiscal_year):
    return access.get_visible_or_404(
        access.scope_rkpd(user, Rkpd.objects.select_related("fiscal_year")), fiscal_year=fiscal_year
    )


def rkpd_lines(rkpd):
    return RenjaLine.objects.filter(renja__in=rkpd.renjas.all())


def rkpd_totals_by_opd(rkpd):
    return (
        rkpd_lines(rkpd)
        .values("renja__opd__code", "renja__opd__name")
        .annotate(total=Sum("pagu_indikatif"), total_next=Sum("pagu_indikatif_next"), lines=Count("pk"))
        .order_by("renja__opd__code")
    )


def rkpd_totals_by(rkpd, level):
    """Totals per urusan, bidang or program, summed in the database."""
    path = ROLLUPS[level]
    return (
        rkpd_lines(rkpd)
        .values(code=F(f"{path}__code"), name=F(f"{path}__name"))
        .annotate(total=Sum("pagu_indikatif"), total_next=Sum("pagu_indikatif_next"), lines=Count("pk"))
        .order_by("code")
    )


def rkpd_proposals(rkpd):
    """Accepted proposals of the year and those left unfunded (rejected or deferred)."""
    proposals = Proposal.objects.filter(fiscal_year_id=rkpd.fiscal_year_id, is_moderated=True).select_related(
        "kecamatan", "suggested_opd", "renja_line__sub_kegiatan"
    )
    return {
        "accepted": proposals.filter(status__in=[Proposal.Status.ACCEPTED, Proposal.Status.FUNDED]),
        "unfunded": proposals.filter(status__in=[Proposal.Status.REJECTED, Proposal.Status.DEFERRED]),
    }


def rpjmd_target_coverage(rkpd):
    """Each RPJMD target with the number and pagu of final Renja lines serving it; zero means flagged."""
    served = Q(renstra_programs__renja_lines__renja__in=rkpd.renjas.all())
    year = rkpd.fiscal_year.year
    return (
        RpjmdTarget.objects.filter(goal__rpjmd__first_year__lte=year, goal__rpjmd__first_year__gte=year - 4)
        .select_related("goal__rpjmd")
        .annotate(
            line_count=Count("renstra_programs__renja_lines", filter=served),
            total_pagu=Coalesce(Sum("renstra_programs__renja_lines__pagu_indikatif", filter=served), ZERO),
        )
        .order_by("goal__code", "code")
    )
