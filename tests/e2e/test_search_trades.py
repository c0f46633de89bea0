"""Search knows the trades: a person who types the trade's name sees a shop of that trade first."""

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.flows import CITY_CENTRE, result_cards, search_for

pytestmark = pytest.mark.e2e


@pytest.fixture(params=["located", "not located"])
def page(request: pytest.FixtureRequest, new_context, server: str) -> Page:
    """A person in the city centre who lets the app use their position, or one who has not."""
    position = {"permissions": ["geolocation"], "geolocation": CITY_CENTRE}
    context: BrowserContext = new_context(base_url=server, **(position if request.param == "located" else {}))
    return context.new_page()


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("cordonnier", "Cordonnerie"),  # not the pressings whose items mention « un cordonnier partenaire »
        ("fleurs", "Fleuriste"),  # not the dried-flower décor, nor the flower honey
        ("serrurier", "Serrurerie"),
    ],
)
def test_the_first_card_is_a_shop_of_the_trade(page: Page, query: str, label: str) -> None:
    page.goto("/")
    search_for(page, query)
    first = result_cards(page).first
    expect(first).to_be_visible()
    # The card's meta line: « Cordonnerie · à 250 m », or the label alone without a position.
    expect(first.locator(".result-meta")).to_have_text(re.compile(rf"^{label}( · |$)"))
