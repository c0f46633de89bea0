"""The city's side of claims and approvals: who asks, the decision, its reason, what the merchant reads."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from api import demo
from api.auth.models import Role
from api.shops import demo as shops_demo
from tests.factories import bearer, make_item, make_shop, make_user, sign_in
from tests.shops.test_routes import NEW_SHOP


def _admin(client: TestClient, session: Session) -> dict[str, str]:
    return bearer(sign_in(client, make_user(session, roles=[Role.admin]).email))


def _imported(session: Session, name: str = "Serrurerie Bancel", osm_id: str = "node/42") -> str:
    return str(make_shop(session, name=name, category="serrurerie", source="osm", osm_id=osm_id).id)


def _problem(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("application/problem+json")  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    return body


def test_the_city_sees_who_claims_a_shop(client: TestClient, session: Session) -> None:
    shop_id = _imported(session)
    claimant = make_user(session, display_name="Lucie Ferrand", email="lucie.ferrand@example.fr")
    client.post(
        f"/api/v1/shops/{shop_id}/claims",
        json={"message": "Gérante depuis 2019, SIRET 123 456 789 00012."},
        headers=bearer(sign_in(client, claimant.email)),
    )
    queue = client.get("/api/v1/admin/claims", headers=_admin(client, session)).json()["results"]
    assert len(queue) == 1
    claim = queue[0]
    assert claim["claimant"] == {
        "id": str(claimant.id),
        "display_name": "Lucie Ferrand",
        "email": "lucie.ferrand@example.fr",
    }
    assert claim["message"] == "Gérante depuis 2019, SIRET 123 456 789 00012."
    assert claim["shop"]["name"] == "Serrurerie Bancel"
    assert claim["created_at"].endswith(("+00:00", "Z"))
    assert claim["decision_reason"] is None


def test_a_refused_claim_keeps_its_reason_for_the_claimant(client: TestClient, session: Session) -> None:
    shop_id = _imported(session)
    claimant = make_user(session)
    claimant_headers = bearer(sign_in(client, claimant.email))
    admin = _admin(client, session)
    claim_id = client.post(
        f"/api/v1/shops/{shop_id}/claims", json={"message": "C'est ma boutique."}, headers=claimant_headers
    ).json()["id"]

    mine = client.get("/api/v1/me/claims", headers=claimant_headers).json()
    assert [(c["id"], c["status"]) for c in mine["results"]] == [(claim_id, "pending")]
    assert mine["results"][0]["shop"]["name"] == "Serrurerie Bancel"
    assert "claimant" not in mine["results"][0]

    blank = client.post(f"/api/v1/admin/claims/{claim_id}/reject", json={"reason": "  "}, headers=admin)
    assert "raison du refus" in str(_problem(blank, 422)["detail"])
    unknown = client.post(f"/api/v1/admin/claims/{claim_id}/reject", json={"why": "x"}, headers=admin)
    _problem(unknown, 422)
    reason = "Aucun justificatif : joignez un extrait Kbis à votre prochaine demande."
    refused = client.post(f"/api/v1/admin/claims/{claim_id}/reject", json={"reason": reason}, headers=admin)
    assert refused.status_code == 200
    assert refused.json()["status"] == "rejected" and refused.json()["decision_reason"] == reason

    seen = client.get("/api/v1/me/claims", headers=claimant_headers).json()["results"][0]
    assert seen["status"] == "rejected"
    assert seen["decision_reason"] == reason
    assert seen["decided_at"] is not None
    assert client.get("/api/v1/admin/claims", headers=admin).json()["results"] == []

    again = client.post(f"/api/v1/admin/claims/{claim_id}/reject", json={"reason": reason}, headers=admin)
    assert "déjà été refusée" in str(_problem(again, 409)["detail"])
    accept = client.post(f"/api/v1/admin/claims/{claim_id}/approve", headers=admin)
    assert "déjà été refusée" in str(_problem(accept, 409)["detail"])
    # Someone else's claims are not in my list.
    other = bearer(sign_in(client, make_user(session).email))
    assert client.get("/api/v1/me/claims", headers=other).json()["results"] == []


def test_a_claim_refused_without_a_body_still_works_as_before(client: TestClient, session: Session) -> None:
    shop_id = _imported(session)
    headers = bearer(sign_in(client, make_user(session).email))
    claim_id = client.post(f"/api/v1/shops/{shop_id}/claims", json={}, headers=headers).json()["id"]
    refused = client.post(f"/api/v1/admin/claims/{claim_id}/reject", headers=_admin(client, session))
    assert refused.status_code == 200
    assert refused.json()["status"] == "rejected" and refused.json()["decision_reason"] is None


def test_accepting_a_claim_tells_the_other_claimants_why_theirs_is_refused(
    client: TestClient, session: Session
) -> None:
    shop_id = _imported(session)
    chosen, other = make_user(session), make_user(session)
    chosen_headers = bearer(sign_in(client, chosen.email))
    other_headers = bearer(sign_in(client, other.email))
    admin = _admin(client, session)
    chosen_claim = client.post(f"/api/v1/shops/{shop_id}/claims", json={}, headers=chosen_headers).json()
    client.post(f"/api/v1/shops/{shop_id}/claims", json={}, headers=other_headers)
    accepted = client.post(f"/api/v1/admin/claims/{chosen_claim['id']}/approve", headers=admin)
    assert accepted.status_code == 200 and accepted.json()["status"] == "approved"

    theirs = client.get("/api/v1/me/claims", headers=other_headers).json()["results"][0]
    assert theirs["status"] == "rejected" and "autre personne" in theirs["decision_reason"]
    mine = client.get("/api/v1/me/claims", headers=chosen_headers).json()["results"][0]
    assert mine["status"] == "approved"
    twice = client.post(
        f"/api/v1/admin/claims/{chosen_claim['id']}/reject", json={"reason": "Erreur"}, headers=admin
    )
    assert "déjà été acceptée" in str(_problem(twice, 409)["detail"])


def test_a_pending_shop_is_refused_with_a_reason_its_owner_reads(
    client: TestClient, session: Session
) -> None:
    owner = make_user(session)
    owner_headers = bearer(sign_in(client, owner.email))
    admin = _admin(client, session)
    shop = client.post("/api/v1/shops", json=NEW_SHOP, headers=owner_headers).json()
    assert shop["decision_reason"] is None and shop["decided_at"] is None
    url = f"/api/v1/admin/shops/{shop['id']}"

    missing = client.post(f"{url}/refuse", json={}, headers=admin)
    _problem(missing, 422)
    no_body = client.post(f"{url}/refuse", headers=admin)
    _problem(no_body, 422)
    reason = "Adresse introuvable : précisez le numéro de la rue."
    refused = client.post(f"{url}/refuse", json={"reason": f" {reason} "}, headers=admin)
    assert refused.status_code == 200
    assert refused.json()["status"] == "refused" and refused.json()["decision_reason"] == reason

    mine = client.get("/api/v1/me/shops", headers=owner_headers).json()["results"][0]
    assert mine["status"] == "refused" and mine["decision_reason"] == reason and mine["decided_at"]
    assert client.get(f"/api/v1/shops/{shop['id']}").status_code == 404
    refused_list = client.get("/api/v1/admin/shops?status=refused", headers=admin).json()["results"]
    assert [s["id"] for s in refused_list] == [shop["id"]]
    assert refused_list[0]["owner"] == {
        "id": str(owner.id),
        "display_name": owner.display_name,
        "email": owner.email,
    }
    assert client.get("/api/v1/admin/shops", headers=admin).json()["results"] == []

    for decision, words in (
        ("refuse", "déjà été refusé"),
        ("approve", "ne peut plus être approuvé"),
        ("suspend", "rien à suspendre"),
    ):
        body = {"reason": "Encore"} if decision == "refuse" else None
        detail = _problem(client.post(f"{url}/{decision}", json=body, headers=admin), 409)["detail"]
        assert words in str(detail), detail
    # The owner has not become a merchant.
    refreshed = client.post(
        "/api/v1/auth/refresh", json={"refresh_token": sign_in(client, owner.email)["refresh_token"]}
    )
    assert "merchant" not in client.get("/api/v1/me", headers=bearer(refreshed.json())).json()["roles"]


def test_only_pending_shops_are_refused_and_suspension_keeps_working(
    client: TestClient, session: Session
) -> None:
    admin = _admin(client, session)
    owner = make_user(session)
    active = make_shop(session, owner=owner, name="Fromagerie Rivière", category="fromagerie")
    url = f"/api/v1/admin/shops/{active.id}"
    refused = client.post(f"{url}/refuse", json={"reason": "Doublon"}, headers=admin)
    assert "déjà approuvé" in str(_problem(refused, 409)["detail"])

    suspended = client.post(f"{url}/suspend", json={"reason": "Fermé pour travaux."}, headers=admin)
    assert suspended.status_code == 200
    assert suspended.json()["status"] == "suspended"
    assert suspended.json()["decision_reason"] == "Fermé pour travaux."
    again = client.post(f"{url}/refuse", json={"reason": "Doublon"}, headers=admin)
    assert "suspendu" in str(_problem(again, 409)["detail"])
    # The contract's suspend without a body, and approving a suspended shop again.
    assert client.post(f"{url}/suspend", headers=admin).json()["status"] == "suspended"
    approved = client.post(f"{url}/approve", headers=admin).json()
    assert approved["status"] == "active" and approved["decision_reason"] is None

    # Suspending a pending shop predates refusals: it keeps working for the API's callers.
    pending = make_shop(session, owner=owner, name="Primeur Kléber", category="primeur", status="pending")
    legacy = client.post(f"/api/v1/admin/shops/{pending.id}/suspend", headers=admin)
    assert legacy.status_code == 200 and legacy.json()["status"] == "suspended"


def test_a_refused_shop_never_appears_in_search(client: TestClient, session: Session) -> None:
    admin = _admin(client, session)
    owner_headers = bearer(sign_in(client, make_user(session).email))
    shop = client.post(
        "/api/v1/shops", json={**NEW_SHOP, "name": "Cordonnerie Zéphyrine"}, headers=owner_headers
    ).json()
    client.post(
        f"/api/v1/shops/{shop['id']}/items",
        json={"kind": "service", "name": "Ressemelage zéphyr"},
        headers=owner_headers,
    )
    client.post(f"/api/v1/admin/shops/{shop['id']}/refuse", json={"reason": "Doublon"}, headers=admin)
    visible = make_shop(session, name="Cordonnerie Zéphyr", category="cordonnerie")
    make_item(session, visible, name="Ressemelage zéphyr", kind="service", price_cents=None)
    found = client.get("/api/v1/search?q=zéphyr").json()["results"]
    assert [r["shop"]["name"] for r in found] == ["Cordonnerie Zéphyr"]


def test_decisions_are_for_admins_only(client: TestClient, session: Session) -> None:
    shop = make_shop(session, status="pending")
    headers = bearer(sign_in(client, make_user(session).email))
    forbidden = client.post(f"/api/v1/admin/shops/{shop.id}/refuse", json={"reason": "Non"}, headers=headers)
    _problem(forbidden, 403)
    assert client.get("/api/v1/me/claims").status_code == 401
    missing = client.post(
        "/api/v1/admin/shops/00000000-0000-4000-8000-000000000000/refuse",
        json={"reason": "Non"},
        headers=_admin(client, session),
    )
    _problem(missing, 404)


def test_the_demo_leaves_shops_and_a_claim_for_the_city_to_decide(
    client: TestClient, session: Session
) -> None:
    demo.load_demo(session=session, shops=20, items=100)
    session.commit()
    admin = bearer(sign_in(client, "admin@demo.coeurdevalence.fr", "demo-admin-valence"))
    pending = client.get("/api/v1/admin/shops", headers=admin).json()["results"]
    assert {s["name"] for s in pending} == {"Torréfaction Benali", "Atelier Vélo Benali"}
    claims = client.get("/api/v1/admin/claims", headers=admin).json()["results"]
    assert [(c["claimant"]["display_name"], c["claimant"]["email"]) for c in claims] == [
        ("Lucie Ferrand", "lucie.ferrand@demo.coeurdevalence.fr")
    ]
    assert claims[0]["message"] == shops_demo.CLAIM_MESSAGE

    # The city decides; loading again keeps its decisions and adds nothing.
    refused = client.post(
        f"/api/v1/admin/claims/{claims[0]['id']}/reject",
        json={"reason": "Justificatif illisible."},
        headers=admin,
    )
    assert refused.status_code == 200
    client.post(f"/api/v1/admin/shops/{pending[0]['id']}/approve", headers=admin)
    session.expire_all()
    again = demo.load_demo(session=session, shops=20, items=100)
    session.commit()
    assert not again.loaded
    assert [s["id"] for s in client.get("/api/v1/admin/shops", headers=admin).json()["results"]] == [
        pending[1]["id"]
    ]
    assert client.get("/api/v1/admin/claims", headers=admin).json()["results"] == []
    claimant = bearer(sign_in(client, "lucie.ferrand@demo.coeurdevalence.fr", "demo-lucie-valence"))
    mine = client.get("/api/v1/me/claims", headers=claimant).json()["results"]
    assert [(c["status"], c["decision_reason"]) for c in mine] == [("rejected", "Justificatif illisible.")]
