"""The interface of a search backend: what one database does natively. The rest of search is shared.

A backend says where the vocabulary is searched for typos and prefixes, how the shops where every word is
found are scored, how shops near a point are found, how a page's matched items are read, and how the index
is bulk-written. It imports no backend, and no backend is chosen here: `api.search` picks one per dialect.
"""

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.sql.dml import Insert

from api.search.query import QueryWord
from api.search.results import MatchedItem

# Vocabulary look-ups: completions of an unfinished last word (of at least MIN_PREFIX letters), and the
# candidates checked for typos.
MIN_PREFIX = 2
PREFIX_EXPANSIONS = 24
TYPO_CANDIDATES = 400
# With several words, each term's first ITEM_CANDIDATES postings per shop are compared for matched items.
ITEM_CANDIDATES = 20


@dataclass(frozen=True, slots=True)
class WordMatches:
    exact: int | None
    completions: list[tuple[str, int]]
    typo_candidates: list[tuple[str, int]]


class SearchBackend(ABC):
    """What one database does natively; the rest of search is shared."""

    # --- index writing

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

    # --- querying

    @abstractmethod
    def vocabulary_matches(self, conn: Connection, words: list[QueryWord]) -> list[WordMatches]:
        """What the vocabulary holds for each word: its term, completions of an unfinished last word (at most
        PREFIX_EXPANSIONS, most frequent first), and typo candidates (at most TYPO_CANDIDATES, only for a
        word the catalogue does not know: « poivre » does not bring « poire »), checked afterwards."""

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
    def matched_items(
        self,
        conn: Connection,
        shop_keys: list[int],
        pairs: list[tuple[int, int]],
        depth: int,
        service: bool | None,
    ) -> dict[int, list[MatchedItem]]:
        """Each shop's best items for the (word_no, term_key) pairs: the items matching most words, then the
        best placed (rank), then the oldest (index key), at most MATCHED_ITEMS. Only each (shop, term)'s
        first `depth` postings are compared; of services or products only if asked."""

    @abstractmethod
    def near(self, bind: dict[str, Any]) -> tuple[str, str]:
        """(FROM clause, WHERE condition or "") for shops `s` near the point, through the spatial index
        where it pays.

        `bind` holds lat, lon, radius_m and the bounding box lat_lo, lat_hi, lon_lo, lon_hi; the exact
        distance is checked afterwards."""
