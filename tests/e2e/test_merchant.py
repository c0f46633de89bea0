"""Espace commerçant and Administration: a shop is registered, completed and approved; one is claimed."""

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.flows import (
    DEMO_ADMIN,
    OSM_CLAIMED_SHOP,
    OSM_SHOP,
    heading,
    new_person,
    open_admin,
    open_merchant_space,
    profile_card,
    register,
    result_cards,
    search_for,
    sign_in_as,
    wait_for_results,
    watch_for_csp_violations,
)

pytestmark = pytest.mark.e2e

BAD_CSV = (
    "kind;name;description;category;price_cents;in_stock\n"
    "product;Pain au maïs;;Pains;abc;oui\n"
    "gadget;Tarte;;;450;oui\n"
)
UNCLOSED_QUOTE_CSV = (
    "type;nom;description;catégorie;prix;en_stock\n"
    "produit;Croissant;;Viennoiseries;1,10;oui\n"
    'produit;"Quote non fermée;x;Pains;1,00;oui\n'
    "produit;Brioche;;Viennoiseries;2,50;oui\n"
)
GOOD_CSV = (
    "type;nom;description;catégorie;prix;en_stock\n"
    "produit;Pain sans gluten;Farine de riz et de sarrasin;Pains;5,20;oui\n"
    "service;Commande de gâteau;Sur réservation;Pâtisserie;;non\n"
)


def _csv(name: str, text: str) -> dict[str, object]:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode()}


def test_register_a_shop_complete_it_and_get_it_approved(new_context, server: str) -> None:
    merchant_context: BrowserContext = new_context(base_url=server)
    page: Page = merchant_context.new_page()
    problems = watch_for_csp_violations(page)
    register(page, new_person("Claire Fabre"))
    open_merchant_space(page)
    expect(page.get_by_role("heading", name="Aucun commerce pour l’instant")).to_be_visible()

    page.get_by_role("link", name="Inscrire un commerce").click()
    expect(heading(page)).to_have_text("Inscrire un commerce")
    shop_name = f"Épicerie Fabre {uuid.uuid4().hex[:6]}"
    page.get_by_label("Nom du commerce").fill(shop_name)
    page.get_by_label("Catégorie").select_option(label="Épicerie")
    page.get_by_label("Adresse").fill("14 rue Madier de Montjau, 26000 Valence")

    # Somewhere in Paris: the server refuses, and says why next to the position.
    page.get_by_label("Latitude").fill("48,8566")
    page.get_by_label("Longitude").fill("2,3522")
    page.get_by_role("button", name="Inscrire mon commerce").click()
    expect(page.get_by_role("alert")).to_contain_text("hors du territoire")
    expect(page.get_by_label("Latitude")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#shop-lat-error")).to_contain_text("hors du territoire")

    # A tap on the map places the pin and fills the fields.
    picker = page.get_by_role("region", name="Carte : touchez l’emplacement du commerce")
    expect(picker.get_by_text("Fond de carte indisponible")).to_be_visible()
    picker.click(position={"x": 150, "y": 170})
    expect(page.get_by_label("Latitude")).to_have_value(re.compile(r"^44\.9\d+$"))
    expect(page.get_by_label("Longitude")).to_have_value(re.compile(r"^4\.8\d+$"))
    expect(picker.locator(".map-pin")).to_have_count(1)
    page.get_by_role("button", name="Inscrire mon commerce").click()

    expect(heading(page)).to_have_text(shop_name)
    expect(page.get_by_text("Votre commerce est inscrit.")).to_be_visible()
    expect(page.locator(".status-row")).to_have_text("En attente de validation")

    # The page's sections are one row of chips, not underlined text wrapping over two lines.
    sections = page.get_by_role("navigation", name="Sections de la page").get_by_role("link")
    expect(sections).to_have_count(4)
    tops = {round(sections.nth(n).bounding_box()["y"]) for n in range(4)}  # type: ignore[index]
    assert len(tops) == 1, tops
    assert sections.first.evaluate("a => getComputedStyle(a).textDecorationLine") == "none"

    # Details: a phone number to call from the shop page.
    details = page.get_by_role("region", name="Informations")
    details.get_by_label("Téléphone (facultatif)").fill("04 75 12 34 56")
    details.get_by_label("Présentation (facultatif)").fill("Produits de la Drôme, vrac et épicerie fine.")
    details.get_by_role("button", name="Enregistrer les informations").click()
    expect(details.get_by_role("status")).to_have_text("Informations enregistrées.")

    # Hours, checked as they are typed.
    hours = page.get_by_label("Horaires d’ouverture")
    expect(page.locator("#edit-hours-week")).to_contain_text("Horaires non renseignés")
    hours.fill("Tu-Sa 09:3")
    expect(page.locator("#edit-hours-error")).to_contain_text("Horaires illisibles")
    expect(hours).to_have_attribute("aria-invalid", "true")
    hours.fill("Tu-Sa 09:30-12:30,14:00-19:00; PH off")
    week = page.locator("#edit-hours-week")
    expect(week).to_contain_text("Lundi : fermé · Mardi : ")
    expect(week).to_contain_text("9 h 30 – 12 h 30, 14 h – 19 h")
    expect(week).to_contain_text("Dimanche : fermé")
    expect(hours).not_to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="Enregistrer les horaires").click()
    expect(page.get_by_text("Horaires enregistrés.")).to_be_visible()

    # The catalogue: add, edit, remove (after confirming).
    catalogue = page.get_by_role("region", name="Catalogue")
    expect(catalogue.get_by_role("heading", name="Votre catalogue est vide")).to_be_visible()
    catalogue.get_by_role("button", name="Ajouter un article").click()
    dialog = page.get_by_role("dialog", name="Ajouter un article")
    dialog.get_by_label("Nom").fill("Huile d’olive de Nyons")
    dialog.get_by_label("Prix en euros (facultatif)").fill("12,5")
    dialog.get_by_role("button", name="Ajouter l’article").click()
    expect(dialog).to_be_hidden()
    row = catalogue.locator("li.item-row", has_text="Huile d’olive de Nyons")
    expect(row.locator(".price")).to_have_text(re.compile(r"^12,50\s€$"))

    row.get_by_role("button", name="Modifier Huile d’olive de Nyons").click()
    dialog = page.get_by_role("dialog", name="Modifier l’article")
    dialog.get_by_label("Prix en euros (facultatif)").fill("abc")
    dialog.get_by_role("button", name="Enregistrer l’article").click()
    expect(dialog.get_by_text("Prix illisible : écrivez par exemple 1,20.")).to_be_visible()
    dialog.get_by_label("Prix en euros (facultatif)").fill("13")
    dialog.get_by_label("En stock").uncheck()
    dialog.get_by_role("button", name="Enregistrer l’article").click()
    expect(row.locator(".price")).to_have_text(re.compile(r"^13,00\s€$"))
    expect(row.locator(".stock-out")).to_have_text("En rupture")

    row.get_by_role("button", name="Supprimer Huile d’olive de Nyons").click()
    confirm = page.get_by_role("dialog", name="Supprimer cet article ?")
    confirm.get_by_role("button", name="Annuler").click()
    expect(row).to_be_visible()
    row.get_by_role("button", name="Supprimer Huile d’olive de Nyons").click()
    with page.expect_response(
        lambda r: "/api/v1/items/" in r.url and r.request.method == "DELETE"
    ) as deleted:
        page.get_by_role("dialog", name="Supprimer cet article ?").get_by_role(
            "button", name="Supprimer l’article"
        ).click()
    assert deleted.value.status == 204
    expect(row).to_have_count(0)
    expect(catalogue.get_by_role("heading", name="Votre catalogue est vide")).to_be_visible()

    # CSV import: the template, then a file with errors reported line by line, then a good one.
    importer = page.get_by_role("region", name="Importer un catalogue")
    with page.expect_download() as download:
        importer.get_by_role("link", name="Télécharger un modèle CSV").click()
    assert download.value.suggested_filename == "modele-catalogue.csv"
    template = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert template[0] == "type;nom;description;catégorie;prix;en_stock;référence"

    importer.get_by_label("Fichier CSV").set_input_files(_csv("catalogue.csv", BAD_CSV))
    importer.get_by_role("button", name="Importer le fichier").click()
    report = importer.get_by_role("alert")
    expect(report).to_contain_text("rien n'a été importé")
    expect(report.get_by_role("listitem")).to_have_count(2)
    expect(report.get_by_role("listitem").first).to_contain_text(
        re.compile(r"^Ligne 2\s:\sColonne\s«\sprice_cents\s»")
    )
    expect(report.get_by_role("listitem").nth(1)).to_contain_text("Ligne 3 : ")
    expect(catalogue.get_by_role("heading", name="Votre catalogue est vide")).to_be_visible()

    # A quote never closed is a bad line, not an item that swallows the next one.
    importer.get_by_label("Fichier CSV").set_input_files(_csv("catalogue.csv", UNCLOSED_QUOTE_CSV))
    importer.get_by_role("button", name="Importer le fichier").click()
    report = importer.get_by_role("alert")
    expect(report.get_by_role("listitem")).to_have_count(1)
    expect(report.get_by_role("listitem").first).to_contain_text(re.compile(r"^Ligne 3\s:\sGuillemets"))
    expect(catalogue.get_by_role("heading", name="Votre catalogue est vide")).to_be_visible()

    # A good file is checked first, and imported once confirmed.
    importer.get_by_label("Fichier CSV").set_input_files(_csv("catalogue.csv", GOOD_CSV))
    importer.get_by_role("button", name="Importer le fichier").click()
    expect(importer.get_by_role("status")).to_have_text(
        "Fichier vérifié : 2 articles seront créés, 0 article mis à jour. Rien n’est encore importé."
    )
    expect(catalogue.get_by_role("heading", name="Votre catalogue est vide")).to_be_visible()
    importer.get_by_role("button", name="Confirmer l’import").click()
    expect(importer.get_by_role("status")).to_have_text(
        "Import terminé : 2 articles créés, 0 article mis à jour."
    )
    expect(catalogue.locator("li.item-row")).to_have_count(2)

    # A new item shows first, where the merchant is, not after the items already listed.
    new_name = "Confiture d’abricots du Vercors"
    catalogue.get_by_role("button", name="Ajouter un article").click()
    dialog = page.get_by_role("dialog", name="Ajouter un article")
    dialog.get_by_label("Nom").fill(new_name)
    dialog.get_by_role("button", name="Ajouter l’article").click()
    expect(dialog).to_be_hidden()
    first = catalogue.locator("li.item-row").first
    expect(first).to_contain_text(new_name)
    expect(first).to_be_in_viewport()
    expect(first.get_by_role("button", name=f"Modifier {new_name}")).to_be_focused()

    # The city approves the shop.
    admin_context: BrowserContext = new_context(base_url=server)
    admin = admin_context.new_page()
    sign_in_as(admin, DEMO_ADMIN)
    open_admin(admin)
    pending = admin.get_by_role("region", name="Commerces à valider")
    card = pending.get_by_role("article", name=shop_name)
    expect(card).to_contain_text("Épicerie")
    card.get_by_role("button", name=f"Approuver {shop_name}").click()
    expect(pending.get_by_role("status")).to_have_text(
        f"« {shop_name} » est approuvé : il apparaît dans la recherche."
    )
    expect(card).to_have_count(0)

    # Back in their space (no reload), the merchant sees it active and gets the merchant role at once.
    with page.expect_response("**/api/v1/auth/refresh"):
        page.get_by_role("link", name="Espace commerçant").click()
    my_shop = page.get_by_role("article", name=shop_name)
    expect(my_shop.locator(".status-badge")).to_have_text("Actif")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Compte").click()
    expect(profile_card(page).get_by_role("listitem")).to_have_text(["Client", "Commerçant"])

    # The shop is public now, with its hours.
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Rechercher"
    ).click()
    search_for(page, shop_name)
    result_cards(page).get_by_role("link", name=shop_name).click()
    expect(heading(page)).to_have_text(shop_name)
    expect(page.locator("table.hours-table")).to_contain_text("9 h 30 – 12 h 30, 14 h – 19 h")
    expect(page.get_by_role("link", name=re.compile(r"^Appeler"))).to_have_attribute("href", "tel:0475123456")
    expect(page.get_by_text("Produits de la Drôme, vrac et épicerie fine.")).to_be_visible()
    assert problems == []


def test_claim_an_imported_shop(new_context, server: str) -> None:
    context: BrowserContext = new_context(base_url=server)
    page: Page = context.new_page()
    register(page, new_person("Yanis Roux"))
    open_merchant_space(page)
    page.get_by_role("link", name="Réclamer un commerce existant").click()
    expect(heading(page)).to_have_text("Réclamer un commerce")
    page.get_by_label("Nom de votre commerce").fill("Cordonnerie Bel Image")
    card = page.get_by_role("article", name=OSM_CLAIMED_SHOP)
    card.get_by_role("button", name=f"Réclamer {OSM_CLAIMED_SHOP}").click()
    expect(card.get_by_role("status")).to_contain_text("Demande envoyée")

    admin_context: BrowserContext = new_context(base_url=server)
    admin = admin_context.new_page()
    sign_in_as(admin, DEMO_ADMIN)
    open_admin(admin)
    claims = admin.get_by_role("region", name="Demandes de gestion")
    claim = claims.get_by_role("article", name=OSM_CLAIMED_SHOP)
    expect(claim).to_contain_text("Cordonnerie")
    claim.get_by_role("button", name=f"Accepter la demande pour {OSM_CLAIMED_SHOP}").click()
    admin.get_by_role("dialog", name="Accepter la demande de Yanis Roux ?").get_by_role(
        "button", name="Accepter la demande"
    ).click()
    expect(claims.get_by_role("status")).to_contain_text("a désormais son commerçant")

    open_merchant_space(page)
    expect(page.get_by_role("article", name=OSM_CLAIMED_SHOP).locator(".status-badge")).to_have_text("Actif")


def test_claim_from_the_shop_page_when_signed_in(new_context, server: str) -> None:
    context: BrowserContext = new_context(base_url=server)
    page: Page = context.new_page()
    register(page, new_person("Inès Morel"))
    page.goto("/")
    wait_for_results(page)
    search_for(page, OSM_SHOP)
    result_cards(page).get_by_role("link", name=OSM_SHOP).click()
    claim = page.get_by_role("region", name="Vous tenez ce commerce ?")
    claim.get_by_label("Message pour la ville (facultatif)").fill("Je suis la gérante depuis mars.")
    with page.expect_response("**/claims") as answer:
        claim.get_by_role("button", name="Réclamer ce commerce").click()
    assert answer.value.status == 201
    expect(claim.get_by_role("status")).to_contain_text("Votre demande est envoyée")


def test_administration_is_for_admins_only(new_context, server: str) -> None:
    context: BrowserContext = new_context(base_url=server)
    page: Page = context.new_page()
    register(page, new_person())
    expect(page.get_by_role("link", name="Administration")).to_have_count(0)
    page.goto("/admin")
    expect(page.get_by_text("Cette page est réservée à l’administration de la ville.")).to_be_visible()


def test_merchant_space_asks_to_sign_in(new_context, server: str) -> None:
    context: BrowserContext = new_context(base_url=server)
    page: Page = context.new_page()
    page.goto("/commerce/nouveau")
    expect(heading(page)).to_have_text("Inscrire un commerce")
    expect(page.get_by_text("Connectez-vous pour inscrire votre commerce.")).to_be_visible()
    page.get_by_role("link", name="Se connecter ou créer un compte").click()
    expect(heading(page)).to_have_text("Compte")
