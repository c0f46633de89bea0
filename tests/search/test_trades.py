"""The trade words (api/shops/trades.py): every category has some, and each goes through the text chain."""

import pytest

from api.search import text
from api.search.documents import WEIGHT_CATEGORY, category_tokens, shop_words
from api.search.models import MAX_WORD_LENGTH
from api.shops.categories import CATEGORIES
from api.shops.trades import TRADE_WORDS


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
