"""Several API processes share nothing but the database: revocations and sign-in limits hold across them."""

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from api.db import build_engine
from api.migrate import upgrade
from api.search.models import search_log
from tests.databases import BACKENDS, fresh_database
from tests.fake_ban import fake_ban
from tests.servers import running_server, valence

PASSWORD = "0123456789ab"


@pytest.fixture(params=BACKENDS)
def shared_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        upgrade(url)
        created = valence(
            "users", "create", "--email", "anne@example.fr", "--password", PASSWORD, database_url=url
        )
        assert created.returncode == 0, created.stderr
        yield url


def _sign_in(base_url: str) -> dict[str, str]:
    response = httpx.post(
        f"{base_url}/api/v1/auth/token", json={"email": "anne@example.fr", "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    tokens: dict[str, str] = response.json()
    return tokens


def test_two_processes_behind_a_balancer_share_revocations_and_limits(shared_database: str) -> None:
    with running_server(shared_database) as first, running_server(shared_database) as second:
        tokens = _sign_in(first)
        # Rotated through one process, the old token is a reuse for the other.
        rotated = httpx.post(f"{first}/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert rotated.status_code == 200
        reused = httpx.post(f"{second}/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert reused.status_code == 401
        latest = httpx.post(
            f"{first}/api/v1/auth/refresh", json={"refresh_token": rotated.json()["refresh_token"]}
        )
        assert latest.status_code == 401

        # Logged out through the second, refused by the first.
        tokens = _sign_in(second)
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert httpx.post(f"{second}/api/v1/auth/logout", headers=headers).status_code == 204
        refused = httpx.post(f"{first}/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert refused.status_code == 401

        # Five failures through each process make ten for the account.
        for attempt in range(10):
            base = first if attempt % 2 else second
            wrong = httpx.post(
                f"{base}/api/v1/auth/token", json={"email": "anne@example.fr", "password": f"wrong-{attempt}"}
            )
            assert wrong.status_code == 401
        for base in (first, second):
            locked = httpx.post(
                f"{base}/api/v1/auth/token", json={"email": "anne@example.fr", "password": PASSWORD}
            )
            assert locked.status_code == 429
            assert int(locked.headers["Retry-After"]) > 0


def test_serve_with_two_workers(shared_database: str) -> None:
    with running_server(shared_database, workers=2) as base_url:
        tokens = _sign_in(base_url)
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert httpx.post(f"{base_url}/api/v1/auth/logout", headers=headers).status_code == 204
        # Each request on a new connection lands on either worker; none may accept the revoked token.
        for _ in range(6):
            with httpx.Client() as fresh_connection:
                response = fresh_connection.post(
                    f"{base_url}/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
                )
            assert response.status_code == 401
        for attempt in range(10):
            with httpx.Client() as fresh_connection:
                wrong = fresh_connection.post(
                    f"{base_url}/api/v1/auth/token",
                    json={"email": "anne@example.fr", "password": f"wrong-{attempt}"},
                )
            assert wrong.status_code == 401
        with httpx.Client() as fresh_connection:
            locked = fresh_connection.post(
                f"{base_url}/api/v1/auth/token", json={"email": "anne@example.fr", "password": PASSWORD}
            )
        assert locked.status_code == 429


def _logged(database_url: str) -> list[str]:
    engine = build_engine(database_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.select(search_log.c.query).order_by(search_log.c.id)).scalars())
    finally:
        engine.dispose()


def test_each_process_writes_its_search_log_in_batches(shared_database: str) -> None:
    # Lines wait in their process: written within the flush interval, and by a process that stops.
    with (
        running_server(shared_database, VALENCE_SEARCH_LOG_FLUSH_SECONDS="0.2") as quick,
        running_server(shared_database, VALENCE_SEARCH_LOG_FLUSH_SECONDS="60") as slow,
    ):
        for q in ("vélo", "clé minute"):
            assert httpx.get(f"{quick}/api/v1/search", params={"q": q}).status_code == 200
        assert httpx.get(f"{slow}/api/v1/search", params={"q": "pain sans gluten"}).status_code == 200
        deadline = time.monotonic() + 10
        while len(_logged(shared_database)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _logged(shared_database) == ["vélo", "clé minute"]
    assert _logged(shared_database) == ["vélo", "clé minute", "pain sans gluten"]


def test_address_look_ups_are_counted_once_for_every_process(shared_database: str) -> None:
    # Two look-ups a minute: one through each process uses them up for both.
    with (
        fake_ban() as ban,
        running_server(
            shared_database, VALENCE_GEOCODER_URL=ban.url, VALENCE_GEOCODER_REQUESTS_PER_MINUTE="2"
        ) as first,
        running_server(
            shared_database, VALENCE_GEOCODER_URL=ban.url, VALENCE_GEOCODER_REQUESTS_PER_MINUTE="2"
        ) as second,
    ):
        headers = {"Authorization": f"Bearer {_sign_in(first)['access_token']}"}
        asked = [
            httpx.get(f"{base}/api/v1/geocode", params={"q": "grande rue"}, headers=headers).status_code
            for base in (first, second, first, second)
        ]
        assert asked == [200, 200, 429, 429]
        assert len(ban.queries()) == 2
