"""What the city reads and keeps: statements, unusual activity, the member's export, the purge, the demo."""

import csv
import io
import uuid
from contextlib import nullcontext
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import demo
from api.auth.models import Login, Role, User
from api.auth.tokens import Principal
from api.db import utcnow
from api.loyalty import ledger, service, upkeep
from api.loyalty.models import Channel, LoyaltyReward, LoyaltyTransaction
from api.shops.hours import PARIS
from api.shops.models import Shop, ShopStatus
from tests.factories import bearer, make_shop, make_user, sign_in
from tests.loyalty.helpers import API, open_counter, shopper


def admin_headers(client: TestClient, session: Session) -> dict[str, str]:
    admin = make_user(session, display_name="Mairie", roles=[Role.admin])
    return bearer(sign_in(client, admin.email))


def test_the_monthly_statement_says_what_each_shop_issued_and_took_back(
    client: TestClient, session: Session
) -> None:
    counter = open_counter(client, session)
    other = open_counter(client, session, name="Librairie Notre-Temps")
    ines = shopper(client, session)
    earned = counter.earn(ines, 5000)
    counter.earn(ines, 2000)
    reward = other.reward(cost_points=30)
    assert other.redeem(ines, reward).status_code == 201  # type: ignore[attr-defined]
    reversal = client.post(
        f"{API}/loyalty/transactions/{earned['transaction_id']}/reverse",
        headers={**counter.merchant_headers, "Idempotency-Key": "refund"},
    )
    assert reversal.status_code == 201
    month = utcnow().astimezone(PARIS).strftime("%Y-%m")
    admin = admin_headers(client, session)
    statement = client.get(f"{API}/admin/loyalty/statements", params={"month": month}, headers=admin).json()
    lines = {line["shop"]["name"]: line for line in statement["results"]}
    assert lines["Fromagerie Bayle"] | {"shop": None} == {
        "shop": None,
        "issued": 70,
        "redeemed": 0,
        "reversed_issued": 50,
        "reversed_redeemed": 0,
        "expired": 0,
        "net": 20,
    }
    assert lines["Librairie Notre-Temps"]["redeemed"] == 30 and lines["Librairie Notre-Temps"]["net"] == -30
    assert statement["totals"]["net"] == -10  # the member's balance moved by −10 over the month: 70 − 50 − 30
    exported = client.get(f"{API}/admin/loyalty/statements.csv", params={"month": month}, headers=admin)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["commerce", "identifiant", "points_emis"]
    assert ["Fromagerie Bayle", str(counter.shop.id), "70", "0", "50", "0", "0", "20"] in rows
    bad = client.get(f"{API}/admin/loyalty/statements", params={"month": "2026-13"}, headers=admin)
    assert bad.status_code == 422
    assert (
        client.get(f"{API}/admin/loyalty/statements", params={"month": month}, headers=ines).status_code
        == 403
    )


def test_unusual_activity_flags_many_earns_a_day_for_one_member(client: TestClient, session: Session) -> None:
    counter = open_counter(client, session)
    ines = shopper(client, session)
    for _ in range(6):
        counter.earn(ines, 1000)
    found = client.get(f"{API}/admin/loyalty/unusual", headers=admin_headers(client, session)).json()[
        "results"
    ]
    flagged = [item for item in found if item["kind"] == "many-earns"]
    assert len(flagged) == 1
    assert flagged[0]["earns"] == 6 and flagged[0]["shop"]["name"] == "Fromagerie Bayle"
    assert flagged[0]["member_ref"].startswith("M-")


def test_a_member_downloads_their_loyalty_data(client: TestClient, session: Session) -> None:
    counter = open_counter(client, session)
    ines = shopper(client, session)
    counter.earn(ines, 1234)
    response = client.get(f"{API}/loyalty/me/export", headers=ines)
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    data = response.json()
    assert data["balance"] == 12
    assert [line["points"] for line in data["transactions"]] == [12]


def test_rules_of_the_counter(client: TestClient, session: Session) -> None:
    counter = open_counter(client, session)
    other = open_counter(client, session, name="Cordonnerie Pic")
    ines = shopper(client, session)
    code = counter.member_code(ines)
    body = {"shop_id": str(counter.shop.id), "member_code": code, "amount_cents": 1000}
    # Another merchant at this shop's counter, a shopper posing as a merchant.
    wrong_merchant = client.post(
        f"{API}/loyalty/earn", json=body, headers={**other.merchant_headers, "Idempotency-Key": "a"}
    )
    assert wrong_merchant.status_code == 403
    assert (
        client.post(f"{API}/loyalty/earn", json=body, headers={**ines, "Idempotency-Key": "b"}).status_code
        == 403
    )
    earned = counter.earn(ines, 1000, code=code)
    # Only the merchant who made it reverses it.
    foreign = client.post(
        f"{API}/loyalty/transactions/{earned['transaction_id']}/reverse",
        headers={**other.merchant_headers, "Idempotency-Key": "c"},
    )
    assert foreign.status_code == 404
    # Under a euro, no point; a suspended shop gives none.
    small = client.post(
        f"{API}/loyalty/earn",
        json={**body, "member_code": counter.member_code(ines), "amount_cents": 99},
        headers={**counter.merchant_headers, "Idempotency-Key": "d"},
    )
    assert small.status_code == 422 and small.json()["errors"][0]["field"] == "amount_cents"
    counter.shop.status = ShopStatus.suspended
    session.add(counter.shop)
    session.commit()
    inactive = client.post(
        f"{API}/loyalty/earn",
        json={**body, "member_code": counter.member_code(ines)},
        headers={**counter.merchant_headers, "Idempotency-Key": "e"},
    )
    assert inactive.status_code == 409 and inactive.json()["type"].endswith("/shop-inactive")


def test_the_city_sets_a_rate_and_a_cap(client: TestClient, session: Session) -> None:
    counter = open_counter(client, session)
    ines = shopper(client, session)
    admin = admin_headers(client, session)
    changed = client.patch(
        f"{API}/admin/shops/{counter.shop.id}/loyalty",
        json={"points_per_euro": 2, "daily_cap_points": 50},
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    assert counter.earn(ines, 2000)["points"] == 40
    over = client.post(
        f"{API}/loyalty/earn",
        json={
            "shop_id": str(counter.shop.id),
            "member_code": counter.member_code(ines),
            "amount_cents": 1000,
        },
        headers={**counter.merchant_headers, "Idempotency-Key": "over"},
    )
    assert over.status_code == 409 and over.json()["type"].endswith("/daily-cap-reached")
    assert "10 points" in over.json()["detail"]
    shop_page = client.get(f"{API}/shops/{counter.shop.id}/loyalty").json()
    assert shop_page["participating"] is True and shop_page["points_per_euro"] == 2
    client.patch(f"{API}/admin/shops/{counter.shop.id}/loyalty", json={"enabled": False}, headers=admin)
    assert client.get(f"{API}/shops/{counter.shop.id}/loyalty").json()["participating"] is False


def test_purge_anonymises_the_inactive_and_keeps_the_ledger_sums(session: Session) -> None:
    long_ago = utcnow() - timedelta(days=4 * 365)
    merchant = make_user(session, display_name="Ancien commerçant", roles=[Role.merchant])
    shop = make_shop(session, owner=merchant)
    gone = make_user(session, email="parti@example.fr", display_name="Jeanne Parti")
    still_here = make_user(session, display_name="Toujours là")
    for user in (gone, still_here):
        user.created_at = long_ago
        session.add(user)
    session.add(Login(user_id=gone.id, created_at=long_ago, expires_at=long_ago + timedelta(days=30)))
    session.add(Login(user_id=still_here.id, created_at=utcnow(), expires_at=utcnow() + timedelta(days=30)))
    member = ledger.member_account(session, gone.id)
    ledger.earn(
        session,
        member=member,
        shop_id=shop.id,
        points=40,
        actor_id=merchant.id,
        channel=Channel.member_code,
        amount_cents=4000,
        code_id=None,
        reason="Achat.",
        now=long_ago,
    )
    session.commit()
    before = ledger.audit(session, now=utcnow())
    purged = upkeep.purge_inactive(session_for=lambda: nullcontext(session), now=utcnow())
    assert purged == 1
    anonymous = session.get(User, gone.id)
    assert anonymous is not None and anonymous.display_name == "Compte anonymisé"
    assert "parti" not in anonymous.email and not anonymous.is_active
    assert session.get(User, still_here.id).display_name == "Toujours là"  # type: ignore[union-attr]
    after = ledger.audit(session, now=utcnow())
    assert after.healthy and after.points_outstanding == before.points_outstanding == 40
    assert (
        session.exec(select(LoyaltyTransaction).where(LoyaltyTransaction.user_id == gone.id)).one().points
        == 40
    )
    # Twice: nothing more to do.
    assert upkeep.purge_inactive(session_for=lambda: nullcontext(session), now=utcnow()) == 0


def test_the_demo_gives_the_shopper_a_history_and_keeps_shops_with_one(session: Session) -> None:
    result = demo.load_demo(session=session, shops=12, items=40)
    session.commit()
    shopper_id = next(account.user_id for account in result.accounts if account.role == Role.shopper.value)
    lines, _ = service.history(session=session, user_id=shopper_id, cursor=None, limit=100)
    kinds = [line.kind for line in lines]
    assert len(lines) >= 12 and kinds.count("redeem") == 2 and kinds.count("reverse") == 1
    assert len({line.shop.id for line in lines if line.shop}) >= 4
    balance = service.member_balance(session=session, user_id=shopper_id, now=utcnow())
    assert balance.balance > 100 and balance.expiring
    assert all(item.expires_at - utcnow() < timedelta(days=60) for item in balance.expiring)
    rewards = session.exec(select(LoyaltyReward)).all()
    assert len(rewards) == 4 and {reward.shop_id for reward in rewards} <= {
        line.shop.id for line in lines if line.shop
    }
    # A smaller demo suspends the shops with points history instead of deleting them; the ledger stays whole.
    demo.load_demo(session=session, shops=2, items=4)
    session.commit()
    for line in lines:
        assert line.shop is None or session.get(Shop, line.shop.id) is not None
    assert ledger.audit(session, now=utcnow()).healthy
    again, _ = service.history(session=session, user_id=shopper_id, cursor=None, limit=100)
    assert [line.transaction_id for line in again] == [line.transaction_id for line in lines]
    demo.load_demo(session=session, shops=12, items=40)
    session.commit()
    statuses = {session.get(Shop, line.shop.id).status for line in lines if line.shop}  # type: ignore[union-attr]
    assert statuses == {ShopStatus.active}


def test_a_merchant_cannot_claim_its_own_code(session: Session) -> None:
    merchant = make_user(session, roles=[Role.merchant])
    shop = make_shop(session, owner=merchant)
    principal = Principal(user_id=merchant.id, login_id=uuid.uuid4(), roles=("merchant",), service=None)
    made = service.create_claim_code(
        session=session, principal=principal, shop_id=shop.id, amount_cents=1000, now=utcnow()
    )
    with pytest.raises(service.SelfAward):
        service.claim_points(session=session, principal=principal, code=made.code, now=utcnow())
