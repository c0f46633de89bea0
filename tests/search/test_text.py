"""The French normalisation chain shared by documents and queries."""

import pytest

from api.search import text
from api.search.query import edit_distance


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("vélos", "vélo"),
        ("Vélos", "velo"),
        ("stylos", "stylo"),
        ("croissants", "croissant"),
        ("gâteaux", "gateau"),
        ("chevaux", "cheval"),
        ("bijoux", "bijou"),
        ("clés", "clé"),
        ("CLES", "clé"),
        ("fromages", "fromage"),
        ("lunettes", "lunette"),
        ("pâtisserie", "patisserie"),
        ("œufs", "oeuf"),
        ("cœur", "coeur"),
        ("réparations", "réparation"),
    ],
)
def test_forms_a_shopper_types_meet_the_same_term(one: str, other: str) -> None:
    assert text.normalise(one) == text.normalise(other)


def test_stop_words_and_elisions_are_dropped() -> None:
    assert text.normalise("Réparation de vélos à l'atelier et au magasin") == text.normalise(
        "réparation vélo atelier magasin"
    )
    assert text.words("l'huile d'olive") == ["huile", "olive"]
    assert text.words("de la du des le les un une pour en") == []


def test_words_that_mean_something_are_kept() -> None:
    assert text.words("pain sans gluten") == ["pain", "sans", "gluten"]
    assert text.words("pile 9 V, câble USB-C") == ["pile", "9", "câble", "usb"]


def test_accents_are_removed_after_stemming() -> None:
    # The stemmer needs the accent to know « é » is a vowel; the index never holds one.
    assert text.term("épicerie") == text.term("epicerie") == "epicer"
    assert all(t.isascii() for t in text.normalise("Crème brûlée, pâté, noël, façon maïs"))


def test_tokens_keep_the_folded_word_for_prefixes_and_typos() -> None:
    assert text.tokens("Boulangeries") == [text.Token(surface="boulangeries", term="boulanger")]


def test_fold() -> None:
    assert text.fold("Crème Brûlée Œuf") == "creme brulee oeuf"


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("croissant", "croissant", 0),
        ("croisant", "croissant", 1),
        ("crossiant", "croissant", 2),
        ("cirgae", "cirage", 1),  # a swap of neighbours is one typo
        ("lunetes", "lunettes", 1),
        ("pharmacei", "pharmacie", 1),
        ("abc", "xyz", 3),
    ],
)
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b, 3) == distance
    assert edit_distance(a, b, distance) == distance
    if distance:
        assert edit_distance(a, b, distance - 1) == distance  # beyond the limit: limit + 1
