"""Opening hours without the syntax: the merchant builds the week in the editor, the shop page shows it."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.e2e.conftest import REPO, valence_server
from tests.e2e.flows import DEMO_MERCHANT, heading, open_merchant_space, sign_in_as
from tests.servers import valence

pytestmark = pytest.mark.e2e

# The demo merchant's first shop opens Tuesday to Saturday and Sunday morning (see api/shops/demo.py).
SHOP = "Épicerie fine Moulin"
DAYS = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"]
WEEK = "9 h – 12 h 30, 14 h – 19 h"
WEEK_PATTERN = WEEK.replace(" ", r"\s")  # the page keeps times together with no-break spaces
WRITTEN = "Mo-Sa 09:00-12:30,14:00-19:00; PH off"
SCREENSHOTS = REPO / "test-results" / "hours"


@pytest.fixture(scope="module")
def hours_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of its own: these tests change the demo merchant's hours, which other tests read."""
    workdir: Path = tmp_path_factory.mktemp("hours-server")
    result = valence("demo", "load", database_url=f"sqlite:///{workdir / 'e2e.db'}", cwd=workdir)
    assert result.returncode == 0, result.stderr
    with valence_server(workdir) as base_url:
        yield base_url


def _open_shop(page: Page) -> Locator:
    sign_in_as(page, DEMO_MERCHANT)
    open_merchant_space(page)
    page.locator(".card-list .card-link", has_text=SHOP).click()
    expect(heading(page)).to_have_text(SHOP)
    hours = page.get_by_role("region", name="Horaires")
    expect(hours.get_by_role("group", name="Jours et plages horaires")).to_be_visible()
    return hours


def _day(hours: Locator, name: str) -> Locator:
    return hours.get_by_role("group", name=name, exact=True)


def _table_rows(table: Locator) -> Locator:
    return table.locator("tr")


def _expect_week(table: Locator) -> None:
    expect(_table_rows(table)).to_have_text(
        [
            *(re.compile(rf"^{day}\s*{WEEK_PATTERN}$") for day in DAYS[:6]),
            "DimancheFermé",
            "Jours fériésFermé",
        ]
    )


def _no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.clientWidth")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def test_merchant_builds_the_week_without_the_syntax(new_context, hours_server: str) -> None:
    context: BrowserContext = new_context(base_url=hours_server)
    page = context.new_page()
    hours = _open_shop(page)
    text = hours.get_by_label("Horaires d’ouverture")
    # The saved hours are in the editor: Monday closed, Tuesday with its lunch break.
    expect(text).to_have_value("Tu-Sa 08:30-12:30,15:00-19:30; Su 09:00-12:30; PH off")
    expect(hours.get_by_label("Lundi : Fermé")).to_be_checked()
    expect(hours.get_by_label("Mardi, ouverture 2")).to_have_value("15:00")

    # Monday: open, 9:00–12:30, then a second slot after lunch, typed on the keyboard.
    hours.get_by_label("Lundi : Fermé").uncheck()
    monday = _day(hours, "Lundi")
    monday.get_by_label("Lundi, ouverture 1").fill("09:00")
    monday.get_by_label("Lundi, fermeture 1").fill("12:30")
    monday.get_by_role("button", name="Ajouter une plage (lundi)").click()
    expect(monday.get_by_label("Lundi, ouverture 2")).to_be_focused()
    page.keyboard.type("1400")
    monday.get_by_label("Lundi, fermeture 2").fill("19:00")
    expect(text).to_have_value(
        "Mo 09:00-12:30,14:00-19:00; Tu-Sa 08:30-12:30,15:00-19:30; Su 09:00-12:30; PH off"
    )

    # « Copier » puts Monday on Tuesday to Saturday.
    copy = monday.get_by_role("button", name="Copier les horaires du lundi", exact=True)
    copy.click()
    expect(copy).to_have_attribute("aria-expanded", "true")
    choices = monday.get_by_role("group", name="Copier les horaires du lundi")
    expect(choices.get_by_role("button", name="Sur tous les autres jours")).to_be_focused()
    choices.get_by_role("button", name="Du lundi au samedi").click()
    expect(hours.get_by_text("Horaires du lundi copiés : du lundi au samedi.")).to_be_visible()
    expect(copy).to_be_focused()
    for day in DAYS[1:6]:
        expect(hours.get_by_label(f"{day}, ouverture 1")).to_have_value("09:00")
        expect(hours.get_by_label(f"{day}, fermeture 2")).to_have_value("19:00")

    # Sunday closed, holidays closed.
    hours.get_by_label("Dimanche : Fermé").check()
    expect(hours.get_by_label("Dimanche, ouverture 1")).to_have_count(0)
    hours.get_by_label("Les jours fériés, le commerce est ouvert").select_option(label="Comme le lundi")
    expect(text).to_have_value("Mo-Sa 09:00-12:30,14:00-19:00; PH 09:00-12:30,14:00-19:00")
    hours.get_by_label("Les jours fériés, le commerce est ouvert").select_option(label="Fermé")
    expect(text).to_have_value(WRITTEN)

    # The preview is the week as a table, and the server agrees with the string.
    preview = hours.get_by_role("region", name="Aperçu de la semaine")
    _expect_week(preview.get_by_role("table"))
    expect(text).not_to_have_attribute("aria-invalid", "true")
    _no_horizontal_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    hours.screenshot(path=SCREENSHOTS / "editeur.png", animations="disabled", caret="hide")

    with page.expect_response(lambda r: "/api/v1/shops/" in r.url and r.request.method == "PATCH") as saved:
        hours.get_by_role("button", name="Enregistrer les horaires").click()
    assert saved.value.status == 200
    assert saved.value.json()["opening_hours"] == WRITTEN
    expect(hours.get_by_text("Horaires enregistrés.")).to_be_visible()
    shop_path = urlpath(page.url)

    # Back later, the editor shows the same week.
    page.reload()
    hours = page.get_by_role("region", name="Horaires")
    expect(hours.get_by_label("Horaires d’ouverture")).to_have_value(WRITTEN)
    for day in DAYS[:6]:
        expect(hours.get_by_label(f"{day} : Fermé")).not_to_be_checked()
        for label, value in (("ouverture 1", "09:00"), ("fermeture 1", "12:30"), ("ouverture 2", "14:00")):
            expect(hours.get_by_label(f"{day}, {label}")).to_have_value(value)
        expect(hours.get_by_label(f"{day}, fermeture 2")).to_have_value("19:00")
    expect(hours.get_by_label("Dimanche : Fermé")).to_be_checked()
    expect(hours.get_by_label("Les jours fériés, le commerce est ouvert")).to_have_value("off")

    # The public page shows the usual week, holidays included.
    page.goto(shop_path.replace("/commerce/", "/boutique/"))
    expect(heading(page)).to_have_text(SHOP)
    public = page.get_by_role("region", name="Horaires")
    public.get_by_text("Semaine type et jours fériés").click()
    usual = public.get_by_role("table", name="Semaine type, jours fériés compris")
    _expect_week(usual)
    _no_horizontal_scroll(page)
    public.screenshot(path=SCREENSHOTS / "boutique.png", animations="disabled", caret="hide")


def urlpath(url: str) -> str:
    return "/" + url.split("/", 3)[3].split("?")[0]


def test_text_and_editor_follow_each_other(new_context, hours_server: str) -> None:
    context: BrowserContext = new_context(base_url=hours_server)
    page = context.new_page()
    hours = _open_shop(page)
    text = hours.get_by_label("Horaires d’ouverture")
    editor = hours.get_by_role("group", name="Jours et plages horaires")

    # Typed OpenStreetMap text the editor can show updates it.
    text.fill("Mo-Fr 08:00-18:00; Sa 09:00-12:00; PH off")
    expect(hours.get_by_label("Vendredi, fermeture 1")).to_have_value("18:00")
    expect(hours.get_by_label("Samedi, fermeture 1")).to_have_value("12:00")
    expect(hours.get_by_label("Dimanche : Fermé")).to_be_checked()

    # Text it cannot show stays the only description, and says so.
    text.fill('Mo-Fr 08:00-18:00; Sa 09:00-12:00 "sur rendez-vous"')
    expect(editor).to_be_hidden()
    expect(hours.get_by_text("l’éditeur montre seulement le texte avancé ci-dessous")).to_be_visible()
    expect(page.locator("#edit-hours-week")).to_contain_text("Lundi : 8 h – 18 h")

    # French is read back into the editor once the merchant accepts it.
    text.fill("du lundi au samedi 9h-12h30 et 14h-19h, fermé le dimanche et les jours fériés")
    expect(page.locator("#edit-hours-error")).to_contain_text("Mo-Sa 09:00-19:00")
    expect(hours.get_by_text("l’éditeur montre seulement le texte avancé")).to_be_hidden()
    hours.get_by_role("button", name=f"Utiliser « {WRITTEN} »").click()
    expect(text).to_have_value(WRITTEN)
    expect(editor).to_be_visible()
    _expect_week(hours.get_by_role("region", name="Aperçu de la semaine").get_by_role("table"))

    # An unfinished slot is said in the editor, and nothing is sent.
    _day(hours, "Lundi").get_by_role("button", name="Ajouter une plage (lundi)").click()
    expect(
        hours.get_by_text("Lundi : indiquez l’heure d’ouverture et de fermeture de la plage 3.")
    ).to_be_visible()
    hours.get_by_role("button", name="Enregistrer les horaires").click()
    expect(hours.get_by_role("alert")).to_contain_text("corrigez-les avant d’enregistrer")
    expect(text).to_have_value(WRITTEN)
    _day(hours, "Lundi").get_by_role("button", name="Retirer la plage 3 (lundi)").click()
    expect(_day(hours, "Lundi").get_by_role("button", name="Ajouter une plage (lundi)")).to_be_focused()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_editor_is_accessible_and_fits_at_200_percent_text(
    new_context, hours_server: str, scheme: str
) -> None:
    context: BrowserContext = new_context(base_url=hours_server, color_scheme=scheme)
    page = context.new_page()
    hours = _open_shop(page)
    copy = _day(hours, "Mardi").get_by_role("button", name="Copier les horaires du mardi", exact=True)
    copy.click()
    page.keyboard.press("Escape")
    expect(copy).to_be_focused()
    expect(copy).to_have_attribute("aria-expanded", "false")
    copy.press("Enter")
    expect(page.get_by_role("button", name="Sur tous les autres jours")).to_be_focused()
    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in {"serious", "critical"}]
    assert not blocking, blocking
    # Text at 200 %: the days stack and nothing scrolls sideways.
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    expect(hours.get_by_label("Mardi, ouverture 1")).to_be_visible()
    _no_horizontal_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    _day(hours, "Mardi").screenshot(path=SCREENSHOTS / f"mardi-200-{scheme}.png", animations="disabled")
