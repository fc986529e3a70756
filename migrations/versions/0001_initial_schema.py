"""Initial schema: organisation, accounts, cases with their event log, and the e-mail outbox.

Reviewed by hand: enum columns are VARCHAR with CHECK constraints (portable between SQLite and
PostgreSQL), times are TIMESTAMP WITH TIME ZONE in UTC, and the deadline-policy table is seeded
with the defaults of DOMAIN.md §4 so that a fresh database already has editable policies.

Revision ID: 0001
Revises: 
Create Date: 2026-11-26 11:30:06.410748

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('is_working_day', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_overrides')),
    sa.UniqueConstraint('day', name=op.f('uq_calendar_overrides_day'))
    )
    op.create_table('fields',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('name_en', sa.String(length=255), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fields')),
    sa.UniqueConstraint('code', name=op.f('uq_fields_code'))
    )
    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('name_en', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.Enum('province', 'department', 'district', 'commune', 'external', name='unit_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('receives_intake', sa.Boolean(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from', name=op.f('ck_units_valid_range')),
    sa.ForeignKeyConstraint(['parent_id'], ['units.id'], name=op.f('fk_units_parent_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('code', name=op.f('uq_units_code'))
    )
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_units_parent_id'), ['parent_id'], unique=False)

    op.create_table('deadline_policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=True),
    sa.Column('priority', sa.Enum('normal', 'urgent', name='priority', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('step', sa.Enum('triage', 'acceptance', 'handling', 'review', 'cooperation', 'overall', name='deadline_step', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('working_days', sa.Integer(), nullable=False),
    sa.CheckConstraint('working_days > 0 AND working_days <= 365', name=op.f('ck_deadline_policies_working_days_range')),
    sa.ForeignKeyConstraint(['field_id'], ['fields.id'], name=op.f('fk_deadline_policies_field_id_fields')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_policies')),
    sa.UniqueConstraint('field_id', 'priority', 'step', name=op.f('uq_deadline_policies_field_id_priority_step'))
    )
    op.create_table('procedures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('national_code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Enum('province', 'district', 'commune', name='procedure_level', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['field_id'], ['fields.id'], name=op.f('fk_procedures_field_id_fields')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_procedures_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedures')),
    sa.UniqueConstraint('national_code', name=op.f('uq_procedures_national_code'))
    )
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedures_field_id'), ['field_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_procedures_unit_id'), ['unit_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=False),
    sa.Column('full_name', sa.String(length=255), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('intake_officer', 'handler', 'unit_lead', 'supervisor', 'admin', name='user_role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('is_enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_users_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_unit_id'), ['unit_id'], unique=False)

    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference_code', sa.String(length=24), nullable=False),
    sa.Column('access_key_hash', sa.String(length=255), nullable=False),
    sa.Column('submission_token', sa.String(length=64), nullable=True),
    sa.Column('national_code', sa.String(length=40), nullable=True),
    sa.Column('channel', sa.Enum('web', 'national_portal', 'email', 'phone', 'paper', 'counter', 'questionnaire', name='channel', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('kind', sa.Enum('phan_anh', 'kien_nghi', name='case_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('content_class', sa.Enum('behaviour', 'regulation', 'initiative', name='content_class', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('state', sa.Enum('received', 'needs_info', 'assigned', 'in_progress', 'deferred', 'answer_review', 'answered', 'closed', 'rejected', 'transferred_out', 'withdrawn', name='case_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('state_before_info', sa.Enum('received', 'needs_info', 'assigned', 'in_progress', 'deferred', 'answer_review', 'answered', 'closed', 'rejected', 'transferred_out', 'withdrawn', name='case_state_before_info', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('priority', sa.Enum('normal', 'urgent', name='case_priority', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('submitter_type', sa.Enum('individual', 'organisation', name='submitter_type', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('full_name', sa.String(length=255), nullable=False),
    sa.Column('organisation_name', sa.String(length=255), nullable=True),
    sa.Column('tax_code', sa.String(length=20), nullable=True),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('id_number', sa.String(length=20), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('proposed_solution', sa.Text(), nullable=True),
    sa.Column('consent_to_publish', sa.Boolean(), nullable=False),
    sa.Column('declared_truthful', sa.Boolean(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=True),
    sa.Column('procedure_id', sa.Integer(), nullable=True),
    sa.Column('concerned_unit_id', sa.Integer(), nullable=True),
    sa.Column('lead_unit_id', sa.Integer(), nullable=True),
    sa.Column('handler_id', sa.Integer(), nullable=True),
    sa.Column('duplicate_of_id', sa.Integer(), nullable=True),
    sa.Column('bounce_count', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('triage_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('step_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('overall_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(state = 'needs_info') = (state_before_info IS NOT NULL)", name=op.f('ck_cases_needs_info_has_origin')),
    sa.CheckConstraint("(state IN ('closed', 'rejected', 'transferred_out', 'withdrawn') AND closed_at IS NOT NULL) OR (state NOT IN ('closed', 'rejected', 'transferred_out', 'withdrawn') AND closed_at IS NULL)", name=op.f('ck_cases_final_iff_closed_at')),
    sa.CheckConstraint("kind <> 'kien_nghi' OR proposed_solution IS NOT NULL", name=op.f('ck_cases_petition_has_solution')),
    sa.CheckConstraint("submitter_type <> 'organisation' OR organisation_name IS NOT NULL", name=op.f('ck_cases_organisation_named')),
    sa.ForeignKeyConstraint(['concerned_unit_id'], ['units.id'], name=op.f('fk_cases_concerned_unit_id_units')),
    sa.ForeignKeyConstraint(['duplicate_of_id'], ['cases.id'], name=op.f('fk_cases_duplicate_of_id_cases')),
    sa.ForeignKeyConstraint(['field_id'], ['fields.id'], name=op.f('fk_cases_field_id_fields')),
    sa.ForeignKeyConstraint(['handler_id'], ['users.id'], name=op.f('fk_cases_handler_id_users')),
    sa.ForeignKeyConstraint(['lead_unit_id'], ['units.id'], name=op.f('fk_cases_lead_unit_id_units')),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'], name=op.f('fk_cases_procedure_id_procedures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('reference_code', name=op.f('uq_cases_reference_code')),
    sa.UniqueConstraint('submission_token', name=op.f('uq_cases_submission_token'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_field_id'), ['field_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_handler_id'), ['handler_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_lead_unit_id'), ['lead_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_national_code'), ['national_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_phone'), ['phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_procedure_id'), ['procedure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_step_due_at'), ['step_due_at'], unique=False)

    op.create_table('routing_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=True),
    sa.Column('procedure_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('(field_id IS NULL) <> (procedure_id IS NULL)', name=op.f('ck_routing_rules_exactly_one_target')),
    sa.ForeignKeyConstraint(['field_id'], ['fields.id'], name=op.f('fk_routing_rules_field_id_fields')),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'], name=op.f('fk_routing_rules_procedure_id_procedures')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_routing_rules_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_rules')),
    sa.UniqueConstraint('field_id', name=op.f('uq_routing_rules_field_id')),
    sa.UniqueConstraint('procedure_id', name=op.f('uq_routing_rules_procedure_id'))
    )
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('submission', 'additional_info', 'answer', name='attachment_purpose', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=120), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_attachments_case_id_cases')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_attachments_storage_key'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_case_id'), ['case_id'], unique=False)

    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.Enum('received', 'needs_info', 'assigned', 'in_progress', 'deferred', 'answer_review', 'answered', 'closed', 'rejected', 'transferred_out', 'withdrawn', name='event_from_state', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('to_state', sa.Enum('received', 'needs_info', 'assigned', 'in_progress', 'deferred', 'answer_review', 'answered', 'closed', 'rejected', 'transferred_out', 'withdrawn', name='event_to_state', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('reason_code', sa.String(length=60), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_case_events_actor_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_case_events_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events')),
    sa.UniqueConstraint('case_id', 'seq', name=op.f('uq_case_events_case_id_seq'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_events_at'), ['at'], unique=False)
        batch_op.create_index('ix_case_events_kind_at', ['kind', 'at'], unique=False)

    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=255), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('template', sa.String(length=60), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('dedupe_key', sa.String(length=200), nullable=True),
    sa.Column('status', sa.Enum('pending', 'sending', 'sent', 'failed', name='outbox_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'sent') = (sent_at IS NOT NULL)", name=op.f('ck_outbox_messages_sent_iff_sent_at')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_outbox_messages_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_outbox_messages_dedupe_key'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_outbox_messages_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)

    _seed_deadline_policies()


# DOMAIN.md §4 defaults, written out rather than imported: a migration must keep meaning what it
# meant when it was written, whatever the code says later.
_DEFAULT_POLICIES = {
    "triage": (3, 1),
    "acceptance": (1, 1),
    "handling": (10, 3),
    "review": (2, 1),
    "cooperation": (5, 2),
    "overall": (15, 5),
}


def _seed_deadline_policies():
    table = sa.table(
        "deadline_policies",
        sa.column("field_id", sa.Integer),
        sa.column("priority", sa.String),
        sa.column("step", sa.String),
        sa.column("working_days", sa.Integer),
    )
    rows = []
    for step, (normal, urgent) in _DEFAULT_POLICIES.items():
        rows.append({"field_id": None, "priority": "normal", "step": step, "working_days": normal})
        rows.append({"field_id": None, "priority": "urgent", "step": step, "working_days": urgent})
    op.bulk_insert(table, rows)


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_status_next_attempt_at')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_case_id'))

    op.drop_table('outbox_messages')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index('ix_case_events_kind_at')
        batch_op.drop_index(batch_op.f('ix_case_events_at'))

    op.drop_table('case_events')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_case_id'))

    op.drop_table('attachments')
    op.drop_table('routing_rules')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_step_due_at'))
        batch_op.drop_index(batch_op.f('ix_cases_state'))
        batch_op.drop_index(batch_op.f('ix_cases_received_at'))
        batch_op.drop_index(batch_op.f('ix_cases_procedure_id'))
        batch_op.drop_index(batch_op.f('ix_cases_phone'))
        batch_op.drop_index(batch_op.f('ix_cases_national_code'))
        batch_op.drop_index(batch_op.f('ix_cases_lead_unit_id'))
        batch_op.drop_index(batch_op.f('ix_cases_handler_id'))
        batch_op.drop_index(batch_op.f('ix_cases_field_id'))

    op.drop_table('cases')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_unit_id'))

    op.drop_table('users')
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedures_unit_id'))
        batch_op.drop_index(batch_op.f('ix_procedures_field_id'))

    op.drop_table('procedures')
    op.drop_table('deadline_policies')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_units_parent_id'))

    op.drop_table('units')
    op.drop_table('fields')
    op.drop_table('calendar_overrides')
