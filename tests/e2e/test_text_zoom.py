"""Text enlarged to 200 % (the browser's font size setting, RGAA 10.4) on a Pixel 5: nothing is lost.

The bottom navigation stays one row: five tabs while the labels fit, otherwise the current section and a
« Menu » that lists every section. A name with no place to break never widens the page.
"""

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.flows import bottom_nav, heading

pytestmark = pytest.mark.e2e

DEFAULT_FONT_PX = 16
SECTIONS = ("Rechercher", "Offres", "Fidélité", "Carte", "Compte")


def enlarge_text(page: Page, percent: int) -> None:
    """What a person does in Chromium's settings: a larger default font size, not a page zoom."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": DEFAULT_FONT_PX * percent // 100}})


def visible_boxes(locator: Locator) -> list[dict[str, float]]:
    boxes = []
    for index in range(locator.count()):
        box = locator.nth(index).bounding_box()
        if locator.nth(index).is_visible() and box is not None:
            boxes.append(box)
    return boxes


def assert_one_row_with_whole_labels(page: Page) -> None:
    nav = bottom_nav(page)
    controls = visible_boxes(nav.locator("li a, .tab-menu"))
    assert controls, "the bar shows something"
    middles = {round(box["y"] + box["height"] / 2) for box in controls}
    assert max(middles) - min(middles) <= 2, f"one row of controls, got rows at {sorted(middles)}"
    viewport = page.viewport_size
    assert viewport is not None
    bar = nav.bounding_box()
    assert bar is not None and bar["height"] <= 0.12 * viewport["height"], f"bar height {bar}"
    cut = page.evaluate(
        """() => [...document.querySelectorAll('.tab-bar .tab-label, .tab-menu')]
              .filter((el) => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
              .map((el) => el.textContent)"""
    )
    assert cut == [], f"labels cut short: {cut}"


def test_at_200_percent_text_the_navigation_is_one_row_and_lists_every_section(
    page: Page, server: str
) -> None:
    page.goto(server + "/")
    expect(heading(page)).to_be_visible()
    nav = bottom_nav(page)
    # At the default size, the five tabs and no menu.
    assert_one_row_with_whole_labels(page)
    for name in SECTIONS:
        expect(nav.get_by_role("link", name=name)).to_be_visible()
    expect(nav.get_by_role("button", name="Menu")).to_be_hidden()

    enlarge_text(page, 200)
    menu = nav.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    assert_one_row_with_whole_labels(page)
    expect(nav.get_by_role("link", name="Rechercher")).to_be_visible()

    # The menu lists every section, each label whole and on screen; Escape closes it.
    menu.click()
    expect(nav.get_by_role("button", name="Fermer le menu")).to_have_attribute("aria-expanded", "true")
    for name in SECTIONS:
        link = nav.get_by_role("link", name=name)
        expect(link).to_be_in_viewport()
    expect(nav.get_by_role("link", name="Rechercher")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_be_focused()
    expect(nav.get_by_role("link", name="Compte")).to_be_hidden()

    # Choosing a section from the menu goes there and closes the menu.
    menu.click()
    nav.get_by_role("link", name="Compte").click()
    expect(page).to_have_url(server + "/compte")
    expect(nav.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")
    assert_one_row_with_whole_labels(page)

    # Back to the default size, the five tabs come back.
    enlarge_text(page, 100)
    expect(nav.get_by_role("button", name="Menu")).to_be_hidden()
    assert_one_row_with_whole_labels(page)
    nav.get_by_role("link", name="Rechercher").click()
    expect(page).to_have_url(server + "/")
