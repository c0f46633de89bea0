"""Product and service search (contract §5): one interface, a native index on each database.

Importing this package registers the ORM listener that keeps the index in step with shops and items.
"""

from api.catalog.search import postgres as _postgres  # noqa: F401  (sets pg_trgm's floor on each connection)
from api.catalog.search.base import SearchPage, SearchParams, Sort, search
from api.catalog.search.index import rebuild_index

__all__ = ["SearchPage", "SearchParams", "Sort", "rebuild_index", "search"]
