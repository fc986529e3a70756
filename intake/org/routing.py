"""Gathers the routing rules that apply to a case and asks the core for a suggestion."""

from __future__ import annotations

import sqlalchemy as sa

from intake.core.routing import Suggestion, suggest_lead_unit
from intake.extensions import db
from intake.org.models import Procedure, RoutingRule, Unit


def suggestion_for(field_id: int | None, procedure_id: int | None) -> Suggestion:
    procedure_unit_id = None
    if procedure_id is not None:
        procedure_unit_id = db.session.scalar(
            sa.select(RoutingRule.unit_id).where(RoutingRule.procedure_id == procedure_id)
        ) or db.session.scalar(sa.select(Procedure.unit_id).where(Procedure.id == procedure_id))
    field_unit_id = None
    if field_id is not None:
        field_unit_id = db.session.scalar(
            sa.select(RoutingRule.unit_id).where(RoutingRule.field_id == field_id)
        )
    intake_office_id = db.session.scalar(
        sa.select(Unit.id).where(Unit.receives_intake).order_by(Unit.id).limit(1)
    )
    return suggest_lead_unit(
        procedure_unit_id=procedure_unit_id,
        field_unit_id=field_unit_id,
        intake_office_id=intake_office_id,
    )
