"""A merchant keeps the catalogue, one item at a time or from a spreadsheet (contract §4)."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import bearer, make_item, make_shop, make_user, sign_in

HEADER = "kind,name,description,category,price_cents,in_stock"


def _merchant(client: TestClient, session: Session, **shop_fields: object) -> tuple[str, dict[str, str]]:
    owner = make_user(session)
    shop = make_shop(session, owner=owner, **shop_fields)  # type: ignore[arg-type]
    return str(shop.id), bearer(sign_in(client, owner.email))


def test_owner_adds_edits_and_removes_items(client: TestClient, session: Session) -> None:
    shop_id, headers = _merchant(client, session, status="pending")
    created = client.post(
        f"/api/v1/shops/{shop_id}/items",
        json={"kind": "service", "name": "Réparation crevaison", "category": "Atelier", "price_cents": 1200},
        headers=headers,
    )
    assert created.status_code == 201
    item = created.json()
    assert (item["shop_id"], item["kind"], item["in_stock"]) == (shop_id, "service", True)

    edited = client.patch(
        f"/api/v1/items/{item['id']}", json={"price_cents": 1500, "in_stock": False}, headers=headers
    )
    assert (edited.json()["price_cents"], edited.json()["in_stock"]) == (1500, False)
    assert client.delete(f"/api/v1/items/{item['id']}", headers=headers).status_code == 204
    assert client.patch(f"/api/v1/items/{item['id']}", json={"name": "x"}, headers=headers).status_code == 404


def test_items_of_someone_elses_shop(client: TestClient, session: Session) -> None:
    shop = make_shop(session)
    item = make_item(session, shop)
    stranger = bearer(sign_in(client, make_user(session).email))
    assert (
        client.post(
            f"/api/v1/shops/{shop.id}/items", json={"kind": "product", "name": "x"}, headers=stranger
        ).status_code
        == 403
    )
    assert client.patch(f"/api/v1/items/{item.id}", json={"name": "x"}, headers=stranger).status_code == 403
    assert client.delete(f"/api/v1/items/{item.id}", headers=stranger).status_code == 403
    hidden = make_item(session, make_shop(session, status="pending"))
    assert client.patch(f"/api/v1/items/{hidden.id}", json={"name": "x"}, headers=stranger).status_code == 404
    assert (
        client.post(f"/api/v1/shops/{shop.id}/items", json={"kind": "product", "name": "x"}).status_code
        == 401
    )


def test_item_input_is_checked(client: TestClient, session: Session) -> None:
    shop_id, headers = _merchant(client, session)
    response = client.post(
        f"/api/v1/shops/{shop_id}/items",
        json={"kind": "objet", "name": " ", "price_cents": -5, "colour": "rouge"},
        headers=headers,
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"kind", "name", "price_cents", "colour"}


def test_items_list_is_paginated_without_repeats(client: TestClient, session: Session) -> None:
    shop = make_shop(session)
    for index in range(5):
        make_item(session, shop, name=f"Pain n°{index}")
    seen: list[str] = []
    cursor = None
    while True:
        url = f"/api/v1/shops/{shop.id}/items?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url).json()
        seen += [i["name"] for i in page["results"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"Pain n°{i}" for i in range(5)]
    other = make_shop(session, name="Autre")
    first = client.get(f"/api/v1/shops/{shop.id}/items?limit=2").json()
    reused = client.get(f"/api/v1/shops/{other.id}/items?limit=2&cursor={first['next_cursor']}")
    assert reused.status_code == 422 and reused.json()["errors"][0]["field"] == "cursor"
    assert client.get(f"/api/v1/shops/{shop.id}/items?limit=101").status_code == 422
    assert client.get(f"/api/v1/shops/{make_shop(session, status='pending').id}/items").status_code == 404


def test_csv_import_from_a_french_spreadsheet(client: TestClient, session: Session) -> None:
    shop_id, headers = _merchant(client, session)
    csv_text = (
        "\ufeffkind;name;description;category;price_cents;in_stock;external_ref\r\n"
        "product;Baguette tradition;Farine Label Rouge;Pains;130;oui;B1\r\n"
        'product;"Pain sans gluten; sarrasin";;Pains;450;non;B2\r\n'
        "service;Gâteau sur commande;;;;;\r\n"
    )
    url = f"/api/v1/shops/{shop_id}/items/import"
    response = client.post(url, content=csv_text.encode(), headers={**headers, "Content-Type": "text/csv"})
    assert response.status_code == 200, response.text
    assert response.json() == {"created": 3, "updated": 0}
    items = {i["name"]: i for i in client.get(f"/api/v1/shops/{shop_id}/items").json()["results"]}
    assert items["Pain sans gluten; sarrasin"]["in_stock"] is False
    assert items["Gâteau sur commande"]["price_cents"] is None

    update = f"{HEADER},external_ref\nproduct,Baguette tradition,,Pains,140,true,B1\n"
    again = client.post(
        url, content=update.encode(), headers={**headers, "Content-Type": "text/csv; charset=utf-8"}
    )
    assert again.json() == {"created": 0, "updated": 1}
    prices = {
        i["name"]: i["price_cents"] for i in client.get(f"/api/v1/shops/{shop_id}/items").json()["results"]
    }
    assert prices["Baguette tradition"] == 140


def test_csv_with_bad_lines_imports_nothing_and_reports_each_line(
    client: TestClient, session: Session
) -> None:
    shop_id, headers = _merchant(client, session)
    csv_text = (
        f"{HEADER}\n"
        "product,Croissant,,,110,oui\n"
        "objet,Chouquette,,,30,oui\n"
        "product,,,,abc,peut-être\n"
        "product,Éclair,,,250,1\n"
    )
    url = f"/api/v1/shops/{shop_id}/items/import"
    response = client.post(url, content=csv_text.encode(), headers={**headers, "Content-Type": "text/csv"})
    assert response.status_code == 422
    body = response.json()
    assert "rien n'a été importé" in body["detail"]
    errors = {e["field"]: e["detail"] for e in body["errors"]}
    assert set(errors) == {"line 3", "line 4"}
    assert "kind" in errors["line 3"]
    assert "price_cents" in errors["line 4"] and "in_stock" in errors["line 4"] and "name" in errors["line 4"]
    assert client.get(f"/api/v1/shops/{shop_id}/items").json()["results"] == []

    wrong_header = client.post(
        url, content=b"nom,prix\nPain,1\n", headers={**headers, "Content-Type": "text/csv"}
    )
    assert wrong_header.json()["errors"][0]["field"] == "line 1"
    latin1 = client.post(
        url,
        content=f"{HEADER}\nproduct,Pâté,,,500,oui\n".encode("latin-1"),
        headers={**headers, "Content-Type": "text/csv"},
    )
    assert "UTF-8" in latin1.json()["detail"]
    not_csv = client.post(url, json={"kind": "product"}, headers=headers)
    assert not_csv.status_code == 415
    assert not_csv.headers["content-type"] == "application/problem+json"


def test_ten_thousand_rows_import_at_once(client: TestClient, session: Session) -> None:
    shop_id, headers = _merchant(client, session)
    rows = "\n".join(
        f"product,Article n°{i},Description {i},Rayon {i % 40},{100 + i},oui" for i in range(10_000)
    )
    response = client.post(
        f"/api/v1/shops/{shop_id}/items/import",
        content=f"{HEADER}\n{rows}\n".encode(),
        headers={**headers, "Content-Type": "text/csv"},
    )
    assert response.json() == {"created": 10_000, "updated": 0}
    last = client.get(f"/api/v1/shops/{shop_id}/items?limit=100").json()
    assert last["next_cursor"] is not None


def test_csv_prices_take_ascii_digits_only(client: TestClient, session: Session) -> None:
    shop_id, headers = _merchant(client, session)
    csv_text = (
        f"{HEADER}\n"
        "product,Croissant,,,110,oui\n"
        "product,Carré,,,²,oui\n"
        "product,Rond,,,①,oui\n"
        "product,Puissance,,,1⁵,oui\n"
        "product,Arabe,,,١٢٠,oui\n"
        f"product,Fortune,,,{'9' * 5000},oui\n"
        "product,Éclair,,,250,1\n"
    )
    response = client.post(
        f"/api/v1/shops/{shop_id}/items/import",
        content=csv_text.encode(),
        headers={**headers, "Content-Type": "text/csv"},
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    errors = {e["field"]: e["detail"] for e in response.json()["errors"]}
    assert set(errors) == {"line 3", "line 4", "line 5", "line 6", "line 7"}
    for line in ("line 3", "line 4", "line 5", "line 6"):
        assert "n'est pas un nombre entier de centimes" in errors[line]
    assert "au plus 10000000" in errors["line 7"] and len(errors["line 7"]) < 200
    assert client.get(f"/api/v1/shops/{shop_id}/items").json()["results"] == []


def test_csv_cell_too_long_for_the_csv_module_is_a_bad_line(client: TestClient, session: Session) -> None:
    shop_id, headers = _merchant(client, session)
    huge = "x" * 131_073
    csv_text = (
        f"{HEADER}\n"
        "product,Croissant,,,110,oui\n"
        f"product,Pain,{huge},,130,oui\n"
        'product,Tarte,"jamais refermé' + huge + "\n"
        "objet,Chouquette,,,30,oui\n"
        f"product,Éclair,,,250,{huge}\n"
    )
    url = f"/api/v1/shops/{shop_id}/items/import"
    response = client.post(url, content=csv_text.encode(), headers={**headers, "Content-Type": "text/csv"})
    assert response.status_code == 422, response.text
    body = response.json()
    assert "rien n'a été importé" in body["detail"]
    errors = {e["field"]: e["detail"] for e in body["errors"]}
    assert set(errors) == {"line 3", "line 4", "line 5", "line 6"}
    for line in ("line 3", "line 4", "line 6"):
        assert "131\u202f072 caractères" in errors[line] and "guillemet" in errors[line]
    assert "kind" in errors["line 5"]
    assert len(response.content) < 5_000
    assert client.get(f"/api/v1/shops/{shop_id}/items").json()["results"] == []

    header_too_long = client.post(
        url, content=f"{HEADER},{huge}\n".encode(), headers={**headers, "Content-Type": "text/csv"}
    )
    assert header_too_long.status_code == 422
    assert header_too_long.json()["errors"][0]["field"] == "line 1"


def _import(client: TestClient, shop_id: str, headers: dict[str, str], text: str, query: str = ""):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/shops/{shop_id}/items/import{query}",
        content=text.encode(),
        headers={**headers, "Content-Type": "text/csv"},
    )


def test_csv_with_french_headers_and_prices_in_euros(client: TestClient, session: Session) -> None:
    shop_id, headers = _merchant(client, session)
    csv_text = (
        "\ufeffType;Nom;Description;Catégorie;Prix;En stock;Référence\r\n"
        "produit;Baguette tradition;;Pains;1,20;oui;B1\r\n"
        "service;Retouche d'ourlet;;Retouches;12;non;\r\n"
        "produit;Pain de campagne;;Pains;3.5 €;oui;\r\n"
    )
    response = _import(client, shop_id, headers, csv_text)
    assert response.status_code == 200, response.text
    items = {i["name"]: i for i in client.get(f"/api/v1/shops/{shop_id}/items").json()["results"]}
    assert items["Baguette tradition"]["price_cents"] == 120
    assert (items["Retouche d'ourlet"]["kind"], items["Retouche d'ourlet"]["price_cents"]) == (
        "service",
        1200,
    )
    assert items["Pain de campagne"]["price_cents"] == 350

    bad_price = _import(
        client, shop_id, headers, "type;nom;description;catégorie;prix;en_stock\nproduit;Pain;;;1,205;oui\n"
    )
    assert bad_price.status_code == 422
    assert "1,20" in bad_price.json()["errors"][0]["detail"]


def test_csv_is_read_strictly_and_a_broken_line_imports_nothing(client: TestClient, session: Session) -> None:
    shop_id, headers = _merchant(client, session)
    # The quote opened on line 3 is never closed: before, it swallowed line 4 and published the result.
    unclosed = (
        "kind;name;description;category;price_cents;in_stock\n"
        "product;Croissant;;Viennoiseries;110;oui\n"
        'product;"Quote non fermée;x;Pains;100;oui\n'
        "product;Brioche;;Viennoiseries;250;oui\n"
    )
    response = _import(client, shop_id, headers, unclosed)
    assert response.status_code == 422, response.text
    errors = {e["field"]: e["detail"] for e in response.json()["errors"]}
    assert list(errors) == ["line 3"]
    assert "guillemet" in errors["line 3"]

    # Closed two lines later: a name that runs over several lines is refused where it starts.
    closed_late = (
        "kind;name;description;category;price_cents;in_stock\n"
        'product;"Quote fermée trop tard;x;Pains;100;oui\n'
        'product;Brioche";;Viennoiseries;250;oui\n'
        "product;Éclair;;Pâtisseries;250;oui\n"
    )
    errors = {
        e["field"]: e["detail"] for e in _import(client, shop_id, headers, closed_late).json()["errors"]
    }
    assert list(errors) == ["line 2"]
    assert "plusieurs lignes" in errors["line 2"]

    short = "kind;name;description;category;price_cents;in_stock\nproduct;Pain;;\n"
    errors = {e["field"]: e["detail"] for e in _import(client, shop_id, headers, short).json()["errors"]}
    assert errors == {"line 2": "Cette ligne a moins de colonnes que l'en-tête."}
    assert client.get(f"/api/v1/shops/{shop_id}/items").json()["results"] == []


def test_csv_preview_counts_without_writing(client: TestClient, session: Session) -> None:
    shop_id, headers = _merchant(client, session)
    first = f"{HEADER},external_ref\nproduct,Baguette,,,120,oui,B1\n"
    assert _import(client, shop_id, headers, first).json() == {"created": 1, "updated": 0}
    second = f"{HEADER},external_ref\nproduct,Baguette,,,130,oui,B1\nproduct,Ficelle,,,90,oui,B2\n"
    preview = _import(client, shop_id, headers, second, "?dry_run=true")
    assert preview.status_code == 200
    assert preview.json() == {"created": 1, "updated": 1}
    items = client.get(f"/api/v1/shops/{shop_id}/items").json()["results"]
    assert [(i["name"], i["price_cents"]) for i in items] == [("Baguette", 120)]
    # A stranger cannot preview someone else's import either.
    stranger = bearer(sign_in(client, make_user(session).email))
    assert _import(client, shop_id, stranger, second, "?dry_run=true").status_code == 403
