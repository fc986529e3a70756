"""Monitoring: the worker's heartbeat (one row per worker host, overwritten by every round),
read by /readyz and /metrics.

Reviewed by hand. A revision id that names its table, so that it cannot clash with another
revision written at the same time; it follows 0005 (the outbox claim token).

Revision ID: 0006_worker_heartbeats
Revises: 0005
Create Date: 2026-12-01 11:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_worker_heartbeats'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('worker_heartbeats',
    sa.Column('worker', sa.String(length=200), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('duration_seconds', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('worker', name=op.f('pk_worker_heartbeats'))
    )


def downgrade():
    op.drop_table('worker_heartbeats')
