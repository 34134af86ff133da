"""Who may read and change planning data (ARCHITECTURE.md, "Who may do what"), through masterdata.access and the
planning selectors: staff see only their own OPD's Renja, DPRD only final ones, unmoderated proposals
stay with Bappeda, and a Renja that is not yours answers exactly like a missing one."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from masterdata import access
from masterdata.models import User
from planning import selectors, services
from planning.models import Proposal, Renja, RenjaLine, Renstra, RpjmdTarget
from tests.factories import user_with_role
from tests.planning.factories import (
    FINAL_MOVES,
    RenstraFactory,
    RpjmdTargetFactory,
    move_renja,
    renja_with_lines,
    submitted_proposal,
)

pytestmark = pytest.mark.django_db
Role, Source = User.Role, Proposal.Source
OTHER_ROLES = [role for role in Role if role != Role.OPD_STAFF]


@pytest.fixture
def users(year):
    return {role: user_with_role(role) for role in OTHER_ROLES} | {"anonymous": AnonymousUser()}


@pytest.fixture
def renjas(year, dinkes, pupr, dinkes_staff, pupr_staff, users):
    """A final Dinkes Renja and a draft PUPR Renja."""
    final = renja_with_lines(opd_=dinkes, fiscal_year=year, count=2, actor=dinkes_staff)
    move_renja(final, *FINAL_MOVES, staff=dinkes_staff, bappeda=users[Role.BAPPEDA])
    draft = renja_with_lines(opd_=pupr, fiscal_year=year, count=1, actor=pupr_staff)
    return {"final": Renja.objects.get(pk=final.pk), "draft": draft}


@pytest.mark.parametrize(
    ("permission", "granted"),
    [
        ("planning.change_rpjmd", {Role.BAPPEDA}),
        ("planning.verify_renja", {Role.BAPPEDA}),
        ("planning.moderate_proposal", {Role.BAPPEDA}),
        ("planning.change_rkpd", {Role.BAPPEDA}),
    ],
)
def test_planning_permissions_without_an_object(users, dinkes_staff, permission, granted):
    holders = {role for role, user in users.items() if user.has_perm(permission)}
    assert holders == granted
    assert not dinkes_staff.has_perm(permission)


def test_renja_lines_may_be_edited_by_own_staff_while_draft_or_returned(renjas, dinkes_staff, pupr_staff, users):
    draft, final = renjas["draft"], renjas["final"]
    assert pupr_staff.has_perm("planning.edit_renja", draft)
    assert not dinkes_staff.has_perm("planning.edit_renja", draft)
    assert not dinkes_staff.has_perm("planning.edit_renja", final)
    for user in users.values():
        assert not user.has_perm("planning.edit_renja", draft)
    for state in (Renja.State.SUBMITTED, Renja.State.VERIFIED):
        draft.state = state
        assert not pupr_staff.has_perm("planning.edit_renja", draft)
    draft.state = Renja.State.RETURNED
    assert pupr_staff.has_perm("planning.edit_renja", draft)


def test_renstra_is_changed_by_its_own_staff_only(dinkes, dinkes_staff, pupr_staff, users):
    renstra = RenstraFactory(opd=dinkes)
    assert dinkes_staff.has_perm("planning.change_renstra", renstra)
    assert not pupr_staff.has_perm("planning.change_renstra", renstra)
    for user in users.values():
        assert not user.has_perm("planning.change_renstra", renstra)


def test_proposals_are_decided_by_the_suggested_opd_and_bappeda(year, dinkes, dinkes_staff, pupr_staff, users):
    proposal = submitted_proposal(users[Role.BAPPEDA], Source.DESA, year, suggested_opd=dinkes)
    unassigned = submitted_proposal(users[Role.BAPPEDA], Source.DESA, year)
    assert dinkes_staff.has_perm("planning.decide_proposal", proposal)
    assert not dinkes_staff.has_perm("planning.decide_proposal", unassigned)
    assert not pupr_staff.has_perm("planning.decide_proposal", proposal)
    holders = {role for role, user in users.items() if user.has_perm("planning.decide_proposal", proposal)}
    assert holders == {Role.BAPPEDA}


def test_opd_staff_see_only_their_own_renja(renjas, dinkes_staff, pupr_staff):
    assert list(selectors.visible_renjas(dinkes_staff)) == [renjas["final"]]
    assert list(selectors.visible_renjas(pupr_staff)) == [renjas["draft"]]
    assert selectors.renja_for(pupr_staff, renjas["draft"].pk) == renjas["draft"]
    with pytest.raises(Http404) as foreign:
        selectors.renja_for(dinkes_staff, renjas["draft"].pk)
    with pytest.raises(Http404) as missing:
        selectors.renja_for(dinkes_staff, 987654)
    assert str(foreign.value) == str(missing.value)
    foreign_line = renjas["draft"].lines.get()
    with pytest.raises(Http404):
        selectors.renja_line_for(dinkes_staff, foreign_line.pk)
    assert selectors.renja_line_for(pupr_staff, foreign_line.pk) == foreign_line


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (Role.BAPPEDA, {"final", "draft"}),
        (Role.FINANCE, {"final", "draft"}),
        (Role.AUDITOR, {"final", "draft"}),
        (Role.DPRD, {"final"}),
        (Role.ADMIN, set()),
        ("anonymous", set()),
    ],
)
def test_who_reads_which_renja(renjas, users, role, sees):
    user = users[role]
    visible = set(selectors.visible_renjas(user))
    assert visible == {renjas[name] for name in sees}
    lines = set(access.scope_renja(user, RenjaLine.objects.all(), renja_field="renja"))
    assert lines == {line for name in sees for line in renjas[name].lines.all()}
    for name, renja in renjas.items():
        if name in sees:
            assert selectors.renja_for(user, renja.pk) == renja
        else:
            with pytest.raises(Http404):
                selectors.renja_for(user, renja.pk)


def test_renja_totals_in_the_list(renjas, users):
    rows = {renja.pk: renja for renja in selectors.visible_renjas(users[Role.BAPPEDA])}
    for renja in renjas.values():
        lines = list(renja.lines.all())
        assert rows[renja.pk].line_count == len(lines)
        assert rows[renja.pk].total_pagu == sum(line.pagu_indikatif for line in lines)


@pytest.mark.parametrize(
    ("role", "reads"),
    [
        ("own staff", True),
        ("other staff", False),
        (Role.BAPPEDA, True),
        (Role.FINANCE, True),
        (Role.AUDITOR, True),
        (Role.DPRD, False),
        (Role.ADMIN, False),
        ("anonymous", False),
    ],
)
def test_who_reads_a_renstra(dinkes, dinkes_staff, pupr_staff, users, role, reads):
    renstra = RenstraFactory(opd=dinkes)
    user = {"own staff": dinkes_staff, "other staff": pupr_staff}.get(role) or users[role]
    assert list(access.scope_renstra(user, Renstra.objects.all())) == ([renstra] if reads else [])


@pytest.mark.parametrize(
    ("role", "reads"),
    [
        ("staff", True),
        (Role.BAPPEDA, True),
        (Role.FINANCE, True),
        (Role.DPRD, True),
        (Role.AUDITOR, True),
        (Role.ADMIN, False),
        ("anonymous", False),
    ],
)
def test_who_reads_rpjmd_targets_and_the_rkpd(renjas, dinkes_staff, users, year, role, reads):
    target = RpjmdTargetFactory()
    rkpd = services.consolidate_rkpd(actor=users[Role.BAPPEDA], fiscal_year=year)
    user = dinkes_staff if role == "staff" else users[role]
    assert list(access.scope_rpjmd(user, RpjmdTarget.objects.all())) == ([target] if reads else [])
    if reads:
        assert selectors.rkpd_for(user, year) == rkpd
    else:
        with pytest.raises(Http404):
            selectors.rkpd_for(user, year)


def test_unmoderated_proposals_are_seen_by_bappeda_only(year, dinkes_staff, users):
    waiting = submitted_proposal(AnonymousUser(), Source.CITIZEN, year, title="Pembangunan posyandu")
    public = submitted_proposal(users[Role.BAPPEDA], Source.DESA, year)
    turned_away = submitted_proposal(AnonymousUser(), Source.CITIZEN, year, title="Bantuan pribadi")
    services.moderate_proposal(actor=users[Role.BAPPEDA], proposal=turned_away, approve=False, note="Pribadi.")
    assert set(selectors.visible_proposals(users[Role.BAPPEDA])) == {waiting, public, turned_away}
    for user in [dinkes_staff, *[users[role] for role in (*OTHER_ROLES, "anonymous") if role != Role.BAPPEDA]]:
        assert list(selectors.visible_proposals(user)) == [public]
        for hidden in (waiting, turned_away):
            with pytest.raises(Http404):
                selectors.proposal_for(user, hidden.pk)
    for hidden in (waiting, turned_away):
        with pytest.raises(Http404):
            selectors.public_proposal(hidden.tracking_code)
    assert selectors.public_proposal(f" {public.tracking_code.lower()} ") == public

    services.moderate_proposal(actor=users[Role.BAPPEDA], proposal=waiting, approve=True)
    assert selectors.public_proposal(waiting.tracking_code) == waiting
    assert set(selectors.visible_proposals(users["anonymous"])) == {waiting, public}
