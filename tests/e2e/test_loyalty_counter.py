"""Points Cœur de Ville at the counter (issue 12, point 7), a shopper and a merchant side by side.

Both browser contexts live in one Chromium whose fake camera plays a file: the test screenshots the code on
one person's screen and writes it there before the other person's scanner opens (tests/e2e/camera.py).
"""

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import APIRequestContext, Page, expect

from tests.e2e.camera import ContextFactory, show_to_camera
from tests.e2e.flows import (
    DEMO_MERCHANT,
    Person,
    heading,
    new_person,
    sign_in_as,
    wait_for_service_worker_control,
    watch_for_csp_violations,
)
from tests.e2e.test_text_zoom import enlarge_text

pytestmark = pytest.mark.e2e

# « Solde du 3 déc. à 9 h 40 — vous êtes hors connexion. »
SAVED_AT = r"du \d{1,2}(er)?\s\S+\sà\s\d{1,2}\sh\s\d{2} — vous êtes hors connexion\."


def bearer(api: APIRequestContext, person: Person) -> dict[str, str]:
    answer = api.post("/api/v1/auth/token", data={"email": person.email, "password": person.password})
    assert answer.ok, answer.text()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def new_shopper(api: APIRequestContext, name: str = "Inès Garnier") -> Person:
    person = new_person(name)
    answer = api.post(
        "/api/v1/auth/register",
        data={"email": person.email, "password": person.password, "display_name": person.display_name},
    )
    assert answer.ok, answer.text()
    return person


def demo_shop(api: APIRequestContext) -> dict[str, Any]:
    """The demo merchant's first active shop."""
    shops = api.get("/api/v1/me/shops?limit=50", headers=bearer(api, DEMO_MERCHANT)).json()["results"]
    active = [shop for shop in shops if shop["status"] == "active"]
    assert active, shops
    shop: dict[str, Any] = active[0]
    return shop


def history(api: APIRequestContext, person: Person) -> list[dict[str, Any]]:
    answer = api.get("/api/v1/loyalty/me/history?limit=100", headers=bearer(api, person))
    assert answer.ok, answer.text()
    results: list[dict[str, Any]] = answer.json()["results"]
    return results


def open_fidelite(page: Page, person: Person) -> None:
    sign_in_as(page, person)
    page.goto("/fidelite")
    expect(heading(page)).to_have_text("Fidélité")
    expect(balance(page)).not_to_have_text("…")


def balance(page: Page):  # noqa: ANN201 (a Locator)
    return page.locator(".loyalty-balance .balance-number")


def open_counter(page: Page, shop: dict[str, Any]) -> None:
    sign_in_as(page, DEMO_MERCHANT)
    page.goto(f"/commerce/{shop['id']}/caisse")
    expect(heading(page)).to_have_text(f"Caisse · {shop['name']}")
    expect(page.get_by_role("heading", name="Opérations du jour")).to_be_visible()


def show_member_code(page: Page) -> str:
    """Opens « Mon code »; returns the typed form of the code (« K7QM2XPA »)."""
    page.get_by_role("button", name="Mon code").click()
    dialog = page.get_by_role("dialog", name="Mon code")
    expect(dialog.get_by_role("img", name=re.compile("Votre code de membre"))).to_be_visible()
    expect(dialog.get_by_role("timer")).to_contain_text("Nouveau code dans")
    return dialog.locator(".qr-typed").inner_text().replace(" ", "")


def scanner(page: Page):  # noqa: ANN201 (a Locator)
    return page.locator("dialog.scanner-dialog")


def type_code(page: Page, code: str) -> None:
    dialog = scanner(page)
    expect(dialog).to_be_visible()
    # Typed as a person reads it out: in two groups, lower case.
    dialog.get_by_label(re.compile("^Code")).fill(f"{code[:4].lower()} {code[4:].lower()}")
    dialog.get_by_role("button", name="Valider le code").click()
    expect(dialog).to_have_count(0)


def earn_form(page: Page):  # noqa: ANN201 (a Locator)
    return page.get_by_role("region", name="Encaisser des points")


def assert_accessible(page: Page, where: str) -> None:
    violations: list[dict[str, Any]] = Axe().run(page).response["violations"]
    blocking = [
        f"{violation['id']}: {[node['target'] for node in violation['nodes']]}"
        for violation in violations
        if violation["impact"] in {"serious", "critical"}
    ]
    assert not blocking, f"axe on {where}: {blocking}"


def test_the_merchant_scans_the_member_code_and_the_shopper_sees_the_points(
    camera_context: ContextFactory, camera_file: Path, api: APIRequestContext
) -> None:
    shop = demo_shop(api)
    shopper = new_shopper(api)
    shopper_page = camera_context().new_page()
    problems = watch_for_csp_violations(shopper_page)
    open_fidelite(shopper_page, shopper)
    expect(balance(shopper_page)).to_have_text("0")
    expect(shopper_page.get_by_text("Aucun point n’expire dans les 60 prochains jours.")).to_be_visible()
    show_member_code(shopper_page)
    code = shopper_page.get_by_role("dialog", name="Mon code").locator(".qr-code")
    width = code.bounding_box()["width"]  # type: ignore[index]
    assert width >= 45 * 96 / 25.4, f"the code is {width} CSS px wide"
    assert_accessible(shopper_page, "« Mon code »")
    show_to_camera(code, camera_file)

    merchant_page = camera_context().new_page()
    problems += watch_for_csp_violations(merchant_page)
    open_counter(merchant_page, shop)
    earn = earn_form(merchant_page)
    earn.get_by_label("Montant de l’achat (€)").fill("23,50")
    expect(earn.get_by_text("Le client recevra 23 points.")).to_be_visible()
    earn.get_by_role("button", name="Scanner le code du client").click()
    # The camera was allowed already: the scanner films at once and reads the code by itself.
    expect(earn.get_by_text("23 points donnés")).to_be_visible(timeout=15_000)
    expect(scanner(merchant_page)).to_have_count(0)

    # The shopper's screen, still showing the code, hears of it within a few seconds.
    dialog = shopper_page.get_by_role("dialog", name="Mon code")
    expect(dialog.get_by_role("status")).to_have_text("+23 points reçus ! Nouveau solde : 23 points.")
    dialog.get_by_role("button", name="Fermer").click()
    expect(balance(shopper_page)).to_have_text("23")
    line = shopper_page.locator(".history-line").first
    expect(line).to_contain_text(shop["name"])
    expect(line.locator(".history-points")).to_have_text("+23 points")
    assert problems == []


def test_the_shopper_scans_the_claim_code_the_merchant_shows(
    camera_context: ContextFactory, camera_file: Path, api: APIRequestContext
) -> None:
    shop = demo_shop(api)
    shopper = new_shopper(api, "Hugo Chapuis")
    merchant_page = camera_context().new_page()
    open_counter(merchant_page, shop)
    section = merchant_page.get_by_role("region", name="Code de caisse")
    section.get_by_label("Montant de l’achat (€)").fill("12")
    section.get_by_role("button", name="Créer le code").click()
    shown = section.get_by_role("group", name="Code de caisse à montrer au client")
    expect(shown).to_contain_text("12 points pour un achat de 12,00 €")
    expect(shown.get_by_role("timer")).to_contain_text(re.compile(r"Valable encore (9|10)\smin"))
    expect(shown.locator(".qr-typed")).to_have_text(re.compile(r"^[2-9A-Z]{4} [2-9A-Z]{4}$"))
    show_to_camera(shown.locator(".qr-code"), camera_file)

    shopper_page = camera_context().new_page()
    open_fidelite(shopper_page, shopper)
    shopper_page.get_by_role("button", name="Scanner un code de caisse").click()
    expect(shopper_page.locator(".claim-result")).to_have_text(
        f"+12 points chez {shop['name']}. Nouveau solde : 12 points.", timeout=15_000
    )
    expect(balance(shopper_page)).to_have_text("12")
    claims = [line for line in history(api, shopper) if line["kind"] == "earn"]
    assert [line["points"] for line in claims] == [12]


def test_typed_codes_a_reward_and_a_reversal_from_today_s_operations(
    new_context: ContextFactory, server: str, api: APIRequestContext
) -> None:
    shop = demo_shop(api)
    title = f"Café offert {uuid.uuid4().hex[:4]}"
    created = api.post(
        f"/api/v1/shops/{shop['id']}/rewards",
        data={"title": title, "cost_points": 10, "stock": 5},
        headers=bearer(api, DEMO_MERCHANT),
    )
    assert created.ok, created.text()
    reward_id = created.json()["id"]
    shopper = new_shopper(api, "Léa Perrin")
    shopper_page = new_context(base_url=server).new_page()
    open_fidelite(shopper_page, shopper)
    member_code = show_member_code(shopper_page)

    # No camera on this browser: the scanner says so and the code is typed.
    merchant_page = new_context(base_url=server).new_page()
    open_counter(merchant_page, shop)
    earn = earn_form(merchant_page)
    earn.get_by_label("Montant de l’achat (€)").fill("37,40")
    earn.get_by_role("button", name="Scanner le code du client").click()
    expect(scanner(merchant_page).get_by_role("button", name="Activer la caméra")).to_be_visible()
    scanner(merchant_page).get_by_label("Code du client", exact=True).fill("ABC")
    scanner(merchant_page).get_by_role("button", name="Valider le code").click()
    expect(scanner(merchant_page).locator(".field-error")).to_contain_text("8 caractères")
    type_code(merchant_page, member_code)
    expect(earn.get_by_text("37 points donnés")).to_be_visible()

    # The same code gave its points: a second earn with it is refused, in the server's words.
    earn.get_by_label("Montant de l’achat (€)").fill("5")
    earn.get_by_role("button", name="Scanner le code du client").click()
    type_code(merchant_page, member_code)
    expect(earn.get_by_role("alert")).to_contain_text("déjà servi")

    # A reward with the code the shopper's screen shows now (renewed after the earn).
    dialog = shopper_page.get_by_role("dialog", name="Mon code")
    expect(dialog.get_by_role("status")).to_contain_text("+37 points reçus !")
    expect(dialog.locator(".qr-typed")).not_to_have_text(f"{member_code[:4]} {member_code[4:]}")
    renewed = dialog.locator(".qr-typed").inner_text().replace(" ", "")
    redeem = merchant_page.get_by_role("region", name="Utiliser une récompense")
    choice = redeem.get_by_label("Récompense", exact=True)
    expect(choice.locator(f"option[value='{reward_id}']")).to_have_text(
        re.compile(rf"^{title} — 10\s+points \(reste 5\)$")
    )
    choice.select_option(value=reward_id)
    redeem.get_by_role("button", name="Scanner le code du client").click()
    type_code(merchant_page, renewed)
    expect(redeem.get_by_text("Récompense remise : 10 points utilisés")).to_be_visible()
    expect(dialog.get_by_role("status")).to_have_text("10 points utilisés. Nouveau solde : 27 points.")

    # Today's operations: the earn is undone after a confirmation.
    day = merchant_page.get_by_role("region", name="Opérations du jour")
    row = day.locator(".day-line").filter(has_text="achat de 37,40 €")
    expect(row).to_have_count(1)
    row.get_by_role("button", name=re.compile("^Annuler")).click()
    confirm = merchant_page.get_by_role("dialog", name="Annuler cette opération ?")
    expect(confirm).to_contain_text("Les 37 points donnés")
    expect(confirm.get_by_role("button", name="Non, la garder")).to_be_focused()
    confirm.get_by_role("button", name="Oui, annuler l’opération").click()
    expect(day.get_by_role("status")).to_contain_text("Opération annulée : 37 points retirés au client.")
    expect(day.get_by_role("status")).to_contain_text("son solde devient négatif")
    expect(row.get_by_text("Annulée", exact=True)).to_be_visible()
    expect(row.get_by_role("button", name=re.compile("^Annuler"))).to_have_count(0)

    kinds = [line["kind"] for line in history(api, shopper)]
    assert kinds == ["reverse", "redeem", "earn"]


def test_an_earn_made_offline_waits_then_is_sent_exactly_once(
    new_context: ContextFactory, server: str, api: APIRequestContext
) -> None:
    shop = demo_shop(api)
    shopper = new_shopper(api, "Nathan Brun")
    shopper_page = new_context(base_url=server).new_page()
    open_fidelite(shopper_page, shopper)
    member_code = show_member_code(shopper_page)

    merchant_context = new_context(base_url=server)
    merchant_page = merchant_context.new_page()
    open_counter(merchant_page, shop)
    merchant_context.set_offline(True)
    earn = earn_form(merchant_page)
    earn.get_by_label("Montant de l’achat (€)").fill("41,99")
    earn.get_by_role("button", name="Scanner le code du client").click()
    type_code(merchant_page, member_code)
    expect(earn.get_by_text("Pas de réseau : l’opération est gardée sur cet appareil")).to_be_visible()
    pending = merchant_page.get_by_role("region", name="En attente d’envoi")
    expect(pending.locator(".queue-item")).to_have_count(1)
    expect(pending.locator(".queue-item")).to_contain_text("Points pour un achat de 41,99 €")
    expect(pending.locator(".queue-item")).to_contain_text("En attente d’envoi")
    assert history(api, shopper) == []

    merchant_context.set_offline(False)
    expect(pending.get_by_role("status")).to_contain_text(
        "Envoyé : Points pour un achat de 41,99 € — 41 points donnés."
    )
    expect(pending.locator(".queue-item")).to_have_count(0)
    day = merchant_page.get_by_role("region", name="Opérations du jour")
    expect(day.locator(".day-line").filter(has_text="achat de 41,99 €")).to_have_count(1)

    # A reload (start-up sends what is left) sends nothing again.
    merchant_page.reload()
    expect(merchant_page.get_by_role("heading", name="Opérations du jour")).to_be_visible()
    expect(day.locator(".day-line").filter(has_text="achat de 41,99 €")).to_have_count(1)
    expect(merchant_page.get_by_role("region", name="En attente d’envoi")).to_have_count(0)
    earns = [line for line in history(api, shopper) if line["kind"] == "earn"]
    assert [line["points"] for line in earns] == [41]
    expect(shopper_page.get_by_role("dialog", name="Mon code").get_by_role("status")).to_contain_text(
        "+41 points reçus !"
    )


def test_an_earn_queued_longer_than_the_code_lives_is_shown_refused(
    new_context: ContextFactory, server: str, api: APIRequestContext
) -> None:
    """A member code is good for 120 s; here it has already given its points when the queued earn goes."""
    shop = demo_shop(api)
    shopper = new_shopper(api, "Jade Gauthier")
    shopper_page = new_context(base_url=server).new_page()
    open_fidelite(shopper_page, shopper)
    member_code = show_member_code(shopper_page)
    merchant_context = new_context(base_url=server)
    merchant_page = merchant_context.new_page()
    open_counter(merchant_page, shop)

    merchant_context.set_offline(True)
    earn = earn_form(merchant_page)
    earn.get_by_label("Montant de l’achat (€)").fill("8")
    earn.get_by_role("button", name="Scanner le code du client").click()
    type_code(merchant_page, member_code)
    pending = merchant_page.get_by_role("region", name="En attente d’envoi")
    expect(pending.locator(".queue-item")).to_have_count(1)
    # Meanwhile the code is spent elsewhere (the same as one that ran out for the queued earn).
    spent = api.post(
        "/api/v1/loyalty/earn",
        data={"shop_id": shop["id"], "member_code": member_code, "amount_cents": 300},
        headers={**bearer(api, DEMO_MERCHANT), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert spent.status == 201, spent.text()

    merchant_context.set_offline(False)
    item = pending.locator(".queue-item")
    expect(item).to_contain_text("Refusé : Ce code client a déjà servi")
    expect(item).to_contain_text("Un code client ne vaut que deux minutes")
    item.get_by_role("button", name=re.compile("^Retirer")).click()
    expect(pending.locator(".queue-item")).to_have_count(0)
    assert [line["points"] for line in history(api, shopper)] == [3]


def test_the_new_screens_are_accessible_and_hold_at_200_percent_text(
    new_context: ContextFactory, server: str, api: APIRequestContext
) -> None:
    shop = demo_shop(api)
    for scheme in ("light", "dark"):
        page = new_context(base_url=server, color_scheme=scheme).new_page()
        page.goto("/fidelite")
        expect(page.get_by_role("heading", name="Points Cœur de Ville")).to_be_visible()
        expect(page.get_by_role("link", name="Se connecter ou créer un compte")).to_be_visible()
        expect(page.locator(".loyalty-rewards [aria-busy='true']")).to_have_count(0)
        assert_accessible(page, f"Fidélité sans compte ({scheme})")

        open_counter(page, shop)
        expect(page.locator("[aria-busy='true']")).to_have_count(0)
        assert_accessible(page, f"la caisse ({scheme})")
        section = page.get_by_role("region", name="Code de caisse")
        section.get_by_label("Montant de l’achat (€)").fill("4,20")
        section.get_by_role("button", name="Créer le code").click()
        expect(section.locator(".qr-code")).to_be_visible()
        assert_accessible(page, f"le code de caisse ({scheme})")
        earn_form(page).get_by_label("Montant de l’achat (€)").fill("4,20")
        earn_form(page).get_by_role("button", name="Scanner le code du client").click()
        expect(scanner(page).get_by_role("heading", name="Scanner le code du client")).to_be_focused()
        assert_accessible(page, f"le scanner ({scheme})")
        scanner(page).get_by_role("button", name="Fermer").click()
        expect(scanner(page)).to_have_count(0)
        expect(earn_form(page).get_by_role("button", name="Scanner le code du client")).to_be_focused()
        page.context.close()

    page = new_context(base_url=server).new_page()
    open_counter(page, shop)
    enlarge_text(page, 200)
    for name in ("Encaisser des points", "Utiliser une récompense", "Code de caisse", "Opérations du jour"):
        region = page.get_by_role("region", name=name)
        region.scroll_into_view_if_needed()
        expect(region).to_be_visible()
    section = page.get_by_role("region", name="Code de caisse")
    section.get_by_label("Montant de l’achat (€)").fill("4,20")
    section.get_by_role("button", name="Créer le code").click()
    expect(section.locator(".qr-typed")).to_be_visible()
    overflow = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
              .filter((el) => !el.closest('.section-nav, .table-scroll, .visually-hidden'))
              .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
              .map((el) => el.tagName + '.' + el.className)"""
    )
    assert overflow == [], f"wider than the screen at 200 %: {overflow}"
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_the_shopper_sees_the_last_known_balance_offline(
    new_context: ContextFactory, server: str, api: APIRequestContext
) -> None:
    shop = demo_shop(api)
    shopper = new_shopper(api, "Romane Chauvin")
    code = api.post("/api/v1/loyalty/me/member-code", headers=bearer(api, shopper)).json()["member_code"]
    earned = api.post(
        "/api/v1/loyalty/earn",
        data={"shop_id": shop["id"], "member_code": code, "amount_cents": 1550},
        headers={**bearer(api, DEMO_MERCHANT), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert earned.status == 201, earned.text()
    context = new_context(base_url=server)
    page = context.new_page()
    page.goto("/")
    wait_for_service_worker_control(page)
    open_fidelite(page, shopper)
    expect(balance(page)).to_have_text("15")
    expect(page.locator(".history-line")).to_have_count(1)
    assert_accessible(page, "Fidélité")

    context.set_offline(True)
    page.reload()
    expect(heading(page)).to_have_text("Fidélité")
    expect(balance(page)).to_have_text("15")
    expect(page.locator(".loyalty-balance .kept-note")).to_have_text(re.compile(rf"^Solde {SAVED_AT}"))
    expect(page.locator(".history-line")).to_have_count(1)
    expect(
        page.get_by_text(re.compile(r"^Historique enregistré le .* vous êtes hors connexion\.$"))
    ).to_be_visible()

    context.set_offline(False)
