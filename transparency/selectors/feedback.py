"""Citizen feedback as each reader may see it: the public reads what was approved; Bappeda and the auditor
everything, rejected included; OPD staff their OPD's."""

from django.contrib.auth.models import AnonymousUser

from masterdata import access
from masterdata.models import User
from masterdata.selectors import matching_every_word

from ..models import Feedback


def visible_feedback(user, *, state=None, query=""):
    feedback = access.scope_feedback(user, Feedback.objects.select_related("opd", "fiscal_year"))
    if state:
        feedback = feedback.filter(state=state)
    return matching_every_word(feedback, query, ("text", "opd__name", "sub_kegiatan_name", "answer"))


def feedback_for(user, pk):
    return access.get_visible_or_404(visible_feedback(user), pk=pk)


def public_feedback(fiscal_year_id, opd_id, *, sub_kegiatan_code=None):
    """What the public page of an OPD (or of one of its sub-kegiatan) shows: approved feedback, newest first."""
    feedback = visible_feedback(AnonymousUser()).filter(fiscal_year_id=fiscal_year_id, opd_id=opd_id)
    if sub_kegiatan_code is not None:
        feedback = feedback.filter(sub_kegiatan_code=sub_kegiatan_code)
    return feedback


def feedback_waiting(user):
    """How much feedback waits for the user: moderation for Bappeda, an answer for the OPD's staff."""
    if user.has_perm("transparency.moderate_feedback"):
        return Feedback.objects.filter(state=Feedback.State.RECEIVED).count()
    if access.role_of(user) == User.Role.OPD_STAFF:
        return Feedback.objects.filter(opd_id=user.opd_id, state=Feedback.State.APPROVED).count()
    return 0
