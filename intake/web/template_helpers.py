"""Filters and globals shared by every template: dates in Viet Nam's time, labels, language."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import quote, urlencode

from flask import Flask, current_app, g, request, url_for
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_number,
    get_translations,
)

from intake import clock
from intake.cases import labels
from intake.cases.sources import bursts_for
from intake.core.calendar import last_local_day
from intake.core.calendar import local_date as local_date_of
from intake.org.calendar import load_working_calendar


def register(app: Flask) -> None:
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["due_day"] = due_day
    app.jinja_env.filters["iso_due_day"] = iso_due_day
    app.jinja_env.filters["filesize"] = filesize
    # Numbers in the reader's locale: 1.215 and 68,8 in Vietnamese, 1,215 and 68.8 in English.
    app.jinja_env.filters["format_number"] = format_number
    app.jinja_env.filters["format_decimal"] = format_decimal
    app.jinja_env.globals["labels"] = labels
    app.jinja_env.globals["url_for_language"] = url_for_language
    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["site_authority"] = site_authority
    app.jinja_env.globals["working_days_left"] = working_days_left
    app.jinja_env.globals["submission_bursts"] = submission_bursts
    # Instead of Flask-Babel's own (installed by babel.init_app, before this): the same
    # translations, found once per locale in a request rather than for every string.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _in_force()[1].ugettext(s),
        ngettext=lambda s, p, n: _in_force()[1].ungettext(s, p, n),
        pgettext=lambda c, s: _in_force()[1].upgettext(c, s),
        npgettext=lambda c, s, p, n: _in_force()[1].unpgettext(c, s, p, n),
        newstyle=True,
    )


def _in_force() -> tuple[str, object]:
    """The language in force and its translations, as Flask-Babel finds them, kept beside
    Flask-Babel's own per-request locale.

    Flask-Babel looks both up again for every string a template translates (the request's
    context three times, the locale's name rebuilt): an officer's page translates some fifty
    strings, and that was a tenth of its rendering. The pair is kept with the locale object it
    was found for, so ``force_locale`` (an e-mail in the citizen's language, rendered during
    an officer's request), which puts another locale object in place, gets its own."""
    context = g.get("_flask_babel")
    locale = getattr(context, "babel_locale", None)
    kept = getattr(context, "intake_in_force", None)
    if locale is not None and kept is not None and kept[0] is locale:
        return kept[1]
    translations = get_translations()  # sets the request's locale (and context) if not yet
    context = g.get("_flask_babel")
    locale = getattr(context, "babel_locale", None)
    pair = (str(locale or "vi"), translations)
    if locale is not None:
        context.intake_in_force = (locale, pair)
    return pair


def submission_bursts(cases) -> dict:
    """The bursts among ``cases`` (a page of a queue, or one case): many items from one
    address, e-mail or phone in a short time (``intake.cases.sources``), for
    ``officer/_burst_warning.html``."""
    return bursts_for(
        list(cases),
        window=timedelta(minutes=current_app.config["BURST_WINDOW_MINUTES"]),
        threshold=current_app.config["BURST_THRESHOLD"],
    )


def current_language() -> str:
    return _in_force()[0]


def site_authority() -> str:
    if current_language() == "en" and current_app.config["SITE_AUTHORITY_EN"]:
        return current_app.config["SITE_AUTHORITY_EN"]
    return current_app.config["SITE_AUTHORITY"]


def local_date(value: date | datetime | None, fmt: str = "dd/MM/yyyy") -> str:
    if value is None:
        return ""
    return (
        format_date(value, fmt) if not isinstance(value, datetime) else format_datetime(value, fmt)
    )


def local_datetime(value: datetime | None, fmt: str = "HH:mm dd/MM/yyyy") -> str:
    return "" if value is None else format_datetime(value, fmt)


def due_day(due_at: datetime | None, fmt: str = "dd/MM/yyyy") -> str:
    """A deadline stored as 24:00 local time, shown as the day it ends."""
    return "" if due_at is None else format_date(last_local_day(due_at), fmt)


def iso_due_day(value: str | None) -> str:
    """A deadline kept as ISO text (in an event's details), shown as the day it ends."""
    try:
        return due_day(datetime.fromisoformat(value)) if value else ""
    except (TypeError, ValueError):
        return ""


def working_days_left(due_at: datetime | None) -> int | None:
    """Working days from today to the due day: 0 on the last day, negative when overdue.
    The calendar is loaded once per request."""
    if due_at is None:
        return None
    if "working_calendar" not in g:
        g.working_calendar = load_working_calendar()
    today = local_date_of(clock.now())
    return g.working_calendar.working_days_between(today, last_local_day(due_at))


def filesize(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def url_for_language(language: str) -> str:
    """The current page in another language (GET pages only; forms are not resubmitted).

    The path is made relative to this site whatever it looks like: a path such as
    ``//evil.example/x`` or ``/\\evil.example/x`` would otherwise be read by browsers as
    another host. Browsers also drop tabs and line breaks from a link (``/\t/evil.example``
    becomes ``//evil.example``), so the path is percent-encoded first: only printable ASCII
    that means nothing special in a path is kept as it is."""
    args = request.args.to_dict()
    args["lang"] = language
    path = "/" + quote(request.path, safe="/:@!$&'()*+,;=-._~").lstrip("/")
    return f"{path}?{urlencode(args)}"


def page_url(page: int, form=None, *extra: str) -> str:
    """A link to another page of the current list, carrying only the list's own parameters:
    the fields of its filter ``form`` and the ``extra`` names. Never the raw query string,
    whose keys could collide with ``url_for``'s own (``endpoint``, ``_method`` …)."""
    names = [f.name for f in form] if form is not None else []
    args = {}
    for name in (*names, *extra):
        values = [v for v in request.args.getlist(name) if v]
        if values and name != "page":
            args[name] = values
    return url_for(request.endpoint, **(request.view_args or {}), **args, page=page)
