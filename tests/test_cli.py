"""The `flask intake …` commands a newcomer and an operator run."""

import sqlalchemy as sa

from intake.accounts.models import User
from intake.cases.models import Case
from intake.extensions import db
from intake.notifications.models import OutboxMessage, OutboxStatus
from intake.org.models import Field, Procedure, Unit


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["intake", *args], input=input)


def test_demo_builds_the_sample_province_once(app):
    result = run(app, "demo", "--if-empty")
    assert result.exit_code == 0, result.output
    assert "SAMPLE DATA" in result.output and "demo-pakn-2026" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Field.id))) >= 15
    assert db.session.scalar(sa.select(sa.func.count(Procedure.id))) >= 60
    roles = set(db.session.scalars(sa.select(User.role)))
    assert roles == {"intake_officer", "handler", "unit_lead", "supervisor", "admin"}
    cases = db.session.scalars(sa.select(Case)).all()
    assert len(cases) >= 8 and {c.channel for c in cases} >= {"web", "phone"}
    assert all(c.events and c.triage_due_at for c in cases)

    again = run(app, "demo", "--if-empty")
    assert "already loaded" in again.output and "demo-pakn-2026" in again.output
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == len(cases)


def test_create_user(app, org):
    result = run(
        app, "create-user", "--email", "Can.Bo@Example.com", "--name", "Cán Bộ",
        "--role", "handler", "--unit", "so-tp", input="mat-khau-dai\nmat-khau-dai\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User))
    assert user.email == "can.bo@example.com" and user.check_password("mat-khau-dai")
    unknown = run(
        app, "create-user", "--email", "x@example.com", "--name", "X", "--role", "handler",
        "--unit", "khong-co", input="a\na\n",
    )  # fmt: skip
    assert unknown.exit_code != 0 and "no unit with code" in unknown.output


def test_send_mail_and_one_worker_round_deliver_the_outbox(app, smtp):
    run(app, "demo")
    queued = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
    assert queued >= 8
    result = run(app, "send-mail", "--limit", "3")
    assert "sent 3" in result.output
    result = run(app, "worker", "--once")
    assert result.exit_code == 0 and "worker stopped" in result.output
    # The round also ran the deadline tick, whose reminders went out in the same round.
    # Every e-mail went out; the demo's letters (citizens with a postal address only) wait in
    # the print queue for a person, never for the worker.
    emails = sa.select(OutboxMessage.status).where(OutboxMessage.channel == "email")
    assert set(db.session.scalars(emails)) == {OutboxStatus.SENT}
    assert len(smtp.messages) == len(db.session.scalars(emails).all())
    letters = sa.select(OutboxMessage.status).where(OutboxMessage.channel == "letter")
    assert set(db.session.scalars(letters)) == {OutboxStatus.PENDING}


def test_demo_items_cover_every_state_with_verified_histories(app):
    from intake.cases.audit import verify_event_chains
    from intake.core.states import State

    run(app, "demo")
    cases = db.session.scalars(sa.select(Case)).all()
    assert {c.state for c in cases} == set(State)
    assert all(c.events[0].kind == "submit" for c in cases)
    assert list(verify_event_chains()) == []
    assert run(app, "audit-verify").exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count(Unit.id))) == 76


def test_demo_with_items_adds_generated_items_once_with_if_empty(app):
    result = run(app, "demo", "--if-empty", "--items", "150", "--years", "1")
    assert result.exit_code == 0, result.output
    assert "150 items" in result.output
    # The planner has statistics of the items (SQLite gathers none by itself).
    if db.engine.dialect.name == "sqlite":
        analysed = "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'cases'"
    else:
        analysed = ("SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'cases'"
                    " AND last_analyze IS NOT NULL")  # fmt: skip
    assert db.session.scalar(sa.text(analysed)) >= 1
    sample = db.session.scalar(sa.select(sa.func.count(Case.id)))
    assert sample >= 150 + 8
    again = run(app, "demo", "--if-empty", "--items", "150")
    assert "already loaded" in again.output
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == sample
    more = run(app, "demo", "--items", "20", "--years", "1")
    assert more.exit_code == 0, more.output
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == sample + 20
    assert run(app, "demo", "--items", "0").exit_code != 0  # a clear usage error
