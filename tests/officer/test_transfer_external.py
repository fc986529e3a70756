"""Transfers out name the competent agency from the external units of the organisation tree
(DOMAIN §8), not free text: the form offers them by full name in a filterable list, the event
keeps the unit and its name, the history and the letter to the citizen show it, and events
recorded before (the agency as typed text) still display."""

import re
from datetime import date

import sqlalchemy as sa

from intake.cases import operations as ops
from intake.cases.models import Case, CaseEvent
from intake.core.states import State
from intake.extensions import db
from intake.letters import render_notice_pdf
from intake.web.lifecycle import perform
from tests.cases.factories import make_staff, submit, unit_by_code
from tests.letters.helpers import pdf_text
from tests.officer.helpers import act, login


def _form(page: str) -> str:
    return page[page.index('id="act-transfer"') :].split("</details>")[0]


def test_the_form_offers_the_external_units_by_full_name(org, app, now):
    staff = make_staff()
    ended = unit_by_code("bhxh-tinh")
    ended.valid_to = date(2026, 1, 1)
    db.session.commit()
    case = submit(now)
    db.session.commit()
    client = app.test_client()
    login(client, staff.intake)
    form = _form(client.get(f"/officer/cases/{case.id}").get_data(as_text=True))
    assert "data-filterable" in form and 'type="radio"' in form
    offered = re.findall(r'name="agency_unit_id"[^>]*value="(\d+)"', form)
    offered += re.findall(r'value="(\d+)"[^>]*name="agency_unit_id"', form)
    assert str(unit_by_code("bo-tc").id) in offered
    assert "Bộ Nông nghiệp và Môi trường" in form and "Tổng cục Thuế" in form
    assert "Bộ Tài nguyên và Môi trường" not in form  # merged into it on 1/3/2025
    assert str(unit_by_code("so-tp").id) not in offered  # a unit of the province
    assert str(ended.id) not in offered  # no longer in force
    assert 'name="agency"' not in form  # no free text


def test_a_transfer_keeps_the_unit_and_shows_it(org, app, now):
    staff = make_staff()
    case = submit(now)
    db.session.commit()
    client = app.test_client()
    login(client, staff.intake)
    own = act(client, case.id, "transfer", agency_unit_id=unit_by_code("so-tp").id,
              letter_number="12/VP")  # fmt: skip
    assert own.status_code == 422  # not an external unit: not a valid choice
    assert db.session.get(Case, case.id).state is State.RECEIVED
    tax = unit_by_code("tong-cuc-thue")
    done = act(client, case.id, "transfer", agency_unit_id=tax.id, letter_number="12/VP-KSTT")
    assert done.status_code == 303
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    event = case.events[-1]
    assert case.state is State.TRANSFERRED_OUT
    expected = {"agency": "Tổng cục Thuế", "agency_unit_id": tax.id, "letter_number": "12/VP-KSTT"}
    assert expected.items() <= event.details.items()
    page = client.get(f"/officer/cases/{case.id}").get_data(as_text=True)
    assert "Chuyển đến: Tổng cục Thuế · văn bản số 12/VP-KSTT" in page
    english = client.get(f"/officer/cases/{case.id}?lang=en").get_data(as_text=True)
    assert "General Department of Taxation" in english
    text = pdf_text(render_notice_pdf(case, "transferred"))
    assert "đến Tổng cục Thuế theo văn bản số 12/VP-KSTT" in text


def test_the_operation_refuses_a_unit_of_the_province(org, app, now):
    staff = make_staff()
    case = submit(now)
    db.session.commit()
    outcome = perform(lambda: ops.transfer_out(
        case, actor=staff.intake, now=now, expected_version=None,
        agency_unit=unit_by_code("so-tp"), letter_number="1/CV"))  # fmt: skip
    assert not outcome.ok and "Sở Tư pháp" in outcome.refusal.message
    assert db.session.get(Case, case.id).state is State.RECEIVED


def test_an_old_transfer_with_the_agency_as_text_still_displays(org, app, now):
    staff = make_staff()
    case = submit(now)
    ops.transfer_out(case, actor=staff.intake, now=now, expected_version=None,
                     agency_unit=unit_by_code("bo-tc"), letter_number="7/VP")  # fmt: skip
    db.session.commit()
    # As recorded before the agencies were units: the name typed by the officer.
    event = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id)).all()[-1]
    db.session.execute(
        sa.update(CaseEvent).where(CaseEvent.id == event.id)
        .values(details={"agency": "Bộ Y tế", "letter_number": "7/VP"})
    )  # fmt: skip
    db.session.commit()
    client = app.test_client()
    login(client, staff.intake)
    for lang in ("vi", "en"):
        page = client.get(f"/officer/cases/{case.id}?lang={lang}")
        assert page.status_code == 200
        assert "Bộ Y tế" in page.get_data(as_text=True)
