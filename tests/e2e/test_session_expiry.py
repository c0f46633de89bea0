"""WCAG 2.2.1: the person is warned before the session idles out, and can stay signed in."""

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.flows import new_person, profile_card, register, session_dialog

pytestmark = pytest.mark.e2e

# The short-session server leaves 5 s before the warning window opens.
DIALOG_TIMEOUT_MS = 20_000


def test_stay_signed_in_from_the_expiry_warning(new_context, short_session_server: str) -> None:
    context: BrowserContext = new_context(base_url=short_session_server)
    page: Page = context.new_page()
    register(page, new_person())

    dialog = session_dialog(page)
    expect(dialog).to_be_visible(timeout=DIALOG_TIMEOUT_MS)
    expect(dialog).to_contain_text("vous serez déconnecté dans")
    stay = dialog.get_by_role("button", name="Rester connecté")
    expect(stay).to_be_focused()
    expect(dialog.get_by_role("button", name="Se déconnecter")).to_be_visible()

    with page.expect_response("**/api/v1/auth/refresh") as refresh:
        stay.click()
    assert refresh.value.status == 200
    assert refresh.value.json()["refresh_expires_in"] > 120
    expect(dialog).to_be_hidden()
    expect(profile_card(page)).to_be_visible()

    # The warning comes back for the new token; Escape also means « stay signed in ».
    expect(dialog).to_be_visible(timeout=DIALOG_TIMEOUT_MS)
    with page.expect_response("**/api/v1/auth/refresh") as refresh:
        page.keyboard.press("Escape")
    assert refresh.value.status == 200
    expect(dialog).to_be_hidden()
    expect(profile_card(page)).to_be_visible()


def test_sign_out_from_the_expiry_warning(new_context, short_session_server: str) -> None:
    context: BrowserContext = new_context(base_url=short_session_server)
    page: Page = context.new_page()
    register(page, new_person())

    dialog = session_dialog(page)
    expect(dialog).to_be_visible(timeout=DIALOG_TIMEOUT_MS)
    with page.expect_response("**/api/v1/auth/logout") as logout:
        dialog.get_by_role("button", name="Se déconnecter").click()
    assert logout.value.status == 204
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("main").get_by_text("Vous êtes déconnecté.")).to_be_visible()
