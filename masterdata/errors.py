"""Domain errors shared by every stage; the API maps them to HTTP answers in one place."""


class TransitionNotAllowed(Exception):
    """A lifecycle move that does not apply now; carries the current state and the moves that would."""

    def __init__(self, message, *, current, allowed):
        self.current = current
        self.allowed = list(allowed)
        super().__init__(message)


def refuse_move(action, allowed, labels, subject, *, current, none_allowed="tidak ada"):
    """The refusal of a move that does not apply to `subject` ("RKA berstatus draf") now, naming those that do."""
    named = ", ".join(labels[move] for move in allowed) or none_allowed
    return TransitionNotAllowed(
        f"Tindakan '{labels.get(action, action)}' tidak berlaku untuk {subject}. Tindakan yang berlaku: {named}.",
        current=current,
        allowed=allowed,
    )


class StaleObject(Exception):
    """A save based on an old version; carries the current values so the caller can merge."""

    def __init__(self, message, *, current):
        self.current = current
        super().__init__(message)


NOT_ALLOWED = "Anda tidak berwenang melakukan tindakan ini."
