"""Points Cœur de Ville where shoppers and merchants meet them (issue 12, points 7 and 9), on a Pixel 5: the
merchant's rewards, the shop page that shows them (online and offline), and the shopper's data download."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.flows import (
    OSM_SHOP,
    heading,
    new_person,
    result_cards,
    search_for,
    sign_in_as,
    wait_for_results,
    wait_for_service_worker_control,
    watch_for_csp_violations,
)
from tests.e2e.loyalty_api import account, open_counter
from tests.e2e.test_offline_kept import wait_until_kept

pytestmark = pytest.mark.e2e

ACCEPTED = "Points Cœur de Ville acceptés ici"


def assert_accessible(page: Page, what: str) -> None:
    violations: list[dict[str, Any]] = Axe().run(page).response["violations"]
    blocking = [
        f"{v['id']}: {[node['target'] for node in v['nodes']]}"
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]
    assert not blocking, f"axe on {what}: {blocking}"


def open_shop_page(page: Page, shop_id: str, name: str) -> None:
    page.goto(f"/boutique/{shop_id}")
    expect(heading(page)).to_have_text(name)
    expect(page.get_by_role("region", name="Produits et services")).to_be_visible()


def test_a_reward_the_merchant_publishes_shows_on_the_shop_page_until_withdrawn(
    new_context, server: str
) -> None:
    context: BrowserContext = new_context(base_url=server)
    counter = open_counter(context.request)
    counter.reward("Tote bag en coton", 300, stock=0)
    merchant = context.new_page()
    problems = watch_for_csp_violations(merchant)
    sign_in_as(merchant, counter.merchant)
    merchant.goto(f"/commerce/{counter.shop_id}")
    expect(heading(merchant)).to_have_text(counter.shop_name)
    rewards = merchant.get_by_role("region", name="Récompenses")
    tote = rewards.get_by_role("article", name="Tote bag en coton")
    expect(tote).to_contain_text("300 points · Épuisé")

    # Publishing: the dialog takes the focus, says what is missing, then adds the reward.
    rewards.get_by_role("button", name="Publier une récompense").click()
    dialog = merchant.get_by_role("dialog", name="Publier une récompense")
    expect(dialog.get_by_label("Titre")).to_be_focused()
    dialog.get_by_label("Titre").fill("Un café offert")
    dialog.get_by_role("button", name="Publier la récompense").click()
    expect(dialog.get_by_role("alert")).to_contain_text("« Coût en points »")
    expect(dialog.get_by_label("Coût en points")).to_be_focused()
    dialog.get_by_label("Coût en points").fill("50")
    dialog.get_by_label("Stock (facultatif)").fill("3")
    dialog.get_by_label("Description (facultatif)").fill("Un expresso ou un allongé, au comptoir.")
    assert_accessible(merchant, "the reward dialog")
    dialog.get_by_role("button", name="Publier la récompense").click()
    expect(dialog).to_be_hidden()
    coffee = rewards.get_by_role("article", name="Un café offert")
    expect(coffee).to_contain_text("50 points · Stock : 3")
    expect(coffee.locator(".status-badge")).to_have_text("Proposée")
    expect(rewards.get_by_role("status")).to_contain_text("« Un café offert » est publiée")
    assert_accessible(merchant, "the merchant's rewards")

    # A shopper (signed out, another browser) reads them on the shop page.
    shopper_context: BrowserContext = new_context(base_url=server)
    shopper = shopper_context.new_page()
    open_shop_page(shopper, counter.shop_id, counter.shop_name)
    accepted = shopper.get_by_role("region", name=ACCEPTED)
    expect(accepted).to_be_visible()
    expect(accepted).not_to_contain_text("par euro")
    offered = accepted.get_by_role("list", name="Récompenses de ce commerce").get_by_role("listitem")
    expect(offered).to_have_count(2)
    # Cheapest first: the coffee, running out, then the tote bag, gone.
    expect(offered.nth(0)).to_contain_text("Un café offert")
    expect(offered.nth(0)).to_contain_text("Un expresso ou un allongé, au comptoir.")
    expect(offered.nth(0).locator(".reward-cost")).to_have_text(re.compile(r"^50\spoints$"))
    expect(offered.nth(0).locator(".reward-stock")).to_have_text("plus que 3")
    expect(offered.nth(1)).to_contain_text("Tote bag en coton")
    expect(offered.nth(1).locator(".reward-stock")).to_have_text("épuisé")
    accepted.screenshot(path="test-results/loyalty-shop-page-rewards.png")
    assert_accessible(shopper, "the shop page with its rewards")

    # Withdrawn, the reward leaves the shop page; the merchant still sees it, and can put it back.
    coffee.get_by_role("button", name="Retirer Un café offert").click()
    expect(coffee.locator(".status-badge")).to_have_text("Retirée")
    expect(coffee.get_by_role("button", name="Remettre en ligne Un café offert")).to_be_focused()
    open_shop_page(shopper, counter.shop_id, counter.shop_name)
    expect(offered).to_have_count(1)
    expect(accepted).not_to_contain_text("Un café offert")
    merchant.reload()
    expect(coffee.locator(".status-badge")).to_have_text("Retirée")

    # Edited, the tote bag is back in stock.
    tote.get_by_role("button", name="Modifier Tote bag en coton").click()
    edit = merchant.get_by_role("dialog", name="Modifier la récompense")
    expect(edit.get_by_label("Coût en points")).to_have_value("300")
    edit.get_by_label("Stock (facultatif)").fill("")
    edit.get_by_role("button", name="Enregistrer la récompense").click()
    expect(edit).to_be_hidden()
    expect(tote).to_contain_text("300 points · Stock illimité")
    open_shop_page(shopper, counter.shop_id, counter.shop_name)
    expect(offered).to_have_count(1)
    expect(offered.nth(0).locator(".reward-stock")).to_have_count(0)
    assert problems == []


def test_the_shop_page_gives_its_rate_and_says_nothing_where_points_are_not_taken(
    new_context, server: str
) -> None:
    context: BrowserContext = new_context(base_url=server)
    counter = open_counter(context.request)
    page = context.new_page()
    open_shop_page(page, counter.shop_id, counter.shop_name)
    accepted = page.get_by_role("region", name=ACCEPTED)
    expect(accepted).to_contain_text("Ce commerce ne propose pas encore de récompense.")

    counter.settings(points_per_euro=2)
    open_shop_page(page, counter.shop_id, counter.shop_name)
    expect(accepted).to_contain_text(re.compile(r"Ici\s:\s2\spoints par euro dépensé\."))

    # Taken out of the programme by the city: not a word about points.
    counter.settings(enabled=False)
    open_shop_page(page, counter.shop_id, counter.shop_name)
    expect(page.get_by_text(ACCEPTED)).to_have_count(0)

    # A shop nobody runs (imported from OpenStreetMap) takes no points either.
    page.goto("/")
    wait_for_results(page)
    search_for(page, OSM_SHOP)
    result_cards(page).get_by_role("link", name=OSM_SHOP).click()
    expect(page.get_by_text("Ce commerce n’a pas encore publié")).to_be_visible()
    expect(page.get_by_text(ACCEPTED)).to_have_count(0)


def test_the_shop_pages_rewards_stay_offline(new_context, server: str) -> None:
    context: BrowserContext = new_context(base_url=server)
    counter = open_counter(context.request)
    counter.reward("Une tartelette offerte", 80, stock=2)
    page = context.new_page()
    page.goto("/")
    wait_for_service_worker_control(page)
    open_shop_page(page, counter.shop_id, counter.shop_name)
    expect(page.get_by_role("region", name=ACCEPTED)).to_contain_text("Une tartelette offerte")
    wait_until_kept(page, f"loyalty:{counter.shop_id}")
    wait_until_kept(page, f"shop:{counter.shop_id}")

    context.set_offline(True)
    page.reload()
    expect(heading(page)).to_have_text(counter.shop_name)
    expect(page.locator(".kept-note")).to_contain_text("Fiche enregistrée le")
    accepted = page.get_by_role("region", name=ACCEPTED)
    expect(accepted).to_contain_text("Une tartelette offerte")
    expect(accepted.locator(".reward-stock")).to_have_text("plus que 2")
    assert_accessible(page, "the shop page offline")
    context.set_offline(False)


def test_the_shopper_downloads_their_loyalty_data_from_compte(new_context, server: str) -> None:
    context: BrowserContext = new_context(base_url=server)
    api = context.request
    counter = open_counter(api)
    person = new_person("Inès Roche")
    headers = account(api, person)
    earned = counter.earn(headers, 1250)
    assert earned["points"] == 12

    page = context.new_page()
    problems = watch_for_csp_violations(page)
    sign_in_as(page, person)
    data = page.get_by_role("region", name="Vos données de fidélité")
    expect(data).to_contain_text("Un fichier JSON")
    with page.expect_download() as downloading:
        data.get_by_role("button", name="Télécharger mes données de fidélité").click()
    download = downloading.value
    assert re.fullmatch(r"points-coeur-de-ville-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    exported = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert exported["balance"] == 12
    [line] = exported["transactions"]
    assert (line["kind"], line["points"], line["shop"]["name"]) == ("earn", 12, counter.shop_name)
    assert line["transaction_id"] == earned["transaction_id"]
    expect(data.get_by_role("status")).to_contain_text(download.suggested_filename)
    assert_accessible(page, "Compte with the loyalty data")
    assert problems == []
