"""GET /api/v1/search (contract §5), on every database of the run, through the ORM-maintained index."""

import json
import math
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from api.catalog.models import Item
from api.search import SearchParams, rebuild_index, search
from api.search.models import search_log
from api.shops.models import Shop
from tests.search.relevance import CENTRE, build_catalogue, judgements, position

URL = "/api/v1/search"
ACTIVE_SHOPS = 34
CSV_HEADER = "kind;name;description;category;price_cents;in_stock\n"


@pytest.fixture
def shops(session: Session) -> dict[str, Shop]:
    built = build_catalogue(session)
    session.commit()
    return built


def find(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get(URL, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def names(body: dict[str, Any]) -> list[str]:
    return [r["shop"]["name"] for r in body["results"]]


def problem(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get(URL, params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["type"].endswith("/validation-error")
    assert body["detail"] and body["errors"]
    return body


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


def all_pages(client: TestClient, **params: Any) -> Iterator[dict[str, Any]]:
    cursor = None
    while True:
        body = find(client, **params, **({"cursor": cursor} if cursor else {}))
        yield from body["results"]
        cursor = body["next_cursor"]
        if cursor is None:
            return


# --- relevance -----------------------------------------------------------------------------------------


def test_recall_at_5_over_the_labelled_queries(
    client: TestClient, shops: dict[str, Shop], backend: str
) -> None:
    queries = judgements()
    assert len(queries) >= 100
    assert sum(1 for j in queries if j.kind == "trade") >= 40
    found: dict[bool, int] = {True: 0, False: 0}
    expected: dict[bool, int] = {True: 0, False: 0}
    misses = []
    for judgement in queries:
        top5 = names(find(client, q=judgement.query))[:5]
        hits = sum(1 for name in judgement.expected if name in top5)
        trade = judgement.kind == "trade"
        found[trade] += hits
        expected[trade] += len(judgement.expected)
        if hits < len(judgement.expected):
            misses.append((judgement.kind, judgement.query, top5))
    recall = (found[True] + found[False]) / (expected[True] + expected[False])
    print(
        f"recall@5 on {backend}: {recall:.3f} over {len(queries)} queries, "
        f"{found[True] / expected[True]:.3f} over the trade queries"
    )
    assert recall >= 0.95, misses


def test_the_first_result_of_a_trade_query_is_a_shop_of_that_trade(
    client: TestClient, shops: dict[str, Shop]
) -> None:
    wrong = []
    for judgement in judgements():
        if judgement.kind != "trade":
            continue
        for located in ({}, {"lat": CENTRE[0], "lon": CENTRE[1]}):
            results = find(client, q=judgement.query, **located)["results"]
            first = results[0]["shop"]["category"] if results else None
            if first not in judgement.trades:
                wrong.append((judgement.query, bool(located), [r["shop"]["name"] for r in results[:3]]))
    assert wrong == []


@pytest.mark.parametrize(
    ("query", "trade", "mentioned_by"),
    [
        ("cordonnier", "cordonnerie", {"Pressing Bancel", "Chaussures Émile"}),
        ("fleurs", "fleuriste", {"Maison Déco Lin", "Épicerie Vrac & Bio"}),
        ("lunettes", "opticien", {"Boutique Lune"}),
        ("clé minute", "cordonnerie", {"Quincaillerie Pêcherie"}),
    ],
)
def test_a_shop_of_the_trade_ranks_above_shops_whose_items_mention_it(
    client: TestClient, shops: dict[str, Shop], query: str, trade: str, mentioned_by: set[str]
) -> None:
    results = find(client, q=query, lat=CENTRE[0], lon=CENTRE[1])["results"]
    ranks = {r["shop"]["name"]: n for n, r in enumerate(results)}
    of_trade = [n for n, r in enumerate(results) if r["shop"]["category"] == trade]
    assert mentioned_by <= ranks.keys()  # they still match, through their items
    assert of_trade and max(of_trade) < min(ranks[name] for name in mentioned_by)


def test_every_word_must_match_somewhere_in_the_shop(client: TestClient, shops: dict[str, Shop]) -> None:
    assert names(find(client, q="croissant perceuse")) == []
    # Different words may match different items of one shop.
    assert names(find(client, q="croissant pogne")) == ["Boulangerie Pain d'Antan"]


def test_matched_items_split_over_statements_are_the_same(
    client: TestClient, shops: dict[str, Shop], backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite takes at most 500 branches per UNION ALL: long queries of one kind of item read a page's shops
    # in several statements.
    if backend != "sqlite":
        pytest.skip("PostgreSQL reads every shop in one LATERAL statement")
    from api.search import sqlite

    queries = [
        {"q": "croissant pain", "kind": "product"},
        {"q": "clés", "lat": CENTRE[0], "lon": CENTRE[1], "kind": "service"},
        {"q": "vélo", "kind": "service"},
    ]
    whole = [find(client, **q)["results"] for q in queries]
    monkeypatch.setattr(sqlite, "MAX_BRANCHES", 1)
    assert [find(client, **q)["results"] for q in queries] == whole
    assert any(len(r["matched_items"]) > 0 for results in whole for r in results)


def test_a_bike_repairer_is_found_through_its_category_and_items(
    client: TestClient, shops: dict[str, Shop]
) -> None:
    body = find(client, q="réparation vélo")
    first = body["results"][0]
    assert first["shop"]["name"] == "Cycles Rhône Vélo"
    assert first["shop"]["category"] == "reparation-velos"
    items = [i["name"] for i in first["matched_items"]]
    assert "Réparation crevaison" in items
    assert set(first) == {"shop", "distance_m", "matched_items", "score"}
    assert set(first["shop"]) >= {"id", "name", "category", "address", "lat", "lon", "open_now"}
    assert set(first["matched_items"][0]) >= {"id", "name", "kind", "price_cents", "in_stock"}


def test_stop_words_alone_match_every_shop(client: TestClient, shops: dict[str, Shop]) -> None:
    assert len(names(find(client, q="de la", limit=100))) == ACTIVE_SHOPS


def test_only_active_shops_are_found(client: TestClient, shops: dict[str, Shop]) -> None:
    assert names(find(client, q="crevaison")) == ["Cycles Rhône Vélo"]
    assert names(find(client, q="pizza")) == []
    everything = names(find(client, limit=100))
    assert len(everything) == ACTIVE_SHOPS
    assert "Vélo Futur" not in everything and "Pizzeria Fermée" not in everything


def test_typos_are_tolerated_by_word_length(client: TestClient, shops: dict[str, Shop]) -> None:
    assert names(find(client, q="cirgae")) == ["Cordonnerie Saint-Jean"]  # 6 letters, one swap
    assert names(find(client, q="cirgea")) == []  # two typos in 6 letters
    assert names(find(client, q="vase")) == ["Maison Déco Lin"]
    assert names(find(client, q="vsae ")) == []  # 4 letters: no typo (a space ends the word)
    assert "Pharmacie des Clercs" in names(find(client, q="paracetamoool"))  # 13 letters, two typos


def test_the_last_word_is_a_prefix_unless_finished(client: TestClient, shops: dict[str, Shop]) -> None:
    assert names(find(client, q="trott")) == ["Jouets Malins"]
    assert names(find(client, q="trott ")) == []


def test_accents_case_and_plurals_are_ignored(client: TestClient, shops: dict[str, Shop]) -> None:
    for query in ("Vélos", "velo", "VELOS"):
        assert "Cycles Rhône Vélo" in names(find(client, q=query)), query


# --- results and their items ------------------------------------------------------------------------


def test_one_result_per_shop_and_never_twice_across_pages(client: TestClient, shops: dict[str, Shop]) -> None:
    seen = [r["shop"]["id"] for r in all_pages(client, limit=4)]
    assert len(seen) == ACTIVE_SHOPS == len(set(seen))
    located = [r["shop"]["id"] for r in all_pages(client, q="clés", lat=CENTRE[0], lon=CENTRE[1], limit=1)]
    assert len(located) == len(set(located)) == 4


def test_matched_items_most_words_first_then_in_stock(
    client: TestClient, session: Session, shops: dict[str, Shop]
) -> None:
    bakery = shops["Boulangerie Pain d'Antan"]
    for n in range(6):
        session.add(Item(shop_id=bakery.id, kind="product", name=f"Pain spécial {n}", in_stock=n % 2 == 0))
    session.add(Item(shop_id=bakery.id, kind="product", name="Pain au chocolat amandes", in_stock=False))
    session.commit()
    result = find(client, q="pain chocolat")["results"][0]
    items = result["matched_items"]
    assert result["shop"]["name"] == "Boulangerie Pain d'Antan"
    assert len(items) == 5
    # Both words before one word; in stock before out of stock.
    assert [i["name"] for i in items[:2]] == ["Pain au chocolat", "Pain au chocolat amandes"]
    assert [i["in_stock"] for i in items[2:]] == [True, True, True]


def test_kind_filters_matched_items_only(client: TestClient, shops: dict[str, Shop]) -> None:
    result = find(client, q="vélo", kind="service", category="reparation-velos")["results"][0]
    assert {i["kind"] for i in result["matched_items"]} == {"service"}
    assert [i["name"] for i in result["matched_items"]] == ["Location de vélos"]
    products = find(client, q="double clés", kind="product")
    assert len(products["results"]) == 4
    assert all(r["matched_items"] == [] for r in products["results"])


def test_a_shop_matching_by_name_or_category_needs_no_matching_item(
    client: TestClient, shops: dict[str, Shop]
) -> None:
    body = find(client, q="fromagerie")
    assert names(body) == ["La Fromagerie du Marché"]
    assert body["results"][0]["matched_items"] == []


def test_in_stock_items_rank_their_shop_above_out_of_stock_ones(
    client: TestClient, session: Session, shops: dict[str, Shop]
) -> None:
    for name, in_stock in (("Cycles Rhône Vélo", False), ("Sport 2000 Valence", True)):
        session.add(Item(shop_id=shops[name].id, kind="product", name="Gourde isotherme", in_stock=in_stock))
    session.commit()
    assert names(find(client, q="gourde")) == ["Sport 2000 Valence", "Cycles Rhône Vélo"]


def test_category_filter(client: TestClient, shops: dict[str, Shop]) -> None:
    assert names(find(client, q="clés", category="serrurerie")) == ["Serrurerie Express 26"]
    assert names(find(client, category="fromagerie")) == ["La Fromagerie du Marché"]


# --- location -------------------------------------------------------------------------------------------


def test_results_lie_within_the_radius_with_their_distance(
    client: TestClient, shops: dict[str, Shop]
) -> None:
    body = find(client, lat=CENTRE[0], lon=CENTRE[1], radius_m=300, limit=100)
    assert body["results"]
    for result in body["results"]:
        shop = result["shop"]
        expected = haversine_m(CENTRE[0], CENTRE[1], shop["lat"], shop["lon"])
        assert result["distance_m"] <= 300
        assert result["distance_m"] == pytest.approx(expected, abs=0.5)
    inside = {r["shop"]["name"] for r in body["results"]}
    everything = {
        r["shop"]["name"]: r["distance_m"]
        for r in find(client, lat=CENTRE[0], lon=CENTRE[1], limit=100)["results"]
    }
    assert inside == {name for name, d in everything.items() if d <= 300}
    assert len(everything) == ACTIVE_SHOPS  # all within the default 2 km


def test_sort_by_distance_is_nearest_first(client: TestClient, shops: dict[str, Shop]) -> None:
    lat, lon = position(600, -400)  # at the locksmith's
    distances = [r["distance_m"] for r in all_pages(client, lat=lat, lon=lon, sort="distance", limit=7)]
    assert len(distances) == ACTIVE_SHOPS
    assert distances == sorted(distances)
    assert distances[0] == 0
    located = find(client, q="clés", lat=lat, lon=lon, sort="distance")
    assert names(located)[0] == "Serrurerie Express 26"


@pytest.mark.parametrize("sort", ["relevance", "distance"])
def test_nearby_shops_without_words_page_nearest_first(
    client: TestClient, shops: dict[str, Shop], sort: str
) -> None:
    # Small pages are answered from a smaller circle first: they must be the big page cut in pieces.
    where = {"lat": CENTRE[0], "lon": CENTRE[1], "radius_m": 5000, "sort": sort}
    whole = find(client, **where, limit=100)["results"]
    assert len(whole) == ACTIVE_SHOPS
    distances = [r["distance_m"] for r in whole]
    assert distances == sorted(distances)
    for limit in (1, 2, 7):
        paged = list(all_pages(client, **where, limit=limit))
        assert [(r["shop"]["id"], r["distance_m"]) for r in paged] == [
            (r["shop"]["id"], r["distance_m"]) for r in whole
        ]


def test_relevance_prefers_the_nearer_of_two_equal_matches(
    client: TestClient, shops: dict[str, Shop]
) -> None:
    near_locksmith = position(590, -390)
    assert names(find(client, q="double de clés", lat=near_locksmith[0], lon=near_locksmith[1]))[0] == (
        "Serrurerie Express 26"
    )
    near_cobbler = position(410, 310)
    assert names(find(client, q="double de clés", lat=near_cobbler[0], lon=near_cobbler[1]))[0] == (
        "Cordonnerie Saint-Jean"
    )


def test_without_a_position_there_is_no_distance(client: TestClient, shops: dict[str, Shop]) -> None:
    assert all(r["distance_m"] is None for r in find(client, q="clés")["results"])
    body = problem(client, q="clés", sort="distance")
    assert body["errors"][0]["field"] == "sort"
    assert "position" in body["detail"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": 44.93, "lon": 4.89, "radius_m": 50_001}, "radius_m"),
        ({"lat": 44.93, "lon": 4.89, "radius_m": 0}, "radius_m"),
        ({"lat": 44.93}, "lon"),
        ({"lat": 95, "lon": 4.89}, "lat"),
        ({"kind": "gift"}, "kind"),
        ({"category": "garage"}, "category"),
        ({"sort": "price"}, "sort"),
        ({"limit": 101}, "limit"),
        ({"q": "x" * 201}, "q"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_invalid_input_is_a_french_problem(
    client: TestClient, shops: dict[str, Shop], params: dict[str, Any], field: str
) -> None:
    body = problem(client, **params)
    assert field in {e["field"] for e in body["errors"]}


def test_a_radius_of_50_km_is_allowed(client: TestClient, shops: dict[str, Shop]) -> None:
    assert len(names(find(client, lat=CENTRE[0], lon=CENTRE[1], radius_m=50_000, limit=100))) == ACTIVE_SHOPS


def test_a_cursor_only_works_with_its_own_parameters(client: TestClient, shops: dict[str, Shop]) -> None:
    cursor = find(client, q="clés", limit=1)["next_cursor"]
    assert cursor is not None
    assert len(find(client, q="clés", limit=1, cursor=cursor)["results"]) == 1
    problem(client, q="vélo", limit=1, cursor=cursor)
    problem(client, q="clés", category="serrurerie", limit=1, cursor=cursor)


# --- opening hours --------------------------------------------------------------------------------------


def test_open_now_keeps_shops_open_at_request_time(
    client: TestClient, session: Session, shops: dict[str, Shop]
) -> None:
    shops["Cordonnerie Saint-Jean"].opening_hours = "off"
    shops["Quincaillerie Pêcherie"].opening_hours = None  # unknown: excluded
    session.add_all([shops["Cordonnerie Saint-Jean"], shops["Quincaillerie Pêcherie"]])
    session.commit()
    everything = find(client, q="clés")
    states = {r["shop"]["name"]: r["shop"]["open_now"] for r in everything["results"]}
    assert states == {
        "Cordonnerie Saint-Jean": False,
        "Quincaillerie Pêcherie": None,
        "Serrurerie Express 26": True,
        "L'Atelier du Cuir": True,
    }
    assert set(names(find(client, q="clés", open_now="true"))) == {
        "Serrurerie Express 26",
        "L'Atelier du Cuir",
    }
    assert len(find(client, q="clés", open_now="false")["results"]) == 4


def test_open_now_follows_the_calendar(session: Session, shops: dict[str, Shop]) -> None:
    bakery = shops["Boulangerie Pain d'Antan"]
    bakery.opening_hours = "Mo-Sa 07:00-19:30; PH off"
    session.add(bakery)
    session.commit()
    conn = session.connection()

    def open_at(when: datetime) -> list[str]:
        page = search(conn, SearchParams(q="croissant", open_now=True), when)
        return [r["shop"]["name"] for r in page.results]

    assert open_at(datetime(2026, 11, 26, 9, 0, tzinfo=UTC)) == [bakery.name]  # a Thursday morning
    assert open_at(datetime(2026, 11, 26, 20, 0, tzinfo=UTC)) == []  # 21:00 in Paris
    assert open_at(datetime(2026, 11, 11, 9, 0, tzinfo=UTC)) == []  # Armistice: a public holiday
    assert open_at(datetime(2026, 11, 29, 9, 0, tzinfo=UTC)) == []  # a Sunday


def test_unreadable_imported_hours_count_as_unknown(
    client: TestClient, session: Session, shops: dict[str, Shop]
) -> None:
    shop = shops["Cordonnerie Saint-Jean"]
    shop.opening_hours = "lundi au vendredi"  # an import that skipped validation
    session.add(shop)
    session.commit()
    result = find(client, q="cirage")["results"][0]
    assert result["shop"]["name"] == shop.name and result["shop"]["open_now"] is None
    assert names(find(client, q="cirage", open_now="true")) == []


# --- keeping the index in step --------------------------------------------------------------------------


def test_item_and_shop_changes_reach_the_index(
    client: TestClient, session: Session, shops: dict[str, Shop]
) -> None:
    item = session.exec(select(Item).where(Item.name == "Cirage")).one()
    item.name = "Crème pour cuir"
    item.price_cents = 790
    session.add(item)
    session.commit()
    assert names(find(client, q="cirage ")) == []
    found = find(client, q="crème cuir")["results"]
    assert [r["shop"]["name"] for r in found] == ["Cordonnerie Saint-Jean"]
    assert found[0]["matched_items"][0] == {
        "id": str(item.id),
        "name": "Crème pour cuir",
        "kind": "product",
        "price_cents": 790,
        "in_stock": True,
    }

    session.delete(item)
    session.commit()
    assert names(find(client, q="crème cuir")) == []

    shop = shops["Jouets Malins"]
    shop.name = "Le Coffre à Jouets"
    shop.category = "decoration"
    session.add(shop)
    session.commit()
    assert names(find(client, q="malins")) == []
    assert "Le Coffre à Jouets" in names(find(client, q="coffre décoration"))

    shop.status = "suspended"
    session.add(shop)
    session.commit()
    assert names(find(client, q="coffre")) == []

    moved = shops["Serrurerie Express 26"]
    moved.lat, moved.lon = position(0, 0)
    session.add(moved)
    session.commit()
    assert names(find(client, q="serrure", lat=CENTRE[0], lon=CENTRE[1], radius_m=100)) == [
        "Serrurerie Express 26"
    ]
    # What a result shows of a shop is the shop as it is now.
    moved.address = "3 place des Clercs, 26000 Valence"
    session.add(moved)
    session.commit()
    shown = find(client, q="serrure")["results"][0]["shop"]
    assert (shown["name"], shown["address"], shown["category"]) == (
        "Serrurerie Express 26",
        "3 place des Clercs, 26000 Valence",
        moved.category,
    )
    assert (shown["lat"], shown["lon"]) == pytest.approx(position(0, 0))


def test_sqlite_first_postings_per_term_follow_every_change(
    client: TestClient, session: Session, shops: dict[str, Shop], backend: str
) -> None:
    # SQLite keeps each (shop, term)'s first postings in one row: after edits, they must be what a fresh
    # fill from the postings gives, and the matched items they bring the same as those of the postings.
    if backend != "sqlite":
        pytest.skip("PostgreSQL reads the postings themselves")
    from api.search import sqlite

    bakery = shops["Boulangerie Pain d'Antan"]
    session.add(Item(shop_id=bakery.id, kind="product", name="Pain de seigle aux noix", price_cents=420))
    renamed = session.exec(select(Item).where(Item.name == "Cirage")).one()
    renamed.name = "Crème pour cuir"
    session.add(renamed)
    sold_out = session.exec(select(Item).where(Item.shop_id == bakery.id)).all()
    for item in sold_out[:2]:
        item.in_stock = False
        session.add(item)
    session.delete(sold_out[2])
    session.commit()
    queries = ["pain", "croissant pain", "crème cuir", "pain noix", "vélo"]
    found = [find(client, q=q)["results"] for q in queries]
    by_kind = [find(client, q=q, kind="product")["results"] for q in queries]

    def first_postings() -> dict[tuple[int, int], list[int]]:
        rows = session.connection().exec_driver_sql(f"SELECT shop_key, term_key, items FROM {sqlite.TOP}")  # noqa: S608
        return {(shop, term): sorted(json.loads(items)) for shop, term, items in rows}

    kept = first_postings()
    session.connection().exec_driver_sql(f"DELETE FROM {sqlite.TOP}")  # noqa: S608
    session.connection().exec_driver_sql(sqlite.TOP_FILL.format(where=""))
    assert first_postings() == kept
    # Each term's number of shops, kept by triggers, is what counting the postings gives.
    counted = session.connection().exec_driver_sql(
        "SELECT term_key, COUNT(*) FROM search_shop_term GROUP BY term_key"
    )
    kept_counts = session.connection().exec_driver_sql(
        f"SELECT term_key, shops FROM {sqlite.TERM_SHOPS} WHERE shops > 0"  # noqa: S608
    )
    assert dict(kept_counts.all()) == dict(counted.all())
    session.rollback()
    # The kind filter reads the postings themselves: where only products matched, the same items come back.
    compared = 0
    for results, products in zip(found, by_kind, strict=True):
        of_kind = {r["shop"]["id"]: r["matched_items"] for r in products}
        for result in results:
            if all(i["kind"] == "product" for i in result["matched_items"]):
                assert of_kind[result["shop"]["id"]] == result["matched_items"]
                compared += bool(result["matched_items"])
    assert compared >= 3


def test_sqlite_every_plan_for_several_words_gives_the_same_answer(
    client: TestClient, shops: dict[str, Shop], backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite either groups every word's postings at once or reads one word's shops and looks the others up
    # in them, whichever its term counts say is cheaper: each way must answer the same pages.
    if backend != "sqlite":
        pytest.skip("PostgreSQL plans its own statement")
    from api.search import sqlite

    queries = ["pain croissant", "crème cuir", "réparation vélo", "boulangerie pain", "pain cr", "vélo rép"]
    chosen = {q: list(all_pages(client, q=q, limit=2)) for q in queries}
    assert sum(bool(results) for results in chosen.values()) >= 4
    for driver in (None, 0, 1):
        monkeypatch.setattr(sqlite, "driving_word", lambda *_args, driver=driver: driver)
        for q in queries:
            assert list(all_pages(client, q=q, limit=2)) == chosen[q], (q, driver)


def test_items_created_through_the_api_are_searchable(client: TestClient, session: Session) -> None:
    from tests.factories import bearer, make_user, sign_in

    owner = make_user(session)
    headers = bearer(sign_in(client, owner.email))
    created = client.post(
        "/api/v1/shops",
        json={
            "name": "Atelier Guitare",
            "category": "decoration",
            "address": "Valence",
            "lat": 44.93,
            "lon": 4.89,
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    shop_id = created.json()["id"]
    response = client.post(
        f"/api/v1/shops/{shop_id}/items/import",
        content=CSV_HEADER + "service;Changement de cordes;;;1500;oui\n",
        headers={**headers, "Content-Type": "text/csv"},
    )
    assert response.status_code == 200, response.text
    assert names(find(client, q="cordes")) == []  # the shop awaits approval
    shop = session.get(Shop, uuid.UUID(shop_id))
    assert shop is not None
    shop.status = "active"
    session.add(shop)
    session.commit()
    assert names(find(client, q="cordes")) == ["Atelier Guitare"]


def test_rebuild_gives_the_same_answers(client: TestClient, session: Session, shops: dict[str, Shop]) -> None:
    queries = [j.query for j in judgements()[::7]]
    before = [find(client, q=q, lat=CENTRE[0], lon=CENTRE[1]) for q in queries]
    rebuild_index(session)
    session.commit()
    after = [find(client, q=q, lat=CENTRE[0], lon=CENTRE[1]) for q in queries]
    strip = [
        [(r["shop"]["id"], r["score"], r["distance_m"], r["matched_items"]) for r in b["results"]]
        for b in before
    ]
    assert strip == [
        [(r["shop"]["id"], r["score"], r["distance_m"], r["matched_items"]) for r in a["results"]]
        for a in after
    ]


# --- privacy and access ---------------------------------------------------------------------------------


def test_searches_are_logged_without_coordinates(
    client: TestClient, session: Session, shops: dict[str, Shop]
) -> None:
    find(client, q="licorne", lat=CENTRE[0], lon=CENTRE[1], radius_m=1500)
    find(client, q="croissant")
    rows = session.connection().execute(sa.select(search_log).order_by(search_log.c.id)).mappings().all()
    unicorn, croissant = rows[-2], rows[-1]
    assert unicorn["query"] == "licorne" and unicorn["result_count"] == 0 and unicorn["had_location"] is True
    assert croissant["result_count"] == 1 and croissant["had_location"] is False
    assert 0 < unicorn["duration_ms"] < 10_000 and 0 < croissant["duration_ms"] < 10_000
    stored = " ".join(str(v) for row in rows for v in row.values())
    assert "44.93" not in stored and "4.89" not in stored
    assert set(search_log.c.keys()) == {
        "id",
        "query",
        "terms",
        "filters",
        "had_location",
        "result_count",
        "duration_ms",
        "created_at",
    }


def test_log_lines_wait_in_the_process_and_are_written_together(migrated_engine: Engine) -> None:
    from api.search import log

    def line(query: str) -> dict[str, Any]:
        return {
            "query": query,
            "terms": query,
            "filters": {},
            "had_location": False,
            "result_count": 0,
            "duration_ms": 1.0,
            "created_at": datetime.now(UTC),
        }

    marker = f"batch-{uuid.uuid4().hex[:8]}"
    read_engine = migrated_engine.execution_options(valence_read_only=True)
    written = sa.select(search_log.c.query).where(search_log.c.query.startswith(marker))
    try:
        log.flush()
        log.record(read_engine, line(f"{marker}-1"))
        log.record(read_engine, line(f"{marker}-2"))
        assert log.waiting() == 2
        with migrated_engine.connect() as conn:
            assert conn.execute(written).all() == []
        log.flush()
        assert log.waiting() == 0
        with migrated_engine.connect() as conn:
            assert sorted(conn.execute(written).scalars()) == [f"{marker}-1", f"{marker}-2"]

        # Without anyone asking, the process writes them within its flush interval (one second here).
        log.record(read_engine, line(f"{marker}-3"))
        deadline = time.monotonic() + 10
        while log.waiting() and time.monotonic() < deadline:
            time.sleep(0.05)
        with migrated_engine.connect() as conn:
            assert f"{marker}-3" in conn.execute(written).scalars().all()
    finally:
        with migrated_engine.begin() as conn:
            conn.execute(search_log.delete().where(search_log.c.query.startswith(marker)))


def test_search_is_anonymous(client: TestClient) -> None:
    assert client.get(URL, params={"q": "pain"}).status_code == 200
    operation = client.get("/api/v1/openapi.json").json()["paths"][URL]["get"]
    assert "security" not in operation
