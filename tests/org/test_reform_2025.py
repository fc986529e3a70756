"""The sample organisation through the 2025 reform (DOMAIN §8): the district-level committees
end on 30/06/2025, merged communes and Cần Thơ city's units take over on 01/07/2025; what is
offered for new work follows the day, and old items keep the units of their time."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from intake.cases import operations as ops
from intake.cases.models import Case
from intake.extensions import db
from intake.org import choices
from intake.org.importer import import_org
from intake.org.models import Unit, UnitKind
from intake.web.lifecycle import perform
from tests.cases.factories import CALENDAR, make_staff, submit, unit_by_code
from tests.officer.helpers import login

LAST_DAY = datetime(2025, 6, 30, 3, tzinfo=UTC)  # 10:00 on 30/06/2025 in Viet Nam
FIRST_DAY = datetime(2025, 7, 1, 3, tzinfo=UTC)


def _offered(app, monkeypatch, at: datetime, build) -> set[str]:
    monkeypatch.setitem(app.config, "CLOCK", lambda: at)
    ids = {c.value for c in build("vi") if c.value}
    return set(db.session.scalars(sa.select(Unit.code).where(Unit.id.in_([int(i) for i in ids]))))


def test_lead_units_offered_follow_the_day(org, app, monkeypatch):
    before = _offered(app, monkeypatch, LAST_DAY, lambda lang: choices.unit_choices(lang))
    after = _offered(app, monkeypatch, FIRST_DAY, lambda lang: choices.unit_choices(lang))
    districts = set(db.session.scalars(sa.select(Unit.code).where(Unit.kind == UnitKind.DISTRICT)))
    assert len(districts) == 11
    assert districts <= before and not districts & after
    assert "x-an-hiep" in before and "x-an-hiep" not in after  # an old commune
    assert "p-phu-loi" in after and "p-phu-loi" not in before  # a merged commune
    assert "st-vp-ubnd" in before and "st-vp-ubnd" not in after  # Sóc Trăng's office
    assert {"vp-ubnd", "so-tnmt"} <= after  # the current units keep their codes
    assert not before & {"bo-tc", "thanh-tra-cp"}  # external agencies never lead


def test_transfer_targets_follow_the_day(org, app, monkeypatch):
    before = _offered(app, monkeypatch, LAST_DAY, choices.external_unit_choices)
    after = _offered(app, monkeypatch, FIRST_DAY, choices.external_unit_choices)
    assert {"ubnd-bac-lieu", "ubnd-hau-giang"} <= before
    assert not after & {"ubnd-bac-lieu", "ubnd-hau-giang", "ubnd-tp-can-tho"}
    assert {"thanh-tra-cp", "ban-tcd-tw", "ubnd-ca-mau", "bo-nnmt"} <= after


def test_the_province_becomes_can_tho_city(org):
    city = unit_by_code("ubnd-tinh")
    assert city.name == "Ủy ban nhân dân thành phố Cần Thơ" and city.valid_from == date(2025, 7, 1)
    old = unit_by_code("st-ubnd-tinh")
    assert old.name == "Ủy ban nhân dân tỉnh Sóc Trăng" and old.valid_to == date(2025, 6, 30)
    assert unit_by_code("h-chau-thanh").parent == old
    assert unit_by_code("so-tnmt").parent == city
    assert unit_by_code("p-phu-loi").parent == city
    office = unit_by_code("vp-ubnd")
    assert office.receives_intake and office.email
    assert not unit_by_code("st-vp-ubnd").receives_intake


def test_work_goes_to_a_district_only_while_it_exists_and_old_items_keep_it(org, app):
    staff = make_staff()
    district = unit_by_code("h-chau-thanh")
    late = submit(FIRST_DAY)
    db.session.commit()
    outcome = perform(lambda: ops.assign_case(
        late, actor=staff.intake, now=FIRST_DAY, expected_version=None, lead_unit=district,
        cooperating_units=[], note=None, calendar=CALENDAR))  # fmt: skip
    assert not outcome.ok and "không hoạt động vào ngày này" in outcome.refusal.message
    early = submit(LAST_DAY)
    ops.assign_case(early, actor=staff.intake, now=LAST_DAY, expected_version=None,
                    lead_unit=district, cooperating_units=[], note=None,
                    calendar=CALENDAR)  # fmt: skip
    db.session.commit()
    client = app.test_client()
    login(client, staff.intake)
    page = client.get(f"/officer/cases/{early.id}").get_data(as_text=True)
    assert "Ủy ban nhân dân huyện Châu Thành" in page  # today, long after it ended
    assert db.session.get(Case, early.id).lead_unit == district


def test_a_units_file_without_validity_columns_still_imports(app, tmp_path):
    (tmp_path / "units.csv").write_text(
        "code,name,name_en,kind,parent_code,email,receives_intake\n"
        "ubnd,Ủy ban nhân dân tỉnh,,province,,ubnd@example.vn,no\n"
        "vp,Văn phòng,,province,ubnd,vp@example.vn,yes\n",
        encoding="utf-8",
    )
    (tmp_path / "fields.csv").write_text("code,name,name_en,lead_unit_code\n", encoding="utf-8")
    (tmp_path / "procedures.csv").write_text(
        "national_code,name,field_code,level,unit_code\n", encoding="utf-8"
    )
    assert import_org(tmp_path).units == 2
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == "vp"))
    assert unit.valid_from is None and unit.valid_to is None and unit.parent.code == "ubnd"
    db.session.rollback()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_unit_tree_page_shows_both_eras(org, app, lang):
    staff = make_staff()
    client = app.test_client()
    login(client, staff.admin)
    page = client.get(f"/admin/units?lang={lang}").get_data(as_text=True)
    assert 'id="units-without-email"' not in page  # the sample gives every such unit one
    assert "h-chau-thanh" in page and "p-phu-loi" in page and "st-ubnd-tinh" in page
