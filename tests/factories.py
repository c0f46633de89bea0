"""Plain factory functions for test data."""

import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth import service as auth_service
from api.auth.models import RegisterIn, Role, RoleGrantIn, User, ValidatorService

DEFAULT_PASSWORD = "correct horse battery"


def make_user(
    session: Session,
    *,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    display_name: str = "Camille Martin",
    roles: list[Role] | None = None,
    service: ValidatorService | None = None,
) -> User:
    user = auth_service.register(
        session=session,
        data=RegisterIn(
            email=email or f"user-{uuid.uuid4().hex[:10]}@example.fr",
            password=password,
            display_name=display_name,
        ),
    )
    for role in roles or []:
        auth_service.grant_role(
            session=session,
            user_id=user.id,
            grant=RoleGrantIn(role=role, service=service if role == Role.validator else None),
            granted_by=user.id,
        )
    session.commit()
    return user


def sign_in(client: TestClient, email: str, password: str = DEFAULT_PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    tokens: dict[str, str] = response.json()
    return tokens


def bearer(tokens: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}
