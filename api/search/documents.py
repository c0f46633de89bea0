"""What a shop and an item put in the index: their words, where each is found, and how much it weighs.

Shared by the incremental upkeep (upkeep.py) and the full rebuild (rebuild.py), so that both write the same
postings.
"""

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from api.search import text
from api.search.models import MAX_WORD_LENGTH
from api.shops.categories import CATEGORIES
from api.shops.trades import TRADE_WORDS

# Where a term occurs in a shop; a word scores the best place it is found. Items weigh
# WEIGHT_ITEM_NAME_IN_STOCK minus their posting rank (item_rank): 4 down to 1. The category (its label and
# its trade words) weighs more than a completion of the name (8 × PREFIX = 6): « vin » finds the caviste
# before « Vincent ».
WEIGHT_SHOP_NAME = 8
WEIGHT_CATEGORY = 7
WEIGHT_ITEM_NAME_IN_STOCK = 4

CHUNK = 500


def shop_words(name: str, category: str) -> list[tuple[str, str, int]]:
    """(surface, term, weight) for a shop's own text: its name, then its category's label and trade words."""
    found = [(t.surface, t.term, WEIGHT_SHOP_NAME) for t in text.tokens(name)]
    found += [(t.surface, t.term, WEIGHT_CATEGORY) for t in category_tokens(category)]
    return [w for w in found if len(w[0]) <= MAX_WORD_LENGTH]


@lru_cache(maxsize=256)
def category_tokens(category: str) -> tuple[text.Token, ...]:
    """A category's label and the words people use for its trade (api/shops/trades.py), each word once."""
    phrases = (CATEGORIES.get(category, category), *TRADE_WORDS.get(category, ()))
    return tuple(dict.fromkeys(t for phrase in phrases for t in text.tokens(phrase)))


def item_words(name: str, description: str | None, category: str | None) -> list[tuple[str, str, bool]]:
    """(surface, term, in_name) for an item's name, description and free-text category."""
    found = [(t.surface, t.term, True) for t in text.tokens(name)]
    for extra in (description, category):
        if extra:
            found += [(t.surface, t.term, False) for t in text.tokens(extra)]
    return [w for w in found if len(w[0]) <= MAX_WORD_LENGTH]


def word_forms(surface: str) -> tuple[str, ...]:
    """A word and, for a plural-looking one, its singular: « crossiant » is one typo from « croissant »,
    which the vocabulary may only hold as « croissants »."""
    if len(surface) > 3 and surface[-1] in "sx":
        return surface, surface[:-1]
    return (surface,)


def item_rank(in_stock: bool, in_name: bool) -> int:
    """0 (in stock, in the name) to 3 (out of stock, in the description): the posting order."""
    return (0 if in_stock else 2) + (0 if in_name else 1)


def rank_weight(rank: int) -> int:
    return WEIGHT_ITEM_NAME_IN_STOCK - rank


def keys_text(keys: Iterable[int]) -> str:
    """Term keys as search_shop.terms and search_item.terms keep them."""
    return " ".join(str(k) for k in sorted(set(keys)))


def parse_keys(raw: str | None) -> set[int]:
    return {int(k) for k in raw.split()} if raw else set()


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
