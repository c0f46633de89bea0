"""GET /api/v1/search (contract §5)."""

import json
import threading
import time
import uuid
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, BackgroundTasks, Query, Response
from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.catalog.models import ItemKind
from api.catalog.search import models as m
from api.catalog.search.base import MAX_RADIUS_M, SearchPage, SearchParams, Sort, invalid, search
from api.db import READ_ONLY, ReadSessionScope, ReadSessionScopeDep, UTCDateTime, utcnow
from api.pagination import Cursor, Limit
from api.shops.categories import CATEGORIES

router = APIRouter(tags=["recherche"])


class MatchedItemOut(BaseModel):
    id: uuid.UUID
    name: str
    kind: str
    price_cents: int | None
    in_stock: bool


class SearchShopOut(BaseModel):
    id: uuid.UUID
    name: str
    category: str
    address: str
    lat: float
    lon: float
    open_now: bool | None


class SearchResultOut(BaseModel):
    shop: SearchShopOut
    distance_m: float | None
    matched_items: list[MatchedItemOut]
    score: float


class SearchResponse(BaseModel):
    results: list[SearchResultOut]
    next_cursor: str | None


_SQLITE_WRITER = threading.Lock()
_PENDING_LOCK = threading.Lock()
_pending: list[tuple[Any, dict[str, Any]]] = []
_SQLITE_LOG = m.search_log.insert()
_AUTOCOMMIT = {"isolation_level": "AUTOCOMMIT"}
_LOG_COLUMNS = ("query", "terms", "filters", "had_location", "result_count", "duration_ms", "created_at")
# One statement: the setting makes this transaction's commit skip the wait for the disk (losing the last
# lines of the log in a crash beats an fsync per search).
_POSTGRES_LOG = sa.text(
    f"INSERT INTO search_log ({', '.join(_LOG_COLUMNS)}) "  # noqa: S608 - fixed column names
    f"SELECT {', '.join(':' + c for c in _LOG_COLUMNS)} "
    "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS setting"
).bindparams(sa.bindparam("filters", type_=sa.JSON), sa.bindparam("created_at", type_=UTCDateTime()))


def _record(session: Session, values: dict[str, Any]) -> Any:
    """Log one search (never its position); on SQLite, hand back where to write it later."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.connection().execute(_POSTGRES_LOG, values)
        return None
    # SQLite: the read session must not write (it would have to upgrade its snapshot), so the line is
    # written once the answer has left, in a transaction of its own that takes the write lock at once.
    return bind.execution_options(**{READ_ONLY: False}) if isinstance(bind, Engine) else bind


def _write_sqlite_log(bind: Any, values: dict[str, Any]) -> None:
    with _PENDING_LOCK:
        _pending.append((bind, values))
    # Between two tries for the write lock SQLite's busy handler sleeps for milliseconds: this process's
    # threads queue on a lock instead, and the first one through writes every line waiting, in one commit.
    with _SQLITE_WRITER:
        with _PENDING_LOCK:
            batch = _pending.copy()
            _pending.clear()
        groups: dict[Any, tuple[Any, list[dict[str, Any]]]] = {}
        for target, line in batch:
            key = target.pool if isinstance(target, Engine) else target
            groups.setdefault(key, (target, []))[1].append(line)
        for target, lines in groups.values():
            with Session(target, join_transaction_mode="create_savepoint") as log:
                log.connection().execute(_SQLITE_LOG, lines)
                log.commit()


@router.get("/search", response_model=SearchResponse)
async def search_shops(
    read_session: ReadSessionScopeDep,
    background: BackgroundTasks,
    q: Annotated[
        str | None, Query(max_length=m.MAX_QUERY_LENGTH, description="Mots recherchés (facultatif).")
    ] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90, description="Latitude WGS 84.")] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180, description="Longitude WGS 84.")] = None,
    radius_m: Annotated[
        float | None, Query(gt=0, le=MAX_RADIUS_M, description="Rayon en mètres (2000 par défaut).")
    ] = None,
    kind: Annotated[ItemKind | None, Query(description="Ne garder que ces articles.")] = None,
    category: Annotated[str | None, Query(description="Catégorie de commerce (slug).")] = None,
    open_now: Annotated[bool, Query(description="Seulement les commerces ouverts maintenant.")] = False,
    sort: Annotated[Sort, Query(description="relevance (défaut) ou distance.")] = Sort.relevance,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Response:
    """Search active shops by what they are and what they sell; anonymous, no sign-in needed.

    Every word must match the shop's name, its category or one of its items, ignoring case, accents,
    plurals and small typos; the last word may be unfinished. Searches are logged without any position.
    """
    if category is not None and category not in CATEGORIES:
        raise invalid("category", "Catégorie inconnue : choisissez-en une de GET /api/v1/categories.")
    params = SearchParams(
        q=q,
        lat=lat,
        lon=lon,
        radius_m=radius_m,
        kind=kind.value if kind is not None else None,
        category=category,
        open_now=open_now,
        sort=sort,
        limit=limit,
        cursor=cursor,
    )
    # The session, the search, the log and the JSON in one trip to the thread pool.
    body, log = await run_in_threadpool(_answer, read_session, params)
    if log is not None:
        background.add_task(_write_sqlite_log, *log)
    return Response(body, media_type="application/json")


def _answer(read_session: ReadSessionScope, params: SearchParams) -> tuple[bytes, Any]:
    started = time.perf_counter()
    log = None
    with read_session() as session:
        bind = session.get_bind()
        # On PostgreSQL each statement of a search is its own transaction: no BEGIN and COMMIT round trips
        # (a page whose shop vanished between two statements just shows one shop less).
        options = _AUTOCOMMIT if isinstance(bind, Engine) and bind.dialect.name == "postgresql" else None
        page = search(session.connection(execution_options=options), params, utcnow())
        body = _page_json(page)
        if params.cursor is None:  # following pages are the same search
            filters = {
                "category": params.category,
                "kind": params.kind,
                "open_now": params.open_now,
                "sort": params.sort.value,
                "radius_m": params.radius_m,
            }
            values = {
                "query": (params.q or "").strip()[: m.MAX_QUERY_LENGTH],
                "terms": " ".join(page.terms)[: m.MAX_QUERY_LENGTH * 2],
                "filters": {k: v for k, v in filters.items() if v is not None},
                "had_location": params.has_location,
                "result_count": len(page.results),
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "created_at": utcnow(),
            }
            bind = _record(session, values)
            if bind is not None:
                log = (bind, values)
    return body, log


def _page_json(page: SearchPage) -> bytes:
    # Serialised by hand: validating a hundred nested models again costs more than the search itself.
    body = {
        "results": [
            {
                "shop": {
                    "id": str(r.shop.id),
                    "name": r.shop.name,
                    "category": r.shop.category,
                    "address": r.shop.address,
                    "lat": r.shop.lat,
                    "lon": r.shop.lon,
                    "open_now": r.shop.open_now,
                },
                "distance_m": r.distance_m,
                "matched_items": [
                    {
                        "id": str(i.id),
                        "name": i.name,
                        "kind": i.kind,
                        "price_cents": i.price_cents,
                        "in_stock": i.in_stock,
                    }
                    for i in r.matched_items
                ],
                "score": r.score,
            }
            for r in page.results
        ],
        "next_cursor": page.next_cursor,
    }
    return json.dumps(body, ensure_ascii=False).encode()
