"""An officer's page drawn once per role, and filled in for each request.

Around its content, an officer's page (``officer/_layout.html`` on ``base.html``) is the same
for every officer of a role: the menu of the role, the header, the footer, in one language.
Only four things in it are the officer's own or the request's: the officer's name, the name
of their unit, the sign-out form's CSRF token and the links to the page in the other
language. Drawing that layout was about a third of the queue's time, request after request,
for the same text; so the page is drawn once per template, role, language, endpoint and the
view's own key, with placeholders where those four things go and where the view's content of
this request goes (``parts``), kept in the process, and filled in for each request.

What the frame may depend on, and why it can be kept in the process without being dropped:
the templates, the translations and the configuration, which change only with a restart, and
what is in its key. Nothing read from the database: ``current_user`` is a stand-in while the
frame is drawn, with the role and placeholders only, and reading anything else of it stops
the frame from being kept (the page is then drawn as before, and a warning logged), so a
template that starts to show more of the officer cannot show one officer's values to
another. A page that carries a message for this officer (a flash) is drawn as before.
"""

from __future__ import annotations

import re

from flask import current_app, render_template, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from intake.web.template_helpers import current_language, url_for_language

_HOLES = re.compile(r"@@intake-frame:([a-z_.]+)@@")
_FRAMES = "intake.officer.frames"
LANGUAGES = ("vi", "en")
#: Under a key whose page cannot be drawn as a frame: drawn in full each time, without trying.
_NOT_KEPT = object()


def _hole(name: str) -> str:
    """A placeholder: nothing in it that escaping would change, so plain text will do."""
    return f"@@intake-frame:{name}@@"


class _NotInFrame(Exception):
    """The template read something of the officer that the frame has no placeholder for."""


class _StandInUnit:
    def display_name(self, language: str) -> str:
        return _hole("unit")

    def __getattr__(self, name: str):
        raise _NotInFrame(f"current_user.unit.{name}")


class _StandInOfficer:
    """``current_user`` while a frame is drawn: its role, and placeholders for the rest."""

    def __init__(self, role) -> None:
        self.role = role
        self.full_name = _hole("name")
        self.unit = _StandInUnit()

    def __getattr__(self, name: str):  # not AttributeError: Jinja would make it "undefined"
        raise _NotInFrame(f"current_user.{name}")


def render(template: str, *, key: tuple, parts: dict[str, Markup], **context) -> str:
    """``template`` for the signed-in officer, with ``parts`` (this request's content, already
    rendered, each a template variable) in their places.

    ``context`` and ``key`` together must decide everything else the page shows: the frame is
    kept under ``key`` (with the template, role, language and endpoint) and drawn from the
    first request's ``context``."""
    if "_flashes" in session:
        return render_template(template, **parts, **context)
    frames = current_app.extensions.setdefault(_FRAMES, {})
    frame_key = (template, current_user.role, str(get_locale()), request.script_root,
                 request.endpoint, *key)  # fmt: skip
    frame = frames.get(frame_key)
    if frame is None:
        try:
            frame = _draw(template, parts, context)
        except _NotInFrame as unknown:
            current_app.logger.warning("officer frame not kept: the page reads %s", unknown)
            frame = _NOT_KEPT
        frames[frame_key] = frame
    if frame is _NOT_KEPT:
        return render_template(template, **parts, **context)
    return _fill(frame, parts)


def _draw(template: str, parts: dict[str, Markup], context: dict) -> str:
    holes = {name: _hole(f"part.{name}") for name in parts}
    frame = render_template(
        template,
        **holes,
        **context,
        current_user=_StandInOfficer(current_user.role),
        csrf_token=lambda: _hole("csrf"),
        url_for_language=lambda language: _hole(f"lang.{language}"),
    )
    # A macro imported without the context, or a template reading ``session``, would reach
    # the real values around the stand-ins: the officer's own must not be in the frame. (Not
    # the name: a short one may well be part of the page's fixed text.)
    for own in (generate_csrf(), str(escape(current_user.email))):
        if own in frame:
            raise _NotInFrame("a value of the officer's own, not through a placeholder")
    return frame


def _fill(frame: str, parts: dict[str, Markup]) -> str:
    """One pass over the frame: nothing filled in is read again as a placeholder (a citizen's
    title that looks like one stays text)."""
    values = {f"part.{name}": str(part) for name, part in parts.items()}
    values["name"] = str(escape(current_user.full_name))
    values["unit"] = str(escape(current_user.unit.display_name(current_language())))
    values["csrf"] = str(escape(generate_csrf()))
    values.update({f"lang.{lang}": str(escape(url_for_language(lang))) for lang in LANGUAGES})
    return _HOLES.sub(lambda match: values[match.group(1)], frame)
