"""GET /api/v1/search (contract §5)."""

import asyncio
import time
import weakref
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Query, Response
from sqlalchemy import Connection, Engine

from api.catalog.models import ItemKind
from api.db import ReadScope, ReadScopeDep, utcnow
from api.errors import invalid
from api.pagination import Cursor, Limit
from api.search import log, search
from api.search import models as m
from api.search.query import MAX_RADIUS_M, SearchParams, Sort
from api.search.results import SearchResponse, page_json
from api.shops.categories import CATEGORIES

router = APIRouter(tags=["recherche"])

# PostgreSQL searches spend most of their time waiting for the database's three answers: eight threads keep
# this process's core busy meanwhile (four left it idle a third of the time on the 1M-item bench); more only
# take turns at the interpreter lock, each with its own connection whose statements must be prepared again.
# Other routes keep the default pool of threads.
SEARCH_THREADS = 8
_limiters: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter]" = (
    weakref.WeakKeyDictionary()
)


def _search_threads() -> anyio.CapacityLimiter:
    """The limiter of the running event loop (a limiter belongs to one loop; tests start several)."""
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = anyio.CapacityLimiter(SEARCH_THREADS)
    return limiter


@router.get("/search", response_model=SearchResponse)
async def search_shops(
    reads: ReadScopeDep,
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
        raise invalid("category", "Catégorie inconnue : choisissez-en une dans la liste des catégories.")
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
    if reads.dialect == "sqlite":
        # SQLite answers from this process's memory map, without waiting on anything but the CPU: a trip
        # to a thread would only add exchanges of the interpreter lock (measured: a twentieth of a search's
        # cost). PostgreSQL waits on the network, so its searches run in threads.
        body, line, writes_to = _answer(reads, params)
    else:
        body, line, writes_to = await anyio.to_thread.run_sync(
            _answer, reads, params, limiter=_search_threads()
        )
    if line is not None:  # once the read is over
        log.record(writes_to, line)
    return Response(body, media_type="application/json")


def _answer(
    reads: ReadScope, params: SearchParams
) -> tuple[bytes, dict[str, Any] | None, Engine | Connection]:
    """The page's JSON, the line for the search log (None for the following pages of a search) and where
    to write it."""
    started = time.perf_counter()
    with reads.open() as (conn, writes_to):
        page = search(conn, params, utcnow())
    body = page_json(page)
    if params.cursor is not None:  # following pages are the same search
        return body, None, writes_to
    filters = {
        "category": params.category,
        "kind": params.kind,
        "open_now": params.open_now,
        "sort": params.sort.value,
        "radius_m": params.radius_m,
    }
    line = {
        "query": (params.q or "").strip()[: m.MAX_QUERY_LENGTH],
        "terms": " ".join(page.terms)[: m.MAX_QUERY_LENGTH * 2],
        "filters": {k: v for k, v in filters.items() if v is not None},
        "had_location": params.has_location,
        "result_count": len(page.results),
        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        "created_at": utcnow(),
    }
    return body, line, writes_to
