"""search: each shop's first postings per term, in one row (SQLite)

Revision ID: 9d2b6f41c3a8
Revises: 5e4c1a7d9b20
Create Date: 2026-11-26 12:40:00.000000+00:00

On SQLite, reading a shop's first postings of a term costs a statement step per posting; a page of results
needs hundreds of them for its matched items. search_native_item_top keeps, per (shop, term), the first
ITEM_CANDIDATES (20) postings as a JSON array of rank × 2³² + item key, read in one step. The table is
filled here from the postings already indexed; the index keeps it up to date afterwards. PostgreSQL reads
the postings in one LATERAL statement and does not need it.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "9d2b6f41c3a8"
down_revision: str | None = "5e4c1a7d9b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CREATE = (
    "CREATE TABLE search_native_item_top (shop_key INTEGER NOT NULL, term_key INTEGER NOT NULL, "
    "items TEXT NOT NULL, PRIMARY KEY (shop_key, term_key)) WITHOUT ROWID"
)
FILL = (
    "INSERT INTO search_native_item_top (shop_key, term_key, items) "
    "SELECT shop_key, term_key, '[' || group_concat(rank * 4294967296 + item_key, ',') || ']' "
    "FROM (SELECT shop_key, term_key, rank, item_key, "
    "ROW_NUMBER() OVER (PARTITION BY shop_key, term_key ORDER BY rank, item_key) AS n FROM search_item_term) "
    "WHERE n <= 20 GROUP BY shop_key, term_key"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(CREATE)
        op.execute(FILL)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_native_item_top")
