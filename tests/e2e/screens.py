"""Every screen of the PWA in the state a person sees it, for the accessibility checks and screenshots."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.flows import (
    CITY_CENTRE,
    DEMO_ADMIN,
    DEMO_MERCHANT,
    DEMO_SHOPPER,
    OSM_SHOP,
    heading,
    new_person,
    offline_banner,
    open_filters,
    open_register_form,
    open_section,
    register,
    result_cards,
    search_for,
    session_dialog,
    sign_in_as,
    wait_for_results,
    wait_for_service_worker_control,
)

LOCATED = {"permissions": ["geolocation"], "geolocation": CITY_CENTRE}


@dataclass(frozen=True)
class Screen:
    name: str
    prepare: Callable[[BrowserContext, Page], None]
    short_session: bool = False
    context_args: dict[str, Any] = field(default_factory=dict)


def _section(path: str) -> Callable[[BrowserContext, Page], None]:
    return lambda _context, page: open_section(page, path)


def _register_form(_context: BrowserContext, page: Page) -> None:
    open_register_form(page)


def _profile(_context: BrowserContext, page: Page) -> None:
    register(page, new_person("Camille Martin"))


def _offline(context: BrowserContext, page: Page) -> None:
    page.goto("/")
    wait_for_service_worker_control(page)
    register(page, new_person("Camille Martin"))
    context.set_offline(True)
    page.reload()
    expect(heading(page)).to_have_text("Compte")
    expect(offline_banner(page)).to_contain_text("dernières données du")


def _expiry_dialog(_context: BrowserContext, page: Page) -> None:
    register(page, new_person("Camille Martin"))
    expect(session_dialog(page)).to_be_visible(timeout=20_000)


def _search_home(_context: BrowserContext, page: Page) -> None:
    open_section(page, "/")
    wait_for_results(page)


def _search_results(_context: BrowserContext, page: Page) -> None:
    page.goto("/")
    wait_for_results(page)
    page.get_by_role("button", name="Utiliser ma position").click()
    expect(page.get_by_role("heading", name="Autour de vous")).to_be_visible()
    search_for(page, "croissant")
    page.evaluate("() => document.querySelector('.view-toggle').scrollIntoView()")


def _search_filters(_context: BrowserContext, page: Page) -> None:
    page.goto("/?q=pain&autour=1")
    wait_for_results(page)
    open_filters(page)
    page.get_by_text("Distance", exact=True).click()
    wait_for_results(page)
    page.evaluate("() => document.querySelector('.location-card').scrollIntoView()")


def _search_map(_context: BrowserContext, page: Page) -> None:
    page.goto("/?q=croissant")
    wait_for_results(page)
    page.get_by_role("button", name="Carte").click()
    expect(page.get_by_text("Fond de carte indisponible")).to_be_visible()
    expect(page.locator(".map-pin").first).to_be_visible()


def _search_refused(_context: BrowserContext, page: Page) -> None:
    page.goto("/?q=réparation vélo")
    wait_for_results(page)
    page.get_by_role("button", name="Utiliser ma position").click()
    expect(page.get_by_text("Votre position n’est pas disponible")).to_be_visible()
    wait_for_results(page)


def _search_empty(_context: BrowserContext, page: Page) -> None:
    page.goto("/?q=xylophone quantique&ouvert=1")
    wait_for_results(page)
    expect(page.locator(".empty-state")).to_be_visible()
    page.evaluate("() => document.querySelector('.view-toggle').scrollIntoView()")


def _shop(_context: BrowserContext, page: Page) -> None:
    page.goto("/?q=croissant")
    wait_for_results(page)
    result_cards(page).first.get_by_role("link").click()
    expect(page.locator("table.hours-table")).to_be_visible()
    expect(page.locator("ul.item-list > li").first).to_be_visible()


def _shop_osm(_context: BrowserContext, page: Page) -> None:
    page.goto("/")
    wait_for_results(page)
    search_for(page, OSM_SHOP)
    result_cards(page).get_by_role("link", name=OSM_SHOP).click()
    expect(page.get_by_text("Ce commerce n’a pas encore publié")).to_be_visible()


def _merchant_home(_context: BrowserContext, page: Page) -> None:
    sign_in_as(page, DEMO_MERCHANT)
    page.get_by_role("link", name="Espace commerçant").click()
    expect(page.locator(".card-list .status-badge").first).to_be_visible()


def _merchant_new(_context: BrowserContext, page: Page) -> None:
    register(page, new_person("Claire Fabre"))
    page.goto("/commerce/nouveau")
    page.get_by_label("Nom du commerce").fill("Épicerie Fabre")
    page.get_by_role("button", name="Inscrire mon commerce").click()
    expect(page.locator("#shop-lat-error")).to_be_visible()
    expect(page.locator(".picker-map .leaflet-control-zoom")).to_be_visible()
    page.evaluate("() => document.querySelector('.position-fieldset').scrollIntoView()")


def _open_demo_shop(page: Page) -> None:
    sign_in_as(page, DEMO_MERCHANT)
    page.get_by_role("link", name="Espace commerçant").click()
    page.locator(".card-list .card-link").first.click()
    expect(page.locator("#edit-hours-week")).to_contain_text("Lundi")


def _merchant_shop(_context: BrowserContext, page: Page) -> None:
    _open_demo_shop(page)
    page.evaluate("() => document.getElementById('hours-title').scrollIntoView()")


def _merchant_item(_context: BrowserContext, page: Page) -> None:
    _open_demo_shop(page)
    page.get_by_role("button", name="Ajouter un article").click()
    expect(page.get_by_role("dialog", name="Ajouter un article")).to_be_visible()


def _merchant_import_errors(_context: BrowserContext, page: Page) -> None:
    _open_demo_shop(page)
    importer = page.get_by_role("region", name="Importer un catalogue")
    csv = (
        "kind;name;description;category;price_cents;in_stock\n"
        "product;Pain;;;abc;oui\n"
        "gadget;Tarte;;;450;peut-être\n"
    )
    importer.get_by_label("Fichier CSV").set_input_files(
        {"name": "catalogue.csv", "mimeType": "text/csv", "buffer": csv.encode()}
    )
    importer.get_by_role("button", name="Importer le fichier").click()
    expect(importer.get_by_role("alert")).to_be_visible()
    page.evaluate("() => document.getElementById('import-title').scrollIntoView()")


def _merchant_claim(_context: BrowserContext, page: Page) -> None:
    register(page, new_person("Yanis Roux"))
    page.goto("/commerce/reclamer")
    page.get_by_label("Nom de votre commerce").fill("Librairie")
    expect(page.get_by_role("button", name=f"Réclamer {OSM_SHOP}")).to_be_visible()


def _pending_shop_and_claim(context: BrowserContext) -> None:
    """Something to decide on: a new shop waiting for approval, and a claim on an imported one."""
    person = new_person("Lucie Garnier")
    api = context.request
    assert api.post(
        "/api/v1/auth/register",
        data={"email": person.email, "password": person.password, "display_name": person.display_name},
    ).ok
    token = api.post("/api/v1/auth/token", data={"email": person.email, "password": person.password}).json()[
        "access_token"
    ]
    auth = {"Authorization": f"Bearer {token}"}
    shop = {
        "name": "Fromagerie Garnier",
        "category": "fromagerie",
        "address": "5 rue Pêcherie, 26000 Valence",
        "lat": 44.9329,
        "lon": 4.8931,
    }
    assert api.post("/api/v1/shops", data=shop, headers=auth).ok
    found = api.get("/api/v1/search", params={"q": OSM_SHOP}).json()["results"][0]["shop"]
    assert api.post(
        f"/api/v1/shops/{found['id']}/claims", data={"message": "Gérante depuis 2019."}, headers=auth
    ).ok


def _admin(context: BrowserContext, page: Page) -> None:
    _pending_shop_and_claim(context)
    sign_in_as(page, DEMO_ADMIN)
    page.get_by_role("link", name="Administration").click()
    expect(page.locator(".empty-state, .card-list").first).to_be_visible()
    expect(page.locator("[aria-busy='true']")).to_have_count(0)


def _points(_context: BrowserContext, page: Page) -> None:
    # The demo shopper's eleven months of history, what expires soon, the rewards.
    sign_in_as(page, DEMO_SHOPPER)
    page.get_by_role("link", name="Fidélité").click()
    expect(page.get_by_text("Ce qui expire quand")).to_be_visible()
    expect(page.locator("[aria-busy='true']")).to_have_count(0)


def _counter(_context: BrowserContext, page: Page) -> None:
    sign_in_as(page, DEMO_MERCHANT)
    page.get_by_role("link", name="Espace commerçant").click()
    page.get_by_role("link", name="Caisse fidélité").first.click()
    expect(page.get_by_role("heading", name="Points par semaine")).to_be_visible()
    expect(page.locator("[aria-busy='true']")).to_have_count(0)


def _admin_points(context: BrowserContext, page: Page) -> None:
    sign_in_as(page, DEMO_ADMIN)
    page.goto("/admin/fidelite")
    expect(page.get_by_text("Registre sain")).to_be_visible()
    expect(page.locator("[aria-busy='true']")).to_have_count(0)


SCREENS = [
    Screen("rechercher", _search_home),
    Screen("recherche-resultats", _search_results, context_args=LOCATED),
    Screen("recherche-filtres", _search_filters, context_args=LOCATED),
    Screen("recherche-carte", _search_map),
    Screen("recherche-position-refusee", _search_refused),
    Screen("recherche-vide", _search_empty),
    Screen("boutique", _shop),
    Screen("boutique-osm", _shop_osm),
    Screen("commerce", _merchant_home),
    Screen("commerce-inscription", _merchant_new),
    Screen("commerce-gestion", _merchant_shop),
    Screen("commerce-article", _merchant_item),
    Screen("commerce-import-erreurs", _merchant_import_errors),
    Screen("commerce-reclamer", _merchant_claim),
    Screen("administration", _admin),
    Screen("administration-fidelite", _admin_points),
    Screen("commerce-caisse", _counter),
    Screen("fidelite-membre", _points),
    Screen("offres", _section("/offres")),
    Screen("fidelite", _section("/fidelite")),
    Screen("carte", _section("/carte")),
    Screen("compte-connexion", _section("/compte")),
    Screen("compte-inscription", _register_form),
    Screen("compte-profil", _profile),
    Screen("hors-ligne", _offline),
    Screen("expiration-session", _expiry_dialog, short_session=True),
]
