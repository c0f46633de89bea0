"""Rechercher: as you type, around the person or the city centre, filters, pages, list and map."""

import contextlib
import json
import re

import pytest
from playwright.sync_api import BrowserContext, Error, Page, Request, expect

from tests.e2e.conftest import TileServer
from tests.e2e.flows import (
    CITY_CENTRE,
    card_distances_m,
    heading,
    open_filters,
    query_param,
    result_cards,
    result_count,
    search_box,
    search_for,
    wait_for_results,
    watch_for_csp_violations,
)

pytestmark = pytest.mark.e2e


def _is_search(request: Request) -> bool:
    return "/api/v1/search" in request.url


@pytest.fixture
def located(new_context, server: str) -> Page:
    """A person in the city centre who lets the app use their position."""
    context: BrowserContext = new_context(
        base_url=server, permissions=["geolocation"], geolocation=CITY_CENTRE
    )
    return context.new_page()


@pytest.fixture
def page(new_context, server: str) -> Page:
    """A person who has not allowed geolocation."""
    context: BrowserContext = new_context(base_url=server)
    return context.new_page()


def test_search_as_you_type_around_me(located: Page) -> None:
    page = located
    page.goto("/")
    wait_for_results(page)
    # Why, before asking.
    expect(page.get_by_text("seules sa latitude et sa longitude partent avec la recherche")).to_be_visible()

    with page.expect_request(lambda r: _is_search(r) and query_param(r.url, "lat") is not None) as near:
        page.get_by_role("button", name="Utiliser ma position").click()
    assert query_param(near.value.url, "lat") == "44.9334"
    assert query_param(near.value.url, "lon") == "4.8924"
    expect(page.get_by_role("heading", name="Autour de vous")).to_be_visible()
    wait_for_results(page)

    # Typing key by key sends one request for the whole word, not one per key.
    sent: list[str] = []
    page.on("request", lambda r: sent.append(query_param(r.url, "q") or "") if _is_search(r) else None)
    with page.expect_response(lambda r: _is_search(r) and query_param(r.url, "q") == "croissant"):
        search_box(page).press_sequentially("croissant")
    wait_for_results(page)
    assert 1 <= len(sent) < len("croissant"), sent
    assert sent[-1] == "croissant"

    first = result_cards(page).first
    expect(first.locator(".result-meta")).to_contain_text(re.compile(r"à \d+\s?m"))
    expect(first.locator(".matched-items")).to_contain_text(re.compile("croissant", re.IGNORECASE))
    expect(first.locator(".matched-items .price").first).to_have_text(re.compile(r"^\d+,\d{2}\s€$"))
    expect(first.locator(".status-badge")).to_have_text(
        re.compile(r"^(Ouvert|Fermé|Horaires non renseignés)$")
    )
    expect(page.locator(".stock-out").first).to_have_text("en rupture")

    # Nearest first, then within 500 m.
    open_filters(page)
    with page.expect_request(lambda r: _is_search(r) and query_param(r.url, "sort") == "distance"):
        page.get_by_text("Distance", exact=True).click()
    wait_for_results(page)
    distances = card_distances_m(page)
    assert distances == sorted(distances)
    with page.expect_request(lambda r: _is_search(r) and query_param(r.url, "radius_m") == "500"):
        page.get_by_label("Distance maximale").select_option(label="500 m")
    wait_for_results(page)
    assert all(distance <= 500 for distance in card_distances_m(page))
    expect(page).to_have_url(re.compile(r"\?q=croissant&rayon=500&tri=distance&autour=1$"))

    # A reload finds the same search, around the person again, without asking twice.
    page.reload()
    expect(search_box(page)).to_have_value("croissant")
    expect(page.get_by_role("heading", name="Autour de vous")).to_be_visible()
    wait_for_results(page)

    # The whole card opens the shop; back returns to the same results.
    name = first.get_by_role("link").inner_text()
    first.click(position={"x": 24, "y": 100})  # on the address line, far from the name
    expect(heading(page)).to_have_text(name)
    expect(heading(page)).to_be_focused()
    page.go_back()
    expect(search_box(page)).to_have_value("croissant")
    expect(result_cards(page).first.get_by_role("link")).to_have_text(name)


def test_only_the_latest_query_is_shown(page: Page) -> None:
    page.goto("/")
    wait_for_results(page)
    held = []
    page.route(
        lambda url: "/api/v1/search" in url and query_param(url, "q") == "pain",
        lambda route: held.append(route),
    )
    with page.expect_request(lambda r: _is_search(r) and query_param(r.url, "q") == "pain") as slow:
        search_box(page).fill("pain")
    # The next query aborts the one still waiting; its late answer can never replace the new results.
    with page.expect_event("requestfailed", lambda r: r is slow.value):
        search_for(page, "clé minute")
    for route in held:
        with contextlib.suppress(Error):
            route.continue_()
    expect(result_cards(page).first).to_be_visible()
    categories = result_cards(page).locator(".result-meta").all_inner_texts()
    assert categories and all(
        re.search(r"Serrurerie|Cordonnerie|Quincaillerie", text) for text in categories
    ), categories


def test_refused_position_falls_back_to_the_city_centre(page: Page) -> None:
    page.goto("/")
    wait_for_results(page)
    with page.expect_request(lambda r: _is_search(r) and query_param(r.url, "lat") is not None) as near:
        page.get_by_role("button", name="Utiliser ma position").click()
    assert (query_param(near.value.url, "lat"), query_param(near.value.url, "lon")) == ("44.9334", "4.8924")
    expect(page.get_by_text("Votre position n’est pas disponible")).to_be_visible()
    wait_for_results(page)

    search_for(page, "réparation vélo")
    expect(result_cards(page).first.locator(".result-meta")).to_contain_text("du centre-ville")
    metas = result_cards(page).locator(".result-meta").all_inner_texts()
    assert any("Réparation de vélos" in meta for meta in metas), metas

    # Searching everywhere again is one tap away.
    with page.expect_request(lambda r: _is_search(r) and query_param(r.url, "lat") is None):
        page.get_by_role("button", name="Chercher partout").click()
    wait_for_results(page)
    expect(page.get_by_role("button", name="Utiliser ma position")).to_be_visible()


def test_filters_empty_state_and_errors(page: Page) -> None:
    page.goto("/?q=pain")
    wait_for_results(page)
    expect(search_box(page)).to_have_value("pain")

    with page.expect_request(lambda r: _is_search(r) and query_param(r.url, "open_now") == "true"):
        page.get_by_label("Ouvert maintenant").check()
    wait_for_results(page)
    badges = result_cards(page).locator(".status-badge").all_inner_texts()
    assert all(badge == "Ouvert" for badge in badges), badges

    open_filters(page)
    expect(page.get_by_label("Distance maximale")).to_have_count(0)  # only with a position
    with page.expect_request(lambda r: _is_search(r) and query_param(r.url, "category") == "boulangerie"):
        page.get_by_label("Catégorie").select_option(label="Boulangerie-pâtisserie")
    page.get_by_label("Ouvert maintenant").uncheck()
    wait_for_results(page)
    metas = result_cards(page).locator(".result-meta").all_inner_texts()
    assert metas and all(meta.startswith("Boulangerie-pâtisserie") for meta in metas), metas
    with page.expect_request(lambda r: _is_search(r) and query_param(r.url, "kind") == "service"):
        page.get_by_text("Services", exact=True).click()
    wait_for_results(page)
    expect(page).to_have_url(re.compile(r"categorie=boulangerie&type=services"))

    # Nothing found: say what to try, and offer to drop the filters.
    search_for(page, "xylophone quantique")
    expect(result_count(page)).to_have_text("Aucun commerce trouvé")
    empty = page.locator(".empty-state")
    expect(empty).to_contain_text("Vérifiez l’orthographe")
    expect(empty).to_contain_text("Retirez les filtres de catégorie")
    empty.get_by_role("button", name="Retirer les filtres").click()
    wait_for_results(page)
    expect(page.get_by_label("Catégorie")).to_have_value("")

    # A failure says what happened, in French, and lets the person try again.
    detail = "La recherche est momentanément indisponible. Réessayez dans une minute."
    problem = {"type": "/problems/internal-error", "title": "Erreur", "status": 503, "detail": detail}

    def is_search(url: str) -> bool:
        return "/api/v1/search" in url

    page.route(
        is_search,
        lambda route: route.fulfill(
            status=503, content_type="application/problem+json", body=json.dumps(problem)
        ),
    )
    search_box(page).fill("croissant")
    expect(page.get_by_role("alert")).to_have_text(detail)
    page.unroute(is_search)
    page.get_by_role("button", name="Réessayer").click()
    wait_for_results(page)
    expect(result_cards(page).first).to_be_visible()


def test_more_results_continue_the_list(page: Page) -> None:
    page.goto("/")
    wait_for_results(page)
    expect(result_cards(page)).to_have_count(20)
    expect(result_count(page)).to_have_text("Plus de 20 commerces trouvés")
    with page.expect_request(lambda r: _is_search(r) and query_param(r.url, "cursor") is not None):
        page.get_by_role("button", name="Voir plus de résultats").click()
    expect(result_cards(page)).to_have_count(40)
    expect(result_cards(page).nth(20).get_by_role("link")).to_be_focused()
    names = result_cards(page).get_by_role("link").all_inner_texts()
    assert len(set(names)) == len(names)


def test_map_without_tiles_keeps_working(page: Page) -> None:
    problems = watch_for_csp_violations(page)
    page.goto("/?q=croissant")
    wait_for_results(page)
    count = result_cards(page).count()
    page.get_by_role("button", name="Carte").click()
    expect(page.get_by_role("button", name="Carte")).to_have_attribute("aria-pressed", "true")
    results_map = page.get_by_role("region", name="Carte des résultats")
    expect(results_map.get_by_text("Fond de carte indisponible")).to_be_visible()
    expect(results_map).to_contain_text("© les contributeurs d’OpenStreetMap")
    expect(results_map.locator(".map-pin")).to_have_count(count)
    expect(page.locator("ol.results")).to_be_hidden()
    expect(page).to_have_url(re.compile(r"vue=carte"))

    # A marker is a button named after its shop; its popup links to the shop page.
    marker = results_map.get_by_role(
        "button", name=re.compile(r"\((ouvert|fermé|horaires non renseignés)\)$")
    ).first
    name = re.sub(r" \(.*\)$", "", marker.get_attribute("title") or "")
    marker.focus()
    page.keyboard.press("Enter")
    popup_link = results_map.locator(".leaflet-popup").get_by_role("link", name=name)
    expect(popup_link).to_be_visible()
    popup_link.click()
    expect(heading(page)).to_have_text(name)

    page.go_back()
    expect(results_map.get_by_text("Fond de carte indisponible")).to_be_visible()
    page.get_by_role("button", name="Liste").click()
    expect(result_cards(page).first).to_be_visible()
    assert problems == []


def test_map_with_tiles_and_when_they_fail(new_context, tiles_server: str, tile_server: TileServer) -> None:
    context: BrowserContext = new_context(base_url=tiles_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/?q=croissant&vue=carte")
    results_map = page.get_by_role("region", name="Carte des résultats")
    expect(results_map.locator("img.leaflet-tile-loaded").first).to_be_visible()
    expect(results_map.get_by_text("Fond de carte indisponible")).to_have_count(0)
    assert any(path.endswith(".png") for path in tile_server.requests)
    assert errors == []

    # The tile server stops answering: the map says so, the list still works.
    failing = context.new_page()
    failing.route(f"{tile_server.origin}/**", lambda route: route.abort())
    failing.goto("/?q=croissant&vue=carte")
    failing_map = failing.get_by_role("region", name="Carte des résultats")
    expect(failing_map.get_by_text("Fond de carte indisponible")).to_be_visible()
    failing.get_by_role("button", name="Liste").click()
    expect(result_cards(failing).first).to_be_visible()
