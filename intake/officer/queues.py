"""The queues: the intake office's tabs (to classify, returned, waiting for information,
review …) and each unit's (to accept, in progress, mine, cooperation requested)."""

from __future__ import annotations

import functools
import hashlib
import re
from datetime import datetime

import sqlalchemy as sa
from flask import abort, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy.orm import joinedload

from intake import cache_versions, clock
from intake.accounts.models import Role
from intake.cases import permissions as perms
from intake.cases import queries, search
from intake.cases.models import Case, Channel
from intake.core.calendar import local_date
from intake.core.deadlines import Priority
from intake.core.states import State
from intake.extensions import cache, db
from intake.officer import forms, frame, workload
from intake.officer.blueprint import bp
from intake.org import choices
from intake.web.pagination import paginate_ids_first
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
    now = clock.now()
    common = {
        "tabs": tabs,
        "tab": tab,
        "tab_labels": TAB_LABELS,
        "shows_state": tab in MULTI_STATE_TABS,
        "shows_unit": endpoint == "officer.intake_queue",
        "endpoint": endpoint,
        "now": now,
    }
    load = (
        workload.unit_load(current_user.unit_id, now)
        if endpoint == "officer.unit_queue" and current_user.role is Role.UNIT_LEAD
        else None
    )
    listing = _listing(tabs, tab, common, now)
    load_box = render_template("officer/_queue_load.html", load=load) if load else ""
    # The page around the listing is the role's, drawn once (intake.officer.frame).
    return frame.render(
        "officer/queue.html",
        key=(tab,),
        parts={
            "queue_tabs": listing["tabs"],
            "queue_filters": listing["filters"],
            "queue_rows": listing["rows"],
            "load_box": Markup(load_box),  # noqa: S704 — our own template's output
        },
        **common,
    )


def _filter_form() -> tuple[forms.QueueFilterForm, queries.QueueFilters]:
    locale = str(get_locale())
    form = forms.QueueFilterForm(request.args)
    form.field_id.choices = choices.field_choices(locale, blank=choices.ALL_LABEL)
    form.unit_id.choices = choices.unit_choices(locale, blank=choices.ALL_LABEL)
    for name in ("state", "channel", "priority"):
        form[name].choices = forms.kept_filter_choices(name, locale)
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
    return form, filters


# --- the listing: the tabs' counts, one page of rows, the pager ------------------------------
#
# What every officer who sees all items (intake officers, supervisors) is shown for the same
# tab, filters and page is the same: it is kept rendered, in the cache (Redis or memory), under
# a key made of the request's parameters, the language, the day and the version of the data
# the listing shows (``cache_versions.LISTINGS``, a counter in the database that the commit of
# any change to an item, its events, sources, cooperation, the calendar or a unit's or field's
# name moves on, in every process at once). Nothing personal is kept: what the citizen wrote
# (the title) and who they are (name, organisation) are placeholders, filled in from the items
# themselves for each request. Never kept: searches, a unit's queues, and pages that carry
# something of the reader's own (an item given to them, marked "new").

_LISTING_ARGS = frozenset(
    {"tab", "page", "state", "field_id", "unit_id", "channel", "priority", "received_from",
     "received_to", "lang"}
)  # fmt: skip
_PERSONAL = re.compile(r"@@intake-personal:(title|who):(\d+)@@")


def _listing(tabs, tab: str, common: dict, now) -> dict:
    key = _listing_key()
    kept = _kept_listing(key, now) if key else None
    if kept is not None:
        rows = _filled(kept["rows"], _personal_of(kept["ids"]))
        if rows is not None:
            return _marked(kept["tabs"], kept["filters"], rows)
    form, filters = _filter_form()
    filtered = (form.state.data, form.field_id.data, form.unit_id.data, form.channel.data,
                form.priority.data, form.received_from.data, form.received_to.data)  # fmt: skip
    common = {**common, "form": form, "filtered": any(filtered)}
    page = paginate_ids_first(
        queries.queue(current_user, tab, filters),
        # The rows name their field and unit: loaded with them, not one query per row.
        options=(joinedload(Case.field), joinedload(Case.lead_unit)),
        page=page_number(),
        per_page=25,
        error_out=False,
        max_per_page=100,
    )
    # "new" is about items given to this officer: none on the page, nothing to ask.
    mine = [c.id for c in page.items if c.handler_id == current_user.id]
    new_ids = workload.new_for(current_user, mine)
    tabs_html = render_template(
        "officer/_queue_tabs.html", counts=queries.tab_counts(current_user, tabs, filters),
        **common,
    )  # fmt: skip
    filters_html = render_template("officer/_queue_filters.html", **common)
    template = render_template(
        "officer/_queue_rows.html",
        page=page,
        new_ids=new_ids,
        bounce_threshold=current_app.config["BOUNCE_FLAG_THRESHOLD"],
        personal=lambda case, part: f"@@intake-personal:{part}:{case.id}@@",
        capped=search.more_may_match(filters.q, page.total),
        **common,
    )
    rows_html = _filled(template, {c.id: _personal(c) for c in page.items})
    if key and not mine:
        # A row turns "overdue" when its deadline passes: the kept listing stops there.
        dues = [d for d in (_due(c) for c in page.items) if d is not None and d > now]
        until = min(dues, default=None)
        _keep_listing(key, {
            "tabs": tabs_html, "filters": filters_html, "rows": template,
            "ids": [c.id for c in page.items],
            "until": until.isoformat() if until else None,
        })  # fmt: skip
    return _marked(tabs_html, filters_html, rows_html)


def _personal(case) -> dict[str, str]:
    return {"title": case.title, "who": case.organisation_name or case.full_name}


def _personal_of(ids: list[int]) -> dict[int, dict[str, str]]:
    rows = db.session.connection().execute(_personal_query(), {"ids": ids}).all()
    return {i: {"title": t, "who": o or n} for i, t, o, n in rows}


@functools.cache
def _personal_query() -> sa.Select:
    """The names and titles of a kept listing's rows: built once, with the ids as one expanding
    parameter, so that each queue request neither builds it nor computes its cache key."""
    cases = Case.__table__
    return sa.select(cases.c.id, cases.c.title, cases.c.organisation_name, cases.c.full_name).where(
        cases.c.id.in_(sa.bindparam("ids", expanding=True))
    )


def _filled(template: str, personal: dict[int, dict[str, str]]) -> str | None:
    """The rows with each placeholder replaced by its item's text, escaped; None when an item
    of the page is gone. One pass over the template: nothing filled in is read again as a
    placeholder.

    Each text is escaped once, and the template is cut at the placeholders by ``re.split``
    rather than rewritten by ``re.sub`` with a callback per placeholder (75 on a page of 25
    items): 104 -> 86 us of a kept queue page's 1.3 ms in process, with the same pattern, so
    the same text counts as a placeholder as before."""
    texts = {}
    for case_id, parts in personal.items():
        texts["title", case_id] = str(escape(parts["title"] or ""))
        texts["who", case_id] = str(escape(parts["who"] or ""))
    # Text, then (part, id, text) for each placeholder: the pattern's two groups.
    pieces = _PERSONAL.split(template)
    rows = [pieces[0]]
    for at in range(1, len(pieces), 3):
        text = texts.get((pieces[at], int(pieces[at + 1])))
        if text is None:
            return None
        rows += (text, pieces[at + 2])
    return "".join(rows)


def _marked(*parts: str) -> dict:
    # Our own templates' output, escaped by Jinja (and _filled) when rendered: safe as it is.
    tabs, filters, rows = (Markup(p) for p in parts)  # noqa: S704
    return {"tabs": tabs, "filters": filters, "rows": rows}


def _due(case: Case):
    return case.step_due_at or (case.triage_due_at if case.is_awaiting_triage else None)


def _listing_key() -> str | None:
    """None when the listing is not to be kept: a search (``q`` is not one of the parameters
    allowed), anything else than the known parameters, once each and short."""
    if current_user.role not in perms.SEE_ALL_ROLES:
        return None
    args = []
    for name in sorted(request.args):
        values = request.args.getlist(name)
        if name == "q" and values == [""]:  # the filter form's empty search box
            continue
        if name not in _LISTING_ARGS or len(values) != 1 or len(values[0]) > 40:
            return None
        args.append((name, values[0]))
    organisation = cache_versions.current((cache_versions.ORGANISATION,))
    if organisation is None:
        return None
    version = cache_versions.stored_version(cache_versions.LISTINGS)
    digest = hashlib.sha256(repr(args).encode()).hexdigest()[:32]
    day = local_date(clock.now()).isoformat()
    return f"listing:{request.endpoint}:{get_locale()}:{day}:{version}:{organisation}:{digest}"


def _kept_listing(key: str, now) -> dict | None:
    try:
        stored = cache.get(key)
    except Exception:  # noqa: BLE001 — the cache is an optimisation: without it, build anew
        current_app.logger.warning("cache unavailable", exc_info=True)
        return None
    if stored is None:
        return None
    tabs, filters, rows, ids, until = stored.split(_SEPARATOR)
    if until and now >= datetime.fromisoformat(until):
        return None
    return {"tabs": tabs, "filters": filters, "rows": rows, "ids": [int(i) for i in ids.split()]}


#: Between the parts of a kept listing; a listing that holds one itself is not kept.
_SEPARATOR = "\x00"


def _keep_listing(key: str, listing: dict) -> None:
    if any(_SEPARATOR in listing[part] for part in ("tabs", "filters", "rows")):
        return
    stored = _SEPARATOR.join((
        listing["tabs"], listing["filters"], listing["rows"],
        " ".join(map(str, listing["ids"])), listing["until"] or "",
    ))  # fmt: skip
    try:
        cache.set(key, stored, timeout=cache_versions.KEEP_SECONDS)
    except Exception:  # noqa: BLE001
        current_app.logger.warning("cache unavailable", exc_info=True)


def _known(value, enum_cls) -> str:
    """``value`` if it is one of the enum's values, else no filter."""
    return value if value in {member.value for member in enum_cls} else ""


def _plausible(day):
    """Dates outside 2000-2100 in a filter are typing errors, not a reason to fail."""
    return day if day is not None and 2000 <= day.year <= 2100 else None
