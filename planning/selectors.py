"""Reads of the planning stage, scoped to the user through masterdata.access."""

from django.db.models import Count, F, OuterRef, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404

from masterdata import access
from masterdata.models import Nomenclature, User
from masterdata.money import money_sum
from masterdata.selectors import count_subquery

from .models import (
    Proposal,
    ProposalStatusChange,
    Renja,
    RenjaComment,
    RenjaLine,
    RenjaTransition,
    Renstra,
    RenstraProgram,
    Rkpd,
    Rpjmd,
    RpjmdGoal,
    RpjmdTarget,
)

# --- RPJMD and Renstra ------------------------------------------------------------------------


def visible_rpjmds(user):
    return access.scope_rpjmd(user, Rpjmd.objects.order_by("-first_year"))


def visible_rpjmd_goals(user, *, rpjmd=None):
    """RPJMD goals with their targets (one query for the targets of all of them)."""
    targets = Prefetch("targets_set", queryset=RpjmdTarget.objects.select_related("goal").order_by("code"))
    goals = access.scope_rpjmd(user, RpjmdGoal.objects.prefetch_related(targets).order_by("rpjmd", "code"))
    return goals if rpjmd is None else goals.filter(rpjmd=rpjmd)


def visible_rpjmd_targets(user, *, goal=None):
    targets = access.scope_rpjmd(user, RpjmdTarget.objects.select_related("goal").order_by("goal__code", "code"))
    return targets if goal is None else targets.filter(goal=goal)


def visible_renstras(user):
    return access.scope_renstra(
        user, Renstra.objects.select_related("opd", "rpjmd").order_by("-rpjmd__first_year", "opd__code")
    )


def visible_renstra_programs(user, *, renstra=None):
    programs = access.scope_renstra(
        user,
        RenstraProgram.objects.select_related("program", "rpjmd_target__goal", "renstra").order_by(
            "program__code", "rpjmd_target__code", "pk"
        ),
        opd_field="renstra__opd",
    )
    return programs if renstra is None else programs.filter(renstra=renstra)


# --- Renja ------------------------------------------------------------------------------------


def visible_renjas(user, *, fiscal_year=None):
    """Renja visible to the user, with their line count and pagu totals (one query)."""
    queryset = access.scope_renja(user, Renja.objects.all())
    if fiscal_year is not None:
        queryset = queryset.filter(fiscal_year=fiscal_year)
    return (
        queryset.select_related("opd", "fiscal_year")
        .annotate(
            line_count=Count("lines"),
            total_pagu=money_sum("lines__pagu_indikatif"),
            total_pagu_next=money_sum("lines__pagu_indikatif_next"),
        )
        .order_by("opd__code")
    )


def _renjas_of_year(user, fiscal_year):
    return access.scope_renja(user, Renja.objects.filter(fiscal_year=fiscal_year))


def verification_queue(user, *, fiscal_year, state=""):
    """The year's Renja in one state (every state when none is given), the longest unchanged first."""
    renjas = visible_renjas(user, fiscal_year=fiscal_year)
    if state:
        renjas = renjas.filter(state=state)
    return renjas.order_by("updated_at", "opd__code")


def renja_state_counts(user, fiscal_year):
    """{state: number of the year's Renja the user may see in it}."""
    return dict(_renjas_of_year(user, fiscal_year).values_list("state").annotate(total=Count("pk")).order_by())


def renja_progress(user, fiscal_year):
    """How many of the year's Renja the user may see, and how many of those are final."""
    return _renjas_of_year(user, fiscal_year).aggregate(
        total=Count("pk"), final=Count("pk", filter=Q(stage=Renja.Stage.FINAL))
    )


def renja_waiting_by_year(user):
    """[(year, number of Renja waiting for verification)] for every year with one waiting, newest first."""
    return list(
        access.scope_renja(user, Renja.objects.filter(state=Renja.State.SUBMITTED))
        .values_list("fiscal_year__year")
        .annotate(waiting=Count("pk"))
        .order_by("-fiscal_year__year")
    )


def unanswered_renja_comments():
    """Verifiers' notes that nobody has replied to yet."""
    return RenjaComment.objects.filter(reply_to__isnull=True, replies__isnull=True).exclude(
        author__role=User.Role.OPD_STAFF
    )


def own_renjas(user, fiscal_year):
    """The user's own OPD's Renja of the year with its pagu and its unanswered notes (none for other roles)."""
    if not access.is_own_opd(user, user.opd):
        return Renja.objects.none()
    unanswered = unanswered_renja_comments().filter(renja_id=OuterRef("pk"))
    return visible_renjas(user, fiscal_year=fiscal_year).annotate(unanswered=count_subquery(unanswered))


def proposals_awaiting_moderation(user):
    return access.scope_proposals(user, Proposal.objects.filter(is_moderated=False)).count()


def renja_for(user, pk):
    """One Renja the user may read; 404 for missing and not-yours alike."""
    return access.get_visible_or_404(
        access.scope_renja(user, Renja.objects.select_related("opd", "fiscal_year__reference_version")), pk=pk
    )


def renja_with_transitions(user, pk):
    """One Renja as listed (line count, pagu totals) with its lifecycle history and who made each move."""
    transitions = Prefetch("transitions", queryset=RenjaTransition.objects.select_related("actor"))
    return access.get_visible_or_404(visible_renjas(user).prefetch_related(transitions), pk=pk)


def renja_transitions(renja):
    return renja.transitions.select_related("actor")


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


def renja_line_shown(renja, pk):
    """One line of the Renja, annotated as on its page; 404 when the Renja has no such line."""
    return get_object_or_404(renja_lines(renja), pk=pk)


def renja_line_of(renja, pk):
    """One line of the Renja with its sub-kegiatan; 404 when the Renja has no such line."""
    return get_object_or_404(RenjaLine.objects.select_related("sub_kegiatan"), renja=renja, pk=pk)


def renja_line_for(user, pk):
    return access.get_visible_or_404(
        access.scope_renja(user, RenjaLine.objects.select_related("renja__opd", "sub_kegiatan"), renja_field="renja"),
        pk=pk,
    )


def renja_totals(renja):
    return renja.lines.aggregate(
        line_count=Count("pk"),
        total_pagu=money_sum("pagu_indikatif"),
        total_pagu_next=money_sum("pagu_indikatif_next"),
    )


def renja_comments(renja):
    return renja.comments.select_related("author", "line__sub_kegiatan").prefetch_related(
        Prefetch("replies", queryset=RenjaComment.objects.select_related("author"))
    )


def allowed_sub_kegiatan(opd, fiscal_year):
    """Sub-kegiatan an OPD may plan: its own bidang plus the X.XX supporting programs, active, for kab/kota."""
    prefixes = Q(code__startswith="X.XX.")
    for bidang in opd.bidang_codes:
        prefixes |= Q(code__startswith=f"{bidang}.")
    return Nomenclature.objects.filter(
        prefixes,
        version_id=fiscal_year.reference_version_id,
        level=Nomenclature.Level.SUB_KEGIATAN,
        is_active=True,
        pemda__in=[Nomenclature.Pemda.KABKOTA, Nomenclature.Pemda.SEMUA],
    )


def sub_kegiatan_matching(renja, query, *, limit):
    """Up to `limit` sub-kegiatan the Renja's OPD may plan whose code or name holds every word typed."""
    matches = allowed_sub_kegiatan(renja.opd, renja.fiscal_year)
    for word in query.split():
        matches = matches.filter(Q(code__icontains=word) | Q(name__icontains=word))
    return list(matches.order_by("code")[:limit])


def allowed_sub_kegiatan_by_pk(renja, pk):
    """The sub-kegiatan `pk` when the Renja's OPD may plan it; None otherwise, or when `pk` is not a number."""
    if not str(pk).isdigit():
        return None
    return allowed_sub_kegiatan(renja.opd, renja.fiscal_year).filter(pk=pk).first()


def planned_sub_kegiatan_ids(renja, *, except_line_pk=None):
    """Sub-kegiatan already planned in the Renja (leaving out the line being edited)."""
    return set(renja.lines.exclude(pk=except_line_pk).values_list("sub_kegiatan_id", flat=True))


# --- Proposals --------------------------------------------------------------------------------


def visible_proposals(user):
    return access.scope_proposals(user, Proposal.objects.all()).select_related(
        "kecamatan", "village", "suggested_opd", "suggested_sub_kegiatan", "fiscal_year"
    )


def proposal_for(user, pk):
    return access.get_visible_or_404(visible_proposals(user), pk=pk)


def proposal_with_history(user, pk):
    """One proposal the user may read, with its status history and who made each change."""
    history = Prefetch("history", queryset=ProposalStatusChange.objects.select_related("actor"))
    return access.get_visible_or_404(visible_proposals(user).prefetch_related(history), pk=pk)


def proposal_history(proposal):
    return proposal.history.select_related("actor")


def acceptable_renja_lines(user, proposal):
    """Renja lines of the proposal's year the user may point it at (the suggested OPD's, when named)."""
    lines = access.scope_renja(
        user, RenjaLine.objects.select_related("renja__opd", "sub_kegiatan"), renja_field="renja"
    ).filter(renja__fiscal_year_id=proposal.fiscal_year_id)
    if proposal.suggested_opd_id:
        lines = lines.filter(renja__opd_id=proposal.suggested_opd_id)
    return lines.order_by("renja__opd__code", "sub_kegiatan__code")


def held_proposal(tracking_code):
    """A citizen's proposal not (or not yet) published by moderation, with only what its receipt shows."""
    return (
        Proposal.objects.filter(is_moderated=False, tracking_code=tracking_code.strip().upper())
        .only("tracking_code", "status", "created_at")
        .first()
    )


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


def visible_rkpds(user):
    return access.scope_rkpd(user, Rkpd.objects.select_related("fiscal_year")).order_by("-fiscal_year__year")


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


def rkpd_opd_totals(rkpd):
    """The totals per OPD in the shape of the other rollups (`code`, `name`, `lines`, `total`, `total_next`)."""
    return [
        {
            "code": row["renja__opd__code"],
            "name": row["renja__opd__name"],
            "lines": row["lines"],
            "total": row["total"],
            "total_next": row["total_next"],
        }
        for row in rkpd_totals_by_opd(rkpd)
    ]


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
    """Accepted proposals of the year and those left unfunded (rejected or deferred), by kecamatan."""
    proposals = (
        Proposal.objects.filter(fiscal_year_id=rkpd.fiscal_year_id, is_moderated=True)
        .select_related("kecamatan", "suggested_opd", "renja_line__sub_kegiatan")
        .order_by("kecamatan__name", "tracking_code")
    )
    return {
        "accepted": proposals.filter(status__in=[Proposal.Status.ACCEPTED, Proposal.Status.FUNDED]),
        "unfunded": proposals.filter(status__in=[Proposal.Status.REJECTED, Proposal.Status.DEFERRED]),
    }


def rkpd_proposal_totals(rkpd):
    """Number and estimated cost of the accepted and of the unfunded proposals."""
    return {
        group: proposals.aggregate(count=Count("pk"), total_cost=money_sum("estimated_cost"))
        for group, proposals in rkpd_proposals(rkpd).items()
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
            total_pagu=money_sum("renstra_programs__renja_lines__pagu_indikatif", filter=served),
        )
        .order_by("goal__code", "code")
    )
