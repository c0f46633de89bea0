"""`valence demo load`: deterministic, clearly fictitious shops on real streets of downtown Valence."""

import math
import re
from collections import Counter
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func
from sqlmodel import Session, col, select

from api.auth.models import User, UserRole
from api.catalog import demo, demo_data
from api.catalog.models import Item
from api.config import get_settings
from api.shops import hours
from api.shops.categories import CATEGORIES
from api.shops.models import Shop
from tests.databases import BACKENDS, fresh_database
from tests.servers import running_server, valence

CENTRE = (44.9334, 4.8924)
STRONG_SECRET = "x" * 48


def _distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def _items(shops: list[demo.DemoShop], seed: int = demo.DEFAULT_SEED) -> list[demo.DemoItem]:
    return list(demo.demo_items(shops, seed=seed))


def test_the_same_seed_gives_the_same_data() -> None:
    first, again = demo.demo_shops(), demo.demo_shops()
    assert first == again
    assert _items(first) == _items(again)
    other = demo.demo_shops(seed=7)
    assert {s.id for s in other}.isdisjoint({s.id for s in first})
    assert [s.name for s in other] != [s.name for s in first]
    assert [s.id for s in demo.demo_shops(count=20)] == [s.id for s in first[:20]]


def test_the_default_set_is_large_varied_and_labelled_as_generated() -> None:
    shops = demo.demo_shops()
    items = _items(shops)
    assert len(shops) >= 150 and len(items) >= 3000
    assert len(shops) == demo.DEFAULT_SHOPS and len(items) == demo.DEFAULT_ITEMS
    assert {s.category for s in shops} == set(CATEGORIES)
    assert len({s.name for s in shops}) == len(shops)
    streets = {street.name for street in demo_data.STREETS}
    for shop in shops:
        assert shop.description.startswith("Commerce fictif — données de démonstration générées.")
        number, street = re.fullmatch(r"(\d+) (.+), 26000 Valence", shop.address).groups()  # type: ignore[union-attr]
        assert street in streets and int(number) > 0
        assert re.fullmatch(r"04 65 71 \d\d \d\d", shop.phone), "numbers from the range reserved for fiction"
    assert len({s.address for s in shops}) == len(shops)

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
    items = _items(demo.demo_shops())
    shops = {item.shop.id for item in items if all(w in item.name.lower() for w in words)}
    assert len(shops) >= 3, f"{words}: {len(shops)} shops"


def test_a_million_items_stay_within_each_shop_and_keep_distinct_names() -> None:
    shops = demo.demo_shops(count=3, items=5000)
    names = Counter((item.shop.id, item.name) for item in demo.demo_items(shops, seed=demo.DEFAULT_SEED))
    assert sum(names.values()) == 5000
    assert max(names.values()) == 1


def test_loading_twice_changes_nothing_and_other_sizes_replace_the_items(session: Session) -> None:
    first = demo.load_demo(session=session)
    assert (first.loaded, first.reindexed) == (True, True)
    shop_ids = set(session.exec(select(Shop.id).where(Shop.source == "demo")).all())
    item_ids = set(session.exec(select(Item.id)).all())
    assert shop_ids == {s.id for s in demo.demo_shops()}
    assert len(item_ids) == demo.DEFAULT_ITEMS
    assert all(account.created for account in first.accounts)
    assert len(first.merchant_shops) == 2

    again = demo.load_demo(session=session)
    assert (again.loaded, again.reindexed) == (False, False)
    assert not any(account.created for account in again.accounts)
    assert set(session.exec(select(Item.id)).all()) == item_ids
    assert session.exec(select(func.count()).select_from(User)).one() == 3

    smaller = demo.load_demo(session=session, shops=40, items=500)
    assert smaller.loaded
    session.expire_all()
    kept = set(session.exec(select(Shop.id).where(Shop.source == "demo")).all())
    assert kept == {s.id for s in demo.demo_shops(count=40)} and kept <= shop_ids
    assert session.exec(select(func.count()).select_from(Item)).one() == 500


def test_demo_shops_are_active_and_the_accounts_have_their_roles(session: Session) -> None:
    result = demo.load_demo(session=session, shops=40, items=400)
    session.expire_all()
    shops = session.exec(select(Shop).where(Shop.source == "demo")).all()
    assert {s.status for s in shops} == {"active"}
    roles = {
        user.email: {r.role for r in session.exec(select(UserRole).where(UserRole.user_id == user.id))}
        for user in session.exec(select(User))
    }
    assert roles == {
        "admin@demo.coeurdevalence.fr": {"admin"},
        "commercant@demo.coeurdevalence.fr": {"merchant"},
        "client@demo.coeurdevalence.fr": set(),
    }
    merchant = session.exec(select(User).where(User.email == "commercant@demo.coeurdevalence.fr")).one()
    owned = session.exec(select(Shop.name).where(Shop.owner_id == merchant.id)).all()
    assert sorted(owned) == sorted(result.merchant_shops)
    assert (
        session.exec(select(func.count()).select_from(Shop).where(col(Shop.owner_id).is_(None))).one() == 38
    )


def test_demo_data_is_found_by_search(client: TestClient, session: Session) -> None:
    demo.load_demo(session=session)
    session.commit()
    for query in ("pain sans gluten", "réparation vélo", "clé minute", "lunettes de soleil", "ressemelage"):
        results = client.get("/api/v1/search", params={"q": query, "limit": 50}).json()["results"]
        assert len(results) >= 2, query


def test_the_search_index_is_rebuilt_when_it_does_not_know_the_demo_shops(session: Session) -> None:
    from api.catalog.search.models import search_shop

    demo.load_demo(session=session, shops=20, items=100)
    session.execute(search_shop.delete())
    again = demo.load_demo(session=session, shops=20, items=100)
    assert (again.loaded, again.reindexed) == (False, True)


def test_the_command_loads_once_prints_the_accounts_and_they_sign_in(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/demo.db"
    first = valence("demo", "load", "--shops", "30", "--items", "300", database_url=url)
    assert first.returncode == 0, first.stderr
    assert "Demo data loaded: 30 shops and 300 items (seed 42)" in first.stdout
    for email, password in (
        ("admin@demo.coeurdevalence.fr", "demo-admin-valence"),
        ("commercant@demo.coeurdevalence.fr", "demo-commercant-valence"),
        ("client@demo.coeurdevalence.fr", "demo-client-valence"),
    ):
        assert re.search(rf"{re.escape(email)}\s+{password}", first.stdout)
    assert "passwords are public" in first.stdout

    again = valence("demo", "load", "--shops", "30", "--items", "300", database_url=url)
    assert again.returncode == 0, again.stderr
    assert "already loaded" in again.stdout and "nothing to do" in again.stdout

    with running_server(url) as base_url:
        tokens = httpx.post(
            f"{base_url}/api/v1/auth/token",
            json={"email": "admin@demo.coeurdevalence.fr", "password": "demo-admin-valence"},
        ).json()
        me = httpx.get(f"{base_url}/api/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
        assert me.json()["roles"] == ["shopper", "admin"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_command_is_deterministic_on_every_database(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        if backend == "postgresql":
            refused = valence("demo", "load", database_url=url)
            assert refused.returncode == 1 and "valence db upgrade" in refused.stderr
            assert valence("db", "upgrade", database_url=url).returncode == 0
        result = valence("demo", "load", "--seed", "3", "--shops", "25", "--items", "250", database_url=url)
        assert result.returncode == 0, result.stderr
        engine = create_engine(url)
        with Session(engine) as check:
            names = sorted(check.exec(select(Shop.name).where(Shop.source == "demo")).all())
            assert check.exec(select(func.count()).select_from(Item)).one() == 250
            if backend == "postgresql":
                # Vacuumed after the load: every page of the postings is marked all-visible, so that
                # index-only scans do not read the table as well.
                pages = check.connection().exec_driver_sql(
                    "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'search_item_term'"
                )
                relpages, all_visible = pages.one()
                assert relpages > 0 and all_visible == relpages
        engine.dispose()
        assert names == sorted(s.name for s in demo.demo_shops(seed=3, count=25, items=250))


def test_the_command_refuses_to_run_in_production(tmp_path: Path) -> None:
    result = valence(
        "demo",
        "load",
        database_url=f"sqlite:///{tmp_path}/prod.db",
        VALENCE_ENV="production",
        VALENCE_SECRET_KEY=STRONG_SECRET,
    )
    assert result.returncode == 1
    assert "production" in result.stderr
    assert not (tmp_path / "prod.db").exists()


def test_the_service_refuses_production_too(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VALENCE_ENV", "production")
    monkeypatch.setenv("VALENCE_SECRET_KEY", STRONG_SECRET)
    get_settings.cache_clear()
    try:
        with pytest.raises(demo.DemoRefused):
            demo.load_demo(session=session)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert session.exec(select(func.count()).select_from(Shop)).one() == 0
