"""Plain factory functions for test data."""

import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth import service as auth_service
from api.auth.models import RegisterIn, Role, RoleGrantIn, User, ValidatorService
from api.catalog.models import Item
from api.shops.models import Shop

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


VALENCE_CENTRE = (44.9334, 4.8924)


def make_shop(
    session: Session,
    *,
    owner: User | None = None,
    name: str = "Boulangerie du Pont",
    category: str = "boulangerie",
    status: str = "active",
    lat: float = VALENCE_CENTRE[0],
    lon: float = VALENCE_CENTRE[1],
    opening_hours: str | None = "Tu-Sa 07:00-13:00,15:00-19:30; Su 07:00-12:30; PH off",
    source: str = "merchant",
    osm_id: str | None = None,
) -> Shop:
    shop = Shop(
        name=name,
        category=category,
        address="12 rue Madier de Montjau, 26000 Valence",
        lat=lat,
        lon=lon,
        opening_hours=opening_hours,
        status=status,
        owner_id=owner.id if owner else None,
        source=source,
        osm_id=osm_id,
    )
    session.add(shop)
    session.commit()
    return shop


def make_item(
    session: Session,
    shop: Shop,
    *,
    name: str = "Baguette tradition",
    kind: str = "product",
    description: str | None = None,
    category: str | None = None,
    price_cents: int | None = 130,
    in_stock: bool = True,
) -> Item:
    item = Item(
        shop_id=shop.id,
        kind=kind,
        name=name,
        description=description,
        category=category,
        price_cents=price_cents,
        in_stock=in_stock,
    )
    session.add(item)
    session.commit()
    return item
