"""Rebuilds every search table at once from `shop` and `item`, after a bulk load with SQLAlchemy Core.

Three passes: the shops (their own words, position and what a result shows of them), the items shop by
shop (postings in primary-key order, written in large batches), then the vocabulary. Identifiers go from
one table to another as the driver gives them (32 hexadecimal digits on SQLite, a UUID on PostgreSQL):
converting a million of them both ways would cost more than the rest of a row.
"""

import logging
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from api.catalog.models import Item
from api.geo import unit_vector
from api.search import models as m
from api.search import text
from api.search.backend import SearchBackend
from api.search.documents import item_rank, keys_text, rank_weight, shop_words, word_forms
from api.search.results import shown_item
from api.shops.models import Shop, ShopStatus

logger = logging.getLogger("api.search")

_SHOP: sa.Table = Shop.__table__  # type: ignore[attr-defined]
_ITEM: sa.Table = Item.__table__  # type: ignore[attr-defined]
_SHOP_COLUMNS = (
    "key", "shop_id", "active", "category", "lat", "lon", "x", "y", "z", "opening_hours", "name", "address",
    "terms",
)  # fmt: skip
_ITEM_COLUMNS = ("key", "item_id", "shop_key", "kind", "in_stock", "terms", "shown")
_POSTING_COLUMNS = ("shop_key", "term_key", "rank", "item_key", "is_service")
# Postings kept in memory before they are written.
_POSTINGS_PER_BATCH = 200_000
_ITEMS_PER_READ = 20_000


class _Vocabulary:
    """Surface words → term keys, stemming each distinct word once."""

    def __init__(self) -> None:
        self.term_keys: dict[str, int] = {}
        self.word_terms: dict[str, int] = {}
        self.frequency: Counter[str] = Counter()

    def key(self, surface: str, term: str) -> int:
        key = self.word_terms.get(surface)
        if key is None:
            key = self.term_keys.setdefault(term, len(self.term_keys) + 1)
            for form in word_forms(surface):
                self.word_terms.setdefault(form, key)
        return key


def rebuild_index(conn: Connection, backend: SearchBackend) -> None:
    started = time.perf_counter()
    backend.clear(conn)
    backend.before_rebuild(conn)
    vocabulary = _Vocabulary()
    shop_keys, shop_weights = _index_shops(conn, backend, vocabulary)
    items = _index_items(conn, backend, vocabulary, shop_keys, shop_weights)
    _write_vocabulary(conn, backend, vocabulary)
    backend.after_rebuild(conn)
    logger.info(
        "search index rebuilt: %d shops, %d items, %d words in %.1fs",
        len(shop_keys),
        items,
        len(vocabulary.word_terms),
        time.perf_counter() - started,
    )


def settle_after_bulk_load(engine: sa.Engine, backend: SearchBackend) -> None:
    """After a rebuild has committed, the database's own upkeep of bulk-written tables (VACUUM on
    PostgreSQL), which cannot run inside the rebuild's transaction."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        backend.after_bulk_commit(conn)


def _raw_id(column: "sa.Column[Any]") -> "sa.ColumnElement[str]":
    return sa.type_coerce(column, sa.String)


def _index_shops(
    conn: Connection, backend: SearchBackend, vocabulary: _Vocabulary
) -> tuple[dict[Any, int], dict[int, dict[int, int]]]:
    """search_shop and the shops' positions; each shop's key by its id, and the weights of its own terms."""
    shop_keys: dict[Any, int] = {}
    shop_weights: dict[int, dict[int, int]] = {}
    rows: list[tuple[Any, ...]] = []
    placed: list[tuple[int, float, float]] = []
    shops = conn.execute(
        sa.select(
            _raw_id(_SHOP.c.id),
            _SHOP.c.name,
            _SHOP.c.category,
            _SHOP.c.status,
            _SHOP.c.lat,
            _SHOP.c.lon,
            _SHOP.c.opening_hours,
            _SHOP.c.address,
        ).order_by(_SHOP.c.id)
    )
    for key, (shop_id, name, category, status, lat, lon, opening_hours, address) in enumerate(shops, start=1):
        own: dict[int, int] = {}
        for surface, term, weight in shop_words(name, category):
            k = vocabulary.key(surface, term)
            vocabulary.frequency[surface] += 1
            own[k] = max(own.get(k, 0), weight)
        shop_weights[key] = own
        shop_keys[shop_id] = key
        x, y, z = unit_vector(lat, lon)
        active = status == ShopStatus.active
        rows.append(
            (key, shop_id, active, category, lat, lon, x, y, z, opening_hours, name, address, keys_text(own))
        )
        placed.append((key, lat, lon))
    backend.bulk_insert(conn, m.search_shop, _SHOP_COLUMNS, rows)
    backend.shops_placed(conn, placed)
    return shop_keys, shop_weights


class _ShopPostings:
    """One shop's postings while its items are read: per term, its best weight and its (rank, item) list."""

    def __init__(self, shop_key: int, own_weights: dict[int, int]) -> None:
        self.shop_key = shop_key
        self.weights = own_weights
        self.postings: dict[int, list[tuple[int, int, bool]]] = {}

    def add(self, item_key: int, in_name: dict[int, bool], in_stock: bool, service: bool) -> None:
        weights, postings = self.weights, self.postings
        for k, named in in_name.items():
            rank = item_rank(in_stock, named)
            postings.setdefault(k, []).append((rank, item_key, service))
            w = rank_weight(rank)
            if weights.get(k, 0) < w:
                weights[k] = w


class _Rows:
    """The rows the item pass writes: search_item, search_item_term, and search_shop_term at the end."""

    def __init__(self, conn: Connection, backend: SearchBackend) -> None:
        self.conn, self.backend = conn, backend
        self.items: list[tuple[Any, ...]] = []
        self.postings: list[tuple[int, int, int, int, bool]] = []
        self.shop_terms: list[tuple[int, int, int]] = []

    def add_shop(self, shop: _ShopPostings) -> None:
        """A shop's (term, shop) weights, and its item postings in primary-key order: (term, rank, item)."""
        self.shop_terms.extend((k, shop.shop_key, w) for k, w in shop.weights.items())
        for k in sorted(shop.postings):
            self.postings.extend(
                (shop.shop_key, k, rank, item, service) for rank, item, service in sorted(shop.postings[k])
            )
        if len(self.postings) >= _POSTINGS_PER_BATCH:
            self.write()

    def write(self) -> None:
        self.backend.bulk_insert(self.conn, m.search_item, _ITEM_COLUMNS, self.items)
        self.backend.bulk_insert(self.conn, m.search_item_term, _POSTING_COLUMNS, self.postings)
        self.items.clear()
        self.postings.clear()

    def write_shop_terms(self) -> None:
        # One sorted insert: these postings' primary key starts with the term.
        self.shop_terms.sort()
        columns = ("term_key", "shop_key", "weight")
        self.backend.bulk_insert(self.conn, m.search_shop_term, columns, self.shop_terms)


class _ItemWords:
    """An item's terms, each distinct raw word normalised once for the whole pass."""

    def __init__(self, vocabulary: _Vocabulary) -> None:
        self.vocabulary = vocabulary
        # Raw word → (surface, term key), or None for a word that is not indexed.
        self.seen: dict[str, tuple[str, int] | None] = {}

    def of(self, name: str, description: str | None, category: str | None) -> dict[int, bool]:
        """Term key → whether it is in the item's name."""
        seen, frequency = self.seen, self.vocabulary.frequency
        in_name: dict[int, bool] = {}
        for position, source in enumerate((name, description, category)):
            if not source:
                continue
            for raw in text.raw_words(source):
                if raw in seen:
                    known = seen[raw]
                else:
                    known = seen[raw] = _known_word(self.vocabulary, raw)
                if known is None:
                    continue
                surface, k = known
                frequency[surface] += 1
                in_name[k] = in_name.get(k, False) or position == 0
        return in_name


def _index_items(
    conn: Connection,
    backend: SearchBackend,
    vocabulary: _Vocabulary,
    shop_keys: dict[Any, int],
    shop_weights: dict[int, dict[int, int]],
) -> int:
    """Every item's postings, shop after shop (the items come ordered by shop); the number indexed."""
    rows = _Rows(conn, backend)
    words = _ItemWords(vocabulary)
    shop: _ShopPostings | None = None
    item_key = 0
    for item_id, shop_id, kind, name, description, category, in_stock, price_cents in _items(conn):
        shop_key = shop_keys.get(shop_id)
        if shop_key is None:
            continue
        if shop is None or shop.shop_key != shop_key:
            if shop is not None:
                rows.add_shop(shop)
            shop = _ShopPostings(shop_key, shop_weights.pop(shop_key, {}))
        item_key += 1
        in_name = words.of(name, description, category)
        stocked = bool(in_stock)
        shop.add(item_key, in_name, stocked, kind == "service")
        shown = shown_item(item_id, name, kind, price_cents, stocked)
        rows.items.append((item_key, item_id, shop_key, kind, stocked, keys_text(in_name), shown))
    if shop is not None:
        rows.add_shop(shop)
    for key, remaining in shop_weights.items():  # shops without items
        rows.shop_terms.extend((k, key, w) for k, w in remaining.items())
    rows.write()
    rows.write_shop_terms()
    return item_key


def _items(conn: Connection) -> Iterable[Sequence[Any]]:
    return conn.execute(
        sa.select(
            _raw_id(_ITEM.c.id),
            _raw_id(_ITEM.c.shop_id),
            _ITEM.c.kind,
            _ITEM.c.name,
            _ITEM.c.description,
            _ITEM.c.category,
            _ITEM.c.in_stock,
            _ITEM.c.price_cents,
        )
        .order_by(_ITEM.c.shop_id)
        .execution_options(yield_per=_ITEMS_PER_READ)
    )


def _known_word(vocabulary: _Vocabulary, raw: str) -> tuple[str, int] | None:
    """A raw word's surface and term key, or None when it is not indexed (a stop word, or too long)."""
    surface = text.fold(raw)
    if not text.is_meaningful(raw) or len(surface) > m.MAX_WORD_LENGTH:
        return None
    return surface, vocabulary.key(surface, text.term(raw))


def _write_vocabulary(conn: Connection, backend: SearchBackend, vocabulary: _Vocabulary) -> None:
    backend.bulk_insert(
        conn, m.search_term, ("key", "term"), [(k, t) for t, k in vocabulary.term_keys.items()]
    )
    backend.bulk_insert(
        conn,
        m.search_word,
        ("word", "term_key", "length", "frequency"),
        [(w, k, len(w), vocabulary.frequency[w]) for w, k in vocabulary.word_terms.items()],
    )
    backend.words_added(conn, list(vocabulary.word_terms))
