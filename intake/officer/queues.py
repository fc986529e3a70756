"""The queues: the intake office's tabs (to classify, returned, waiting for information,
review …) and each unit's (to accept, in progress, mine, cooperation requested)."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from intake import clock
from intake.accounts.models import Role
from intake.cases import permissions as perms
from intake.cases import queries
from intake.cases.models import Case, Channel
from intake.core.deadlines import Priority
from intake.core.states import State
from intake.extensions import db
from intake.officer import forms, workload
from intake.officer.blueprint import bp
from intake.org import choices
from intake.web.params import id_param, page_number

TAB_LABELS = {
    "to_classify": _l("Chờ phân loại"),
    "returned": _l("Bị trả lại"),
    "needs_info": _l("Chờ bổ sung"),
    "review": _l("Chờ duyệt kết quả"),
    "all": _l("Tất cả"),
    "to_accept": _l("Chờ tiếp nhận"),
    "in_progress": _l("Đang xử lý"),
    "waiting_cooperation": _l("Chờ phối hợp"),
    "mine": _l("Của tôi"),
    "cooperation": _l("Được đề nghị phối hợp"),
    "done": _l("Đã trình, đã trả lời"),
}


#: Tabs that list items in more than one state: only there is the state a column.
MULTI_STATE_TABS = frozenset({"all", "in_progress", "mine", "cooperation", "done"})


@bp.get("/intake")
def intake_queue():
    if current_user.role not in perms.SEE_ALL_ROLES:
        abort(404)
    return _render_queue(queries.INTAKE_TABS, "officer.intake_queue", default_tab="to_classify")


@bp.get("/unit")
def unit_queue():
    if current_user.role not in perms.UNIT_ROLES:
        abort(404)
    return _render_queue(queries.UNIT_TABS, "officer.unit_queue", default_tab="to_accept")


def _render_queue(tabs, endpoint: str, default_tab: str):
    tab = request.args.get("tab", default_tab)
    if tab not in tabs:
        tab = default_tab
    locale = str(get_locale())
    form = forms.QueueFilterForm(request.args)
    form.field_id.choices = choices.field_choices(locale, blank=choices.ALL_LABEL)
    form.unit_id.choices = choices.unit_choices(locale, blank=choices.ALL_LABEL)
    form.validate()  # dates and length; bad values are dropped below, never an error page
    filters = queries.QueueFilters(
        q=(form.q.data or "")[:200],
        state=_known(form.state.data, State),
        field_id=id_param(form.field_id.data),
        unit_id=id_param(form.unit_id.data),
        channel=_known(form.channel.data, Channel),
        priority=_known(form.priority.data, Priority),
        received_from=None if form.received_from.errors else _plausible(form.received_from.data),
        received_to=None if form.received_to.errors else _plausible(form.received_to.data),
    )
    now = clock.now()
    page = db.paginate(
        # The rows name their field and unit: loaded with them, not one query per row.
        queries.queue(current_user, tab, filters).options(
            joinedload(Case.field), joinedload(Case.lead_unit)
        ),
        page=page_number(),
        per_page=25,
        error_out=False,
        max_per_page=100,
    )
    return render_template(
        "officer/queue.html",
        tabs=tabs,
        tab=tab,
        tab_labels=TAB_LABELS,
        counts=queries.tab_counts(current_user, tabs, filters),
        shows_state=tab in MULTI_STATE_TABS,
        shows_unit=endpoint == "officer.intake_queue",
        new_ids=workload.new_for(current_user, [c.id for c in page.items]),
        load=workload.unit_load(current_user.unit_id, now)
        if endpoint == "officer.unit_queue" and current_user.role is Role.UNIT_LEAD
        else None,
        filtered=any(
            (
                form.state.data,
                form.field_id.data,
                form.unit_id.data,
                form.channel.data,
                form.priority.data,
                form.received_from.data,
                form.received_to.data,
            )
        ),  # fmt: skip
        endpoint=endpoint,
        form=form,
        page=page,
        now=now,
        bounce_threshold=current_app.config["BOUNCE_FLAG_THRESHOLD"],
    )


def _known(value, enum_cls) -> str:
    """``value`` if it is one of the enum's values, else no filter."""
    return value if value in {member.value for member in enum_cls} else ""


def _plausible(day):
    """Dates outside 2000-2100 in a filter are typing errors, not a reason to fail."""
    return day if day is not None and 2000 <= day.year <= 2100 else None
