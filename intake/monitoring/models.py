"""The worker's heartbeat: when each worker host last finished its deadline round, and how
long the round took. Readiness and the metrics read it; only ``intake.worker.run_tick`` writes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from intake.extensions import db
from intake.sqltypes import UTCDateTime


class WorkerHeartbeat(db.Model):
    """One row per worker (its host name by default), overwritten by every round: the table
    stays as small as the number of hosts, however long the service runs."""

    __tablename__ = "worker_heartbeats"

    worker: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_seconds: Mapped[float] = mapped_column(sa.Float)


def record_heartbeat(
    worker: str, *, started_at: datetime, finished_at: datetime, duration_seconds: float
) -> None:
    """Insert or overwrite ``worker``'s row in one statement, so that two rounds finishing at
    once on the same host never collide on the primary key. Does not commit."""
    values = {
        "worker": worker,
        "started_at": started_at,
        "finished_at": finished_at,
        "duration_seconds": duration_seconds,
    }
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(WorkerHeartbeat).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["worker"],
        set_={name: statement.excluded[name] for name in values if name != "worker"},
    )
    db.session.execute(statement)
