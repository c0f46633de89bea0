"""Offline keeps what it showed (issue 11, point 7): searches made and shops seen come back, dated."""

import json
import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.flows import (
    heading,
    new_person,
    offline_banner,
    register,
    result_cards,
    search_box,
    search_for,
    wait_for_results,
    wait_for_service_worker_control,
)

pytestmark = pytest.mark.e2e

# « Résultats enregistrés le 3 déc. à 9 h 40 — vous êtes hors connexion. »
SAVED_AT = r"le \d{1,2}(er)?\s\S+\sà\s\d{1,2}\sh\s\d{2} — vous êtes hors connexion\."
# Somewhere in Valence that is no shop's position, to be sure it is never written down.
SHOPPER = {"latitude": 44.93187, "longitude": 4.88163}

# Runs in the page: opens the store the app keeps its answers in (`{}` before the app has kept any).
OPEN_KEPT = """
  const openKept = () => new Promise((resolve, reject) => {
    const request = indexedDB.open('valence-offline');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const ask = (request) => new Promise((resolve) => { request.onsuccess = () => resolve(request.result); });
  async function keptEntries() {
    const db = await openKept();
    try {
      if (!db.objectStoreNames.contains('answers')) return {};
      const store = db.transaction('answers').objectStore('answers');
      const [keys, values] = await Promise.all([ask(store.getAllKeys()), ask(store.getAll())]);
      return Object.fromEntries(keys.map((key, index) => [key, values[index]]));
    } finally {
      db.close();
    }
  }
"""


def kept_entries(page: Page) -> dict[str, object]:
    entries: dict[str, object] = page.evaluate(f"async () => {{ {OPEN_KEPT} return keptEntries(); }}")
    return entries


def wait_for_kept(page: Page, condition: str, arg: object = None) -> None:
    """Waits, in the page, until `condition(entries, arg)` holds: answers are written while the screen shows
    them, and a test goes offline faster than a person would. Gives up after 10 s."""
    page.evaluate(
        f"""async (arg) => {{
          {OPEN_KEPT}
          const condition = {condition};
          const deadline = Date.now() + 10_000;
          while (!condition(await keptEntries(), arg)) {{
            if (Date.now() > deadline) throw new Error('The kept answers never matched: {condition}');
            await new Promise((resolve) => setTimeout(resolve, 50));
          }}
        }}""",
        arg,
    )


def wait_until_kept(page: Page, key_start: str) -> None:
    wait_for_kept(
        page, "(entries, start) => Object.keys(entries).some((key) => key.startsWith(start))", key_start
    )


def kept_note(page: Page):  # noqa: ANN201 (a Locator)
    return page.locator(".kept-note")


def result_names(page: Page) -> list[str]:
    return result_cards(page).locator(".result-name").all_inner_texts()


def assert_accessible(page: Page) -> None:
    violations: list[dict[str, Any]] = Axe().run(page).response["violations"]
    blocking = [
        f"{violation['id']}: {[node['target'] for node in violation['nodes']]}"
        for violation in violations
        if violation["impact"] in {"serious", "critical"}
    ]
    assert not blocking, blocking


@pytest.fixture(params=["light"])
def context(request: pytest.FixtureRequest, new_context, server: str) -> BrowserContext:
    context: BrowserContext = new_context(base_url=server, color_scheme=request.param)
    return context


both_schemes = pytest.mark.parametrize("context", ["light", "dark"], indirect=True)


def test_a_search_made_before_shows_its_results_offline_dated(context: BrowserContext) -> None:
    page = context.new_page()
    page.goto("/")
    wait_for_service_worker_control(page)
    wait_for_results(page)
    search_for(page, "pain")
    names = result_names(page)
    assert names
    wait_until_kept(page, "search:q=pain&")

    context.set_offline(True)
    # The same search again, on the same screen: its results stay, dated, instead of an error.
    search_box(page).press("Enter")
    expect(kept_note(page)).to_have_text(re.compile(rf"^Résultats enregistrés {SAVED_AT}"))
    expect(page.get_by_text("Connexion impossible")).to_have_count(0)
    assert result_names(page) == names
    expect(offline_banner(page)).to_have_text(re.compile(r"^Hors ligne"))

    # And after a reload served by the service worker, from the address alone.
    page.reload()
    expect(heading(page)).to_have_text("Rechercher")
    expect(search_box(page)).to_have_value("pain")
    expect(kept_note(page)).to_have_text(re.compile(rf"^Résultats enregistrés {SAVED_AT}"))
    wait_for_results(page)
    assert result_names(page) == names
    # The categories came back from the store too: the cards name the trade, not its slug.
    expect(result_cards(page).first.locator(".result-meta")).not_to_have_text(re.compile(r"^[a-z-]+$"))

    context.set_offline(False)
    page.get_by_role("button", name="Réessayer").click()
    wait_for_results(page)
    expect(kept_note(page)).to_have_count(0)


@both_schemes
def test_a_new_search_offline_says_it_needs_the_network_and_links_the_kept_ones(
    context: BrowserContext,
) -> None:
    page = context.new_page()
    page.goto("/")
    wait_for_service_worker_control(page)
    wait_for_results(page)
    search_for(page, "croissant")
    names = result_names(page)
    wait_until_kept(page, "search:q=croissant&")

    context.set_offline(True)
    search_box(page).fill("vélo")
    missing = page.get_by_role("region", name="Cette recherche demande une connexion")
    expect(missing).to_be_visible()
    expect(missing).to_contain_text("hors connexion")
    links = missing.get_by_role("list", name="Recherches disponibles hors connexion :").get_by_role("link")
    kept = links.filter(has_text="« croissant »")
    expect(kept).to_have_count(1)
    expect(kept).to_contain_text(re.compile(r"enregistrée le \d{1,2}(er)?\s\S+\sà\s\d{1,2}\sh\s\d{2}"))
    # Typing « croissant » letter by letter kept one search, not « c », « cr », « cro »…
    expect(links.filter(has_text=re.compile(r"« cr?o?i?s?s?a?n?t? »$"))).to_have_count(0)
    missing.screenshot(path="test-results/offline-kept-missing.png")
    assert_accessible(page)

    kept.click()
    expect(search_box(page)).to_have_value("croissant")
    expect(kept_note(page)).to_have_text(re.compile(rf"^Résultats enregistrés {SAVED_AT}"))
    assert result_names(page) == names
    page.locator(".list-area").screenshot(path="test-results/offline-kept-search.png")
    assert_accessible(page)


@both_schemes
def test_a_shop_seen_before_shows_offline_dated(context: BrowserContext) -> None:
    page = context.new_page()
    page.goto("/")
    wait_for_service_worker_control(page)
    wait_for_results(page)
    search_for(page, "croissant")
    link = result_cards(page).first.get_by_role("link")
    name = link.inner_text()
    link.click()
    expect(heading(page)).to_have_text(name)
    items = page.locator("ul.item-list > li")
    expect(items).to_have_count(12)
    item_names = items.locator(".item-name").all_inner_texts()
    page.go_back()
    wait_for_results(page)
    wait_until_kept(page, "items:")

    context.set_offline(True)
    result_cards(page).get_by_role("link", name=name, exact=True).click()
    expect(heading(page)).to_have_text(name)
    expect(kept_note(page)).to_have_text(re.compile(rf"^Fiche enregistrée {SAVED_AT}"))
    expect(page.get_by_role("region", name="En bref")).to_contain_text("Boulangerie")
    expect(items).to_have_count(12)
    assert items.locator(".item-name").all_inner_texts() == item_names
    expect(page.get_by_text("Connexion impossible")).to_have_count(0)
    page.screenshot(path="test-results/offline-kept-shop.png")
    assert_accessible(page)

    # A shop never opened says so, and lists the ones that can be shown.
    page.goto("/boutique/00000000-0000-4000-8000-000000000000")
    missing = page.get_by_role("region", name="Cette fiche demande une connexion")
    expect(missing).to_be_visible()
    expect(missing.get_by_role("link", name=re.compile(re.escape(name)))).to_have_count(1)
    assert_accessible(page)


def test_nothing_personal_is_kept_and_sign_out_clears_it(new_context, server: str) -> None:
    context: BrowserContext = new_context(base_url=server, geolocation=SHOPPER, permissions=["geolocation"])
    page = context.new_page()
    page.goto("/")
    wait_for_results(page)
    page.get_by_role("button", name="Utiliser ma position").click()
    expect(page.get_by_role("heading", name="Autour de vous")).to_be_visible()
    search_for(page, "pain")
    wait_until_kept(page, "search:q=pain&")
    text = json.dumps(kept_entries(page))
    # Neither the position nor the rounded one the search was sent with (shops' own positions are fine).
    for coordinate in ("44.93187", "4.88163", "44.9319", "4.8816"):
        assert not re.search(rf"(?<![\d.]){re.escape(coordinate)}(?!\d)", text), coordinate
    assert "lat=" not in text
    assert "lon=" not in text
    assert '"distance_m": null' in text
    assert not re.search(r'"distance_m": \d', text)

    register(page, new_person())
    page.goto("/")
    search_for(page, "fromage")
    wait_until_kept(page, "search:q=fromage&")
    page.goto("/compte")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("tab", name="Se connecter")).to_be_visible()
    wait_for_kept(page, "(entries) => Object.keys(entries).length === 0")
