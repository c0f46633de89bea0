"""search

Revision ID: 5e4c1a7d9b20
Revises: be8c9987c2f2
Create Date: 2026-11-26 08:30:00.000000+00:00

The inverted index of shops and items, its database-specific companions (SQLite: R*Tree and a trigram
table; PostgreSQL: pg_trgm, cube and earthdistance indexes) and the search log. The DDL of those companions
is spelled out here rather than imported, so that this migration keeps meaning what it meant.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e4c1a7d9b20"
down_revision: str | None = "be8c9987c2f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_NATIVE = (
    "CREATE VIRTUAL TABLE search_native_shop_rtree USING rtree(key, min_lat, max_lat, min_lon, max_lon)",
    "CREATE TABLE search_native_word_gram (gram TEXT NOT NULL, length INTEGER NOT NULL, word TEXT NOT NULL, "
    "PRIMARY KEY (gram, length, word)) WITHOUT ROWID",
)
SQLITE_NATIVE_DROP = (
    "DROP TABLE IF EXISTS search_native_word_gram",
    "DROP TABLE IF EXISTS search_native_shop_rtree",
)
POSTGRES_NATIVE = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS cube",
    "CREATE EXTENSION IF NOT EXISTS earthdistance",
    "CREATE INDEX ix_search_native_shop_earth ON search_shop USING gist (ll_to_earth(lat, lon))",
    "CREATE INDEX ix_search_native_word_trgm ON search_word USING gin (word gin_trgm_ops)",
    "CREATE INDEX ix_search_native_word_pattern ON search_word (word text_pattern_ops)",
)
# The extensions stay on downgrade: later tables may rely on them.
POSTGRES_NATIVE_DROP = (
    "DROP INDEX IF EXISTS ix_search_native_word_pattern",
    "DROP INDEX IF EXISTS ix_search_native_word_trgm",
    "DROP INDEX IF EXISTS ix_search_native_shop_earth",
)


def upgrade() -> None:
    op.create_table(
        "search_shop",
        sa.Column("key", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("x", sa.Float(), nullable=False),
        sa.Column("y", sa.Float(), nullable=False),
        sa.Column("z", sa.Float(), nullable=False),
        sa.Column("opening_hours", sa.String(length=255), nullable=True),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_search_shop")),
        sa.UniqueConstraint("shop_id", name=op.f("uq_search_shop_shop_id")),
    )
    op.create_table(
        "search_item",
        sa.Column("key", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("shop_key", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("in_stock", sa.Boolean(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_search_item")),
        sa.UniqueConstraint("item_id", name=op.f("uq_search_item_item_id")),
    )
    op.create_index(op.f("ix_search_item_shop_key"), "search_item", ["shop_key"], unique=False)
    op.create_table(
        "search_term",
        sa.Column("key", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("term", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_search_term")),
        sa.UniqueConstraint("term", name=op.f("uq_search_term_term")),
    )
    op.create_table(
        "search_word",
        sa.Column("word", sa.String(length=60), nullable=False),
        sa.Column("term_key", sa.Integer(), nullable=False),
        sa.Column("length", sa.SmallInteger(), nullable=False),
        sa.Column("frequency", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_search_word")),
    )
    op.create_table(
        "search_shop_term",
        sa.Column("term_key", sa.Integer(), nullable=False),
        sa.Column("shop_key", sa.Integer(), nullable=False),
        sa.Column("weight", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("term_key", "shop_key", name=op.f("pk_search_shop_term")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "search_item_term",
        sa.Column("shop_key", sa.Integer(), nullable=False),
        sa.Column("term_key", sa.Integer(), nullable=False),
        sa.Column("rank", sa.SmallInteger(), nullable=False),
        sa.Column("item_key", sa.Integer(), nullable=False),
        sa.Column("is_service", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("shop_key", "term_key", "rank", "item_key", name=op.f("pk_search_item_term")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "search_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("terms", sa.String(length=400), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("had_location", sa.Boolean(), nullable=False),
        sa.Column("result_count", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_log")),
    )
    op.create_index(op.f("ix_search_log_created_at"), "search_log", ["created_at"], unique=False)

    dialect = op.get_bind().dialect.name
    for statement in (
        SQLITE_NATIVE if dialect == "sqlite" else POSTGRES_NATIVE if dialect == "postgresql" else ()
    ):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in (
        SQLITE_NATIVE_DROP if dialect == "sqlite" else POSTGRES_NATIVE_DROP if dialect == "postgresql" else ()
    ):
        op.execute(statement)
    op.drop_index(op.f("ix_search_log_created_at"), table_name="search_log")
    op.drop_table("search_log")
    op.drop_table("search_item_term")
    op.drop_table("search_shop_term")
    op.drop_table("search_word")
    op.drop_table("search_term")
    op.drop_index(op.f("ix_search_item_shop_key"), table_name="search_item")
    op.drop_table("search_item")
    op.drop_table("search_shop")
