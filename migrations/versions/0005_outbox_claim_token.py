"""Outbox claims carry a token: a worker records the outcome of a delivery only while the row
still carries the token of its own claim, so that a message taken back by stale-claim recovery
is not marked sent (or failed) by the worker that lost it.

Reviewed by hand: the column is nullable and needs no backfill. A message being sent by a worker
of the previous release during the upgrade has no token; that worker marks it as before, and
recovery treats it like any other claim.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 11:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('claim_token')
