"""Keeps the search index in step with shops and items: incrementally after each ORM flush, or all at once.

Bulk loaders write with SQLAlchemy Core (no ORM events) and then call `rebuild_index`.
"""

import logging
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, event
from sqlalchemy.orm import Session, UOWTransaction

from api.catalog import text
from api.catalog.models import Item
from api.catalog.search import models as m
from api.catalog.search.base import backend_for, shown_item, unit_vector
from api.db import metadata
from api.shops.categories import CATEGORIES
from api.shops.models import Shop, ShopStatus

logger = logging.getLogger("api.catalog.search")

_SHOP_FIELDS = ("name", "category", "address", "status", "lat", "lon", "opening_hours")
_ITEM_FIELDS = ("shop_id", "kind", "name", "description", "category", "in_stock", "price_cents")
_CHUNK = 500
_SHOP = metadata.tables["shop"]
_ITEM = metadata.tables["item"]


def shop_words(name: str, category: str) -> list[tuple[str, str, int]]:
    """(surface, term, weight) for a shop's own text: its name, then its category's label."""
    found = [(t.surface, t.term, m.WEIGHT_SHOP_NAME) for t in text.tokens(name)]
    found += [(t.surface, t.term, m.WEIGHT_CATEGORY) for t in text.tokens(CATEGORIES.get(category, category))]
    return [w for w in found if len(w[0]) <= m.MAX_WORD_LENGTH]


def item_words(name: str, description: str | None, category: str | None) -> list[tuple[str, str, bool]]:
    """(surface, term, in_name) for an item's name, description and free-text category."""
    found = [(t.surface, t.term, True) for t in text.tokens(name)]
    for extra in (description, category):
        if extra:
            found += [(t.surface, t.term, False) for t in text.tokens(extra)]
    return [w for w in found if len(w[0]) <= m.MAX_WORD_LENGTH]


def word_forms(surface: str) -> tuple[str, ...]:
    """A word and, for a plural-looking one, its singular: « crossiant » is one typo from « croissant »,
    which the vocabulary may only hold as « croissants »."""
    if len(surface) > 3 and surface[-1] in "sx":
        return surface, surface[:-1]
    return (surface,)


def item_rank(in_stock: bool, in_name: bool) -> int:
    """0 (in stock, in the name) to 3 (out of stock, in the description): the posting order."""
    return (0 if in_stock else 2) + (0 if in_name else 1)


def rank_weight(rank: int) -> int:
    return m.WEIGHT_ITEM_NAME_IN_STOCK - rank


def _keys_text(keys: Iterable[int]) -> str:
    return " ".join(str(k) for k in sorted(set(keys)))


def _parse_keys(raw: str | None) -> set[int]:
    return {int(k) for k in raw.split()} if raw else set()


def _chunks(values: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- incremental maintenance ------------------------------------------------------------------------


def _term_keys(conn: Connection, words: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Term keys for (surface, term) pairs, creating missing terms and words."""
    backend = backend_for(conn)
    pairs = {form: term for surface, term in words for form in word_forms(surface)}
    terms = set(pairs.values())
    keys: dict[str, int] = {}
    for chunk in _chunks(sorted(terms)):
        rows = conn.execute(
            sa.select(m.search_term.c.term, m.search_term.c.key).where(m.search_term.c.term.in_(chunk))
        )
        keys.update({row.term: row.key for row in rows})
    missing = [{"term": t} for t in sorted(terms - keys.keys())]
    if missing:
        conn.execute(backend.insert_ignore(m.search_term), missing)
        for chunk in _chunks([row["term"] for row in missing]):
            rows = conn.execute(
                sa.select(m.search_term.c.term, m.search_term.c.key).where(m.search_term.c.term.in_(chunk))
            )
            keys.update({row.term: row.key for row in rows})
    known: set[str] = set()
    for chunk in _chunks(sorted(pairs)):
        known.update(
            conn.execute(sa.select(m.search_word.c.word).where(m.search_word.c.word.in_(chunk))).scalars()
        )
    new_words: list[dict[str, Any]] = [
        {"word": w, "term_key": keys[t], "length": len(w), "frequency": 1}
        for w, t in sorted(pairs.items())
        if w not in known
    ]
    if new_words:
        conn.execute(backend.insert_ignore(m.search_word), new_words)
        backend.words_added(conn, [row["word"] for row in new_words])
    return keys


@dataclass
class _Changes:
    shops: dict[uuid.UUID, Shop] = field(default_factory=dict)
    deleted_shops: set[uuid.UUID] = field(default_factory=set)
    items: dict[uuid.UUID, Item] = field(default_factory=dict)
    deleted_items: set[uuid.UUID] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.shops or self.deleted_shops or self.items or self.deleted_items)


def _changed(obj: Any, fields: Sequence[str]) -> bool:
    state = sa.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in fields)


def _collect(session: Session) -> _Changes:
    changes = _Changes()
    for obj in session.new:
        if isinstance(obj, Shop):
            changes.shops[obj.id] = obj
        elif isinstance(obj, Item):
            changes.items[obj.id] = obj
    for obj in session.dirty:
        if isinstance(obj, Shop) and _changed(obj, _SHOP_FIELDS):
            changes.shops[obj.id] = obj
        elif isinstance(obj, Item) and _changed(obj, _ITEM_FIELDS):
            changes.items[obj.id] = obj
    for obj in session.deleted:
        if isinstance(obj, Shop):
            changes.deleted_shops.add(obj.id)
        elif isinstance(obj, Item):
            changes.deleted_items.add(obj.id)
    return changes


def _shop_keys(conn: Connection, shop_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, tuple[int, str]]:
    found: dict[uuid.UUID, tuple[int, str]] = {}
    for chunk in _chunks(sorted(set(shop_ids))):
        rows = conn.execute(
            sa.select(m.search_shop.c.shop_id, m.search_shop.c.key, m.search_shop.c.terms).where(
                m.search_shop.c.shop_id.in_(chunk)
            )
        )
        found.update({shop_id: (key, terms) for shop_id, key, terms in rows})
    return found


def _recompute_shop_terms(conn: Connection, affected: dict[int, set[int]]) -> None:
    """Rewrite the (term, shop) postings of the given terms of each shop from their sources."""
    backend = backend_for(conn)
    for shop_key, term_keys in affected.items():
        if not term_keys:
            continue
        own = conn.execute(
            sa.select(m.search_shop.c.terms, m.search_shop.c.shop_id).where(m.search_shop.c.key == shop_key)
        ).first()
        weights: dict[int, int] = {}
        if own is not None:
            shop = conn.execute(
                sa.select(_SHOP.c.name, _SHOP.c.category).where(_SHOP.c.id == own.shop_id)
            ).first()
            if shop is not None:
                by_term = _term_keys(conn, [(s, t) for s, t, _ in shop_words(shop.name, shop.category)])
                for _surface, term, weight in shop_words(shop.name, shop.category):
                    key = by_term[term]
                    if key in term_keys:
                        weights[key] = max(weights.get(key, 0), weight)
        for chunk in _chunks(sorted(term_keys)):
            rows = conn.execute(
                sa.select(m.search_item_term.c.term_key, sa.func.min(m.search_item_term.c.rank))
                .where(m.search_item_term.c.shop_key == shop_key, m.search_item_term.c.term_key.in_(chunk))
                .group_by(m.search_item_term.c.term_key)
            )
            for term_key, rank in rows:
                weights[term_key] = max(weights.get(term_key, 0), rank_weight(rank))
            conn.execute(
                m.search_shop_term.delete().where(
                    m.search_shop_term.c.shop_key == shop_key, m.search_shop_term.c.term_key.in_(chunk)
                )
            )
        if weights:
            conn.execute(
                m.search_shop_term.insert(),
                [{"term_key": k, "shop_key": shop_key, "weight": w} for k, w in sorted(weights.items())],
            )
        backend.postings_changed(conn, shop_key, sorted(term_keys))


def _apply(conn: Connection, changes: _Changes) -> None:
    backend = backend_for(conn)
    affected: dict[int, set[int]] = {}

    deleted_items = set(changes.deleted_items)
    if changes.deleted_shops:
        existing = _shop_keys(conn, changes.deleted_shops)
        for shop_key, terms in existing.values():
            item_terms = conn.execute(
                sa.select(m.search_item_term.c.term_key)
                .where(m.search_item_term.c.shop_key == shop_key)
                .distinct()
            ).scalars()
            doomed = _parse_keys(terms) | set(item_terms)
            for chunk in _chunks(sorted(doomed)):
                conn.execute(
                    m.search_shop_term.delete().where(
                        m.search_shop_term.c.shop_key == shop_key, m.search_shop_term.c.term_key.in_(chunk)
                    )
                )
            conn.execute(m.search_item_term.delete().where(m.search_item_term.c.shop_key == shop_key))
            conn.execute(m.search_item.delete().where(m.search_item.c.shop_key == shop_key))
            conn.execute(m.search_shop.delete().where(m.search_shop.c.key == shop_key))
        backend.shops_removed(conn, [key for key, _ in existing.values()])

    if changes.shops:
        existing = _shop_keys(conn, changes.shops)
        shops = list(changes.shops.values())
        term_keys = _term_keys(
            conn, [(s, t) for shop in shops for s, t, _ in shop_words(shop.name, shop.category)]
        )
        placed: list[tuple[int, float, float]] = []
        for shop in shops:
            own = {term_keys[t] for _s, t, _w in shop_words(shop.name, shop.category)}
            x, y, z = unit_vector(shop.lat, shop.lon)
            values = {
                "active": shop.status == ShopStatus.active,
                "category": shop.category,
                "lat": shop.lat,
                "lon": shop.lon,
                "x": x,
                "y": y,
                "z": z,
                "opening_hours": shop.opening_hours,
                "name": shop.name,
                "address": shop.address,
                "terms": _keys_text(own),
            }
            if shop.id in existing:
                key, old_terms = existing[shop.id]
                conn.execute(m.search_shop.update().where(m.search_shop.c.key == key).values(**values))
                affected.setdefault(key, set()).update(own ^ _parse_keys(old_terms))
            else:
                key = conn.execute(
                    m.search_shop.insert().values(shop_id=shop.id, **values).returning(m.search_shop.c.key)
                ).scalar_one()
                affected.setdefault(key, set()).update(own)
            placed.append((key, shop.lat, shop.lon))
        backend.shops_placed(conn, placed)

    items = [item for item in changes.items.values() if item.id not in deleted_items]
    if items or deleted_items:
        old: dict[uuid.UUID, tuple[int, int, str]] = {}
        for chunk in _chunks(sorted({i.id for i in items} | deleted_items)):
            rows = conn.execute(
                sa.select(
                    m.search_item.c.item_id,
                    m.search_item.c.key,
                    m.search_item.c.shop_key,
                    m.search_item.c.terms,
                ).where(m.search_item.c.item_id.in_(chunk))
            )
            old.update({item_id: (key, shop_key, terms) for item_id, key, shop_key, terms in rows})
        for item_id in deleted_items:
            if item_id not in old:
                continue
            key, shop_key, terms = old[item_id]
            previous = sorted(_parse_keys(terms))
            for chunk in _chunks(previous):
                conn.execute(
                    m.search_item_term.delete().where(
                        m.search_item_term.c.shop_key == shop_key,
                        m.search_item_term.c.term_key.in_(chunk),
                        m.search_item_term.c.item_key == key,
                    )
                )
            conn.execute(m.search_item.delete().where(m.search_item.c.key == key))
            affected.setdefault(shop_key, set()).update(previous)

        if items:
            shop_keys = {sid: key for sid, (key, _t) in _shop_keys(conn, {i.shop_id for i in items}).items()}
            extracted = {i.id: item_words(i.name, i.description, i.category) for i in items}
            term_keys = _term_keys(conn, [(s, t) for found in extracted.values() for s, t, _ in found])
            postings: list[dict[str, Any]] = []
            for item in items:
                found_key = shop_keys.get(item.shop_id)
                if found_key is None:
                    logger.warning("search index: item %s belongs to an unindexed shop", item.id)
                    continue
                shop_key = found_key
                in_name: dict[int, bool] = {}
                for _surface, term, named in extracted[item.id]:
                    k = term_keys[term]
                    in_name[k] = in_name.get(k, False) or named
                values = {
                    "shop_key": shop_key,
                    "kind": item.kind,
                    "in_stock": item.in_stock,
                    "terms": _keys_text(in_name),
                    "shown": shown_item(item.id, item.name, item.kind, item.price_cents, item.in_stock),
                }
                if item.id in old:
                    key, old_shop_key, old_terms = old[item.id]
                    previous = sorted(_parse_keys(old_terms))
                    for chunk in _chunks(previous):
                        conn.execute(
                            m.search_item_term.delete().where(
                                m.search_item_term.c.shop_key == old_shop_key,
                                m.search_item_term.c.term_key.in_(chunk),
                                m.search_item_term.c.item_key == key,
                            )
                        )
                    conn.execute(m.search_item.update().where(m.search_item.c.key == key).values(**values))
                    affected.setdefault(old_shop_key, set()).update(previous)
                else:
                    key = conn.execute(
                        m.search_item.insert()
                        .values(item_id=item.id, **values)
                        .returning(m.search_item.c.key)
                    ).scalar_one()
                postings += [
                    {
                        "shop_key": shop_key,
                        "term_key": k,
                        "rank": item_rank(item.in_stock, named),
                        "item_key": key,
                        "is_service": item.kind == "service",
                    }
                    for k, named in in_name.items()
                ]
                affected.setdefault(shop_key, set()).update(in_name)
            if postings:
                conn.execute(m.search_item_term.insert(), postings)

    _recompute_shop_terms(conn, affected)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: UOWTransaction) -> None:
    changes = _collect(session)
    if changes:
        _apply(session.connection(), changes)


# --- full rebuild ---------------------------------------------------------------------------------------


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


def _raw_id(column: "sa.Column[Any]") -> "sa.ColumnElement[str]":
    # Identifiers go from one table to another as the driver gives them (32 hex digits on SQLite, a UUID on
    # PostgreSQL): converting a million of them both ways costs more than the rest of a row.
    return sa.type_coerce(column, sa.String)


def settle_after_bulk_load(engine: sa.Engine) -> None:
    """After a rebuild has committed, the database's own upkeep of bulk-written tables (VACUUM on
    PostgreSQL), which cannot run inside the rebuild's transaction."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        backend_for(conn).after_bulk_commit(conn)


def rebuild_index(session: Session) -> None:
    """Rebuild every search table from `shop` and `item` (after a bulk load with SQLAlchemy Core)."""
    started = time.perf_counter()
    conn = session.connection()
    backend = backend_for(conn)
    backend.clear(conn)
    backend.before_rebuild(conn)
    vocabulary = _Vocabulary()
    shop_keys: dict[Any, int] = {}
    shop_rows: list[tuple[Any, ...]] = []
    shop_weights: dict[int, dict[int, int]] = {}
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
    ).all()
    for key, (shop_id, name, category, status, lat, lon, opening_hours, address) in enumerate(shops, start=1):
        own: dict[int, int] = {}
        for surface, term, weight in shop_words(name, category):
            k = vocabulary.key(surface, term)
            vocabulary.frequency[surface] += 1
            own[k] = max(own.get(k, 0), weight)
        shop_weights[key] = own
        shop_keys[shop_id] = key
        x, y, z = unit_vector(lat, lon)
        shop_rows.append(
            (
                key,
                shop_id,
                status == ShopStatus.active,
                category,
                lat,
                lon,
                x,
                y,
                z,
                opening_hours,
                name,
                address,
                _keys_text(own),
            )
        )
        placed.append((key, lat, lon))
    backend.bulk_insert(
        conn,
        m.search_shop,
        (
            "key",
            "shop_id",
            "active",
            "category",
            "lat",
            "lon",
            "x",
            "y",
            "z",
            "opening_hours",
            "name",
            "address",
            "terms",
        ),
        shop_rows,
    )
    backend.shops_placed(conn, placed)

    item_rows: list[tuple[Any, ...]] = []
    posting_rows: list[tuple[int, int, int, int, bool]] = []
    shop_term_rows: list[tuple[int, int, int]] = []
    item_key = 0
    current_shop: int | None = None
    weights: dict[int, int] = {}
    postings: dict[int, list[tuple[int, int, bool]]] = {}

    def flush_shop() -> None:
        if current_shop is None:
            return
        for k, w in shop_weights.pop(current_shop, {}).items():
            weights[k] = max(weights.get(k, 0), w)
        shop_term_rows.extend((k, current_shop, w) for k, w in weights.items())
        # Postings go in primary-key order: (shop, term, rank, item).
        for k in sorted(postings):
            posting_rows.extend(
                (current_shop, k, rank, item, service) for rank, item, service in sorted(postings[k])
            )

    def flush_rows(force: bool = False) -> None:
        if force or len(posting_rows) >= 200_000:
            backend.bulk_insert(
                conn,
                m.search_item,
                ("key", "item_id", "shop_key", "kind", "in_stock", "terms", "shown"),
                item_rows,
            )
            backend.bulk_insert(
                conn,
                m.search_item_term,
                ("shop_key", "term_key", "rank", "item_key", "is_service"),
                posting_rows,
            )
            item_rows.clear()
            posting_rows.clear()

    items = conn.execute(
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
        .execution_options(yield_per=20_000)
    )
    # Raw word → (surface, term key), or None for a stop word: each distinct word is normalised once.
    seen: dict[str, tuple[str, int] | None] = {}
    for item_id, shop_id, kind, name, description, category, in_stock, price_cents in items:
        shop_key = shop_keys.get(shop_id)
        if shop_key is None:
            continue
        if shop_key != current_shop:
            flush_shop()
            flush_rows()
            current_shop = shop_key
            weights = {}
            postings = {}
        item_key += 1
        in_name: dict[int, bool] = {}
        for position, source in enumerate((name, description, category)):
            if not source:
                continue
            for raw in text.raw_words(source):
                if raw in seen:
                    known = seen[raw]
                else:
                    surface = text.fold(raw)
                    if not text.is_meaningful(raw) or len(surface) > m.MAX_WORD_LENGTH:
                        known = None
                    else:
                        known = (surface, vocabulary.key(surface, text.term(raw)))
                    seen[raw] = known
                if known is None:
                    continue
                surface, k = known
                vocabulary.frequency[surface] += 1
                in_name[k] = in_name.get(k, False) or position == 0
        stocked = bool(in_stock)
        service = kind == "service"
        for k, named in in_name.items():
            rank = item_rank(stocked, named)
            postings.setdefault(k, []).append((rank, item_key, service))
            w = rank_weight(rank)
            if weights.get(k, 0) < w:
                weights[k] = w
        item_rows.append(
            (
                item_key,
                item_id,
                shop_key,
                kind,
                stocked,
                _keys_text(in_name),
                shown_item(item_id, name, kind, price_cents, stocked),
            )
        )
    flush_shop()
    for key, remaining in shop_weights.items():  # shops without items
        shop_term_rows.extend((k, key, w) for k, w in remaining.items())
    flush_rows(force=True)
    # One sorted insert: these postings' primary key starts with the term.
    shop_term_rows.sort()
    backend.bulk_insert(conn, m.search_shop_term, ("term_key", "shop_key", "weight"), shop_term_rows)

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
    backend.after_rebuild(conn)
    logger.info(
        "search index rebuilt: %d shops, %d items, %d words in %.1fs",
        len(shops),
        item_key,
        len(vocabulary.word_terms),
        time.perf_counter() - started,
    )
