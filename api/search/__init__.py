"""Product and service search (contract §5), above shops and the catalogue, whose tables it indexes.

Its parts: `query` (parameters, words, typo distance), `results` (the answer's shape), `backend` (what a
database must do natively) with one backend per database (`sqlite`, `postgres`), `service` (the search
itself), `documents`, `upkeep` and `rebuild` (the index), `log` (what people search), `routes` (HTTP).

This module chooses the backend for a database, and `install` wires search to an engine and to the ORM:
the app and the command line call it where they are assembled; nothing registers itself on import.
"""

import uuid
from datetime import datetime

from sqlalchemy import Connection, Engine, event, func, select
from sqlmodel import Session

from api.search import postgres, rebuild, service, upkeep
from api.search.backend import SearchBackend
from api.search.models import search_shop
from api.search.postgres import PostgresBackend
from api.search.query import SearchParams, Sort
from api.search.results import SearchPage
from api.search.sqlite import SQLiteBackend

__all__ = [
    "SearchPage",
    "SearchParams",
    "Sort",
    "backend_for",
    "indexes_every",
    "install",
    "rebuild_index",
    "search",
    "settle_after_bulk_load",
]

_BACKENDS: dict[str, SearchBackend] = {"sqlite": SQLiteBackend(), "postgresql": PostgresBackend()}


def backend_for(dialect: str) -> SearchBackend:
    try:
        return _BACKENDS[dialect]
    except KeyError:  # pragma: no cover - the app runs on SQLite or PostgreSQL only
        raise RuntimeError(f"search does not support the {dialect} database") from None


def install(engine: Engine) -> None:
    """Keep the index in step with shop and item writes, and prepare the engine's connections (PostgreSQL:
    pg_trgm's similarity floor). Safe to call more than once."""
    upkeep.keep_in_step(backend_for)
    if engine.dialect.name == "postgresql" and not event.contains(
        engine, "connect", postgres.set_trigram_floor
    ):
        event.listen(engine, "connect", postgres.set_trigram_floor)


def search(conn: Connection, params: SearchParams, now: datetime) -> SearchPage:
    return service.search(conn, backend_for(conn.dialect.name), params, now)


def rebuild_index(session: Session) -> None:
    """Rebuild every search table from `shop` and `item` (after a bulk load with SQLAlchemy Core)."""
    conn = session.connection()
    rebuild.rebuild_index(conn, backend_for(conn.dialect.name))


def settle_after_bulk_load(engine: Engine) -> None:
    """Once a rebuild has committed: VACUUM on PostgreSQL, so that index-only scans spare the tables."""
    rebuild.settle_after_bulk_load(engine, backend_for(engine.dialect.name))


def indexes_every(session: Session, shop_ids: list[uuid.UUID]) -> bool:
    """Whether the index knows every one of these shops (it may predate them, or have been emptied)."""
    known = session.execute(
        select(func.count()).select_from(search_shop).where(search_shop.c.shop_id.in_(shop_ids))
    ).scalar_one()
    return int(known) == len(shop_ids)
