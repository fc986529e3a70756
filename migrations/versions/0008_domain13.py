"""DOMAIN as written: what the `holidays` package said about each year when open due dates
were last computed, so that the worker recomputes them after an upgrade of the package.

Reviewed by hand.

Revision ID: 0008_domain13
Revises: 0008_exchange
Create Date: 2026-12-01 16:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_domain13'
down_revision = '0008_exchange'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_fingerprints',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('package_version', sa.String(length=40), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_calendar_fingerprints'))
    )


def downgrade():
    op.drop_table('calendar_fingerprints')
