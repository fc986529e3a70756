"""The officer's page drawn once per role and filled in per request (intake.officer.frame): the
page is the one the templates draw, each officer sees their own name, unit, sign-out token and
language links, and nothing of one officer reaches another."""

from __future__ import annotations

import re

import pytest
from flask import render_template
from flask_login import login_user
from flask_wtf.csrf import generate_csrf
from jinja2 import ChoiceLoader, DictLoader

from intake.accounts.models import Role
from intake.extensions import db
from intake.officer import frame
from tests.cases.factories import make_staff, make_user
from tests.cases.factories import submit as new_case
from tests.officer.helpers import form_fields, login

_TOKEN = re.compile(r'(name="csrf_token" value=")[^"]+(")')


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return _TOKEN.sub(r"\1TOKEN\2", response.get_data(as_text=True))


@pytest.mark.parametrize("role", ["intake", "supervisor", "handler", "lead"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_kept_frame_gives_the_page_the_templates_draw(
    org, app, client, now, monkeypatch, role, lang
):
    staff = make_staff()
    new_case(now, title="Đèn đường hỏng ở ấp Phú Hữu")
    db.session.commit()
    officer = getattr(staff, role)
    login(client, officer)
    queue = "/officer/intake" if role in ("intake", "supervisor") else "/officer/unit"
    path = f"{queue}?tab=all&lang={lang}"
    first, kept = page(client, path), page(client, path)

    def drawn_anew(template, *, key, parts, **context):
        return render_template(template, **parts, **context)

    monkeypatch.setattr(frame, "render", drawn_anew)
    expected = page(client, path)
    assert first == kept == expected
    assert officer.full_name in expected and f'lang="{lang}"' in expected


def test_each_officer_of_a_role_sees_their_own_name_unit_token_and_links(org, app, now):
    staff = make_staff()
    other = make_user("tiepnhan2@test.vn", Role.INTAKE_OFFICER, "so-tp", 'Lê <b>"Bé"</b> & Co')
    db.session.commit()
    first, second = app.test_client(), app.test_client()
    login(first, staff.intake)
    login(second, other)
    assert "Trần Thu Hà" in first.get("/officer/intake?tab=returned").text  # the frame is drawn

    html = second.get("/officer/intake?tab=returned").text
    assert "Trần Thu Hà" not in html
    assert "Lê &lt;b&gt;&#34;Bé&#34;&lt;/b&gt; &amp; Co" in html
    assert f'title="{other.unit.display_name("vi")} · Đổi mật khẩu"' in html
    assert 'href="/officer/intake?tab=returned&amp;lang=en"' in html
    # The sign-out token in the page is this browser's: it signs this officer out.
    token = form_fields(html, "/logout")
    assert second.post("/logout", data=token).status_code in (302, 303)
    assert second.get("/officer/intake").status_code in (302, 303)  # to the sign-in page
    assert first.get("/officer/intake").status_code == 200  # the other officer stays in

    # Another role, another language: a frame of their own.
    supervisor = app.test_client()
    login(supervisor, staff.supervisor)
    html = supervisor.get("/officer/intake?tab=returned").text
    assert "Theo dõi, giám sát" in html and staff.supervisor.full_name in html
    assert "Theo dõi, giám sát" not in first.get("/officer/intake?tab=returned").text
    html = first.get("/officer/intake?tab=returned&lang=en").text
    assert '<html lang="en">' in html and "Trần Thu Hà" in html and "Hàng chờ tiếp nhận" not in html


def test_a_page_that_reads_more_of_the_officer_is_drawn_for_them_and_not_kept(org, app):
    staff = make_staff()
    app.jinja_loader = ChoiceLoader(
        [DictLoader({"probe.html": "{{ current_user.email }}|{{ current_user.full_name }}"}),
         app.jinja_loader]
    )  # fmt: skip
    with app.test_request_context("/officer/intake"):
        login_user(staff.intake)
        shown = frame.render("probe.html", key=(), parts={})
    assert shown == "tiepnhan@test.vn|Trần Thu Hà"
    assert not any(isinstance(f, str) for f in app.extensions["intake.officer.frames"].values())


def test_a_macro_that_reaches_the_real_token_is_drawn_for_the_officer_and_not_kept(org, app):
    """A macro imported without the page's context calls the real ``csrf_token()``."""
    staff = make_staff()
    app.jinja_loader = ChoiceLoader(
        [DictLoader({"macro.html": "{% macro token() %}{{ csrf_token() }}{% endmacro %}",
                     "probe.html": '{% import "macro.html" as m %}[{{ m.token() }}]'}),
         app.jinja_loader]
    )  # fmt: skip
    for _ in range(2):
        with app.test_request_context("/officer/intake"):
            login_user(staff.intake)
            assert frame.render("probe.html", key=(), parts={}) == f"[{generate_csrf()}]"
    assert not any(isinstance(f, str) for f in app.extensions["intake.officer.frames"].values())
