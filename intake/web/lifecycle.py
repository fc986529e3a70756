"""One request lifecycle for every state-changing request: run the operation, commit once,
or roll back and say why.

The doors (officer pages, citizen pages, admin pages) parse their input and load and check
what they act on; then they hand the operation to ``perform``. It commits once — the
after-commit hooks of ``intake.transaction`` then move files into place — or, when the
operation refuses, rolls back and returns a ``Refusal`` built from ``refusal_for``: the one
table that maps the domain's exceptions to what the user is told. Nothing else catches them.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError

from intake.cases.attachments import RejectedUpload
from intake.core.errors import (
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    StaleCase,
    SubmissionError,
)
from intake.extensions import db

#: What an operation may raise to refuse; anything else is a bug and becomes the 500 page.
DOMAIN_ERRORS = (
    StaleCase,
    StaleDataError,
    ObjectDeletedError,
    InvalidTransition,
    NotAllowed,
    InvalidInput,
    RejectedUpload,
    sa.exc.IntegrityError,
)


@dataclass(frozen=True)
class Refusal:
    """What to tell the user, and how: ``keeps_form`` shows the form again with what was
    typed (the input can be corrected); otherwise the page shows the item as it is now."""

    message: str
    keeps_form: bool
    field: str | None = None

    def attach_to(self, form) -> None:
        """Put the message next to the field it names, else at the top of the form."""
        target = getattr(form, self.field, None) if self.field else None
        if target is not None and hasattr(target, "errors"):
            if not isinstance(target.errors, list):
                target.errors = list(target.errors)
            target.errors.append(self.message)
        else:
            form.form_errors.append(self.message)


@dataclass(frozen=True)
class Outcome:
    value: Any = None
    refusal: Refusal | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None


def stale_message() -> str:
    return _(
        "Hồ sơ vừa được người khác cập nhật. Vui lòng xem tình trạng hiện tại rồi thao tác lại."
    )


def refusal_for(exc: Exception) -> Refusal:
    """The table: each refusal of the domain, in the user's language."""
    if isinstance(exc, StaleCase | StaleDataError | ObjectDeletedError):
        return Refusal(stale_message(), keeps_form=False)
    if isinstance(exc, InvalidTransition):
        return Refusal(
            _("Không thể thực hiện thao tác này ở tình trạng hiện tại của hồ sơ."),
            keeps_form=False,
        )
    if isinstance(exc, SubmissionError):
        # Its message is for developers: the form should have caught it; point at the field.
        return Refusal(_("Vui lòng kiểm tra lại thông tin này."), keeps_form=True, field=exc.field)
    if isinstance(exc, InvalidInput):
        return Refusal(str(exc.message), keeps_form=True, field=exc.field)
    if isinstance(exc, RejectedUpload):
        return Refusal(upload_message(exc), keeps_form=True, field="attachments")
    if isinstance(exc, sa.exc.IntegrityError):
        # A unique key broken at commit: someone saved the same thing a moment earlier.
        return Refusal(
            _("Dữ liệu vừa được thay đổi ở nơi khác. Vui lòng kiểm tra lại rồi lưu lần nữa."),
            keeps_form=True,
        )
    return Refusal(_("Không thực hiện được: %(reason)s", reason=str(exc)), keeps_form=True)


def upload_message(exc: RejectedUpload) -> str:
    if exc.reason == "too_large":
        return _("Tệp “%(name)s” vượt quá 10 MB.", name=exc.filename)
    if exc.reason == "empty":
        return _("Tệp “%(name)s” rỗng.", name=exc.filename)
    return _(
        "Tệp “%(name)s” không đúng định dạng cho phép (PDF, JPG, PNG, DOC, DOCX, XLS, XLSX).",
        name=exc.filename,
    )


def verb_view(verb_name: str, door: Callable[..., Any]) -> Callable[..., Any]:
    """A view function of its own for one verb of a generic door, named after the verb:
    Flask-WTF's CSRF exemptions and the logs identify views by their function's name."""

    def view(**view_args):
        return door(verb_name, **view_args)

    view.__name__ = view.__qualname__ = verb_name
    return view


EVENT_SEQUENCE_KEY = ("uq_case_events_case_id_seq", "case_events.case_id, case_events.seq")
#: How often an operation is tried when it lost a write race that a second try resolves.
ATTEMPTS = 5


def perform(operation: Callable[[], Any]) -> Outcome:
    """Run ``operation`` and commit; on a refusal roll back and describe it.

    Two writers at once on one item can clash without either being wrong: on PostgreSQL two
    events appended together may choose the same sequence number before the row lock settles
    it, and SQLite, which has no row locks, refuses the second writer outright ("database is
    locked"). Such a clash is retried from the start — the rollback expired every loaded row,
    so the second try reads what the first writer committed, and a version the officer saw
    that is now old still ends in the "someone else updated it" message. Nothing accepted is
    lost and nobody sees a 500 for it."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            value = operation()
            db.session.commit()
        except (*DOMAIN_ERRORS, sa.exc.OperationalError) as exc:
            db.session.rollback()
            if attempt < ATTEMPTS and is_write_clash(exc):
                # Apart, so that the writers that clashed do not clash again in step.
                time.sleep(random.uniform(0.01, 0.05) * attempt)
                continue
            if isinstance(exc, sa.exc.OperationalError):
                raise  # the database is down or broken: the 500 page, logged, rolled back
            return Outcome(refusal=refusal_for(exc))
        return Outcome(value=value)
    raise AssertionError("unreachable")  # pragma: no cover


def is_write_clash(exc: Exception) -> bool:
    """A race that a second try resolves, as opposed to a refusal that stays one."""
    text = str(getattr(exc, "orig", exc))
    if isinstance(exc, sa.exc.OperationalError):
        return "database is locked" in text or "deadlock detected" in text
    if isinstance(exc, sa.exc.IntegrityError):
        # The unique key of an event's place in its case's history, as each database says it.
        return any(name in text for name in EVENT_SEQUENCE_KEY)
    return False
