"""An officer's form refused on the case page or an admin page: the title says "Lỗi:" first,
as the citizen's forms do (WCAG 2.1 AA, 3.3.1), and the fields say they are invalid."""

import re

from intake.extensions import db
from tests.cases.factories import make_staff, submit
from tests.conftest import hidden_inputs
from tests.officer.helpers import act, login


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S).group(1)


def test_a_refused_action_on_the_case_page_says_error_in_the_title(org, app, now):
    staff = make_staff()
    case = submit(now)
    db.session.commit()
    intake = app.test_client()
    login(intake, staff.intake)
    assert not _title(intake.get(f"/officer/cases/{case.id}")).startswith("Lỗi:")
    refused = act(intake, case.id, "transfer", agency_unit_id="", letter_number="")
    assert refused.status_code == 422
    assert _title(refused).startswith("Lỗi: ")


def test_an_admin_form_with_errors_lists_them_and_says_error(org, app):
    staff = make_staff()
    admin = app.test_client()
    login(admin, staff.admin)
    page = admin.get("/admin/fields/new").get_data(as_text=True)
    response = admin.post("/admin/fields/new", data={**hidden_inputs(page), "code": "", "name": ""})
    html = response.get_data(as_text=True)
    assert _title(response).startswith("Lỗi: ")
    summary = re.search(r'id="form-errors".*?</div>', html, re.S).group(0)
    assert 'href="#name"' in summary and 'href="#code"' in summary
    assert re.search(
        r'<input[^>]*aria-invalid="true"[^>]*id="name"|<input[^>]*id="name"[^>]*aria-invalid="true"',
        html,
    )
