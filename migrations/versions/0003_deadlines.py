"""Deadlines: one clock row per run of a step, reminders sent once per (clock, level), the
extension limits of the deadline policies, and the flag for citizens who do not answer.

Reviewed by hand: the policy limits get server defaults (1 extension, 10 working days) so that
the seeded rows migrate; items created before this revision get no clocks (there are none in
production yet: the first deployment starts from this schema).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 12:06:35.944837

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_clocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Enum('triage', 'acceptance', 'handling', 'review', 'cooperation', 'overall', name='clock_step', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('cooperation_request_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('running', 'paused', 'stopped', 'ended', name='clock_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('working_days', sa.Integer(), nullable=False),
    sa.Column('paused_working_days', sa.Integer(), nullable=False),
    sa.Column('extension_working_days', sa.Integer(), nullable=False),
    sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('remind_half_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('remind_late_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('remind_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('escalate_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('on_time', sa.Boolean(), nullable=True),
    sa.Column('extension_status', sa.Enum('requested', 'approved', 'refused', name='extension_status', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('extension_requested_days', sa.Integer(), nullable=True),
    sa.Column('extension_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("(status = 'ended') = (ended_at IS NOT NULL AND on_time IS NOT NULL)", name=op.f('ck_case_clocks_ended_has_verdict')),
    sa.CheckConstraint("(status = 'paused') = (paused_at IS NOT NULL)", name=op.f('ck_case_clocks_paused_since')),
    sa.CheckConstraint('working_days > 0 AND paused_working_days >= 0 AND extension_working_days >= 0', name=op.f('ck_case_clocks_day_counts')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_clocks_case_id_cases')),
    sa.ForeignKeyConstraint(['cooperation_request_id'], ['cooperation_requests.id'], name=op.f('fk_case_clocks_cooperation_request_id_cooperation_requests')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_case_clocks_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_clocks'))
    )
    with op.batch_alter_table('case_clocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_clocks_case_id'), ['case_id'], unique=False)
        for column in ('remind_half_at', 'remind_late_at', 'remind_due_at', 'escalate_at'):
            batch_op.create_index(f'ix_case_clocks_status_{column}', ['status', column], unique=False)
        batch_op.create_index(batch_op.f('ix_case_clocks_unit_id'), ['unit_id'], unique=False)

    op.create_table('clock_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clock_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claim', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['clock_id'], ['case_clocks.id'], name=op.f('fk_clock_reminders_clock_id_case_clocks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clock_reminders')),
    sa.UniqueConstraint('clock_id', 'level', name=op.f('uq_clock_reminders_clock_id_level'))
    )
    with op.batch_alter_table('clock_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clock_reminders_claim'), ['claim'], unique=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('info_overdue_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('deadline_policies', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('max_extensions', sa.Integer(), nullable=False, server_default='1')
        )
        batch_op.add_column(
            sa.Column('max_extension_working_days', sa.Integer(), nullable=False, server_default='10')
        )



def downgrade():
    with op.batch_alter_table('deadline_policies', schema=None) as batch_op:
        batch_op.drop_column('max_extension_working_days')
        batch_op.drop_column('max_extensions')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('info_overdue_at')

    with op.batch_alter_table('clock_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clock_reminders_claim'))
    op.drop_table('clock_reminders')
    with op.batch_alter_table('case_clocks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_clocks_unit_id'))
        for column in ('remind_half_at', 'remind_late_at', 'remind_due_at', 'escalate_at'):
            batch_op.drop_index(f'ix_case_clocks_status_{column}')
        batch_op.drop_index(batch_op.f('ix_case_clocks_case_id'))

    op.drop_table('case_clocks')
