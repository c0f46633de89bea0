"""Every screen of the PWA in the state a person sees it, for the accessibility checks and screenshots."""

from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.flows import (
    heading,
    new_person,
    offline_banner,
    open_register_form,
    open_section,
    register,
    session_dialog,
    wait_for_service_worker_control,
)


@dataclass(frozen=True)
class Screen:
    name: str
    prepare: Callable[[BrowserContext, Page], None]
    short_session: bool = False


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


SCREENS = [
    Screen("rechercher", _section("/")),
    Screen("offres", _section("/offres")),
    Screen("fidelite", _section("/fidelite")),
    Screen("carte", _section("/carte")),
    Screen("compte-connexion", _section("/compte")),
    Screen("compte-inscription", _register_form),
    Screen("compte-profil", _profile),
    Screen("hors-ligne", _offline),
    Screen("expiration-session", _expiry_dialog, short_session=True),
]
