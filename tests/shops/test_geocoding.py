"""A shop's address to a position through the national address base, against a local fake of it over HTTP;
a patched position moves the shop in search; the map's tiles work out of the box."""

import logging
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.config import Settings, get_settings
from tests.factories import bearer, make_shop, make_user, sign_in
from tests.fake_ban import FakeBan, fake_ban
from tests.servers import CLOSED_ORIGIN

GEOCODE = "/api/v1/geocode"
GRANDE_RUE_VALENCE = (44.93321, 4.89152)


@pytest.fixture(scope="module")
def ban() -> Iterator[FakeBan]:
    with fake_ban() as server:
        yield server


def _configure(client: TestClient, **overrides: object) -> None:
    # The app reads its settings from its state: this one asks the given geocoder.
    app = client.app
    app.state.settings = get_settings().model_copy(update=overrides)  # type: ignore[attr-defined]


@pytest.fixture
def merchant(client: TestClient, session: Session) -> dict[str, str]:
    return bearer(sign_in(client, make_user(session).email))


def _problem(response: Any, status: int, slug: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, object] = response.json()
    assert str(body["type"]).endswith("/" + slug)
    return body


def test_an_address_gives_suggestions_inside_the_territory(
    client: TestClient, merchant: dict[str, str], ban: FakeBan
) -> None:
    _configure(client, geocoder_url=ban.url)
    before = len(ban.requests)
    response = client.get(GEOCODE, params={"q": "12 grande rue"}, headers=merchant)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    # The fake knows a Grande Rue in Valence and one in Lyon: only Valence's is in the territory.
    assert [r["label"] for r in results] == ["12 Grande Rue 26000 Valence"]
    first = results[0]
    assert (first["lat"], first["lon"]) == GRANDE_RUE_VALENCE
    assert first["postcode"] == "26000" and first["city"] == "Valence" and first["street"] == "Grande Rue"
    assert first["housenumber"] == "12" and first["type"] == "housenumber" and 0 < first["score"] <= 1
    # One request, biased towards the city centre, naming the service.
    [params] = ban.requests[before:]
    assert params["q"] == ["12 grande rue"]
    assert params["lat"] == ["44.9334"] and params["lon"] == ["4.8924"]
    assert "CoeurDeValence" in ban.user_agents[-1]


def test_suggestions_are_limited_and_best_first(
    client: TestClient, merchant: dict[str, str], ban: FakeBan
) -> None:
    _configure(client, geocoder_url=ban.url)
    response = client.get(GEOCODE, params={"q": "26000 valence", "limit": 2}, headers=merchant)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert len(results) == 2
    assert results[0]["score"] >= results[1]["score"]
    assert all(r["city"] == "Valence" for r in results)


def test_an_unknown_address_gives_no_suggestion(
    client: TestClient, merchant: dict[str, str], ban: FakeBan
) -> None:
    _configure(client, geocoder_url=ban.url)
    response = client.get(GEOCODE, params={"q": "rue imaginaire"}, headers=merchant)
    assert response.status_code == 200
    assert response.json() == {"results": []}


def test_only_signed_in_people_may_look_up_an_address(client: TestClient, ban: FakeBan) -> None:
    _configure(client, geocoder_url=ban.url)
    _problem(client.get(GEOCODE, params={"q": "12 grande rue"}), 401, "unauthorized")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "12"}, "Recherche : trop court"),
        ({"q": "- . -"}, "au moins 3 lettres ou chiffres"),
        ({"q": "x" * 201}, "Recherche : trop long"),
        ({"q": "12 grande rue", "limit": 0}, "au moins 1"),
        ({}, "obligatoire"),
    ],
)
def test_bad_input_is_refused_in_french(
    client: TestClient, merchant: dict[str, str], ban: FakeBan, params: dict[str, object], expected: str
) -> None:
    _configure(client, geocoder_url=ban.url)
    before = len(ban.requests)
    body = _problem(client.get(GEOCODE, params=params, headers=merchant), 422, "validation-error")
    assert expected in str(body["detail"])
    assert len(ban.requests) == before, "a refused query never reaches the geocoder"


def test_an_unreachable_geocoder_is_a_clear_french_503(
    client: TestClient, merchant: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    _configure(client, geocoder_url=CLOSED_ORIGIN)
    with caplog.at_level(logging.INFO):
        response = client.get(GEOCODE, params={"q": "12 grande rue"}, headers=merchant)
    body = _problem(response, 503, "geocoder-unavailable")
    assert "service national des adresses ne répond pas" in str(body["detail"])
    assert "placez le repère vous-même" in str(body["detail"])
    assert response.headers["Retry-After"] == "30"
    assert "grande" not in _server_logs(caplog)


def _server_logs(caplog: pytest.LogCaptureFixture) -> str:
    """What the server logged (the test client, httpx2, logs its own requests)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name != "httpx2").lower()


def test_the_address_looked_up_is_never_logged(
    client: TestClient, merchant: dict[str, str], ban: FakeBan, caplog: pytest.LogCaptureFixture
) -> None:
    _configure(client, geocoder_url=ban.url)
    with caplog.at_level(logging.DEBUG):
        response = client.get(GEOCODE, params={"q": "12 grande rue"}, headers=merchant)
    assert response.status_code == 200
    assert "GET /api/v1/geocode 200" in caplog.text
    assert "grande" not in _server_logs(caplog)


def test_a_geocoder_that_never_answers_times_out_as_a_503(
    client: TestClient, merchant: dict[str, str]
) -> None:
    with socket.socket() as silent:
        # Connections wait in the backlog and are never answered.
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        _configure(client, geocoder_url=f"http://127.0.0.1:{port}", geocoder_timeout_seconds=0.3)
        response = client.get(GEOCODE, params={"q": "12 grande rue"}, headers=merchant)
    _problem(response, 503, "geocoder-unavailable")


@pytest.mark.parametrize(
    ("mode", "status", "slug"), [("error", 503, "geocoder-unavailable"), ("garbage", 502, "geocoder-error")]
)
def test_a_failing_geocoder_is_a_french_problem_never_a_500(
    client: TestClient, merchant: dict[str, str], ban: FakeBan, mode: str, status: int, slug: str
) -> None:
    _configure(client, geocoder_url=ban.url)
    ban.mode = mode
    try:
        body = _problem(client.get(GEOCODE, params={"q": "12 grande rue"}, headers=merchant), status, slug)
    finally:
        ban.mode = "ok"
    assert "service national des adresses" in str(body["detail"])


def test_lookups_are_rate_limited_per_person(
    client: TestClient, session: Session, merchant: dict[str, str], ban: FakeBan
) -> None:
    _configure(client, geocoder_url=ban.url, geocoder_requests_per_minute=2)
    for _ in range(2):
        assert client.get(GEOCODE, params={"q": "grande rue"}, headers=merchant).status_code == 200
    response = client.get(GEOCODE, params={"q": "grande rue"}, headers=merchant)
    body = _problem(response, 429, "rate-limited")
    assert "Trop de recherches d'adresse" in str(body["detail"])
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert response.headers["RateLimit-Policy"] == "2;w=60"
    # Someone else still may.
    other = bearer(sign_in(client, make_user(session).email))
    assert client.get(GEOCODE, params={"q": "grande rue"}, headers=other).status_code == 200


def test_a_patched_position_moves_the_shop_in_search(
    client: TestClient, session: Session, ban: FakeBan
) -> None:
    owner = make_user(session)
    headers = bearer(sign_in(client, owner.email))
    # The shop first stands in Romans, 20 km away from Valence's Grande Rue.
    shop = make_shop(session, owner=owner, name="Mercerie Tissandier", lat=45.0447, lon=5.0515)
    near = {"q": "mercerie", "lat": GRANDE_RUE_VALENCE[0], "lon": GRANDE_RUE_VALENCE[1], "radius_m": 500}
    assert client.get("/api/v1/search", params=near).json()["results"] == []

    _configure(client, geocoder_url=ban.url)
    [picked] = client.get(GEOCODE, params={"q": "12 Grande Rue Valence"}, headers=headers).json()["results"]
    patched = client.patch(
        f"/api/v1/shops/{shop.id}",
        json={"address": picked["label"], "lat": picked["lat"], "lon": picked["lon"]},
        headers=headers,
    )
    assert patched.status_code == 200, patched.text
    assert (patched.json()["lat"], patched.json()["lon"]) == GRANDE_RUE_VALENCE
    assert patched.json()["address"] == "12 Grande Rue 26000 Valence"

    [result] = client.get("/api/v1/search", params=near).json()["results"]
    assert result["shop"]["id"] == str(shop.id)
    assert result["distance_m"] < 1
    # Out of the territory, the position is refused and the shop stays where it was.
    refused = client.patch(f"/api/v1/shops/{shop.id}", json={"lat": 45.7629, "lon": 4.834}, headers=headers)
    _problem(refused, 422, "validation-error")
    assert client.get(f"/api/v1/shops/{shop.id}").json()["lat"] == GRANDE_RUE_VALENCE[0]


def test_the_map_shows_openstreetmap_tiles_out_of_the_box(client: TestClient) -> None:
    defaults = Settings.model_fields
    assert defaults["map_tile_url"].default == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert defaults["geocoder_url"].default == "https://data.geopf.fr/geocodage"
    _configure(client, map_tile_url=defaults["map_tile_url"].default)
    response = client.get("/api/v1/config")
    config = response.json()
    assert config["map_tile_url"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert config["map_attribution"] == "© les contributeurs d’OpenStreetMap"
    assert config["map_attribution_url"] == "https://www.openstreetmap.org/copyright"


def test_the_default_tile_origin_is_in_the_csp() -> None:
    from api.main import create_app

    settings = get_settings().model_copy(
        update={"map_tile_url": Settings.model_fields["map_tile_url"].default}
    )
    with TestClient(create_app(settings)) as client:
        csp = client.get("/api/v1/config").headers["Content-Security-Policy"]
    assert "img-src 'self' data: blob: https://tile.openstreetmap.org;" in csp
    # The browser never talks to the geocoder: the server does.
    assert "connect-src 'self';" in csp
