"""Which unit to suggest as lead unit (DOMAIN.md §8): the procedure's rule, else the field's,
else the intake office itself. The intake officer confirms or overrides the suggestion."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class SuggestionSource(enum.StrEnum):
    PROCEDURE = "procedure"
    FIELD = "field"
    INTAKE_OFFICE = "intake_office"


@dataclass(frozen=True)
class Suggestion:
    unit_id: int | None
    source: SuggestionSource


def suggest_lead_unit(
    *,
    procedure_unit_id: int | None,
    field_unit_id: int | None,
    intake_office_id: int | None,
) -> Suggestion:
    if procedure_unit_id is not None:
        return Suggestion(procedure_unit_id, SuggestionSource.PROCEDURE)
    if field_unit_id is not None:
        return Suggestion(field_unit_id, SuggestionSource.FIELD)
    return Suggestion(intake_office_id, SuggestionSource.INTAKE_OFFICE)
