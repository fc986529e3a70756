"""Workflow: the answer and its publication, the citizen's rating, cooperation requests.

Reviewed by hand: reconsideration_count gets a server default so that existing rows migrate;
the rating range is a CHECK constraint (autogenerate does not see those).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 11:42:26.821296

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cooperation_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('open', 'replied', 'cancelled', name='cooperation_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('replied_by_id', sa.Integer(), nullable=True),
    sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(status = 'replied') = (replied_at IS NOT NULL AND reply IS NOT NULL)", name=op.f('ck_cooperation_requests_replied_iff_reply')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_cooperation_requests_case_id_cases')),
    sa.ForeignKeyConstraint(['replied_by_id'], ['users.id'], name=op.f('fk_cooperation_requests_replied_by_id_users')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_cooperation_requests_requested_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_cooperation_requests_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cooperation_requests'))
    )
    with op.batch_alter_table('cooperation_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cooperation_requests_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cooperation_requests_unit_id'), ['unit_id'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_public_text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('answer_letter', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('answer_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('answer_submitted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('published_title', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('published_content', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('published_answer', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('published_search_text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('rating_score', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rating_comment', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('rated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column('reconsideration_count', sa.Integer(), nullable=False, server_default='0')
        )
        batch_op.create_check_constraint(
            'rating_range', 'rating_score IS NULL OR (rating_score >= 1 AND rating_score <= 5)'
        )
        batch_op.create_index(batch_op.f('ix_cases_published_at'), ['published_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_cases_answer_by_id_users'), 'users', ['answer_by_id'], ['id'])



def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cases_answer_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('ck_cases_rating_range'), type_='check')
        batch_op.drop_index(batch_op.f('ix_cases_published_at'))
        batch_op.drop_column('reconsideration_count')
        batch_op.drop_column('rated_at')
        batch_op.drop_column('rating_comment')
        batch_op.drop_column('rating_score')
        batch_op.drop_column('published_search_text')
        batch_op.drop_column('published_at')
        batch_op.drop_column('published_answer')
        batch_op.drop_column('published_content')
        batch_op.drop_column('published_title')
        batch_op.drop_column('answer_submitted_at')
        batch_op.drop_column('answer_by_id')
        batch_op.drop_column('answer_letter')
        batch_op.drop_column('answer_public_text')

    with op.batch_alter_table('cooperation_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cooperation_requests_unit_id'))
        batch_op.drop_index(batch_op.f('ix_cooperation_requests_case_id'))

    op.drop_table('cooperation_requests')
