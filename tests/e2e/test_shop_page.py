"""Fiche boutique: status and hours, the week with today first, items page by page, calls and directions."""

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.flows import OSM_SHOP, heading, result_cards, search_for, wait_for_results

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(new_context, server: str) -> Page:
    context: BrowserContext = new_context(base_url=server)
    return context.new_page()


def test_shop_page_of_a_demo_shop(page: Page) -> None:
    page.goto("/")
    wait_for_results(page)
    search_for(page, "croissant")
    card = result_cards(page).first
    name = card.get_by_role("link").inner_text()
    card.get_by_role("link").click()

    expect(heading(page)).to_have_text(name)
    expect(page).to_have_title(f"{name} · Cœur de Valence")
    summary = page.get_by_role("region", name="En bref")
    expect(summary).to_contain_text("Boulangerie-pâtisserie")
    expect(summary.locator(".status-badge")).to_have_text(
        re.compile(r"^(Ouvert · ferme|Fermé · ouvre) (demain |\w+ |le .+ )?à\s\d{1,2}\sh(\s\d{2})?$")
    )
    expect(summary).to_contain_text("Commerce fictif (démonstration)")

    call = page.get_by_role("link", name=re.compile(r"^Appeler"))
    expect(call).to_have_attribute("href", re.compile(r"^tel:\+?\d{10,}$"))
    directions = page.get_by_role("link", name=re.compile(r"^Itinéraire"))
    expect(directions).to_have_attribute(
        "href",
        re.compile(
            r"^https://www\.openstreetmap\.org/directions\?engine=fossgis_osrm_foot&to=44\.9\d+%2C4\.8\d+"
        ),
    )
    expect(directions).to_have_attribute("target", "_blank")

    rows = page.locator("table.hours-table tr")
    expect(rows).to_have_count(7)
    expect(rows.first).to_have_attribute("aria-current", "date")
    expect(rows.first.locator("th")).to_have_text(re.compile(r"^Aujourd’hui \(\w+ \d{1,2}(er)?\s\S+\)$"))
    expect(rows.nth(1)).not_to_have_attribute("aria-current", "date")
    expect(rows.first.locator("td")).to_have_text(
        re.compile(r"^(\d{1,2}\sh(\s\d{2})? – \d{1,2}\sh(\s\d{2})?(, )?)+$|^Fermé$")
    )

    items = page.locator("ul.item-list > li")
    expect(items).to_have_count(12)
    expect(items.first.locator(".price")).to_have_text(re.compile(r"^(\d+,\d{2}\s€|Prix non indiqué)$"))
    expect(items.first.locator(".stock-in, .stock-out")).to_have_text(re.compile(r"^En (stock|rupture)$"))
    page.get_by_role("button", name="Voir plus d’articles").click()
    expect(items.nth(12)).to_be_focused()
    assert items.count() > 12

    # A fictitious shop cannot be claimed.
    expect(page.get_by_role("region", name="Vous tenez ce commerce ?")).to_have_count(0)


def test_stock_is_said_of_products_only(page: Page) -> None:
    page.goto("/")
    wait_for_results(page)
    search_for(page, "ressemelage")
    result_cards(page).first.get_by_role("link").click()
    services = page.locator("ul.item-list > li[data-kind=service]")
    expect(services.first).to_be_visible()
    # A shoe repair shop's services say nothing of stock; its products (polish, laces) still do.
    expect(services.first.locator(".item-side")).not_to_contain_text("En stock")
    expect(page.locator("ul.item-list > li[data-kind=service] .stock-in")).to_have_count(0)
    products = page.locator("ul.item-list > li[data-kind=product]")
    expect(products.first.locator(".stock-in, .stock-out")).to_have_text(re.compile(r"^En (stock|rupture)$"))


def test_shop_imported_from_openstreetmap(page: Page) -> None:
    page.goto("/")
    wait_for_results(page)
    search_for(page, OSM_SHOP)
    result_cards(page).get_by_role("link", name=OSM_SHOP).click()
    expect(heading(page)).to_have_text(OSM_SHOP)
    expect(page.get_by_role("link", name="© les contributeurs d’OpenStreetMap")).to_be_visible()
    summary = page.get_by_role("region", name="En bref")
    expect(summary.locator(".status-badge")).to_have_text("Horaires non renseignés")
    expect(page.get_by_role("region", name="Horaires")).to_contain_text("Horaires non renseignés")
    expect(page.get_by_role("link", name=re.compile(r"^Appeler"))).to_have_count(0)
    expect(page.get_by_text("Ce commerce n’a pas encore publié de produits ni de services.")).to_be_visible()
    # Imported shops wait for their merchant: signed out, the page says how to claim it.
    claim = page.get_by_role("region", name="Vous tenez ce commerce ?")
    expect(claim.get_by_role("link", name="Se connecter")).to_be_visible()


def test_unknown_shop(page: Page) -> None:
    page.goto("/boutique/00000000-0000-4000-8000-000000000000")
    expect(heading(page)).to_have_text("Commerce introuvable")
    page.get_by_role("link", name="Revenir à la recherche").click()
    expect(heading(page)).to_have_text("Rechercher")


def test_a_malformed_shop_address_is_a_missing_shop_not_an_error_to_retry(page: Page) -> None:
    page.goto("/boutique/pas-un-identifiant")
    expect(heading(page)).to_have_text("Commerce introuvable")
    expect(
        page.get_by_role("heading", name="Cette boutique n’existe pas (ou plus) dans l’application")
    ).to_be_visible()
    expect(page.get_by_text("Identifiant invalide")).to_have_count(0)
    expect(page.get_by_role("button", name="Réessayer")).to_have_count(0)
