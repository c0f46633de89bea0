"""The trade words (api/shops/trades.py): every category has some, and each goes through the text chain."""

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from api import demo
from api.search import SearchParams, search, text
from api.search.documents import WEIGHT_CATEGORY, category_tokens, shop_words
from api.search.models import MAX_WORD_LENGTH
from api.shops import osm_import
from api.shops.categories import CATEGORIES
from api.shops.models import Shop
from api.shops.trades import TRADE_WORDS
from tests.search.relevance import CENTRE, position


def test_every_category_and_only_categories_have_trade_words() -> None:
    assert set(TRADE_WORDS) == set(CATEGORIES)
    for category, phrases in TRADE_WORDS.items():
        assert len(phrases) >= 3, category
        assert len(set(phrases)) == len(phrases), category


@pytest.mark.parametrize("category", sorted(TRADE_WORDS))
def test_each_trade_word_gives_index_terms(category: str) -> None:
    for phrase in TRADE_WORDS[category]:
        assert phrase == phrase.strip() and phrase == phrase.lower(), phrase
        found = text.tokens(phrase)
        assert found, f"« {phrase} » is only stop words"
        for token in found:
            assert token.term and token.surface, phrase
            assert len(token.surface) <= MAX_WORD_LENGTH, phrase
        # The phrase typed as a query gives the terms it is indexed under.
        assert text.normalise(phrase) == [t.term for t in found], phrase


@pytest.mark.parametrize(
    ("category", "typed"),
    [
        ("cordonnerie", "cordonnier"),
        ("cordonnerie", "cordonniers"),
        ("cordonnerie", "ressemelage"),
        ("fleuriste", "fleurs"),
        ("fleuriste", "fleur"),
        ("opticien", "lunettes"),
        ("caviste", "vins"),
        ("reparation-velos", "vélos"),
        ("reparation-velos", "velo"),
        ("serrurerie", "serruriers"),
        ("boulangerie", "pâtissière"),
    ],
)
def test_a_shop_carries_its_trade_words_at_the_category_weight(category: str, typed: str) -> None:
    weights = {term: weight for _surface, term, weight in shop_words("Chez Camille", category)}
    (query_term,) = text.normalise(typed)
    assert weights.get(query_term) == WEIGHT_CATEGORY, (typed, sorted(weights))


def test_category_tokens_hold_each_word_once() -> None:
    for category in CATEGORIES:
        found = category_tokens(category)
        assert len(found) == len(set(found))
        assert {t.term for t in text.tokens(CATEGORIES[category])} <= {t.term for t in found}


# --- the ways shops reach the index ---------------------------------------------------------------------


def _first_categories(session: Session, query: str, count: int) -> list[str]:
    page = search(
        session.connection(), SearchParams(q=query, lat=CENTRE[0], lon=CENTRE[1]), datetime.now(UTC)
    )
    return [r["shop"]["category"] for r in page.results[:count]]


def test_shops_imported_from_openstreetmap_are_found_by_their_trade(session: Session) -> None:
    def node(n: int, name: str, **tags: str) -> dict[str, object]:
        lat, lon = position(10 * n, 0)
        return {"type": "node", "id": 7_000 + n, "lat": lat, "lon": lon, "tags": {"name": name, **tags}}

    document = {
        "elements": [
            node(1, "L'Atelier de Jo", craft="shoemaker"),
            node(2, "Pétales", shop="florist"),
            node(3, "Le Pressing du Coin", shop="dry_cleaning"),
        ]
    }
    osm_import.import_elements(session=session, elements=osm_import.parse_document(document))
    session.commit()
    assert _first_categories(session, "cordonnier", 1) == ["cordonnerie"]
    assert _first_categories(session, "fleurs", 1) == ["fleuriste"]


def test_the_demo_loader_indexes_the_trade_words(session: Session) -> None:
    demo.load_demo(session=session, shops=120, items=2_000)
    session.commit()
    cordonneries = sum(1 for s in session.exec(select(Shop)) if s.category == "cordonnerie")
    assert cordonneries
    assert set(_first_categories(session, "cordonnier", cordonneries)) == {"cordonnerie"}
    assert _first_categories(session, "fleurs", 1) == ["fleuriste"]
