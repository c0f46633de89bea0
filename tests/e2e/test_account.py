"""Accounts in the PWA: register, automatic sign-in, profile, sign-out, and the French errors."""

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.flows import (
    fill_register_form,
    heading,
    new_person,
    open_register_form,
    open_section,
    profile_card,
    register,
    sign_in,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(new_context, server: str) -> Page:
    context: BrowserContext = new_context(base_url=server)
    return context.new_page()


def test_register_sign_in_profile_and_sign_out(page: Page) -> None:
    person = new_person("Camille Martin")
    register(page, person)

    card = profile_card(page)
    expect(card.get_by_role("heading", name="Camille Martin")).to_be_visible()
    expect(card).to_contain_text(person.email)
    expect(card.get_by_role("listitem")).to_have_text(["Client"])
    expect(card).to_contain_text("Membre depuis le")
    expect(heading(page)).to_be_focused()

    with page.expect_response("**/api/v1/auth/logout") as logout:
        card.get_by_role("button", name="Se déconnecter").click()
    assert logout.value.status == 204
    expect(page.get_by_role("tabpanel", name="Se connecter")).to_be_visible()
    expect(page.get_by_role("main").get_by_text("Vous êtes déconnecté.")).to_be_visible()
    expect(profile_card(page)).to_have_count(0)

    # Signed out for good: a reload does not bring the session back.
    page.reload()
    expect(page.get_by_role("tabpanel", name="Se connecter")).to_be_visible()


def test_session_survives_a_reload(page: Page) -> None:
    person = new_person()
    register(page, person)
    with page.expect_response("**/api/v1/auth/refresh") as refresh:
        page.reload()
    assert refresh.value.status == 200
    expect(profile_card(page)).to_contain_text(person.email)


def test_wrong_password_shows_the_french_error(page: Page, server: str) -> None:
    person = new_person()
    register(page, person)
    profile_card(page).get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("main").get_by_text("Vous êtes déconnecté.")).to_be_visible()

    wrong = type(person)(person.display_name, person.email, "pas-le-bon-mot-de-passe")
    with page.expect_response("**/api/v1/auth/token") as answer:
        sign_in(page, wrong)
    assert answer.value.status == 401
    detail = answer.value.json()["detail"]
    alert = page.get_by_role("tabpanel", name="Se connecter").get_by_role("alert")
    expect(alert).to_have_text(detail)
    expect(alert).to_contain_text("incorrect")
    expect(profile_card(page)).to_have_count(0)


def test_an_empty_sign_in_says_what_to_fill_in(page: Page) -> None:
    open_section(page, "/compte")
    panel = page.get_by_role("tabpanel", name="Se connecter")
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if "/auth/token" in request.url else None)
    panel.get_by_role("button", name="Se connecter").click()
    expect(panel.get_by_role("alert")).to_have_text(
        "Remplissez les champs « Adresse e-mail », « Mot de passe »."
    )
    email = panel.get_by_label("Adresse e-mail")
    expect(email).to_be_focused()
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#signin-email-error")).to_have_text("Ce champ est à remplir.")
    # Once the e-mail is there, only the password is asked for; nothing was sent meanwhile.
    email.fill("quelqu.un@example.fr")
    panel.get_by_role("button", name="Se connecter").click()
    expect(panel.get_by_role("alert")).to_have_text("Remplissez le champ « Mot de passe ».")
    expect(email).not_to_have_attribute("aria-invalid", "true")
    assert sent == []


def test_short_password_is_shown_next_to_the_field(page: Page) -> None:
    person = new_person()
    open_register_form(page)
    fill_register_form(page, type(person)(person.display_name, person.email, "court"))
    with page.expect_response("**/api/v1/auth/register") as answer:
        page.get_by_role("button", name="Créer mon compte").click()
    assert answer.value.status == 422
    problem = answer.value.json()
    field_detail = next(error["detail"] for error in problem["errors"] if error["field"].endswith("password"))

    password = page.get_by_role("tabpanel", name="Créer un compte").get_by_label("Mot de passe", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_be_focused()
    error_id = "register-password-error"
    expect(password).to_have_attribute("aria-describedby", f"register-password-hint {error_id}")
    expect(page.locator(f"#{error_id}")).to_have_text(field_detail)
    expect(page.get_by_role("tabpanel", name="Créer un compte").get_by_role("alert")).to_have_text(
        problem["detail"]
    )
