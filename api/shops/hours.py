"""Opening hours in OpenStreetMap syntax, evaluated by opening-hours-py with France's public holidays."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import opening_hours

PARIS = ZoneInfo("Europe/Paris")
MAX_LENGTH = 255
# Changes further away than this are "never" for our purposes, and evaluating stays fast.
MAX_INTERVAL_DAYS = 370


class InvalidHours(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Status:
    open_now: bool | None
    next_change_at: datetime | None


@dataclass(frozen=True, slots=True)
class DayHours:
    date: date
    intervals: list[tuple[time, time]]
    unknown: bool


@lru_cache(maxsize=4096)
def _parse(expression: str, lat: float, lon: float) -> opening_hours.OpeningHours:
    return opening_hours.OpeningHours(
        expression,
        timezone=PARIS,
        country="FR",
        coords=(lat, lon),
        max_interval_days=MAX_INTERVAL_DAYS,
    )


def validate(expression: str) -> str:
    """The expression, stripped, or InvalidHours with a French sentence naming the problem."""
    expression = expression.strip()
    if not expression:
        raise InvalidHours("Les horaires sont vides : laissez le champ vide s'ils ne sont pas connus.")
    if len(expression) > MAX_LENGTH:
        raise InvalidHours(f"Les horaires dépassent {MAX_LENGTH} caractères.")
    try:
        opening_hours.OpeningHours(expression)
    except (opening_hours.ParserError, SyntaxError) as exc:  # type: ignore[attr-defined]  # not in its stubs
        raise InvalidHours(_unreadable(expression, _error_column(str(exc)))) from None
    return expression


_FRENCH_DAYS = re.compile(r"\b(lun|mar|mer|jeu|ven|sam|dim)(di|credi|dredi|edi|anche)?s?\b", re.IGNORECASE)
_FRENCH_TIME = re.compile(r"\d\s*h", re.IGNORECASE)
_FRENCH_WORDS = re.compile(r"\b(ferm[ée]e?s?|f[ée]ri[ée]s?|du|au|de|et|le|les)\b", re.IGNORECASE)


def _unreadable(expression: str, position: int | None) -> str:
    """What to change, in French: the editor first, then the syntax with an example, then what looks wrong."""
    # « vers le caractère 1 » only says the whole text is not understood.
    where = f" (vers le caractère {position})" if position and position > 1 else ""
    hints = []
    if _FRENCH_DAYS.search(expression) or _FRENCH_WORDS.search(expression):
        hints.append(
            "les jours s'écrivent en abrégé anglais (Mo lundi, Tu mardi, We mercredi, Th jeudi, Fr vendredi, "
            "Sa samedi, Su dimanche ; PH les jours fériés) et « fermé » s'écrit off"
        )
    if _FRENCH_TIME.search(expression):
        hints.append("les heures s'écrivent sur 24 heures avec deux points (9h30 devient 09:30)")
    advice = f" Ici, {' ; '.join(hints)}." if hints else ""
    return (
        f"Horaires illisibles{where} : remplissez les jours et les plages avec l'éditeur, "
        "ou écrivez-les au format OpenStreetMap, par exemple « Mo-Sa 09:00-19:00 » "
        "ou « Tu-Sa 09:30-12:30,14:00-19:00; PH off »."
        f"{advice}"
    )


def _error_column(message: str) -> int | None:
    # The parser reports " --> 1:7" for line 1, column 7.
    marker = message.find("--> ")
    if marker < 0:
        return None
    try:
        return int(message[marker + 4 :].split()[0].split(":")[1])
    except (IndexError, ValueError):
        return None


def status(expression: str | None, lat: float, lon: float, now: datetime) -> Status:
    """Open now, and when that changes; unknown hours give None, never a guessed « fermé »."""
    if expression is None:
        return Status(open_now=None, next_change_at=None)
    oh = _parse(expression, lat, lon)
    local_now = now.astimezone(PARIS)
    state, _comment = oh.state(local_now)
    open_now = None if state == opening_hours.State.UNKNOWN else state == opening_hours.State.OPEN
    change = oh.next_change(local_now)
    return Status(open_now=open_now, next_change_at=change)


def week(expression: str | None, lat: float, lon: float, start: date) -> list[DayHours]:
    """Seven days of opening intervals from `start`, for the shop page."""
    days: list[DayHours] = []
    for offset in range(7):
        day = start + timedelta(days=offset)
        if expression is None:
            days.append(DayHours(date=day, intervals=[], unknown=True))
            continue
        begin = datetime.combine(day, time.min, PARIS)
        end = begin + timedelta(days=1)
        intervals: list[tuple[time, time]] = []
        unknown = False
        for opens, closes, state, _comment in _parse(expression, lat, lon).intervals(begin, end):
            if state == opening_hours.State.OPEN:
                closes_local = closes.astimezone(PARIS) if closes else end
                intervals.append(
                    (opens.astimezone(PARIS).time(), time.max if closes_local >= end else closes_local.time())
                )
            elif state == opening_hours.State.UNKNOWN:
                unknown = True
        days.append(DayHours(date=day, intervals=intervals, unknown=unknown and not intervals))
    return days


_SUN_EVENTS = ("sun", "dawn", "dusk")
_STATUS_CACHE_MAX = 20_000
_STATUS_RECHECK = timedelta(hours=6)
# expression (or, for hours that follow the sun, (expression, lat, lon)) → (from, until, open now)
_statuses: dict[Any, tuple[datetime, datetime, bool | None]] = {}
_sun_dependent: dict[str, bool] = {}


def open_now(expression: str | None, lat: float, lon: float, now: datetime) -> bool | None:
    """`status(...).open_now`, remembered in this process until its next change: most shops share a few
    expressions, and a search page asks for forty. Hours imported unchecked that the parser refuses are
    unknown, never a failed search."""
    if expression is None:
        return None
    sun = _sun_dependent.get(expression)
    if sun is None:
        if len(_sun_dependent) >= _STATUS_CACHE_MAX:
            _sun_dependent.clear()
        lowered = expression.lower()
        sun = _sun_dependent[expression] = any(e in lowered for e in _SUN_EVENTS)
    key: Any = (expression, lat, lon) if sun else expression
    cached = _statuses.get(key)
    if cached is not None and cached[0] <= now < cached[1]:
        return cached[2]
    try:
        found = status(expression, lat, lon, now)
    except Exception:  # a parser error on hours imported unchecked
        found = Status(open_now=None, next_change_at=None)
    until = found.next_change_at or now + _STATUS_RECHECK
    if len(_statuses) >= _STATUS_CACHE_MAX:
        _statuses.clear()
    _statuses[key] = (now, min(until, now + _STATUS_RECHECK), found.open_now)
    return found.open_now
