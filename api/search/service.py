"""The search itself (contract §5): expanding the words, finding and ranking shops, paging, matched items.

Ranking: each word of the query scores the best place it is found in a shop (shop name > category label or
trade word > name of an in-stock item > text of an in-stock item > out-of-stock items), times how exactly it
matched (the word itself > a completion of the last word > a typo); a shop's score is the sum over the words,
ties go to the nearer shop, then to the older index key so that the order is total and pages never overlap.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from api import geo
from api.pagination import decode_cursor, encode_cursor, unreadable_cursor
from api.search.backend import ITEM_CANDIDATES, SearchBackend
from api.search.query import (
    DEFAULT_RADIUS_M,
    EXACT,
    ONE_TYPO,
    PREFIX,
    QueryWord,
    SearchParams,
    Sort,
    match_quality,
    parse_query,
    validate,
)
from api.search.results import (
    MATCHED_ITEMS,
    NO_ITEMS,
    SHOWN_SHOP_COLUMNS,
    MatchedItem,
    SearchPage,
    SearchResult,
    uuid_text,
)
from api.shops import hours

# Doubling circles: a failed circle costs a fraction of the next one, which holds four times as many shops.
FIRST_RADII_M = (250, 500, 1000)
# The dot product of the unit vectors orders by great-circle distance, nearest first when descending: half
# the arithmetic of the squared chord, which counts when thousands of shops match.
_NEARNESS = "(s.x * :x0 + s.y * :y0 + s.z * :z0)"


def search(conn: Connection, backend: SearchBackend, params: SearchParams, now: datetime) -> SearchPage:
    validate(params)
    words = parse_query(params.q)
    terms = [w.term for w in words]
    expanded = expand(conn, backend, words) if words else []
    if any(not keys for keys in expanded):
        decode_cursor(params.cursor, params.fingerprint())
        return SearchPage(results=[], next_cursor=None, terms=terms)

    radius = params.radius_m or DEFAULT_RADIUS_M
    # Without words, shops come nearest first: when a smaller circle already holds a full page (and one
    # more shop, to know there is a next page), that page is the answer, and far fewer shops were sorted.
    for within in _growing_radii(radius) if params.has_location and not expanded else [radius]:
        picked, more = _pick(conn, backend, params, expanded, within, now)
        if more:
            break
    items = _matched_items(conn, backend, expanded, [p[0] for p in picked], params.kind)
    return SearchPage(
        results=_results(params, picked, items), next_cursor=_next_cursor(params, picked, more), terms=terms
    )


def expand(conn: Connection, backend: SearchBackend, words: list[QueryWord]) -> list[dict[int, int]]:
    """For each word, the term keys it may stand for, with their match quality."""
    expanded: list[dict[int, int]] = []
    for word, found in zip(words, backend.vocabulary_matches(conn, words), strict=True):
        keys: dict[int, int] = {}
        if found.exact is not None:
            keys[found.exact] = EXACT
        for completion, key in found.completions:
            quality = EXACT if completion == word.surface else PREFIX
            keys[key] = max(keys.get(key, 0), quality)
        for candidate, key in found.typo_candidates:
            if keys.get(key, 0) >= ONE_TYPO:
                continue
            quality = match_quality(word, candidate)
            if quality:
                keys[key] = max(keys.get(key, 0), quality)
        expanded.append(keys)
    return expanded


def _growing_radii(radius: float) -> list[float]:
    return [r for r in FIRST_RADII_M if r < radius] + [radius]


# (key, shop_id, score, nearness, lat, lon, open now, name, category, address) of a shop on the page.
Picked = tuple[int, Any, int, float, float, float, bool | None, str, str, str]


def _pick(
    conn: Connection,
    backend: SearchBackend,
    params: SearchParams,
    expanded: list[dict[int, int]],
    radius: float,
    now: datetime,
) -> tuple[list[Picked], bool]:
    """The page's shops within the radius, and whether more follow. Open now is decided on the rows, in
    Python: as many are read as it takes."""
    bind: dict[str, Any] = {}
    sql = _candidates_sql(conn, backend, params, expanded, bind, radius)
    picked: list[Picked] = []
    # Straight to the driver: these statements change with every query, compiling them would cost more.
    for key, score, nearness, shop_id, name, category, address, lat, lon, expression in backend.run(
        conn, sql, bind
    ):
        status = hours.open_now(expression, lat, lon, now)
        if params.open_now and status is not True:
            continue
        if len(picked) == params.limit:
            return picked, True
        picked.append((key, shop_id, int(score), float(nearness), lat, lon, status, name, category, address))
    return picked, False


def _candidates_sql(
    conn: Connection,
    backend: SearchBackend,
    params: SearchParams,
    expanded: list[dict[int, int]],
    bind: dict[str, Any],
    radius: float,
) -> str:
    located = params.lat is not None and params.lon is not None
    if params.lat is not None and params.lon is not None:
        x0, y0, z0 = geo.unit_vector(params.lat, params.lon)
        bind.update(
            x0=x0, y0=y0, z0=z0, min_nearness=geo.min_nearness(radius), lat=params.lat, lon=params.lon
        )
        bind.update(radius_m=radius, **geo.bounding_box(params.lat, params.lon, radius))
        near = _NEARNESS
    else:
        near = "0.0"
    conditions = ["s.active"]
    if params.category is not None:
        conditions.append("s.category = :category")
        bind["category"] = params.category
    if expanded:
        head, source, score = backend.matching_shops(conn, expanded, bind)
    else:
        head, source, score = "", "search_shop s", "0"
        if located:
            source, box = backend.near(bind)
            if box:
                conditions.append(box)
    if located:
        conditions.append(f"{near} >= :min_nearness")
    order, keyset = _order(params, near, score)
    if not expanded and not located:
        order = "s.key ASC"  # score and distance are constants: spare the database a sort
    position = decode_cursor(params.cursor, params.fingerprint())
    if position is not None:
        bind.update(_keyset_bind(params, position))
        conditions.append(keyset)
    sql = (
        f"{head}SELECT s.key, {score} AS score, {near} AS nearness, {SHOWN_SHOP_COLUMNS} "  # noqa: S608
        f"FROM {source} WHERE {' AND '.join(conditions)} ORDER BY {order}"
    )
    if not params.open_now:
        sql += f" LIMIT {int(params.limit) + 1}"
    return sql


def _order(params: SearchParams, near: str, score: str) -> tuple[str, str]:
    """ORDER BY and the keyset condition after the cursor's (first, second, key) position."""
    if params.sort == Sort.distance:
        first, second, order = near, score, "nearness DESC, score DESC, s.key ASC"
    else:
        first, second, order = score, near, "score DESC, nearness DESC, s.key ASC"
    keyset = (
        f"({first} < :p0 OR ({first} = :p0 AND {second} < :p1) "
        f"OR ({first} = :p0 AND {second} = :p1 AND s.key > :p2))"
    )
    return order, keyset


def _keyset_bind(params: SearchParams, position: list[Any]) -> dict[str, Any]:
    try:
        first, second, key = position
        if params.sort == Sort.distance:
            return {"p0": float(first), "p1": int(second), "p2": int(key)}
        return {"p0": int(first), "p1": float(second), "p2": int(key)}
    except (ValueError, TypeError):
        raise unreadable_cursor() from None


def _matched_items(
    conn: Connection,
    backend: SearchBackend,
    expanded: list[dict[int, int]],
    shop_keys: list[int],
    kind: str | None,
) -> dict[int, list[MatchedItem]]:
    """Each shop's items matching the most words, in stock first, name before description, at most 5.

    Postings are stored in that order, so each (shop, term) contributes only its first few: five when there
    is one word; with several words an item matching more of them may sit further down, and each term's
    first ITEM_CANDIDATES items per shop are compared.
    """
    if not expanded or not shop_keys:
        return {}
    pairs = [(i, key) for i, keys in enumerate(expanded) for key in sorted(keys)]
    depth = MATCHED_ITEMS if len(expanded) == 1 else ITEM_CANDIDATES
    service = None if kind is None else kind == "service"
    return backend.matched_items(conn, shop_keys, pairs, depth, service)


def _results(
    params: SearchParams, picked: list[Picked], items: dict[int, list[MatchedItem]]
) -> list[SearchResult]:
    origin = (
        geo.unit_vector(params.lat, params.lon) if params.lat is not None and params.lon is not None else None
    )
    results: list[SearchResult] = []
    for key, shop_id, score, _nearness, lat, lon, status, name, category, address in picked:
        results.append(
            {
                "shop": {
                    "id": uuid_text(shop_id),
                    "name": name,
                    "category": category,
                    "address": address,
                    "lat": lat,
                    "lon": lon,
                    "open_now": status,
                },
                "distance_m": None if origin is None else round(geo.distance_m(origin, lat, lon), 1),
                "matched_items": items.get(key, NO_ITEMS),
                "score": score / 100,
            }
        )
    return results


def _next_cursor(params: SearchParams, picked: list[Picked], more: bool) -> str | None:
    if not (more and picked):
        return None
    key, _shop_id, score, nearness, *_shown = picked[-1]
    position: list[Any] = [nearness, score, key] if params.sort == Sort.distance else [score, nearness, key]
    return encode_cursor(position, params.fingerprint())
