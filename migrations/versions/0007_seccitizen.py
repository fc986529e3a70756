"""Citizens' side: where web submissions came from (a keyed digest of the client address), so
that the intake office sees bursts of items from one origin; and one half of the access key
until the receipt has been shown once (the other half is in the session cookie).

Reviewed by hand.

Revision ID: 0007_seccitizen
Revises: 0007_domain
Create Date: 2026-12-01 13:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_seccitizen'
down_revision = '0007_domain'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('submission_sources',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('client_digest', sa.String(length=64), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('receipt_pad', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_submission_sources_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_submission_sources'))
    )
    with op.batch_alter_table('submission_sources', schema=None) as batch_op:
        batch_op.create_index('ix_submission_sources_client_at', ['client_digest', 'submitted_at'], unique=False)


def downgrade():
    with op.batch_alter_table('submission_sources', schema=None) as batch_op:
        batch_op.drop_index('ix_submission_sources_client_at')
    op.drop_table('submission_sources')
