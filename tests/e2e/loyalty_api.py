"""Loyalty set-ups the browser tests make through the API: a merchant with an approved shop, earns at its
counter, rewards. Each test makes its own shop: the shared server's other tests never change its figures."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import APIRequestContext

from tests.e2e.flows import DEMO_ADMIN, Person, new_person

API = "/api/v1"
PARIS = ZoneInfo("Europe/Paris")


def paris_month() -> str:
    return datetime.now(PARIS).strftime("%Y-%m")


def token_headers(api: APIRequestContext, person: Person) -> dict[str, str]:
    response = api.post(f"{API}/auth/token", data={"email": person.email, "password": person.password})
    assert response.ok, response.text()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def account(api: APIRequestContext, person: Person) -> dict[str, str]:
    """Registers `person` and returns their Authorization header."""
    registered = api.post(
        f"{API}/auth/register",
        data={"email": person.email, "password": person.password, "display_name": person.display_name},
    )
    assert registered.ok, registered.text()
    return token_headers(api, person)


@dataclass
class Counter:
    """A merchant's approved shop, and what the counter does with it."""

    api: APIRequestContext
    merchant: Person
    headers: dict[str, str]
    shop_id: str
    shop_name: str

    def earn(self, shopper: dict[str, str], amount_cents: int) -> dict[str, object]:
        code = self.api.post(f"{API}/loyalty/me/member-code", headers=shopper)
        assert code.status == 201, code.text()
        earned = self.api.post(
            f"{API}/loyalty/earn",
            data={
                "shop_id": self.shop_id,
                "member_code": code.json()["member_code"],
                "amount_cents": amount_cents,
            },
            headers={**self.headers, "Idempotency-Key": uuid.uuid4().hex},
        )
        assert earned.status == 201, earned.text()
        body: dict[str, object] = earned.json()
        return body

    def reward(self, title: str, cost_points: int, stock: int | None = None) -> dict[str, object]:
        data: dict[str, object] = {"title": title, "cost_points": cost_points}
        if stock is not None:
            data["stock"] = stock
        created = self.api.post(f"{API}/shops/{self.shop_id}/rewards", data=data, headers=self.headers)
        assert created.status == 201, created.text()
        body: dict[str, object] = created.json()
        return body

    def settings(self, **changes: object) -> dict[str, object]:
        """What the city sets for this shop (rate, cap, taking part), through the admin route."""
        admin = token_headers(self.api, DEMO_ADMIN)
        path = f"{API}/admin/shops/{self.shop_id}/loyalty"
        response = (
            self.api.patch(path, data=changes, headers=admin)
            if changes
            else self.api.get(path, headers=admin)
        )
        assert response.ok, response.text()
        body: dict[str, object] = response.json()
        return body


def open_counter(api: APIRequestContext, trade: str = "Fromagerie") -> Counter:
    """A new merchant registers a shop, the city approves it; the merchant signs in again as a merchant."""
    suffix = uuid.uuid4().hex[:6]
    merchant = new_person(f"Marc Bayle {suffix}")
    owner = account(api, merchant)
    name = f"{trade} Bayle {suffix}"
    shop = {
        "name": name,
        "category": "fromagerie",
        "address": "5 rue Pêcherie, 26000 Valence",
        "lat": 44.9329,
        "lon": 4.8931,
    }
    created = api.post(f"{API}/shops", data=shop, headers=owner)
    assert created.status == 201, created.text()
    shop_id = created.json()["id"]
    approved = api.post(f"{API}/admin/shops/{shop_id}/approve", headers=token_headers(api, DEMO_ADMIN))
    assert approved.ok, approved.text()
    return Counter(
        api=api, merchant=merchant, headers=token_headers(api, merchant), shop_id=shop_id, shop_name=name
    )
