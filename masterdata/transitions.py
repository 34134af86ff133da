"""The one lifecycle helper. Every move of every document (Renja, KUA-PPAS, RKA, APBD version, DPA) goes
lock → permission → allowed → the document's checks → save → history → audit, in the service's transaction.
Whoever may not move the document at all is refused (403) before its state is told (409); then the move
must apply to the state, and the actor must be one who makes that move (an OPD submits, TAPD approves).

A document's service declares a `Lifecycle` (its table of moves, their labels, the access module's
permission for each move, how its history is written) and moves with

    with RKA_LIFECYCLE.move(actor=actor, document=rka, action="submit", note=note) as step:
        ...  # the document's own checks on step.document (locked, the move permitted and allowed)

On leaving the block the state changes, the document is saved, the history row and the audit event are
written. An exception inside the block leaves everything as it was.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction

from . import audit
from .errors import NOT_ALLOWED, refuse_move


@dataclass
class Step:
    """One move under way: what the block may read and add to."""

    document: object
    action: str
    actor: object
    note: str
    before: dict  # the audit snapshot before the move
    from_state: dict  # the state fields before the move (`Lifecycle.state_of`)
    audit: dict = field(default_factory=dict)  # extra facts for the audit event's `after`


class Lifecycle:
    """A document's moves. Subclasses set the tables and write the history; `move` is the same for all."""

    name = ""  # prefix of the audit action: "rka" → "rka.submit"
    moves = {}  # (action, from state) → to state
    labels = {}  # action → its Indonesian label, for refusals
    permission = ""  # the access module's permission to move the document at all, whatever its state
    permissions = {}  # action → the access module's permission for that move, asked with the document
    none_allowed = "tidak ada"  # how a refusal names "no move applies"
    takes_note = True  # whether a move carries the actor's note (recorded in the audit event)

    def moves_of(self, document):
        return self.moves

    def allowed(self, document):
        """The moves that apply to the document now."""
        return [action for (action, state) in self.moves_of(document) if state == document.state]

    def lock(self, document):
        """The document's row, locked and read again: the move sees the state no other move can change."""
        return type(document).objects.select_for_update(of=("self",)).get(pk=document.pk)

    def subject(self, document):
        """How a refusal names the document: "RKA berstatus draf"."""
        return f"{document} berstatus {document.get_state_display().lower()}"

    def state_of(self, document):
        return {"state": document.state}

    def snapshot(self, document):
        """What the audit event records before and after."""
        return self.state_of(document)

    def apply(self, document, action):
        document.state = self.moves_of(document)[(action, document.state)]

    def opd_of(self, document):
        return getattr(document, "opd", None)

    def record_history(self, step):
        raise NotImplementedError(f"{type(self).__name__} must say where its history is written")

    @contextmanager
    def move(self, *, actor, document, action, note=""):
        if not transaction.get_connection().in_atomic_block:
            raise ImproperlyConfigured("A move runs inside its service's transaction.")
        document = self.lock(document)
        if not actor.has_perm(self.permission, document):
            raise PermissionDenied(NOT_ALLOWED)
        allowed = self.allowed(document)
        if action not in allowed:
            raise refuse_move(
                action,
                allowed,
                self.labels,
                self.subject(document),
                current=self.state_of(document),
                none_allowed=self.none_allowed,
            )
        if not actor.has_perm(self.permissions[action], document):
            raise PermissionDenied(NOT_ALLOWED)
        step = Step(
            document=document,
            action=action,
            actor=actor,
            note=note,
            before=self.snapshot(document),
            from_state=self.state_of(document),
        )
        yield step
        self.apply(document, action)
        document.save()
        self.record_history(step)
        audit.record(
            actor=actor,
            action=f"{self.name}.{action}",
            obj=document,
            opd=self.opd_of(document),
            before=step.before,
            after={**self.snapshot(document), **({"note": step.note} if self.takes_note else {}), **step.audit},
        )
