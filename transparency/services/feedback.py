"""Citizen feedback: received from anyone (held), moderated by Bappeda, answered by the OPD; every step
audited, the moves through the one lifecycle helper."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from budgeting.services.lifecycle import BudgetLifecycle
from masterdata import audit

from ..models import Feedback

State = Feedback.State
TEXT_LIMITS = {"name": 100, "contact": 100, "text": 2000}
MIN_TEXT = 10


class FeedbackLifecycle(BudgetLifecycle):
    """Received → approved (public) → answered; received → rejected (seen by Bappeda, the auditor, the OPD)."""

    name = "feedback"
    moves = {
        ("approve", State.RECEIVED): State.APPROVED,
        ("reject", State.RECEIVED): State.REJECTED,
        ("answer", State.APPROVED): State.ANSWERED,
    }
    labels = {"approve": "tampilkan", "reject": "tolak", "answer": "jawab"}
    permission = "transparency.move_feedback"
    permissions = {
        "approve": "transparency.moderate_feedback",
        "reject": "transparency.moderate_feedback",
        "answer": "transparency.answer_feedback",
    }

    def snapshot(self, document):
        return audit.snapshot(document, fields=["state", "moderation_note", "answer"])


FEEDBACK_LIFECYCLE = FeedbackLifecycle()


def _clean(values):
    errors = {}
    for field, limit in TEXT_LIMITS.items():
        value = values.get(field, "")
        if len(value) > limit:
            errors[field] = f"Paling banyak {limit} karakter."
        elif "\x00" in value:
            errors[field] = "Karakter null tidak diizinkan."
    if len(values.get("text", "").strip()) < MIN_TEXT:
        errors["text"] = f"Tuliskan masukan Anda, paling sedikit {MIN_TEXT} karakter."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def submit_feedback(*, actor, fiscal_year, opd, text, name="", contact="", sub_kegiatan_code="", sub_kegiatan_name=""):
    """Anyone's remark on an OPD (or one of its sub-kegiatan) of a published APBD; held until moderated."""
    values = {"name": name.strip(), "contact": contact.strip(), "text": text.strip()}
    _clean(values)
    feedback = Feedback.objects.create(
        fiscal_year=fiscal_year,
        opd=opd,
        sub_kegiatan_code=sub_kegiatan_code,
        sub_kegiatan_name=sub_kegiatan_name[:500],
        **values,
    )
    audit.record(
        actor=actor,
        action="feedback.submit",
        obj=feedback,
        opd=opd,
        after=audit.snapshot(feedback, fields=["opd", "sub_kegiatan_code", "text", "state"]),
    )
    return feedback


@transaction.atomic
def moderate_feedback(*, actor, feedback, approve, note=""):
    """Bappeda shows a remark in public or rejects it, saying why (the reason is kept for the auditor)."""
    action = "approve" if approve else "reject"
    with FEEDBACK_LIFECYCLE.move(actor=actor, document=feedback, action=action, note=note) as step:
        feedback = step.document
        if not approve and not note.strip():
            raise ValidationError({"note": "Tuliskan alasan penolakan; alasan ini dibaca Inspektorat."})
        feedback.moderation_note = note.strip()
        feedback.moderated_by, feedback.moderated_at = actor, timezone.now()
    return feedback


@transaction.atomic
def answer_feedback(*, actor, feedback, answer):
    """The OPD's public answer to an approved remark."""
    with FEEDBACK_LIFECYCLE.move(actor=actor, document=feedback, action="answer") as step:
        feedback = step.document
        if len(answer.strip()) < MIN_TEXT:
            raise ValidationError({"answer": f"Tuliskan jawaban, paling sedikit {MIN_TEXT} karakter."})
        if len(answer) > TEXT_LIMITS["text"]:
            raise ValidationError({"answer": f"Paling banyak {TEXT_LIMITS['text']} karakter."})
        feedback.answer = answer.strip()
        feedback.answered_by, feedback.answered_at = actor, timezone.now()
    return feedback
