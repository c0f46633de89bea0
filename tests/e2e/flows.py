"""What a person does in the PWA, step by step, shared by the browser tests."""

import re
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Locator, Page, expect

PASSWORD = "un-mot-de-passe-solide"
CITY_CENTRE = {"latitude": 44.9334, "longitude": 4.8924}
# Shops the e2e server imports from a small Overpass file: unowned, so they can be claimed.
OSM_CLAIMED_SHOP = "Cordonnerie du Bel Image"
OSM_SHOP = "Librairie de la Côte des Chapeliers"
OSM_SHOPS: list[dict[str, Any]] = [
    {
        "lat": 44.9318,
        "lon": 4.8899,
        "tags": {
            "shop": "shoe_repair",
            "name": OSM_CLAIMED_SHOP,
            "addr:housenumber": "8",
            "addr:street": "Rue Madier de Montjau",
            "addr:postcode": "26000",
            "addr:city": "Valence",
        },
    },
    {
        "lat": 44.9352,
        "lon": 4.8905,
        "tags": {
            "shop": "books",
            "name": OSM_SHOP,
            "addr:housenumber": "3",
            "addr:street": "Côte des Chapeliers",
            "addr:postcode": "26000",
            "addr:city": "Valence",
        },
    },
]

SECTIONS = {
    "/": "Rechercher",
    "/offres": "Offres",
    "/fidelite": "Fidélité",
    "/carte": "Carte étudiante",
    "/compte": "Compte",
}


@dataclass(frozen=True)
class Person:
    display_name: str
    email: str
    password: str = PASSWORD


DEMO_ADMIN = Person("Administration démo", "admin@demo.coeurdevalence.fr", "demo-admin-valence")
DEMO_MERCHANT = Person("Commerçant démo", "commercant@demo.coeurdevalence.fr", "demo-commercant-valence")
DEMO_SHOPPER = Person("Client démo", "client@demo.coeurdevalence.fr", "demo-client-valence")


def new_person(display_name: str = "Camille") -> Person:
    return Person(display_name=display_name, email=f"e2e-{uuid.uuid4().hex[:12]}@example.org")


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def bottom_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Navigation principale")


def offline_banner(page: Page) -> Locator:
    return page.locator("#offline-banner")


def session_dialog(page: Page) -> Locator:
    return page.get_by_role("alertdialog", name="Votre session va bientôt expirer")


def open_section(page: Page, path: str) -> None:
    page.goto(path)
    expect(heading(page)).to_have_text(SECTIONS.get(path, "Page introuvable"))


def open_register_form(page: Page) -> None:
    open_section(page, "/compte")
    page.get_by_role("tab", name="Créer un compte").click()
    expect(page.get_by_role("tabpanel", name="Créer un compte")).to_be_visible()


def fill_register_form(page: Page, person: Person) -> None:
    panel = page.get_by_role("tabpanel", name="Créer un compte")
    panel.get_by_label("Nom affiché").fill(person.display_name)
    panel.get_by_label("Adresse e-mail").fill(person.email)
    panel.get_by_label("Mot de passe", exact=True).fill(person.password)


def register(page: Page, person: Person) -> None:
    """Creates the account from the Compte screen; the PWA then signs in by itself."""
    open_register_form(page)
    fill_register_form(page, person)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(profile_card(page)).to_be_visible()


def sign_in(page: Page, person: Person) -> None:
    open_section(page, "/compte")
    panel = page.get_by_role("tabpanel", name="Se connecter")
    panel.get_by_label("Adresse e-mail").fill(person.email)
    panel.get_by_label("Mot de passe", exact=True).fill(person.password)
    panel.get_by_role("button", name="Se connecter").click()


def profile_card(page: Page) -> Locator:
    return page.locator("section.profile")


def wait_for_service_worker_control(page: Page) -> None:
    page.wait_for_function("() => navigator.serviceWorker?.controller != null")


def sign_in_as(page: Page, person: Person) -> None:
    sign_in(page, person)
    expect(profile_card(page)).to_be_visible()


# --- search ---------------------------------------------------------------------------------------


def search_box(page: Page) -> Locator:
    return page.get_by_role("searchbox", name="Que cherchez-vous ?")


def result_cards(page: Page) -> Locator:
    return page.locator("ol.results > li")


def result_count(page: Page) -> Locator:
    return page.locator(".result-count")


def wait_for_results(page: Page) -> None:
    expect(result_count(page)).to_have_text(re.compile(r"commerces? trouvés?$"))


def search_for(page: Page, text: str) -> None:
    """Types like a person and waits for the results of the whole query."""
    with page.expect_response(lambda r: "/api/v1/search" in r.url and query_param(r.url, "q") == text):
        search_box(page).fill(text)
    wait_for_results(page)


def query_param(url: str, name: str) -> str | None:
    values = parse_qs(urlsplit(url).query).get(name)
    return values[0] if values else None


def open_filters(page: Page) -> None:
    summary = page.locator("details.filters > summary")
    if page.locator("details.filters[open]").count() == 0:
        summary.click()


def card_distances_m(page: Page) -> list[float]:
    """The distances the cards show (« à 250 m », « à 1,2 km »), in metres."""
    distances = []
    for text in result_cards(page).locator(".result-meta").all_inner_texts():
        match = re.search(r"à\s([\d\s\u202f,]+)\s(m|km)", text)
        assert match, text
        value = float(re.sub(r"[\s\u202f]", "", match.group(1)).replace(",", "."))
        distances.append(value * (1000 if match.group(2) == "km" else 1))
    return distances


# --- merchant and admin ---------------------------------------------------------------------------


def open_merchant_space(page: Page) -> None:
    page.goto("/compte")
    page.get_by_role("link", name="Espace commerçant").click()
    expect(heading(page)).to_have_text("Espace commerçant")


def open_admin(page: Page) -> None:
    page.goto("/compte")
    page.get_by_role("link", name="Administration").click()
    expect(heading(page)).to_have_text("Administration")


def watch_for_csp_violations(page: Page) -> list[str]:
    """Collects CSP violations and uncaught errors (HTTP error statuses logged by Chromium are not errors)."""
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems
