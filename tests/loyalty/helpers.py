"""A counter to test with: a merchant, their active shop, and shoppers with member codes."""

import uuid
from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.models import Role, User
from api.shops.models import Shop
from tests.factories import bearer, make_shop, make_user, sign_in

API = "/api/v1"


@dataclass
class Counter:
    client: TestClient
    merchant: User
    merchant_headers: dict[str, str]
    shop: Shop

    def member_code(self, headers: dict[str, str]) -> str:
        response = self.client.post(f"{API}/loyalty/me/member-code", headers=headers)
        assert response.status_code == 201, response.text
        code: str = response.json()["member_code"]
        return code

    def earn(
        self, headers: dict[str, str], amount_cents: int, *, key: str | None = None, code: str | None = None
    ) -> dict[str, object]:
        response = self.client.post(
            f"{API}/loyalty/earn",
            json={
                "shop_id": str(self.shop.id),
                "member_code": code or self.member_code(headers),
                "amount_cents": amount_cents,
            },
            headers={**self.merchant_headers, "Idempotency-Key": key or uuid.uuid4().hex},
        )
        assert response.status_code == 201, response.text
        body: dict[str, object] = response.json()
        return body

    def reward(self, title: str = "Un café offert", cost_points: int = 10, stock: int | None = None) -> str:
        body: dict[str, object] = {"title": title, "cost_points": cost_points}
        if stock is not None:
            body["stock"] = stock
        response = self.client.post(
            f"{API}/shops/{self.shop.id}/rewards", json=body, headers=self.merchant_headers
        )
        assert response.status_code == 201, response.text
        reward_id: str = response.json()["id"]
        return reward_id

    def redeem(self, headers: dict[str, str], reward_id: str, *, key: str | None = None) -> object:
        return self.client.post(
            f"{API}/loyalty/redeem",
            json={
                "shop_id": str(self.shop.id),
                "member_code": self.member_code(headers),
                "reward_id": reward_id,
            },
            headers={**self.merchant_headers, "Idempotency-Key": key or uuid.uuid4().hex},
        )

    def balance(self, headers: dict[str, str]) -> int:
        response = self.client.get(f"{API}/loyalty/me", headers=headers)
        assert response.status_code == 200, response.text
        balance: int = response.json()["balance"]
        return balance


def open_counter(client: TestClient, session: Session, *, name: str = "Fromagerie Bayle") -> Counter:
    merchant = make_user(session, display_name="Marc Bayle", roles=[Role.merchant])
    shop = make_shop(session, owner=merchant, name=name, category="fromagerie")
    return Counter(
        client=client, merchant=merchant, merchant_headers=bearer(sign_in(client, merchant.email)), shop=shop
    )


def shopper(client: TestClient, session: Session, name: str = "Inès Roche") -> dict[str, str]:
    user = make_user(session, display_name=name)
    return bearer(sign_in(client, user.email))
