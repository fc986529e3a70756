"""The domain's refusals, raised by the operations of every package.

Pure Python, so that every layer can raise and map them without importing another: the
request lifecycle (``intake.web.lifecycle``) maps each to a response in one table, and
nothing else catches them.
"""

from __future__ import annotations

from typing import Any

from intake.core.states import InvalidTransition

__all__ = ["InvalidInput", "InvalidTransition", "NotAllowed", "StaleCase", "SubmissionError"]


class InvalidInput(ValueError):
    """A value the user must correct; ``field`` names the form field it belongs to.

    The message is a lazy translation, shown next to that field in the user's language."""

    def __init__(self, field: str, message: Any) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class SubmissionError(InvalidInput):
    """A submission missing what Art. 7 requires (the form should have refused it)."""


class StaleCase(Exception):
    """The case changed since the officer loaded it; they must look again before acting."""

    def __init__(self, case: Any):
        # No attribute of ``case`` is read here: after a failed flush the session must be
        # rolled back before the case can be loaded again.
        self.case = case
        super().__init__("the case changed since it was loaded")


class NotAllowed(Exception):
    """The actor may see the case but not do this to it (role, unit, or a missing input).

    The message is a lazy translation: views show it to the officer in their language."""
