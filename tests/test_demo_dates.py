"""The demo year reads like a real one: the 2024 budget is planned from January 2023 (Musrenbang in the first
quarter, the Renja through the spring, the RKPD at mid-year), agreed and adopted in the second half of 2023 on
the dates stored with it, published and put into DPA around the turn of the year and shifted at mid-2024.
Everything the services wrote carries the moment of its step, and the audit trail stays intact and in time
order."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.db.models import Max, Min

from budgeting.models import ApbdVersion, Dpa, KuaPpas, Rka, Transition
from demo.clock import Agenda, DemoClock
from demo.reference import DEMO_USERS
from masterdata.models import AuditEvent, User
from planning.models import Proposal, ProposalStatusChange, RenjaTransition, Rkpd

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")
PLANNING_START = datetime.datetime(2023, 1, 2, 8, tzinfo=WIB)  # the first working day of 2023
YEAR_END = datetime.datetime(2025, 1, 1, tzinfo=WIB)


def day(moment):
    return moment.astimezone(WIB).date()


def months(moments):
    return {(moment.astimezone(WIB).year, moment.astimezone(WIB).month) for moment in moments}


def transitions(model, **filters):
    documents = model.objects.filter(**filters).values_list("pk", flat=True)
    return Transition.objects.filter(document_type=model._meta.model_name, document_id__in=list(documents))


def moved_on(model, action, **filters):
    """The days a document of `model` made the move `action`."""
    return {
        day(moment)
        for moment in transitions(model, **filters).filter(action=action).values_list("created_at", flat=True)
    }


def check_planning():
    proposals = Proposal.objects.filter(fiscal_year__year=2024)
    assert months(proposals.values_list("created_at", flat=True)) <= {(2023, 1), (2023, 2), (2023, 3)}
    musrenbang_desa = proposals.filter(source=Proposal.Source.DESA).values_list("created_at", flat=True)
    assert months(musrenbang_desa) <= {(2023, 1), (2023, 2)}
    assert months(ProposalStatusChange.objects.values_list("created_at", flat=True)) <= {(2023, m) for m in (1, 2, 3)}
    moves = RenjaTransition.objects.filter(renja__fiscal_year__year=2024)
    assert months(moves.values_list("created_at", flat=True)) <= {(2023, m) for m in (2, 3, 4, 5)}
    assert months(moves.filter(action="finalise").values_list("created_at", flat=True)) == {(2023, 5)}
    rkpd = Rkpd.objects.get(fiscal_year__year=2024)
    assert months([rkpd.consolidated_at, rkpd.finalized_at]) == {(2023, 6)}


def check_budget():
    kua = KuaPpas.objects.get(fiscal_year__year=2024, kind=KuaPpas.Kind.MURNI)
    assert months(transitions(KuaPpas, pk=kua.pk).filter(action="submit").values_list("created_at", flat=True)) == {
        (2023, 7)
    }
    assert moved_on(KuaPpas, "agree", pk=kua.pk) == moved_on(KuaPpas, "lock", pk=kua.pk) == {kua.agreement_date}

    murni = ApbdVersion.objects.get(fiscal_year__year=2024, kind=ApbdVersion.Kind.MURNI)
    asistensi = transitions(Rka, version=murni).values_list("created_at", flat=True)
    assert months(asistensi) <= {(2023, 10), (2023, 11)}
    assert moved_on(ApbdVersion, "agree", pk=murni.pk) == {murni.dprd_agreement_date}
    assert murni.dprd_agreement_date <= datetime.date(2023, 11, 30)
    assert moved_on(ApbdVersion, "evaluate", pk=murni.pk) == {murni.evaluation_date}
    assert moved_on(ApbdVersion, "adopt", pk=murni.pk) == {murni.perbup_date}
    assert murni.perda_date <= murni.perbup_date <= datetime.date(2023, 12, 31)
    assert months([murni.published_at]) <= {(2023, 12), (2024, 1)}
    issued = Dpa.objects.filter(version=murni).values_list("issued_at", flat=True)
    assert months(issued) <= {(2023, 12), (2024, 1)}

    shift = ApbdVersion.objects.get(fiscal_year__year=2024, kind=ApbdVersion.Kind.PERGESERAN)
    assert moved_on(ApbdVersion, "adopt", pk=shift.pk) == {shift.perbup_date}
    assert months([shift.created_at, shift.published_at]) <= {(2024, m) for m in (5, 6, 7)}


def check_the_audit_trail(head):
    out = StringIO()
    call_command("verify_audit_log", stdout=out)
    assert "utuh" in out.getvalue()
    times = list(
        AuditEvent.objects.filter(sequence__gt=head).order_by("sequence").values_list("occurred_at", flat=True)
    )
    assert times and times[0] >= PLANNING_START and times[-1] < YEAR_END
    assert times == sorted(times)


def check_nothing_is_dated_at_the_seeding():
    """Every time the planning and budget services stamped lies in the demo's year, the demo users joined
    at its start."""
    for app in ("planning", "budgeting"):
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, models.DateTimeField):
                    span = model.objects.aggregate(first=Min(field.name), last=Max(field.name))
                    if span["first"] is not None:
                        assert span["first"] >= PLANNING_START and span["last"] < YEAR_END, (model, field.name)
    joined = dict(User.objects.values_list("username", "date_joined"))
    assert all(PLANNING_START <= moment < YEAR_END for moment in joined.values())
    assert {joined[user.username] for user in DEMO_USERS} == {PLANNING_START}


def test_the_demo_year_reads_like_the_real_one(reference_data):
    head = AuditEvent.objects.aggregate(head=Max("sequence"))["head"] or 0
    call_command("seed_demo", "--year", "2024", "--scale", "0.02", stdout=StringIO())
    check_planning()
    check_budget()
    check_the_audit_trail(head)
    check_nothing_is_dated_at_the_seeding()


def test_the_clock_never_goes_back_and_works_office_hours():
    with DemoClock(2024) as clock:
        assert clock.now() == PLANNING_START
        moments = clock.spread(datetime.date(2023, 3, 13), datetime.date(2023, 3, 19), 20)
        assert moments == sorted(moments)
        assert {moment.date().weekday() for moment in moments} <= {0, 1, 2, 3, 4}
        assert all(8 <= moment.hour < 15 for moment in moments)
        done = []
        agenda = Agenda(clock)
        agenda.add(moments[5], lambda: done.append(("later", clock.now())))
        agenda.add(moments[1], lambda: done.append(("earlier", clock.now())))
        agenda.run()
        assert done == [("earlier", moments[1]), ("later", moments[5])]
        clock.at(moments[0])
        assert clock.now() == moments[5]
    assert datetime.datetime.now(WIB) > YEAR_END
