"""accounts: sign-ups counted per address, for the sign-up throttle

Revision ID: b9d04e6a1c53
Revises: 8e2d5a1c7f39
Create Date: 2026-12-03 07:00:00.000000+00:00

Like login_attempt, a row holds a keyed hash of the client address and a time, and lives only for the
window of the limit.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b9d04e6a1c53"
down_revision: str | None = "8e2d5a1c7f39"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_up_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address_key", sa.String(length=64), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_up_attempt")),
    )
    with op.batch_alter_table("sign_up_attempt", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sign_up_attempt_address_key_attempted_at", ["address_key", "attempted_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sign_up_attempt_attempted_at"), ["attempted_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sign_up_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_up_attempt_attempted_at"))
        batch_op.drop_index("ix_sign_up_attempt_address_key_attempted_at")
    op.drop_table("sign_up_attempt")
