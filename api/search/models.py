"""Search tables: an inverted index keyed by small integers, and the log of what people search.

Shops and items get integer keys here so that the posting tables stay compact (a UUID is 32 characters on
SQLite). Everything but the log is derived data: `rebuild_index` recreates it from `shop` and `item`.
Objects whose name starts with NATIVE_PREFIX exist on one database only (R*Tree, trigram and earth-distance
indexes); the migration creates them and autogenerate leaves them alone.
"""

import sqlalchemy as sa

from api.db import UTCDateTime, metadata

NATIVE_PREFIX = "search_native_"


def include_in_autogenerate(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic's include_object: search's database-specific objects (R*Tree and its shadow tables, trigram
    and earth-distance indexes) are written by hand in their migration, beyond autogenerate's reach."""
    return not (name and NATIVE_PREFIX in name)


MAX_WORD_LENGTH = 60
MAX_QUERY_LENGTH = 200

search_shop = sa.Table(
    "search_shop",
    metadata,
    sa.Column("key", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("shop_id", sa.Uuid, nullable=False, unique=True),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("category", sa.String(40), nullable=False),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("lon", sa.Float, nullable=False),
    # The point on the unit sphere: the squared chord to another point orders and filters by great-circle
    # distance with plain arithmetic, identically on both databases.
    sa.Column("x", sa.Float, nullable=False),
    sa.Column("y", sa.Float, nullable=False),
    sa.Column("z", sa.Float, nullable=False),
    sa.Column("opening_hours", sa.String(255), nullable=True),
    # What a result shows of the shop (with its category, position and hours above): a page never reaches
    # into the shop table.
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("address", sa.String(200), nullable=False),
    # Term keys of the shop's name and category label, to update their postings when they change.
    sa.Column("terms", sa.Text, nullable=False),
)

search_item = sa.Table(
    "search_item",
    metadata,
    sa.Column("key", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("item_id", sa.Uuid, nullable=False, unique=True),
    sa.Column("shop_key", sa.Integer, nullable=False, index=True),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("in_stock", sa.Boolean, nullable=False),
    sa.Column("terms", sa.Text, nullable=False),
    # The matched item as a search result shows it, in JSON (id, name, kind, price_cents, in_stock): a page
    # copies it into the response rather than reaching into the large item table or rebuilding it.
    sa.Column("shown", sa.Text, nullable=False),
)

search_term = sa.Table(
    "search_term",
    metadata,
    sa.Column("key", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("term", sa.String(MAX_WORD_LENGTH), nullable=False, unique=True),
)

# Every word seen, accents removed but not stemmed: prefixes and typos are looked up here, then mapped to
# the term they index under.
search_word = sa.Table(
    "search_word",
    metadata,
    sa.Column("word", sa.String(MAX_WORD_LENGTH), primary_key=True),
    sa.Column("term_key", sa.Integer, nullable=False),
    sa.Column("length", sa.SmallInteger, nullable=False),
    sa.Column("frequency", sa.Integer, nullable=False),
)

search_shop_term = sa.Table(
    "search_shop_term",
    metadata,
    sa.Column("term_key", sa.Integer, primary_key=True),
    sa.Column("shop_key", sa.Integer, primary_key=True),
    sa.Column("weight", sa.SmallInteger, nullable=False),
    sqlite_with_rowid=False,
)

# Ordered so that a shop's best items for a term come first: in stock before out of stock, a term in the
# item's name before one in its description (rank 0 to 3), so a page's matched items are read, not sorted.
search_item_term = sa.Table(
    "search_item_term",
    metadata,
    sa.Column("shop_key", sa.Integer, primary_key=True),
    sa.Column("term_key", sa.Integer, primary_key=True),
    sa.Column("rank", sa.SmallInteger, primary_key=True),
    sa.Column("item_key", sa.Integer, primary_key=True),
    sa.Column("is_service", sa.Boolean, nullable=False),
    sqlite_with_rowid=False,
)

# « Ce que les gens cherchent sans le trouver »: never coordinates, only whether there were some.
search_log = sa.Table(
    "search_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("query", sa.String(MAX_QUERY_LENGTH), nullable=False),
    sa.Column("terms", sa.String(MAX_QUERY_LENGTH * 2), nullable=False),
    sa.Column("filters", sa.JSON, nullable=False),
    sa.Column("had_location", sa.Boolean, nullable=False),
    sa.Column("result_count", sa.Integer, nullable=False),
    sa.Column("duration_ms", sa.Float, nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False, index=True),
)
