"""Where the shop is: found from its address (a local fake of the national address base), adjusted on the map,
moved later; a map whose tiles cannot load says so and the list still works."""

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.e2e.conftest import valence_server
from tests.e2e.flows import (
    Person,
    heading,
    new_person,
    open_merchant_space,
    register,
    result_cards,
    wait_for_results,
    watch_for_csp_violations,
)
from tests.fake_ban import FakeBan, fake_ban
from tests.servers import CLOSED_ORIGIN

pytestmark = pytest.mark.e2e

GRANDE_RUE = "12 Grande Rue 26000 Valence"
VICTOR_HUGO = "40 Avenue Victor Hugo 26000 Valence"
PIN_CENTRED = """() => {
  const map = document.querySelector('.picker-map');
  const pin = map && map.querySelector('.map-pin');
  if (!pin) return false;
  const area = map.getBoundingClientRect();
  const tip = pin.getBoundingClientRect();
  return Math.abs(tip.left + tip.width / 2 - (area.left + area.width / 2)) < 3
    && Math.abs(tip.bottom - (area.top + area.height / 2)) < 3;
}"""


@pytest.fixture(scope="module")
def ban() -> Iterator[FakeBan]:
    with fake_ban() as server:
        yield server


@pytest.fixture(scope="module")
def geo_server(server_workdir: Path, ban: FakeBan) -> Iterator[str]:
    """The e2e data, with the geocoder at the local fake (tiles still at a closed port)."""
    with valence_server(server_workdir, VALENCE_GEOCODER_URL=ban.url) as base_url:
        yield base_url


def _shop_from_api(base_url: str, person: Person, shop_id: str) -> dict[str, Any]:
    tokens = httpx.post(
        f"{base_url}/api/v1/auth/token", json={"email": person.email, "password": person.password}
    ).json()
    response = httpx.get(
        f"{base_url}/api/v1/shops/{shop_id}",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert response.status_code == 200, response.text
    shop: dict[str, Any] = response.json()
    return shop


def _picker(page: Page) -> Locator:
    return page.get_by_role("region", name="Carte : touchez l’emplacement du commerce")


def _coordinates(page: Page) -> tuple[float, float]:
    lat = page.get_by_label("Latitude").input_value()
    lon = page.get_by_label("Longitude").input_value()
    return float(lat), float(lon)


def _no_serious_axe_violation(page: Page) -> None:
    violations = Axe().run(page).response["violations"]
    blocking = [v["id"] for v in violations if v["impact"] in {"serious", "critical"}]
    assert blocking == [], blocking


def _register_shop_by_address(page: Page, *, audit: bool = False) -> str:
    """A new merchant types the address, picks it in the list, and registers; returns the shop's id."""
    open_merchant_space(page)
    page.get_by_role("link", name="Inscrire un commerce").click()
    expect(heading(page)).to_have_text("Inscrire un commerce")
    page.get_by_label("Nom du commerce").fill(f"Mercerie Tissandier {uuid.uuid4().hex[:6]}")
    page.get_by_label("Catégorie").select_option(label="Épicerie")
    # Typed as a person does, then the list of addresses found, only those of the agglomeration.
    page.get_by_label("Adresse", exact=True).press_sequentially("12 grande rue")
    suggestions = page.get_by_role("list", name="Emplacements trouvés")
    expect(suggestions.get_by_role("button")).to_have_count(1)
    expect(suggestions).not_to_contain_text("Lyon")
    expect(page.get_by_text("1 adresse trouvée : choisissez la vôtre")).to_be_visible()
    if audit:
        _no_serious_axe_violation(page)
    suggestions.get_by_role("button", name=GRANDE_RUE).click()

    # The address is the one chosen, the pin lands there and the coordinates follow.
    expect(page.get_by_label("Adresse", exact=True)).to_have_value(GRANDE_RUE)
    expect(page.get_by_label("Latitude")).to_have_value("44.93321")
    expect(page.get_by_label("Longitude")).to_have_value("4.89152")
    expect(_picker(page).locator(".map-pin")).to_have_count(1)
    expect(page.get_by_text("Repère placé à cette adresse.")).to_be_visible()
    # The map centres on the pin (the tip of the pin, at the bottom middle of its icon), once it has moved.
    page.wait_for_function(PIN_CENTRED)

    page.get_by_role("button", name="Inscrire mon commerce").click()
    expect(page.get_by_text("Votre commerce est inscrit.")).to_be_visible()
    match = re.search(r"/commerce/([^/?]+)", page.url)
    assert match, page.url
    return match.group(1)


def test_a_new_merchant_finds_the_shop_from_its_address(new_context, geo_server: str, ban: FakeBan) -> None:
    context: BrowserContext = new_context(base_url=geo_server)
    page = context.new_page()
    problems = watch_for_csp_violations(page)
    person = new_person("Lucie Tissandier")
    register(page, person)
    shop_id = _register_shop_by_address(page, audit=True)

    shop = _shop_from_api(geo_server, person, shop_id)
    assert (shop["lat"], shop["lon"]) == (44.93321, 4.89152)
    assert shop["address"] == GRANDE_RUE
    assert "12 grande rue" in ban.queries()
    assert problems == []


def test_the_merchant_moves_the_shop_later(new_context, geo_server: str) -> None:
    context: BrowserContext = new_context(base_url=geo_server)
    page = context.new_page()
    person = new_person("Marc Tissandier")
    register(page, person)
    shop_id = _register_shop_by_address(page)

    # Later, on the shop's page: a new address, chosen in the list with the keyboard alone.
    details = page.get_by_role("region", name="Informations")
    address = details.get_by_label("Adresse", exact=True)
    expect(address).to_have_value(GRANDE_RUE)
    expect(_picker(page).locator(".map-pin")).to_have_count(1)
    address.fill("40 avenue victor hugo")
    details.get_by_role("button", name="Chercher l’adresse").focus()
    page.keyboard.press("Enter")
    choice = details.get_by_role("list", name="Emplacements trouvés").get_by_role("button", name=VICTOR_HUGO)
    expect(choice).to_be_visible()
    choice.focus()
    page.keyboard.press("Enter")
    expect(address).to_have_value(VICTOR_HUGO)
    expect(details.get_by_label("Latitude")).to_have_value("44.9264")
    expect(details.get_by_label("Longitude")).to_have_value("4.8937")

    # Then the pin is dragged a little to the shop's door.
    pin = _picker(page).locator(".map-pin")
    # Once the map has moved to the address chosen, not while it flies there.
    page.wait_for_function(PIN_CENTRED)
    pin.scroll_into_view_if_needed()
    box = pin.bounding_box()
    assert box
    start = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + 20, start[1] + 10, steps=5)
    page.mouse.move(start[0] + 40, start[1] + 20, steps=5)
    page.mouse.up()
    expect(details.get_by_label("Latitude")).not_to_have_value("44.9264")
    dragged = _coordinates(page)
    assert dragged[0] < 44.9264 and dragged[1] > 4.8937, dragged
    assert abs(dragged[0] - 44.9264) < 0.001 and abs(dragged[1] - 4.8937) < 0.001, dragged

    # And once more by a tap beside it.
    _picker(page).click(position={"x": 60, "y": 60})
    tapped = _coordinates(page)
    assert tapped != dragged

    details.get_by_role("button", name="Enregistrer les informations").click()
    expect(details.get_by_role("status")).to_have_text("Informations enregistrées.")
    shop = _shop_from_api(geo_server, person, shop_id)
    assert (shop["lat"], shop["lon"]) == tapped
    assert shop["address"] == VICTOR_HUGO

    # The page opened afresh shows the new position.
    page.reload()
    expect(page.get_by_label("Latitude")).to_have_value(str(tapped[0]))
    expect(_picker(page).locator(".map-pin")).to_have_count(1)


def test_an_unreachable_geocoder_says_so_and_the_pin_can_be_placed_by_hand(new_context, server: str) -> None:
    # The default e2e server's geocoder is at a closed port.
    context: BrowserContext = new_context(base_url=server)
    page = context.new_page()
    register(page, new_person("Inès Roux"))
    page.goto("/commerce/nouveau")
    page.get_by_label("Adresse", exact=True).fill("12 grande rue")
    page.get_by_role("button", name="Chercher l’adresse").click()
    expect(page.get_by_text("Le service national des adresses ne répond pas pour le moment")).to_be_visible()
    expect(page.get_by_role("list", name="Emplacements trouvés")).to_be_hidden()
    _picker(page).click(position={"x": 150, "y": 150})
    expect(page.get_by_label("Latitude")).to_have_value(re.compile(r"^44\.9\d+$"))


def test_unreachable_tiles_say_so_and_the_list_still_works(new_context, server: str) -> None:
    context: BrowserContext = new_context(base_url=server)
    page = context.new_page()
    tile_requests: list[str] = []
    page.on("request", lambda r: tile_requests.append(r.url) if r.url.startswith(CLOSED_ORIGIN) else None)
    page.goto("/?q=croissant")
    wait_for_results(page)
    page.get_by_role("button", name="Carte").click()
    results_map = page.get_by_role("region", name="Carte des résultats")
    # The map asks the configured tile server, which cannot be reached: it says so at once.
    expect(results_map.get_by_text("Fond de carte indisponible")).to_be_visible()
    assert any(url.endswith(".png") for url in tile_requests)
    # The credit OpenStreetMap asks for, linked to its copyright page.
    credit = results_map.get_by_role("link", name="© les contributeurs d’OpenStreetMap")
    expect(credit).to_have_attribute("href", "https://www.openstreetmap.org/copyright")
    expect(results_map.locator(".map-pin").first).to_be_visible()
    page.get_by_role("button", name="Liste").click()
    expect(result_cards(page).first).to_be_visible()
    expect(result_cards(page).first.get_by_role("link")).to_be_visible()
