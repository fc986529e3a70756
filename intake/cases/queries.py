"""Read-side queries of the case aggregate. Each returns a ``Select`` so that views paginate it
and tests run it."""

from __future__ import annotations

import sqlalchemy as sa

from intake.cases.models import Case, CaseEvent


def public_history(case: Case) -> sa.Select:
    """What the citizen may see of the history: public events only, oldest first."""
    return (
        sa.select(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.is_public)
        .order_by(CaseEvent.seq)
    )
