"""GET /api/v1/search (contract §5)."""

import json
import threading
import time
import uuid
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, BackgroundTasks, Query, Response
from pydantic import BaseModel
from sqlmodel import Session

from api.catalog.models import ItemKind
from api.catalog.search import models as m
from api.catalog.search.base import MAX_RADIUS_M, SearchParams, Sort, invalid, search
from api.db import ReadSessionDep, SessionDep, UTCDateTime, utcnow
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
_LOG_COLUMNS = ("query", "terms", "filters", "had_location", "result_count", "duration_ms", "created_at")
# One statement: the setting makes this transaction's commit skip the wait for the disk (losing the last
# lines of the log in a crash beats an fsync per search).
_POSTGRES_LOG = sa.text(
    f"INSERT INTO search_log ({', '.join(_LOG_COLUMNS)}) "  # noqa: S608 - fixed column names
    f"SELECT {', '.join(':' + c for c in _LOG_COLUMNS)} "
    "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS setting"
).bindparams(sa.bindparam("filters", type_=sa.JSON), sa.bindparam("created_at", type_=UTCDateTime()))


def _record(session: Session, log_session: Session, background: BackgroundTasks, **values: Any) -> None:
    """Log one search (never its position)."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(_POSTGRES_LOG, values)
        return
    # SQLite: the read session must not write (it would have to upgrade its snapshot), so the line is
    # written once the answer has left, in a transaction of its own.
    background.add_task(_write_sqlite_log, log_session.get_bind(), values)


def _write_sqlite_log(bind: Any, values: dict[str, Any]) -> None:
    # Between two tries for the write lock SQLite's busy handler sleeps for milliseconds: this process's
    # threads queue on a lock instead.
    with _SQLITE_WRITER, Session(bind, join_transaction_mode="create_savepoint") as log:
        log.connection().execute(m.search_log.insert().values(**values))
        log.commit()


@router.get("/search", response_model=SearchResponse)
def search_shops(
    session: ReadSessionDep,
    log_session: SessionDep,
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
    started = time.perf_counter()
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
    page = search(session.connection(), params, utcnow())
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
    if cursor is None:  # following pages are the same search
        filters = {
            "category": category,
            "kind": params.kind,
            "open_now": open_now,
            "sort": sort.value,
            "radius_m": radius_m,
        }
        _record(
            session,
            log_session,
            background,
            query=(q or "").strip()[: m.MAX_QUERY_LENGTH],
            terms=" ".join(page.terms)[: m.MAX_QUERY_LENGTH * 2],
            filters={k: v for k, v in filters.items() if v is not None},
            had_location=params.has_location,
            result_count=len(page.results),
            duration_ms=round((time.perf_counter() - started) * 1000, 2),
            created_at=utcnow(),
        )
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/json")
