"""The officer's queue: the tabs with their counts (``GET /officer/queues``) and one tab's
items (``GET /officer/queues/{tab}``), through the same queries, filters and search as the
queue pages (``intake.cases.queries``): the intake office's tabs for intake officers and
supervisors, the unit's for handlers and unit leads. A tab the officer has not: 404."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import joinedload

from intake.accounts.models import User
from intake.api.officers import blp, documented, me
from intake.api.officers.schemas import CaseSummarySchema, QueueSchema
from intake.api.officers.views import summary
from intake.api.problems import ProblemError
from intake.cases import permissions as perms
from intake.cases import queries, search
from intake.cases.models import Case, Channel
from intake.core.deadlines import Priority
from intake.core.states import State
from intake.extensions import db
from intake.officer.queues import TAB_LABELS

#: Days outside these years are typing errors (the page drops them; the API says so).
PLAUSIBLE = validate.Range(min=date(2000, 1, 1), max=date(2100, 12, 31))


def _values(enum_cls) -> list[str]:
    return [member.value for member in enum_cls]


class QueueFilterSchema(Schema):
    """The queue page's filters; an unknown value is refused here (the page ignores it)."""

    q = fields.String(validate=validate.Length(max=200), metadata={"description": "Search "
                      "(diacritics ignored), best match first among the tab's "
                      f"{search.CANDIDATES} newest matches; the total and the tab counts are "
                      f"then at most {search.CANDIDATES}."})  # fmt: skip
    state = fields.String(validate=validate.OneOf(_values(State)))
    field_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    unit_id = fields.Integer(
        validate=validate.Range(min=1, max=2**31 - 1), metadata={"description": "Lead unit."}
    )
    channel = fields.String(validate=validate.OneOf(_values(Channel)))
    priority = fields.String(validate=validate.OneOf(_values(Priority)))
    received_from = fields.Date(
        validate=PLAUSIBLE, metadata={"description": "Local day, inclusive."}
    )
    received_to = fields.Date(validate=PLAUSIBLE, metadata={"description": "Local day, inclusive."})


def tabs_of(user: User) -> tuple[str, tuple[str, ...]]:
    if user.role in perms.SEE_ALL_ROLES:
        return "intake", queries.INTAKE_TABS
    return "unit", queries.UNIT_TABS


def _filters(args: dict) -> queries.QueueFilters:
    return queries.QueueFilters(
        q=args.get("q") or "",
        state=args.get("state") or "",
        field_id=args.get("field_id"),
        unit_id=args.get("unit_id"),
        channel=args.get("channel") or "",
        priority=args.get("priority") or "",
        received_from=args.get("received_from"),
        received_to=args.get("received_to"),
    )


@blp.route("/queues")
@blp.arguments(QueueFilterSchema, location="query")
@blp.response(200, QueueSchema)
@documented(422)
def list_tabs(args):
    """Các thẻ của hàng chờ và số hồ sơ. The tabs of the officer's queue.

    Each with the number of items it lists under the same filters (the badges of the queue
    page)."""
    user = me()
    name, tabs = tabs_of(user)
    counts = queries.tab_counts(user, tabs, _filters(args))
    return {
        "queue": name,
        "tabs": [{"tab": t, "label": str(TAB_LABELS[t]), "count": counts[t]} for t in tabs],
    }


@blp.route("/queues/<string:tab>")
@blp.arguments(QueueFilterSchema, location="query")
@blp.response(200, CaseSummarySchema(many=True))
@blp.paginate(page_size=25, max_page_size=100)
@documented(404, 422)
def list_tab(args, tab: str, pagination_parameters):
    """Hồ sơ của một thẻ hàng chờ. One tab's items.

    Most urgent first (best match first when searched), paginated (X-Pagination). Tabs:
    to_classify, returned, needs_info, review, all (intake office, supervisors); to_accept,
    in_progress, waiting_cooperation, mine, cooperation, done (units)."""
    user = me()
    _name, tabs = tabs_of(user)
    if tab not in tabs:
        raise ProblemError(404, _("Hàng chờ của bạn không có thẻ này."))
    query = queries.queue(user, tab, _filters(args)).options(
        joinedload(Case.field), joinedload(Case.lead_unit), joinedload(Case.handler)
    )
    page = db.paginate(
        query,
        page=pagination_parameters.page,
        per_page=pagination_parameters.page_size,
        error_out=False,
        max_per_page=100,
    )
    pagination_parameters.item_count = page.total
    return [summary(case) for case in page.items]
