"""Shops as a merchant, a visitor and the city's downtown manager see them (contract §4)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.models import Role
from tests.factories import bearer, make_shop, make_user, sign_in

NEW_SHOP = {
    "name": "Cordonnerie Saint-Jean",
    "category": "cordonnerie",
    "address": "4 place Saint-Jean, 26000 Valence",
    "lat": 44.9362,
    "lon": 4.8921,
    "opening_hours": "Tu-Sa 09:30-12:30,14:00-19:00; PH off",
    "phone": "04 75 00 00 00",
    "website": "https://cordonnerie.example.fr",
}


def test_categories_are_french_and_cover_downtown_trades(client: TestClient) -> None:
    categories = {c["slug"]: c["label"] for c in client.get("/api/v1/categories").json()}
    assert len(categories) >= 30
    assert categories["reparation-velos"] == "Réparation de vélos"
    assert {"boulangerie", "cordonnerie", "serrurerie", "pressing", "pharmacie", "opticien"} <= set(
        categories
    )


def test_a_new_shop_waits_for_approval_then_its_owner_becomes_merchant(
    client: TestClient, session: Session
) -> None:
    owner = make_user(session)
    admin = make_user(session, roles=[Role.admin])
    owner_tokens = sign_in(client, owner.email)
    created = client.post("/api/v1/shops", json=NEW_SHOP, headers=bearer(owner_tokens))
    assert created.status_code == 201
    shop = created.json()
    assert shop["status"] == "pending"
    assert shop["owner_id"] == str(owner.id)
    shop_url = f"/api/v1/shops/{shop['id']}"

    # Invisible to everyone else until approved; visible to its owner.
    assert client.get(shop_url).status_code == 404
    assert client.get(shop_url, headers=bearer(owner_tokens)).json()["status"] == "pending"
    admin_headers = bearer(sign_in(client, admin.email))
    pending = client.get("/api/v1/admin/shops?status=pending", headers=admin_headers).json()["results"]
    assert [s["id"] for s in pending] == [shop["id"]]

    approved = client.post(f"/api/v1/admin/shops/{shop['id']}/approve", headers=admin_headers)
    assert approved.json()["status"] == "active"
    public = client.get(shop_url).json()
    assert public["name"] == "Cordonnerie Saint-Jean"
    assert "owner_id" not in public
    refreshed = client.post(
        "/api/v1/auth/refresh", json={"refresh_token": owner_tokens["refresh_token"]}
    ).json()
    assert "merchant" in client.get("/api/v1/me", headers=bearer(refreshed)).json()["roles"]

    assert client.post(f"/api/v1/admin/shops/{shop['id']}/suspend", headers=admin_headers).json()[
        "status"
    ] == ("suspended")
    assert client.get(shop_url).status_code == 404


def test_bad_shop_input_names_the_problem(client: TestClient, session: Session) -> None:
    headers = bearer(sign_in(client, make_user(session).email))
    bad = {
        **NEW_SHOP,
        "category": "banque",
        "opening_hours": "du mardi au samedi 9h-19h",
        "website": "cordo.fr",
    }
    response = client.post("/api/v1/shops", json=bad, headers=headers)
    assert response.status_code == 422
    errors = {e["field"]: e["detail"] for e in response.json()["errors"]}
    assert "Catégorie inconnue" in errors["category"]
    assert "Horaires illisibles" in errors["opening_hours"] and "Tu-Sa" in errors["opening_hours"]
    assert "https://" in errors["website"]

    paris = client.post("/api/v1/shops", json={**NEW_SHOP, "lat": 48.8566, "lon": 2.3522}, headers=headers)
    assert paris.status_code == 422
    assert "hors du territoire" in paris.json()["detail"]
    assert client.post("/api/v1/shops", json=NEW_SHOP).status_code == 401


def test_open_now_and_next_change_follow_the_hours_in_paris_time(
    client: TestClient, session: Session
) -> None:
    always = make_shop(session, name="Pharmacie de garde", category="pharmacie", opening_hours="24/7")
    unknown = make_shop(session, name="Fleurs des Clercs", category="fleuriste", opening_hours=None)
    never = make_shop(session, name="Boutique fermée", category="jouets", opening_hours="off")
    assert client.get(f"/api/v1/shops/{always.id}").json()["open_now"] is True
    body = client.get(f"/api/v1/shops/{unknown.id}").json()
    assert body["open_now"] is None and body["next_change_at"] is None
    assert all(day["unknown"] for day in body["week"])
    assert client.get(f"/api/v1/shops/{never.id}").json()["open_now"] is False

    # Open every day from 8:00 to 20:00 (Paris): the next change is the coming 8:00 or 20:00, and says which.
    asked_at = datetime.now(UTC)
    daily = make_shop(
        session, name="Primeur du marché", category="primeur", opening_hours="Mo-Su 08:00-20:00"
    )
    shop = client.get(f"/api/v1/shops/{daily.id}").json()
    assert len(shop["week"]) == 7
    assert all(day["intervals"] == [["08:00:00", "20:00:00"]] for day in shop["week"])
    next_change = datetime.fromisoformat(shop["next_change_at"])
    assert next_change.utcoffset() is not None
    assert asked_at < next_change <= asked_at + timedelta(hours=12, minutes=1)
    local = next_change.astimezone(ZoneInfo("Europe/Paris"))
    assert (local.hour, local.minute) == ((20, 0) if shop["open_now"] else (8, 0))


def test_only_the_owner_or_the_city_edits_a_shop(client: TestClient, session: Session) -> None:
    owner = make_user(session)
    shop = make_shop(session, owner=owner)
    url = f"/api/v1/shops/{shop.id}"
    stranger = bearer(sign_in(client, make_user(session).email))
    assert client.patch(url, json={"name": "Volé"}, headers=stranger).status_code == 403
    edited = client.patch(
        url,
        json={"opening_hours": "Mo-Sa 08:00-19:00; PH off", "phone": None},
        headers=bearer(sign_in(client, owner.email)),
    )
    assert edited.status_code == 200
    assert edited.json()["opening_hours"] == "Mo-Sa 08:00-19:00; PH off"
    assert (
        client.patch(url, json={"name": None}, headers=bearer(sign_in(client, owner.email))).status_code
        == 422
    )
    assert (
        client.patch(url, json={"owner_id": None}, headers=bearer(sign_in(client, owner.email))).status_code
        == 422
    )
    admin = bearer(sign_in(client, make_user(session, roles=[Role.admin]).email))
    assert client.patch(url, json={"name": "Boulangerie du Pont (centre)"}, headers=admin).status_code == 200


def test_my_shops_lists_every_status(client: TestClient, session: Session) -> None:
    owner = make_user(session)
    make_shop(session, owner=owner, name="Première", status="active")
    make_shop(session, owner=owner, name="Seconde", status="pending")
    make_shop(session, name="Pas à moi")
    page = client.get("/api/v1/me/shops?limit=1", headers=bearer(sign_in(client, owner.email))).json()
    assert len(page["results"]) == 1 and page["next_cursor"]
    rest = client.get(
        f"/api/v1/me/shops?limit=1&cursor={page['next_cursor']}", headers=bearer(sign_in(client, owner.email))
    ).json()
    assert {page["results"][0]["name"], rest["results"][0]["name"]} == {"Première", "Seconde"}
    assert rest["next_cursor"] is None


def test_claiming_an_imported_shop(client: TestClient, session: Session) -> None:
    imported = make_shop(
        session, name="Serrurerie Bancel", category="serrurerie", source="osm", osm_id="node/42"
    )
    merchant = make_user(session)
    rival = make_user(session)
    admin = bearer(sign_in(client, make_user(session, roles=[Role.admin]).email))
    assert client.get(f"/api/v1/shops/{imported.id}").json()["claimable"] is True

    claim = client.post(
        f"/api/v1/shops/{imported.id}/claims",
        json={"message": "Je suis le gérant depuis 2019."},
        headers=bearer(sign_in(client, merchant.email)),
    )
    assert claim.status_code == 201
    twice = client.post(
        f"/api/v1/shops/{imported.id}/claims", json={}, headers=bearer(sign_in(client, merchant.email))
    )
    assert twice.status_code == 409
    rival_claim = client.post(
        f"/api/v1/shops/{imported.id}/claims", json={}, headers=bearer(sign_in(client, rival.email))
    ).json()
    queue = client.get("/api/v1/admin/claims", headers=admin).json()["results"]
    assert [c["shop"]["name"] for c in queue] == ["Serrurerie Bancel", "Serrurerie Bancel"]

    approved = client.post(f"/api/v1/admin/claims/{claim.json()['id']}/approve", headers=admin)
    assert approved.json()["status"] == "approved"
    assert (
        client.get("/api/v1/admin/claims?status=rejected", headers=admin).json()["results"][0]["id"]
        == (rival_claim["id"])
    )
    shop = client.get(f"/api/v1/shops/{imported.id}", headers=bearer(sign_in(client, merchant.email))).json()
    assert shop["owner_id"] == str(merchant.id) and shop["claimable"] is False
    assert client.post(f"/api/v1/admin/claims/{claim.json()['id']}/reject", headers=admin).status_code == 409
    owned = client.post(
        f"/api/v1/shops/{make_shop(session, owner=rival).id}/claims",
        json={},
        headers=bearer(sign_in(client, merchant.email)),
    )
    assert owned.status_code == 409


def test_admin_routes_are_for_admins(client: TestClient, session: Session) -> None:
    shop = make_shop(session, status="pending")
    headers = bearer(sign_in(client, make_user(session).email))
    assert client.get("/api/v1/admin/shops", headers=headers).status_code == 403
    assert client.post(f"/api/v1/admin/shops/{shop.id}/approve", headers=headers).status_code == 403
    assert client.get("/api/v1/admin/claims").status_code == 401


def test_hours_are_checked_as_they_are_typed(client: TestClient) -> None:
    good = client.post(
        "/api/v1/opening-hours/preview", json={"opening_hours": " Mo-Fr 09:00-12:00,14:00-18:00 "}
    )
    assert good.status_code == 200
    body = good.json()
    assert body["opening_hours"] == "Mo-Fr 09:00-12:00,14:00-18:00"
    assert len(body["week"]) == 7
    assert any(
        day["intervals"] == [["09:00:00", "12:00:00"], ["14:00:00", "18:00:00"]] for day in body["week"]
    )
    bad = client.post("/api/v1/opening-hours/preview", json={"opening_hours": "lundi 9h"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "opening_hours"
    assert client.post("/api/v1/opening-hours/preview", json={"opening_hours": ""}).status_code == 422


def test_fictitious_demo_shops_cannot_be_claimed(client: TestClient, session: Session) -> None:
    demo = make_shop(session, name="Librairie fictive", category="librairie", source="demo")
    assert client.get(f"/api/v1/shops/{demo.id}").json()["claimable"] is False
    response = client.post(
        f"/api/v1/shops/{demo.id}/claims", json={}, headers=bearer(sign_in(client, make_user(session).email))
    )
    assert response.status_code == 409
    assert "OpenStreetMap" in response.json()["detail"]
