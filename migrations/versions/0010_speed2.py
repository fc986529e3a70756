"""A counter per group of data that every process must see change at once: the officers'
queue listings are kept rendered under it (``intake.cache_versions.DataVersion``).

Reviewed by hand. Follows 0007_secauth; the integrator re-chains the branches.

Revision ID: 0010_speed2
Revises: 0009_apiofficer
Create Date: 2026-12-01 16:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_speed2'
down_revision = '0009_apiofficer'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('data_versions',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('counter', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_data_versions'))
    )
    op.execute("INSERT INTO data_versions (name, counter) VALUES ('listings', 0)")


def downgrade():
    op.drop_table('data_versions')
