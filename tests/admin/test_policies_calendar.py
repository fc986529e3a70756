"""The administrator's deadline policies and working calendar, through the pages with CSRF on:
a policy changes the clocks started afterwards only; a calendar change moves open due dates at
once, with an event on each item; bad input is a field error that changes nothing."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from intake.cases.models import Case, CaseEvent
from intake.core.calendar import WorkingCalendar, last_local_day
from intake.core.deadlines import Priority, Step
from intake.core.states import State
from intake.extensions import db
from intake.org.models import CalendarOverride, DeadlinePolicy
from intake.org.policies import extension_limits, working_days_for
from tests.admin.helpers import field_errors, field_id, submit
from tests.cases.factories import advance, make_staff
from tests.cases.factories import submit as submit_case
from tests.conftest import hidden_inputs
from tests.officer.helpers import login

ROLES = ["anonymous", "intake", "handler", "lead", "supervisor", "admin"]
TUESDAY = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)  # 09:30 local
CAL = WorkingCalendar()
REQUIRED = "Vui lòng nhập thông tin này."


@pytest.fixture
def staff(org):
    return make_staff()


@pytest.fixture
def admin(staff, app):
    client = app.test_client()
    login(client, staff.admin)
    return client


def province_rows(step: Step) -> dict[Priority, DeadlinePolicy]:
    db.session.expire_all()
    rows = db.session.scalars(
        sa.select(DeadlinePolicy).where(
            DeadlinePolicy.field_id.is_(None), DeadlinePolicy.step == step
        )
    )
    return {row.priority: row for row in rows}


def overrides() -> list[tuple]:
    db.session.expire_all()
    return db.session.execute(
        sa.select(CalendarOverride.day, CalendarOverride.is_working_day, CalendarOverride.reason)
    ).all()


def seed_province_policies() -> None:
    """The migration's seed (the tests build the schema without it)."""
    from intake.core.deadlines import DEFAULT_WORKING_DAYS

    for (step, priority), days in DEFAULT_WORKING_DAYS.items():
        db.session.add(DeadlinePolicy(step=step, priority=priority, working_days=days))
    db.session.commit()


# --- permissions ------------------------------------------------------------------------------


def test_only_administrators_reach_the_pages_and_their_posts(staff, app):
    seed_province_policies()
    policy = DeadlinePolicy(
        field_id=field_id("dat-dai"), step=Step.HANDLING, priority=Priority.NORMAL, working_days=7
    )
    db.session.add(policy)
    db.session.add(
        CalendarOverride(day=date(2026, 3, 20), is_working_day=False, reason="QĐ 1/QĐ-UBND")
    )
    db.session.commit()
    pages = [
        "/admin/policies",
        "/admin/policies/steps/triage",
        "/admin/policies/steps/handling",
        "/admin/policies/new",
        f"/admin/policies/{policy.id}",
        "/admin/calendar",
        "/admin/calendar?year=2025",
    ]
    posts = [
        "/admin/policies/steps/triage",
        "/admin/policies/new",
        f"/admin/policies/{policy.id}",
        f"/admin/policies/{policy.id}/delete",
        "/admin/calendar",
        "/admin/calendar/2026-03-20/delete",
    ]
    clients = {}
    for role in ROLES:
        clients[role] = app.test_client()
        if role != "anonymous":
            login(clients[role], getattr(staff, role))
    for role, client in clients.items():
        token = hidden_inputs(
            client.get("/login" if role == "anonymous" else "/account/password").get_data(
                as_text=True
            )
        )["csrf_token"]
        for path in pages:
            response = client.get(path)
            where = (role, path, response.status_code)
            if role == "admin":
                assert response.status_code == 200, where
            elif role == "anonymous":
                assert response.status_code == 302 and "/login" in response.headers["Location"]
            else:
                assert response.status_code == 404, where
        if role == "admin":
            continue  # the administrator's posts are checked in the behaviour tests
        for path in posts:
            data = {"csrf_token": token, "normal_days": "9", "urgent_days": "9",
                    "day": "2026-03-23", "kind": "off", "reason": "Thử",
                    "working_days": "9"}  # fmt: skip
            response = client.post(path, data=data)
            where = (role, path, response.status_code)
            assert response.status_code == (302 if role == "anonymous" else 404), where
    assert province_rows(Step.TRIAGE)[Priority.NORMAL].working_days == 3
    assert db.session.get(DeadlinePolicy, policy.id).working_days == 7
    assert overrides() == [(date(2026, 3, 20), False, "QĐ 1/QĐ-UBND")]


def test_the_admin_nav_and_overview_link_to_both_pages(admin):
    page = admin.get("/admin/").get_data(as_text=True)
    for link in ('href="/admin/policies"', 'href="/admin/calendar"'):
        assert link in page
    page = admin.get("/admin/calendar").get_data(as_text=True)
    assert '<a href="/admin/calendar" aria-current="page">Lịch làm việc</a>' in page
    page = admin.get("/admin/policies/new").get_data(as_text=True)
    assert '<a href="/admin/policies" aria-current="page">Thời hạn xử lý</a>' in page


# --- deadline policies ------------------------------------------------------------------------


def test_the_province_wide_table_shows_the_steps_and_the_defaults(admin):
    """Without the seed every cell is DOMAIN.md's default, marked as such; saving creates the
    rows."""
    page = admin.get("/admin/policies").get_data(as_text=True)
    for label in ("Phân loại, chuyển xử lý", "Xử lý", "Toàn bộ (tiếp nhận đến trả lời)",
                  "Thường", "Khẩn", "tối đa 1 lần, mỗi lần tối đa 10 ngày làm việc"):  # fmt: skip
        assert label in page, label
    assert "Mặc định" in page
    assert "Thay đổi chỉ áp dụng cho các thời hạn bắt đầu tính sau khi lưu" in page

    data = {**REMINDERS, "normal_days": "12", "urgent_days": "4", "normal_max_extensions": "2",
            "normal_max_extension_working_days": "15", "urgent_max_extensions": "0",
            "urgent_max_extension_working_days": "5"}  # fmt: skip
    response = submit(admin, "/admin/policies/steps/handling", data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/policies#step-handling")
    rows = province_rows(Step.HANDLING)
    assert (rows[Priority.NORMAL].working_days, rows[Priority.URGENT].working_days) == (12, 4)
    assert extension_limits(Priority.NORMAL) == (2, 15)
    assert extension_limits(Priority.URGENT) == (0, 5)
    page = admin.get("/admin/policies").get_data(as_text=True)
    assert "Đã lưu thời hạn chung của bước “Xử lý”." in page
    assert "không được gia hạn" in page


def test_a_new_triage_length_applies_to_items_submitted_afterwards_only(admin, staff):
    seed_province_policies()
    before = submit_case(TUESDAY)
    db.session.commit()
    assert last_local_day(before.triage_due_at) == date(2026, 3, 13)  # 3 working days

    page = admin.get("/admin/policies/steps/triage").get_data(as_text=True)
    assert 'value="3"' in page and 'value="1"' in page
    assert "normal_max_extensions" not in page  # only the handling step is extended
    response = submit(admin, "/admin/policies/steps/triage", {**REMINDERS, "normal_days": "5",
                                                               "urgent_days": "2"})  # fmt: skip
    assert response.status_code == 303
    rows = province_rows(Step.TRIAGE)
    assert (rows[Priority.NORMAL].working_days, rows[Priority.URGENT].working_days) == (5, 2)
    assert len(db.session.scalars(sa.select(DeadlinePolicy)).all()) == 12  # no duplicate rows

    after = submit_case(TUESDAY + timedelta(minutes=5))
    db.session.commit()
    assert last_local_day(after.triage_due_at) == date(2026, 3, 17)  # 5 working days
    db.session.expire_all()
    kept = db.session.get(Case, before.id)
    assert last_local_day(kept.triage_due_at) == date(2026, 3, 13)


def test_triage_may_not_exceed_the_legal_bound_for_transfers_out(admin, staff):
    """Art. 9.1d: five working days from receipt to transfer out; the triage clock is that
    bound, for the province and for every field."""
    seed_province_policies()
    response = submit(admin, "/admin/policies/steps/triage",
                      {**REMINDERS, "normal_days": "6", "urgent_days": "1"})  # fmt: skip
    assert response.status_code == 422
    [message] = field_errors(response.get_data(as_text=True), "normal_days")
    assert "không quá 5 ngày làm việc" in message
    assert province_rows(Step.TRIAGE)[Priority.NORMAL].working_days == 3
    response = submit(admin, "/admin/policies/new", {
        "field_id": str(field_id("dat-dai")), "step": "triage", "priority": "normal",
        "working_days": "8"})  # fmt: skip
    assert response.status_code == 422
    assert (
        "không quá 5 ngày làm việc"
        in field_errors(response.get_data(as_text=True), "working_days")[0]
    )


def test_the_reminder_schedule_is_policy_data(admin, staff):
    """An administrator moves the reminders; clocks started afterwards follow them, clocks
    already running keep theirs."""
    seed_province_policies()
    before = submit_case(TUESDAY)
    db.session.commit()
    page = admin.get("/admin/policies/steps/overall").get_data(as_text=True)
    assert 'value="50"' in page and 'value="80"' in page
    response = submit(admin, "/admin/policies/steps/overall", {
        "normal_days": "15", "urgent_days": "5", "remind_half_percent": "20",
        "remind_late_percent": "60", "escalation_working_days": "5"})  # fmt: skip
    assert response.status_code == 303
    after = submit_case(TUESDAY + timedelta(minutes=5))
    db.session.commit()

    def overall(case):
        return next(c for c in case.clocks if c.step is Step.OVERALL)

    old, new = overall(before), overall(after)
    assert (old.remind_half_percent, old.remind_late_percent) == (50, 80)
    assert (new.remind_half_percent, new.remind_late_percent) == (20, 60)
    # 20 % of 15 working days is 3 working days after Tuesday 10 March: Friday 13 March.
    assert last_local_day(new.remind_half_at) == date(2026, 3, 13)
    assert new.escalate_at > old.escalate_at

    for bad, name in ((("0", "80", "2"), "remind_half_percent"),
                      (("50", "40", "2"), "remind_late_percent"),
                      (("50", "80", "0"), "escalation_working_days")):  # fmt: skip
        data = dict(zip(("remind_half_percent", "remind_late_percent",
                         "escalation_working_days"), bad, strict=True))  # fmt: skip
        response = submit(admin, "/admin/policies/steps/overall",
                          {"normal_days": "15", "urgent_days": "5", **data})  # fmt: skip
        assert response.status_code == 422 and field_errors(
            response.get_data(as_text=True), name
        ), bad


REMINDERS = {"remind_half_percent": "50", "remind_late_percent": "80",
             "escalation_working_days": "2"}  # fmt: skip


def test_bad_lengths_are_field_errors_and_change_nothing(admin):
    seed_province_policies()
    cases = [
        ({"normal_days": "0", "urgent_days": "1"}, "normal_days",
         "Nhập số ngày làm việc từ 1 đến 365."),
        ({"normal_days": "3", "urgent_days": "366"}, "urgent_days",
         "Nhập số ngày làm việc từ 1 đến 365."),
        ({"normal_days": "ba", "urgent_days": "1"}, "normal_days", "Vui lòng nhập một số nguyên."),
        ({"normal_days": "", "urgent_days": "1"}, "normal_days", REQUIRED),
    ]  # fmt: skip
    for data, name, message in cases:
        response = submit(admin, "/admin/policies/steps/triage", {**REMINDERS, **data})
        assert response.status_code == 422, data
        assert field_errors(response.get_data(as_text=True), name) == [message], data
    response = submit(admin, "/admin/policies/steps/handling", {**REMINDERS,
        "normal_days": "10", "urgent_days": "3", "normal_max_extensions": "-1",
        "normal_max_extension_working_days": "61", "urgent_max_extensions": "1",
        "urgent_max_extension_working_days": ""})  # fmt: skip
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html, "normal_max_extensions") == ["Nhập số lần gia hạn từ 0 đến 10."]
    assert field_errors(html, "normal_max_extension_working_days") == [
        "Nhập số ngày làm việc từ 1 đến 60."
    ]
    assert field_errors(html, "urgent_max_extension_working_days") == [REQUIRED]
    assert province_rows(Step.TRIAGE)[Priority.NORMAL].working_days == 3
    assert province_rows(Step.HANDLING)[Priority.NORMAL].max_extensions == 1
    assert admin.get("/admin/policies/steps/lunch").status_code == 404


def test_add_edit_and_delete_a_field_override(admin):
    seed_province_policies()
    land = field_id("dat-dai")
    data = {"field_id": str(land), "step": "handling", "priority": "normal",
            "working_days": "20", "max_extensions": "2",
            "max_extension_working_days": "10"}  # fmt: skip
    response = submit(admin, "/admin/policies/new", data)
    assert response.status_code == 303
    db.session.expire_all()
    policy = db.session.scalar(sa.select(DeadlinePolicy).where(DeadlinePolicy.field_id == land))
    assert response.headers["Location"].endswith(f"/admin/policies#policy-{policy.id}")
    assert working_days_for(Step.HANDLING, Priority.NORMAL, land) == 20
    assert working_days_for(Step.HANDLING, Priority.NORMAL, None) == 10
    assert extension_limits(Priority.NORMAL, land) == (2, 10)
    listing = admin.get("/admin/policies").get_data(as_text=True)
    row = listing[listing.index(f'id="policy-{policy.id}"') :].split("</tr>")[0]
    assert "Đất đai" in row and "Xử lý" in row and "Thường" in row and "20" in row

    # The same field, step and priority twice is refused next to the step.
    response = submit(admin, "/admin/policies/new", {**data, "working_days": "8"})
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "step") == [
        "Lĩnh vực này đã có thời hạn riêng cho bước và mức độ này; hãy sửa thời hạn đó."
    ]

    path = f"/admin/policies/{policy.id}"
    response = submit(admin, path, {**data, "priority": "urgent", "working_days": "5"})
    assert response.status_code == 303
    db.session.expire_all()
    assert working_days_for(Step.HANDLING, Priority.URGENT, land) == 5
    assert working_days_for(Step.HANDLING, Priority.NORMAL, land) == 10  # back to the province's

    # Another step keeps the extension limits it had: they matter for handling only.
    response = submit(admin, "/admin/policies/new", {
        **data, "step": "triage", "working_days": "2", "max_extensions": "",
        "max_extension_working_days": ""})  # fmt: skip
    assert response.status_code == 303
    assert working_days_for(Step.TRIAGE, Priority.NORMAL, land) == 2

    policy_id = policy.id
    response = submit(admin, f"{path}/delete", {}, page=path)
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(DeadlinePolicy, policy_id) is None
    assert working_days_for(Step.HANDLING, Priority.URGENT, land) == 3
    assert "Đã xóa thời hạn riêng" in admin.get("/admin/policies").get_data(as_text=True)


def test_a_new_item_takes_its_fields_length_and_the_provinces_reminders(admin, staff):
    """Both clocks of a submission come from one reading of the policies: the field's own
    triage length where it has one, the province's length for the overall clock, and the
    province's reminder schedule for both (fields share it)."""
    seed_province_policies()
    land = field_id("dat-dai")
    response = submit(admin, "/admin/policies/new", {
        "field_id": str(land), "step": "triage", "priority": "normal", "working_days": "2",
        "max_extensions": "", "max_extension_working_days": ""})  # fmt: skip
    assert response.status_code == 303
    response = submit(admin, "/admin/policies/steps/overall", {
        "normal_days": "15", "urgent_days": "5", "remind_half_percent": "20",
        "remind_late_percent": "60", "escalation_working_days": "5"})  # fmt: skip
    assert response.status_code == 303

    in_land = submit_case(TUESDAY, field_id=land)
    elsewhere = submit_case(TUESDAY)
    db.session.commit()

    def clock(case, step):
        return next(c for c in case.clocks if c.step is step)

    assert clock(in_land, Step.TRIAGE).working_days == 2
    assert clock(elsewhere, Step.TRIAGE).working_days == 3
    for case in (in_land, elsewhere):
        overall = clock(case, Step.OVERALL)
        assert overall.working_days == 15
        assert (overall.remind_half_percent, overall.remind_late_percent) == (20, 60)
        assert overall.escalation_working_days == 5
    # Tuesday 10 March plus 2 working days: Thursday 12 March, shown on the receipt's case.
    assert last_local_day(in_land.triage_due_at) == date(2026, 3, 12)
    assert in_land.overall_due_at == clock(in_land, Step.OVERALL).due_at


def test_override_input_is_checked_and_tampering_is_never_a_500(admin):
    seed_province_policies()
    land = str(field_id("dat-dai"))
    for bad in ("abc", "999999", "-1", "1 OR 1=1", ""):
        response = submit(admin, "/admin/policies/new", {
            "field_id": bad, "step": "lunch", "priority": "whenever", "working_days": "x",
            "max_extensions": "y", "max_extension_working_days": "z"})  # fmt: skip
        assert response.status_code == 422, bad
        html = response.get_data(as_text=True)
        assert field_errors(html, "field_id"), bad
        assert field_errors(html, "step") == ["Lựa chọn không hợp lệ."]
        assert field_errors(html, "priority") == ["Lựa chọn không hợp lệ."]
        assert field_errors(html, "working_days") == ["Vui lòng nhập một số nguyên."]
    # The handling step needs its extension limits.
    response = submit(admin, "/admin/policies/new", {
        "field_id": land, "step": "handling", "priority": "normal", "working_days": "9",
        "max_extensions": "", "max_extension_working_days": "5"})  # fmt: skip
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "max_extensions") == [
        "Nhập số lần gia hạn từ 0 đến 10."
    ]
    assert db.session.scalar(sa.select(sa.func.count(DeadlinePolicy.id))) == 12
    # A province-wide row is not an override: it is edited by step, never deleted.
    province = province_rows(Step.TRIAGE)[Priority.NORMAL]
    for path in (f"/admin/policies/{province.id}", "/admin/policies/999999"):
        assert admin.get(path).status_code == 404, path
    response = submit(admin, f"/admin/policies/{province.id}/delete", {}, page="/admin/policies")
    assert response.status_code == 404
    assert admin.get("/admin/policies/abc").status_code == 404
    assert province_rows(Step.TRIAGE)[Priority.NORMAL].working_days == 3


# --- the working calendar ---------------------------------------------------------------------


def test_the_calendar_shows_the_national_holidays_and_the_overrides(admin):
    db.session.add(
        CalendarOverride(day=date(2026, 3, 20), is_working_day=False, reason="QĐ 99/QĐ-UBND")
    )
    db.session.commit()
    page = admin.get("/admin/calendar?year=2026").get_data(as_text=True)
    assert "Lịch làm việc năm 2026" in page
    assert "Quốc khánh" in page and "Tết Nguyên Đán" in page
    row = page[page.index('id="day-2026-03-20"') :].split("</tr>")[0]
    assert "QĐ 99/QĐ-UBND" in row and "Ngày nghỉ" in row and "Bỏ điều chỉnh" in row
    swapped = page[page.index('id="day-2026-08-22"') :].split("</tr>")[0]
    assert "Ngày làm bù" in swapped  # a Saturday the Government made a working day
    other = admin.get("/admin/calendar?year=2025").get_data(as_text=True)
    assert "Lịch làm việc năm 2025" in other and "QĐ 99/QĐ-UBND" not in other
    assert 'href="/admin/calendar?year=2026"' in other  # the year that has overrides
    # A nonsense year shows the current one, never an error page.
    for year in ("abc", "99999", "-5", "1 OR 1=1"):
        response = admin.get(f"/admin/calendar?year={year}")
        assert response.status_code == 200, year
        assert f"Lịch làm việc năm {datetime.now(UTC).year}" in response.get_data(as_text=True)


def test_a_day_off_moves_open_due_dates_and_removing_it_moves_them_back(admin, staff):
    case = advance(submit_case(TUESDAY), State.ASSIGNED, staff, TUESDAY)
    db.session.commit()
    before = case.overall_due_at
    assert last_local_day(before) == date(2026, 3, 31)  # 15 working days

    data = {"day": "2026-03-20", "kind": "off", "reason": "Quyết định 123/QĐ-UBND"}
    response = submit(admin, "/admin/calendar", data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/calendar?year=2026#day-2026-03-20")
    assert overrides() == [(date(2026, 3, 20), False, "Quyết định 123/QĐ-UBND")]
    case = db.session.get(Case, case.id)
    after = last_local_day(case.overall_due_at)
    assert after == date(2026, 4, 1)
    assert CAL.working_days_between(last_local_day(before), after) == 1
    event = case.events[-1]
    assert event.kind == "due_date_changed" and event.actor_id == staff.admin.id
    assert event.details["step"] == "overall"
    page = admin.get("/admin/calendar?year=2026").get_data(as_text=True)
    assert "Đã ghi ngày 20/03/2026 là ngày nghỉ. Số thời hạn đang tính đã thay đổi: 1." in page

    response = submit(admin, "/admin/calendar/2026-03-20/delete", {}, page="/admin/calendar")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/calendar?year=2026")
    assert overrides() == []
    case = db.session.get(Case, case.id)
    assert case.overall_due_at == before
    changes = db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id,
                                   CaseEvent.kind == "due_date_changed")
    ).all()  # fmt: skip
    assert len(changes) == 2
    assert "Đã bỏ điều chỉnh ngày 20/03/2026" in admin.get("/admin/calendar").get_data(as_text=True)


def test_a_working_saturday_replaces_an_override_and_shortens_the_period(admin, staff):
    case = advance(submit_case(TUESDAY), State.ASSIGNED, staff, TUESDAY)
    db.session.commit()
    before = case.overall_due_at
    submit(admin, "/admin/calendar", {"day": "2026-03-14", "kind": "off", "reason": "Thử"})
    response = submit(admin, "/admin/calendar", {"day": "2026-03-14", "kind": "working",
                                                 "reason": "QĐ 7/QĐ-UBND: làm bù"})  # fmt: skip
    assert response.status_code == 303
    assert overrides() == [(date(2026, 3, 14), True, "QĐ 7/QĐ-UBND: làm bù")]
    case = db.session.get(Case, case.id)
    assert last_local_day(case.overall_due_at) == last_local_day(before) - timedelta(days=1)


def test_bad_calendar_input_is_a_field_error_and_changes_nothing(admin, staff):
    case = advance(submit_case(TUESDAY), State.ASSIGNED, staff, TUESDAY)
    db.session.commit()
    before = case.overall_due_at
    cases = [
        ({"day": "2026-02-30", "kind": "off", "reason": "QĐ 1"}, "day", "Ngày không hợp lệ."),
        ({"day": "20/03/2026", "kind": "off", "reason": "QĐ 1"}, "day", "Ngày không hợp lệ."),
        ({"day": "", "kind": "off", "reason": "QĐ 1"}, "day", REQUIRED),
        ({"day": "1899-03-20", "kind": "off", "reason": "QĐ 1"}, "day",
         "Chọn một ngày từ năm 2000 đến năm 2100."),
        ({"day": "2026-03-20", "kind": "off", "reason": "   "}, "reason",
         "Vui lòng nêu căn cứ, ví dụ số quyết định của tỉnh."),
        ({"day": "2026-03-20", "kind": "off", "reason": "x" * 256}, "reason",
         "Tối đa 255 ký tự."),
        ({"day": "2026-03-20", "kind": "holiday", "reason": "QĐ 1"}, "kind",
         "Lựa chọn không hợp lệ."),
    ]  # fmt: skip
    for data, name, message in cases:
        response = submit(admin, "/admin/calendar?year=2026", data)
        assert response.status_code == 422, data
        html = response.get_data(as_text=True)
        assert field_errors(html, name) == [message], data
        assert "Lịch làm việc năm 2026" in html  # the page around the form is still there
    assert overrides() == []
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.overall_due_at == before
    assert not [e for e in case.events if e.kind == "due_date_changed"]


def test_removing_a_tampered_or_unknown_day_is_a_404(admin):
    db.session.add(CalendarOverride(day=date(2026, 3, 20), is_working_day=False, reason="QĐ 1"))
    db.session.commit()
    for day in ("2026-02-30", "abc", "2026-03-21", "99999-01-01", "0000-00-00"):
        response = submit(admin, f"/admin/calendar/{day}/delete", {}, page="/admin/calendar")
        assert response.status_code == 404, day
    # Without the CSRF token nothing is removed either.
    assert admin.post("/admin/calendar/2026-03-20/delete").status_code == 400
    assert overrides() == [(date(2026, 3, 20), False, "QĐ 1")]
