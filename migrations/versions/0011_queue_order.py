"""An index of every column a queue's order reads, and the id: the "all" tab sorts it instead
of the rows (``intake.web.pagination``).

Reviewed by hand.

Revision ID: 0011_queue_order
Revises: 0010_speed2
Create Date: 2026-12-02 06:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011_queue_order'
down_revision = '0010_speed2'
branch_labels = None
depends_on = None

# Not led by the state: see the model (SQLite would prefer it for "state IN (…)").
COLUMNS = ['received_at', 'id', 'state', 'priority', 'step_due_at', 'triage_due_at', 'overall_due_at']


# Plain CREATE INDEX, not a batch: on SQLite a batch could rebuild the table, and with it lose
# the search triggers.
def upgrade():
    op.create_index('ix_cases_queue_order', 'cases', COLUMNS, unique=False)


def downgrade():
    op.drop_index('ix_cases_queue_order', table_name='cases')
