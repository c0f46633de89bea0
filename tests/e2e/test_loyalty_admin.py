"""The city's side of Points Cœur de Ville (issue 12, point 7), on a Pixel 5: the ledger's audit, a shop's
rate and daily cap, the monthly statement with its CSV file, and unusual activity."""

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.e2e.flows import DEMO_ADMIN, heading, new_person, open_admin, sign_in_as, watch_for_csp_violations
from tests.e2e.loyalty_api import PARIS, account, open_counter, paris_month
from tests.e2e.test_text_zoom import enlarge_text

pytestmark = pytest.mark.e2e

TITLE = "Points Cœur de Ville"
MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
WEEKDAYS = "lundi mardi mercredi jeudi vendredi samedi dimanche".split()
SHORT_MONTHS = "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.".split()
# « Vérifié le 14 mai 2026 à 9 h 40 »
CHECKED_AT = r"Vérifié le \d{1,2}(er)?\s\S+ \d{4} à\s\d{1,2}\sh\s\d{2}"


def assert_accessible(page: Page, what: str) -> None:
    violations: list[dict[str, Any]] = Axe().run(page).response["violations"]
    blocking = [
        f"{v['id']}: {[node['target'] for node in v['nodes']]}"
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]
    assert not blocking, f"axe on {what}: {blocking}"


def loose(text: str) -> str:
    """A regular expression for `text` whose spaces may be the no-break ones French typography puts."""
    return r"\s".join(re.escape(part) for part in text.split(" "))


def month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year}"


def open_admin_loyalty(page: Page) -> None:
    open_admin(page)
    page.get_by_role("link", name=TITLE).click()
    expect(heading(page)).to_have_text(TITLE)
    expect(page.locator("[aria-busy='true']")).to_have_count(0)


def open_shop_settings(page: Page, shop_name: str):  # noqa: ANN201 (a Locator)
    settings = page.get_by_role("region", name="Réglages par commerce")
    settings.get_by_label("Nom du commerce").fill(shop_name)
    settings.get_by_role("button", name="Chercher").click()
    settings.get_by_role("button", name=f"Régler {shop_name}").click()
    form = settings.get_by_role("form", name=shop_name)
    expect(form).to_be_visible()
    return form


def test_the_admin_sets_a_shops_rate_and_cap_and_finds_them_after_a_reload(new_context, server: str) -> None:
    context: BrowserContext = new_context(base_url=server)
    counter = open_counter(context.request)
    page = context.new_page()
    problems = watch_for_csp_violations(page)
    sign_in_as(page, DEMO_ADMIN)
    open_admin_loyalty(page)

    form = open_shop_settings(page, counter.shop_name)
    expect(page.get_by_role("heading", name=counter.shop_name)).to_be_focused()
    rate, cap = (
        form.get_by_label("Points par euro dépensé"),
        form.get_by_label("Plafond par client et par jour"),
    )
    expect(rate).to_have_value("1")
    expect(cap).to_have_value("200")
    expect(form.get_by_label("Ce commerce participe au programme Points Cœur de Ville")).to_be_checked()
    expect(page.get_by_role("region", name="Réglages par commerce")).to_contain_text(
        "Réglages par défaut : jamais modifiés par la ville."
    )

    # A rate outside 1–10 is said next to its field, which takes the focus.
    rate.fill("12")
    form.get_by_role("button", name="Enregistrer les réglages").click()
    expect(form.locator("#loyalty-rate-error")).to_have_text("Indiquez un nombre entier de 1 à 10.")
    expect(rate).to_be_focused()
    expect(rate).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "the settings form with an error")

    rate.fill("3")
    cap.fill("450")
    form.get_by_role("button", name="Enregistrer les réglages").click()
    expect(form.get_by_role("status")).to_contain_text(
        re.compile(
            loose(f"Réglages de « {counter.shop_name} » enregistrés. 3 points par euro, au plus 450 points")
        )
    )
    kept = counter.settings()
    assert (kept["points_per_euro"], kept["daily_cap_points"], kept["enabled"]) == (3, 450, True)

    # The shop being set stays in the address: a reload shows its settings again, as saved.
    assert re.search(r"[?&]commerce=", page.url), page.url
    page.reload()
    expect(heading(page)).to_have_text(TITLE)
    form = page.get_by_role("region", name="Réglages par commerce").get_by_role(
        "form", name=counter.shop_name
    )
    expect(form.get_by_label("Points par euro dépensé")).to_have_value("3")
    expect(form.get_by_label("Plafond par client et par jour")).to_have_value("450")
    expect(page.get_by_role("region", name="Réglages par commerce")).to_contain_text(
        re.compile(r"Modifié le \d{1,2}(er)?\s\S+ \d{4} à\s\d{1,2}\sh\s\d{2}\.")
    )

    # Taking the shop out of the programme asks first; « Annuler » changes nothing.
    form.get_by_label("Ce commerce participe au programme Points Cœur de Ville").uncheck()
    form.get_by_role("button", name="Enregistrer les réglages").click()
    dialog = page.get_by_role("dialog", name=f"Retirer « {counter.shop_name} » du programme ?")
    expect(dialog).to_be_visible()
    assert_accessible(page, "the confirmation before taking a shop out")
    dialog.get_by_role("button", name="Annuler").click()
    expect(dialog).to_be_hidden()
    assert counter.settings()["enabled"] is True
    form.get_by_role("button", name="Enregistrer les réglages").click()
    dialog.get_by_role("button", name="Retirer du programme").click()
    expect(form.get_by_role("status")).to_contain_text("ne participe plus au programme")
    assert counter.settings()["enabled"] is False
    assert problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_admin_sees_the_ledger_healthy_and_checks_again(new_context, server: str, scheme: str) -> None:
    context: BrowserContext = new_context(base_url=server, color_scheme=scheme)
    page = context.new_page()
    problems = watch_for_csp_violations(page)
    sign_in_as(page, DEMO_ADMIN)
    open_admin_loyalty(page)

    audit = page.get_by_role("region", name="Contrôle du registre")
    verdict = audit.locator(".verdict")
    expect(verdict).to_contain_text("Registre sain")
    expect(verdict.locator("svg")).to_have_count(1)
    checks = audit.get_by_role("list", name="Contrôles").get_by_role("listitem")
    expect(checks).to_have_count(4)
    for index in range(4):
        expect(checks.nth(index)).to_contain_text("0 — conforme")
    for figure in ("Comptes", "Transactions", "Écritures", "Points en circulation"):
        expect(audit.locator("dt", has_text=figure).first).to_be_visible()
    expect(audit).to_contain_text(re.compile(CHECKED_AT))
    assert_accessible(page, f"the programme page ({scheme})")

    with page.expect_response(lambda r: r.url.endswith("/api/v1/admin/loyalty/audit")):
        audit.get_by_role("button", name="Vérifier à nouveau").click()
    expect(audit.get_by_role("status")).to_contain_text(re.compile(rf"^Registre sain — {CHECKED_AT}\.$"))
    audit.screenshot(path=f"test-results/loyalty-admin-audit-{scheme}.png")
    assert problems == []


def test_an_unhealthy_ledger_says_which_check_failed(new_context, server: str) -> None:
    # The page's own requests are answered here: no service worker in between.
    context: BrowserContext = new_context(base_url=server, service_workers="block")
    page = context.new_page()
    sign_in_as(page, DEMO_ADMIN)
    audit_answer = {
        "accounts": 12,
        "transactions": 40,
        "entries": 80,
        "mismatched_accounts": 0,
        "negative_accounts": 2,
        "unbalanced_transactions": 0,
        "explained_negative_accounts": 1,
        "doubly_reversed_transactions": 0,
        "points_outstanding": 1250,
        "checked_at": datetime.now(PARIS).isoformat(),
        "healthy": False,
    }

    def answer(route: Route) -> None:
        route.fulfill(status=200, content_type="application/json", body=json.dumps(audit_answer))

    page.route("**/api/v1/admin/loyalty/audit", answer)
    open_admin_loyalty(page)
    audit = page.get_by_role("region", name="Contrôle du registre")
    expect(audit.locator(".verdict")).to_contain_text("Anomalie dans le registre")
    expect(audit.locator("[data-check='negative_accounts']")).to_contain_text("2 — à examiner")
    expect(audit.locator("[data-check='mismatched_accounts']")).to_contain_text("0 — conforme")
    expect(audit.locator("dd", has_text=re.compile(r"^1\s250\spoints$"))).to_be_visible()
    assert_accessible(page, "an unhealthy audit")


def test_the_statement_lists_the_points_issued_and_its_csv_has_the_shop(new_context, server: str) -> None:
    context: BrowserContext = new_context(base_url=server)
    api = context.request
    counter = open_counter(api)
    shopper = account(api, new_person("Inès Roche"))
    earned = counter.earn(shopper, 2350)
    assert earned["points"] == 23
    month = paris_month()

    page = context.new_page()
    problems = watch_for_csp_violations(page)
    sign_in_as(page, DEMO_ADMIN)
    open_admin_loyalty(page)
    statement = page.get_by_role("region", name="Relevé mensuel")
    # By default, the last whole month.
    expect(statement.get_by_label("Mois du relevé")).not_to_have_value(month)
    statement.get_by_label("Mois du relevé").fill(month)
    statement.get_by_role("button", name="Afficher le relevé").click()
    table = statement.get_by_role("table")
    expect(
        statement.get_by_role("heading", name=f"Relevé de {month_label(month)}, en points")
    ).to_be_visible()
    expect(statement.get_by_role("region", name=f"Relevé de {month_label(month)}, en points")).to_be_visible()
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=counter.shop_name))
    expect(row.get_by_role("cell")).to_have_text(["23", "0", "0", "0", "0", "23"])
    expect(table.locator("tfoot").get_by_role("rowheader")).to_have_text("Total")
    assert f"mois={month}" in page.url
    assert_accessible(page, "the monthly statement")

    with page.expect_download() as downloading:
        statement.get_by_role("button", name="Télécharger le relevé (CSV)").click()
    download = downloading.value
    assert download.suggested_filename == f"releve-points-{month}.csv"
    lines = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("commerce;identifiant;points_emis;points_utilises")
    assert f"{counter.shop_name};{counter.shop_id};23;0;0;0;0;23" in lines
    expect(statement.get_by_role("status")).to_have_text(
        re.compile(loose(f"Relevé de {month_label(month)} téléchargé : releve-points-{month}.csv."))
    )

    # Text at 200 %: the page never scrolls sideways; the table scrolls inside its frame, no cell cut.
    enlarge_text(page, 200)
    frame = statement.locator(".table-scroll")
    expect(frame).to_be_visible()
    page.wait_for_function("() => parseFloat(getComputedStyle(document.body).fontSize) >= 32")
    layout = page.evaluate(
        """() => {
          const frame = document.querySelector('.table-scroll');
          const cut = [...frame.querySelectorAll('th, td'), document.querySelector('.statement-heading')]
            .filter((cell) => cell.scrollWidth > cell.clientWidth + 1
              || cell.scrollHeight > cell.clientHeight + 1)
            .map((cell) => cell.textContent);
          return {
            pageWidth: document.documentElement.scrollWidth,
            viewport: window.innerWidth,
            frameScrolls: frame.scrollWidth > frame.clientWidth,
            cut,
          };
        }"""
    )
    assert layout["pageWidth"] <= layout["viewport"], layout
    assert layout["cut"] == [], layout
    # Every column can be reached by scrolling the frame: the last one ends inside it.
    frame.scroll_into_view_if_needed()
    frame.evaluate("(el) => { el.scrollLeft = el.scrollWidth; }")
    last = table.get_by_role("columnheader", name="Solde du mois")
    expect(last).to_be_in_viewport()
    frame_box, last_box = frame.bounding_box(), last.bounding_box()
    assert frame_box is not None and last_box is not None
    assert last_box["x"] + last_box["width"] <= frame_box["x"] + frame_box["width"] + 1
    frame.evaluate("(el) => { el.scrollLeft = 0; }")
    page.screenshot(path="test-results/loyalty-admin-statement-200.png")
    assert problems == []


def test_six_earns_in_a_day_at_one_shop_are_listed_as_unusual(new_context, server: str) -> None:
    context: BrowserContext = new_context(base_url=server)
    api = context.request
    counter = open_counter(api)
    shopper = account(api, new_person("Léo Martin"))
    for _ in range(6):
        counter.earn(shopper, 150)

    page = context.new_page()
    sign_in_as(page, DEMO_ADMIN)
    open_admin_loyalty(page)
    unusual = page.get_by_role("region", name="Activité inhabituelle")
    card = unusual.get_by_role("article", name=counter.shop_name)
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Gains répétés")
    expect(card).to_contain_text("6 gains le même jour pour un même client dans ce commerce.")
    expect(card.locator(".member-ref")).to_have_text(re.compile(r"^M-[0-9A-F]{8}$"))
    today = datetime.now(PARIS)
    day_number = "1er" if today.day == 1 else str(today.day)
    day = f"{WEEKDAYS[today.weekday()].capitalize()} {day_number}\u00a0{SHORT_MONTHS[today.month - 1]}"
    expect(card.locator("dd").first).to_have_text(day)
    expect(card).to_contain_text("6 points")
    assert_accessible(page, "unusual activity")

    # From the activity straight to the shop's rate and cap.
    card.get_by_role("button", name=f"Régler ce commerce {counter.shop_name}").click()
    settings_heading = page.get_by_role("region", name="Réglages par commerce").get_by_role(
        "heading", name=counter.shop_name
    )
    expect(settings_heading).to_be_focused()


def test_no_unusual_activity_says_so(new_context, server: str) -> None:
    context: BrowserContext = new_context(base_url=server, service_workers="block")
    page = context.new_page()
    sign_in_as(page, DEMO_ADMIN)
    page.route(
        "**/api/v1/admin/loyalty/unusual?days=30",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body='{"results": [], "next_cursor": null}'
        ),
    )
    open_admin_loyalty(page)
    unusual = page.get_by_role("region", name="Activité inhabituelle")
    expect(unusual.get_by_role("heading", name="Aucune activité inhabituelle")).to_be_visible()
    expect(unusual).to_contain_text("Rien à signaler sur les 30 derniers jours")
    expect(unusual.get_by_role("article")).to_have_count(0)


def test_the_programme_page_is_for_admins_only(new_context, server: str) -> None:
    context: BrowserContext = new_context(base_url=server)
    page = context.new_page()
    page.goto("/admin/fidelite")
    expect(heading(page)).to_have_text(TITLE)
    expect(page.get_by_text("Connectez-vous avec un compte de la ville")).to_be_visible()
    person = new_person("Camille Martin")
    account(context.request, person)
    sign_in_as(page, person)
    page.goto("/admin/fidelite")
    expect(page.get_by_text("Cette page est réservée à l’administration de la ville.")).to_be_visible()
    expect(page.get_by_role("region", name="Contrôle du registre")).to_have_count(0)
