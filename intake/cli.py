"""``flask intake …``: thin wrappers over the operations. Each command commits once, at its end,
or (the worker and the mail sender) once per unit of work."""

from __future__ import annotations

import signal
import sys
import time
from datetime import timedelta
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from intake import clock
from intake.accounts.models import Role, User
from intake.admin import operations as ops
from intake.api_keys import operations as api_keys
from intake.api_keys.models import ApiKey, KeyKind
from intake.core.calendar import local_date
from intake.exchange.cli import national_export_command, national_import_command
from intake.extensions import db
from intake.notifications.sender import deliver_due
from intake.org.importer import ImportFailed, import_org
from intake.org.models import Unit
from intake.web.lifecycle import perform

intake_cli = AppGroup("intake", help="Tiếp nhận PAKN: administration and background work.")
intake_cli.add_command(national_import_command)
intake_cli.add_command(national_export_command)


@intake_cli.command("import-org")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def import_org_command(directory: Path) -> None:
    """Load units.csv, fields.csv and procedures.csv from DIRECTORY (all or nothing)."""
    try:
        report = import_org(directory)
    except ImportFailed as exc:
        db.session.rollback()
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"nothing imported: {len(exc.problems)} problem(s)") from None
    db.session.commit()
    click.echo(
        f"imported {report.units} units, {report.fields} fields, {report.procedures} procedures"
    )


@intake_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when units already exist.")
@click.option(
    "--items",
    type=click.IntRange(min=1),
    default=None,
    help="Also generate this many items with their histories (bulk inserts).",
)
@click.option(
    "--years", type=click.FloatRange(0.1, 20), default=5.0, show_default=True,
    help="Spread the generated items over this many years up to today.",
)  # fmt: skip
def demo_command(if_empty: bool, items: int | None, years: float) -> None:
    """Build the sample province (modelled on Sóc Trăng, 2022), accounts and sample items;
    with --items, add that many generated items (to the province already loaded, if any;
    --if-empty does nothing at all when it is)."""
    from intake.demo import accounts_summary, build_demo

    loaded = bool(db.session.scalar(sa.select(sa.func.count(Unit.id))))
    if loaded and if_empty:
        click.echo(f"Demo data already loaded.\n{accounts_summary()}")
        return
    if loaded:
        click.echo("The sample province is already loaded; adding items to it.")
    else:
        summary = build_demo(now=clock.now())
        db.session.commit()
        click.echo(summary)
    if items:
        _generate_items(items, years)


def _generate_items(items: int, years: float) -> None:
    import time

    from intake.demo.bulk import generate_items

    started = time.monotonic()
    with click.progressbar(length=items, label="Generating items") as bar:
        last = [0]

        def progress(done: int) -> None:
            bar.update(done - last[0])
            last[0] = done

        report = generate_items(items, now=clock.now(), years=years, progress=progress)
    # Statistics for the query planner: SQLite gathers none by itself, and PostgreSQL's
    # autovacuum may come minutes later. Without them, /published's page took 4.7 s instead
    # of 72 ms at a million items on SQLite (11 s to gather there).
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("ANALYZE")
    click.echo(
        f"{report.items} items, {report.events} events, {report.entries} report entries, "
        f"{report.snapshot_rows} backlog rows in {time.monotonic() - started:.0f} s"
    )


@intake_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--unit", "unit_code", required=True, help="Code of the user's unit.")
@click.password_option()
def create_user_command(email, full_name, role, unit_code, password) -> None:
    """Create an officer's account, with the checks of the admin page (a unique e-mail address,
    a unit in force, a long enough password)."""
    unit_id = db.session.scalar(sa.select(Unit.id).where(Unit.code == unit_code))
    if unit_id is None:
        raise click.ClickException(f"no unit with code {unit_code!r}")
    outcome = perform(
        lambda: ops.create_user(
            email=email,
            full_name=full_name,
            role=Role(role),
            unit_id=unit_id,
            password=password,
            today=local_date(clock.now()),
        )
    )
    if not outcome.ok:
        refusal = outcome.refusal
        option = _CREATE_USER_OPTIONS.get(refusal.field or "")
        raise click.ClickException(f"{option}: {refusal.message}" if option else refusal.message)
    user = outcome.value
    click.echo(f"created {role} {user.email} in {user.unit.name}")


#: The command-line option behind each form field an admin operation's refusal names.
_CREATE_USER_OPTIONS = {
    "email": "--email",
    "full_name": "--name",
    "role": "--role",
    "unit_id": "--unit",
    "password": "--password",
}


@intake_cli.command("reset-two-factor")
@click.option("--email", required=True, help="The officer who lost their phone and codes.")
def reset_two_factor_command(email: str) -> None:
    """Remove an officer's second factor (recorded, without an acting user: the operator's
    shell). For the day the only administrator loses their phone; otherwise use /admin."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"no account {email!r}")
    _run(lambda: ops.reset_two_factor(user, actor=None))
    click.echo(f"two-factor sign-in reset for {user.email}; their sessions ended")


@intake_cli.command("audit-verify")
@click.option(
    "--anchor-missing",
    is_flag=True,
    help="Once, after upgrading: anchor the intact chains written before anchors existed.",
)
def audit_verify_command(anchor_missing: bool) -> None:
    """Check the tamper-evident event log: each case's chain, its anchor (the newest events)
    and the log's checkpoints (whole cases); report the first broken link of each."""
    from intake.cases.audit import anchor_unanchored_chains, verify_event_chains

    if anchor_missing:
        anchored = _run(anchor_unanchored_chains)
        click.echo(f"anchored {anchored} chain(s) that had no anchor")
    broken = 0
    for link in verify_event_chains():
        broken += 1
        click.echo(f"BROKEN {link.reference_code} event {link.seq}: {link.problem}")
    if broken:
        raise click.ClickException(f"{broken} broken link(s) in the event log")
    click.echo("event log verified: every chain is intact and anchored")


@intake_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="List what would be anonymised; change nothing.")
@click.option("--limit", default=1000, show_default=True)
def retention_command(dry_run: bool, limit: int) -> None:
    """Anonymise the personal data of items that ended more than RETENTION_YEARS ago and
    delete their attachments (the worker does this a batch per round)."""
    from intake.retention import anonymise_due, due_for_anonymisation, retention_cutoff

    now = clock.now()
    if dry_run:
        due = due_for_anonymisation(now, limit=limit)
        click.echo(f"ended before {retention_cutoff(now):%Y-%m-%d}: {len(due)} item(s)")
        for case in due:
            click.echo(f"  {case.reference_code}  ended {case.closed_at:%Y-%m-%d}")
        return
    report = _run(lambda: anonymise_due(now, limit=limit))
    click.echo(report.summary())


@intake_cli.command("search-rebuild")
def search_rebuild_command() -> None:
    """Recompute every item's folded search texts and rebuild the full-text index."""
    from intake.cases import search

    seen = search.rebuild(progress=lambda n: n % 50000 == 0 and click.echo(f"  {n} items"))
    db.session.commit()
    click.echo(f"search index rebuilt over {seen} items")


@intake_cli.command("tick")
def tick_command() -> None:
    """Deadline reminders, escalations, daily digests, closing and flagging (once each)."""
    from intake.worker import run_tick

    report = run_tick(clock.now())
    click.echo(report.summary())


@intake_cli.command("calendar-set")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--off", "is_off", flag_value=True, help="The day is a day off.")
@click.option("--working", "is_off", flag_value=False, help="The day is a working day.")
@click.option("--reason", required=True, help="E.g. the number of the provincial decision.")
def calendar_set_command(day, is_off, reason) -> None:
    """Declare DAY (YYYY-MM-DD) a day off or a working day; open due dates are recomputed.
    The same operation as the administrator's calendar page, with its checks."""
    if is_off is None:
        raise click.UsageError("say --off or --working")
    change = _run(
        lambda: ops.set_calendar_day(
            day.date(), is_working_day=not is_off, reason=reason, now=clock.now(), actor="system"
        )
    )
    click.echo(f"calendar changed; {change.moved} open due date(s) moved")


@intake_cli.command("calendar-remove")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
def calendar_remove_command(day) -> None:
    """Forget the override of DAY: the national calendar applies again."""
    change = _run(lambda: ops.remove_calendar_day(day.date(), now=clock.now(), actor="system"))
    moved = change.moved if change else 0
    click.echo(f"calendar changed; {moved} open due date(s) moved")


@intake_cli.command("recompute-due-dates")
def recompute_due_dates_command() -> None:
    """Compute every open due date again with the calendar in force (the `holidays` package
    and the overrides), an event on each item whose date moved; e.g. after upgrading the
    package, which the worker also notices by itself at its next round."""
    from intake.cases.operations import recompute_due_dates
    from intake.org.calendar import claim_calendar_change, load_working_calendar

    def recompute():
        now = clock.now()
        claim_calendar_change(now)  # what the dates are now computed with
        return recompute_due_dates(
            now=now, calendar=load_working_calendar(fresh=True), actor="system", source="manual"
        )

    click.echo(f"{_run(recompute)} open due date(s) moved")


def _run(operation):
    """The CLI's door to the request lifecycle: commit once, or say why not and exit 1."""
    outcome = perform(operation)
    if not outcome.ok:
        raise click.ClickException(outcome.refusal.message)
    return outcome.value


@intake_cli.command("send-mail")
@click.option("--limit", default=100, show_default=True)
def send_mail_command(limit: int) -> None:
    """Deliver the e-mails that are due, once each, with retries on temporary failures."""
    report = deliver_due(clock.now(), limit=limit)
    click.echo(f"sent {report.sent}, to retry {report.retried}, failed {report.failed}")
    for error in report.errors:
        click.echo(f"  {error}", err=True)


_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _worker_round(state: dict) -> None:
    """One round of the worker: the deadline tick when it is due, then the mail.

    Each part fails on its own. Whatever a tick raises (a database restart, a bug in one
    reminder) is logged and rolled back, and the round still delivers the mail, so a tick that
    keeps failing never stops e-mail; the tick is tried again at its next interval. A failed
    delivery is retried next round. Nothing but a signal ends the worker."""

    def discard_session() -> None:
        # Closing rolls back what a failure left open. On a connection the database has
        # dropped, the rollback itself raises: the pool has discarded that connection by then,
        # and the session is forgotten so that the next step starts on a fresh one.
        try:
            db.session.remove()
        except Exception:
            current_app.logger.warning("database session closed uncleanly", exc_info=True)
            db.session.registry.clear()

    now = clock.now()
    if now >= state.get("next_tick", now):
        # Scheduled before running, so that a failing tick is not retried every few seconds.
        state["next_tick"] = now + timedelta(seconds=current_app.config["TICK_INTERVAL_SECONDS"])
        try:
            from intake.worker import run_tick

            tick = run_tick(now)
            if tick.messages or tick.digests or tick.closed or tick.flagged:
                click.echo(f"{now:%H:%M:%S} tick: {tick.summary()}")
        except Exception:
            current_app.logger.exception("tick failed; delivering the mail all the same")
            discard_session()
    try:
        report = deliver_due(clock.now())
        if report.sent or report.retried or report.failed or report.lost:
            channels = ", ".join(f"{n} {c}" for c, n in sorted(report.sent_by_channel.items()))
            click.echo(
                f"{clock.now():%H:%M:%S} mail: sent {report.sent}"
                + (f" ({channels})" if channels else "")
                + ", "
                f"retry {report.retried}, failed {report.failed}"
                + (f", claims lost {report.lost}" if report.lost else "")
            )
    except Exception:
        # A database restart or a broken relay must not end the worker; the next round tries.
        current_app.logger.exception("mail delivery failed; trying again next round")
    finally:
        discard_session()


@intake_cli.command("worker")
@click.option("--once", is_flag=True, help="Run one round and exit.")
def worker_command(once: bool) -> None:
    """Loop until stopped (SIGTERM or Ctrl-C): deliver e-mail every WORKER_INTERVAL_SECONDS
    and run the deadline tick every TICK_INTERVAL_SECONDS.

    A signal lets the current round finish; each message is committed as it is sent, so a
    worker killed outright loses nothing either."""
    stopping = []
    previous = {sig: signal.signal(sig, lambda *_: stopping.append(True)) for sig in _STOP_SIGNALS}
    interval = current_app.config["WORKER_INTERVAL_SECONDS"]
    click.echo(f"worker started; every {interval}s")
    state: dict = {}
    try:
        while not stopping:
            _worker_round(state)
            if once:
                break
            for _ in range(int(interval * 10)):
                if stopping:
                    break
                time.sleep(0.1)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("worker stopped")
    sys.stdout.flush()


api_key_cli = AppGroup("api-key", help="Keys of client apps (super-app, kiosk, Open311 client).")
intake_cli.add_command(api_key_cli)


@api_key_cli.command("create")
@click.option("--name", required=True, help="The application, e.g. “Hue-S” or “Kiosk Sở TP”.")
@click.option("--rate-limit", default=None, help="E.g. 120/minute (the default) or 10/second.")
def api_key_create_command(name: str, rate_limit: str | None) -> None:
    """Create a key. It is printed once, alone on the last line, and never shown again."""
    key, raw = _run(
        lambda: api_keys.create_key(
            kind=KeyKind.CLIENT, name=name, now=clock.now(), rate_limit=rate_limit
        )
    )
    click.echo(f"key {key.id} ({key.prefix}…) for {key.name}, limit {key.rate_limit}")
    click.echo("store it now: it is kept only as a digest and cannot be shown again")
    click.echo(raw)


@api_key_cli.command("create-token")
@click.option("--email", required=True, help="The officer's e-mail (their sign-in).")
@click.option("--name", default="CLI", show_default=True, help="What the token is for.")
def api_key_create_token_command(email: str, name: str) -> None:
    """An officer's personal token (pakt_…), recorded in their account's security record;
    officers make their own on /account/api-tokens. Printed once, alone on the last line."""
    from intake.accounts.models import User
    from intake.api_keys.personal import issue_token

    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"no account {email!r}")
    key, raw = _run(lambda: issue_token(user, name=name, now=clock.now(), actor=None))
    click.echo(f"token {key.id} ({key.prefix}…) for {user.email}, limit {key.rate_limit}")
    click.echo("store it now: it is kept only as a digest and cannot be shown again")
    click.echo(raw)


@api_key_cli.command("list")
def api_key_list_command() -> None:
    """Every key, active and revoked, with its prefix and limit."""
    keys = db.session.scalars(sa.select(ApiKey).order_by(ApiKey.id))
    for key in keys:
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        owner = f" {key.user.email}" if key.user is not None else ""
        click.echo(
            f"{key.id}\t{key.prefix}…\t{key.kind}\t{key.name}{owner}\t{key.rate_limit}\t{state}"
        )


@api_key_cli.command("revoke")
@click.argument("reference")
def api_key_revoke_command(reference: str) -> None:
    """Revoke a key by its id or its prefix (as ``list`` shows them); at once, on every node."""
    key = api_keys.find_key(reference)
    if key is None:
        raise click.ClickException(f"no key {reference!r}")
    _run(lambda: api_keys.revoke_key(key, now=clock.now()))
    click.echo(f"key {key.id} ({key.prefix}…) revoked")
