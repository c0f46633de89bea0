"""SQLite: an R*Tree over shop positions and a trigram table over the vocabulary for typo candidates.

Typo candidates use the q-gram count filter: a word within k edits of the query shares at least
|grams(query)| − 4k of its padded trigrams (a swap of neighbours touches four), so the filter loses no true
match; `edit_distance` then checks each candidate.
"""

import uuid
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.dml import Insert

from api.search import models as m
from api.search.backend import (
    ITEM_CANDIDATES,
    MIN_PREFIX,
    PREFIX_EXPANSIONS,
    TYPO_CANDIDATES,
    SearchBackend,
    WordMatches,
)
from api.search.query import QueryWord, allowed_typos
from api.search.results import MATCHED_ITEMS, MatchedItem, shown_items

RTREE = f"{m.NATIVE_PREFIX}shop_rtree"
GRAMS = f"{m.NATIVE_PREFIX}word_gram"
# Per (shop, term), its first ITEM_CANDIDATES postings as a JSON array of rank × 2³² + item key (so that
# the numbers sort as the postings do): a page's matched items are read in one step per (shop, term)
# instead of one per posting (migration 9d2b6f41c3a8).
TOP = f"{m.NATIVE_PREFIX}item_top"
# Each term's number of shops, kept by triggers on search_shop_term (migration 6c1e8b4d2a07).
TERM_SHOPS = f"{m.NATIVE_PREFIX}term_shops"
_TERM_SHOPS = f"SELECT term_key, shops FROM {TERM_SHOPS} WHERE term_key IN (SELECT value FROM json_each(?))"  # noqa: S608
RANK_SHIFT = 32
ITEM_MASK = (1 << RANK_SHIFT) - 1
TOP_FILL = (
    f"INSERT INTO {TOP} (shop_key, term_key, items) "  # noqa: S608
    f"SELECT shop_key, term_key, '[' || group_concat(rank * {1 << RANK_SHIFT} + item_key, ',') || ']' "
    "FROM (SELECT shop_key, term_key, rank, item_key, ROW_NUMBER() OVER ("
    "PARTITION BY shop_key, term_key ORDER BY rank, item_key) AS n FROM search_item_term{where}) "
    f"WHERE n <= {ITEM_CANDIDATES} GROUP BY shop_key, term_key"
)
_TOP_READ = (
    f"SELECT t.shop_key, t.term_key, t.items FROM json_each(?) s CROSS JOIN json_each(?) w "  # noqa: S608
    f"CROSS JOIN {TOP} t ON t.shop_key = s.value AND t.term_key = w.value"
)
_ITEMS_SHOWN = "SELECT i.value, si.shown FROM json_each(?) i JOIN search_item si ON si.key = i.value"
_TABLES = (
    TOP,
    m.search_shop_term,
    TERM_SHOPS,
    m.search_item_term,
    m.search_item,
    m.search_shop,
    m.search_word,
    m.search_term,
)
REBUILD_CACHE_KIB = 512 * 1024
# Beyond this radius a circle holds much of downtown: reading every shop's position straight from search_shop
# costs half what the R*Tree's virtual table does per shop (3,000 shops: 0.6 ms against 1.3 ms).
RTREE_MAX_RADIUS_M = 500
DEFAULT_CACHE_SIZE = -2000
MAX_BRANCHES = 400


@lru_cache(maxsize=1024)
def _matched_items_sql(shops: int, terms_per_word: tuple[int, ...], service: bool) -> str:
    """Each shop's best items in one statement: shops are ?1…?S, then each word's terms, then the depth.

    For each shop and term, the first `depth` postings in primary-key order (one branch each, so that each
    reads only the start of its index range); then per shop the items matching most words, best rank
    first. The text depends only on the counts, so the driver's statement cache prepares it once.
    """
    kind = f"AND is_service = {1 if service else 0} "
    depth = shops + sum(terms_per_word) + 1
    branches = []
    for shop in range(1, shops + 1):
        term = shops + 1
        for word_no, count in enumerate(terms_per_word):
            for _ in range(count):
                branches.append(
                    f"SELECT * FROM (SELECT ?{shop} AS shop_key, {word_no} AS word_no, item_key, rank "  # noqa: S608
                    f"FROM search_item_term WHERE shop_key = ?{shop} AND term_key = ?{term} {kind}"
                    f"ORDER BY rank, item_key LIMIT ?{depth})"
                )
                term += 1
    return (
        f"WITH postings AS ({' UNION ALL '.join(branches)}), "  # noqa: S608
        "hits AS (SELECT shop_key, item_key, COUNT(DISTINCT word_no) AS words, MIN(rank) AS rank "
        "FROM postings GROUP BY shop_key, item_key), "
        "ranked AS (SELECT shop_key, item_key, ROW_NUMBER() OVER ("
        "PARTITION BY shop_key ORDER BY words DESC, rank, item_key) AS place FROM hits) "
        "SELECT r.shop_key, si.shown FROM ranked r "
        f"JOIN search_item si ON si.key = r.item_key WHERE r.place <= {MATCHED_ITEMS} "
        "ORDER BY r.shop_key, r.place"
    )


def _weighted(terms: list[tuple[str, str]]) -> str:
    """A posting's weight times the match quality of its term."""
    if len(terms) == 1:
        return f"weight * {terms[0][1]}"
    cases = " ".join(f"WHEN {term} THEN {quality}" for term, quality in terms)
    return f"weight * CASE term_key {cases} END"


def _bind_terms(expanded: list[dict[int, int]], bind: dict[str, Any]) -> list[list[tuple[str, str]]]:
    """Bind each word's term keys and match qualities as :tN and :qN; their names, word by word."""
    names: list[list[tuple[str, str]]] = []
    i = 0
    for keys in expanded:
        word = []
        for key, quality in sorted(keys.items()):
            bind[f"t{i}"], bind[f"q{i}"] = int(key), int(quality)
            word.append((f":t{i}", f":q{i}"))
            i += 1
        names.append(word)
    return names


def _terms(word: list[tuple[str, str]]) -> str:
    return ", ".join(term for term, _quality in word)


def _grouped(names: list[list[tuple[str, str]]]) -> str:
    """Every word's postings in one pass, grouped once by shop: a shop is kept where every word has a term.

    (A join with the query's terms as VALUES goes through two temporary B-trees: three times slower.)"""
    best = ", ".join(
        f"MAX(CASE WHEN term_key IN ({_terms(word)}) THEN {_weighted(word)} END) AS w{i}"
        for i, word in enumerate(names)
    )
    every = ", ".join(_terms(word) for word in names)
    found = " AND ".join(f"w{i} IS NOT NULL" for i in range(len(names)))
    total = " + ".join(f"w{i}" for i in range(len(names)))
    return (
        f"WITH per_shop AS (SELECT shop_key, {best} FROM search_shop_term "  # noqa: S608
        f"WHERE term_key IN ({every}) GROUP BY shop_key), "
        f"matched AS (SELECT shop_key, {total} AS score FROM per_shop WHERE {found}) "
    )


def _driven(names: list[list[tuple[str, str]]], driver: int) -> str:
    """The driving word's shops, in each of which every other word is looked up by (term, shop).

    CROSS JOIN keeps that order; a word of several terms is one look-up per term, in a subquery."""
    first = names[driver]
    if len(first) == 1:
        term, quality = first[0]
        shops = f"SELECT shop_key, weight * {quality} AS w FROM search_shop_term WHERE term_key = {term}"  # noqa: S608
    else:
        shops = (
            f"SELECT shop_key, MAX({_weighted(first)}) AS w FROM search_shop_term "  # noqa: S608
            f"WHERE term_key IN ({_terms(first)}) GROUP BY shop_key"
        )
    joins: list[str] = []
    parts = ["d.w"]
    for i, word in enumerate(names):
        if i == driver:
            continue
        if len(word) == 1:
            term, quality = word[0]
            joins.append(
                f"CROSS JOIN search_shop_term o{i} ON o{i}.term_key = {term} AND o{i}.shop_key = d.shop_key"
            )
            parts.append(f"o{i}.weight * {quality}")
        else:
            parts.append(
                f"(SELECT MAX({_weighted(word)}) FROM search_shop_term "  # noqa: S608
                f"WHERE term_key IN ({_terms(word)}) AND shop_key = d.shop_key)"
            )
    # Materialized, so that each look-up runs once per shop (a flattened subquery would evaluate the score
    # again for every clause naming it); a shop missing a word scores NULL, which the join leaves out.
    return (
        f"WITH d AS ({shops}), matched AS MATERIALIZED ("  # noqa: S608
        f"SELECT d.shop_key, {' + '.join(parts)} AS score FROM d {' '.join(joins)}) "
    )


# What each plan costs per row, relative to reading one posting in index order (measured at 1M items).
_SCAN, _SEEK, _GROUP = 1, 8, 13


def driving_word(expanded: list[dict[int, int]], term_shops: dict[int, int]) -> int | None:
    """The word whose shops are cheapest to read and look the others up in, or None when grouping every
    posting at once costs less (other words of many rare terms, each one look-up per shop)."""
    sizes = [sum(term_shops.get(key, 0) for key in keys) for keys in expanded]
    cheapest, cost = None, sum(sizes) * _GROUP
    for i, keys in enumerate(expanded):
        lookups = sum(len(other) for j, other in enumerate(expanded) if j != i)
        driven = sizes[i] * (_SCAN if len(keys) == 1 else _GROUP) + sizes[i] * lookups * _SEEK
        if driven < cost:
            cheapest, cost = i, driven
    return cheapest


# Past the last character any word can hold, for prefix ranges.
_AFTER_ALL = "\U0010ffff"


def grams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class SQLiteBackend(SearchBackend):
    def insert_ignore(self, table: sa.Table) -> Insert:
        return sqlite_insert(table).on_conflict_do_nothing()

    def bulk_insert(
        self, conn: Connection, table: sa.Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        if not rows:
            return
        uuid_at = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, sa.Uuid)]
        if uuid_at and any(isinstance(rows[0][i], uuid.UUID) for i in uuid_at):
            # The driver is given what SQLAlchemy's Uuid stores on SQLite: 32 hexadecimal digits.
            rows = [
                tuple(v.hex if i in uuid_at and isinstance(v, uuid.UUID) else v for i, v in enumerate(row))
                for row in rows
            ]
        placeholders = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
        conn.connection.driver_connection.executemany(sql, rows)  # type: ignore[union-attr]

    def clear(self, conn: Connection) -> None:
        for table in _TABLES:
            if isinstance(table, str):
                conn.exec_driver_sql(f"DELETE FROM {table}")  # noqa: S608
            else:
                conn.execute(table.delete())
        conn.exec_driver_sql("DELETE FROM search_native_shop_rtree")
        conn.exec_driver_sql("DELETE FROM search_native_word_gram")

    def words_added(self, conn: Connection, words: Sequence[str]) -> None:
        rows = sorted({(gram, len(word), word) for word in words for gram in grams(word)})
        if rows:
            conn.connection.driver_connection.executemany(  # type: ignore[union-attr]
                "INSERT OR IGNORE INTO search_native_word_gram (gram, length, word) VALUES (?, ?, ?)", rows
            )

    def shops_placed(self, conn: Connection, placed: Sequence[tuple[int, float, float]]) -> None:
        if placed:
            conn.connection.driver_connection.executemany(  # type: ignore[union-attr]
                "INSERT OR REPLACE INTO search_native_shop_rtree (key, min_lat, max_lat, min_lon, max_lon) "
                "VALUES (?, ?, ?, ?, ?)",
                [(key, lat, lat, lon, lon) for key, lat, lon in placed],
            )

    def shops_removed(self, conn: Connection, keys: Sequence[int]) -> None:
        if keys:
            driver = conn.connection.driver_connection
            driver.executemany(f"DELETE FROM {RTREE} WHERE key = ?", [(k,) for k in keys])  # type: ignore[union-attr]  # noqa: S608
            driver.executemany(f"DELETE FROM {TOP} WHERE shop_key = ?", [(k,) for k in keys])  # type: ignore[union-attr]  # noqa: S608

    def postings_changed(self, conn: Connection, shop_key: int, term_keys: Sequence[int]) -> None:
        if not term_keys:
            return
        driver = conn.connection.driver_connection
        terms = orjson.dumps(list(term_keys)).decode()
        driver.execute(  # type: ignore[union-attr]
            f"DELETE FROM {TOP} WHERE shop_key = ? AND term_key IN (SELECT value FROM json_each(?))",  # noqa: S608
            (shop_key, terms),
        )
        driver.execute(  # type: ignore[union-attr]
            TOP_FILL.format(where=" WHERE shop_key = ? AND term_key IN (SELECT value FROM json_each(?))"),
            (shop_key, terms),
        )

    def before_rebuild(self, conn: Connection) -> None:
        # The default 2 MB page cache thrashes on the unique index of random item UUIDs.
        conn.exec_driver_sql(f"PRAGMA cache_size = -{REBUILD_CACHE_KIB}")

    def after_rebuild(self, conn: Connection) -> None:
        conn.exec_driver_sql(TOP_FILL.format(where=""))
        conn.exec_driver_sql(f"PRAGMA cache_size = {DEFAULT_CACHE_SIZE}")
        for table in (*_TABLES, GRAMS):
            name = table if isinstance(table, str) else table.name
            conn.exec_driver_sql(f"ANALYZE {name}")

    def vocabulary_matches(self, conn: Connection, words: list[QueryWord]) -> list[WordMatches]:
        bind: dict[str, Any] = {}
        wanted = self.in_list(bind, sorted({w.term for w in words}))
        exact = dict(self.run(conn, f"SELECT term, key FROM search_term WHERE term {wanted}", bind))  # noqa: S608
        found: list[WordMatches] = []
        for word in words:
            typos = allowed_typos(word.surface)
            found.append(
                WordMatches(
                    exact=exact.get(word.term),
                    completions=self._prefix_words(conn, word.surface, PREFIX_EXPANSIONS)
                    if word.prefix and len(word.surface) >= MIN_PREFIX
                    else [],
                    typo_candidates=self._typo_candidates(conn, word.surface, typos)
                    if typos and word.term not in exact
                    else [],
                )
            )
        return found

    # Vocabulary look-ups go straight to the driver: compiling their statements costs more than running them.
    @staticmethod
    def _prefix_words(conn: Connection, prefix: str, limit: int) -> list[tuple[str, int]]:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        rows: list[tuple[str, int]] = cursor.execute(
            "SELECT word, term_key FROM search_word WHERE word >= ? AND word < ? "
            "ORDER BY frequency DESC, word LIMIT ?",
            (prefix, prefix + _AFTER_ALL, limit),
        ).fetchall()
        cursor.close()
        return rows

    @staticmethod
    def _typo_candidates(conn: Connection, surface: str, max_typos: int) -> list[tuple[str, int]]:
        wanted = sorted(grams(surface))
        need = max(1, len(wanted) - 4 * max_typos)
        placeholders = ", ".join("?" for _ in wanted)
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        rows: list[tuple[str, int]] = cursor.execute(
            "SELECT w.word, w.term_key FROM (SELECT word, COUNT(*) AS shared "  # noqa: S608
            "FROM search_native_word_gram "
            f"WHERE gram IN ({placeholders}) AND length BETWEEN ? AND ? "
            "GROUP BY word HAVING COUNT(*) >= ? ORDER BY shared DESC LIMIT ?) c "
            "JOIN search_word w ON w.word = c.word",
            (*wanted, len(surface) - max_typos, len(surface) + max_typos, need, TYPO_CANDIDATES),
        ).fetchall()
        cursor.close()
        return rows

    def matched_items(
        self,
        conn: Connection,
        shop_keys: list[int],
        pairs: list[tuple[int, int]],
        depth: int,
        service: bool | None,
    ) -> dict[int, list[MatchedItem]]:
        if service is not None:  # the first postings of one kind are not kept apart
            return self._matched_items_of_kind(conn, shop_keys, pairs, depth, service)
        driver = conn.connection.driver_connection
        word_bits: dict[int, int] = {}
        for word_no, term_key in pairs:
            word_bits[int(term_key)] = word_bits.get(int(term_key), 0) | 1 << word_no
        lists: dict[int, list[tuple[int, list[int]]]] = {}
        rows = driver.execute(  # type: ignore[union-attr]
            _TOP_READ, (orjson.dumps(shop_keys).decode(), orjson.dumps(sorted(word_bits)).decode())
        )
        for shop_key, term_key, items in rows:
            lists.setdefault(shop_key, []).append((word_bits[term_key], sorted(orjson.loads(items))[:depth]))
        chosen: dict[int, list[int]] = {}
        for shop_key, found in lists.items():
            if len(found) == 1:  # one term: its postings in order, each item once
                chosen[shop_key] = list(dict.fromkeys(v & ITEM_MASK for v in found[0][1]))[:MATCHED_ITEMS]
                continue
            best: dict[int, int] = {}
            words: dict[int, int] = {}
            for bit, postings in found:
                for v in postings:
                    item = v & ITEM_MASK
                    if v < best.get(item, v + 1):
                        best[item] = v
                    words[item] = words.get(item, 0) | bit
            # Most words first, then the best placed (rank), then the oldest: what rank × 2³² + key sorts.
            chosen[shop_key] = sorted(best, key=lambda i: (-words[i].bit_count(), best[i]))[:MATCHED_ITEMS]
        wanted = [item for items in chosen.values() for item in items]
        if not wanted:
            return {}
        shown = dict(driver.execute(_ITEMS_SHOWN, (orjson.dumps(wanted).decode(),)))  # type: ignore[union-attr]
        return {
            shop_key: shown_items([shown[i] for i in items if i in shown])
            for shop_key, items in chosen.items()
        }

    def _matched_items_of_kind(
        self,
        conn: Connection,
        shop_keys: list[int],
        pairs: list[tuple[int, int]],
        depth: int,
        service: bool,
    ) -> dict[int, list[MatchedItem]]:
        # One statement for the whole page: each statement costs a trip through the driver (and a hand-over
        # of the interpreter lock), more than these index reads.
        by_word: dict[int, list[int]] = {}
        for word_no, term_key in pairs:
            by_word.setdefault(word_no, []).append(int(term_key))
        words = sorted(by_word)
        terms = [term for w in words for term in by_word[w]]
        # SQLite allows at most 500 branches in one UNION ALL: a long query's shops go in several statements.
        per_statement = max(1, MAX_BRANCHES // len(terms))
        found: dict[int, list[str]] = {}
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        for start in range(0, len(shop_keys), per_statement):
            shops = shop_keys[start : start + per_statement]
            sql = _matched_items_sql(len(shops), tuple(len(by_word[w]) for w in words), service)
            for shop_key, shown in cursor.execute(sql, (*shops, *terms, depth)):
                found.setdefault(shop_key, []).append(shown)
        cursor.close()
        return {shop_key: shown_items(items) for shop_key, items in found.items()}

    def matching_shops(
        self, conn: Connection, expanded: list[dict[int, int]], bind: dict[str, Any]
    ) -> tuple[str, str, str]:
        # Term keys and qualities are bound, so that the statement's text depends only on the query's shape
        # and the connection's statement cache spares preparing it again (preparing costs as much as running).
        names = _bind_terms(expanded, bind)
        if len(expanded) == 1 and len(expanded[0]) == 1:
            return (
                "",
                "search_shop_term st JOIN search_shop s ON s.key = st.shop_key AND st.term_key = :t0",
                "st.weight * :q0",
            )
        if len(expanded) == 1:
            head = (
                f"WITH matched AS (SELECT shop_key, MAX({_weighted(names[0])}) AS score "  # noqa: S608
                f"FROM search_shop_term WHERE term_key IN ({_terms(names[0])}) GROUP BY shop_key) "
            )
        else:
            term_shops = self._term_shops(conn, [key for keys in expanded for key in keys])
            driver = driving_word(expanded, term_shops)
            head = _grouped(names) if driver is None else _driven(names, driver)
        return (
            head,
            "matched JOIN search_shop s ON s.key = matched.shop_key AND matched.score IS NOT NULL",
            "matched.score",
        )

    @staticmethod
    def _term_shops(conn: Connection, term_keys: list[int]) -> dict[int, int]:
        rows = conn.connection.driver_connection.execute(  # type: ignore[union-attr]
            _TERM_SHOPS, (orjson.dumps(term_keys).decode(),)
        )
        return dict(rows)

    def near(self, bind: dict[str, Any]) -> tuple[str, str]:
        if bind["radius_m"] > RTREE_MAX_RADIUS_M:
            return "search_shop s", ""
        return (
            f"{RTREE} r JOIN search_shop s ON s.key = r.key",
            "r.min_lat <= :lat_hi AND r.max_lat >= :lat_lo AND r.min_lon <= :lon_hi AND r.max_lon >= :lon_lo",
        )
