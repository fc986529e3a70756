"""/published's page and count from indexes alone: its order with the state it filters on,
and the state with the publication date (``intake.cases.models.Case``).

Reviewed by hand.

Revision ID: 0012_published_listing
Revises: 0011_queue_order
Create Date: 2026-12-02 14:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012_published_listing'
down_revision = '0011_queue_order'
branch_labels = None
depends_on = None


# Plain CREATE/DROP INDEX, not a batch: on SQLite a batch could rebuild the table, and with it
# lose the search triggers.
def upgrade():
    op.create_index('ix_cases_published_order', 'cases', ['published_at', 'id', 'state'])
    op.create_index('ix_cases_published_count', 'cases', ['state', 'published_at'])
    op.drop_index('ix_cases_published_at', table_name='cases')


def downgrade():
    op.create_index('ix_cases_published_at', 'cases', ['published_at'])
    op.drop_index('ix_cases_published_count', table_name='cases')
    op.drop_index('ix_cases_published_order', table_name='cases')
