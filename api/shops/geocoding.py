"""A shop's address to a position, through the national address base (BAN) on the Géoplateforme.

The server asks the geocoder, not the browser: the CSP keeps `connect-src 'self'`, the geocoder never learns
who asks, and what it answers is cut to the served territory. The address looked up is a shop's, never a
shopper's position; neither the query nor the answer is logged.
"""

import logging
import math
import uuid
from datetime import datetime, timedelta
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlmodel import Session, col, delete, select

from api import geo
from api.auth.deps import CurrentPrincipal
from api.config import Settings
from api.db import WriterDep, utcnow
from api.errors import AppError, RateLimited, ServiceUnavailable, invalid
from api.shops.models import GeocodeRequest

logger = logging.getLogger("api.geocoding")
# httpx logs each request line at INFO, query string included: the addresses looked up stay out of the logs.
logging.getLogger("httpx").setLevel(logging.WARNING)

router = APIRouter(tags=["commerces"])

USER_AGENT = "CoeurDeValence/0.1 (geocodage des adresses de commerces)"
# Asked of the geocoder: more than shown, since some answers fall outside the territory.
UPSTREAM_LIMIT = 20
QUERY_MIN_LENGTH = 3
QUERY_MAX_LENGTH = 200
RATE_WINDOW_S = 60

UNREACHABLE = (
    "Le service national des adresses ne répond pas pour le moment : réessayez dans quelques instants, "
    "ou placez le repère vous-même sur la carte."
)
BAD_ANSWER = (
    "Le service national des adresses a envoyé une réponse illisible : réessayez dans quelques instants, "
    "ou placez le repère vous-même sur la carte."
)


class GeocoderUnavailable(ServiceUnavailable):
    slug = "geocoder-unavailable"
    title = "Recherche d'adresse indisponible"


class GeocoderBadAnswer(AppError):
    status = 502
    slug = "geocoder-error"
    title = "Recherche d'adresse indisponible"


class AddressSuggestion(BaseModel):
    """One address the geocoder knows, inside the served territory."""

    label: str = Field(description="L'adresse complète, par exemple « 12 Grande Rue 26000 Valence ».")
    lat: float
    lon: float
    score: float = Field(ge=0, le=1, description="La confiance du géocodeur, de 0 à 1.")
    type: str | None = Field(
        default=None, description="`housenumber`, `street`, `locality` ou `municipality`."
    )
    housenumber: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None


class AddressSuggestions(BaseModel):
    results: list[AddressSuggestion]


def take_turn(*, session: Session, caller: uuid.UUID, limit: int, now: datetime) -> None:
    """Count one look-up against the caller's window, or refuse it: kept in the database, so that every
    API process counts the same look-ups."""
    window = timedelta(seconds=RATE_WINDOW_S)
    at = col(GeocodeRequest.requested_at)
    session.exec(delete(GeocodeRequest).where(at <= now - window))
    recent = session.exec(
        select(at).where(col(GeocodeRequest.user_id) == caller).order_by(at.desc()).limit(limit)
    ).all()
    if len(recent) >= limit:
        retry_after = max(1, math.ceil((recent[-1] + window - now).total_seconds()))
        raise RateLimited(
            f"Trop de recherches d'adresse en une minute : patientez {retry_after} s, puis réessayez.",
            retry_after_s=retry_after,
            headers={
                "RateLimit-Limit": str(limit),
                "RateLimit-Remaining": "0",
                "RateLimit-Reset": str(retry_after),
                "RateLimit-Policy": f"{limit};w={RATE_WINDOW_S}",
            },
        )
    session.add(GeocodeRequest(user_id=caller, requested_at=now))


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def suggestions_from(document: Any, *, territory: geo.Box, limit: int) -> list[AddressSuggestion]:
    """The geocoder's GeoJSON FeatureCollection as suggestions inside the territory, best first."""
    if not isinstance(document, dict) or not isinstance(document.get("features"), list):
        raise GeocoderBadAnswer(BAD_ANSWER)
    found: list[AddressSuggestion] = []
    for feature in document["features"]:
        try:
            lon, lat = (float(c) for c in feature["geometry"]["coordinates"][:2])
            properties = feature.get("properties") or {}
            label = _text(properties.get("label"))
            score = float(properties.get("score", 0))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
        if label is None or not (math.isfinite(lat) and math.isfinite(lon)):
            continue
        if not geo.contains(territory, lat, lon):
            continue
        found.append(
            AddressSuggestion(
                label=label[:QUERY_MAX_LENGTH],
                lat=round(lat, 6),
                lon=round(lon, 6),
                score=min(1.0, max(0.0, score)) if math.isfinite(score) else 0.0,
                type=_text(properties.get("type")),
                housenumber=_text(properties.get("housenumber")),
                street=_text(properties.get("street")),
                postcode=_text(properties.get("postcode")),
                city=_text(properties.get("city")),
            )
        )
    found.sort(key=lambda s: -s.score)
    return found[:limit]


async def geocode(address: str, *, settings: Settings, limit: int) -> list[AddressSuggestion]:
    """Suggestions for an address typed by a merchant; GeocoderUnavailable or GeocoderBadAnswer otherwise."""
    centre_lat, centre_lon = geo.CITY_CENTRE
    params = {
        "q": address,
        "limit": str(UPSTREAM_LIMIT),
        # A bias towards the city, not a filter: the territory is applied to the answer.
        "lat": str(centre_lat),
        "lon": str(centre_lon),
    }
    url = settings.geocoder_url.rstrip("/") + "/search/"
    try:
        async with httpx.AsyncClient(
            timeout=settings.geocoder_timeout_seconds,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=False,
        ) as client:
            response = await client.get(url, params=params)
    except httpx.TimeoutException:
        logger.warning("geocoder: no answer within %ss", settings.geocoder_timeout_seconds)
        raise GeocoderUnavailable(UNREACHABLE, retry_after_s=30) from None
    except httpx.HTTPError as error:
        logger.warning("geocoder unreachable: %s", type(error).__name__)
        raise GeocoderUnavailable(UNREACHABLE, retry_after_s=30) from None
    if response.status_code == 429 or response.status_code >= 500:
        logger.warning("geocoder answered %d", response.status_code)
        raise GeocoderUnavailable(UNREACHABLE, retry_after_s=30)
    if response.status_code != 200:
        logger.warning("geocoder answered %d", response.status_code)
        raise GeocoderBadAnswer(BAD_ANSWER)
    try:
        document = response.json()
    except ValueError:
        logger.warning("geocoder answered something that is not JSON")
        raise GeocoderBadAnswer(BAD_ANSWER) from None
    return suggestions_from(document, territory=settings.territory, limit=limit)


def _cleaned(q: str) -> str:
    # The geocoder wants a query that starts with a letter or a digit.
    cleaned = " ".join(q.split()).lstrip("-,.;:'’\"«» ")
    if len(cleaned) < QUERY_MIN_LENGTH or not any(c.isalnum() for c in cleaned):
        raise invalid(
            "q", "Saisissez au moins 3 lettres ou chiffres de l'adresse, par exemple « 12 Grande Rue »."
        )
    return cleaned


@router.get("/geocode", response_model=AddressSuggestions)
async def geocode_address(
    request: Request,
    principal: CurrentPrincipal,
    write: WriterDep,
    q: Annotated[
        str,
        Query(
            min_length=QUERY_MIN_LENGTH,
            max_length=QUERY_MAX_LENGTH,
            description="L'adresse du commerce, par exemple « 12 Grande Rue Valence ».",
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=10, description="Au plus ce nombre de suggestions.")] = 5,
) -> AddressSuggestions:
    """Addresses matching a shop's address, inside the served territory (signed in: a shop's address only)."""
    settings: Settings = request.app.state.settings
    address = _cleaned(q)

    def work(session: Session) -> None:
        take_turn(
            session=session,
            caller=principal.user_id,
            limit=settings.geocoder_requests_per_minute,
            now=utcnow(),
        )

    await write(work)
    return AddressSuggestions(results=await geocode(address, settings=settings, limit=limit))
