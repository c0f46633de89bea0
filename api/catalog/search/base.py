"""Search (contract §5): query parsing, word expansion, ranking and paging, shared by both databases.

A backend (sqlite.py, postgres.py) only supplies what its database does natively: where the vocabulary is
searched for typos and prefixes, how shops near a point are found, and how the index is bulk-written.

Ranking: each word of the query scores the best place it is found in a shop (shop name > category label >
name of an in-stock item > text of an in-stock item > out-of-stock items), times how exactly it matched (the
word itself > a completion of the last word > a typo); a shop's score is the sum over the words, ties go to
the nearer shop, then to the older index key so that the order is total and pages never overlap.
"""

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, TypedDict

import orjson
import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.sql.dml import Insert

from api.catalog import text
from api.catalog.search import models as m
from api.errors import ValidationFailed
from api.pagination import decode_cursor, encode_cursor
from api.shops import hours

EARTH_RADIUS_M = 6_371_008.8
DEFAULT_RADIUS_M = 2000
MAX_RADIUS_M = 50_000
MAX_WORDS = 10
MATCHED_ITEMS = 5
ITEM_CANDIDATES = 20
PREFIX_EXPANSIONS = 24
TYPO_CANDIDATES = 400
MIN_PREFIX = 2
# Match quality, in percent of the place's weight (integers keep scores exact across pages).
EXACT, PREFIX, ONE_TYPO, TWO_TYPOS = 100, 75, 35, 30


class Sort(StrEnum):
    relevance = "relevance"
    distance = "distance"


@dataclass(frozen=True, slots=True)
class SearchParams:
    q: str | None = None
    lat: float | None = None
    lon: float | None = None
    radius_m: float | None = None
    kind: str | None = None
    category: str | None = None
    open_now: bool = False
    sort: Sort = Sort.relevance
    limit: int = 20
    cursor: str | None = None

    @property
    def has_location(self) -> bool:
        return self.lat is not None and self.lon is not None

    def fingerprint(self) -> dict[str, Any]:
        """What a cursor is bound to: every parameter but the page size and the cursor itself."""
        return {
            "q": self.q or "",
            "lat": self.lat,
            "lon": self.lon,
            "radius_m": self.radius_m,
            "kind": self.kind,
            "category": self.category,
            "open_now": self.open_now,
            "sort": self.sort.value,
        }


def shown_item(item_id: Any, name: str, kind: str, price_cents: int | None, in_stock: bool) -> str:
    """An item as a search result shows it (search_item.shown), in the response's field order."""
    return orjson.dumps(
        {
            "id": uuid_text(item_id),
            "name": name,
            "kind": kind,
            "price_cents": price_cents,
            "in_stock": in_stock,
        }
    ).decode()


def shown_items(shown: Sequence[str]) -> orjson.Fragment:
    """A shop's matched items: their stored JSON, copied into the response as they are."""
    return orjson.Fragment(f"[{','.join(shown)}]")


# A shop's matched items, as the JSON array the response carries.
Items = orjson.Fragment
NO_ITEMS = orjson.Fragment(b"[]")


# Results are plain dictionaries in the response's field order: orjson writes them five times faster than
# dataclasses, and a page holds forty of them.
class ShopHit(TypedDict):
    id: str
    name: str
    category: str
    address: str
    lat: float
    lon: float
    open_now: bool | None


class SearchResult(TypedDict):
    shop: ShopHit
    distance_m: float | None
    matched_items: Items
    score: float


@dataclass
class SearchPage:
    results: list[SearchResult]
    next_cursor: str | None
    terms: list[str] = field(default_factory=list)


def invalid(field_name: str, detail: str) -> ValidationFailed:
    return ValidationFailed(detail, errors=[{"field": field_name, "detail": detail}])


def validate(params: SearchParams) -> None:
    """Rules that span several parameters (single ones are checked by the route's declarations)."""
    if (params.lat is None) != (params.lon is None):
        missing = "lon" if params.lon is None else "lat"
        raise invalid(missing, "La latitude et la longitude vont ensemble : donnez les deux ou aucune.")
    if not params.has_location:
        if params.sort == Sort.distance:
            raise invalid("sort", "Le tri par distance demande une position (lat et lon).")
        if params.radius_m is not None:
            raise invalid("radius_m", "Un rayon de recherche demande une position (lat et lon).")
    if params.radius_m is not None and not 0 < params.radius_m <= MAX_RADIUS_M:
        raise invalid("radius_m", f"Le rayon doit être compris entre 1 et {MAX_RADIUS_M} mètres.")
    if params.q is not None and len(params.q) > m.MAX_QUERY_LENGTH:
        raise invalid("q", f"La recherche dépasse {m.MAX_QUERY_LENGTH} caractères.")


# --- words ----------------------------------------------------------------------------------------------


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of two neighbours is one typo), or limit + 1 beyond it.

    Only the band of cells within `limit` of the diagonal is computed, after the common prefix and suffix.
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end = 0
    while end < len(a) - start and end < len(b) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    a, b = a[start : len(a) - end], b[start : len(b) - end]
    la, lb = len(a), len(b)
    beyond = limit + 1
    if not la or not lb:
        return min(max(la, lb), beyond)
    previous2: list[int] = []
    previous = list(range(lb + 1))
    for i in range(1, la + 1):
        current = [beyond] * (lb + 1)
        current[0] = i if i <= limit else beyond
        best = current[0]
        ai = a[i - 1]
        for j in range(max(1, i - limit), min(lb, i + limit) + 1):
            bj = b[j - 1]
            value = previous[j - 1] + (ai != bj)
            if previous[j] + 1 < value:
                value = previous[j] + 1
            if current[j - 1] + 1 < value:
                value = current[j - 1] + 1
            if i > 1 and j > 1 and ai == b[j - 2] and a[i - 2] == bj and previous2[j - 2] + 1 < value:
                value = previous2[j - 2] + 1
            current[j] = value
            if value < best:
                best = value
        if best > limit:
            return beyond
        previous2, previous = previous, current
    return min(previous[lb], beyond)


def allowed_typos(surface: str) -> int:
    return 2 if len(surface) >= 9 else 1 if len(surface) >= 5 else 0


@dataclass(frozen=True, slots=True)
class QueryWord:
    surface: str
    term: str
    prefix: bool


def parse_query(q: str | None) -> list[QueryWord]:
    found = text.tokens(q or "")
    if len(found) > MAX_WORDS:
        raise invalid("q", f"La recherche compte trop de mots : {MAX_WORDS} au plus.")
    # Typing as you go: the last word may be unfinished, unless a space or punctuation closed it.
    open_ended = bool(q) and q is not None and q[-1].isalnum()
    return [
        QueryWord(surface=t.surface, term=t.term, prefix=open_ended and i == len(found) - 1)
        for i, t in enumerate(found)
    ]


@dataclass(frozen=True, slots=True)
class WordMatches:
    exact: int | None
    completions: list[tuple[str, int]]
    typo_candidates: list[tuple[str, int]]


# --- hours ----------------------------------------------------------------------------------------------

_SUN_EVENTS = ("sun", "dawn", "dusk")
_HOURS_CACHE_MAX = 20_000
_HOURS_RECHECK = timedelta(hours=6)
_hours_cache: dict[Any, tuple[datetime, datetime, bool | None]] = {}
_sun_dependent: dict[str, bool] = {}


def open_now(expression: str | None, lat: float, lon: float, now: datetime) -> bool | None:
    """hours.status, remembered until its next change: most shops share a few expressions."""
    if expression is None:
        return None
    sun = _sun_dependent.get(expression)
    if sun is None:
        if len(_sun_dependent) >= _HOURS_CACHE_MAX:
            _sun_dependent.clear()
        lowered = expression.lower()
        sun = _sun_dependent[expression] = any(e in lowered for e in _SUN_EVENTS)
    key: Any = (expression, lat, lon) if sun else expression
    cached = _hours_cache.get(key)
    if cached is not None and cached[0] <= now < cached[1]:
        return cached[2]
    try:
        status = hours.status(expression, lat, lon, now)
    except Exception:  # hours imported unchecked (a parser error): unknown rather than a failed search
        status = hours.Status(open_now=None, next_change_at=None)
    until = status.next_change_at or now + _HOURS_RECHECK
    if len(_hours_cache) >= _HOURS_CACHE_MAX:
        _hours_cache.clear()
    _hours_cache[key] = (now, min(until, now + _HOURS_RECHECK), status.open_now)
    return status.open_now


# --- backends -------------------------------------------------------------------------------------------


class SearchBackend(ABC):
    """What one database does natively; the rest of search is shared."""

    dialect: str

    # index writing
    @abstractmethod
    def insert_ignore(self, table: sa.Table) -> Insert: ...

    @abstractmethod
    def bulk_insert(
        self, conn: Connection, table: sa.Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> None: ...

    @abstractmethod
    def clear(self, conn: Connection) -> None: ...

    def words_added(self, conn: Connection, words: Sequence[str]) -> None:  # noqa: B027 - optional hook
        """New vocabulary words (a backend may index them for typo look-ups)."""

    def shops_placed(self, conn: Connection, placed: Sequence[tuple[int, float, float]]) -> None:  # noqa: B027
        """Shops (key, lat, lon) added or moved."""

    def shops_removed(self, conn: Connection, keys: Sequence[int]) -> None:  # noqa: B027
        """Shops removed from the index."""

    def postings_changed(self, conn: Connection, shop_key: int, term_keys: Sequence[int]) -> None:  # noqa: B027
        """The item postings of these terms of a shop were rewritten."""

    def before_rebuild(self, conn: Connection) -> None:  # noqa: B027
        """Prepare the connection for a bulk load."""

    def after_rebuild(self, conn: Connection) -> None:  # noqa: B027
        """Refresh planner statistics after a bulk load."""

    def after_bulk_commit(self, conn: Connection) -> None:  # noqa: B027
        """Once a rebuild has committed: upkeep that cannot run inside its transaction (on a connection in
        autocommit mode)."""

    # querying
    def vocabulary_matches(self, conn: Connection, words: list[QueryWord]) -> list[WordMatches]:
        """What the vocabulary holds for each word: its term, completions of an unfinished last word, and
        typo candidates (only for a word the catalogue does not know: « poivre » does not bring « poire »)."""
        bind: dict[str, Any] = {}
        wanted = self.in_list(bind, sorted({w.term for w in words}))
        exact = dict(self.run(conn, f"SELECT term, key FROM search_term WHERE term {wanted}", bind))  # noqa: S608
        found: list[WordMatches] = []
        for word in words:
            typos = allowed_typos(word.surface)
            found.append(
                WordMatches(
                    exact=exact.get(word.term),
                    completions=self.prefix_words(conn, word.surface, PREFIX_EXPANSIONS)
                    if word.prefix and len(word.surface) >= MIN_PREFIX
                    else [],
                    typo_candidates=self.typo_candidates(conn, word.surface, typos)
                    if typos and word.term not in exact
                    else [],
                )
            )
        return found

    def run(self, conn: Connection, sql: str, params: dict[str, Any]) -> Any:
        """Execute SQL written with :name parameters on the driver's own cursor (SQLAlchemy's result wrapping
        costs more than these small queries); rows are the driver's tuples (a UUID is 32 hexadecimal digits on
        SQLite)."""
        return conn.connection.driver_connection.execute(sql, params)  # type: ignore[union-attr]

    def in_list(self, params: dict[str, Any], values: Sequence[Any]) -> str:
        """`IN (...)` over driver-level values, adding their parameters."""
        names = []
        for value in values:
            name = f"in{len(params)}"
            params[name] = value
            names.append(f":{name}")
        return f"IN ({', '.join(names)})"

    @abstractmethod
    def matching_shops(
        self, conn: Connection, expanded: list[dict[int, int]], bind: dict[str, Any]
    ) -> tuple[str, str, str]:
        """(WITH clause or "", FROM clause giving shops `s`, score expression) for the shops where every word
        of the query is found; a word scores the best weight × quality of its terms in the shop, a shop the
        sum over the words. `expanded` holds, for each word, its term keys and their match quality."""

    @abstractmethod
    def prefix_words(self, conn: Connection, prefix: str, limit: int) -> list[tuple[str, int]]:
        """(word, term key) of vocabulary words starting with prefix, most frequent first."""

    @abstractmethod
    def typo_candidates(self, conn: Connection, surface: str, max_typos: int) -> list[tuple[str, int]]:
        """(word, term key) of vocabulary words that may lie within max_typos edits (verified later)."""

    @abstractmethod
    def matched_items(
        self,
        conn: Connection,
        shop_keys: list[int],
        pairs: list[tuple[int, int]],
        depth: int,
        service: bool | None,
    ) -> dict[int, Items]:
        """Each shop's best items for the (word_no, term_key) pairs: the items matching most words, then the
        best placed (rank), then the oldest (index key), at most MATCHED_ITEMS. Only each (shop, term)'s
        first `depth` postings are compared; of services or products only if asked."""

    @abstractmethod
    def near(self, bind: dict[str, Any]) -> tuple[str, str]:
        """(FROM clause, WHERE condition or "") for shops `s` near the point, through the spatial index
        where it pays.

        `bind` holds lat, lon, radius_m and the bounding box lat_lo, lat_hi, lon_lo, lon_hi; the exact
        distance is checked afterwards."""


_backends: dict[str, SearchBackend] = {}


def backend_for(conn: Connection) -> SearchBackend:
    name = conn.dialect.name
    backend = _backends.get(name)
    if backend is None:
        if name == "sqlite":
            from api.catalog.search.sqlite import SQLiteBackend

            backend = SQLiteBackend()
        elif name == "postgresql":
            from api.catalog.search.postgres import PostgresBackend

            backend = PostgresBackend()
        else:  # pragma: no cover
            raise RuntimeError(f"search does not support the {name} database")
        _backends[name] = backend
    return backend


# --- the search itself ----------------------------------------------------------------------------------


def _expand(conn: Connection, backend: SearchBackend, words: list[QueryWord]) -> list[dict[int, int]]:
    """For each word, the term keys it may stand for, with their match quality."""
    expanded: list[dict[int, int]] = []
    for word, found in zip(words, backend.vocabulary_matches(conn, words), strict=True):
        keys: dict[int, int] = {}
        if found.exact is not None:
            keys[found.exact] = EXACT
        for completion, key in found.completions:
            quality = EXACT if completion == word.surface else PREFIX
            keys[key] = max(keys.get(key, 0), quality)
        typos = allowed_typos(word.surface)
        for candidate, key in found.typo_candidates:
            if keys.get(key, 0) >= ONE_TYPO:
                continue
            distance = edit_distance(word.surface, candidate, typos)
            if distance <= typos:
                quality = EXACT if distance == 0 else ONE_TYPO if distance == 1 else TWO_TYPOS
                keys[key] = max(keys.get(key, 0), quality)
        expanded.append(keys)
    return expanded


def max_chord2(radius_m: float) -> float:
    return (2 * math.sin(min(radius_m / EARTH_RADIUS_M, math.pi) / 2)) ** 2


def min_nearness(radius_m: float) -> float:
    """The smallest dot product of two unit vectors at most radius_m apart (|u - v|² = 2 - 2 u·v)."""
    return 1 - max_chord2(radius_m) / 2


def uuid_text(value: Any) -> str:
    """A UUID's canonical text, from a UUID or from the 32 hexadecimal digits SQLite stores."""
    if isinstance(value, str) and len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(value)


def distance_from_chord2(chord2: float) -> float:
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(max(chord2, 0.0)) / 2))


def distance_between(origin: tuple[float, float, float], lat: float, lon: float) -> float:
    """Great-circle metres from a unit vector to a point, through the chord: exact where 1 - u·v is not."""
    x, y, z = unit_vector(lat, lon)
    return distance_from_chord2((x - origin[0]) ** 2 + (y - origin[1]) ** 2 + (z - origin[2]) ** 2)


def bounding_box(lat: float, lon: float, radius_m: float) -> dict[str, float]:
    angle = radius_m / EARTH_RADIUS_M
    margin = 1e-6
    dlat = math.degrees(angle) + margin
    cos_lat = math.cos(math.radians(min(abs(lat) + math.degrees(angle), 90.0)))
    dlon = (
        180.0
        if cos_lat < 1e-9
        else min(180.0, math.degrees(math.asin(min(1.0, math.sin(angle) / cos_lat))) + margin)
    )
    return {"lat_lo": lat - dlat, "lat_hi": lat + dlat, "lon_lo": lon - dlon, "lon_hi": lon + dlon}


def unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    phi, lam = math.radians(lat), math.radians(lon)
    return math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)


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
        x0, y0, z0 = unit_vector(params.lat, params.lon)
        bind.update(x0=x0, y0=y0, z0=z0, min_nearness=min_nearness(radius), lat=params.lat, lon=params.lon)
        bind.update(radius_m=radius, **bounding_box(params.lat, params.lon, radius))
        # The dot product of the unit vectors orders by great-circle distance, nearest first when
        # descending: half the arithmetic of the squared chord, which counts when thousands of shops match.
        near = "(s.x * :x0 + s.y * :y0 + s.z * :z0)"
    else:
        near = "0.0"
    conditions = ["s.active"]
    if params.category is not None:
        conditions.append("s.category = :category")
        bind["category"] = params.category
    if expanded:
        head, source, score = backend.matching_shops(conn, expanded, bind)
    else:
        head = ""
        source = "search_shop s"
        score = "0"
        if located:
            source, box = backend.near(bind)
            if box:
                conditions.append(box)
    if located:
        conditions.append(f"{near} >= :min_nearness")
    position = decode_cursor(params.cursor, params.fingerprint())
    if params.sort == Sort.distance:
        order = "nearness DESC, score DESC, s.key ASC"
        keyset = (
            f"({near} < :p0 OR ({near} = :p0 AND {score} < :p1) "
            f"OR ({near} = :p0 AND {score} = :p1 AND s.key > :p2))"
        )
    else:
        order = "score DESC, nearness DESC, s.key ASC"
        keyset = (
            f"({score} < :p0 OR ({score} = :p0 AND {near} < :p1) "
            f"OR ({score} = :p0 AND {near} = :p1 AND s.key > :p2))"
        )
    if not expanded and not located:
        order = "s.key ASC"  # score and distance are constants: spare the database a sort
    if position is not None:
        try:
            first, second, key = position
            if params.sort == Sort.distance:
                bind.update(p0=float(first), p1=int(second), p2=int(key))
            else:
                bind.update(p0=int(first), p1=float(second), p2=int(key))
        except (ValueError, TypeError):
            raise invalid(
                "cursor", "Ce curseur est illisible : recommencez depuis la première page."
            ) from None
        conditions.append(keyset)
    sql = (
        f"{head}SELECT s.key, s.shop_id, {score} AS score, {near} AS nearness, s.opening_hours, "  # noqa: S608
        f"s.lat, s.lon, s.name, s.category, s.address FROM {source} WHERE {' AND '.join(conditions)} "
        f"ORDER BY {order}"
    )
    if not params.open_now:  # open now is decided on the rows, in Python: as many are read as it takes
        sql += f" LIMIT {int(params.limit) + 1}"
    return sql


# Doubling circles: a failed circle costs a fraction of the next one, which holds four times as many shops.
FIRST_RADII_M = (250, 500, 1000)


def _growing_radii(radius: float) -> list[float]:
    return [r for r in FIRST_RADII_M if r < radius] + [radius]


def _matched_items(
    conn: Connection,
    backend: "SearchBackend",
    expanded: list[dict[int, int]],
    shop_keys: list[int],
    kind: str | None,
) -> dict[int, Items]:
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


def search(conn: Connection, params: SearchParams, now: datetime) -> SearchPage:
    validate(params)
    backend = backend_for(conn)
    words = parse_query(params.q)
    terms = [w.term for w in words]
    expanded = _expand(conn, backend, words) if words else []
    if any(not keys for keys in expanded):
        decode_cursor(params.cursor, params.fingerprint())
        return SearchPage(results=[], next_cursor=None, terms=terms)

    radius = params.radius_m or DEFAULT_RADIUS_M
    # Without words, shops come nearest first: when a smaller circle already holds a full page (and one
    # more shop, to know there is a next page), that page is the answer, and far fewer shops were sorted.
    for within in _growing_radii(radius) if params.has_location and not expanded else [radius]:
        bind: dict[str, Any] = {}
        sql = _candidates_sql(conn, backend, params, expanded, bind, within)
        picked: list[tuple[Any, ...]] = []
        more = False
        # Straight to the driver: these statements change with every query, compiling them would cost more.
        for key, shop_id, score, nearness, expression, lat, lon, name, category, address in backend.run(
            conn, sql, bind
        ):
            status = open_now(expression, lat, lon, now)
            if params.open_now and status is not True:
                continue
            if len(picked) == params.limit:
                more = True
                break
            picked.append(
                (key, shop_id, int(score), float(nearness), lat, lon, status, name, category, address)
            )
        if more:
            break

    items = _matched_items(conn, backend, expanded, [p[0] for p in picked], params.kind)
    results: list[SearchResult] = []
    origin = (
        unit_vector(params.lat, params.lon) if params.lat is not None and params.lon is not None else None
    )
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
                "distance_m": None if origin is None else round(distance_between(origin, lat, lon), 1),
                "matched_items": items.get(key, NO_ITEMS),
                "score": score / 100,
            }
        )
    next_cursor = None
    if more and picked:
        key, _shop_id, score, nearness, *_shown = picked[-1]
        position: list[Any] = (
            [nearness, score, key] if params.sort == Sort.distance else [score, nearness, key]
        )
        next_cursor = encode_cursor(position, params.fingerprint())
    return SearchPage(results=results, next_cursor=next_cursor, terms=terms)
