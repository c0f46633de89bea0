"""The demo catalogues: the same items for the same seed, varied enough to answer everyday searches."""

from collections import Counter

import pytest

from api.catalog import demo
from api.shops import demo as shops_demo


def _items(shops: list[shops_demo.DemoShop], items: int = demo.DEFAULT_ITEMS) -> list[demo.DemoItem]:
    return list(demo.demo_items(shops, demo.item_counts(shops, items), seed=shops_demo.DEFAULT_SEED))


def test_the_same_seed_gives_the_same_items() -> None:
    assert _items(shops_demo.demo_shops()) == _items(shops_demo.demo_shops())
    other = _items(shops_demo.demo_shops(seed=7))
    assert [(i.kind, i.name) for i in other] != [(i.kind, i.name) for i in _items(shops_demo.demo_shops())]


def test_the_default_catalogue_is_large_and_varied() -> None:
    shops = shops_demo.demo_shops()
    items = _items(shops)
    assert len(items) >= 3000 and len(items) == demo.DEFAULT_ITEMS
    per_shop = Counter(item.shop.id for item in items)
    assert min(per_shop.values()) >= 5
    for shop in shops:
        names = [item.name for item in items if item.shop.id == shop.id]
        assert len(names) == len(set(names)), f"{shop.name} lists an item twice"
    assert all(len(item.name) <= 120 for item in items)
    assert sum(not item.in_stock for item in items) >= 50
    assert all(item.in_stock for item in items if item.kind == "service")
    assert sum(item.kind == "service" and item.price_cents is None for item in items) >= 50
    assert all(item.price_cents is None or item.price_cents > 0 for item in items)
    assert len({item.serial for item in items}) == len(items)


@pytest.mark.parametrize(
    "words",
    [
        ("pain", "sans gluten"),
        ("croissant",),
        ("clé minute",),
        ("lunettes de soleil",),
        ("bouquet",),
        ("ressemelage",),
        ("crevaison",),
        ("révision complète",),
        ("double de clé",),
    ],
)
def test_the_catalogue_answers_everyday_searches_in_several_shops(words: tuple[str, ...]) -> None:
    items = _items(shops_demo.demo_shops())
    shops = {item.shop.id for item in items if all(w in item.name.lower() for w in words)}
    assert len(shops) >= 3, f"{words}: {len(shops)} shops"


def test_a_million_items_stay_within_each_shop_and_keep_distinct_names() -> None:
    names = Counter((item.shop.id, item.name) for item in _items(shops_demo.demo_shops(count=3), 5000))
    assert sum(names.values()) == 5000
    assert max(names.values()) == 1
