"""Downloading letters over HTTP: the citizen with code and key, officers who may see the
case; nobody else gets a PDF."""

from __future__ import annotations

import re
from html import unescape as html_unescape

import sqlalchemy as sa

from intake.cases.models import Case
from intake.core.states import State
from intake.extensions import db
from tests.cases.factories import advance, make_staff
from tests.letters.helpers import pdf_text
from tests.officer.helpers import login
from tests.public.test_track import submitted, track


def _letter_links(html: str) -> list[str]:
    return [html_unescape(h) for h in re.findall(r'href="([^"]+\.pdf(?:\?[^"]*)?)"', html)]


def test_the_citizen_downloads_the_letters_of_the_item(org, app, client, submit_form, now):
    code, key = submitted(client, submit_form)
    staff = make_staff()
    case = db.session.scalar(sa.select(Case).where(Case.reference_code == code))
    advance(case, State.REJECTED, staff, now)
    db.session.commit()

    browser = app.test_client()
    page = browser.get(track(browser, code, key).headers["Location"]).get_data(as_text=True)
    assert "Tải văn bản (PDF)" in page
    links = _letter_links(page)
    assert len(links) == 2  # the receipt and the refusal
    response = browser.get(links[1])
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"{code}-rejected-01.pdf" in disposition
    text = pdf_text(response.data)
    assert "Về việc không tiếp nhận phản ánh, kiến nghị" in text and code in text

    # Without the key on this browser, or with a wrong one: back to /track, and no PDF.
    stranger = app.test_client()
    assert track(stranger, code, "AAAAA-AAAAA").status_code == 422
    refused = stranger.get(links[1])
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/track")
    assert refused.mimetype != "application/pdf"
    # Another item's letter under this item's code: not found.
    other = links[1].replace("/rejected/", "/receipt/")
    assert browser.get(other).status_code == 404


def test_officers_who_see_the_case_download_its_letters(org, app, now):
    from tests.cases.factories import submit

    staff = make_staff()
    case = advance(submit(now), State.ANSWERED, staff, now)
    db.session.commit()
    clients = {}
    for role in ("intake", "handler", "supervisor", "other_handler", "other_lead"):
        clients[role] = app.test_client()
        login(clients[role], getattr(staff, role))

    page = clients["handler"].get(f"/officer/cases/{case.id}").get_data(as_text=True)
    assert "Văn bản gửi người gửi (PDF)" in page
    links = _letter_links(page)
    assert len(links) == 2  # the receipt and the answer
    by_kind = f"/officer/cases/{case.id}/letters/answered.pdf"  # the print queue's link
    for role in ("intake", "handler", "supervisor"):
        response = clients[role].get(by_kind)
        assert response.status_code == 200, role
        assert response.mimetype == "application/pdf"
        assert response.headers["Cache-Control"] == "no-store"
        assert "Số: 01/CV-STNMT" in pdf_text(response.data), role  # one number, every time
    for role in ("other_handler", "other_lead"):
        assert clients[role].get(by_kind).status_code == 404, role
        assert clients[role].get(links[0]).status_code == 404, role
    assert app.test_client().get(by_kind).status_code == 302  # to the sign-in page
    assert clients["intake"].get(f"/officer/cases/{case.id}/letters/nothing.pdf").status_code == 404
    assert (
        clients["intake"].get(f"/officer/cases/{case.id}/letters/rejected.pdf").status_code == 404
    )
    # Issued: the case page now shows the number.
    page = clients["intake"].get(f"/officer/cases/{case.id}").get_data(as_text=True)
    assert "01/CV-STNMT" in page
