"""What a person does in the PWA, step by step, shared by the browser tests."""

import uuid
from dataclasses import dataclass

from playwright.sync_api import Locator, Page, expect

PASSWORD = "un-mot-de-passe-solide"

SECTIONS = {
    "/": "Rechercher",
    "/offres": "Offres",
    "/fidelite": "Fidélité",
    "/carte": "Carte",
    "/compte": "Compte",
}


@dataclass(frozen=True)
class Person:
    display_name: str
    email: str
    password: str = PASSWORD


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
