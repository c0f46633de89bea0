"""search: each indexed item keeps the JSON a search result shows of it

Revision ID: 3f7a9c2e5b14
Revises: 9d2b6f41c3a8
Create Date: 2026-11-26 15:00:00.000000+00:00

A page of results shows up to five matched items per shop. Writing their JSON at search time cost SQLite more
than finding them (formatting each UUID), and PostgreSQL's driver a Python object per field; the index now
writes it once, when the item changes, in search_item.shown, which replaces the name and price columns it
was built from. Existing rows are filled here from those columns.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f7a9c2e5b14"
down_revision: str | None = "9d2b6f41c3a8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite stores a UUID as 32 hexadecimal digits.
SQLITE_SHOWN = (
    "json_object('id', substr(item_id, 1, 8) || '-' || substr(item_id, 9, 4) || '-' || substr(item_id, 13, 4) "
    "|| '-' || substr(item_id, 17, 4) || '-' || substr(item_id, 21), 'name', name, 'kind', kind, "
    "'price_cents', price_cents, 'in_stock', json(CASE WHEN in_stock THEN 'true' ELSE 'false' END))"
)
POSTGRESQL_SHOWN = (
    '\'{"id":"\' || item_id || \'","name":\' || to_json(name)::text || \',"kind":\' || to_json(kind)::text '
    "|| ',\"price_cents\":' || COALESCE(price_cents::text, 'null') || ',\"in_stock\":' "
    "|| CASE WHEN in_stock THEN 'true' ELSE 'false' END || '}'"
)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    # SQLite adds a NOT NULL column only with a default; the fill replaces it on every row.
    op.add_column("search_item", sa.Column("shown", sa.Text(), nullable=False, server_default=""))
    op.execute(f"UPDATE search_item SET shown = {SQLITE_SHOWN if sqlite else POSTGRESQL_SHOWN}")  # noqa: S608
    if not sqlite:
        op.alter_column("search_item", "shown", server_default=None)
    # Native DROP COLUMN (SQLite 3.35+): no copy of the table and its indexes, as a batch would make.
    op.execute("ALTER TABLE search_item DROP COLUMN name")
    op.execute("ALTER TABLE search_item DROP COLUMN price_cents")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.add_column("search_item", sa.Column("name", sa.String(length=120), nullable=False, server_default=""))
    op.add_column("search_item", sa.Column("price_cents", sa.Integer(), nullable=True))
    if sqlite:
        op.execute(
            "UPDATE search_item SET name = json_extract(shown, '$.name'), "
            "price_cents = json_extract(shown, '$.price_cents')"
        )
    else:
        op.execute(
            "UPDATE search_item SET name = CAST(shown AS json) ->> 'name', "
            "price_cents = CAST(CAST(shown AS json) ->> 'price_cents' AS integer)"
        )
        op.alter_column("search_item", "name", server_default=None)
    op.execute("ALTER TABLE search_item DROP COLUMN shown")
