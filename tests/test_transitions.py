"""The one lifecycle helper (masterdata/transitions.py): the order of its refusals, what a move writes, and
that a refused move writes nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budgeting.models import Ceiling, Rka, RkaLine, Transition
from budgeting.services import rka as rka_services
from masterdata.errors import TransitionNotAllowed
from masterdata.models import AuditEvent
from tests.budgeting.factories import DINKES, small_apbd


@pytest.fixture
def small(reference_data):
    return small_apbd(reference_data, approve=False)


def _other_staff(small):
    return next(user for code, user in small.staff.items() if code != DINKES)


def _counts():
    return Transition.objects.count(), AuditEvent.objects.count()


def test_a_stranger_is_refused_before_the_state_is_told(small):
    rka = small.rkas[DINKES]
    other_staff = _other_staff(small)
    before = _counts()
    # "approve" does not apply to a draft RKA, but another OPD's staff may not move it at all: 403, not 409.
    with pytest.raises(PermissionDenied):
        rka_services.transition_rka(actor=other_staff, rka=rka, action="approve")
    assert _counts() == before


def test_the_mover_hears_which_moves_apply_then_who_makes_them(small):
    rka = small.rkas[DINKES]
    staff = small.staff[DINKES]
    with pytest.raises(TransitionNotAllowed) as refused:
        rka_services.transition_rka(actor=staff, rka=rka, action="approve")
    assert refused.value.allowed == ["submit"]
    rka_services.transition_rka(actor=staff, rka=rka, action="submit")
    # The OPD may move its RKA, but approving is TAPD's move.
    with pytest.raises(PermissionDenied):
        rka_services.transition_rka(actor=staff, rka=rka, action="approve", note="x")


def test_a_move_writes_state_history_and_audit_together(small):
    rka = small.rkas[DINKES]
    rka_services.transition_rka(actor=small.staff[DINKES], rka=rka, action="submit")
    rka_services.transition_rka(actor=small.finance, rka=rka, action="return", note="Perbaiki satuan.")
    rka.refresh_from_db()
    history = Transition.objects.filter(document_type="rka", document_id=rka.pk)
    assert list(history.values_list("action", "from_state", "to_state")) == [
        ("submit", "draft", "submitted"),
        ("return", "submitted", "returned"),
    ]
    event = AuditEvent.objects.filter(action="rka.return").latest("sequence")
    assert (event.before, event.after) == ({"state": "submitted"}, {"state": "returned", "note": "Perbaiki satuan."})
    assert rka.state == Rka.State.RETURNED


def test_a_check_that_fails_leaves_the_document_as_it_was(small):
    rka = small.rkas[DINKES]
    rka_services.transition_rka(actor=small.staff[DINKES], rka=rka, action="submit")
    before = _counts()
    with pytest.raises(ValidationError):
        rka_services.transition_rka(actor=small.finance, rka=rka, action="return", note="  ")
    rka.refresh_from_db()
    assert rka.state == Rka.State.SUBMITTED and _counts() == before


@pytest.mark.parametrize(
    ("code", "akun"),
    [
        ("4.1.01.01.01.0001", RkaLine.Akun.PENDAPATAN),
        ("5.2.02", RkaLine.Akun.BELANJA),
        ("6.1", RkaLine.Akun.PEMBIAYAAN),
        ("1.1.01", None),
        ("5", RkaLine.Akun.BELANJA),
    ],
)
def test_the_akun_of_an_account_code(code, akun):
    assert RkaLine.Akun.of(code) == akun


def test_opd_level_ceilings_are_those_without_program_or_sub_kegiatan(small):
    ceilings = Ceiling.objects.filter(kua_ppas=small.kua)
    assert ceilings.opd_level().count() + ceilings.below_opd_level().count() == ceilings.count()
    assert not ceilings.opd_level().filter(program__isnull=False).exists()
    assert not ceilings.opd_level().filter(sub_kegiatan__isnull=False).exists()
