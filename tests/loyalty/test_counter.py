"""The counter flows of contract §7, as a merchant and a shopper live them."""

import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.loyalty.helpers import API, open_counter, shopper


def test_an_earn_by_member_code_gives_one_point_per_whole_euro(client: TestClient, session: Session) -> None:
    counter = open_counter(client, session)
    ines = shopper(client, session)
    body = counter.earn(ines, 2390)
    assert body["points"] == 23
    assert body["kind"] == "earn"
    me = client.get(f"{API}/loyalty/me", headers=ines).json()
    assert me["balance"] == 23
    history = client.get(f"{API}/loyalty/me/history", headers=ines).json()
    line = history["results"][0]
    assert line["kind"] == "earn" and line["points"] == 23
    assert line["shop"] == {"id": str(counter.shop.id), "name": "Fromagerie Bayle"}
    assert "23,90 €" in line["reason"]
    assert line["expires_at"].startswith("2027-")


def test_a_member_code_gives_points_once(client: TestClient, session: Session) -> None:
    counter = open_counter(client, session)
    ines = shopper(client, session)
    code = counter.member_code(ines)
    counter.earn(ines, 1000, code=code)
    again = client.post(
        f"{API}/loyalty/earn",
        json={"shop_id": str(counter.shop.id), "member_code": code, "amount_cents": 1000},
        headers={**counter.merchant_headers, "Idempotency-Key": "second"},
    )
    assert again.status_code == 422
    assert again.json()["type"].endswith("/invalid-member-code")


def test_the_same_key_replays_the_first_answer(client: TestClient, session: Session) -> None:
    counter = open_counter(client, session)
    ines = shopper(client, session)
    code = counter.member_code(ines)
    body = {"shop_id": str(counter.shop.id), "member_code": code, "amount_cents": 1500}
    headers = {**counter.merchant_headers, "Idempotency-Key": "caisse-1"}
    first = client.post(f"{API}/loyalty/earn", json=body, headers=headers)
    second = client.post(f"{API}/loyalty/earn", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.content == second.content
    assert counter.balance(ines) == 15
    other = client.post(f"{API}/loyalty/earn", json={**body, "amount_cents": 1600}, headers=headers)
    assert other.status_code == 422
    missing = client.post(f"{API}/loyalty/earn", json=body, headers=counter.merchant_headers)
    assert missing.status_code == 400
    assert missing.json()["type"].endswith("/idempotency-key-required")


def test_a_refusal_is_replayed_too(client: TestClient, session: Session) -> None:
    counter = open_counter(client, session)
    ines = shopper(client, session)
    reward = counter.reward(cost_points=50)
    first = counter.redeem(ines, reward, key="r-1")
    assert first.status_code == 409  # type: ignore[attr-defined]
    assert first.json()["type"].endswith("/insufficient-points")  # type: ignore[attr-defined]
    counter.earn(ines, 10000)
    # The same key still answers the refusal; a new key redeems.
    replay = client.post(
        f"{API}/loyalty/redeem",
        json={"shop_id": str(counter.shop.id), "member_code": counter.member_code(ines), "reward_id": reward},
        headers={**counter.merchant_headers, "Idempotency-Key": "r-1"},
    )
    assert replay.status_code == 422  # another body (a new member code) under the same key
    fresh = counter.redeem(ines, reward)
    assert fresh.status_code == 201  # type: ignore[attr-defined]
    assert counter.balance(ines) == 50


def test_a_merchant_cannot_award_itself(client: TestClient, session: Session) -> None:
    counter = open_counter(client, session)
    own = counter.member_code(counter.merchant_headers)
    response = client.post(
        f"{API}/loyalty/earn",
        json={"shop_id": str(counter.shop.id), "member_code": own, "amount_cents": 5000},
        headers={**counter.merchant_headers, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 422
    assert response.json()["type"].endswith("/self-award")


def test_claim_code_flow(client: TestClient, session: Session) -> None:
    counter = open_counter(client, session)
    ines = shopper(client, session)
    made = client.post(
        f"{API}/loyalty/claim-codes",
        json={"shop_id": str(counter.shop.id), "amount_cents": 4250},
        headers={**counter.merchant_headers, "Idempotency-Key": "cc-1"},
    )
    assert made.status_code == 201, made.text
    code = made.json()["code"]
    own = client.post(
        f"{API}/loyalty/claim",
        json={"code": code},
        headers={**counter.merchant_headers, "Idempotency-Key": "x"},
    )
    assert own.status_code == 422 and own.json()["type"].endswith("/self-award")
    typed = code[:4].lower() + " " + code[4:].lower()
    claimed = client.post(
        f"{API}/loyalty/claim", json={"code": typed}, headers={**ines, "Idempotency-Key": "c-1"}
    )
    assert claimed.status_code == 201, claimed.text
    assert claimed.json()["points"] == 42 and claimed.json()["balance"] == 42
    other = shopper(client, session, "Paul")
    twice = client.post(
        f"{API}/loyalty/claim", json={"code": code}, headers={**other, "Idempotency-Key": "c-2"}
    )
    assert twice.status_code == 422 and twice.json()["type"].endswith("/invalid-claim-code")


def test_reversal_of_a_spent_earn_leaves_a_negative_balance_and_says_so(
    client: TestClient, session: Session
) -> None:
    counter = open_counter(client, session)
    ines = shopper(client, session)
    earned = counter.earn(ines, 3000)
    reward = counter.reward(cost_points=20, stock=1)
    assert counter.redeem(ines, reward).status_code == 201  # type: ignore[attr-defined]
    reversed_ = client.post(
        f"{API}/loyalty/transactions/{earned['transaction_id']}/reverse",
        headers={**counter.merchant_headers, "Idempotency-Key": "rev-1"},
    )
    assert reversed_.status_code == 201, reversed_.text
    body = reversed_.json()
    assert body["points"] == -30 and body["leaves_negative_balance"] is True
    assert "déjà utilisés" in body["reason"]
    assert client.get(f"{API}/loyalty/me", headers=ines).json()["balance"] == -20
    twice = client.post(
        f"{API}/loyalty/transactions/{earned['transaction_id']}/reverse",
        headers={**counter.merchant_headers, "Idempotency-Key": "rev-2"},
    )
    assert twice.status_code == 409 and twice.json()["type"].endswith("/already-reversed")
    admin_audit = client.get(f"{API}/loyalty/me/history", headers=ines).json()
    assert [line["kind"] for line in admin_audit["results"]] == ["reverse", "redeem", "earn"]


def test_out_of_stock_reward(client: TestClient, session: Session) -> None:
    counter = open_counter(client, session)
    ines = shopper(client, session)
    counter.earn(ines, 10000)
    reward = counter.reward(cost_points=10, stock=1)
    assert counter.redeem(ines, reward).status_code == 201  # type: ignore[attr-defined]
    second = counter.redeem(ines, reward)
    assert second.status_code == 409  # type: ignore[attr-defined]
    assert second.json()["type"].endswith("/reward-unavailable")  # type: ignore[attr-defined]
    assert counter.balance(ines) == 90


def test_a_reward_keeps_a_title(client: TestClient, session: Session) -> None:
    counter = open_counter(client, session)
    reward = counter.reward()
    blank = client.patch(f"{API}/rewards/{reward}", json={"title": "   "}, headers=counter.merchant_headers)
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"].endswith("title")
    renamed = client.patch(
        f"{API}/rewards/{reward}", json={"title": " Un thé "}, headers=counter.merchant_headers
    )
    assert renamed.status_code == 200 and renamed.json()["title"] == "Un thé"
