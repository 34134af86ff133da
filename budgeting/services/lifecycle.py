"""What the budget documents' lifecycles share: their history is one table, `Transition`."""

from masterdata.transitions import Lifecycle

from ..models import Transition


def record_transition(*, document, action, from_state, to_state, actor, note=""):
    Transition.objects.create(
        document_type=document._meta.model_name,
        document_id=document.pk,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        note=note,
    )


class BudgetLifecycle(Lifecycle):
    """A lifecycle of KUA-PPAS, RKA, APBD version or DPA: each move leaves a `Transition` row."""

    def record_history(self, step):
        record_transition(
            document=step.document,
            action=step.action,
            from_state=step.from_state["state"],
            to_state=step.document.state,
            actor=step.actor,
            note=step.note,
        )
