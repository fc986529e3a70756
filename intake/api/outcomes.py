"""What an operation's refusal becomes in the API: the same ``Refusal`` the pages show
(``intake.web.lifecycle.refusal_for``), as a problem.

A refusal that keeps the form (the input can be corrected) is 422 with the field it names; one
that does not (the item changed meanwhile, or its state does not allow the action) is 409."""

from __future__ import annotations

from typing import Any

from intake.api.problems import ProblemError
from intake.web.lifecycle import Outcome


def value_or_problem(outcome: Outcome) -> Any:
    """The operation's value, or raise the problem its refusal describes."""
    if outcome.ok:
        return outcome.value
    refusal = outcome.refusal
    message = str(refusal.message)
    if not refusal.keeps_form:
        raise ProblemError(409, message)
    field = f"body.{refusal.field}" if refusal.field else "body"
    raise ProblemError(422, message, errors=[{"field": field, "message": message}])
