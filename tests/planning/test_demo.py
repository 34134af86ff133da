"""The planning demo: a small Bondowoso planning year built through the services, the same for the same
seed, complete (every planning OPD has a final Renja, the RKPD is final) and consistent."""

import random
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum

from demo import planning as demo
from masterdata import audit
from masterdata.models import Account, AuditEvent, Opd, Region, User
from planning import selectors
from planning.models import Proposal, Renja, RenjaLine, Renstra, RenstraProgram, Rkpd, RpjmdTarget

pytestmark = pytest.mark.django_db
SCALE = 0.05


def seed(year=2024, seed_value=7):
    return demo.seed_planning(year=year, rng=random.Random(seed_value), scale=SCALE)


def fingerprint(year):
    """What the demo decided, without database ids, timestamps or the random tracking codes."""
    proposals = Proposal.objects.filter(fiscal_year__year=year)
    lines = RenjaLine.objects.filter(renja__fiscal_year__year=year)
    return {
        "proposals": sorted(
            proposals.values_list(
                "source",
                "stage",
                "status",
                "title",
                "kecamatan__code",
                "village__code",
                "proposer_name",
                "estimated_cost",
                "suggested_opd__code",
                "suggested_sub_kegiatan__code",
                "priority",
                "renja_line__sub_kegiatan__code",
                "deferred_to_year",
                "decision_note",
            ),
            key=repr,
        ),
        "lines": sorted(
            lines.values_list(
                "renja__opd__code",
                "sub_kegiatan__code",
                "location",
                "output_indicator",
                "output_target",
                "output_unit",
                "pagu_indikatif",
                "pagu_indikatif_next",
                "funding_source__code",
                "renstra_program__program__code",
                "renstra_program__rpjmd_target__code",
                "version",
            ),
            key=repr,
        ),
        "regions": sorted(lines.values_list("sub_kegiatan__code", "renja__opd__code", "regions__code"), key=repr),
        "users": sorted(User.objects.values_list("username", "role", "opd__code", "first_name", "last_name")),
        "renstra": sorted(
            RenstraProgram.objects.values_list("renstra__opd__code", "program__code", "rpjmd_target__code", "target_3")
        ),
        "events": AuditEvent.objects.count(),
    }


def counts(year):
    return {
        "proposals": Proposal.objects.filter(fiscal_year__year=year).count(),
        "renja": Renja.objects.filter(fiscal_year__year=year).count(),
        "lines": RenjaLine.objects.filter(renja__fiscal_year__year=year).count(),
        "renstra": Renstra.objects.count(),
        "renstra_programs": RenstraProgram.objects.count(),
        "targets": RpjmdTarget.objects.count(),
        "users": User.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def check_every_planning_opd_has_a_final_renja_and_the_rkpd_is_final(seeded):
    opds = demo.planning_opds()
    assert len(opds) == Opd.objects.exclude(kind=Opd.Kind.BAGIAN).count() == 50
    renjas = Renja.objects.filter(fiscal_year__year=2024)
    assert sorted(renjas.values_list("opd__code", flat=True)) == sorted(o.code for o in opds)
    assert set(renjas.values_list("stage", "state")) == {(Renja.Stage.FINAL, Renja.State.VERIFIED)}
    rkpd = Rkpd.objects.get(fiscal_year__year=2024)
    assert rkpd.state == Rkpd.State.FINAL
    assert set(rkpd.renjas.all()) == set(renjas)
    assert (seeded.renjas, seeded.renjas_final, seeded.rkpd_state) == (50, 50, Rkpd.State.FINAL)
    # Each OPD's own staff drafted and submitted it; Bappeda verified and finalised it.
    for renja in renjas.select_related("opd"):
        submitters = set(renja.transitions.filter(action="submit").values_list("actor__opd", "actor__role"))
        assert submitters == {(renja.opd_id, User.Role.OPD_STAFF)}
        deciders = set(renja.transitions.exclude(action="submit").values_list("actor__role", flat=True))
        assert deciders == {User.Role.BAPPEDA}


def check_totals_are_consistent(seeded):
    rkpd = Rkpd.objects.get(fiscal_year__year=2024)
    lines = RenjaLine.objects.filter(renja__fiscal_year__year=2024)
    total = lines.aggregate(total=Sum("pagu_indikatif"))["total"]
    assert rkpd.total_pagu == total == seeded.rkpd_total
    assert sum(row["total"] for row in selectors.rkpd_totals_by_opd(rkpd)) == total
    assert sum(row["total"] for row in selectors.rkpd_totals_by(rkpd, "program")) == total
    assert seeded.lines == lines.count() >= 2 * 50
    # Scaled down from about 2,500 lines and Rp 1,2-1,6 triliun at scale 1.0.
    assert abs(seeded.lines - 2500 * SCALE) <= 2 * 50
    assert Decimal("1e11") < total < Decimal("1.6e12")


def check_lines_follow_the_rules(reference_data):
    lines = RenjaLine.objects.filter(renja__fiscal_year=reference_data).select_related(
        "renja__opd", "sub_kegiatan", "funding_source", "renstra_program__renstra"
    )
    for line in lines:
        assert selectors.allowed_sub_kegiatan(line.renja.opd, reference_data).filter(pk=line.sub_kegiatan_id).exists()
        assert line.sub_kegiatan.code not in demo.PEGAWAI_HEAVY
        assert line.funding_source.level == Account.Level.SUB_RINCIAN_OBJEK and line.funding_source.is_active
        assert line.renstra_program.renstra.opd_id == line.renja.opd_id
        assert line.output_indicator and line.output_unit and line.output_target > 0
        assert line.pagu_indikatif > 0 and line.pagu_indikatif_next > 0
    assert lines.filter(sub_kegiatan__code__startswith="X.XX.").exists()
    assert lines.exclude(sub_kegiatan__code__startswith="X.XX.").exists()


def check_proposals_spread_and_decided(seeded):
    proposals = Proposal.objects.filter(fiscal_year__year=2024)
    assert seeded.proposals == proposals.count() == round(2000 * SCALE)
    assert proposals.values("kecamatan").distinct().count() >= 15
    assert set(proposals.values_list("kecamatan__level", flat=True)) == {Region.Level.KECAMATAN}
    for proposal in proposals.exclude(village=None).select_related("village"):
        assert proposal.village.parent_id == proposal.kecamatan_id
    statuses = set(proposals.values_list("status", flat=True))
    assert {Proposal.Status.ACCEPTED, Proposal.Status.REJECTED, Proposal.Status.DEFERRED} <= statuses
    assert proposals.filter(status=Proposal.Status.ACCEPTED).count() == seeded.proposals_accepted > 0
    # Everything the RKPD looked at is decided; only late citizens' proposals may still wait for moderation.
    undecided = proposals.filter(status__in=[Proposal.Status.RECEIVED, Proposal.Status.IN_REVIEW])
    assert set(undecided.values_list("status", "source", "is_moderated")) <= {
        (Proposal.Status.RECEIVED, Proposal.Source.CITIZEN, False)
    }
    for proposal in proposals.filter(status=Proposal.Status.ACCEPTED).select_related("renja_line__renja"):
        assert proposal.renja_line.renja.opd_id == proposal.suggested_opd_id
    for line in RenjaLine.objects.filter(proposals__status=Proposal.Status.ACCEPTED).distinct():
        accepted = line.proposals.filter(status=Proposal.Status.ACCEPTED).aggregate(total=Sum("estimated_cost"))
        assert accepted["total"] <= line.pagu_indikatif
        served = set(line.regions.values_list("pk", flat=True))
        for proposal in line.proposals.filter(status=Proposal.Status.ACCEPTED):
            assert (proposal.village_id or proposal.kecamatan_id) in served


def check_an_intact_audit_trail():
    assert audit.verify_chain().intact
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "rpjmd.create",
        "rpjmd_target.create",
        "renstra.create",
        "renstra_program.create",
        "proposal.submit",
        "proposal.accept",
        "renja.create",
        "renja_line.create",
        "renja.submit",
        "renja.verify",
        "renja.finalise",
        "rkpd.consolidate",
        "rkpd.finalize",
    } <= actions
    assert RpjmdTarget.objects.filter(goal__rpjmd__first_year=demo.RPJMD_FIRST_YEAR).count() == sum(
        len(targets) for _, _, targets in demo.RPJMD_GOALS
    )


def test_same_seed_same_plan(reference_data):
    with transaction.atomic():
        seed()
        first = fingerprint(2024)
        transaction.set_rollback(True)
    assert not Proposal.objects.exists()
    seed()
    assert fingerprint(2024) == first


def test_demo_year_is_complete_consistent_and_seeded_once(reference_data):
    """One seeded year checked from every side (seeding is the slow part, so it happens once)."""
    summary = seed()
    assert summary.created
    check_every_planning_opd_has_a_final_renja_and_the_rkpd_is_final(summary)
    check_totals_are_consistent(summary)
    check_lines_follow_the_rules(reference_data)
    check_proposals_spread_and_decided(summary)
    check_an_intact_audit_trail()

    before = counts(2024)
    again = seed(seed_value=99)
    assert counts(2024) == before
    assert again.created is False
    assert (again.proposals, again.lines, again.rkpd_total) == (summary.proposals, summary.lines, summary.rkpd_total)

    # The next year reuses the RPJMD, the Renstra and the OPDs' operators.
    users, renstras = User.objects.count(), Renstra.objects.count()
    next_year = seed(year=2025)
    assert next_year.created and next_year.operators_created == 0
    assert (User.objects.count(), Renstra.objects.count()) == (users, renstras)
    assert Rkpd.objects.get(fiscal_year__year=2025).state == Rkpd.State.FINAL
