"""search: each indexed shop keeps the name and address a result shows

Revision ID: 8e2d5a1c7f39
Revises: 6c1e8b4d2a07
Create Date: 2026-11-26 16:00:00.000000+00:00

A page of results read each shop's name and address from the shop table, two more index look-ups per result
(the shop's UUID, then its row) and a second sort of the page. search_shop, which already holds the
category, position and hours, now holds them too; existing rows are filled from the shop table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8e2d5a1c7f39"
down_revision: str | None = "6c1e8b4d2a07"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    # SQLite adds a NOT NULL column only with a default; the fill replaces it on every row.
    op.add_column("search_shop", sa.Column("name", sa.String(length=120), nullable=False, server_default=""))
    op.add_column(
        "search_shop", sa.Column("address", sa.String(length=200), nullable=False, server_default="")
    )
    op.execute(
        "UPDATE search_shop SET name = (SELECT name FROM shop WHERE shop.id = search_shop.shop_id), "
        "address = (SELECT address FROM shop WHERE shop.id = search_shop.shop_id) "
        "WHERE EXISTS (SELECT 1 FROM shop WHERE shop.id = search_shop.shop_id)"
    )
    if not sqlite:
        op.alter_column("search_shop", "name", server_default=None)
        op.alter_column("search_shop", "address", server_default=None)


def downgrade() -> None:
    op.execute("ALTER TABLE search_shop DROP COLUMN address")
    op.execute("ALTER TABLE search_shop DROP COLUMN name")
