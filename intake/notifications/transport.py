"""How a delivery attempt fails, whatever carries it (the SMTP relay, an SMS gateway)."""

from __future__ import annotations


class TemporaryFailure(Exception):
    def __init__(self, message: str, *, server_unreachable: bool = False):
        super().__init__(message)
        # True when the server could not be spoken to at all (no connection, a time-out, an
        # overloaded gateway): the message did nothing wrong, and the rest of the batch on the
        # same channel would fail too.
        self.server_unreachable = server_unreachable


class PermanentFailure(Exception):
    pass
