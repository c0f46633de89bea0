"""What a search asks: its parameters and their rules, the words of the query, and how far a typo goes."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from api.errors import invalid
from api.search import text
from api.search.models import MAX_QUERY_LENGTH

DEFAULT_RADIUS_M = 2000
MAX_RADIUS_M = 50_000
MAX_WORDS = 10
# Match quality, in percent of the place's weight (integers keep scores exact across pages): the word
# itself > a completion of the last word > one typo > two typos.
EXACT, PREFIX, ONE_TYPO, TWO_TYPOS = 100, 75, 35, 30


class Sort(StrEnum):
    relevance = "relevance"
    distance = "distance"


@dataclass(frozen=True, slots=True)
class SearchParams:
    q: str | None = None
    lat: float | None = None
    lon: float | None = None
    radius_m: float | None = None
    kind: str | None = None
    category: str | None = None
    open_now: bool = False
    sort: Sort = Sort.relevance
    limit: int = 20
    cursor: str | None = None

    @property
    def has_location(self) -> bool:
        return self.lat is not None and self.lon is not None

    def fingerprint(self) -> dict[str, Any]:
        """What a cursor is bound to: every parameter but the page size and the cursor itself."""
        return {
            "q": self.q or "",
            "lat": self.lat,
            "lon": self.lon,
            "radius_m": self.radius_m,
            "kind": self.kind,
            "category": self.category,
            "open_now": self.open_now,
            "sort": self.sort.value,
        }


def validate(params: SearchParams) -> None:
    """Rules that span several parameters (single ones are checked by the route's declarations)."""
    if (params.lat is None) != (params.lon is None):
        missing = "lon" if params.lon is None else "lat"
        raise invalid(missing, "La latitude et la longitude vont ensemble : donnez les deux ou aucune.")
    if not params.has_location:
        if params.sort == Sort.distance:
            raise invalid("sort", "Le tri par distance demande une position (lat et lon).")
        if params.radius_m is not None:
            raise invalid("radius_m", "Un rayon de recherche demande une position (lat et lon).")
    if params.radius_m is not None and not 0 < params.radius_m <= MAX_RADIUS_M:
        raise invalid("radius_m", f"Le rayon doit être compris entre 1 et {MAX_RADIUS_M} mètres.")
    if params.q is not None and len(params.q) > MAX_QUERY_LENGTH:
        raise invalid("q", f"La recherche dépasse {MAX_QUERY_LENGTH} caractères.")


@dataclass(frozen=True, slots=True)
class QueryWord:
    surface: str
    term: str
    prefix: bool


def parse_query(q: str | None) -> list[QueryWord]:
    found = text.tokens(q or "")
    if len(found) > MAX_WORDS:
        raise invalid("q", f"La recherche compte trop de mots : {MAX_WORDS} au plus.")
    # Typing as you go: the last word may be unfinished, unless a space or punctuation closed it.
    open_ended = bool(q) and q is not None and q[-1].isalnum()
    return [
        QueryWord(surface=t.surface, term=t.term, prefix=open_ended and i == len(found) - 1)
        for i, t in enumerate(found)
    ]


def allowed_typos(surface: str) -> int:
    return 2 if len(surface) >= 9 else 1 if len(surface) >= 5 else 0


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of two neighbours is one typo), or limit + 1 beyond it.

    Only the band of cells within `limit` of the diagonal is computed, after the common prefix and suffix.
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end = 0
    while end < len(a) - start and end < len(b) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    a, b = a[start : len(a) - end], b[start : len(b) - end]
    la, lb = len(a), len(b)
    beyond = limit + 1
    if not la or not lb:
        return min(max(la, lb), beyond)
    previous2: list[int] = []
    previous = list(range(lb + 1))
    for i in range(1, la + 1):
        current = [beyond] * (lb + 1)
        current[0] = i if i <= limit else beyond
        best = current[0]
        ai = a[i - 1]
        for j in range(max(1, i - limit), min(lb, i + limit) + 1):
            bj = b[j - 1]
            value = previous[j - 1] + (ai != bj)
            if previous[j] + 1 < value:
                value = previous[j] + 1
            if current[j - 1] + 1 < value:
                value = current[j - 1] + 1
            if i > 1 and j > 1 and ai == b[j - 2] and a[i - 2] == bj and previous2[j - 2] + 1 < value:
                value = previous2[j - 2] + 1
            current[j] = value
            if value < best:
                best = value
        if best > limit:
            return beyond
        previous2, previous = previous, current
    return min(previous[lb], beyond)


def match_quality(word: QueryWord, candidate: str) -> int:
    """How well a vocabulary word found for a typo matches: EXACT, ONE_TYPO, TWO_TYPOS, or 0 beyond."""
    typos = allowed_typos(word.surface)
    distance = edit_distance(word.surface, candidate, typos)
    if distance > typos:
        return 0
    return EXACT if distance == 0 else ONE_TYPO if distance == 1 else TWO_TYPOS
