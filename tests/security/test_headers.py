"""The hardened edge: a Content-Security-Policy without inline script or style, no framing,
nosniff (attachments too), a strict Referrer-Policy, HSTS in production, and no-store on every
page and file with personal data."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from intake import create_app
from intake.cases.models import Attachment
from intake.extensions import db
from tests.cases.factories import make_staff
from tests.core.test_filetypes import PDF
from tests.officer.helpers import login

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=|<style", re.I)


def csp(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()
    }


def assert_hardened(response, where: str) -> None:
    policy = csp(response)
    assert policy["script-src"] == "'self'", where
    assert policy["style-src"] == "'self'", where
    assert policy["frame-ancestors"] == "'none'", where
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'", where
    assert response.headers["X-Frame-Options"] == "DENY", where
    assert response.headers["X-Content-Type-Options"] == "nosniff", where
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", where


@pytest.fixture
def world(org, app, submit_form):
    staff = make_staff()
    assert submit_form(files=[(io.BytesIO(PDF), "don.pdf")]).status_code == 303
    officer = app.test_client()
    login(officer, staff.intake)
    supervisor = app.test_client()
    login(supervisor, staff.supervisor)
    attachment = db.session.scalar(sa.select(Attachment))
    return {"officer": officer, "supervisor": supervisor, "attachment": attachment}


def test_every_kind_of_response_carries_the_headers(app, world, client):
    case_id = world["attachment"].case_id
    responses = {
        "home": client.get("/"),
        "submit": client.get("/submit"),
        "not found": client.get("/khong-co-trang-nay"),
        "static": client.get("/static/css/site.css"),
        "login": client.get("/login"),
        "case page": world["officer"].get(f"/officer/cases/{case_id}"),
        "attachment": world["officer"].get(f"/officer/attachments/{world['attachment'].id}"),
        "export": world["supervisor"].get("/supervision/reports/export.csv"),
        "healthz": client.get("/healthz"),
    }
    for where, response in responses.items():
        response.close()  # file responses stream: close them, headers are already here
        assert response.status_code in (200, 404), where
        assert_hardened(response, where)


def test_pages_and_files_with_personal_data_are_never_stored(app, world, client):
    case_id = world["attachment"].case_id
    private = {
        "case page": world["officer"].get(f"/officer/cases/{case_id}"),
        "queue": world["officer"].get("/officer/intake"),
        "attachment": world["officer"].get(f"/officer/attachments/{world['attachment'].id}"),
        "export": world["supervisor"].get("/supervision/reports/export.csv"),
        "xlsx": world["supervisor"].get("/supervision/reports/export.xlsx"),
        "dashboard": world["supervisor"].get("/supervision/"),
        "login": client.get("/login"),
        "track": client.get("/track"),
    }
    for where, response in private.items():
        response.close()
        assert response.status_code == 200, where
        assert "no-store" in response.headers["Cache-Control"], where
    attachment = private["attachment"]
    assert attachment.headers["Content-Disposition"].startswith("attachment")
    static = client.get("/static/css/site.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_hsts_in_production_only(app, database_url):
    production = create_app({"ENV_NAME": "production", "SECRET_KEY": "x" * 40,
                             "SQLALCHEMY_DATABASE_URI": "postgresql://u@127.0.0.1:1/db",
                             "READY_REQUIRE_WORKER": False})  # fmt: skip
    secure = production.test_client().get("/healthz", base_url="https://pakn.test")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    plain_dev = app.test_client().get("/healthz", base_url="https://pakn.test")
    assert "Strict-Transport-Security" not in plain_dev.headers


def test_a_header_a_view_set_itself_is_replaced_not_doubled(database_url):
    """The security headers are the app's, whatever a view says: a view's own Referrer-Policy
    or X-Frame-Options ends as one header with the policy's value, as Talisman's set() gives;
    and a view with Talisman options of its own still gets them."""
    from flask import make_response

    app = create_app({"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": database_url,
                      "READY_REQUIRE_WORKER": False})  # fmt: skip

    @app.get("/__own_headers")
    def own_headers():
        response = make_response("own")
        response.headers["Referrer-Policy"] = "unsafe-url"
        response.headers["x-frame-options"] = "ALLOWALL"
        return response

    @app.get("/__own_options")
    def own_options():
        return "options"

    # What Talisman's decorator (``@talisman(frame_options=...)``) leaves on a view.
    own_options.talisman_view_options = {"frame_options": "SAMEORIGIN"}

    client = app.test_client()
    response = client.get("/__own_headers")
    assert response.headers.getlist("Referrer-Policy") == ["strict-origin-when-cross-origin"]
    assert response.headers.getlist("X-Frame-Options") == ["DENY"]
    assert_hardened(response, "/__own_headers")
    assert client.get("/__own_options").headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert_hardened(client.get("/healthz"), "/healthz")


def test_no_template_has_inline_script_handlers_or_styles():
    """The policy would block them: every template of a page (e-mails are not pages) keeps
    its JavaScript in static/js and its styles in static/css."""
    found = []
    for path in TEMPLATES.rglob("*.html"):
        if "email" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, STYLE_ATTRIBUTE, re.compile("javascript:")):
            found += [
                f"{path.relative_to(TEMPLATES)}: {m.group(0)}" for m in pattern.finditer(text)
            ]
    assert found == []


def test_rendered_pages_have_no_inline_script_or_style(app, world, client):
    case_id = world["attachment"].case_id
    pages = [client.get(p) for p in ("/", "/submit", "/track", "/published", "/stats", "/login")]
    pages += [world["officer"].get(p) for p in (f"/officer/cases/{case_id}", "/officer/intake")]
    pages += [world["supervisor"].get(p) for p in ("/supervision/", "/supervision/reports")]
    for response in pages:
        html = response.get_data(as_text=True)
        assert not INLINE_SCRIPT.search(html), response.request.path
        assert not STYLE_ATTRIBUTE.search(html), response.request.path
        assert not INLINE_HANDLER.search(html), response.request.path
