"""`valence import osm FILE`: Overpass JSON and overpass-turbo GeoJSON become active, unowned shops."""

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlmodel import Session, col, select

from api.config import get_settings
from api.migrate import upgrade
from api.shops import osm_import
from api.shops.categories import CATEGORIES
from api.shops.models import Shop
from api.shops.osm_import import (
    SKIP_DUPLICATE,
    SKIP_MALFORMED,
    SKIP_NO_NAME,
    SKIP_NO_POSITION,
    SKIP_NO_TAG,
    SKIP_OUTSIDE,
    OsmFormatError,
)
from tests.databases import BACKENDS, fresh_database
from tests.factories import make_user
from tests.servers import valence

TERRITORY = get_settings().territory


def _node(osm_number: int, lat: float = 44.9330, lon: float = 4.8915, **tags: str) -> dict[str, Any]:
    return {"type": "node", "id": osm_number, "lat": lat, "lon": lon, "tags": tags}


OVERPASS = {
    "version": 0.6,
    "generator": "Overpass API",
    "osm3s": {"copyright": "The data included in this document is from www.openstreetmap.org (ODbL)."},
    "elements": [
        _node(
            1,
            **{
                "shop": "bakery",
                "name": "Boulangerie du Test",
                "addr:housenumber": "12",
                "addr:street": "Grande Rue",
                "addr:postcode": "26000",
                "addr:city": "Valence",
                "contact:phone": "+33 4 75 00 00 01",
                "website": "boulangerie-du-test.example.fr",
                "opening_hours": "Tu-Sa 07:00-13:00,15:30-19:30; Su 07:00-12:30; PH off",
            },
        ),
        {
            "type": "way",
            "id": 2,
            "center": {"lat": 44.9321, "lon": 4.8899},
            "tags": {"amenity": "pharmacy", "name": "Pharmacie du Test", "opening_hours": "Mo-Fr 8h-19h"},
        },
        _node(
            3,
            **{
                "shop": "supermarket",
                "organic": "only",
                "name": "Bio du Test",
                "addr:street": "rue Saunière",
            },
        ),
        _node(4, **{"shop": "bicycle", "name": "Vélos du Test", "service:bicycle:repair": "yes"}),
        _node(5, **{"craft": "shoemaker", "name": "Cordonnerie du Test"}),
        _node(6, **{"shop": "bakery"}),
        _node(7, **{"amenity": "bench", "name": "Banc"}),
        _node(8),
        {"type": "way", "id": 9, "tags": {"shop": "books", "name": "Librairie sans position"}},
        _node(10, lat=48.8566, lon=2.3522, **{"shop": "books", "name": "Librairie parisienne"}),
        {"type": "area", "id": 11, "tags": {"shop": "books", "name": "Une aire"}},
        _node(1, **{"shop": "bakery", "name": "Boulangerie du Test (doublon)"}),
    ],
}

SQUARE = [[4.8900, 44.9300], [4.8910, 44.9300], [4.8910, 44.9310], [4.8900, 44.9310], [4.8900, 44.9300]]
OTHER_SQUARE = [[4.8940, 44.9340], [4.8950, 44.9340], [4.8950, 44.9350], [4.8940, 44.9350], [4.8940, 44.9340]]

GEOJSON = {
    "type": "FeatureCollection",
    "generator": "overpass-turbo",
    "copyright": "The data included in this document is from www.openstreetmap.org (ODbL).",
    "features": [
        {
            "type": "Feature",
            "id": "node/100",
            "properties": {"@id": "node/100", "shop": "cheese", "name": "Fromagerie GeoJSON"},
            "geometry": {"type": "Point", "coordinates": [4.8921, 44.9333]},
        },
        {
            "type": "Feature",
            "properties": {"@id": "way/200", "shop": "florist", "name": "Fleurs GeoJSON", "@relations": []},
            "geometry": {
                "type": "Polygon",
                "coordinates": [SQUARE],
            },
        },
        {
            "type": "Feature",
            "id": "relation/300",
            "properties": {"amenity": "restaurant", "name": "Restaurant multipolygone"},
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [[OTHER_SQUARE]],
            },
        },
        {
            "type": "Feature",
            "properties": {
                "type": "way", "id": 400, "tags": {"shop": "optician", "name": "Optique ancien format"}
            },
            "geometry": {"type": "LineString", "coordinates": [[4.8930, 44.9320], [4.8932, 44.9322]]},
        },
        {
            "type": "Feature",
            "id": "node/500",
            "properties": {"shop": "toys", "name": "Jouets sans géométrie"},
            "geometry": None,
        },
        {"type": "Feature", "properties": {"shop": "toys", "name": "Jouets sans id"}, "geometry": None},
    ],
}  # fmt: skip


def _import(session: Session, document: Any, **kwargs: Any) -> osm_import.ImportReport:
    kwargs.setdefault("territory", TERRITORY)
    return osm_import.import_elements(session=session, elements=osm_import.parse_document(document), **kwargs)


def _shops(session: Session) -> dict[str, Shop]:
    return {
        shop.osm_id: shop
        for shop in session.exec(select(Shop).where(col(Shop.osm_id).is_not(None)))
        if shop.osm_id is not None
    }


def test_the_mapping_table_in_the_module_documents_exactly_the_code() -> None:
    documented: dict[str, str] = {}
    for line in (osm_import.__doc__ or "").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 2 or cells[0] in ("category", "---"):
            continue
        assert cells[0] in CATEGORIES, cells[0]
        for tag in cells[1].split(", "):
            assert tag not in documented, f"{tag} documented twice"
            documented[tag] = cells[0]
    in_code = {
        **{f"shop={value}": slug for value, slug in osm_import.SHOP_TAGS.items()},
        **{f"craft={value}": slug for value, slug in osm_import.CRAFT_TAGS.items()},
        **{f"amenity={value}": slug for value, slug in osm_import.AMENITY_TAGS.items()},
    }
    assert documented == in_code
    assert set(in_code.values()) == set(CATEGORIES), "every category should be reachable from OSM"


@pytest.mark.parametrize(
    ("tags", "category"),
    [
        ({"shop": "bakery"}, "boulangerie"),
        ({"shop": "pastry"}, "boulangerie"),
        ({"shop": "bakery;cafe"}, "boulangerie"),
        ({"shop": "convenience", "organic": "only"}, "bio"),
        ({"shop": "convenience", "organic": "yes"}, "epicerie"),
        ({"shop": "bakery", "organic": "only"}, "boulangerie"),
        ({"shop": "bicycle"}, "reparation-velos"),
        ({"shop": "bicycle", "service:bicycle:repair": "no"}, "sport"),
        ({"craft": "shoemaker"}, "cordonnerie"),
        ({"craft": "key_cutter"}, "serrurerie"),
        ({"amenity": "pharmacy", "shop": "chemist"}, "parfumerie"),
        ({"shop": "yes", "amenity": "cafe"}, "cafe"),
        ({"amenity": "fast_food"}, "restaurant"),
        ({"amenity": "marketplace"}, None),
        ({"shop": "seafood"}, None),
        ({"shop": "vacant", "disused:shop": "bakery"}, None),
        ({}, None),
    ],
)
def test_tags_map_to_our_categories(tags: dict[str, str], category: str | None) -> None:
    assert osm_import.category_for(tags) == category


@pytest.mark.parametrize(
    ("tags", "address"),
    [
        (
            {"addr:housenumber": "57", "addr:street": "Grande Rue", "addr:postcode": "26000",
             "addr:city": "Valence"},
            "57 Grande Rue, 26000 Valence",
        ),
        ({"addr:street": "place des Clercs", "addr:city": "Valence"}, "place des Clercs, Valence"),
        ({"addr:housenumber": "3", "addr:place": "Les Baumes", "addr:postcode": "26000"},
         "3 Les Baumes, 26000"),
        ({"addr:housenumber": "3"}, osm_import.NO_ADDRESS),
        ({}, osm_import.NO_ADDRESS),
    ],
)  # fmt: skip
def test_addresses_read_the_french_way(tags: dict[str, str], address: str) -> None:
    assert osm_import.address_for(tags) == address


def test_overpass_json_is_imported_with_every_skip_explained(session: Session) -> None:
    report = _import(session, OVERPASS)
    shops = _shops(session)

    assert (report.read, report.created, report.updated, report.unchanged) == (12, 5, 0, 0)
    assert set(shops) == {"node/1", "way/2", "node/3", "node/4", "node/5"}
    bakery = shops["node/1"]
    assert (bakery.name, bakery.category, bakery.address) == (
        "Boulangerie du Test",
        "boulangerie",
        "12 Grande Rue, 26000 Valence",
    )
    assert (bakery.lat, bakery.lon) == (44.9330, 4.8915)
    assert bakery.phone == "+33 4 75 00 00 01"
    assert bakery.website == "https://boulangerie-du-test.example.fr"
    assert bakery.opening_hours == "Tu-Sa 07:00-13:00,15:30-19:30; Su 07:00-12:30; PH off"
    for shop in shops.values():
        assert (shop.status, shop.source, shop.owner_id) == ("active", "osm", None)
    assert (shops["way/2"].lat, shops["way/2"].lon) == (44.9321, 4.8899)
    assert shops["node/3"].category == "bio"
    assert shops["node/3"].address == "rue Saunière"
    assert shops["node/4"].category == "reparation-velos"
    assert shops["node/5"].category == "cordonnerie"

    # Invalid hours are dropped, reported, and the shop still comes in with unknown hours.
    assert shops["way/2"].opening_hours is None
    assert [(d.osm_id, d.opening_hours) for d in report.dropped_hours] == [("way/2", "Mo-Fr 8h-19h")]
    assert "OpenStreetMap" in report.dropped_hours[0].problem

    skipped = {(s.osm_id, s.reason) for s in report.skipped}
    assert skipped == {
        ("node/6", SKIP_NO_NAME),
        ("node/7", SKIP_NO_TAG),
        ("node/8", SKIP_NO_TAG),
        ("way/9", SKIP_NO_POSITION),
        ("node/10", SKIP_OUTSIDE),
        (None, SKIP_MALFORMED),
        ("node/1", SKIP_DUPLICATE),
    }
    assert report.skipped_by_reason()[SKIP_NO_TAG] == 2
    assert {s.osm_id: s.tag for s in report.skipped if s.reason == SKIP_NO_TAG} == {
        "node/7": "amenity=bench",
        "node/8": None,
    }


def test_geojson_from_overpass_turbo_takes_centroids_and_both_property_shapes(session: Session) -> None:
    report = _import(session, GEOJSON)
    shops = _shops(session)

    assert report.created == 4
    assert shops["node/100"].category == "fromagerie"
    assert (shops["node/100"].lat, shops["node/100"].lon) == (44.9333, 4.8921)
    florist = shops["way/200"]
    assert math.isclose(florist.lat, 44.9305, abs_tol=1e-9) and math.isclose(
        florist.lon, 4.8905, abs_tol=1e-9
    )
    restaurant = shops["relation/300"]
    assert restaurant.category == "restaurant"
    assert math.isclose(restaurant.lat, 44.9345, abs_tol=1e-9)
    assert math.isclose(restaurant.lon, 4.8945, abs_tol=1e-9)
    optician = shops["way/400"]
    assert (optician.name, optician.category) == ("Optique ancien format", "opticien")
    assert math.isclose(optician.lat, 44.9321, abs_tol=1e-9)
    assert {(s.osm_id, s.reason) for s in report.skipped} == {
        ("node/500", SKIP_NO_POSITION),
        (None, SKIP_MALFORMED),
    }


def test_a_new_import_updates_the_shop_but_not_its_status_or_description(session: Session) -> None:
    _import(session, OVERPASS)
    bakery = _shops(session)["node/1"]
    original_id = bakery.id
    bakery.status, bakery.description = "suspended", "Texte de la ville"
    session.add(bakery)
    session.flush()

    changed = json.loads(json.dumps(OVERPASS))
    tags = changed["elements"][0]["tags"]
    tags.update(
        {
            "name": "Boulangerie du Test renommée",
            "opening_hours": "Mo-Sa 07:00-19:00",
            "addr:housenumber": "14",
        }
    )
    changed["elements"][0]["lat"] = 44.9331
    report = _import(session, changed)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 4)
    session.expire_all()
    bakery = _shops(session)["node/1"]
    assert bakery.id == original_id
    assert (bakery.name, bakery.opening_hours, bakery.address, bakery.lat) == (
        "Boulangerie du Test renommée",
        "Mo-Sa 07:00-19:00",
        "14 Grande Rue, 26000 Valence",
        44.9331,
    )
    assert (bakery.owner_id, bakery.status, bakery.description) == (None, "suspended", "Texte de la ville")
    assert len(session.exec(select(Shop).where(Shop.osm_id == "node/1")).all()) == 1
    assert _import(session, changed).unchanged == 5


def test_the_territory_decides_what_is_outside(session: Session) -> None:
    around_paris = (2.2, 48.8, 2.5, 48.9)
    report = _import(session, OVERPASS, territory=around_paris)
    outside = [s.osm_id for s in report.skipped if s.reason == SKIP_OUTSIDE]
    assert outside == ["node/1", "way/2", "node/3", "node/4", "node/5", "node/1"]
    assert set(_shops(session)) == {"node/10"}


def test_a_claimed_shop_keeps_its_merchants_edits(session: Session) -> None:
    _import(session, OVERPASS)
    claimed = _shops(session)["node/1"]
    claimed.owner_id = make_user(session).id
    claimed.name = "Boulangerie du Test — chez Paul"
    session.add(claimed)
    session.commit()
    report = _import(session, OVERPASS)
    assert report.kept_by_merchant == 1
    assert _shops(session)["node/1"].name == "Boulangerie du Test — chez Paul"


def test_imported_shops_are_found_by_search(client: TestClient, session: Session) -> None:
    _import(session, OVERPASS)
    session.commit()
    found = client.get("/api/v1/search", params={"q": "cordonnerie"}).json()["results"]
    assert [r["shop"]["name"] for r in found] == ["Cordonnerie du Test"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"type": "Topology", "objects": {}}', "expected Overpass JSON"),
        ("[1, 2, 3]", "found list"),
        ('{"elements": {"type": "node"}}', "is not a list"),
    ],
)
def test_unknown_formats_are_refused(content: str, message: str) -> None:
    with pytest.raises(OsmFormatError, match=re.escape(message)):
        osm_import.read_document(content)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_command_imports_reports_and_credits_osm(backend: str, tmp_path: Path) -> None:
    overpass, geojson = tmp_path / "export.json", tmp_path / "export.geojson"
    overpass.write_text(json.dumps(OVERPASS), encoding="utf-8")
    geojson.write_text(json.dumps(GEOJSON), encoding="utf-8")
    with fresh_database(backend, tmp_path) as url:
        if backend == "postgresql":
            upgrade(url)  # the command refuses an unmigrated PostgreSQL, like `valence serve`
        first = valence("import", "osm", str(overpass), database_url=url)
        assert first.returncode == 0, first.stderr
        out = first.stdout
        assert "12 elements read" in out
        assert "created: 5" in out and "updated: 0" in out
        assert "skipped: 7" in out
        for reason in (
            SKIP_NO_NAME,
            SKIP_NO_TAG,
            SKIP_NO_POSITION,
            SKIP_OUTSIDE,
            SKIP_MALFORMED,
            SKIP_DUPLICATE,
        ):
            assert f"{reason}: " in out
        assert "way/2 Pharmacie du Test: « Mo-Fr 8h-19h »" in out
        assert "node/7 Banc (amenity=bench)" in out
        assert out.rstrip().endswith("Données © les contributeurs d'OpenStreetMap (ODbL)")

        again = valence("import", "osm", str(overpass), database_url=url)
        assert "created: 0" in again.stdout and "unchanged: 5" in again.stdout
        assert valence("import", "osm", str(geojson), database_url=url).returncode == 0

        engine = create_engine(url)
        with Session(engine) as check:
            assert len(_shops(check)) == 9
        engine.dispose()


def test_the_command_reads_the_territory_setting(tmp_path: Path) -> None:
    overpass = tmp_path / "export.json"
    overpass.write_text(json.dumps(OVERPASS), encoding="utf-8")
    result = valence(
        "import",
        "osm",
        str(overpass),
        database_url=f"sqlite:///{tmp_path}/osm.db",
        VALENCE_TERRITORY_BBOX="2.2,48.8,2.5,48.9",
    )
    assert result.returncode == 0, result.stderr
    assert "created: 1" in result.stdout and f"{SKIP_OUTSIDE}: 6" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"hello": "world"}', "unknown format"),
        (None, "cannot be read"),
        (b"\xff\xfe\x00binary", "not a UTF-8 text file"),
    ],
)
def test_the_command_exits_2_on_a_bad_file(tmp_path: Path, content: str | bytes | None, message: str) -> None:
    path = tmp_path / "export.json"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    result = valence("import", "osm", str(path), database_url=f"sqlite:///{tmp_path}/osm.db")
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "osm.db").exists(), "a refused file must not touch the database"


def test_a_document_nested_too_deep_is_refused_not_crashed() -> None:
    with pytest.raises(osm_import.OsmTooDeepError):
        osm_import.read_document("[" * 100_000 + "]" * 100_000)
    geometry = '{"type": "Point", "coordinates": [4.89, 44.93]}'
    for _ in range(600):
        geometry = f'{{"type": "GeometryCollection", "geometries": [{geometry}]}}'
    with pytest.raises(osm_import.OsmTooDeepError):
        osm_import.read_document(f'{{"type": "Feature", "properties": {{}}, "geometry": {geometry}}}')


def test_the_command_exits_1_with_a_french_message_on_a_too_deep_file(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = valence("import", "osm", str(path), database_url=f"sqlite:///{tmp_path}/osm.db")
    assert result.returncode == 1
    assert "imbrique trop de tableaux" in result.stderr and "relancez l'import" in result.stderr
    assert "Traceback" not in result.stderr and "RecursionError" not in result.stderr
    assert not (tmp_path / "osm.db").exists(), "a refused file must not touch the database"
