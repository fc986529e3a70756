"""Units that receive work have a notification e-mail (DOMAIN §8): the unit form and the CSV
importer refuse one without, routing and cooperation refuse to send work to one without (never
a silent skip), and the units page lists those that still lack one."""

import shutil
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from intake.admin import operations as admin_ops
from intake.cases import operations as ops
from intake.core.states import State
from intake.extensions import db
from intake.org.importer import ImportFailed, import_org
from intake.org.models import RoutingRule, Unit
from intake.web.lifecycle import perform
from tests.admin.helpers import field_errors, submit, unit_id
from tests.admin.test_admin import unit_data
from tests.cases.factories import CALENDAR, advance, make_staff
from tests.cases.factories import submit as submit_case
from tests.conftest import DEMO_DATA
from tests.officer.helpers import login

NOW = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)


@pytest.fixture
def staff(org):
    return make_staff()


@pytest.fixture
def admin(staff, app):
    client = app.test_client()
    login(client, staff.admin)
    return client


def _drop_email(code: str) -> Unit:
    """A unit from before the rule: imported or created without an e-mail."""
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == code))
    unit.email = None
    db.session.commit()
    return unit


def test_the_unit_form_refuses_a_receiving_unit_without_an_e_mail(admin):
    response = submit(admin, "/admin/units/new", unit_data(email=""))
    assert response.status_code == 422
    errors = field_errors(response.get_data(as_text=True), "email")
    assert errors and "phải có địa chỉ thư điện tử nhận thông báo" in errors[0]
    assert db.session.scalar(sa.select(Unit).where(Unit.code == "chi-cuc-qldd")) is None
    # An external agency receives items only by official letter: no e-mail needed.
    external = unit_data(code="bo-moi", name="Bộ Mới", kind="external", parent_id="", email="")
    assert submit(admin, "/admin/units/new", external).status_code == 303
    # Nor a unit that has ended.
    ended = unit_data(code="cu", name="Đơn vị cũ", email="", valid_from="2010-01-01",
                      valid_to="2020-12-31")  # fmt: skip
    assert submit(admin, "/admin/units/new", ended).status_code == 303


def test_the_units_page_lists_the_units_missing_an_e_mail(admin):
    page = admin.get("/admin/units").get_data(as_text=True)
    assert 'id="units-without-email"' not in page
    unit = _drop_email("so-xd")
    page = admin.get("/admin/units").get_data(as_text=True)
    check = page[page.index('id="units-without-email"') :].split("</section>")[0]
    assert "1 đơn vị chưa có thư điện tử nhận thông báo" in check
    assert f"/admin/units/{unit.id}" in check and "Sở Xây dựng" in check
    # The same unit's form asks for one before anything else can be saved.
    parent = str(unit_id("ubnd-tinh"))
    data = unit_data(code="so-xd", name="Sở Xây dựng", parent_id=parent, email="")
    response = submit(admin, f"/admin/units/{unit.id}", data)
    assert response.status_code == 422


def test_routing_refuses_a_lead_unit_without_an_e_mail(app, staff):
    lead = _drop_email(staff.lead_unit.code)
    case = submit_case(NOW)
    db.session.commit()
    outcome = perform(lambda: ops.assign_case(
        case, actor=staff.intake, now=NOW, expected_version=None, lead_unit=lead,
        cooperating_units=[], note=None, calendar=CALENDAR))  # fmt: skip
    assert not outcome.ok
    assert "chưa có địa chỉ thư điện tử nhận thông báo" in outcome.refusal.message
    assert lead.name in outcome.refusal.message
    assert db.session.get(type(case), case.id).state is State.RECEIVED


def test_routing_and_cooperation_refuse_a_cooperating_unit_without_an_e_mail(app, staff):
    helper = _drop_email("so-xd")
    case = submit_case(NOW)
    db.session.commit()
    outcome = perform(lambda: ops.assign_case(
        case, actor=staff.intake, now=NOW, expected_version=None, lead_unit=staff.lead_unit,
        cooperating_units=[helper], note=None, calendar=CALENDAR))  # fmt: skip
    assert not outcome.ok and "Sở Xây dựng" in outcome.refusal.message
    case = advance(db.session.get(type(case), case.id), State.IN_PROGRESS, staff, NOW)
    db.session.commit()
    outcome = perform(lambda: ops.request_cooperation(
        case, actor=staff.handler, now=NOW, units=[helper], question="Cho ý kiến.",
        calendar=CALENDAR))  # fmt: skip
    assert not outcome.ok and "chưa có địa chỉ thư điện tử" in outcome.refusal.message
    assert not db.session.get(type(case), case.id).cooperation_requests


def test_a_routing_rule_cannot_name_a_unit_without_an_e_mail(app, staff):
    unit = _drop_email("so-xd")
    rule = db.session.scalar(sa.select(RoutingRule).where(RoutingRule.unit_id == unit.id))
    with pytest.raises(admin_ops.InvalidInput) as refused:
        admin_ops.save_routing_rule(rule, field_id=rule.field_id, procedure_id=None,
                                    unit_id=unit.id, today=NOW.date())  # fmt: skip
    assert refused.value.field == "unit_id"
    assert "chưa có địa chỉ thư điện tử" in str(refused.value.message)
    db.session.rollback()


def test_the_importer_reports_a_receiving_unit_without_an_e_mail(app, tmp_path):
    for name in ("units.csv", "fields.csv", "procedures.csv"):
        shutil.copy(DEMO_DATA / name, tmp_path / name)
    with (tmp_path / "units.csv").open("a", encoding="utf-8") as f:
        f.write("x-moi,Ủy ban nhân dân xã Mới,New commune,commune,ubnd-tinh,,no,2026-01-01,\n")
        f.write("bo-moi,Bộ Mới,New ministry,external,,,no,2026-01-01,\n")
    line = len((tmp_path / "units.csv").read_text(encoding="utf-8").splitlines()) - 1
    with pytest.raises(ImportFailed) as failure:
        import_org(tmp_path)
    db.session.rollback()
    problems = failure.value.problems
    assert f"units.csv:{line}: email is empty" in "\n".join(problems)
    assert not any(p.startswith(f"units.csv:{line + 1}:") for p in problems)
