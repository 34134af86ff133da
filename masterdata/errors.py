"""Domain errors shared by every stage; the API maps them to HTTP answers in one place."""


class TransitionNotAllowed(Exception):
    """A lifecycle move that does not apply now; carries the current state and the moves that would."""

    def __init__(self, message, *, current, allowed):
        self.current = current
        self.allowed = list(allowed)
        super().__init__(message)


class StaleObject(Exception):
    """A save based on an old version; carries the current values so the caller can merge."""

    def __init__(self, message, *, current):
        self.current = current
        super().__init__(message)
