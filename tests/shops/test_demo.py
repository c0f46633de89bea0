"""The demo shops: deterministic, clearly fictitious shops on real streets of downtown Valence."""

import math
import re

from api.config import get_settings
from api.shops import demo, demo_data, hours
from api.shops.categories import CATEGORIES

CENTRE = (44.9334, 4.8924)


def _distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def test_the_same_seed_gives_the_same_shops() -> None:
    first, again = demo.demo_shops(), demo.demo_shops()
    assert first == again
    other = demo.demo_shops(seed=7)
    assert {s.id for s in other}.isdisjoint({s.id for s in first})
    assert [s.name for s in other] != [s.name for s in first]
    assert [s.id for s in demo.demo_shops(count=20)] == [s.id for s in first[:20]]


def test_the_default_shops_are_varied_and_labelled_as_generated() -> None:
    shops = demo.demo_shops()
    assert len(shops) >= 150 and len(shops) == demo.DEFAULT_SHOPS
    assert {s.category for s in shops} == set(CATEGORIES)
    assert len({s.name for s in shops}) == len(shops)
    streets = {street.name for street in demo_data.STREETS}
    for shop in shops:
        assert shop.description.startswith("Commerce fictif — données de démonstration générées.")
        number, street = re.fullmatch(r"(\d+) (.+), 26000 Valence", shop.address).groups()  # type: ignore[union-attr]
        assert street in streets and int(number) > 0
        assert re.fullmatch(r"04 65 71 \d\d \d\d", shop.phone), "numbers from the range reserved for fiction"
    assert len({s.address for s in shops}) == len(shops)


def test_every_shop_lies_downtown_inside_the_territory() -> None:
    min_lon, min_lat, max_lon, max_lat = get_settings().territory
    for shop in demo.demo_shops(count=400):
        assert min_lat <= shop.lat <= max_lat and min_lon <= shop.lon <= max_lon
        assert _distance_m(CENTRE, (shop.lat, shop.lon)) < 1500, shop.address


def test_opening_hours_parse_and_look_like_real_ones() -> None:
    shops = demo.demo_shops(count=400)
    known = [s.opening_hours for s in shops if s.opening_hours is not None]
    for expression in set(known):
        assert hours.validate(expression) == expression
    for expression in {h for group in demo_data.HOURS.values() for h in group} | {demo_data.ROUND_THE_CLOCK}:
        assert hours.validate(expression) == expression
    assert 0 < len(shops) - len(known) < len(shops) // 5, "some hours unknown, most known"
    assert any("PH off" in h for h in known)
    assert any(re.search(r"\b(Tu|We)-", h) for h in known), "some shops close on Mondays"
    assert any(",14:" in h or ",15:" in h for h in known), "lunch breaks"
    assert any(re.search(r"Su \d", h) for h in known), "Sunday mornings"
    assert 0 < known.count(demo_data.ROUND_THE_CLOCK) < len(shops) // 20
