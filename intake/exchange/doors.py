"""What the command line and the administrator's page share: read a batch, import it in one
transaction, export since a time — each recorded, whatever its outcome."""

from __future__ import annotations

from datetime import datetime

from intake import clock
from intake.cases.events import Actor
from intake.exchange.batch import read_batch
from intake.exchange.export import dumps, export_since, local_iso
from intake.exchange.importing import ImportResult, import_batch
from intake.exchange.transport import IncomingBatch
from intake.web.lifecycle import Outcome, perform


def run_import(incoming: IncomingBatch, *, actor: Actor) -> Outcome:
    """Check the batch, then import it (or record it as refused) and commit once. The
    outcome's value is an ``ImportResult``; a refusal only if an item passed the checks and
    the operation still refused it."""
    now = clock.now()
    batch = read_batch(incoming.name, incoming.data, now=now)
    return perform(lambda: import_batch(batch, actor=actor, now=now))


def run_export(since: datetime, *, actor: Actor, file_name: str = "") -> Outcome:
    """The export document since ``since`` as bytes, recorded as a run."""
    now = clock.now()
    return perform(lambda: dumps(export_since(since, actor=actor, now=now, file_name=file_name)))


def export_file_name(since: datetime) -> str:
    """``pakn-national-export-20261101T000000+0700.json``: sortable, safe in any file system."""
    stamp = local_iso(since).replace("-", "").replace(":", "")
    return f"pakn-national-export-{stamp}.json"


__all__ = ["ImportResult", "export_file_name", "run_export", "run_import"]
