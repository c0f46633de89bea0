"""Keeps the search index in step with shops and items written through the ORM, flush by flush.

`keep_in_step` listens to the Shop and Item mappers only: a flush that writes neither runs nothing of
search. The first shop or item written in a flush arms one listener on that session, which applies the
flush's changes to the index at its end, all together. Bulk loaders write with SQLAlchemy Core (no ORM
events) and then rebuild the index (rebuild.py).
"""

import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, event
from sqlalchemy.orm import Mapper, Session, UOWTransaction, object_session

from api.catalog.models import Item
from api.geo import unit_vector
from api.search import models as m
from api.search.backend import SearchBackend
from api.search.documents import (
    chunks,
    item_rank,
    item_words,
    keys_text,
    parse_keys,
    rank_weight,
    shop_words,
    word_forms,
)
from api.search.results import shown_item
from api.shops.models import Shop, ShopStatus

logger = logging.getLogger("api.search")

_SHOP_FIELDS = ("name", "category", "address", "status", "lat", "lon", "opening_hours")
_ITEM_FIELDS = ("shop_id", "kind", "name", "description", "category", "in_stock", "price_cents")
_SHOP = Shop.__table__  # type: ignore[attr-defined]
# Set in a session's info while its after-flush listener waits for the end of the flush.
_ARMED = "search_index_armed"
_MAPPER_EVENTS = ("after_insert", "after_update", "after_delete")

BackendFor = Callable[[str], SearchBackend]


_listening = False


def keep_in_step(backend_for: BackendFor) -> None:
    """Listen to shop and item writes (once per process; called where the app and the CLI are assembled)."""
    global _listening
    if _listening:
        return
    _listening = True

    def written(_mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
        session = object_session(target)
        if session is None or session.info.get(_ARMED):
            return
        session.info[_ARMED] = True

        def flushed(session: Session, _context: UOWTransaction) -> None:
            session.info.pop(_ARMED, None)
            changes = _collect(session)
            if changes:
                conn = session.connection()
                _apply(conn, backend_for(conn.dialect.name), changes)

        event.listen(session, "after_flush", flushed, once=True)

    for model in (Shop, Item):
        for name in _MAPPER_EVENTS:
            event.listen(model, name, written)


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
    """What the flush changed that the index shows (the session still holds its new, dirty and deleted)."""
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


# (shop key, term keys) whose (term, shop) postings must be computed again from their sources.
Affected = dict[int, set[int]]


def _apply(conn: Connection, backend: SearchBackend, changes: _Changes) -> None:
    affected: Affected = {}
    if changes.deleted_shops:
        _remove_shops(conn, backend, changes.deleted_shops)
    if changes.shops:
        _write_shops(conn, backend, list(changes.shops.values()), affected)
    items = [item for item in changes.items.values() if item.id not in changes.deleted_items]
    if items or changes.deleted_items:
        old = _indexed_items(conn, {i.id for i in items} | changes.deleted_items)
        _remove_items(conn, changes.deleted_items, old, affected)
        if items:
            _write_items(conn, backend, items, old, affected)
    _recompute_shop_terms(conn, backend, affected)


def _remove_shops(conn: Connection, backend: SearchBackend, shop_ids: set[uuid.UUID]) -> None:
    existing = _shop_keys(conn, shop_ids)
    for shop_key, terms in existing.values():
        item_terms = conn.execute(
            sa.select(m.search_item_term.c.term_key)
            .where(m.search_item_term.c.shop_key == shop_key)
            .distinct()
        ).scalars()
        doomed = parse_keys(terms) | set(item_terms)
        for chunk in chunks(sorted(doomed)):
            conn.execute(
                m.search_shop_term.delete().where(
                    m.search_shop_term.c.shop_key == shop_key, m.search_shop_term.c.term_key.in_(chunk)
                )
            )
        conn.execute(m.search_item_term.delete().where(m.search_item_term.c.shop_key == shop_key))
        conn.execute(m.search_item.delete().where(m.search_item.c.shop_key == shop_key))
        conn.execute(m.search_shop.delete().where(m.search_shop.c.key == shop_key))
    backend.shops_removed(conn, [key for key, _ in existing.values()])


def _write_shops(conn: Connection, backend: SearchBackend, shops: list[Shop], affected: Affected) -> None:
    existing = _shop_keys(conn, {shop.id for shop in shops})
    term_keys = _term_keys(
        conn, backend, [(s, t) for shop in shops for s, t, _ in shop_words(shop.name, shop.category)]
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
            "terms": keys_text(own),
        }
        if shop.id in existing:
            key, old_terms = existing[shop.id]
            conn.execute(m.search_shop.update().where(m.search_shop.c.key == key).values(**values))
            affected.setdefault(key, set()).update(own ^ parse_keys(old_terms))
        else:
            key = conn.execute(
                m.search_shop.insert().values(shop_id=shop.id, **values).returning(m.search_shop.c.key)
            ).scalar_one()
            affected.setdefault(key, set()).update(own)
        placed.append((key, shop.lat, shop.lon))
    backend.shops_placed(conn, placed)


# item id → (item key, shop key, term keys) as the index holds it.
Indexed = dict[uuid.UUID, tuple[int, int, str]]


def _indexed_items(conn: Connection, item_ids: set[uuid.UUID]) -> Indexed:
    old: Indexed = {}
    for chunk in chunks(sorted(item_ids)):
        rows = conn.execute(
            sa.select(
                m.search_item.c.item_id, m.search_item.c.key, m.search_item.c.shop_key, m.search_item.c.terms
            ).where(m.search_item.c.item_id.in_(chunk))
        )
        old.update({item_id: (key, shop_key, terms) for item_id, key, shop_key, terms in rows})
    return old


def _remove_postings(conn: Connection, key: int, shop_key: int, terms: str, affected: Affected) -> None:
    """An indexed item's postings go; its shop's (term, shop) postings of those terms are computed again."""
    previous = sorted(parse_keys(terms))
    for chunk in chunks(previous):
        conn.execute(
            m.search_item_term.delete().where(
                m.search_item_term.c.shop_key == shop_key,
                m.search_item_term.c.term_key.in_(chunk),
                m.search_item_term.c.item_key == key,
            )
        )
    affected.setdefault(shop_key, set()).update(previous)


def _remove_items(conn: Connection, item_ids: set[uuid.UUID], old: Indexed, affected: Affected) -> None:
    for item_id in item_ids:
        if item_id in old:
            key, shop_key, terms = old[item_id]
            _remove_postings(conn, key, shop_key, terms, affected)
            conn.execute(m.search_item.delete().where(m.search_item.c.key == key))


def _write_items(
    conn: Connection, backend: SearchBackend, items: list[Item], old: Indexed, affected: Affected
) -> None:
    shop_keys = {sid: key for sid, (key, _t) in _shop_keys(conn, {i.shop_id for i in items}).items()}
    extracted = {i.id: item_words(i.name, i.description, i.category) for i in items}
    term_keys = _term_keys(conn, backend, [(s, t) for found in extracted.values() for s, t, _ in found])
    postings: list[dict[str, Any]] = []
    for item in items:
        shop_key = shop_keys.get(item.shop_id)
        if shop_key is None:
            logger.warning("search index: item %s belongs to an unindexed shop", item.id)
            continue
        in_name: dict[int, bool] = {}
        for _surface, term, named in extracted[item.id]:
            k = term_keys[term]
            in_name[k] = in_name.get(k, False) or named
        values = {
            "shop_key": shop_key,
            "kind": item.kind,
            "in_stock": item.in_stock,
            "terms": keys_text(in_name),
            "shown": shown_item(item.id, item.name, item.kind, item.price_cents, item.in_stock),
        }
        if item.id in old:
            key, old_shop_key, old_terms = old[item.id]
            _remove_postings(conn, key, old_shop_key, old_terms, affected)
            conn.execute(m.search_item.update().where(m.search_item.c.key == key).values(**values))
        else:
            key = conn.execute(
                m.search_item.insert().values(item_id=item.id, **values).returning(m.search_item.c.key)
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


def _recompute_shop_terms(conn: Connection, backend: SearchBackend, affected: Affected) -> None:
    """Rewrite the (term, shop) postings of the given terms of each shop from their sources."""
    for shop_key, term_keys in sorted(affected.items()):
        if not term_keys:
            continue
        # Two transactions adding items to one shop would both delete, then both insert the same postings:
        # on PostgreSQL the shop's index row is locked until commit, so the second reads what the first
        # wrote. (SQLite has one writer at a time; FOR UPDATE is not written there.)
        conn.execute(sa.select(m.search_shop.c.key).where(m.search_shop.c.key == shop_key).with_for_update())
        weights = _own_weights(conn, backend, shop_key, term_keys)
        for chunk in chunks(sorted(term_keys)):
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


def _own_weights(
    conn: Connection, backend: SearchBackend, shop_key: int, term_keys: set[int]
) -> dict[int, int]:
    """The weights the shop's own name and category give to these terms."""
    own = conn.execute(sa.select(m.search_shop.c.shop_id).where(m.search_shop.c.key == shop_key)).first()
    if own is None:
        return {}
    shop = conn.execute(sa.select(_SHOP.c.name, _SHOP.c.category).where(_SHOP.c.id == own.shop_id)).first()
    if shop is None:
        return {}
    words = shop_words(shop.name, shop.category)
    by_term = _term_keys(conn, backend, [(s, t) for s, t, _ in words])
    weights: dict[int, int] = {}
    for _surface, term, weight in words:
        key = by_term[term]
        if key in term_keys:
            weights[key] = max(weights.get(key, 0), weight)
    return weights


def _shop_keys(conn: Connection, shop_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, tuple[int, str]]:
    found: dict[uuid.UUID, tuple[int, str]] = {}
    for chunk in chunks(sorted(set(shop_ids))):
        rows = conn.execute(
            sa.select(m.search_shop.c.shop_id, m.search_shop.c.key, m.search_shop.c.terms).where(
                m.search_shop.c.shop_id.in_(chunk)
            )
        )
        found.update({shop_id: (key, terms) for shop_id, key, terms in rows})
    return found


def _select_term_keys(conn: Connection, terms: Sequence[str]) -> dict[str, int]:
    keys: dict[str, int] = {}
    for chunk in chunks(sorted(terms)):
        rows = conn.execute(
            sa.select(m.search_term.c.term, m.search_term.c.key).where(m.search_term.c.term.in_(chunk))
        )
        keys.update({row.term: row.key for row in rows})
    return keys


def _term_keys(conn: Connection, backend: SearchBackend, words: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Term keys for (surface, term) pairs, creating missing terms and words."""
    pairs = {form: term for surface, term in words for form in word_forms(surface)}
    terms = set(pairs.values())
    keys = _select_term_keys(conn, list(terms))
    missing = sorted(terms - keys.keys())
    if missing:
        conn.execute(backend.insert_ignore(m.search_term), [{"term": t} for t in missing])
        keys.update(_select_term_keys(conn, missing))
    # Inserted, and the new ones returned, rather than looked up first: on PostgreSQL a young vocabulary
    # (no statistics yet) led the planner to read `word IN (...)` through the trigram index, seconds for
    # a few hundred words (a shop's own words and its trade words).
    rows: list[dict[str, Any]] = [
        {"word": w, "term_key": keys[t], "length": len(w), "frequency": 1} for w, t in sorted(pairs.items())
    ]
    new_words: list[str] = []
    for chunk in chunks(rows):
        inserted = conn.execute(backend.insert_ignore(m.search_word).returning(m.search_word.c.word), chunk)
        new_words += inserted.scalars()
    if new_words:
        backend.words_added(conn, new_words)
    return keys
