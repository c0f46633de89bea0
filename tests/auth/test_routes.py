"""Accounts as a shopper, a merchant and an admin see them (contract §3)."""

import time
from datetime import UTC, datetime, timedelta

import jwt
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.auth.models import LoginAttempt, Role
from api.config import get_settings
from tests.factories import DEFAULT_PASSWORD, bearer, make_user, sign_in


def test_register_then_sign_in_and_see_my_profile(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/register",
        json={"email": "Lea.Durand@Example.fr", "password": "un mot de passe sûr", "display_name": "Léa"},
    )
    assert response.status_code == 201
    created = response.json()
    assert created["roles"] == ["shopper"]
    assert created["display_name"] == "Léa"
    assert "password" not in response.text and "password_hash" not in created

    tokens = sign_in(client, "lea.durand@example.fr", "un mot de passe sûr")
    assert tokens["token_type"] == "bearer"
    assert 0 < int(tokens["expires_in"]) <= 15 * 60
    me = client.get("/api/v1/me", headers=bearer(tokens)).json()
    assert me["id"] == created["id"]
    assert me["roles"] == ["shopper"]
    assert me["service"] is None
    assert datetime.fromisoformat(me["created_at"]).utcoffset() is not None


def test_email_taken_whatever_its_case(client: TestClient, session: Session) -> None:
    make_user(session, email="paul@example.fr")
    response = client.post(
        "/api/v1/auth/register",
        json={"email": "PAUL@example.FR", "password": DEFAULT_PASSWORD, "display_name": "Paul"},
    )
    assert response.status_code == 409
    assert "connectez-vous" in response.json()["detail"]


def test_short_password_and_unknown_fields_are_refused(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/register",
        json={"email": "a@example.fr", "password": "123456789", "display_name": "A", "is_admin": True},
    )
    assert response.status_code == 422
    errors = {e["field"]: e["detail"] for e in response.json()["errors"]}
    assert "10 caractères" in errors["password"]
    assert "is_admin" in errors


def test_wrong_credentials_are_one_answer(client: TestClient, session: Session) -> None:
    user = make_user(session)
    wrong_password = client.post(
        "/api/v1/auth/token", json={"email": user.email, "password": "nope nope nope"}
    )
    unknown_user = client.post("/api/v1/auth/token", json={"email": "ghost@example.fr", "password": "nope"})
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.json()["detail"] == unknown_user.json()["detail"]


def test_ten_failures_lock_the_account_even_for_the_right_password(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    other = make_user(session)
    for attempt in range(10):
        response = client.post(
            "/api/v1/auth/token", json={"email": user.email, "password": f"wrong-{attempt}"}
        )
        assert response.status_code == 401
    locked = client.post(
        "/api/v1/auth/token", json={"email": user.email.upper(), "password": DEFAULT_PASSWORD}
    )
    assert locked.status_code == 429
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    assert "réessayez dans 15 minutes" in locked.json()["detail"]
    # Another account from the same address is not locked by them.
    assert (
        client.post(
            "/api/v1/auth/token", json={"email": other.email, "password": DEFAULT_PASSWORD}
        ).status_code
        == 200
    )


def test_the_lock_lifts_when_the_window_has_passed(client: TestClient, session: Session) -> None:
    user = make_user(session)
    for attempt in range(10):
        client.post("/api/v1/auth/token", json={"email": user.email, "password": f"wrong-{attempt}"})
    attempts = session.exec(select(LoginAttempt).where(LoginAttempt.email == user.email)).all()
    # Age the failures: the oldest nine leave the window, the last one is 14 minutes old.
    for index, attempt in enumerate(attempts):
        attempt.attempted_at = datetime.now(UTC) - timedelta(minutes=14 if index == 9 else 20)
        session.add(attempt)
    session.commit()
    response = client.post("/api/v1/auth/token", json={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200


def test_fifty_failures_from_one_address_block_it(client: TestClient) -> None:
    for attempt in range(50):
        response = client.post(
            "/api/v1/auth/token", json={"email": f"guess-{attempt}@example.fr", "password": "guess guess"}
        )
        assert response.status_code == 401
    response = client.post(
        "/api/v1/auth/token", json={"email": "someone@example.fr", "password": "guess guess"}
    )
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0


def test_refresh_rotates_and_reuse_revokes_the_whole_login(client: TestClient, session: Session) -> None:
    user = make_user(session)
    first = sign_in(client, user.email)
    second = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    pair = second.json()
    assert pair["refresh_token"] != first["refresh_token"]
    assert client.get("/api/v1/me", headers=bearer(pair)).status_code == 200

    reused = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401
    # The thief's reuse also shuts out the newest token of that login.
    assert (
        client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
    )
    # Another login of the same user is untouched.
    other_login = sign_in(client, user.email)
    assert (
        client.post("/api/v1/auth/refresh", json={"refresh_token": other_login["refresh_token"]}).status_code
        == 200
    )


def test_logout_revokes_the_refresh_tokens_of_that_login(client: TestClient, session: Session) -> None:
    user = make_user(session)
    tokens = sign_in(client, user.email)
    assert client.post("/api/v1/auth/logout", headers=bearer(tokens)).status_code == 204
    refused = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refused.status_code == 401
    assert "Reconnectez-vous" in refused.json()["detail"]
    assert client.post("/api/v1/auth/logout").status_code == 401


def test_refresh_token_idle_lifetime(client: TestClient, session: Session) -> None:
    user = make_user(session)
    tokens = sign_in(client, user.email)
    assert int(tokens["refresh_expires_in"]) == get_settings().refresh_token_idle_seconds
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": "made-up"}).status_code == 401


def _forge(claims: dict, key: str, algorithm: str = "HS256") -> str:  # type: ignore[type-arg]
    return jwt.encode(claims, key, algorithm=algorithm)


def test_access_tokens_are_checked_strictly(client: TestClient, session: Session) -> None:
    user = make_user(session)
    settings = get_settings()
    good = jwt.decode(
        sign_in(client, user.email)["access_token"],
        settings.secret_key,
        algorithms=["HS256"],
        audience=settings.jwt_audience,
    )
    now = int(time.time())
    forged = {
        "expired": _forge({**good, "exp": now - 1}, settings.secret_key),
        "wrong key": _forge(good, "another-secret-key-of-sufficient-length"),
        "wrong audience": _forge({**good, "aud": "someone-else"}, settings.secret_key),
        "wrong issuer": _forge({**good, "iss": "someone-else"}, settings.secret_key),
        "other algorithm": _forge(good, settings.secret_key, "HS512"),
        "not an access token": _forge({**good, "typ": "refresh"}, settings.secret_key),
        "no session": _forge({k: v for k, v in good.items() if k != "sid"}, settings.secret_key),
        "unsigned": jwt.encode(good, None, algorithm="none"),
    }
    for case, token in forged.items():
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, case


def test_admin_grants_roles_that_apply_at_next_refresh(client: TestClient, session: Session) -> None:
    admin = make_user(session, roles=[Role.admin])
    user = make_user(session)
    admin_headers = bearer(sign_in(client, admin.email))
    tokens = sign_in(client, user.email)

    granted = client.post(
        f"/api/v1/admin/users/{user.id}/roles", json={"role": "merchant"}, headers=admin_headers
    )
    assert granted.status_code == 200
    assert granted.json()["roles"] == ["shopper", "merchant"]
    assert client.get("/api/v1/me", headers=bearer(tokens)).json()["roles"] == ["shopper"]

    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).json()
    assert client.get("/api/v1/me", headers=bearer(refreshed)).json()["roles"] == ["shopper", "merchant"]


def test_a_validator_has_one_service_replaced_by_the_next(client: TestClient, session: Session) -> None:
    admin = make_user(session, roles=[Role.admin])
    user = make_user(session)
    headers = bearer(sign_in(client, admin.email))
    url = f"/api/v1/admin/users/{user.id}/roles"

    missing = client.post(url, json={"role": "validator"}, headers=headers)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "service"
    assert client.post(url, json={"role": "validator", "service": "bus"}, headers=headers).status_code == 422
    assert client.post(url, json={"role": "validator", "service": "library"}, headers=headers).json()[
        "service"
    ] == ("library")
    replaced = client.post(url, json={"role": "validator", "service": "sport"}, headers=headers).json()
    assert replaced["service"] == "sport"
    assert replaced["roles"] == ["shopper", "validator"]
    me = client.get("/api/v1/me", headers=bearer(sign_in(client, user.email))).json()
    assert (me["roles"], me["service"]) == (["shopper", "validator"], "sport")

    removed = client.delete(f"{url}/validator", headers=headers)
    assert removed.status_code == 200
    assert removed.json()["roles"] == ["shopper"] and removed.json()["service"] is None


def test_roles_are_for_admins_only_and_the_last_admin_stays(client: TestClient, session: Session) -> None:
    admin = make_user(session, roles=[Role.admin])
    merchant = make_user(session, roles=[Role.merchant])
    merchant_headers = bearer(sign_in(client, merchant.email))
    response = client.post(
        f"/api/v1/admin/users/{merchant.id}/roles", json={"role": "admin"}, headers=merchant_headers
    )
    assert response.status_code == 403

    admin_headers = bearer(sign_in(client, admin.email))
    assert (
        client.delete(f"/api/v1/admin/users/{admin.id}/roles/shopper", headers=admin_headers).status_code
        == 422
    )
    last = client.delete(f"/api/v1/admin/users/{admin.id}/roles/admin", headers=admin_headers)
    assert last.status_code == 409
    assert "dernier administrateur" in last.json()["detail"]
