"""``flask intake national-import`` and ``national-export``: thin wrappers over the doors,
registered in the ``intake`` group by ``intake.cli``."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from intake.exchange.doors import run_export, run_import
from intake.exchange.transport import FileTransport


@click.command("national-import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def national_import_command(file: Path) -> None:
    """Import FILE, a batch of the national system (JSON or XLSX): all items or none; items
    whose national code is already known are skipped."""
    outcome = run_import(FileTransport.read(file), actor="cli")
    if not outcome.ok:
        raise click.ClickException(outcome.refusal.message)
    result = outcome.value
    if not result.ok:
        for problem in result.problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"nothing imported: {len(result.problems)} problem(s)")
    for national_code, reference_code in result.imported:
        click.echo(f"{national_code}: imported as {reference_code}")
    for national_code, reference_code in result.skipped:
        click.echo(f"{national_code}: already imported as {reference_code}")
    click.echo(f"{len(result.imported)} imported, {len(result.skipped)} already imported")


class _Moment(click.ParamType):
    name = "ISO 8601 time with offset"

    def convert(self, value, param, ctx):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            self.fail(f"{value!r} is not an ISO 8601 time with offset, "
                      "e.g. 2026-11-01T00:00:00+07:00", param, ctx)  # fmt: skip
        return moment


@click.command("national-export")
@click.option("--since", required=True, type=_Moment(), help="Events after this time.")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here, not stdout."
)
def national_export_command(since: datetime, out: Path | None) -> None:
    """Export the status changes and published answers of items with a national code, after
    SINCE, as JSON (format pakn-national-export/1)."""
    outcome = run_export(since, actor="cli", file_name=out.name if out else "")
    if not outcome.ok:
        raise click.ClickException(outcome.refusal.message)
    if out is None:
        sys.stdout.buffer.write(outcome.value)
        sys.stdout.flush()
        return
    FileTransport(outbox=out.parent).send(out.name, outcome.value)
    click.echo(f"written to {out}", err=True)
