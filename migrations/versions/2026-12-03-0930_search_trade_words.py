"""search: each shop is found by the words people use for its trade

Revision ID: 4f6e95484b94
Revises: b9d04e6a1c53
Create Date: 2026-12-03 09:30:00.000000+00:00

A shop's own words were its name and its category's label: « cordonnier » did not find a « Cordonnerie »,
« fleurs » no « Fleuriste ». Its category now also brings the words people use for that trade
(api/shops/trades.py), and a category word weighs 7 instead of 6. No table changes: this rewrites, shop by
shop, the postings of its own words (search_shop_term and search_shop.terms), adding the missing terms and
words to the vocabulary, and leaves the item postings alone. The SQL and the weights are this revision's;
the words come from api/shops/trades.py and the text chain (api/search/text.py), which both documents and
queries use. Downgrading takes the trade words away and gives categories their weight of 6 again.
"""

from collections import Counter
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from api.search import text
from api.shops.categories import CATEGORIES
from api.shops.trades import TRADE_WORDS

revision: str = "4f6e95484b94"
down_revision: str | None = "b9d04e6a1c53"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WEIGHT_SHOP_NAME = 8
WEIGHT_ITEM_NAME_IN_STOCK = 4
MAX_WORD_LENGTH = 60
CHUNK = 500


def upgrade() -> None:
    _refresh_own_words(with_trades=True, category_weight=7)


def downgrade() -> None:
    _refresh_own_words(with_trades=False, category_weight=6)


def _own_words(
    name: str, category: str, with_trades: bool, category_weight: int
) -> list[tuple[str, str, int]]:
    """(surface, term, weight) of a shop's name, its category's label and, if asked, its trade words."""
    found = [(t.surface, t.term, WEIGHT_SHOP_NAME) for t in text.tokens(name)]
    phrases = [CATEGORIES.get(category, category)]
    if with_trades:
        phrases += TRADE_WORDS.get(category, ())
    found += [(t.surface, t.term, category_weight) for phrase in phrases for t in text.tokens(phrase)]
    return [w for w in found if len(w[0]) <= MAX_WORD_LENGTH]


def _word_forms(surface: str) -> tuple[str, ...]:
    return (surface, surface[:-1]) if len(surface) > 3 and surface[-1] in "sx" else (surface,)


def _grams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _chunks(values: Sequence[Any]) -> list[Sequence[Any]]:
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


def _term_keys(conn: sa.Connection, terms: set[str]) -> dict[str, int]:
    """Keys of these terms, creating the missing ones."""
    select = sa.text("SELECT term, key FROM search_term WHERE term IN :terms").bindparams(
        sa.bindparam("terms", expanding=True)
    )
    keys: dict[str, int] = {}
    for chunk in _chunks(sorted(terms)):
        keys.update({row[0]: row[1] for row in conn.execute(select, {"terms": list(chunk)})})
    missing = sorted(terms - keys.keys())
    if missing:
        conn.execute(sa.text("INSERT INTO search_term (term) VALUES (:term)"), [{"term": t} for t in missing])
        for chunk in _chunks(missing):
            keys.update({row[0]: row[1] for row in conn.execute(select, {"terms": list(chunk)})})
    return keys


def _add_words(conn: sa.Connection, forms: dict[str, int], frequency: Counter[str]) -> None:
    """Words (and their singular forms) the vocabulary lacks, with the typo grams on SQLite."""
    select = sa.text("SELECT word FROM search_word WHERE word IN :words").bindparams(
        sa.bindparam("words", expanding=True)
    )
    known: set[str] = set()
    for chunk in _chunks(sorted(forms)):
        known.update(conn.execute(select, {"words": list(chunk)}).scalars())
    new = sorted(set(forms) - known)
    if not new:
        return
    conn.execute(
        sa.text(
            "INSERT INTO search_word (word, term_key, length, frequency) "
            "VALUES (:word, :term_key, :length, :frequency)"
        ),
        [{"word": w, "term_key": forms[w], "length": len(w), "frequency": frequency[w]} for w in new],
    )
    if conn.dialect.name == "sqlite":
        conn.execute(
            sa.text(
                "INSERT OR IGNORE INTO search_native_word_gram (gram, length, word) VALUES (:gram, :length, :word)"
            ),
            [{"gram": g, "length": len(w), "word": w} for w in new for g in sorted(_grams(w))],
        )


def _refresh_own_words(*, with_trades: bool, category_weight: int) -> None:
    conn = op.get_bind()
    shops = conn.execute(
        sa.text(
            "SELECT ss.key, ss.terms, s.name, s.category FROM search_shop ss JOIN shop s ON s.id = ss.shop_id "
            "ORDER BY ss.key"
        )
    ).all()
    if not shops:
        return
    words = {
        key: _own_words(name, category, with_trades, category_weight) for key, _t, name, category in shops
    }
    term_keys = _term_keys(conn, {term for found in words.values() for _s, term, _w in found})
    forms: dict[str, int] = {}
    frequency: Counter[str] = Counter()
    for found in words.values():
        for surface, term, _weight in found:
            frequency[surface] += 1
            for form in _word_forms(surface):
                forms.setdefault(form, term_keys[term])
    _add_words(conn, forms, frequency)

    item_ranks = sa.text(
        "SELECT term_key, MIN(rank) FROM search_item_term WHERE shop_key = :shop AND term_key IN :terms "
        "GROUP BY term_key"
    ).bindparams(sa.bindparam("terms", expanding=True))
    postings = sa.text(
        "SELECT term_key, weight FROM search_shop_term WHERE shop_key = :shop AND term_key IN :terms"
    ).bindparams(sa.bindparam("terms", expanding=True))
    for key, old_terms, _name, _category in shops:
        own: dict[int, int] = {}
        for _surface, term, weight in words[key]:
            k = term_keys[term]
            own[k] = max(own.get(k, 0), weight)
        old = {int(k) for k in old_terms.split()} if old_terms else set()
        affected = sorted(set(own) | old)
        # A term's weight in the shop: the best of its own words and of its items (4 down to 1 by rank).
        wanted = dict(own)
        current: dict[int, int] = {}
        for chunk in _chunks(affected):
            for k, rank in conn.execute(item_ranks, {"shop": key, "terms": list(chunk)}):
                wanted[k] = max(wanted.get(k, 0), WEIGHT_ITEM_NAME_IN_STOCK - rank)
            current.update(
                {row[0]: row[1] for row in conn.execute(postings, {"shop": key, "terms": list(chunk)})}
            )
        gone = [{"shop": key, "term": k} for k in current if k not in wanted]
        changed = [
            {"shop": key, "term": k, "weight": w}
            for k, w in wanted.items()
            if k in current and current[k] != w
        ]
        added = [{"shop": key, "term": k, "weight": w} for k, w in wanted.items() if k not in current]
        if gone:
            conn.execute(
                sa.text("DELETE FROM search_shop_term WHERE shop_key = :shop AND term_key = :term"), gone
            )
        if changed:
            conn.execute(
                sa.text(
                    "UPDATE search_shop_term SET weight = :weight WHERE shop_key = :shop AND term_key = :term"
                ),
                changed,
            )
        if added:
            conn.execute(
                sa.text(
                    "INSERT INTO search_shop_term (term_key, shop_key, weight) VALUES (:term, :shop, :weight)"
                ),
                added,
            )
        terms = " ".join(str(k) for k in sorted(own))
        if terms != (old_terms or ""):
            conn.execute(
                sa.text("UPDATE search_shop SET terms = :terms WHERE key = :key"),
                {"terms": terms, "key": key},
            )
