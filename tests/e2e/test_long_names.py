"""A name with no place to break (a pasted reference, a long compound) never widens a page on a Pixel 5."""

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from api.auth.demo import DEMO_ACCOUNTS
from tests.e2e.flows import DEMO_MERCHANT, heading, result_cards, search_for, sign_in_as

pytestmark = pytest.mark.e2e

LONG_WORD = "Réparationdevélosetdetrottinettesélectriquesdelaplacedeslices"
ITEM_WORD = "Chambreàairrenforcéeantiéclatementpourvélodevilleetvtt"


def _token(base_url: str, email: str, password: str) -> str:
    response = httpx.post(f"{base_url}/api/v1/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _long_named_shop(base_url: str) -> str:
    """An active shop of the demo merchant whose name, address, text and item have unbroken words."""
    accounts = {role.value: (email, password) for role, email, password, _ in DEMO_ACCOUNTS}
    merchant = {"Authorization": f"Bearer {_token(base_url, *accounts['merchant'])}"}
    admin = {"Authorization": f"Bearer {_token(base_url, *accounts['admin'])}"}
    shop = httpx.post(
        f"{base_url}/api/v1/shops",
        json={
            "name": f"Atelier {LONG_WORD}",
            "category": "reparation-velos",
            "address": f"12 rue {LONG_WORD}, 26000 Valence",
            "lat": 44.9334,
            "lon": 4.8924,
            "description": f"Spécialiste {LONG_WORD} {LONG_WORD}",
        },
        headers=merchant,
    )
    assert shop.status_code == 201, shop.text
    shop_id = str(shop.json()["id"])
    item = httpx.post(
        f"{base_url}/api/v1/shops/{shop_id}/items",
        json={"kind": "product", "name": ITEM_WORD, "category": LONG_WORD, "description": ITEM_WORD * 2},
        headers=merchant,
    )
    assert item.status_code == 201, item.text
    approved = httpx.post(f"{base_url}/api/v1/admin/shops/{shop_id}/approve", headers=admin)
    assert approved.status_code == 200, approved.text
    return shop_id


@pytest.fixture
def page_on(new_context: Callable[..., BrowserContext], server: str) -> Page:
    context: BrowserContext = new_context(base_url=server)
    return context.new_page()


def assert_within_screen(page: Page, where: str) -> None:
    width = page.viewport_size["width"]  # type: ignore[index]
    wider: list[Any] = page.evaluate(
        """(width) => [...document.querySelectorAll('body *')]
              .filter((el) => el.getBoundingClientRect().right > width + 1)
              // In a box that scrolls or clips sideways (section chips, a map), past the edge is by design.
              .filter((el) => {
                for (let up = el.parentElement; up; up = up.parentElement) {
                  if (getComputedStyle(up).overflowX !== 'visible') return false;
                }
                return true;
              })
              .map((el) => `${el.className} « ${el.textContent.slice(0, 30)} »`)""",
        width,
    )
    assert wider == [], f"{where}: wider than the {width} px screen: {wider[-5:]}"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, where


def test_long_unbroken_names_stay_inside_the_screen(page_on: Page, server: str) -> None:
    page = page_on
    shop_id = _long_named_shop(server)
    page.goto("/")
    search_for(page, ITEM_WORD)
    expect(result_cards(page).first).to_contain_text("Atelier")
    assert_within_screen(page, "search results")

    page.goto(f"/boutique/{shop_id}")
    expect(heading(page)).to_contain_text("Atelier")
    expect(page.get_by_text(ITEM_WORD, exact=True).first).to_be_visible()
    assert_within_screen(page, "shop page")

    sign_in_as(page, DEMO_MERCHANT)
    page.goto("/commerce")
    expect(page.get_by_text(f"Atelier {LONG_WORD}").first).to_be_visible()
    assert_within_screen(page, "merchant's shops")
    page.goto(f"/commerce/{shop_id}")
    expect(heading(page)).to_contain_text("Atelier")
    expect(page.get_by_text(ITEM_WORD).first).to_be_visible()
    assert_within_screen(page, "merchant's shop")
