"""The city's side of claims and approvals (issue 11, point 9), on a Pixel 5: who claims a shop, a refusal
with its reason after a confirmation, and what the merchant then reads in « Mes commerces »."""

import re
import uuid

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import APIRequestContext, BrowserContext, Page, expect

from tests.e2e.flows import (
    DEMO_ADMIN,
    OSM_SHOP,
    Person,
    new_person,
    open_admin,
    open_merchant_space,
    sign_in_as,
)

pytestmark = pytest.mark.e2e


def _assert_accessible(page: Page, what: str) -> None:
    violations = Axe().run(page).response["violations"]
    blocking = [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in {"serious", "critical"}]
    assert not blocking, f"axe on {what}: {blocking}"


def _account(api: APIRequestContext, person: Person) -> dict[str, str]:
    """Registers `person` through the API and returns an Authorization header for them."""
    registered = api.post(
        "/api/v1/auth/register",
        data={"email": person.email, "password": person.password, "display_name": person.display_name},
    )
    assert registered.ok, registered.text()
    token = api.post("/api/v1/auth/token", data={"email": person.email, "password": person.password})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def _new_shop(api: APIRequestContext, auth: dict[str, str], name: str) -> None:
    shop = {
        "name": name,
        "category": "fromagerie",
        "address": "5 rue Pêcherie, 26000 Valence",
        "lat": 44.9329,
        "lon": 4.8931,
    }
    created = api.post("/api/v1/shops", data=shop, headers=auth)
    assert created.ok, created.text()


def test_the_admin_refuses_a_claim_with_a_reason_and_the_claimant_reads_it(new_context, server: str) -> None:
    claimant = new_person(f"Inès Morel {uuid.uuid4().hex[:4]}")
    message = "Gérante de la librairie depuis 2018, SIRET sur demande."
    reason = "Aucun justificatif reçu : joignez un extrait Kbis à une nouvelle demande."
    context: BrowserContext = new_context(base_url=server)
    page: Page = context.new_page()
    auth = _account(context.request, claimant)
    shop = context.request.get("/api/v1/search", params={"q": OSM_SHOP}).json()["results"][0]["shop"]
    claimed = context.request.post(
        f"/api/v1/shops/{shop['id']}/claims", data={"message": message}, headers=auth
    )
    assert claimed.ok, claimed.text()

    # The claimant sees the claim waiting for the city.
    sign_in_as(page, claimant)
    open_merchant_space(page)
    mine = page.get_by_role("article", name=OSM_SHOP)
    expect(mine).to_contain_text("Demande en attente")
    expect(mine).to_contain_text(
        re.compile(r"Demande envoyée le \d{1,2}(er)?\s\S+ \d{4} — en attente de la mairie")
    )

    # The admin sees who asks: name, e-mail, message and date.
    admin_context: BrowserContext = new_context(base_url=server)
    admin = admin_context.new_page()
    sign_in_as(admin, DEMO_ADMIN)
    open_admin(admin)
    claims = admin.get_by_role("region", name="Demandes de gestion")
    card = claims.get_by_role("article", name=OSM_SHOP).filter(has_text=claimant.email)
    expect(card).to_contain_text(f"Demandé par {claimant.display_name}")
    expect(card.get_by_role("link", name=claimant.email)).to_have_attribute(
        "href", f"mailto:{claimant.email}"
    )
    expect(card).to_contain_text(f"« {message} »")
    expect(card).to_contain_text(re.compile(r"Demande du \d{1,2}(er)?\s\S+ \d{4}"))

    # Refusing asks first, in a dialog that takes the focus and that Escape closes without deciding.
    refuse = card.get_by_role("button", name=f"Refuser la demande pour {OSM_SHOP}")
    refuse.click()
    dialog = admin.get_by_role("dialog", name=f"Refuser la demande de {claimant.display_name} ?")
    expect(dialog).to_be_visible()
    field = dialog.get_by_label("Raison du refus")
    expect(field).to_be_focused()
    admin.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(refuse).to_be_focused()
    expect(card).to_be_visible()

    # The reason is required; then the claim leaves the queue.
    refuse.click()
    dialog.get_by_role("button", name="Refuser la demande").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Raison du refus")
    expect(field).to_be_focused()
    _assert_accessible(admin, "the refusal dialog")
    field.fill(reason)
    dialog.get_by_role("button", name="Refuser la demande").click()
    expect(dialog).to_be_hidden()
    expect(claims.get_by_role("status")).to_contain_text(f"Demande pour « {OSM_SHOP} » refusée")
    expect(card).to_have_count(0)

    # The claimant reads the refusal and the reason.
    open_merchant_space(page)
    mine = page.get_by_role("article", name=OSM_SHOP)
    expect(mine).to_contain_text("Demande refusée")
    expect(mine).to_contain_text(reason)
    _assert_accessible(page, "« Mes commerces » with a refused claim")


def test_pending_shops_are_approved_or_refused_not_suspended(new_context, server: str) -> None:
    applicant = new_person("Hugo Vasseur")
    suffix = uuid.uuid4().hex[:6]
    approved_name, refused_name = f"Fromagerie Vasseur {suffix}", f"Crèmerie Vasseur {suffix}"
    reason = "Adresse introuvable : précisez le numéro de la rue."
    context: BrowserContext = new_context(base_url=server)
    page: Page = context.new_page()
    auth = _account(context.request, applicant)
    _new_shop(context.request, auth, approved_name)
    _new_shop(context.request, auth, refused_name)

    admin_context: BrowserContext = new_context(base_url=server)
    admin = admin_context.new_page()
    sign_in_as(admin, DEMO_ADMIN)
    open_admin(admin)
    pending = admin.get_by_role("region", name="Commerces à valider")
    approved_card = pending.get_by_role("article", name=approved_name)
    refused_card = pending.get_by_role("article", name=refused_name)
    expect(approved_card).to_contain_text(f"Inscrit par {applicant.display_name} — {applicant.email}")
    expect(approved_card.get_by_role("button", name=f"Approuver {approved_name}")).to_be_visible()
    expect(refused_card.get_by_role("button", name=f"Refuser {refused_name}")).to_be_visible()
    expect(pending.get_by_role("button", name=re.compile("Suspendre|Valider"))).to_have_count(0)

    approved_card.get_by_role("button", name=f"Approuver {approved_name}").click()
    expect(pending.get_by_role("status")).to_have_text(
        f"« {approved_name} » est approuvé : il apparaît dans la recherche."
    )
    expect(approved_card).to_have_count(0)

    refused_card.get_by_role("button", name=f"Refuser {refused_name}").click()
    dialog = admin.get_by_role("dialog", name=f"Refuser le commerce « {refused_name} » ?")
    expect(dialog.get_by_label("Raison du refus")).to_be_focused()
    dialog.get_by_label("Raison du refus").fill(reason)
    dialog.get_by_role("button", name="Refuser le commerce").click()
    expect(dialog).to_be_hidden()
    expect(pending.get_by_role("status")).to_contain_text(f"« {refused_name} » est refusé")
    expect(refused_card).to_have_count(0)

    # Suspending is for active shops, and says so.
    admin.get_by_text("Afficher les commerces actifs").click()
    active = admin.get_by_role("region", name="Suspendre un commerce actif")
    expect(active.get_by_role("button", name=re.compile(r"^Suspendre ")).first).to_be_visible()

    # The applicant sees one shop active and the other refused, with the reason.
    sign_in_as(page, applicant)
    open_merchant_space(page)
    expect(page.get_by_role("article", name=approved_name).locator(".status-badge")).to_have_text("Actif")
    refused = page.get_by_role("article", name=refused_name)
    expect(refused.locator(".status-badge")).to_have_text("Refusé")
    expect(refused).to_contain_text(re.compile(r"Refusé par la mairie le \d{1,2}(er)?\s\S+ \d{4}"))
    expect(refused).to_contain_text(reason)


def test_the_demo_leaves_a_claim_and_shops_to_decide(new_context, server: str) -> None:
    context: BrowserContext = new_context(base_url=server)
    admin = context.new_page()
    sign_in_as(admin, DEMO_ADMIN)
    open_admin(admin)
    claims = admin.get_by_role("region", name="Demandes de gestion")
    expect(
        claims.get_by_role("article").filter(has_text="lucie.ferrand@demo.coeurdevalence.fr")
    ).to_contain_text("Demandé par Lucie Ferrand")
    pending = admin.get_by_role("region", name="Commerces à valider")
    expect(pending.get_by_role("article", name="Torréfaction Benali")).to_be_visible()
