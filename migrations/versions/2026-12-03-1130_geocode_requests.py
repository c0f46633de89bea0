"""shops: address look-ups counted per person, for the geocoding limit

Revision ID: 5b1e7c9a2d40
Revises: c4a7e2d91b36
Create Date: 2026-12-03 11:30:00.000000+00:00

A row holds who looked an address up and when, and lives only for the minute of the limit: in the
database, so that every API process counts the same look-ups.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b1e7c9a2d40"
down_revision: str | None = "c4a7e2d91b36"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "geocode_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_geocode_request_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_geocode_request")),
    )
    with op.batch_alter_table("geocode_request", schema=None) as batch_op:
        batch_op.create_index(
            "ix_geocode_request_user_id_requested_at", ["user_id", "requested_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_geocode_request_requested_at"), ["requested_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("geocode_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_geocode_request_requested_at"))
        batch_op.drop_index("ix_geocode_request_user_id_requested_at")
    op.drop_table("geocode_request")
