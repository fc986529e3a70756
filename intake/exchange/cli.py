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
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def national_import_command(path: Path) -> None:
    """Import PATH, a batch of the national system (JSON or XLSX), or every batch in the
    folder PATH in name order: each batch all or nothing; items whose national code is
    already known are skipped."""
    transport = FileTransport(inbox=path) if path.is_dir() else None
    batches = transport.incoming() if transport else [FileTransport.read(path)]
    refused = 0
    for incoming in batches:
        refused += not _import_one(incoming)
    if refused:
        raise click.ClickException(f"{refused} batch(es) not imported")


def _import_one(incoming) -> bool:
    outcome = run_import(incoming, actor="cli")
    if not outcome.ok:
        click.echo(f"{incoming.name}: {outcome.refusal.message}", err=True)
        return False
    result = outcome.value
    if not result.ok:
        for problem in result.problems:
            click.echo(problem, err=True)
        click.echo(f"{incoming.name}: nothing imported: {len(result.problems)} problem(s)",
                   err=True)  # fmt: skip
        return False
    for national_code, reference_code in result.imported:
        click.echo(f"{national_code}: imported as {reference_code}")
    for national_code, reference_code in result.skipped:
        click.echo(f"{national_code}: already imported as {reference_code}")
    click.echo(f"{len(result.imported)} imported, {len(result.skipped)} already imported")
    return True


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
