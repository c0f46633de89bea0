"""A shopper's first minute on a Pixel 5: results in view at once, and the search kept on the way back."""

import re
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.e2e.flows import (
    CITY_CENTRE,
    heading,
    open_filters,
    query_param,
    result_cards,
    search_box,
    search_for,
    wait_for_results,
)

pytestmark = pytest.mark.e2e

BACK_TO_SEARCH = "← Retour à la recherche"
MATCH_MARK = "Correspond à votre recherche"


@pytest.fixture
def located(new_context, server: str) -> Page:
    """A person in the city centre who lets the app use their position."""
    context: BrowserContext = new_context(
        base_url=server, permissions=["geolocation"], geolocation=CITY_CENTRE
    )
    return context.new_page()


@pytest.fixture
def page(new_context, server: str) -> Page:
    """A person who has not allowed geolocation: asking for it is refused."""
    context: BrowserContext = new_context(base_url=server)
    return context.new_page()


def _visible_band(page: Page, element: Locator) -> dict[str, Any]:
    """Where `element` is, and the band a person sees: below the sticky search bar, above the tab bar."""
    return element.evaluate(
        """(element) => {
          const box = element.getBoundingClientRect();
          const bar = document.querySelector('.search-form').getBoundingClientRect();
          const tabs = document.querySelector('.bottom-bar').getBoundingClientRect();
          return {
            top: box.top, bottom: box.bottom,
            from: Math.max(0, bar.bottom), to: Math.min(window.innerHeight, tabs.top),
            scrollY: window.scrollY,
          };
        }"""
    )


def assert_in_view(page: Page, element: Locator) -> None:
    band = _visible_band(page, element)
    assert band["from"] <= band["top"] and band["bottom"] <= band["to"], band


def assert_first_card_in_view_without_scrolling(page: Page) -> None:
    card = result_cards(page).first
    expect(card).to_be_visible()
    band = _visible_band(page, card)
    assert band["scrollY"] == 0, band
    assert_in_view(page, card)


def _search_requests_with_position(page: Page):  # type: ignore[no-untyped-def]
    return page.expect_response(lambda r: "/api/v1/search" in r.url and query_param(r.url, "lat") is not None)


def test_first_card_in_view_with_location_granted(located: Page) -> None:
    page = located
    page.goto("/")
    wait_for_results(page)
    search_for(page, "pain")
    assert_first_card_in_view_without_scrolling(page)
    # Once there are results, the explanation is one tap away instead of filling the screen.
    why = page.get_by_text("seules sa latitude et sa longitude partent avec la recherche")
    expect(why).to_be_hidden()
    page.get_by_role("button", name="Pourquoi ?").click()
    expect(why).to_be_visible()
    page.get_by_role("button", name="Pourquoi ?").click()

    with _search_requests_with_position(page):
        page.get_by_role("button", name="Utiliser ma position").click()
    expect(page.get_by_role("heading", name="Autour de vous")).to_be_visible()
    wait_for_results(page)
    assert_first_card_in_view_without_scrolling(page)

    # A filter chosen, one button says how many results it leaves and goes to them.
    _choose_category(page, "Boulangerie-pâtisserie", "boulangerie")
    count = result_cards(page).count()
    show = page.get_by_role("button", name=f"Voir {count} résultats")
    show.click()
    expect(page.locator("details.filters")).not_to_have_attribute("open", "")
    expect(result_cards(page).first.get_by_role("link")).to_be_focused()
    assert_in_view(page, result_cards(page).first)

    # The search bar stays at the top while the results scroll, and never hides what has the focus.
    cards = result_cards(page)
    cards.nth(8).scroll_into_view_if_needed()
    expect(search_box(page)).to_be_in_viewport()
    assert page.evaluate("() => window.scrollY") > 0
    link = cards.nth(3).get_by_role("link")
    link.focus()
    assert_in_view(page, link)


def test_first_card_in_view_with_location_refused(page: Page) -> None:
    page.goto("/")
    wait_for_results(page)
    search_for(page, "pain")
    assert_first_card_in_view_without_scrolling(page)

    with _search_requests_with_position(page):
        page.get_by_role("button", name="Utiliser ma position").click()
    expect(page.get_by_text("Votre position n’est pas disponible")).to_be_visible()
    wait_for_results(page)
    expect(result_cards(page).first.locator(".result-meta")).to_contain_text("du centre-ville")
    assert_first_card_in_view_without_scrolling(page)
    # How to allow it is there, folded.
    page.get_by_role("button", name="Comment faire ?").click()
    expect(page.get_by_text("dans les réglages du navigateur")).to_be_visible()


def _choose_category(page: Page, label: str, slug: str) -> None:
    open_filters(page)
    with page.expect_response(lambda r: "/api/v1/search" in r.url and query_param(r.url, "category") == slug):
        page.get_by_label("Catégorie").select_option(label=label)
    wait_for_results(page)


def test_back_from_a_shop_restores_query_filters_and_scroll(page: Page) -> None:
    page.goto("/")
    wait_for_results(page)
    search_for(page, "pain")
    _choose_category(page, "Boulangerie-pâtisserie", "boulangerie")
    expect(page).to_have_url(re.compile(r"/\?q=pain&categorie=boulangerie$"))

    cards = result_cards(page)
    target = cards.nth(6)
    # Scrolled down the list until that card is in the middle of the screen, as a person would tap it.
    target.evaluate("(card) => window.scrollTo(0, card.getBoundingClientRect().top + window.scrollY - 300)")
    page.wait_for_function("() => window.scrollY > 300")
    assert_in_view(page, target)
    scroll_y = page.evaluate("() => window.scrollY")
    name = target.get_by_role("link").inner_text()
    target.get_by_role("link").click()
    expect(heading(page)).to_have_text(name)

    for way_back in ("link", "browser"):
        if way_back == "link":
            page.get_by_role("link", name=BACK_TO_SEARCH).click()
        else:
            page.go_back()
        expect(heading(page)).to_have_text("Rechercher")
        expect(page).to_have_url(re.compile(r"/\?q=pain&categorie=boulangerie$"))
        expect(search_box(page)).to_have_value("pain")
        expect(page.get_by_label("Catégorie")).to_have_value("boulangerie")
        expect(cards.nth(6).get_by_role("link")).to_have_text(name)
        page.wait_for_function("(y) => Math.abs(window.scrollY - y) <= 2", arg=scroll_y)
        # The shop just seen has the focus back, in view.
        expect(cards.nth(6).get_by_role("link")).to_be_focused()
        assert_in_view(page, cards.nth(6).get_by_role("link"))
        if way_back == "link":
            cards.nth(6).get_by_role("link").click()
            expect(heading(page)).to_have_text(name)


def test_a_shared_search_url_reproduces_the_results(page: Page) -> None:
    shared = "/?q=pain&categorie=boulangerie&type=produits"
    expected = page.request.get(
        "/api/v1/search", params={"q": "pain", "category": "boulangerie", "kind": "product", "limit": 20}
    ).json()["results"]
    assert len(expected) > 3

    page.goto(shared)
    wait_for_results(page)
    expect(search_box(page)).to_have_value("pain")
    expect(page.locator(".filter-count")).to_have_text(" · 2 actifs")
    names = result_cards(page).locator(".result-name").all_inner_texts()
    assert names == [result["shop"]["name"] for result in expected]
    assert_first_card_in_view_without_scrolling(page)
    # The results' links name the search too, so a shop page shared from here knows what was looked for.
    href = result_cards(page).first.get_by_role("link").get_attribute("href") or ""
    assert href.endswith("?q=pain&type=produits"), href


def _matched_rows(page: Page) -> Locator:
    return page.locator("ul.item-list > li.is-match")


def test_matched_items_first_and_marked_on_the_shop_page(page: Page) -> None:
    page.goto("/")
    wait_for_results(page)
    search_for(page, "pain")
    card = result_cards(page).first
    matched = card.locator(".matched-items .item-name").all_inner_texts()
    assert matched
    name = card.get_by_role("link").inner_text()
    card.get_by_role("link").click()
    expect(heading(page)).to_have_text(name)

    rows = page.locator("ul.item-list > li")
    expect(rows.first).to_contain_text(MATCH_MARK)
    marked = _matched_rows(page)
    count = marked.count()
    assert count >= len(matched)
    # They come first, before every other item, and are exactly those the search found.
    for index in range(count):
        expect(rows.nth(index)).to_have_class(re.compile(r"\bis-match\b"))
    expect(rows.nth(count)).not_to_have_class(re.compile(r"\bis-match\b"))
    marked_names = marked.locator(".item-name").all_inner_texts()
    assert marked_names[: len(matched)] == matched
    assert all(re.search(r"pain", text, re.IGNORECASE) for text in marked_names), marked_names
    expect(page.locator(".match-note")).to_contain_text(f"{count} articles correspondent à « pain »")
    # Nothing is listed twice when the marked items turn up in the pages.
    while page.get_by_role("button", name="Voir plus d’articles").count():
        before = rows.count()
        page.get_by_role("button", name="Voir plus d’articles").click()
        expect(rows).not_to_have_count(before)
    all_names = rows.locator(".item-name").all_inner_texts()
    assert len(all_names) == len(set(all_names)), all_names

    # The same page from a shared link marks the same items.
    url = page.url
    page.goto(url)
    expect(_matched_rows(page).first).to_be_visible()
    assert _matched_rows(page).locator(".item-name").all_inner_texts() == marked_names

    # Opened directly, without a search, it is the plain catalogue.
    page.goto(url.split("?")[0])
    expect(rows.first).to_be_visible()
    expect(rows).to_have_count(12)
    expect(_matched_rows(page)).to_have_count(0)
    expect(page.get_by_text(MATCH_MARK)).to_have_count(0)
    # And its way back is a plain search.
    page.get_by_role("link", name=BACK_TO_SEARCH).click()
    expect(heading(page)).to_have_text("Rechercher")
    expect(search_box(page)).to_have_value("")


def test_no_in_stock_on_services(page: Page) -> None:
    page.goto("/")
    wait_for_results(page)
    search_for(page, "ressemelage")
    expect(page.locator("ol.results")).not_to_contain_text("En stock")
    card = result_cards(page).first
    card.get_by_role("link").click()

    marked = _matched_rows(page)
    expect(marked.first).to_be_visible()
    expect(marked.first).to_have_attribute("data-kind", "service")
    services = page.locator("ul.item-list > li[data-kind=service]")
    expect(services.first).to_be_visible()
    for text in services.all_inner_texts():
        assert "En stock" not in text, text
    products = page.locator("ul.item-list > li[data-kind=product]")
    expect(products.first.locator(".stock-in, .stock-out")).to_have_text(re.compile(r"^En (stock|rupture)$"))
