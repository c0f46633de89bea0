"""PostgreSQL: earthdistance (cube) GiST over shop positions, pg_trgm GIN over the vocabulary for typo
candidates, a text_pattern_ops B-tree for prefixes, LATERAL reads of the postings for matched items, COPY
for bulk writes.

pg_trgm's `%` uses a low session threshold; each word then keeps the candidates at or above its own
`similarity_floor`, low enough that no word within the allowed edits is missed, and `edit_distance` checks
them. Statements keep a constant text (lists travel as arrays) so that psycopg prepares them.
"""

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.sql.dml import Insert

from api.geo import EARTH_RADIUS_M
from api.search import models as m
from api.search.backend import MIN_PREFIX, PREFIX_EXPANSIONS, TYPO_CANDIDATES, SearchBackend, WordMatches
from api.search.query import QueryWord, allowed_typos
from api.search.results import MATCHED_ITEMS, MatchedItem, shown_items

MIN_SIMILARITY = 0.05


def similarity_floor(surface: str, max_typos: int) -> float:
    """The lowest pg_trgm similarity a word within max_typos edits of surface can have.

    It shares at least shared = |grams| − 4k of the query's padded trigrams (a swap of neighbours breaks
    four) and has at most len + 1 + k of its own, so similarity ≥ shared / (|grams| + len + 1 + k − shared).
    """
    count = len({f"  {surface} "[i : i + 3] for i in range(len(surface) + 1)})
    shared = count - 4 * max_typos
    if shared <= 0:
        return MIN_SIMILARITY
    bound = shared / (count + len(surface) + 1 + max_typos - shared)
    return max(MIN_SIMILARITY, bound * 0.98)


# earthdistance's sphere (earth(), 6378168 m by default) is a little larger than the mean radius we measure
# with: the index box is widened accordingly, then the exact distance decides.
EARTHDISTANCE_RADIUS_M = 6_378_168.0
_TABLES = (
    m.search_shop_term,
    m.search_item_term,
    m.search_item,
    m.search_shop,
    m.search_word,
    m.search_term,
)
_SERIAL = ((m.search_shop, "key"), (m.search_item, "key"), (m.search_term, "key"))


_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@lru_cache(maxsize=1024)
def _pyformat(sql: str) -> str:
    """`:name` parameters as psycopg's `%(name)s`, literal percent signs doubled."""
    return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def set_trigram_floor(dbapi_connection: Any, _record: Any) -> None:
    """On each new connection (a "connect" listener): `%` filters by this session setting; each word then
    applies its own, higher similarity_floor."""
    with dbapi_connection.cursor() as cursor:
        cursor.execute(f"SET pg_trgm.similarity_threshold = {MIN_SIMILARITY}")
    dbapi_connection.commit()


class PostgresBackend(SearchBackend):
    def insert_ignore(self, table: sa.Table) -> Insert:
        return pg_insert(table).on_conflict_do_nothing()

    def bulk_insert(
        self, conn: Connection, table: sa.Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        if not rows:
            return
        raw: Any = conn.connection.driver_connection
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def clear(self, conn: Connection) -> None:
        conn.exec_driver_sql(f"TRUNCATE {', '.join(t.name for t in _TABLES)}")

    def after_rebuild(self, conn: Connection) -> None:
        for table, column in _SERIAL:
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column}'), "  # noqa: S608
                f"COALESCE(MAX({column}), 0) + 1, false) FROM {table.name}"
            )
        for table in _TABLES:
            conn.exec_driver_sql(f"ANALYZE {table.name}")

    def after_bulk_commit(self, conn: Connection) -> None:
        # PostgreSQL marks a page all-visible only when it is vacuumed: until then an index-only scan of the
        # postings reads the table too (a freshly loaded million items searched 40 % slower). Autovacuum
        # gets there in its own time, if it is on; a bulk load does not wait for it.
        conn.exec_driver_sql(f"VACUUM (ANALYZE) {', '.join(t.name for t in _TABLES)}")

    def vocabulary_matches(self, conn: Connection, words: list[QueryWord]) -> list[WordMatches]:
        # One round trip for every word: exact term, completions, typo candidates.
        branches: list[str] = []
        bind: dict[str, Any] = {}
        for i, word in enumerate(words):
            typos = allowed_typos(word.surface)
            bind[f"t{i}"] = word.term
            branches.append(
                f"SELECT 0 AS source, {i} AS word_no, '' AS word, key FROM search_term WHERE term = :t{i}"  # noqa: S608
            )
            if word.prefix and len(word.surface) >= MIN_PREFIX:
                bind[f"p{i}"] = _like_prefix(word.surface)
                branches.append(
                    f"(SELECT 1, {i}, word, term_key FROM search_word WHERE word LIKE :p{i} ESCAPE '\\' "  # noqa: S608
                    f"ORDER BY frequency DESC, word LIMIT {PREFIX_EXPANSIONS})"
                )
            if typos:
                bind.update(
                    {
                        f"s{i}": word.surface,
                        f"f{i}": similarity_floor(word.surface, typos),
                        f"lo{i}": len(word.surface) - typos,
                        f"hi{i}": len(word.surface) + typos,
                    }
                )
                branches.append(
                    f"(SELECT 2, {i}, word, term_key FROM search_word WHERE word % :s{i} "  # noqa: S608
                    f"AND similarity(word, :s{i}) >= :f{i} AND length BETWEEN :lo{i} AND :hi{i} "
                    f"AND NOT EXISTS (SELECT 1 FROM search_term WHERE term = :t{i}) "
                    f"ORDER BY similarity(word, :s{i}) DESC LIMIT {TYPO_CANDIDATES})"
                )
        found = [WordMatches(exact=None, completions=[], typo_candidates=[]) for _ in words]
        for source, word_no, word_text, key in self.run(conn, " UNION ALL ".join(branches), bind):
            if source == 0:
                found[word_no] = WordMatches(
                    exact=key,
                    completions=found[word_no].completions,
                    typo_candidates=found[word_no].typo_candidates,
                )
            elif source == 1:
                found[word_no].completions.append((word_text, key))
            else:
                found[word_no].typo_candidates.append((word_text, key))
        return found

    def run(self, conn: Connection, sql: str, params: dict[str, Any]) -> Any:
        return conn.connection.driver_connection.execute(_pyformat(sql), params)  # type: ignore[union-attr]

    def in_list(self, params: dict[str, Any], values: Sequence[Any]) -> str:
        name = f"in{len(params)}"
        params[name] = list(values)
        return f"= ANY(:{name})"

    def matching_shops(
        self, conn: Connection, expanded: list[dict[int, int]], bind: dict[str, Any]
    ) -> tuple[str, str, str]:
        # Arrays keep the statement's text constant, so psycopg prepares it and PostgreSQL plans it once.
        triples = [(i, k, q) for i, keys in enumerate(expanded) for k, q in sorted(keys.items())]
        bind.update(
            word_count=len(expanded),
            q_words=[t[0] for t in triples],
            q_terms=[t[1] for t in triples],
            q_qualities=[t[2] for t in triples],
        )
        head = (
            "WITH q(word_no, term_key, quality) AS (SELECT * FROM unnest(CAST(:q_words AS integer[]), "
            "CAST(:q_terms AS integer[]), CAST(:q_qualities AS integer[]))), "
            "per_word AS (SELECT st.shop_key AS shop_key, q.word_no AS word_no, "
            "MAX(st.weight * q.quality) AS best FROM q "
            "JOIN search_shop_term st ON st.term_key = q.term_key GROUP BY st.shop_key, q.word_no), "
            "matched AS (SELECT shop_key, SUM(best) AS score FROM per_word GROUP BY shop_key "
            "HAVING COUNT(*) = :word_count) "
        )
        return head, "matched JOIN search_shop s ON s.key = matched.shop_key", "matched.score"

    def matched_items(
        self,
        conn: Connection,
        shop_keys: list[int],
        pairs: list[tuple[int, int]],
        depth: int,
        service: bool | None,
    ) -> dict[int, list[MatchedItem]]:
        # Postings, ranking and item details in one round trip.
        postings = self._postings_sql(service)
        rows = self.run(
            conn,
            (
                f"WITH postings AS ({postings}), "  # noqa: S608 - integers only
                "hits AS (SELECT shop_key, item_key, COUNT(DISTINCT word_no) AS words, MIN(rank) AS rank "
                "FROM postings GROUP BY shop_key, item_key), "
                "ranked AS (SELECT shop_key, item_key, ROW_NUMBER() OVER ("
                "PARTITION BY shop_key ORDER BY words DESC, rank, item_key) AS place FROM hits) "
                "SELECT r.shop_key, si.shown FROM ranked r "
                "JOIN search_item si ON si.key = r.item_key "
                f"WHERE r.place <= {MATCHED_ITEMS} ORDER BY r.shop_key, r.place"
            ),
            self._postings_bind(shop_keys, pairs, depth),
        )
        found: dict[int, list[str]] = {}
        for shop_key, shown in rows:
            found.setdefault(shop_key, []).append(shown)
        return {shop_key: shown_items(items) for shop_key, items in found.items()}

    @staticmethod
    def _postings_bind(shop_keys: list[int], pairs: list[tuple[int, int]], depth: int) -> dict[str, Any]:
        return {
            "shops": shop_keys,
            "words": [w for w, _ in pairs],
            "terms": [t for _, t in pairs],
            "depth": depth,
        }

    @staticmethod
    def _postings_sql(service: bool | None) -> str:
        kind = "" if service is None else f"AND it.is_service = {'TRUE' if service else 'FALSE'}"
        return (
            "SELECT s.shop_key, p.item_key, p.rank, q.word_no "  # noqa: S608
            "FROM unnest(CAST(:shops AS integer[])) s(shop_key) "
            "CROSS JOIN unnest(CAST(:words AS integer[]), CAST(:terms AS integer[])) q(word_no, term_key) "
            "CROSS JOIN LATERAL (SELECT it.item_key, it.rank FROM search_item_term it "
            f"WHERE it.shop_key = s.shop_key AND it.term_key = q.term_key {kind} "
            "ORDER BY it.rank, it.item_key LIMIT :depth) p"
        )

    def near(self, bind: dict[str, Any]) -> tuple[str, str]:
        bind["earth_radius_m"] = bind["radius_m"] * EARTHDISTANCE_RADIUS_M / EARTH_RADIUS_M * 1.001 + 1
        return (
            "search_shop s",
            "earth_box(ll_to_earth(:lat, :lon), :earth_radius_m) @> ll_to_earth(s.lat, s.lon)",
        )
