"""The administrator's journeys through the pages, with CSRF on: accounts, the unit tree, fields,
procedures and routing rules; and every refusal shown next to its field, never as a 500."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from intake.accounts.models import Role, User
from intake.admin import operations as ops
from intake.core.calendar import local_date
from intake.core.routing import SuggestionSource
from intake.extensions import db
from intake.org.models import Field, Procedure, RoutingRule, Unit, UnitKind
from intake.org.routing import suggestion_for
from tests.admin.helpers import field_errors, field_id, submit, unit_id
from tests.cases.factories import make_staff
from tests.conftest import hidden_inputs
from tests.officer.helpers import login

NEW_PASSWORD = "cau-rach-mieu-2026"
INVALID_CHOICE = "Lựa chọn không hợp lệ."


@pytest.fixture
def staff(org):
    return make_staff()


@pytest.fixture
def admin(staff, app):
    client = app.test_client()
    login(client, staff.admin)
    return client


def today():
    return local_date(datetime.now(UTC))


def sign_in(client, email: str, password: str):
    page = client.get("/login").get_data(as_text=True)
    return client.post("/login", data={**hidden_inputs(page), "email": email, "password": password})


def user_by_email(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def new_user_data(**overrides) -> dict:
    data = {
        "email": "Moi.CanBo@test.vn",
        "full_name": "Phạm Thị Mới",
        "role": "handler",
        "unit_id": str(unit_id("so-tp")),
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


# --- users ------------------------------------------------------------------------------------


def test_create_a_user_who_then_signs_in(admin, app):
    response = submit(admin, "/admin/users/new", new_user_data())
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/users")
    listing = admin.get("/admin/users").get_data(as_text=True)
    assert "Đã tạo tài khoản moi.canbo@test.vn." in listing
    assert "Phạm Thị Mới" in listing
    user = user_by_email("moi.canbo@test.vn")  # stored in lower case, as the login looks it up
    assert user.role is Role.HANDLER and user.unit.code == "so-tp" and user.is_enabled

    officer = app.test_client()
    response = sign_in(officer, "moi.canbo@test.vn", NEW_PASSWORD)
    assert response.status_code == 303
    # The administrator chose the first password: the officer must replace it first.
    assert officer.get("/officer/").headers["Location"].endswith("/account/password")


def test_duplicate_email_and_short_password_are_refused_next_to_their_fields(admin, staff):
    response = submit(admin, "/admin/users/new", new_user_data(email="XULY@test.vn"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html, "email") == ["Đã có tài khoản dùng địa chỉ thư điện tử này."]
    assert 'value="XULY@test.vn"' in html  # what was typed is kept

    response = submit(admin, "/admin/users/new", new_user_data(password="ngan", confirm="ngan"))
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "password") == [
        "Độ dài từ 12 đến 200 ký tự."
    ]
    assert user_by_email("moi.canbo@test.vn") is None


@pytest.mark.parametrize("email", ["moi.canbo@", "moi..canbo@test.vn", "moi canbo@test.vn"])
def test_a_malformed_email_address_is_refused_next_to_its_field(admin, email):
    response = submit(admin, "/admin/users/new", new_user_data(email=email))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html, "email") == ["Địa chỉ thư điện tử không hợp lệ."]
    assert user_by_email(email.lower()) is None


def test_filter_users_by_unit_role_and_name_without_diacritics(admin, staff):
    page = admin.get("/admin/users?q=lam+van+phuoc").get_data(as_text=True)
    assert "Lâm Văn Phước" in page and "Trần Thu Hà" not in page
    page = admin.get(f"/admin/users?unit_id={unit_id('so-tnmt')}&role=unit_lead").get_data(
        as_text=True
    )
    assert "Nguyễn Hoàng Minh" in page and "Lâm Văn Phước" not in page
    # Nonsense in the query string is ignored, never an error page.
    assert admin.get("/admin/users?unit_id=abc&role=king&status=maybe").status_code == 200


def test_edit_a_user_disable_them_and_reset_a_password(admin, staff, app):
    handler = staff.handler
    path = f"/admin/users/{handler.id}"
    response = submit(admin, path, {"full_name": "Lâm Văn Phước (Sở TN&MT)", "role": "unit_lead",
                                    "unit_id": str(unit_id("so-xd"))})  # fmt: skip
    assert response.status_code == 303
    user = user_by_email("xuly@test.vn")
    assert user.full_name == "Lâm Văn Phước (Sở TN&MT)"
    assert user.role is Role.UNIT_LEAD and user.unit.code == "so-xd"
    assert not user.is_enabled  # the checkbox was not ticked

    officer = app.test_client()
    assert sign_in(officer, "xuly@test.vn", "mat-khau-thu-nghiem").status_code == 422

    response = submit(admin, path, {"full_name": user.full_name, "role": "handler",
                                    "unit_id": str(user.unit_id), "is_enabled": "y"})  # fmt: skip
    assert response.status_code == 303
    response = submit(
        admin, f"{path}/password", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 303
    assert sign_in(officer, "xuly@test.vn", NEW_PASSWORD).status_code == 303

    response = submit(admin, f"{path}/password", {"password": NEW_PASSWORD, "confirm": "khac"})
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "confirm")


def test_an_administrator_cannot_lock_themselves_out(admin, staff):
    path = f"/admin/users/{staff.admin.id}"
    base = {"full_name": "Quản trị", "unit_id": str(staff.admin.unit_id)}
    response = submit(admin, path, {**base, "role": "admin"})  # not enabled
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "is_enabled") == [
        "Bạn không thể tự khóa tài khoản của chính mình."
    ]
    response = submit(admin, path, {**base, "role": "supervisor", "is_enabled": "y"})
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "role")
    assert user_by_email("quantri@test.vn").role is Role.ADMIN


# --- units ------------------------------------------------------------------------------------


def unit_data(**overrides) -> dict:
    data = {
        "code": "chi-cuc-qldd",
        "name": "Chi cục Quản lý đất đai",
        "name_en": "Sub-department of Land Management",
        "kind": "department",
        "parent_id": str(unit_id("so-tnmt")),
        "email": "chicuc-qldd@soctrang.example.vn",
        "valid_from": "2026-01-01",
        "valid_to": "",
    }
    data.update(overrides)
    return data


def unit_by_code(code: str) -> Unit | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def test_create_a_unit_under_a_parent_then_edit_it(admin):
    response = submit(admin, "/admin/units/new", unit_data())
    assert response.status_code == 303
    unit = unit_by_code("chi-cuc-qldd")
    assert unit.parent.code == "so-tnmt" and unit.kind is UnitKind.DEPARTMENT
    assert unit.email == "chicuc-qldd@soctrang.example.vn" and not unit.receives_intake

    tree = admin.get("/admin/units").get_data(as_text=True)
    parent_row = tree.index(f'id="unit-{unit_id("so-tnmt")}"')
    child_row = tree.index(f'id="unit-{unit.id}"')
    assert parent_row < child_row
    assert "unit-name depth-2" in tree[child_row : child_row + 200]  # two levels down

    response = submit(admin, f"/admin/units/{unit.id}", unit_data(name="Chi cục Đất đai"))
    assert response.status_code == 303
    assert unit_by_code("chi-cuc-qldd").name == "Chi cục Đất đai"

    response = submit(admin, "/admin/units/new", unit_data(name="Bản sao"))
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "code") == ["Đã có đơn vị dùng mã này."]


def test_a_unit_cannot_be_placed_under_itself(admin):
    submit(admin, "/admin/units/new", unit_data())
    child = unit_by_code("chi-cuc-qldd")
    parent_id = unit_id("so-tnmt")
    # Neither the unit itself nor anything under it is offered as its parent...
    page = admin.get(f"/admin/units/{parent_id}").get_data(as_text=True)
    assert f'<option value="{child.id}"' not in page
    assert f'<option value="{parent_id}"' not in page
    # ...and a tampered form is refused next to the field.
    for bad in (child.id, parent_id):
        response = submit(admin, f"/admin/units/{parent_id}", unit_data(
            code="so-tnmt", name="Sở Tài nguyên và Môi trường", parent_id=str(bad)))  # fmt: skip
        assert response.status_code == 422
        assert field_errors(response.get_data(as_text=True), "parent_id") == [INVALID_CHOICE]
    assert unit_by_code("so-tnmt").parent.code == "ubnd-tinh"


def test_the_operation_refuses_a_loop_in_the_tree(app, org):
    """The form hides impossible parents; the operation refuses them anyway."""
    parent = db.session.scalar(sa.select(Unit).where(Unit.code == "ubnd-tinh"))
    grandchild = db.session.scalar(sa.select(Unit).where(Unit.code == "tt-phvhcc"))
    for new_parent in (grandchild, parent):
        with pytest.raises(ops.InvalidInput) as refused:
            ops.save_unit(
                parent, code=parent.code, name=parent.name, name_en="", kind=parent.kind,
                parent_id=new_parent.id, email=None, receives_intake=False,
                valid_from=None, valid_to=None,
            )  # fmt: skip
        assert refused.value.field == "parent_id"
    db.session.rollback()


def test_end_a_unit(admin):
    so_xd = unit_id("so-xd")
    yesterday = today() - timedelta(days=1)
    data = unit_data(code="so-xd", name="Sở Xây dựng", parent_id=str(unit_id("ubnd-tinh")),
                     valid_from="2008-01-01", valid_to=yesterday.isoformat())  # fmt: skip
    response = submit(admin, f"/admin/units/{so_xd}", data)
    assert response.status_code == 303
    assert unit_by_code("so-xd").valid_to == yesterday
    tree = admin.get("/admin/units").get_data(as_text=True)
    row = tree[tree.index(f'id="unit-{so_xd}"') :].split("</tr>")[0]
    assert "Đã kết thúc" in row
    # An ended unit is no longer offered for new accounts.
    page = admin.get("/admin/users/new").get_data(as_text=True)
    assert f'<option value="{so_xd}"' not in page

    data["valid_to"] = "2007-12-31"
    response = submit(admin, f"/admin/units/{so_xd}", data)
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "valid_to") == [
        "Ngày kết thúc phải từ ngày bắt đầu hiệu lực trở đi."
    ]
    data["valid_to"] = "not-a-date"
    response = submit(admin, f"/admin/units/{so_xd}", data)
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "valid_to") == ["Ngày không hợp lệ."]


# --- fields and procedures --------------------------------------------------------------------


def test_create_and_edit_a_field(admin):
    data = {"code": "thi-dua", "name": "Thi đua, khen thưởng", "name_en": "Emulation and rewards",
            "is_active": "y"}  # fmt: skip
    assert submit(admin, "/admin/fields/new", data).status_code == 303
    db.session.expire_all()
    field = db.session.scalar(sa.select(Field).where(Field.code == "thi-dua"))
    assert field.name == "Thi đua, khen thưởng" and field.is_active

    response = submit(admin, f"/admin/fields/{field.id}", {**data, "is_active": ""})
    assert response.status_code == 303
    db.session.expire_all()
    assert not db.session.get(Field, field.id).is_active
    assert "Ngừng sử dụng" in admin.get("/admin/fields").get_data(as_text=True)

    response = submit(admin, "/admin/fields/new", {**data, "code": "dat-dai"})
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "code") == ["Đã có lĩnh vực dùng mã này."]


def test_create_and_edit_a_procedure_and_find_it_without_diacritics(admin):
    data = {
        "national_code": "2.000999",
        "name": "Đăng ký khai sinh lưu động",
        "field_id": str(field_id("ho-tich")),
        "level": "commune",
        "unit_id": "",
        "is_active": "y",
    }
    response = submit(admin, "/admin/procedures/new", data)
    assert response.status_code == 303
    db.session.expire_all()
    procedure = db.session.scalar(sa.select(Procedure).where(Procedure.national_code == "2.000999"))
    assert procedure.search_text == "2 000999 dang ky khai sinh luu dong"
    found = admin.get("/admin/procedures?q=dang+ky+khai+sinh").get_data(as_text=True)
    assert "Đăng ký khai sinh lưu động" in found and "2.000999" in found

    response = submit(admin, f"/admin/procedures/{procedure.id}", {
        **data, "name": "Đăng ký khai sinh tại nhà", "unit_id": str(unit_id("so-tp"))})  # fmt: skip
    assert response.status_code == 303
    found = admin.get("/admin/procedures?q=tai+nha").get_data(as_text=True)
    assert "Đăng ký khai sinh tại nhà" in found
    assert "lưu động" not in admin.get("/admin/procedures?q=dang+ky+khai+sinh").get_data(
        as_text=True
    )

    response = submit(admin, "/admin/procedures/new", {**data, "national_code": "1.001193"})
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "national_code") == [
        "Đã có thủ tục dùng mã này."
    ]


def test_the_procedure_list_is_paginated_and_filtered(admin):
    first = admin.get("/admin/procedures").get_data(as_text=True)
    assert "1–25 trên" in first
    second = admin.get("/admin/procedures?page=2").get_data(as_text=True)
    assert "26–50 trên" in second
    assert admin.get("/admin/procedures?page=abc&field_id=xyz&q=%25").status_code == 200
    by_field = admin.get(f"/admin/procedures?field_id={field_id('ho-tich')}").get_data(as_text=True)
    assert "Đăng ký kết hôn" in by_field


# --- routing rules ----------------------------------------------------------------------------


def test_routing_rules_drive_the_suggestion(admin):
    trade = field_id("luu-thong-hang-hoa")
    db.session.execute(sa.delete(RoutingRule).where(RoutingRule.field_id == trade))
    db.session.commit()
    intake_office = unit_id("vp-ubnd")
    assert suggestion_for(trade, None).unit_id == intake_office

    response = submit(admin, "/admin/rules/new", {"field_id": str(trade), "procedure_id": "",
                                                  "unit_id": str(unit_id("so-ct"))})  # fmt: skip
    assert response.status_code == 303
    db.session.expire_all()
    rule_id = db.session.scalar(sa.select(RoutingRule.id).where(RoutingRule.field_id == trade))
    assert suggestion_for(trade, None).unit_id == unit_id("so-ct")

    edited = {"field_id": str(trade), "procedure_id": "", "unit_id": str(unit_id("so-khdt"))}
    response = submit(admin, f"/admin/rules/{rule_id}", edited)
    assert response.status_code == 303
    db.session.expire_all()
    assert suggestion_for(trade, None).unit_id == unit_id("so-khdt")

    # A rule for a procedure comes before the field's.
    birth = db.session.scalar(sa.select(Procedure).where(Procedure.national_code == "1.001193"))
    response = submit(admin, "/admin/rules/new", {"field_id": "", "procedure_id": str(birth.id),
                                                  "unit_id": str(unit_id("so-tp"))})  # fmt: skip
    assert response.status_code == 303
    db.session.expire_all()
    suggestion = suggestion_for(birth.field_id, birth.id)
    assert suggestion.unit_id == unit_id("so-tp")
    assert suggestion.source is SuggestionSource.PROCEDURE

    response = submit(admin, f"/admin/rules/{rule_id}/delete", {}, page=f"/admin/rules/{rule_id}")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(RoutingRule, rule_id) is None
    assert suggestion_for(trade, None).unit_id == intake_office
    assert "Đã xóa quy tắc phân công." in admin.get("/admin/rules").get_data(as_text=True)


def test_a_rule_names_exactly_one_target_and_one_rule_per_target(admin):
    land, birth = (
        field_id("dat-dai"),
        db.session.scalar(sa.select(Procedure.id).where(Procedure.national_code == "1.001193")),
    )
    unit = str(unit_id("so-tp"))
    both = {"field_id": str(land), "procedure_id": str(birth), "unit_id": unit}
    response = submit(admin, "/admin/rules/new", both)
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "procedure_id")
    response = submit(admin, "/admin/rules/new", {"field_id": "", "procedure_id": "",
                                                  "unit_id": unit})  # fmt: skip
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "field_id")
    response = submit(admin, "/admin/rules/new", {"field_id": str(land), "procedure_id": "",
                                                  "unit_id": unit})  # fmt: skip
    assert response.status_code == 422  # the demo data already routes land to so-tnmt
    assert field_errors(response.get_data(as_text=True), "field_id") == [
        "Lĩnh vực này đã có quy tắc phân công; hãy sửa quy tắc đó."
    ]


# --- tampering --------------------------------------------------------------------------------


def test_tampered_ids_are_form_errors_not_server_errors(admin, staff):
    for bad in ("abc", "999999", "-1", "1 OR 1=1", ""):
        response = submit(admin, "/admin/users/new", new_user_data(unit_id=bad, role="emperor"))
        assert response.status_code == 422, bad
        html = response.get_data(as_text=True)
        assert field_errors(html, "unit_id"), bad
        assert field_errors(html, "role") == [INVALID_CHOICE]

        response = submit(admin, "/admin/procedures/new", {
            "national_code": "9.999999", "name": "Thử", "field_id": bad, "level": "galaxy",
            "unit_id": bad or "x"})  # fmt: skip
        assert response.status_code == 422, bad
        html = response.get_data(as_text=True)
        assert field_errors(html, "field_id") and field_errors(html, "level"), bad

        response = submit(admin, "/admin/rules/new", {"field_id": bad, "procedure_id": bad,
                                                      "unit_id": bad})  # fmt: skip
        assert response.status_code == 422, bad

        response = submit(admin, "/admin/units/new", unit_data(parent_id=bad or "x", kind="moon"))
        assert response.status_code == 422, bad
        assert field_errors(response.get_data(as_text=True), "kind") == [INVALID_CHOICE]

    for path in ("/admin/users/999999", "/admin/units/999999", "/admin/fields/999999",
                 "/admin/procedures/999999", "/admin/rules/999999"):  # fmt: skip
        assert admin.get(path).status_code == 404, path
    assert admin.get("/admin/users/abc").status_code == 404
    assert unit_by_code("chi-cuc-qldd") is None
