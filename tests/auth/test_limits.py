"""Sign-in and sign-up limits: brute force is stopped, and no one can lock an owner out (contract §3)."""

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.deps import client_address
from api.migrate import upgrade
from tests.databases import fresh_database
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.servers import running_server, valence

TOKEN = "/api/v1/auth/token"
POLICY = "10;w=900, 50;w=900"


@pytest.fixture
def addressed(client: TestClient) -> TestClient:
    """The client, whose requests come from the address named in a test header."""

    def from_header(request: Request) -> str:
        return request.headers.get("x-test-address", "192.0.2.1")

    client.app.dependency_overrides[client_address] = from_header  # type: ignore[attr-defined]
    return client


def _attempt(client: TestClient, email: str, password: str, address: str) -> httpx.Response:
    return client.post(
        TOKEN, json={"email": email, "password": password}, headers={"x-test-address": address}
    )


def test_failures_from_many_addresses_never_refuse_the_owner(addressed: TestClient, session: Session) -> None:
    owner = make_user(session)
    # Thirty addresses each try a wrong password: far beyond the account's limit of ten.
    for n in range(30):
        assert _attempt(addressed, owner.email, f"wrong-{n}", f"198.51.100.{n}").status_code == 401
    # The owner, from an address that has not failed, is slowed down but let in.
    assert _attempt(addressed, owner.email, DEFAULT_PASSWORD, "203.0.113.7").status_code == 200


def test_ten_failures_from_one_address_refuse_that_address_only(
    addressed: TestClient, session: Session
) -> None:
    owner = make_user(session)
    for n in range(10):
        assert _attempt(addressed, owner.email, f"wrong-{n}", "198.51.100.1").status_code == 401
    refused = _attempt(addressed, owner.email, DEFAULT_PASSWORD, "198.51.100.1")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert refused.headers["RateLimit-Reset"] == refused.headers["Retry-After"]
    assert _attempt(addressed, owner.email, DEFAULT_PASSWORD, "203.0.113.7").status_code == 200


def test_every_sign_in_answer_says_what_is_left(addressed: TestClient, session: Session) -> None:
    owner = make_user(session)
    first = _attempt(addressed, owner.email, "wrong", "198.51.100.1")
    assert first.status_code == 401
    assert first.headers["RateLimit-Limit"] == "10"
    assert first.headers["RateLimit-Remaining"] == "9"
    assert 0 < int(first.headers["RateLimit-Reset"]) <= 900
    assert first.headers["RateLimit-Policy"] == POLICY
    signed_in = _attempt(addressed, owner.email, DEFAULT_PASSWORD, "198.51.100.1")
    assert signed_in.status_code == 200
    assert signed_in.headers["RateLimit-Remaining"] == "9"
    assert signed_in.headers["Cache-Control"] == "no-store"
    refreshed = addressed.post(
        "/api/v1/auth/refresh", json={"refresh_token": signed_in.json()["refresh_token"]}
    )
    assert refreshed.status_code == 200
    assert refreshed.headers["Cache-Control"] == "no-store"


def test_sign_ups_are_limited_per_address(addressed: TestClient) -> None:
    def sign_up(n: int, address: str) -> httpx.Response:
        body = {"email": f"nouveau-{n}@example.fr", "password": DEFAULT_PASSWORD, "display_name": "Nouveau"}
        return addressed.post("/api/v1/auth/register", json=body, headers={"x-test-address": address})

    for n in range(50):
        assert sign_up(n, "198.51.100.9").status_code == 201
    refused = sign_up(50, "198.51.100.9")
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert "comptes" in refused.json()["detail"]
    assert 0 < int(refused.headers["Retry-After"]) <= 600
    assert refused.headers["RateLimit-Policy"] == "50;w=600"
    # The refused sign-up created nothing, and another address is not concerned.
    assert sign_up(50, "203.0.113.7").status_code == 201


def test_a_taken_address_counts_against_the_limit_and_says_no_more_than_409(addressed: TestClient) -> None:
    body = {"email": "pris@example.fr", "password": DEFAULT_PASSWORD, "display_name": "Pris"}
    assert addressed.post("/api/v1/auth/register", json=body).status_code == 201
    for _ in range(49):
        taken = addressed.post("/api/v1/auth/register", json=body)
        assert taken.status_code == 409
        assert "existe" not in taken.json()["detail"]
    assert addressed.post("/api/v1/auth/register", json=body).status_code == 429


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    with fresh_database("sqlite", tmp_path) as url:
        upgrade(url)
        created = valence(
            "users", "create", "--email", "anne@example.fr", "--password", DEFAULT_PASSWORD, database_url=url
        )
        assert created.returncode == 0, created.stderr
        yield url


def test_failures_elsewhere_slow_the_account_down_with_a_growing_delay(database: str) -> None:
    # The real delays (0.25 s, doubling, at most 4 s), behind a proxy that says where each request comes from.
    with running_server(database, VALENCE_LOGIN_SLOWDOWN_MAX_SECONDS="4") as base_url:

        def attempt(password: str, address: str) -> tuple[int, float]:
            started = time.perf_counter()
            response = httpx.post(
                f"{base_url}{TOKEN}",
                json={"email": "anne@example.fr", "password": password},
                headers={"X-Forwarded-For": address},
                timeout=30,
            )
            return response.status_code, time.perf_counter() - started

        took = [attempt(f"wrong-{n}", f"198.51.100.{n}") for n in range(6)]
        assert [status for status, _ in took] == [401] * 6
        # The first three failures cost nothing; the fourth waits 0.25 s, the fifth 0.5 s, the sixth 1 s.
        # (Compared with the sixth, not with a fixed bound: on a busy machine hashing alone may take 0.25 s.)
        assert max(seconds for _, seconds in took[:3]) < took[5][1] - 0.5
        assert [seconds >= wait for (_, seconds), wait in zip(took[3:], (0.25, 0.5, 1.0), strict=True)] == [
            True
        ] * 3
        status, seconds = attempt(DEFAULT_PASSWORD, "203.0.113.7")
        assert status == 200
        assert 2.0 <= seconds < 6
