"""Points on the Earth for every domain: the city centre, boxes, unit vectors and great-circle distances.

Distances go through unit vectors: for two points at most r apart, the dot product of their vectors is at
least `min_nearness(r)`, so a database orders and filters by plain arithmetic, the same on every backend.
"""

import math

EARTH_RADIUS_M = 6_371_008.8
# Place de la République, Valence: where the map opens when no position is shared, and the place whose
# public holidays and sun times apply to hours not yet tied to a shop.
CITY_CENTRE = (44.9334, 4.8924)

# min_lon, min_lat, max_lon, max_lat, as VALENCE_TERRITORY_BBOX spells it.
Box = tuple[float, float, float, float]
UnitVector = tuple[float, float, float]


def contains(box: Box, lat: float, lon: float) -> bool:
    min_lon, min_lat, max_lon, max_lat = box
    return min_lat <= lat <= max_lat and min_lon <= lon <= max_lon


def unit_vector(lat: float, lon: float) -> UnitVector:
    phi, lam = math.radians(lat), math.radians(lon)
    return math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)


def max_chord2(radius_m: float) -> float:
    """The squared chord, on the unit sphere, of two points radius_m apart."""
    return (2 * math.sin(min(radius_m / EARTH_RADIUS_M, math.pi) / 2)) ** 2


def min_nearness(radius_m: float) -> float:
    """The smallest dot product of two unit vectors at most radius_m apart (|u - v|² = 2 - 2 u·v)."""
    return 1 - max_chord2(radius_m) / 2


def distance_from_chord2(chord2: float) -> float:
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(max(chord2, 0.0)) / 2))


def distance_m(origin: UnitVector, lat: float, lon: float) -> float:
    """Great-circle metres from a unit vector to a point, through the chord: exact where 1 - u·v is not."""
    x, y, z = unit_vector(lat, lon)
    return distance_from_chord2((x - origin[0]) ** 2 + (y - origin[1]) ** 2 + (z - origin[2]) ** 2)


def bounding_box(lat: float, lon: float, radius_m: float) -> dict[str, float]:
    """The latitudes and longitudes (lat_lo, lat_hi, lon_lo, lon_hi) that hold every point within radius_m."""
    angle = radius_m / EARTH_RADIUS_M
    margin = 1e-6
    dlat = math.degrees(angle) + margin
    cos_lat = math.cos(math.radians(min(abs(lat) + math.degrees(angle), 90.0)))
    dlon = (
        180.0
        if cos_lat < 1e-9
        else min(180.0, math.degrees(math.asin(min(1.0, math.sin(angle) / cos_lat))) + margin)
    )
    return {"lat_lo": lat - dlat, "lat_hi": lat + dlat, "lon_lo": lon - dlon, "lon_hi": lon + dlon}
