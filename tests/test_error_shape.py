"""Every error path answers with the same problem+json shape and a French detail a person can act on."""

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.config import get_settings
from api.db import Reader, build_engine, get_health_reader
from api.errors import AppError, RateLimited, ValidationFailed, invalid
from api.main import create_app
from tests.factories import DEFAULT_PASSWORD, bearer, make_user, sign_in


def assert_problem(response, status: int, slug: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"].endswith("/" + slug)
    assert body["title"]
    assert len(body["detail"]) > 10
    if status == 422:
        assert isinstance(body["errors"], list) and body["errors"]
        assert all(set(e) == {"field", "detail"} for e in body["errors"])
    return body


def test_every_error_path_has_the_problem_shape(client: TestClient, session: Session) -> None:
    shopper = make_user(session)
    tokens = sign_in(client, shopper.email)

    assert_problem(client.get("/api/v1/no-such-thing"), 404, "not-found")
    assert_problem(client.get("/api/"), 404, "not-found")
    body = assert_problem(client.delete("/api/v1/health"), 405, "method-not-allowed")
    assert "GET" in body["detail"]
    # Two routes share /items/{id}: the answer names the methods of both.
    refused = client.put(f"/api/v1/items/{uuid.uuid4()}", json={})
    assert_problem(refused, 405, "method-not-allowed")
    assert refused.headers["Allow"] == "DELETE, PATCH"
    body = assert_problem(client.post("/api/v1/auth/register", json={"email": "x"}), 422, "validation-error")
    assert {e["field"] for e in body["errors"]} >= {"email", "password", "display_name"}
    body = assert_problem(
        client.post(
            "/api/v1/auth/register", content=b"{not json", headers={"content-type": "application/json"}
        ),
        422,
        "validation-error",
    )
    assert_problem(client.get("/api/v1/me"), 401, "unauthorized")
    assert_problem(client.get("/api/v1/me", headers={"Authorization": "Bearer nope"}), 401, "unauthorized")
    assert_problem(
        client.post(
            f"/api/v1/admin/users/{shopper.id}/roles", json={"role": "admin"}, headers=bearer(tokens)
        ),
        403,
        "forbidden",
    )
    assert_problem(
        client.post(
            "/api/v1/auth/register",
            json={"email": shopper.email.upper(), "password": DEFAULT_PASSWORD, "display_name": "Autre"},
        ),
        409,
        "conflict",
    )


def test_admin_on_unknown_user_is_not_found(client: TestClient, session: Session) -> None:
    from api.auth.models import Role

    admin = make_user(session, roles=[Role.admin])
    tokens = sign_in(client, admin.email)
    response = client.post(
        "/api/v1/admin/users/00000000-0000-4000-8000-000000000000/roles",
        json={"role": "merchant"},
        headers=bearer(tokens),
    )
    assert_problem(response, 404, "not-found")


def test_rate_limited_is_a_problem_with_retry_after(client: TestClient, session: Session) -> None:
    user = make_user(session)
    for _ in range(10):
        client.post("/api/v1/auth/token", json={"email": user.email, "password": "wrong password!"})
    response = client.post("/api/v1/auth/token", json={"email": user.email, "password": DEFAULT_PASSWORD})
    assert_problem(response, 429, "rate-limited")
    assert int(response.headers["Retry-After"]) > 0


def _family(base: type[AppError]) -> list[type[AppError]]:
    found = []
    for sub in base.__subclasses__():
        found += [sub, *_family(sub)]
    return found


def test_every_error_of_the_family_is_a_problem(session: Session) -> None:
    family = [error for error in _family(AppError) if error.__module__ == "api.errors"]
    assert {error.status for error in family} >= {401, 403, 404, 409, 413, 415, 422, 429, 503}
    app = create_app(get_settings())
    for index, error in enumerate(family):

        def fail(error: type[AppError] = error) -> None:
            if error is RateLimited:
                raise RateLimited("Trop de tentatives : réessayez plus tard.", retry_after_s=30)
            if error is ValidationFailed:
                raise invalid("champ", "Une phrase en français qui dit quoi changer.")
            raise error("Une phrase en français qui dit quoi faire.")

        app.add_api_route(f"/api/v1/fail-{index}", fail)
    with TestClient(app, raise_server_exceptions=False) as client:
        for index, error in enumerate(family):
            assert_problem(client.get(f"/api/v1/fail-{index}"), error.status, error.slug)


def test_internal_error_reveals_no_internals(session: Session) -> None:
    app = create_app(get_settings())

    def boom() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    app.add_api_route("/api/v1/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/boom")
    body = assert_problem(response, 500, "internal-error")
    assert "hunter2" not in response.text and "RuntimeError" not in response.text
    assert "Réessayez" in body["detail"]


@pytest.fixture
def unreachable_database_client() -> Iterator[TestClient]:
    # Nothing listens on port 1: the connection is refused at once.
    engine = build_engine("postgresql+psycopg://valence@127.0.0.1:1/valence?connect_timeout=2")
    app = create_app(get_settings())

    app.dependency_overrides[get_health_reader] = lambda: Reader(open_session=lambda: Session(engine))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    engine.dispose()


def test_health_is_503_when_the_database_is_unreachable(unreachable_database_client: TestClient) -> None:
    body = assert_problem(unreachable_database_client.get("/api/v1/health"), 503, "service-unavailable")
    assert "base de données" in body["detail"]


def test_one_bad_field_is_named_in_french_not_by_its_key(client: TestClient) -> None:
    missing = client.post(
        "/api/v1/auth/register", json={"email": "lea@example.fr", "password": DEFAULT_PASSWORD}
    )
    body = assert_problem(missing, 422, "validation-error")
    assert body["detail"] == "Nom affiché : ce champ est obligatoire."
    assert body["errors"] == [{"field": "display_name", "detail": "Ce champ est obligatoire."}]
    # A sentence that already says what is wrong is given as it is.
    short = client.post(
        "/api/v1/auth/register", json={"email": "lea@example.fr", "password": "court", "display_name": "Léa"}
    )
    assert assert_problem(short, 422, "validation-error")["detail"] == (
        "Le mot de passe doit contenir au moins 10 caractères."
    )
    unknown = client.get("/api/v1/search", params={"q": "pain", "category": "nulle-part"})
    detail = assert_problem(unknown, 422, "validation-error")["detail"]
    assert "(champ" not in detail and "/api/" not in detail
