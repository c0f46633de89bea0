"""The shell: nothing inline for the CSP, one heading per screen, and the bottom navigation."""

import re
import urllib.request
from html.parser import HTMLParser

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from tests.e2e.flows import SECTIONS, bottom_nav, heading, open_section

pytestmark = pytest.mark.e2e


class _InlineFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script" and "src" not in names:
            self.problems.append("inline <script>")
        if "style" in names:
            self.problems.append(f"style attribute on <{tag}>")
        self.problems.extend(f"{name} handler on <{tag}>" for name in names if name.startswith("on"))


def test_built_shell_has_nothing_inline(server: str) -> None:
    with urllib.request.urlopen(f"{server}/carte", timeout=5) as response:  # noqa: S310
        csp = response.headers["Content-Security-Policy"]
        html = response.read().decode()
    assert "script-src 'self'" in csp
    finder = _InlineFinder()
    finder.feed(html)
    assert finder.problems == []
    assert '<html lang="fr"' in html
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html


@pytest.fixture
def page(new_context, server: str) -> Page:
    context: BrowserContext = new_context(base_url=server)
    return context.new_page()


def test_every_section_renders_under_the_csp(page: Page) -> None:
    errors: list[str] = []

    def record(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", record)
    page.on("pageerror", lambda error: errors.append(str(error)))
    for path, title in SECTIONS.items():
        open_section(page, path)
        expect(page.locator("h1")).to_have_count(1)
        expect(heading(page)).to_have_text(title)
        expect(page).to_have_title(re.compile("Cœur de Valence"))
    open_section(page, "/nulle-part")
    assert errors == []


def test_bottom_navigation_marks_the_current_section(page: Page, server: str) -> None:
    open_section(page, "/")
    nav = bottom_nav(page)
    for label, path in [
        ("Offres", "/offres"),
        ("Fidélité", "/fidelite"),
        ("Carte", "/carte"),
        ("Compte", "/compte"),
        ("Rechercher", "/"),
    ]:
        link = nav.get_by_role("link", name=label)
        link.click()
        expect(page).to_have_url(re.compile(re.escape(server + path) + "$"))
        expect(heading(page)).to_have_text(SECTIONS[path])
        expect(heading(page)).to_be_focused()
        expect(link).to_have_attribute("aria-current", "page")
        expect(nav.locator("[aria-current]")).to_have_count(1)
        box = link.bounding_box()
        assert box is not None and box["width"] >= 44 and box["height"] >= 44

    page.go_back()
    expect(heading(page)).to_have_text("Compte")


def test_skip_link_moves_to_the_content(page: Page) -> None:
    open_section(page, "/offres")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu principal")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_content_stays_clear_of_the_bottom_navigation(page: Page) -> None:
    open_section(page, "/compte")
    page.get_by_role("tab", name="Créer un compte").click()
    submit = page.get_by_role("button", name="Créer mon compte")
    submit.scroll_into_view_if_needed()
    page.mouse.wheel(0, 5000)
    expect(submit).to_be_in_viewport()
    button_box, nav_box = submit.bounding_box(), bottom_nav(page).bounding_box()
    assert button_box is not None and nav_box is not None
    assert button_box["y"] + button_box["height"] <= nav_box["y"]
