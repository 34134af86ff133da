"""The planning services: the Renja lifecycle (every legal and illegal move, who may make it, what it
freezes and audits), line validation, the proposals' lifecycle, and the RKPD consolidation."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from masterdata import audit
from masterdata.errors import StaleObject, TransitionNotAllowed
from masterdata.models import AuditEvent, FiscalYear, FundingSource, Nomenclature, User
from planning import selectors, services
from planning.models import (
    Proposal,
    ProposalStatusChange,
    Renja,
    RenjaComment,
    RenjaLine,
    RenjaTransition,
    Rkpd,
)
from tests.factories import user_with_role
from tests.planning.factories import (
    FINAL_MOVES,
    PUPR_CODE,
    RenstraProgramFactory,
    RpjmdTargetFactory,
    line_values,
    move_renja,
    opd,
    renja_with_lines,
    staff_of,
    sub_kegiatan_for,
    submitted_proposal,
)

pytestmark = pytest.mark.django_db
Role, Stage, State = User.Role, Renja.Stage, Renja.State
PStatus, Source = Proposal.Status, Proposal.Source
DINSOS_CODE = "1.06.0.00.0.00.01.0000"

# The oracle of the Renja lifecycle (ARCHITECTURE.md, "Lifecycles"), written out rather than read from the services.
PLANNING_STAGES = [Stage.RANWAL, Stage.RANCANGAN, Stage.RANCANGAN_AKHIR]
POSITIONS = [(stage, state) for stage in PLANNING_STAGES for state in State] + [(Stage.FINAL, State.VERIFIED)]
ACTIONS = ["submit", "return", "verify", "advance", "finalise", "publish"]
LABELS = {
    "submit": "ajukan",
    "return": "kembalikan",
    "verify": "verifikasi",
    "advance": "lanjut ke tahap berikutnya",
    "finalise": "finalkan",
}
NEXT = {Stage.RANWAL: Stage.RANCANGAN, Stage.RANCANGAN: Stage.RANCANGAN_AKHIR}


def expected_moves(stage, state):
    if stage == Stage.FINAL:
        return []
    if state == State.VERIFIED:
        return ["finalise" if stage == Stage.RANCANGAN_AKHIR else "advance"]
    return {State.DRAFT: ["submit"], State.RETURNED: ["submit"], State.SUBMITTED: ["return", "verify"]}[state]


def expected_result(stage, state, action):
    return {
        "submit": (stage, State.SUBMITTED),
        "return": (stage, State.RETURNED),
        "verify": (stage, State.VERIFIED),
        "advance": (NEXT.get(stage), State.DRAFT),
        "finalise": (Stage.FINAL, State.VERIFIED),
    }[action]


def place(renja, stage, state):
    """Put a Renja at a lifecycle position directly (the walk through the services is tested below)."""
    Renja.objects.filter(pk=renja.pk).update(stage=stage, state=state)
    renja.refresh_from_db()
    return renja


def actor_for(action, staff, bappeda):
    return staff if action == "submit" else bappeda


# --- Renja lifecycle ----------------------------------------------------------------------------


@pytest.mark.parametrize(("stage", "state"), POSITIONS)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_renja_move_from_every_position(renja, dinkes_staff, bappeda, stage, state, action):
    place(renja, stage, state)
    allowed = expected_moves(stage, state)
    events = AuditEvent.objects.count()
    if action in allowed:
        moved = services.transition_renja(
            actor=actor_for(action, dinkes_staff, bappeda), renja=renja, action=action, note="Catatan uji."
        )
        assert (moved.stage, moved.state) == expected_result(stage, state, action)
        event = AuditEvent.objects.get(action=f"renja.{action}", object_id=str(renja.pk))
        assert event.before == {"stage": stage, "state": state}
        assert event.after == {"stage": moved.stage, "state": moved.state, "note": "Catatan uji."}
        assert event.opd_id == renja.opd_id
        transition = RenjaTransition.objects.get(renja=renja)
        assert (transition.action, transition.from_stage, transition.from_state) == (action, stage, state)
        assert (transition.to_stage, transition.to_state) == (moved.stage, moved.state)
        return
    for actor in (dinkes_staff, bappeda):
        with pytest.raises(TransitionNotAllowed) as refused:
            services.transition_renja(actor=actor, renja=renja, action=action, note="Catatan uji.")
        assert refused.value.allowed == allowed
        assert refused.value.current == {"stage": stage, "state": state}
        message = str(refused.value)
        assert f"'{LABELS.get(action, action)}'" in message
        for move in allowed:
            assert LABELS[move] in message
        if not allowed:
            assert "sudah final" in message
    renja.refresh_from_db()
    assert (renja.stage, renja.state) == (stage, state)
    assert AuditEvent.objects.count() == events
    assert not RenjaTransition.objects.filter(renja=renja).exists()


LEGAL_MOVES = [
    (Stage.RANWAL, State.DRAFT, "submit"),
    (Stage.RANCANGAN, State.RETURNED, "submit"),
    (Stage.RANWAL, State.SUBMITTED, "return"),
    (Stage.RANCANGAN_AKHIR, State.SUBMITTED, "verify"),
    (Stage.RANWAL, State.VERIFIED, "advance"),
    (Stage.RANCANGAN_AKHIR, State.VERIFIED, "finalise"),
]
ACTORS = ["own staff", "other staff", "anonymous", *[role for role in Role if role != Role.OPD_STAFF]]


def make_actor(kind, dinkes):
    if kind == "own staff":
        return staff_of(dinkes)
    if kind == "other staff":
        return staff_of(opd(PUPR_CODE))
    if kind == "anonymous":
        return AnonymousUser()
    return user_with_role(kind)


@pytest.mark.parametrize(("stage", "state", "action"), LEGAL_MOVES)
@pytest.mark.parametrize("kind", ACTORS)
def test_who_may_make_each_move(renja, dinkes, stage, state, action, kind):
    """OPD staff submit only their own Renja; Bappeda returns, verifies, advances and finalises; nobody else."""
    place(renja, stage, state)
    actor = make_actor(kind, dinkes)
    may = kind == "own staff" if action == "submit" else kind == Role.BAPPEDA
    if may:
        moved = services.transition_renja(actor=actor, renja=renja, action=action, note="Catatan uji.")
        assert (moved.stage, moved.state) == expected_result(stage, state, action)
        return
    with pytest.raises(PermissionDenied):
        services.transition_renja(actor=actor, renja=renja, action=action, note="Catatan uji.")
    renja.refresh_from_db()
    assert (renja.stage, renja.state) == (stage, state)
    assert not AuditEvent.objects.filter(action=f"renja.{action}").exists()


@pytest.mark.parametrize("note", ["", "   "])
def test_return_needs_a_note(renja, dinkes_staff, bappeda, note):
    services.transition_renja(actor=dinkes_staff, renja=renja, action="submit")
    with pytest.raises(ValidationError) as refused:
        services.transition_renja(actor=bappeda, renja=renja, action="return", note=note)
    assert "note" in refused.value.message_dict
    renja.refresh_from_db()
    assert renja.state == State.SUBMITTED


def test_submit_needs_lines(dinkes, dinkes_staff, year):
    empty = services.create_renja(actor=dinkes_staff, opd=dinkes, fiscal_year=year)
    with pytest.raises(ValidationError, match="belum memiliki satu pun sub-kegiatan"):
        services.transition_renja(actor=dinkes_staff, renja=empty, action="submit")
    empty.refresh_from_db()
    assert empty.state == State.DRAFT


def test_return_note_becomes_a_comment_and_the_full_walk_is_audited(renja, dinkes_staff, bappeda):
    moves = ("submit", "return", "submit", "verify", "advance", *FINAL_MOVES[3:])
    for action in moves:
        note = "Indikator keluaran belum terukur." if action == "return" else ""
        services.transition_renja(actor=actor_for(action, dinkes_staff, bappeda), renja=renja, action=action, note=note)
    renja.refresh_from_db()
    assert renja.is_final and renja.state == State.VERIFIED
    assert list(RenjaTransition.objects.filter(renja=renja).values_list("action", flat=True)) == list(moves)
    events = AuditEvent.objects.filter(
        object_type="planning.renja", object_id=str(renja.pk), action__in=[f"renja.{action}" for action in LABELS]
    ).order_by("sequence")
    assert [event.action for event in events] == [f"renja.{action}" for action in moves]
    for event, transition in zip(events, RenjaTransition.objects.filter(renja=renja), strict=True):
        assert event.before == {"stage": transition.from_stage, "state": transition.from_state}
        assert {key: event.after[key] for key in ("stage", "state")} == {
            "stage": transition.to_stage,
            "state": transition.to_state,
        }
    comment = RenjaComment.objects.get(renja=renja)
    assert (comment.author, comment.stage, comment.text) == (bappeda, Stage.RANWAL, "Indikator keluaran belum terukur.")
    assert audit.verify_chain().intact


def test_create_renja_by_own_staff_or_bappeda_once(dinkes, dinkes_staff, bappeda, year):
    for kind in ("other staff", Role.FINANCE, Role.DPRD, Role.AUDITOR, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            services.create_renja(actor=make_actor(kind, dinkes), opd=dinkes, fiscal_year=year)
    renja = services.create_renja(actor=bappeda, opd=dinkes, fiscal_year=year)
    assert (renja.stage, renja.state) == (Stage.RANWAL, State.DRAFT)
    assert AuditEvent.objects.filter(action="renja.create", object_id=str(renja.pk)).exists()
    with pytest.raises(ValidationError, match="sudah ada"):
        services.create_renja(actor=dinkes_staff, opd=dinkes, fiscal_year=year)


# --- Renja lines: editability, freezing, validation ------------------------------------------------


def test_lines_are_editable_only_while_draft_or_returned(renja, dinkes_staff, bappeda, year, dinkes):
    line = renja.lines.first()
    extra = sub_kegiatan_for(dinkes, year, 1, offset=5)[0]
    services.transition_renja(actor=dinkes_staff, renja=renja, action="submit")
    for attempt in (
        lambda: services.add_renja_line(actor=dinkes_staff, renja=renja, **line_values(extra)),
        lambda: services.update_renja_line(actor=dinkes_staff, line=line, expected_version=line.version, location="X"),
        lambda: services.delete_renja_line(actor=dinkes_staff, line=line),
    ):
        with pytest.raises(TransitionNotAllowed) as refused:
            attempt()
        assert refused.value.current == {"stage": Stage.RANWAL, "state": State.SUBMITTED}
        assert refused.value.allowed == ["return", "verify"]

    services.transition_renja(actor=bappeda, renja=renja, action="return", note="Lengkapi lokasi.")
    updated = services.update_renja_line(
        actor=dinkes_staff, line=line, expected_version=line.version, location="Desa Sucolor, Kecamatan Maesan"
    )
    assert (updated.location, updated.version) == ("Desa Sucolor, Kecamatan Maesan", line.version + 1)
    added = services.add_renja_line(actor=dinkes_staff, renja=renja, **line_values(extra))
    services.delete_renja_line(actor=dinkes_staff, line=added)
    assert not RenjaLine.objects.filter(pk=added.pk).exists()
    assert list(
        AuditEvent.objects.filter(object_type="planning.renjaline", object_id=str(added.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    ) == ["renja_line.create", "renja_line.delete"]


def test_final_renja_is_frozen(renja, dinkes_staff, bappeda, year, dinkes):
    move_renja(renja, *FINAL_MOVES, staff=dinkes_staff, bappeda=bappeda)
    renja.refresh_from_db()
    line = renja.lines.first()
    extra = sub_kegiatan_for(dinkes, year, 1, offset=5)[0]
    for attempt in (
        lambda: services.add_renja_line(actor=dinkes_staff, renja=renja, **line_values(extra)),
        lambda: services.update_renja_line(
            actor=dinkes_staff, line=line, expected_version=line.version, pagu_indikatif=Decimal("1")
        ),
        lambda: services.delete_renja_line(actor=dinkes_staff, line=line),
    ):
        with pytest.raises(TransitionNotAllowed):
            attempt()
    for actor in (bappeda, user_with_role(Role.FINANCE)):
        with pytest.raises(PermissionDenied):
            services.update_renja_line(actor=actor, line=line, expected_version=line.version, location="X")
    line.refresh_from_db()
    assert line.pagu_indikatif == Decimal("150000000.00") and line.version == 1


def test_others_may_not_edit_lines_even_of_a_draft(renja, dinkes):
    line = renja.lines.first()
    for kind in ("other staff", "anonymous", *[role for role in Role if role != Role.OPD_STAFF]):
        with pytest.raises(PermissionDenied):
            services.update_renja_line(
                actor=make_actor(kind, dinkes), line=line, expected_version=line.version, location="X"
            )


def test_stale_update_is_refused_with_the_current_values(renja, dinkes_staff):
    line = renja.lines.first()
    services.update_renja_line(
        actor=dinkes_staff, line=line, expected_version=1, pagu_indikatif=Decimal("175000000.00")
    )
    events = AuditEvent.objects.count()
    with pytest.raises(StaleObject) as refused:
        services.update_renja_line(actor=dinkes_staff, line=line, expected_version=1, pagu_indikatif=Decimal("1.00"))
    assert refused.value.current["version"] == 2
    assert Decimal(refused.value.current["pagu_indikatif"]) == Decimal("175000000.00")
    line.refresh_from_db()
    assert (line.version, line.pagu_indikatif) == (2, Decimal("175000000.00"))
    assert AuditEvent.objects.count() == events


def test_line_update_is_audited_with_before_and_after(renja, dinkes_staff):
    line = renja.lines.first()
    services.update_renja_line(
        actor=dinkes_staff, line=line, expected_version=1, pagu_indikatif=Decimal("175000000.00")
    )
    event = AuditEvent.objects.get(action="renja_line.update", object_id=str(line.pk))
    assert (event.before["pagu_indikatif"], event.after["pagu_indikatif"]) == ("150000000.00", "175000000.00")
    assert (event.before["version"], event.after["version"]) == (1, 2)
    assert event.actor == dinkes_staff and event.opd_id == renja.opd_id


def nomenclature(year, code):
    return Nomenclature.objects.get(version_id=year.reference_version_id, code=code)


@pytest.mark.parametrize(
    "code",
    [
        "1.03.10.2.01.0009",  # Rehabilitasi Jalan: PUPR's bidang, not Dinkes'
        "X.XX.01.2.02.0009",  # a supporting sub-kegiatan superseded by Kep 050-3708 (inactive)
        "X.XX.01.1.01.0001",  # a province's supporting sub-kegiatan
        "1.02.02.2.01",  # a kegiatan, not a sub-kegiatan
    ],
)
def test_sub_kegiatan_outside_what_the_opd_may_plan_is_refused(renja, dinkes_staff, year, code):
    with pytest.raises(ValidationError) as refused:
        services.add_renja_line(actor=dinkes_staff, renja=renja, **line_values(nomenclature(year, code)))
    assert "tidak dapat dipakai" in refused.value.message_dict["sub_kegiatan"][0]
    assert renja.lines.count() == 2


def test_supporting_sub_kegiatan_is_allowed_and_duplicates_are_refused(renja, dinkes_staff, year):
    support = nomenclature(year, "X.XX.01.2.01.0001")
    services.add_renja_line(actor=dinkes_staff, renja=renja, **line_values(support))
    with pytest.raises(ValidationError) as refused:
        services.add_renja_line(actor=dinkes_staff, renja=renja, **line_values(support))
    assert "sudah ada" in refused.value.message_dict["sub_kegiatan"][0]
    other = renja.lines.exclude(sub_kegiatan=support).first()
    with pytest.raises(ValidationError, match="sudah ada"):
        services.update_renja_line(actor=dinkes_staff, line=other, expected_version=other.version, sub_kegiatan=support)


def test_every_bad_field_is_named_at_once(renja, dinkes_staff, year, dinkes):
    sub = sub_kegiatan_for(dinkes, year, 1, offset=7)[0]
    other_renstra_program = RenstraProgramFactory(renstra__opd=opd(PUPR_CODE))
    with pytest.raises(ValidationError) as refused:
        services.add_renja_line(
            actor=dinkes_staff,
            renja=renja,
            **line_values(
                sub,
                location=" ",
                output_indicator="",
                output_unit="",
                output_target=Decimal("-1"),
                pagu_indikatif=Decimal("1.005"),
                pagu_indikatif_next="seratus juta",
                funding_source=FundingSource.objects.get(version_id=year.reference_version_id, code="1.2.01.01.02"),
                renstra_program=other_renstra_program,
            ),
        )
    assert set(refused.value.message_dict) == {
        "location",
        "output_indicator",
        "output_unit",
        "output_target",
        "pagu_indikatif",
        "pagu_indikatif_next",
        "funding_source",
        "renstra_program",
    }
    assert renja.lines.count() == 2


def test_inactive_funding_source_is_refused(renja, dinkes_staff, year, dinkes):
    dau = FundingSource.objects.get(version_id=year.reference_version_id, code="1.2.01.01.02.0001")
    FundingSource.objects.filter(pk=dau.pk).update(is_active=False)
    dau.refresh_from_db()
    sub = sub_kegiatan_for(dinkes, year, 1, offset=7)[0]
    with pytest.raises(ValidationError) as refused:
        services.add_renja_line(actor=dinkes_staff, renja=renja, **line_values(sub, funding_source=dau))
    assert "funding_source" in refused.value.message_dict


def test_comments_by_bappeda_and_replies_by_own_staff(renja, dinkes_staff, bappeda):
    line = renja.lines.first()
    comment = services.comment_renja(actor=bappeda, renja=renja, line=line, text="Satuan belum tepat.")
    reply = services.comment_renja(actor=dinkes_staff, renja=renja, reply_to=comment, text="Sudah diperbaiki.")
    assert reply.reply_to == comment and comment.line == line
    for kind in ("other staff", Role.FINANCE, Role.DPRD, Role.AUDITOR, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            services.comment_renja(actor=make_actor(kind, renja.opd), renja=renja, text="Catatan.")
    with pytest.raises(ValidationError):
        services.comment_renja(actor=bappeda, renja=renja, text="  ")
    assert AuditEvent.objects.filter(action="renja.comment").count() == 2
    renja.stage, renja.state = Stage.FINAL, State.VERIFIED  # a final Renja's threads are closed
    for actor in (bappeda, dinkes_staff):
        with pytest.raises(PermissionDenied):
            services.comment_renja(actor=actor, renja=renja, text="Catatan sesudah final.")


# --- Proposals ------------------------------------------------------------------------------------


@pytest.fixture
def dinkes_line(renja):
    return renja.lines.order_by("pk").first()


@pytest.fixture
def in_review(bappeda, dinkes, year):
    return submitted_proposal(bappeda, Source.DESA, year, suggested_opd=dinkes, title="Pembangunan gedung posyandu")


def test_citizen_proposal_waits_for_moderation_unseen(year, bappeda):
    proposal = submitted_proposal(AnonymousUser(), Source.CITIZEN, year, proposer_name="Siti Rohmah")
    assert (proposal.status, proposal.is_moderated, proposal.submitted_by) == (PStatus.RECEIVED, False, None)
    assert proposal.stage == Proposal.Stage.DESA
    assert proposal.tracking_code.startswith("U24-")
    event = AuditEvent.objects.get(action="proposal.submit", object_id=str(proposal.pk))
    assert event.actor is None and event.after["status"] == PStatus.RECEIVED
    history = ProposalStatusChange.objects.get(proposal=proposal)
    assert (history.from_status, history.to_status, history.actor) == ("", PStatus.RECEIVED, None)


@pytest.mark.parametrize(
    ("kind", "sources"),
    [
        ("anonymous", [Source.CITIZEN]),
        ("own staff", [Source.FORUM_OPD]),
        (Role.BAPPEDA, [Source.DESA, Source.KECAMATAN]),
        (Role.DPRD, [Source.POKIR]),
        (Role.FINANCE, []),
        (Role.AUDITOR, []),
        (Role.ADMIN, []),
    ],
)
def test_who_submits_from_which_source(year, dinkes, kind, sources):
    actor = make_actor(kind, dinkes)
    for source in Source:
        if source in sources:
            proposal = submitted_proposal(actor, source, year)
            assert proposal.source == source
            assert proposal.status == (PStatus.RECEIVED if source == Source.CITIZEN else PStatus.IN_REVIEW)
        else:
            with pytest.raises(PermissionDenied):
                submitted_proposal(actor, source, year)
    assert Proposal.objects.count() == len(sources)


def test_proposal_fields_are_validated(year, bappeda):
    from masterdata.models import Region

    with pytest.raises(ValidationError) as refused:
        submitted_proposal(
            bappeda,
            Source.DESA,
            year,
            title=" ",
            village=Region.objects.get(code="35.11.02.2001"),  # a desa of Tamanan, not Maesan
            estimated_cost=Decimal("-5"),
            priority=9,
        )
    assert set(refused.value.message_dict) == {"title", "village", "estimated_cost", "priority"}
    assert not Proposal.objects.exists()


def test_moderation(year, bappeda, dinkes):
    approved = submitted_proposal(AnonymousUser(), Source.CITIZEN, year)
    turned_away = submitted_proposal(AnonymousUser(), Source.CITIZEN, year, title="Minta bantuan pribadi")
    for kind in ("own staff", Role.FINANCE, Role.DPRD, Role.AUDITOR, Role.ADMIN, "anonymous"):
        with pytest.raises(PermissionDenied):
            services.moderate_proposal(actor=make_actor(kind, dinkes), proposal=approved, approve=True)
    with pytest.raises(ValidationError):
        services.moderate_proposal(actor=bappeda, proposal=turned_away, approve=False, note="")

    approved = services.moderate_proposal(actor=bappeda, proposal=approved, approve=True, note="Lolos.")
    assert (approved.status, approved.is_moderated) == (PStatus.IN_REVIEW, True)
    turned_away = services.moderate_proposal(
        actor=bappeda, proposal=turned_away, approve=False, note="Permintaan pribadi."
    )
    assert (turned_away.status, turned_away.is_moderated, turned_away.decision_note) == (
        PStatus.REJECTED,
        False,
        "Permintaan pribadi.",
    )
    with pytest.raises(TransitionNotAllowed) as refused:
        services.moderate_proposal(actor=bappeda, proposal=approved, approve=True)
    assert refused.value.current == {"status": PStatus.IN_REVIEW, "stage": Proposal.Stage.DESA}
    event = AuditEvent.objects.get(action="proposal.moderate", object_id=str(approved.pk))
    assert (event.before["status"], event.after["status"]) == (PStatus.RECEIVED, PStatus.IN_REVIEW)
    assert (event.before["is_moderated"], event.after["is_moderated"]) == (False, True)


def test_unmoderated_proposal_cannot_be_decided(year, bappeda, dinkes_line):
    proposal = submitted_proposal(AnonymousUser(), Source.CITIZEN, year)
    with pytest.raises(TransitionNotAllowed) as refused:
        services.accept_proposal(actor=bappeda, proposal=proposal, renja_line=dinkes_line)
    assert refused.value.allowed == ["moderate"]


def test_suggested_opd_staff_accept_into_their_own_line(in_review, dinkes_staff, dinkes_line):
    accepted = services.accept_proposal(
        actor=dinkes_staff, proposal=in_review, renja_line=dinkes_line, note="Masuk Renja."
    )
    assert (accepted.status, accepted.renja_line, accepted.decision_note) == (
        PStatus.ACCEPTED,
        dinkes_line,
        "Masuk Renja.",
    )
    event = AuditEvent.objects.get(action="proposal.accept", object_id=str(in_review.pk))
    assert (event.before["renja_line"], event.after["renja_line"]) == (None, dinkes_line.pk)
    assert event.actor == dinkes_staff and event.opd_id == in_review.suggested_opd_id


def test_other_opd_staff_and_non_planners_may_not_decide(in_review, dinkes, dinkes_line):
    for kind in ("other staff", Role.FINANCE, Role.DPRD, Role.AUDITOR, Role.ADMIN, "anonymous"):
        actor = make_actor(kind, dinkes)
        for decide in (
            lambda actor=actor: services.accept_proposal(actor=actor, proposal=in_review, renja_line=dinkes_line),
            lambda actor=actor: services.reject_proposal(actor=actor, proposal=in_review, reason="Bukan prioritas."),
            lambda actor=actor: services.defer_proposal(actor=actor, proposal=in_review, to_year=2025),
        ):
            with pytest.raises(PermissionDenied):
                decide()
    in_review.refresh_from_db()
    assert in_review.status == PStatus.IN_REVIEW


def test_suggested_opd_staff_may_not_link_another_opds_line(in_review, dinkes_staff, year):
    pupr_renja = renja_with_lines(opd_=opd(PUPR_CODE), fiscal_year=year, count=1)
    with pytest.raises(ValidationError) as refused:
        services.accept_proposal(actor=dinkes_staff, proposal=in_review, renja_line=pupr_renja.lines.get())
    assert "renja_line" in refused.value.message_dict


def test_bappeda_may_link_any_line_of_the_same_year_only(in_review, bappeda, year):
    pupr_renja = renja_with_lines(opd_=opd(PUPR_CODE), fiscal_year=year, count=1)
    next_year = FiscalYear.objects.get(year=2025)
    later = renja_with_lines(opd_=opd(DINSOS_CODE), fiscal_year=next_year, count=1)
    with pytest.raises(ValidationError, match="tahun anggaran usulan"):
        services.accept_proposal(actor=bappeda, proposal=in_review, renja_line=later.lines.get())
    accepted = services.accept_proposal(actor=bappeda, proposal=in_review, renja_line=pupr_renja.lines.get())
    assert accepted.renja_line.renja == pupr_renja


def test_reject_needs_a_reason_and_defer_a_later_year(in_review, dinkes_staff):
    with pytest.raises(ValidationError) as refused:
        services.reject_proposal(actor=dinkes_staff, proposal=in_review, reason=" ")
    assert "reason" in refused.value.message_dict
    for bad_year in (2024, 2023, "2025", None):
        with pytest.raises(ValidationError) as refused:
            services.defer_proposal(actor=dinkes_staff, proposal=in_review, to_year=bad_year)
        assert "to_year" in refused.value.message_dict
    deferred = services.defer_proposal(actor=dinkes_staff, proposal=in_review, to_year=2025, note="Menunggu DED.")
    assert (deferred.status, deferred.deferred_to_year, deferred.decision_note) == (
        PStatus.DEFERRED,
        2025,
        "Menunggu DED.",
    )


@pytest.mark.parametrize("decision", ["accept", "reject", "defer"])
def test_a_decided_proposal_is_frozen(in_review, dinkes_staff, bappeda, dinkes_line, decision):
    decide = {
        "accept": lambda actor: services.accept_proposal(actor=actor, proposal=in_review, renja_line=dinkes_line),
        "reject": lambda actor: services.reject_proposal(actor=actor, proposal=in_review, reason="Bukan prioritas."),
        "defer": lambda actor: services.defer_proposal(actor=actor, proposal=in_review, to_year=2025),
    }
    decide[decision](dinkes_staff)
    for again in decide.values():
        with pytest.raises(TransitionNotAllowed) as refused:
            again(bappeda)
        assert refused.value.allowed == []
    with pytest.raises(TransitionNotAllowed):
        services.advance_proposal_stage(actor=bappeda, proposal=in_review)


def test_proposal_climbs_the_musrenbang_ladder_and_keeps_its_history(in_review, bappeda, dinkes_staff, dinkes_line):
    with pytest.raises(PermissionDenied):
        services.advance_proposal_stage(actor=dinkes_staff, proposal=in_review)
    for stage in (Proposal.Stage.KECAMATAN, Proposal.Stage.FORUM_OPD, Proposal.Stage.KABUPATEN):
        in_review = services.advance_proposal_stage(actor=bappeda, proposal=in_review, note="Disepakati.")
        assert in_review.stage == stage
    with pytest.raises(TransitionNotAllowed) as refused:
        services.advance_proposal_stage(actor=bappeda, proposal=in_review)
    # At the top of the ladder the proposal can still be decided: the refusal names those moves.
    assert refused.value.allowed == ["accept", "reject", "defer"]
    services.accept_proposal(actor=bappeda, proposal=in_review, renja_line=dinkes_line)
    history = list(ProposalStatusChange.objects.filter(proposal=in_review).values_list("to_status", "stage"))
    assert history == [
        (PStatus.IN_REVIEW, Proposal.Stage.DESA),
        (PStatus.IN_REVIEW, Proposal.Stage.KECAMATAN),
        (PStatus.IN_REVIEW, Proposal.Stage.FORUM_OPD),
        (PStatus.IN_REVIEW, Proposal.Stage.KABUPATEN),
        (PStatus.ACCEPTED, Proposal.Stage.KABUPATEN),
    ]


def test_a_line_answering_an_accepted_proposal_cannot_be_deleted(in_review, dinkes_staff, dinkes_line):
    services.accept_proposal(actor=dinkes_staff, proposal=in_review, renja_line=dinkes_line)
    with pytest.raises(ValidationError, match="usulan"):
        services.delete_renja_line(actor=dinkes_staff, line=dinkes_line)
    assert RenjaLine.objects.filter(pk=dinkes_line.pk).exists()


# --- RKPD -----------------------------------------------------------------------------------------


@pytest.fixture
def final_renjas(year, bappeda):
    """Dinkes and PUPR with final Renja; Dinsos still in its draft."""
    renjas = {}
    for code, count in (("1.02.0.00.0.00.01.00", 3), (PUPR_CODE, 2)):
        opd_ = opd(code)
        staff_ = staff_of(opd_)
        renja = renja_with_lines(opd_=opd_, fiscal_year=year, count=count, actor=staff_)
        line = renja.lines.order_by("pk").first()
        services.update_renja_line(actor=staff_, line=line, expected_version=1, pagu_indikatif=Decimal("987654321.50"))
        renjas[code] = move_renja(renja, *FINAL_MOVES, staff=staff_, bappeda=bappeda)
    renjas[DINSOS_CODE] = renja_with_lines(opd_=opd(DINSOS_CODE), fiscal_year=year, count=1)
    return renjas


def test_consolidation_sums_the_final_renja_lines(final_renjas, bappeda, year):
    rkpd = services.consolidate_rkpd(actor=bappeda, fiscal_year=year)
    finals = [final_renjas["1.02.0.00.0.00.01.00"], final_renjas[PUPR_CODE]]
    assert set(rkpd.renjas.all()) == set(finals)
    expected = sum(line.pagu_indikatif for renja in finals for line in renja.lines.all())
    assert expected == Decimal("150000000.00") * 3 + Decimal("987654321.50") * 2
    assert rkpd.total_pagu == expected
    assert sum(row["total"] for row in selectors.rkpd_totals_by_opd(rkpd)) == expected
    for level in ("urusan", "bidang", "program"):
        assert sum(row["total"] for row in selectors.rkpd_totals_by(rkpd, level)) == expected
    event = AuditEvent.objects.get(action="rkpd.consolidate")
    assert Decimal(event.after["total_pagu"]) == expected


def test_finalize_is_refused_while_a_renja_is_not_final(final_renjas, bappeda, year):
    rkpd = services.consolidate_rkpd(actor=bappeda, fiscal_year=year)
    with pytest.raises(ValidationError, match="Dinas Sosial"):
        services.finalize_rkpd(actor=bappeda, rkpd=rkpd)
    rkpd.refresh_from_db()
    assert rkpd.state == Rkpd.State.DRAFT

    dinsos = final_renjas[DINSOS_CODE]
    move_renja(dinsos, *FINAL_MOVES, staff=staff_of(dinsos.opd), bappeda=bappeda)
    with pytest.raises(ValidationError, match="Konsolidasikan ulang"):
        services.finalize_rkpd(actor=bappeda, rkpd=rkpd)
    rkpd = services.consolidate_rkpd(actor=bappeda, fiscal_year=year)
    rkpd = services.finalize_rkpd(actor=bappeda, rkpd=rkpd, regulation="Perbup Bondowoso tentang RKPD 2024")
    assert rkpd.state == Rkpd.State.FINAL and rkpd.finalized_at is not None
    for again in (
        lambda: services.consolidate_rkpd(actor=bappeda, fiscal_year=year),
        lambda: services.finalize_rkpd(actor=bappeda, rkpd=rkpd),
    ):
        with pytest.raises(TransitionNotAllowed):
            again()


def test_only_bappeda_consolidates_and_finalizes(final_renjas, bappeda, year):
    for role in (Role.OPD_STAFF, Role.FINANCE, Role.DPRD, Role.AUDITOR, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            services.consolidate_rkpd(actor=user_with_role(role), fiscal_year=year)
    rkpd = services.consolidate_rkpd(actor=bappeda, fiscal_year=year)
    with pytest.raises(PermissionDenied):
        services.finalize_rkpd(actor=user_with_role(Role.FINANCE), rkpd=rkpd)


def test_coverage_flags_rpjmd_targets_no_line_serves(year, bappeda, dinkes):
    served = RpjmdTargetFactory(code="1.1")
    flagged = RpjmdTargetFactory(code="1.2", goal=served.goal)
    staff_ = staff_of(dinkes)
    renstra_program = RenstraProgramFactory(renstra__opd=dinkes, renstra__rpjmd=served.goal.rpjmd, rpjmd_target=served)
    renja = services.create_renja(actor=staff_, opd=dinkes, fiscal_year=year)
    sub = selectors.allowed_sub_kegiatan(dinkes, year).filter(parent__parent=renstra_program.program).first()
    services.add_renja_line(actor=staff_, renja=renja, **line_values(sub, renstra_program=renstra_program))
    move_renja(renja, *FINAL_MOVES, staff=staff_, bappeda=bappeda)
    rkpd = services.consolidate_rkpd(actor=bappeda, fiscal_year=year)
    coverage = {target.code: target for target in selectors.rpjmd_target_coverage(rkpd)}
    assert (coverage["1.1"].line_count, coverage["1.1"].total_pagu) == (1, Decimal("150000000.00"))
    assert (coverage["1.2"].line_count, coverage["1.2"].total_pagu) == (0, Decimal("0"))
    assert flagged.pk == coverage["1.2"].pk


def test_rkpd_lists_accepted_and_unfunded_proposals(year, bappeda, dinkes_staff, dinkes_line, dinkes):
    accepted = submitted_proposal(bappeda, Source.DESA, year, suggested_opd=dinkes)
    deferred = submitted_proposal(bappeda, Source.KECAMATAN, year, suggested_opd=dinkes)
    hidden = submitted_proposal(AnonymousUser(), Source.CITIZEN, year)
    services.accept_proposal(actor=dinkes_staff, proposal=accepted, renja_line=dinkes_line)
    services.defer_proposal(actor=dinkes_staff, proposal=deferred, to_year=2025)
    services.moderate_proposal(actor=bappeda, proposal=hidden, approve=False, note="Permintaan pribadi.")
    rkpd = services.consolidate_rkpd(actor=bappeda, fiscal_year=year)
    lists = selectors.rkpd_proposals(rkpd)
    assert list(lists["accepted"]) == [accepted]
    assert list(lists["unfunded"]) == [deferred]
