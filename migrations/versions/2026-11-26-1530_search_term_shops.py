"""search: how many shops each term is found in (SQLite)

Revision ID: 6c1e8b4d2a07
Revises: 3f7a9c2e5b14
Create Date: 2026-11-26 15:30:00.000000+00:00

A search of several words keeps the shops where every word is found. Grouping every posting of every word
costs as much as the postings of its most common word (« grand », « lot »: every shop); reading the rarest
word's shops and looking the others up in them costs what that rarest word costs. To choose, SQLite needs
each term's number of shops: search_native_term_shops keeps it, maintained by triggers on
search_shop_term, so that no writer can forget it. PostgreSQL's planner keeps statistics of its own.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "6c1e8b4d2a07"
down_revision: str | None = "3f7a9c2e5b14"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATEMENTS = (
    "CREATE TABLE search_native_term_shops (term_key INTEGER PRIMARY KEY, shops INTEGER NOT NULL)",
    "INSERT INTO search_native_term_shops (term_key, shops) "
    "SELECT term_key, COUNT(*) FROM search_shop_term GROUP BY term_key",
    "CREATE TRIGGER search_native_term_shops_added AFTER INSERT ON search_shop_term BEGIN "
    "INSERT INTO search_native_term_shops (term_key, shops) VALUES (NEW.term_key, 1) "
    "ON CONFLICT (term_key) DO UPDATE SET shops = shops + 1; END",
    "CREATE TRIGGER search_native_term_shops_removed AFTER DELETE ON search_shop_term BEGIN "
    "UPDATE search_native_term_shops SET shops = shops - 1 WHERE term_key = OLD.term_key; END",
    "CREATE TRIGGER search_native_term_shops_moved AFTER UPDATE OF term_key ON search_shop_term "
    "WHEN NEW.term_key <> OLD.term_key BEGIN "
    "UPDATE search_native_term_shops SET shops = shops - 1 WHERE term_key = OLD.term_key; "
    "INSERT INTO search_native_term_shops (term_key, shops) VALUES (NEW.term_key, 1) "
    "ON CONFLICT (term_key) DO UPDATE SET shops = shops + 1; END",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in STATEMENTS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("added", "removed", "moved"):
            op.execute(f"DROP TRIGGER IF EXISTS search_native_term_shops_{name}")
        op.execute("DROP TABLE IF EXISTS search_native_term_shops")
