"""Offline is a state: the shell opens from the service worker and says « Hors ligne »."""

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.flows import (
    bottom_nav,
    heading,
    new_person,
    offline_banner,
    profile_card,
    register,
    wait_for_service_worker_control,
)

pytestmark = pytest.mark.e2e


def test_offline_reload_shows_the_shell_and_the_banner(new_context, server: str) -> None:
    context: BrowserContext = new_context(base_url=server)
    page: Page = context.new_page()
    page.goto("/")
    wait_for_service_worker_control(page)
    expect(offline_banner(page)).to_be_empty()

    context.set_offline(True)
    page.reload()
    expect(bottom_nav(page)).to_be_visible()
    expect(heading(page)).to_have_text("Rechercher")
    expect(offline_banner(page)).to_be_visible()
    expect(offline_banner(page)).to_have_text(re.compile(r"^Hors ligne"))

    # Any route of the app opens from the precached shell.
    page.goto("/fidelite")
    expect(heading(page)).to_have_text("Fidélité")
    expect(offline_banner(page)).to_be_visible()

    context.set_offline(False)
    expect(offline_banner(page)).to_be_empty()


def test_offline_banner_gives_the_time_of_the_last_data(new_context, server: str) -> None:
    context: BrowserContext = new_context(base_url=server)
    page: Page = context.new_page()
    page.goto("/")
    wait_for_service_worker_control(page)
    register(page, new_person())

    context.set_offline(True)
    page.reload()
    expect(heading(page)).to_have_text("Compte")
    expect(offline_banner(page)).to_have_text(
        re.compile(r"^Hors ligne — dernières données du \d{1,2}(er)?\s\S+\sà\s\d{1,2}\sh\s\d{2}$")
    )
    # The session is kept, to be restored when the network is back.
    expect(page.get_by_role("heading", name="Session non vérifiée")).to_be_visible()

    # Back online, the session comes back by itself.
    context.set_offline(False)
    expect(profile_card(page)).to_be_visible()
    expect(offline_banner(page)).to_be_empty()
