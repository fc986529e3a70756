"""What the triage form's script needs to make the routing suggestion follow the field and
procedure as the officer picks them: the same rules as ``intake.org.routing``, as two maps."""

from __future__ import annotations

import sqlalchemy as sa

from intake.extensions import db
from intake.org.models import Procedure, RoutingRule


def routing_map() -> dict[str, dict[str, int]]:
    """``{"procedure": {id: unit_id}, "field": {id: unit_id}}``: a procedure's rule, else the
    procedure's own unit; a field's rule. The intake office's fallback is left out on purpose."""
    procedures = {
        str(pid): uid
        for pid, uid in db.session.execute(
            sa.select(Procedure.id, Procedure.unit_id).where(Procedure.unit_id.is_not(None))
        )
    }
    fields: dict[str, int] = {}
    for field_id, procedure_id, unit_id in db.session.execute(
        sa.select(RoutingRule.field_id, RoutingRule.procedure_id, RoutingRule.unit_id)
    ):
        if procedure_id is not None:
            procedures[str(procedure_id)] = unit_id
        elif field_id is not None:
            fields.setdefault(str(field_id), unit_id)
    return {"procedure": procedures, "field": fields}
