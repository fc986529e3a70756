"""Workbench: response templates (mẫu trả lời) per field and per refusal reason, with their
legal basis, owned by the province or by one unit.

Reviewed by hand.

Revision ID: 0007_workbench
Revises: 0007_letters
Create Date: 2026-12-01 13:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_workbench'
down_revision = '0007_letters'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('response_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('legal_basis', sa.String(length=1000), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=True),
    sa.Column('reject_reason', sa.String(length=60), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("purpose IN ('answer', 'refusal')", name=op.f('ck_response_templates_known_purpose')),
    sa.CheckConstraint("(purpose = 'refusal') = (reject_reason IS NOT NULL)", name=op.f('ck_response_templates_reason_for_refusals')),
    sa.ForeignKeyConstraint(['field_id'], ['fields.id'], name=op.f('fk_response_templates_field_id_fields')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_response_templates_unit_id_units')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_response_templates_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_templates'))
    )
    with op.batch_alter_table('response_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_templates_field_id'), ['field_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_response_templates_unit_id'), ['unit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('response_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_templates_unit_id'))
        batch_op.drop_index(batch_op.f('ix_response_templates_field_id'))
    op.drop_table('response_templates')
