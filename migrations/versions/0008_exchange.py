"""Exchange with the national system (issue 15, point 3): exchange_runs, the record of every
import of a batch and every export.

Reviewed by hand. Follows 0007_secauth; the integrator re-chains the branches.

Revision ID: 0008_exchange
Revises: 0008_api_keys
Create Date: 2026-12-01 16:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_exchange'
down_revision = '0008_api_keys'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('exchange_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('import', 'export', name='exchange_run_kind', native_enum=False, create_constraint=True, length=6), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=40), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('outcome', sa.Enum('done', 'invalid', name='exchange_run_outcome', native_enum=False, create_constraint=True, length=7), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.Column('imported', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('problems', sa.Integer(), nullable=False),
    sa.Column('since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.CheckConstraint('imported + skipped <= items', name=op.f('ck_exchange_runs_counts_add_up')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_exchange_runs_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_runs'))
    )
    with op.batch_alter_table('exchange_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_runs_started_at'), ['started_at'], unique=False)


def downgrade():
    with op.batch_alter_table('exchange_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_runs_started_at'))
    op.drop_table('exchange_runs')
