"""The one clock of the application: every "now" of a request, a command or the worker.

Views, commands and operations ask here instead of calling ``datetime.now`` themselves, so a
test can set the time once (``create_app({"CLOCK": lambda: ...})``) and every layer agrees on
it. Outside an application context (a migration, a bare script) it is the system clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import current_app, has_app_context


def now() -> datetime:
    """The current instant, timezone-aware UTC."""
    if has_app_context():
        override: Callable[[], datetime] | None = current_app.config.get("CLOCK")
        if override is not None:
            return override()
    return datetime.now(UTC)
