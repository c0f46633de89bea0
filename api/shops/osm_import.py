"""Shops from OpenStreetMap: Overpass JSON or overpass-turbo GeoJSON, upserted by OSM id (« node/123 »).

Imported shops are active, unowned and `source=osm`. A new import of the same element updates its name,
category, address, position, phone, website and hours, never its owner, status or description; once a
merchant has claimed the shop, their own edits win and a new import leaves it alone. Elements are
skipped, with a reason, when they have no name, no tag we map, no usable position, or lie outside the
territory. Invalid opening hours are dropped (the shop is imported with unknown hours) and reported.

Tags are read in this order: `shop=*`, then `craft=*`, then `amenity=*`; the first one we map wins.

| category | OSM tags |
|---|---|
| boulangerie | shop=bakery, shop=pastry |
| boucherie | shop=butcher |
| fromagerie | shop=cheese, shop=dairy |
| primeur | shop=greengrocer, shop=farm |
| epicerie | shop=convenience, shop=supermarket, shop=grocery, shop=general |
| epicerie-fine | shop=deli, shop=tea, shop=coffee, shop=spices |
| bio | shop=organic, shop=health_food |
| caviste | shop=wine, shop=alcohol, shop=beverages |
| chocolatier | shop=chocolate, shop=confectionery, craft=confectionery |
| cafe | amenity=cafe, amenity=bar, amenity=pub |
| restaurant | amenity=restaurant, amenity=fast_food |
| librairie | shop=books |
| papeterie | shop=stationery |
| tabac-presse | shop=tobacco, shop=newsagent |
| fleuriste | shop=florist |
| pharmacie | amenity=pharmacy |
| opticien | shop=optician, craft=optician |
| pret-a-porter | shop=clothes, shop=boutique, shop=fashion, shop=fashion_accessories, shop=bag |
| chaussures | shop=shoes |
| bijouterie | shop=jewelry, shop=watches, craft=jeweller, craft=watchmaker |
| parfumerie | shop=perfumery, shop=cosmetics, shop=chemist |
| jouets | shop=toys, shop=games |
| sport | shop=sports, shop=outdoor |
| decoration | shop=interior_decoration, shop=gift, shop=houseware |
| quincaillerie | shop=hardware, shop=doityourself |
| informatique | shop=computer, shop=mobile_phone, shop=electronics |
| cordonnerie | shop=shoe_repair, craft=shoemaker |
| serrurerie | shop=locksmith, craft=locksmith, craft=key_cutter |
| reparation-velos | shop=bicycle, craft=bicycle |
| coiffeur | shop=hairdresser |
| institut-beaute | shop=beauty |
| pressing | shop=dry_cleaning, shop=laundry |

Rules the table cannot show:
- `organic=only` turns a general food shop (convenience, supermarket, grocery, general, greengrocer,
  deli) into `bio`; on a bakery or a butcher it changes nothing.
- `shop=bicycle` is `reparation-velos` (nearly every vélociste repairs, and that category is where people look
  for bikes), unless it says `service:bicycle:repair=no`: then `sport`.
- `shop=pastry` goes to `boulangerie`, whose label is « Boulangerie-pâtisserie »; `shop=chemist` (droguerie,
  parapharmacie) to `parfumerie`, since it is not a pharmacy.
- Not imported, for want of a category: `amenity=marketplace` (a market is many stalls, not one shop),
  `amenity=ice_cream`, `amenity=bicycle_repair_station` (a self-service stand), `shop=seafood`,
  `shop=tailor`, `shop=furniture`, and every other value.
"""

import json
import math
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from api import geo
from api.config import get_settings
from api.db import utcnow
from api.shops import hours
from api.shops.models import (
    PHONE_MAX_LENGTH,
    PHONE_PATTERN,
    WEBSITE_MAX_LENGTH,
    WEBSITE_PATTERN,
    Shop,
    ShopSource,
    ShopStatus,
)

CREDIT = "Données © les contributeurs d'OpenStreetMap (ODbL)"

SHOP_TAGS: dict[str, str] = {
    "bakery": "boulangerie",
    "pastry": "boulangerie",
    "butcher": "boucherie",
    "cheese": "fromagerie",
    "dairy": "fromagerie",
    "greengrocer": "primeur",
    "farm": "primeur",
    "convenience": "epicerie",
    "supermarket": "epicerie",
    "grocery": "epicerie",
    "general": "epicerie",
    "deli": "epicerie-fine",
    "tea": "epicerie-fine",
    "coffee": "epicerie-fine",
    "spices": "epicerie-fine",
    "organic": "bio",
    "health_food": "bio",
    "wine": "caviste",
    "alcohol": "caviste",
    "beverages": "caviste",
    "chocolate": "chocolatier",
    "confectionery": "chocolatier",
    "books": "librairie",
    "stationery": "papeterie",
    "tobacco": "tabac-presse",
    "newsagent": "tabac-presse",
    "florist": "fleuriste",
    "optician": "opticien",
    "clothes": "pret-a-porter",
    "boutique": "pret-a-porter",
    "fashion": "pret-a-porter",
    "fashion_accessories": "pret-a-porter",
    "bag": "pret-a-porter",
    "shoes": "chaussures",
    "jewelry": "bijouterie",
    "watches": "bijouterie",
    "perfumery": "parfumerie",
    "cosmetics": "parfumerie",
    "chemist": "parfumerie",
    "toys": "jouets",
    "games": "jouets",
    "sports": "sport",
    "outdoor": "sport",
    "interior_decoration": "decoration",
    "gift": "decoration",
    "houseware": "decoration",
    "hardware": "quincaillerie",
    "doityourself": "quincaillerie",
    "computer": "informatique",
    "mobile_phone": "informatique",
    "electronics": "informatique",
    "shoe_repair": "cordonnerie",
    "locksmith": "serrurerie",
    "bicycle": "reparation-velos",
    "hairdresser": "coiffeur",
    "beauty": "institut-beaute",
    "dry_cleaning": "pressing",
    "laundry": "pressing",
}
CRAFT_TAGS: dict[str, str] = {
    "confectionery": "chocolatier",
    "optician": "opticien",
    "jeweller": "bijouterie",
    "watchmaker": "bijouterie",
    "shoemaker": "cordonnerie",
    "locksmith": "serrurerie",
    "key_cutter": "serrurerie",
    "bicycle": "reparation-velos",
}
AMENITY_TAGS: dict[str, str] = {
    "cafe": "cafe",
    "bar": "cafe",
    "pub": "cafe",
    "restaurant": "restaurant",
    "fast_food": "restaurant",
    "pharmacy": "pharmacie",
}
_ORGANIC_WHEN_ONLY = {"convenience", "supermarket", "grocery", "general", "greengrocer", "deli"}

SKIP_MALFORMED = "malformed element"
SKIP_NO_TAG = "no mappable tag"
SKIP_NO_NAME = "no name"
SKIP_NO_POSITION = "no coordinates"
SKIP_OUTSIDE = "outside the territory"
SKIP_DUPLICATE = "duplicate in the file"

NO_ADDRESS = "Adresse non renseignée"
_OSM_ID = re.compile(r"^(node|way|relation)/([0-9]+)$")
_LOOKUP_CHUNK = 500
_FIELDS = ("name", "category", "address", "lat", "lon", "phone", "website", "opening_hours")


class OsmFormatError(ValueError):
    """The file is not Overpass JSON nor GeoJSON; the message says what was found."""


class OsmTooDeepError(ValueError):
    """The document nests deeper than Python can read (json and the geometry walk both recurse)."""

    def __init__(self) -> None:
        super().__init__(
            "ce fichier imbrique trop de tableaux ou d'objets JSON les uns dans les autres pour être lu. "
            "Un export Overpass ou GeoJSON n'en compte que quelques niveaux : vérifiez que c'est bien le "
            "fichier exporté d'OpenStreetMap, puis relancez l'import."
        )


@dataclass(frozen=True, slots=True)
class OsmElement:
    osm_id: str | None
    lat: float | None
    lon: float | None
    tags: dict[str, str]


@dataclass(frozen=True, slots=True)
class OsmShop:
    osm_id: str
    name: str
    category: str
    address: str
    lat: float
    lon: float
    phone: str | None
    website: str | None
    opening_hours: str | None
    # The hours as found, when they were dropped, and why.
    invalid_hours: str | None = None
    hours_problem: str | None = None

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _FIELDS}


@dataclass(frozen=True, slots=True)
class Skipped:
    osm_id: str | None
    name: str | None
    reason: str
    # For an unmapped element, its shop/craft/amenity tag: what a new mapping row would need.
    tag: str | None = None


@dataclass(frozen=True, slots=True)
class DroppedHours:
    osm_id: str
    name: str
    opening_hours: str
    problem: str


@dataclass(slots=True)
class ImportReport:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_by_merchant: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    dropped_hours: list[DroppedHours] = field(default_factory=list)

    def skipped_by_reason(self) -> Counter[str]:
        return Counter(skip.reason for skip in self.skipped)


# --- reading the two formats -----------------------------------------------------------------------


def read_document(text: str) -> list[OsmElement]:
    """The elements of an Overpass JSON or GeoJSON document, or OsmFormatError, or OsmTooDeepError."""
    try:
        data = json.loads(text)
        return parse_document(data)
    except json.JSONDecodeError as exc:
        raise OsmFormatError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise OsmTooDeepError() from None


def parse_document(data: Any) -> list[OsmElement]:
    if isinstance(data, dict):
        if isinstance(data.get("elements"), list):
            return [_overpass_element(raw) for raw in data["elements"]]
        if data.get("type") == "FeatureCollection" and isinstance(data.get("features"), list):
            return [_geojson_feature(raw) for raw in data["features"]]
        if data.get("type") == "Feature":
            return [_geojson_feature(data)]
        if "elements" in data or "features" in data:
            raise OsmFormatError("its « elements » or « features » is not a list")
    kind = type(data).__name__ if not isinstance(data, dict) else f"an object with keys {sorted(data)[:6]}"
    raise OsmFormatError(
        f'expected Overpass JSON ({{"elements": [...]}}) or a GeoJSON FeatureCollection, found {kind}'
    )


def _tags(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        return {}
    return {
        str(key): str(value).strip()
        for key, value in raw.items()
        if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value).strip()
    }


def _coordinate(lat: Any, lon: Any) -> tuple[float, float] | None:
    if isinstance(lat, bool) or isinstance(lon, bool):
        return None
    try:
        lat_f, lon_f = float(lat), float(lon)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat_f) and math.isfinite(lon_f) and -90 <= lat_f <= 90 and -180 <= lon_f <= 180):
        return None
    return lat_f, lon_f


def _overpass_element(raw: Any) -> OsmElement:
    if not isinstance(raw, dict):
        return OsmElement(osm_id=None, lat=None, lon=None, tags={})
    osm_type, osm_number = raw.get("type"), raw.get("id")
    osm_id = None
    if (
        osm_type in ("node", "way", "relation")
        and isinstance(osm_number, int)
        and not isinstance(osm_number, bool)
    ):
        osm_id = f"{osm_type}/{osm_number}"
    position = _coordinate(raw.get("lat"), raw.get("lon"))
    if position is None and isinstance(raw.get("center"), dict):
        position = _coordinate(raw["center"].get("lat"), raw["center"].get("lon"))
    if position is None and isinstance(raw.get("bounds"), dict):
        bounds = raw["bounds"]
        low = _coordinate(bounds.get("minlat"), bounds.get("minlon"))
        high = _coordinate(bounds.get("maxlat"), bounds.get("maxlon"))
        if low and high:
            position = ((low[0] + high[0]) / 2, (low[1] + high[1]) / 2)
    if position is None and isinstance(raw.get("geometry"), list):
        points = [_coordinate(p.get("lat"), p.get("lon")) for p in raw["geometry"] if isinstance(p, dict)]
        ring = [(lon, lat) for lat, lon in (p for p in points if p is not None)]
        position = _swap(_ring_centroid(ring) if len(ring) > 3 and ring[0] == ring[-1] else _mean(ring))
    return OsmElement(
        osm_id=osm_id,
        lat=position[0] if position else None,
        lon=position[1] if position else None,
        tags=_tags(raw.get("tags")),
    )


def _geojson_id(feature: dict[str, Any], properties: dict[str, Any]) -> str | None:
    for candidate in (feature.get("id"), properties.get("@id"), properties.get("id")):
        if isinstance(candidate, str) and _OSM_ID.match(candidate.strip()):
            return candidate.strip()
    # osmtogeojson's older shape: {"type": "node", "id": 123, "tags": {...}}
    osm_type, osm_number = properties.get("type"), properties.get("id")
    if osm_type in ("node", "way", "relation") and isinstance(osm_number, int | str):
        if str(osm_number).isdigit():
            return f"{osm_type}/{osm_number}"
    return None


def _geojson_feature(raw: Any) -> OsmElement:
    if not isinstance(raw, dict):
        return OsmElement(osm_id=None, lat=None, lon=None, tags={})
    raw_properties = raw.get("properties")
    properties: dict[str, Any] = raw_properties if isinstance(raw_properties, dict) else {}
    if isinstance(properties.get("tags"), dict):
        tags = _tags(properties["tags"])
    else:
        tags = _tags({k: v for k, v in properties.items() if not k.startswith("@") and k != "id"})
    position = _swap(_geometry_centroid(raw.get("geometry")))
    return OsmElement(
        osm_id=_geojson_id(raw, properties),
        lat=position[0] if position else None,
        lon=position[1] if position else None,
        tags=tags,
    )


Point = tuple[float, float]  # (lon, lat), as GeoJSON orders them


def _swap(point: Point | None) -> tuple[float, float] | None:
    """(lon, lat) to a checked (lat, lon)."""
    return None if point is None else _coordinate(point[1], point[0])


def _points(raw: Any) -> list[Point]:
    points: list[Point] = []
    if isinstance(raw, list):
        for position in raw:
            if isinstance(position, list | tuple) and len(position) >= 2:
                checked = _coordinate(position[1], position[0])
                if checked is not None:
                    points.append((checked[1], checked[0]))
    return points


def _mean(points: Sequence[Point]) -> Point | None:
    if not points:
        return None
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def _ring_area_centroid(ring: Sequence[Point]) -> tuple[float, Point] | None:
    """Signed area and centroid of a closed ring (shoelace; flat coordinates are fine at a city's scale)."""
    if not ring:
        return None
    # Relative to the first vertex: with raw degrees the cross products cancel out to noise.
    ox, oy = ring[0]
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        x0, y0, x1, y1 = x0 - ox, y0 - oy, x1 - ox, y1 - oy
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-18:
        return None
    area /= 2
    return area, (ox + cx / (6 * area), oy + cy / (6 * area))


def _ring_centroid(ring: Sequence[Point]) -> Point | None:
    found = _ring_area_centroid(ring)
    return found[1] if found else _mean(ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring)


def _polygons_centroid(polygons: Iterable[list[Point]]) -> Point | None:
    total = sx = sy = 0.0
    vertices: list[Point] = []
    for ring in polygons:
        vertices.extend(ring)
        found = _ring_area_centroid(ring if ring and ring[0] == ring[-1] else [*ring, *ring[:1]])
        if found:
            weight = abs(found[0])
            total += weight
            sx += found[1][0] * weight
            sy += found[1][1] * weight
    if total > 0:
        return sx / total, sy / total
    return _mean(vertices)


def _geometry_centroid(geometry: Any) -> Point | None:
    if not isinstance(geometry, dict):
        return None
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Point":
        points = _points([coordinates])
        return points[0] if points else None
    if kind in ("MultiPoint", "LineString"):
        return _mean(_points(coordinates))
    if kind == "MultiLineString" and isinstance(coordinates, list):
        return _mean([p for line in coordinates for p in _points(line)])
    if kind == "Polygon" and isinstance(coordinates, list) and coordinates:
        return _polygons_centroid([_points(coordinates[0])])
    if kind == "MultiPolygon" and isinstance(coordinates, list):
        return _polygons_centroid([_points(p[0]) for p in coordinates if isinstance(p, list) and p])
    if kind == "GeometryCollection" and isinstance(geometry.get("geometries"), list):
        return _mean([c for g in geometry["geometries"] if (c := _geometry_centroid(g)) is not None])
    return None


# --- from tags to a shop -------------------------------------------------------------------------------


def _first(value: str | None) -> str | None:
    """OSM separates several values with « ; »: keep the first."""
    if value is None:
        return None
    head = value.split(";")[0].strip()
    return head or None


def category_for(tags: dict[str, str]) -> str | None:
    shop = _first(tags.get("shop"))
    if shop is not None and shop in SHOP_TAGS:
        if shop in _ORGANIC_WHEN_ONLY and tags.get("organic") == "only":
            return "bio"
        if shop == "bicycle" and tags.get("service:bicycle:repair") == "no":
            return "sport"
        return SHOP_TAGS[shop]
    craft = _first(tags.get("craft"))
    if craft is not None and craft in CRAFT_TAGS:
        return CRAFT_TAGS[craft]
    amenity = _first(tags.get("amenity"))
    if amenity is not None and amenity in AMENITY_TAGS:
        return AMENITY_TAGS[amenity]
    return None


def address_for(tags: dict[str, str]) -> str:
    """« 12 Grande Rue, 26000 Valence », with whatever parts the element has."""
    number, street = tags.get("addr:housenumber"), tags.get("addr:street") or tags.get("addr:place")
    postcode, city = tags.get("addr:postcode"), tags.get("addr:city")
    parts: list[str] = []
    if street:
        parts.append(f"{number} {street}" if number else street)
    town = " ".join(p for p in (postcode, city) if p)
    if town:
        parts.append(town)
    address = ", ".join(parts) if parts else NO_ADDRESS
    return address[:200]


def _phone(tags: dict[str, str]) -> str | None:
    for key in ("phone", "contact:phone", "mobile", "contact:mobile"):
        value = _first(tags.get(key))
        if value and len(value) <= PHONE_MAX_LENGTH and PHONE_PATTERN.match(value):
            return value
    return None


def _website(tags: dict[str, str]) -> str | None:
    for key in ("website", "contact:website", "url"):
        value = _first(tags.get(key))
        if not value:
            continue
        if not re.match(r"^[a-z][a-z0-9+.-]*://", value, re.IGNORECASE):
            value = f"https://{value}"
        if len(value) <= WEBSITE_MAX_LENGTH and WEBSITE_PATTERN.match(value):
            return value
    return None


def to_shop(element: OsmElement, *, territory: geo.Box) -> OsmShop | Skipped:
    """What we would store for the element, or why it is skipped."""
    tags = element.tags
    name = (tags.get("name") or tags.get("name:fr") or "").strip() or None
    if element.osm_id is None:
        return Skipped(osm_id=None, name=name, reason=SKIP_MALFORMED)
    category = category_for(tags)
    if category is None:
        tag = next((f"{key}={tags[key]}" for key in ("shop", "craft", "amenity") if key in tags), None)
        return Skipped(osm_id=element.osm_id, name=name, reason=SKIP_NO_TAG, tag=tag)
    if name is None:
        return Skipped(osm_id=element.osm_id, name=None, reason=SKIP_NO_NAME)
    if element.lat is None or element.lon is None:
        return Skipped(osm_id=element.osm_id, name=name, reason=SKIP_NO_POSITION)
    if not geo.contains(territory, element.lat, element.lon):
        return Skipped(osm_id=element.osm_id, name=name, reason=SKIP_OUTSIDE)
    opening_hours = invalid_hours = problem = None
    raw_hours = tags.get("opening_hours")
    if raw_hours:
        try:
            opening_hours = hours.validate(raw_hours)
        except hours.InvalidHours as exc:
            invalid_hours, problem = raw_hours, str(exc)
    return OsmShop(
        osm_id=element.osm_id,
        name=name[:120],
        category=category,
        address=address_for(tags),
        lat=element.lat,
        lon=element.lon,
        phone=_phone(tags),
        website=_website(tags),
        opening_hours=opening_hours,
        invalid_hours=invalid_hours,
        hours_problem=problem,
    )


# --- writing -------------------------------------------------------------------------------------------


def _existing_shops(session: Session, osm_ids: list[str]) -> dict[str, Shop]:
    found: dict[str, Shop] = {}
    for start in range(0, len(osm_ids), _LOOKUP_CHUNK):
        chunk = osm_ids[start : start + _LOOKUP_CHUNK]
        for shop in session.exec(select(Shop).where(col(Shop.osm_id).in_(chunk))):
            if shop.osm_id is not None:
                found[shop.osm_id] = shop
    return found


def import_elements(
    *,
    session: Session,
    elements: Sequence[OsmElement],
    territory: geo.Box | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Upsert the shops among the elements; flushes, the caller commits (all or nothing).

    The search index follows through its flush listener, shop by shop."""
    report = ImportReport(read=len(elements))
    progress = _Progress(on_progress)
    candidates = _candidates(elements, territory or get_settings().territory, report, progress)
    existing = _existing_shops(session, list(candidates))
    now = utcnow()
    for osm_id, candidate in candidates.items():
        _upsert(session, existing.get(osm_id), candidate, now, report)
        progress.advance()
    session.flush()
    progress.advance(0, force=True)
    return report


class _Progress:
    """Reports elements done to `on_progress` a hundred at a time."""

    def __init__(self, on_progress: Callable[[int], None] | None) -> None:
        self.on_progress = on_progress
        self.pending = 0

    def advance(self, count: int = 1, *, force: bool = False) -> None:
        self.pending += count
        if self.on_progress is not None and self.pending and (force or self.pending >= 100):
            self.on_progress(self.pending)
            self.pending = 0


def _candidates(
    elements: Sequence[OsmElement], territory: geo.Box, report: ImportReport, progress: _Progress
) -> dict[str, OsmShop]:
    """The shops the elements describe, by OSM id; the others are reported as skipped."""
    candidates: dict[str, OsmShop] = {}
    for element in elements:
        prepared = to_shop(element, territory=territory)
        if isinstance(prepared, Skipped):
            report.skipped.append(prepared)
            progress.advance()
        elif prepared.osm_id in candidates:
            report.skipped.append(Skipped(osm_id=prepared.osm_id, name=prepared.name, reason=SKIP_DUPLICATE))
            progress.advance()
        else:
            candidates[prepared.osm_id] = prepared
            if prepared.invalid_hours is not None:
                report.dropped_hours.append(
                    DroppedHours(
                        osm_id=prepared.osm_id,
                        name=prepared.name,
                        opening_hours=prepared.invalid_hours,
                        problem=prepared.hours_problem or "",
                    )
                )
    return candidates


def _upsert(
    session: Session, shop: Shop | None, candidate: OsmShop, now: datetime, report: ImportReport
) -> None:
    """A new shop, or the changes of one imported before, unless its merchant has taken it over."""
    values = candidate.values()
    if shop is None:
        session.add(
            Shop(
                id=uuid.uuid4(),
                **values,
                status=ShopStatus.active,
                owner_id=None,
                source=ShopSource.osm,
                osm_id=candidate.osm_id,
                created_at=now,
                updated_at=now,
            )
        )
        report.created += 1
    elif shop.owner_id is not None:
        report.kept_by_merchant += 1
    elif any(getattr(shop, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(shop, name, value)
        shop.updated_at = now
        session.add(shop)
        report.updated += 1
    else:
        report.unchanged += 1
