"""What a search answers (contract §5), declared once.

The typed dictionaries below are the response's shape: the route's OpenAPI schema is generated from them,
and every dictionary a search writes — each indexed item's stored JSON, each result of a page — is one of
them, which mypy checks. Results stay plain dictionaries because orjson writes them five times faster than
models, and a page holds forty of them.
"""

from dataclasses import dataclass, field
from typing import Annotated, Any, cast

import orjson
from pydantic import BaseModel, WithJsonSchema
from typing_extensions import TypedDict  # pydantic reads TypedDicts from here on Python < 3.12

# Identifiers travel as their canonical text.
Uuid = Annotated[str, WithJsonSchema({"type": "string", "format": "uuid"})]

# At most this many items of a shop come with it.
MATCHED_ITEMS = 5
# The columns of search_shop a result is made of (beside its key, score and nearness), in this order.
SHOWN_SHOP_COLUMNS = "s.shop_id, s.name, s.category, s.address, s.lat, s.lon, s.opening_hours"


class MatchedItem(TypedDict):
    id: Uuid
    name: str
    kind: str
    price_cents: int | None
    in_stock: bool


class SearchShop(TypedDict):
    id: Uuid
    name: str
    category: str
    address: str
    lat: float
    lon: float
    open_now: bool | None


class SearchResult(TypedDict):
    shop: SearchShop
    distance_m: float | None
    matched_items: list[MatchedItem]
    score: float


class SearchResponse(BaseModel):
    results: list[SearchResult]
    next_cursor: str | None


@dataclass
class SearchPage:
    results: list[SearchResult]
    next_cursor: str | None
    # The query's index terms, for the search log.
    terms: list[str] = field(default_factory=list)


def uuid_text(value: Any) -> str:
    """A UUID's canonical text, from a UUID or from the 32 hexadecimal digits SQLite stores."""
    if isinstance(value, str) and len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(value)


def shown_item(item_id: Any, name: str, kind: str, price_cents: int | None, in_stock: bool) -> str:
    """An item as a search result shows it: the JSON stored in search_item.shown."""
    item: MatchedItem = {
        "id": uuid_text(item_id),
        "name": name,
        "kind": kind,
        "price_cents": price_cents,
        "in_stock": in_stock,
    }
    return orjson.dumps(item).decode()


def shown_items(shown: list[str]) -> list[MatchedItem]:
    """A shop's matched items: their stored JSON, copied into the response as it is."""
    # orjson writes a Fragment as it is: the stored MatchedItem dictionaries, never parsed again.
    return cast(list[MatchedItem], orjson.Fragment(f"[{','.join(shown)}]"))


NO_ITEMS = cast(list[MatchedItem], orjson.Fragment(b"[]"))


def page_json(page: SearchPage) -> bytes:
    # The results hold the response's fields in its order: orjson writes them as they are (validating a
    # hundred nested models again would cost more than the search itself).
    return orjson.dumps({"results": page.results, "next_cursor": page.next_cursor})
