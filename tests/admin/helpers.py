"""Posting the administrator's forms as a browser would: open the page, keep its CSRF token."""

from __future__ import annotations

import re
from html import unescape

import sqlalchemy as sa

from intake.extensions import db
from intake.org.models import Field, Unit
from tests.conftest import hidden_inputs


def submit(client, path: str, data: dict, page: str | None = None):
    """GET ``page`` (default ``path``) for its hidden fields, then POST ``data`` to ``path``."""
    html = client.get(page or path).get_data(as_text=True)
    return client.post(path, data={**hidden_inputs(html), **data})


def field_errors(html: str, name: str) -> list[str]:
    """The errors rendered next to the form field ``name`` by the ``field`` macro."""
    match = re.search(rf'<ul class="errors" id="{re.escape(name)}-error">(.*?)</ul>', html, re.S)
    return [unescape(e) for e in re.findall(r"<li>(.*?)</li>", match.group(1))] if match else []


def unit_id(code: str) -> int:
    return db.session.scalar(sa.select(Unit.id).where(Unit.code == code))


def field_id(code: str) -> int:
    return db.session.scalar(sa.select(Field.id).where(Field.code == code))
