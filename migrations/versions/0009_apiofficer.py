"""Officers' personal API tokens: their creation and revocation are recorded in the account's
security record (two more kinds of ``account_events``).

Reviewed by hand: the kind's CHECK constraint is rebuilt with the two new values (the column's
length, 22, already fits them).

Revision ID: 0009_apiofficer
Revises: 0008_domain13
Create Date: 2026-12-01 16:50:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0009_apiofficer"
down_revision = "0008_domain13"
branch_labels = None
depends_on = None

_OLD = (
    "login_failures_notice", "password_changed", "password_reset", "sessions_ended",
    "two_factor_enabled", "two_factor_disabled", "two_factor_reset", "recovery_code_used",
    "recovery_codes_renewed",
)  # fmt: skip
_NEW = _OLD + ("api_token_created", "api_token_revoked")


def _set_kinds(values):
    listed = ", ".join(f"'{v}'" for v in values)
    with op.batch_alter_table("account_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_account_events_account_event_kind"), type_="check")
        batch_op.create_check_constraint("account_event_kind", f"kind IN ({listed})")


def upgrade():
    _set_kinds(_NEW)


def downgrade():
    op.execute(
        "DELETE FROM account_events WHERE kind IN ('api_token_created', 'api_token_revoked')"
    )
    _set_kinds(_OLD)
