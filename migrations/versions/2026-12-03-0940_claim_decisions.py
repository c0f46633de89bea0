"""shops: the city's decisions on shops and claims keep their date and reason

Revision ID: c4a7e2d91b36
Revises: 4f6e95484b94
Create Date: 2026-12-03 09:40:00.000000+00:00

A pending shop can now be refused (status "refused", a plain string like the others); the reason of a
refusal or a suspension, and of a refused claim, is what the merchant reads in « Mes commerces ».
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c4a7e2d91b36"
down_revision: str | None = "4f6e95484b94"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("shop", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("decision_reason", sa.String(length=500), nullable=True))
    with op.batch_alter_table("shop_claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision_reason", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("shop_claim", schema=None) as batch_op:
        batch_op.drop_column("decision_reason")
    with op.batch_alter_table("shop", schema=None) as batch_op:
        batch_op.drop_column("decision_reason")
        batch_op.drop_column("decided_at")
