"""Nobody is left without a notice (DOMAIN.md §5): a citizen who gives only a phone hears by
SMS, one who gives only a postal address appears in the intake office's print queue at each
notice, and one who stops SMS still gets a channel. Through the pages a citizen and an officer
use, with a real SMS gateway on loopback."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from intake import clock
from intake.cases import operations as ops
from intake.cases.models import Case
from intake.core.states import State
from intake.extensions import db
from intake.notifications.models import OutboxChannel, OutboxMessage, OutboxStatus
from intake.notifications.sender import deliver_due
from tests.cases.factories import advance, make_staff
from tests.conftest import hidden_inputs, valid_submission
from tests.notifications.sms_gateway import start_gateway
from tests.officer.helpers import login


@pytest.fixture
def gateway(app):
    server, gateway = start_gateway()
    app.config.update(SMS_ENABLED=True, SMS_HTTP_URL=gateway.url, SMS_TIMEOUT_SECONDS=2)
    yield gateway
    server.shutdown()
    server.server_close()


@pytest.fixture
def staff(org):
    return make_staff()


def signed_in(app, user):
    client = app.test_client()
    login(client, user)
    return client


def outbox(channel: OutboxChannel) -> list[OutboxMessage]:
    return db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.channel == channel).order_by(OutboxMessage.id)
    ).all()


def record_by_phone(app, staff, **overrides) -> Case:
    """The hotline: an intake officer writes down a call (Art. 7.2)."""
    officer = signed_in(app, staff.intake)
    page = officer.get("/officer/cases/new").get_data(as_text=True)
    data = {
        **hidden_inputs(page),
        **valid_submission(email="", declared_truthful=""),
        "channel": "phone",
        "received_on": clock.now().date().isoformat(),
        "language": "vi",
        **overrides,
    }
    response = officer.post("/officer/cases/new", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return db.session.scalars(sa.select(Case).order_by(Case.id.desc())).first()


def open_tracking(client, code: str, key: str) -> None:
    page = client.get(f"/track?code={code}").get_data(as_text=True)
    assert f'value="{code}"' in page  # the SMS link fills in the code; the citizen types the key
    response = client.post(
        "/track", data={**hidden_inputs(page), "reference_code": code, "access_key": key}
    )
    assert response.status_code == 303


def soon():
    """A worker round a little later: ``advance`` dates each step a minute after the last."""
    return clock.now() + timedelta(hours=1)


def _then(case: Case, state: State, staff) -> None:
    case = db.session.get(Case, case.id)
    advance(case, state, staff, clock.now())
    db.session.commit()


def test_a_citizen_who_gives_only_a_phone_hears_everything_by_sms(app, client, staff, gateway):
    case = record_by_phone(app, staff)
    assert case.email is None and case.postal_address is None
    assert deliver_due(soon()).sent == 1
    receipt = gateway.texts[-1]
    key = re.search(r"Mã tra cứu: (\S+) ", receipt).group(1)
    assert case.reference_code in receipt and f"/track?code={case.reference_code}" in receipt

    # A request for information reaches them by SMS; they answer on /track.
    _then(case, State.NEEDS_INFO, staff)
    assert deliver_due(soon()).sent == 1
    assert "bổ sung thông tin" in gateway.texts[-1]
    open_tracking(client, case.reference_code, key)
    page = client.get(f"/track/{case.reference_code}").get_data(as_text=True)
    response = client.post(
        f"/track/{case.reference_code}/info",
        data={**hidden_inputs(page), "text": "Số giấy hẹn: 123/GH."},
    )
    assert response.status_code == 303

    # And the answer.
    _then(case, State.ANSWERED, staff)
    assert deliver_due(soon()).sent == 1
    assert "đã có kết quả trả lời" in gateway.texts[-1]
    assert [m.template for m in outbox(OutboxChannel.SMS)] == [
        "receipt",
        "info_requested",
        "answered",
    ]
    assert all(m.segments and m.status is OutboxStatus.SENT for m in outbox(OutboxChannel.SMS))
    assert outbox(OutboxChannel.LETTER) == []
    assert all(m.template.startswith("unit_") for m in outbox(OutboxChannel.EMAIL))  # the unit's
    assert len(gateway.delivered) == 3


def test_unaccented_sms_when_the_setting_says_so(app, staff, gateway):
    app.config["SMS_UNACCENTED"] = True
    case = record_by_phone(app, staff)
    deliver_due(soon())
    (sms,) = outbox(OutboxChannel.SMS)
    assert sms.body_text.startswith(f"Da tiep nhan {case.reference_code}. Ma tra cuu: ")
    assert sms.segments == 1  # the same text with diacritics takes two parts


def test_on_the_web_a_phone_alone_needs_an_email_or_a_postal_address(org, submit_form, gateway):
    html = submit_form(valid_submission(email="")).get_data(as_text=True)
    assert "Gửi trực tuyến cần thư điện tử hoặc địa chỉ nhận thư" in html
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0
    # "Letters at the address above": no e-mail needed. The mobile gets SMS, and no letter.
    response = submit_form(valid_submission(email="", postal_same="y"))
    assert response.status_code == 303
    case = db.session.scalar(sa.select(Case))
    assert case.postal_address == case.address
    assert [m.channel for m in db.session.scalars(sa.select(OutboxMessage))] == ["sms"]


def test_a_citizen_who_gives_only_a_postal_address_is_in_the_print_queue_at_each_notice(
    app, submit_form, staff, gateway
):
    response = submit_form(
        valid_submission(phone="", email="", postal_address="Số 12 Lê Lợi, Phường 6, TP Sóc Trăng")
    )
    assert response.status_code == 303
    case = db.session.scalar(sa.select(Case))
    officer = signed_in(app, staff.intake)
    queue = officer.get("/officer/letters").get_data(as_text=True)
    assert case.reference_code in queue and "Số 12 Lê Lợi, Phường 6, TP Sóc Trăng" in queue
    assert "Phiếu tiếp nhận" in queue and "Nguyễn Văn An" in queue
    (receipt,) = outbox(OutboxChannel.LETTER)
    assert "Mã tra cứu" in receipt.body_text and "thư tự động" not in receipt.body_text

    _then(case, State.NEEDS_INFO, staff)
    queue = officer.get("/officer/letters").get_data(as_text=True)
    assert "Đề nghị bổ sung thông tin" in queue
    # The worker never takes a letter.
    assert deliver_due(clock.now() + timedelta(hours=1)).sent == 0

    # Both posted at once; they leave the queue and the posting is on the item's history.
    ids = [str(m.id) for m in outbox(OutboxChannel.LETTER)]
    response = officer.post("/officer/letters", data={**hidden_inputs(queue), "letter": ids})
    assert response.status_code == 303
    queue = officer.get("/officer/letters").get_data(as_text=True)
    assert case.reference_code not in queue and "Không có văn bản nào chờ gửi." in queue
    assert all(m.status is OutboxStatus.SENT for m in outbox(OutboxChannel.LETTER))
    history = [e.kind for e in db.session.get(Case, case.id).events]
    assert history.count("letter_posted") == 2

    # Posting the same letter again changes nothing.
    again = officer.post("/officer/letters", data={**hidden_inputs(queue), "only": ids[0]})
    assert again.status_code == 422
    assert [e.kind for e in db.session.get(Case, case.id).events].count("letter_posted") == 2

    # The answer goes to the print queue too; "mark posted" on that one letter.
    ops.provide_info(db.session.get(Case, case.id), now=clock.now(), text="Bổ sung.", uploads=[])
    db.session.commit()
    _then(case, State.ANSWERED, staff)
    queue = officer.get("/officer/letters").get_data(as_text=True)
    assert "Văn bản trả lời" in queue
    answer = outbox(OutboxChannel.LETTER)[-1]
    assert "Kính gửi ông An" in answer.body_text  # the answer letter's text, to print
    posted = officer.post("/officer/letters", data={**hidden_inputs(queue), "only": str(answer.id)})
    assert posted.status_code == 303


def test_only_the_intake_office_sees_the_print_queue(app, staff):
    for user in (staff.handler, staff.supervisor):
        assert signed_in(app, user).get("/officer/letters").status_code == 404


def test_a_citizen_who_stops_sms_is_answered_by_letter(app, client, staff, gateway):
    case = record_by_phone(app, staff)
    deliver_due(soon())
    key = re.search(r"Mã tra cứu: (\S+) ", gateway.texts[-1]).group(1)
    open_tracking(client, case.reference_code, key)
    page = client.get(f"/track/{case.reference_code}").get_data(as_text=True)
    assert "Ngừng nhận SMS" in page
    response = client.post(f"/track/{case.reference_code}/stop-sms", data=hidden_inputs(page))
    assert response.status_code == 303
    page = client.get(f"/track/{case.reference_code}").get_data(as_text=True)
    assert "Người gửi ngừng nhận SMS" in page and "Ngừng nhận SMS</button>" not in page
    assert db.session.get(Case, case.id).sms_stopped_at is not None

    _then(case, State.NEEDS_INFO, staff)
    assert [m.template for m in outbox(OutboxChannel.SMS)] == ["receipt"]
    assert [m.template for m in outbox(OutboxChannel.LETTER)] == ["info_requested"]


def test_supervisors_see_the_sms_sent_this_month(app, staff, gateway):
    record_by_phone(app, staff)
    record_by_phone(app, staff, phone="0987654321")
    assert deliver_due(soon()).sent == 2
    page = signed_in(app, staff.supervisor).get("/supervision/").get_data(as_text=True)
    table = page[page.index('id="sms-per-month"') :]
    month = clock.now().strftime("%m/%Y")
    assert re.search(rf"<th scope=\"row\">{month}</th><td class=\"num\">2</td>", table)


def test_officers_record_by_the_same_rule(app, staff):
    """A paper letter giving only a postal address is valid (it used to be a form error); an
    item that came by e-mail with a phone number alone needs its e-mail or a postal address."""
    case = record_by_phone(
        app, staff, channel="paper", phone="", postal_address="Số 5 Hùng Vương, TP Sóc Trăng"
    )
    assert case.phone is None and case.postal_address == "Số 5 Hùng Vương, TP Sóc Trăng"
    assert [m.template for m in outbox(OutboxChannel.LETTER)] == ["receipt"]
    officer = signed_in(app, staff.intake)
    page = officer.get("/officer/cases/new").get_data(as_text=True)
    response = officer.post(
        "/officer/cases/new",
        data={
            **hidden_inputs(page),
            **valid_submission(email=""),
            "channel": "email",
            "received_on": clock.now().date().isoformat(),
            "language": "vi",
        },
    )
    assert response.status_code == 422
    assert "cần thư điện tử hoặc địa chỉ nhận thư" in response.get_data(as_text=True)
