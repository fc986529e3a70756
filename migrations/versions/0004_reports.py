"""Reports: the report entries (a projection of the event log, one row per countable
occurrence), their day and month counters, and the nightly backlog snapshots.

Reviewed by hand: the counters (report_rollups, received_rollups) keep "none" as 0 / '' / -1
so that their unique keys hold no NULLs. Items handled before this revision have no entries;
none exist in production yet (the first deployment starts from this schema).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 14:32:50.818849

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('received_rollups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grain', sa.Enum('day', 'month', name='received_rollup_grain', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('measure', sa.Enum('received', 'assigned', 'triaged', 'refused', 'transferred_out', 'withdrawn', 'answered', 'published', 'rated', 'reopened', 'bounced', 'deferred', name='received_rollup_measure', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('channel', sa.Enum('web', 'national_portal', 'email', 'phone', 'paper', 'counter', 'questionnaire', name='received_rollup_channel', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('kind', sa.Enum('phan_anh', 'kien_nghi', name='received_rollup_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('class_key', sa.String(length=20), nullable=False),
    sa.Column('field_key', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_received_rollups')),
    sa.UniqueConstraint('grain', 'starts_on', 'measure', 'channel', 'kind', 'class_key', 'field_key', name='uq_received_rollups_key')
    )
    op.create_table('report_rollups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grain', sa.Enum('day', 'month', name='rollup_grain', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('measure', sa.Enum('received', 'assigned', 'triaged', 'refused', 'transferred_out', 'withdrawn', 'answered', 'published', 'rated', 'reopened', 'bounced', 'deferred', name='rollup_measure', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('unit_key', sa.Integer(), nullable=False),
    sa.Column('field_key', sa.Integer(), nullable=False),
    sa.Column('reason_key', sa.String(length=40), nullable=False),
    sa.Column('on_time_key', sa.SmallInteger(), nullable=False),
    sa.Column('days_key', sa.Integer(), nullable=False),
    sa.Column('score_key', sa.SmallInteger(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_rollups')),
    sa.UniqueConstraint('grain', 'starts_on', 'measure', 'unit_key', 'field_key', 'reason_key', 'on_time_key', 'days_key', 'score_key', name='uq_report_rollups_key')
    )
    op.create_table('snapshot_days',
    sa.Column('taken_on', sa.Date(), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('taken_on', name=op.f('pk_snapshot_days'))
    )
    op.create_table('backlog_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('taken_on', sa.Date(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('field_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.Enum('web', 'national_portal', 'email', 'phone', 'paper', 'counter', 'questionnaire', name='snapshot_channel', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('open_count', sa.Integer(), nullable=False),
    sa.Column('overdue_count', sa.Integer(), nullable=False),
    sa.Column('deferred_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['field_id'], ['fields.id'], name=op.f('fk_backlog_snapshots_field_id_fields')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_backlog_snapshots_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_backlog_snapshots'))
    )
    with op.batch_alter_table('backlog_snapshots', schema=None) as batch_op:
        batch_op.create_index('ix_backlog_snapshots_taken_on', ['taken_on', 'unit_id'], unique=False)

    op.create_table('report_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('measure', sa.Enum('received', 'assigned', 'triaged', 'refused', 'transferred_out', 'withdrawn', 'answered', 'published', 'rated', 'reopened', 'bounced', 'deferred', name='report_measure', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('occurred_month', sa.Date(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('field_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.Enum('web', 'national_portal', 'email', 'phone', 'paper', 'counter', 'questionnaire', name='report_channel', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('kind', sa.Enum('phan_anh', 'kien_nghi', name='report_case_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('content_class', sa.Enum('behaviour', 'regulation', 'initiative', name='report_content_class', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('reason_code', sa.String(length=40), nullable=True),
    sa.Column('on_time', sa.Boolean(), nullable=True),
    sa.Column('working_days', sa.Integer(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('rollup_batch', sa.BigInteger(), nullable=True),
    sa.CheckConstraint('score IS NULL OR (score >= 1 AND score <= 5)', name=op.f('ck_report_entries_score_range')),
    sa.CheckConstraint('working_days IS NULL OR working_days >= 0', name=op.f('ck_report_entries_working_days_sign')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_report_entries_case_id_cases')),
    sa.ForeignKeyConstraint(['field_id'], ['fields.id'], name=op.f('fk_report_entries_field_id_fields')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_report_entries_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_entries'))
    )
    with op.batch_alter_table('report_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_entries_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_report_entries_pending', ['occurred_on'], unique=False, postgresql_where=sa.text('rollup_batch IS NULL'), sqlite_where=sa.text('rollup_batch IS NULL'))
        batch_op.create_index('ix_report_entries_period', ['occurred_on', 'measure', 'unit_id', 'field_id', 'channel', 'kind', 'on_time', 'working_days'], unique=False)



def downgrade():
    with op.batch_alter_table('report_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_report_entries_period')
        batch_op.drop_index('ix_report_entries_pending', postgresql_where=sa.text('rollup_batch IS NULL'), sqlite_where=sa.text('rollup_batch IS NULL'))
        batch_op.drop_index(batch_op.f('ix_report_entries_case_id'))

    op.drop_table('report_entries')
    with op.batch_alter_table('backlog_snapshots', schema=None) as batch_op:
        batch_op.drop_index('ix_backlog_snapshots_taken_on')

    op.drop_table('backlog_snapshots')
    op.drop_table('snapshot_days')
    op.drop_table('report_rollups')
    op.drop_table('received_rollups')
