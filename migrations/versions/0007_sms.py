"""Reaching every citizen: a channel for each outbox message (e-mail, SMS, letter) with the SMS
segment count, the submitter's postal address, and the moment they stopped SMS.

Reviewed by hand. Existing messages are e-mails (server default); the new case columns are
nullable and need no backfill.

Revision ID: 0007_sms
Revises: 0007_workbench
Create Date: 2026-12-01 13:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_sms'
down_revision = '0007_workbench'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'channel',
            sa.Enum('email', 'sms', 'letter', name='outbox_channel', native_enum=False,
                    create_constraint=False, length=6),
            server_default='email', nullable=False))
        # Named as the model's enum names it (ck_outbox_messages_outbox_channel).
        batch_op.create_check_constraint(
            'outbox_channel', "channel IN ('email', 'sms', 'letter')"
        )
        batch_op.add_column(sa.Column('segments', sa.Integer(), nullable=True))
        batch_op.create_index('ix_outbox_messages_channel_status', ['channel', 'status'],
                              unique=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('postal_address', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('sms_stopped_at', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('sms_stopped_at')
        batch_op.drop_column('postal_address')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_channel_status')
        batch_op.drop_constraint(batch_op.f('ck_outbox_messages_outbox_channel'), type_='check')
        batch_op.drop_column('segments')
        batch_op.drop_column('channel')
