"""The one French normalisation chain, applied alike to documents and queries on every database.

lowercase → tokenise (elisions such as « l' » cut off) → drop stop words → Snowball stem → fold the plurals
the stemmer keeps (vélos → vélo) → remove accents. Stemming comes before accent removal because the French
stemmer relies on accented vowels.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import Stemmer  # type: ignore[import-not-found]  # PyStemmer ships no types

STOP_WORDS = frozenset(
    """
    a au aux avec c ce ces cet cette chez d dans de des du en et il j l la le les leur leurs m ma mes mon n
    nos notre ou où par pour qu que qui s sa se ses son sur t ta tes ton un une vos votre y à
    """.split()
)
# Ligatures the stemmer does not know: « cœur » must meet « coeur ».
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "’": "'", "ʼ": "'"})
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_VOWELS = frozenset("aeiouyàâäéèêëîïôöùûüÿ")
# A folded plural keeps at least this many letters, so that « os » or « as » are left alone.
_MIN_FOLDED = 3

_stemmer = Stemmer.Stemmer("french")


def fold(text: str) -> str:
    """Lowercase without accents or ligatures: « Crème Brûlée » → « creme brulee »."""
    decomposed = unicodedata.normalize("NFKD", _lower(text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _fold_plural(stem: str) -> str:
    if len(stem) > _MIN_FOLDED and stem[-1] in "sx" and stem[-2] in _VOWELS:
        return stem[:-1]
    return stem


@lru_cache(maxsize=65_536)
def term(word: str) -> str:
    """The index term of one lowercase word: stemmed, plural folded, then without accents."""
    return fold(_fold_plural(_stemmer.stemWord(word)))


def _lower(text: str) -> str:
    lowered = text.lower()
    # translate() is slow on every string; ligatures and curly apostrophes are rare.
    if "œ" in lowered or "æ" in lowered or "’" in lowered or "ʼ" in lowered:
        return lowered.translate(_LIGATURES)
    return lowered


def raw_words(text: str) -> list[str]:
    """Every lowercase word of a text, stop words included."""
    found: list[str] = _TOKEN.findall(_lower(text))
    return found


def is_meaningful(word: str) -> bool:
    """False for stop words and single letters (elided articles such as the « l » of « l'huile »)."""
    return (len(word) > 1 or word.isdigit()) and word not in STOP_WORDS


def words(text: str) -> list[str]:
    """Lowercase words of a text, stop words and single letters dropped."""
    return [w for w in raw_words(text) if is_meaningful(w)]


@dataclass(frozen=True, slots=True)
class Token:
    """One meaningful word: as typed but folded (for prefixes and typos) and its index term."""

    surface: str
    term: str


def tokens(text: str) -> list[Token]:
    return [Token(surface=fold(w), term=term(w)) for w in words(text)]


def normalise(text: str) -> list[str]:
    """The index terms of a text, in order, repeats kept."""
    return [term(w) for w in words(text)]
