"""Official letters: the number and text of every letter to a citizen once issued.

Reviewed by hand. Follows 0006 (worker heartbeats); the integrator re-chains the branches.

Revision ID: 0007_letters
Revises: 0007_seccitizen
Create Date: 2026-12-01 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_letters'
down_revision = '0007_seccitizen'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('issued_letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('issuing_unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=80), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('number > 0', name=op.f('ck_issued_letters_number_positive')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_issued_letters_case_id_cases')),
    sa.ForeignKeyConstraint(['event_id'], ['case_events.id'], name=op.f('fk_issued_letters_event_id_case_events')),
    sa.ForeignKeyConstraint(['issuing_unit_id'], ['units.id'], name=op.f('fk_issued_letters_issuing_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_letters')),
    sa.UniqueConstraint('event_id', name=op.f('uq_issued_letters_event_id')),
    sa.UniqueConstraint('issuing_unit_id', 'year', 'number', name=op.f('uq_issued_letters_issuing_unit_id_year_number'))
    )
    with op.batch_alter_table('issued_letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_letters_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('issued_letters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_letters_case_id'))

    op.drop_table('issued_letters')
