"""What a bank auditor asks of the points ledger, on SQLite and PostgreSQL.

The first four scenarios run real `valence serve` processes over HTTP (issue 12, "What it must show"); the
others check the rules an auditor reads about (append-only rows, expiry, cap, reversal window, the audit
command) on the test session or a throwaway database.
"""

import asyncio
import itertools
import random
import sys
import time
import uuid
from collections import Counter as Tally
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from api.auth.models import Role
from api.db import utcnow
from api.errors import AppError
from api.loyalty import ledger, upkeep
from api.loyalty import service as loyalty_service
from api.loyalty.models import LoyaltyAccount, LoyaltyEntry, LoyaltyReward, LoyaltyTransaction, RewardCreate
from api.migrate import upgrade
from api.shops.models import Shop
from tests.databases import BACKENDS, POSTGRES_URL, fresh_database
from tests.factories import bearer, make_shop, make_user, sign_in
from tests.loyalty.helpers import API, open_counter, shopper
from tests.loyalty.town import (
    Counter,
    Person,
    Reply,
    Server,
    Town,
    assert_clean,
    db_audit,
    earn_at,
    earns_by_member_code,
    engine_for,
    http_audit,
    in_the_past,
    keyed,
    member_codes,
    populate,
    run_jobs,
    run_jobs_async,
    send,
    serve,
    server_errors,
    stored_keys,
    transactions,
)
from tests.loyalty.town import sign_in as sign_in_everyone
from tests.servers import valence, valence_env


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        upgrade(url)
        yield url


def _reward(base_url: str, counter: Counter, title: str, cost_points: int, stock: int | None = None) -> str:
    body: dict[str, object] = {"title": title, "cost_points": cost_points}
    if stock is not None:
        body["stock"] = stock
    response = httpx.post(
        f"{base_url}{API}/shops/{counter.shop_id}/rewards", json=body, headers=counter.merchant.headers
    )
    assert response.status_code == 201, response.text
    reward_id: str = response.json()["id"]
    return reward_id


def _earn_now(base_url: str, counter: Counter, member: Person, amount_cents: int) -> None:
    [code] = member_codes(base_url, [member], 1)
    response = httpx.post(
        f"{base_url}{API}/loyalty/earn",
        json={"shop_id": str(counter.shop_id), "member_code": code, "amount_cents": amount_cents},
        headers=keyed(counter.merchant, uuid.uuid4().hex),
    )
    assert response.status_code == 201, response.text


def _balance(base_url: str, member: Person) -> int:
    response = httpx.get(f"{base_url}{API}/loyalty/me", headers=member.headers)
    assert response.status_code == 200, response.text
    balance: int = response.json()["balance"]
    return balance


def _stock(base_url: str, counter: Counter, reward_id: str) -> int | None:
    response = httpx.get(f"{base_url}{API}/shops/{counter.shop_id}/rewards", headers=counter.merchant.headers)
    assert response.status_code == 200, response.text
    [reward] = [r for r in response.json()["results"] if r["id"] == reward_id]
    stock: int | None = reward["stock"]
    return stock


def _redeem_many(
    servers: list[Server], counter: Counter, code: str, reward_id: str, count: int
) -> list[Reply]:
    """`count` redemptions with one member code, each with its own key, all sent at once to the servers."""
    body = {"shop_id": str(counter.shop_id), "member_code": code, "reward_id": reward_id}

    def job(n: int):  # type: ignore[no-untyped-def]
        url = f"{servers[n % len(servers)].base_url}{API}/loyalty/redeem"
        return lambda client: send(
            client, "POST", url, json=body, headers=keyed(counter.merchant, f"redeem-{uuid.uuid4().hex}")
        )

    return run_jobs([job(n) for n in range(count)], concurrency=count)


# --- 1. a hundred redemptions at once ---------------------------------------------------------------


def test_a_hundred_simultaneous_redemptions_against_a_balance_for_one(database: str, tmp_path: Path) -> None:
    town = populate(database, shops=2, shoppers=2)
    with serve(database, tmp_path) as first, serve(database, tmp_path) as second:
        sign_in_everyone(first.base_url, town.everyone())
        counter, elsewhere = town.counters
        ines, paul = town.shoppers

        # The balance binds: 25 points earned at another shop, a reward of 25 points with no stock limit.
        _earn_now(first.base_url, elsewhere, ines, 2590)
        basket = _reward(first.base_url, counter, "Un panier garni", 25)
        [code] = member_codes(first.base_url, [ines], 1)  # one code serves every redemption while valid
        replies = _redeem_many([first, second], counter, code, basket, 100)
        outcome = Tally((r.status, r.slug) for r in replies)
        assert outcome == {(201, None): 1, (409, "insufficient-points"): 99}, (
            outcome,
            server_errors(first, second),
        )
        assert _balance(second.base_url, ines) == 0

        # The stock binds: plenty of points, one unit left.
        _earn_now(second.base_url, elsewhere, paul, 10000)
        last_one = _reward(first.base_url, counter, "Le dernier tote bag", 10, stock=1)
        [code] = member_codes(first.base_url, [paul], 1)
        replies = _redeem_many([first, second], counter, code, last_one, 100)
        outcome = Tally((r.status, r.slug) for r in replies)
        assert outcome == {(201, None): 1, (409, "reward-unavailable"): 99}, (
            outcome,
            server_errors(first, second),
        )
        assert _balance(first.base_url, paul) == 90
        assert _stock(first.base_url, counter, last_one) == 0

        report = http_audit(first.base_url, town.admin)
        assert_clean(report)
        assert report["transactions"] == 4


# --- 2. a thousand earns, each sent three times ----------------------------------------------------

EARNS = 1000


def test_a_thousand_earns_each_sent_three_times_are_a_thousand_transactions(
    database: str, tmp_path: Path
) -> None:
    town = populate(database, shops=5, shoppers=50)
    with serve(database, tmp_path) as first, serve(database, tmp_path) as second:
        servers = [first, second]
        sign_in_everyone(first.base_url, town.everyone())
        codes = member_codes(first.base_url, town.shoppers, EARNS)
        run = uuid.uuid4().hex[:6]
        # Code n is shopper n % 50's; each shopper earns 4 times at each shop, 10-39 €: under the daily cap.
        earns = [
            (
                town.counters[(n // len(town.shoppers)) % len(town.counters)],
                f"till-{run}-{n}",
                {
                    "shop_id": str(town.counters[(n // len(town.shoppers)) % len(town.counters)].shop_id),
                    "member_code": codes[n],
                    "amount_cents": 1000 + (n * 37) % 3000,
                },
            )
            for n in range(EARNS)
        ]
        # Three copies: all at the same moment, two at once and one later, or one now and two later; the
        # copies of one earn go to both processes.
        now_copies = {0: (0, 1, 2), 1: (0, 1), 2: (0,)}
        replies: dict[tuple[int, int], Reply] = {}

        def phase(later: bool):  # type: ignore[no-untyped-def]
            def job(n: int):  # type: ignore[no-untyped-def]
                counter, key, body = earns[n]
                copies = [c for c in range(3) if (c in now_copies[n % 3]) != later]

                async def send_copies(client: httpx.AsyncClient) -> None:
                    sent = await asyncio.gather(
                        *(
                            send(
                                client,
                                "POST",
                                f"{servers[(n + c) % 2].base_url}{API}/loyalty/earn",
                                json=body,
                                headers=keyed(counter.merchant, key),
                            )
                            for c in copies
                        )
                    )
                    replies.update({(n, c): reply for c, reply in zip(copies, sent, strict=True)})

                return send_copies

            return [job(n) for n in range(EARNS)]

        run_jobs(phase(later=False), concurrency=16)
        run_jobs(phase(later=True), concurrency=16)

        statuses = Tally(reply.status for reply in replies.values())
        assert statuses == {201: 3 * EARNS}, (statuses, server_errors(first, second))
        for n in range(EARNS):
            bodies = {replies[(n, c)].body for c in range(3)}
            assert len(bodies) == 1, (n, bodies)
        answered = {replies[(n, 0)].json()["transaction_id"] for n in range(EARNS)}
        assert len(answered) == EARNS

        report = http_audit(second.base_url, town.admin)
        assert_clean(report)
    ledger_rows = transactions(database)
    assert len(ledger_rows) == EARNS
    assert {str(row.id) for row in ledger_rows} == answered
    merchants = [c.merchant.user_id for c in town.counters]
    assert len(stored_keys(database, merchants)) == EARNS


# --- 3. earn, redeem, reverse and expire at once, across two processes ---------------------------------


def _old_history(town: Town) -> None:
    """A year of history written before the servers start: lots 13 months old, due to expire."""
    now = utcnow()

    def write(session: Session) -> None:
        long_ago = now - timedelta(days=730)
        for counter in town.counters:
            shop = session.get(Shop, counter.shop_id)
            assert shop is not None
            for title, cost, stock in (("Un café offert", 5, None), ("Un tote bag", 20, 3)):
                loyalty_service.create_reward(
                    session=session,
                    shop=shop,
                    data=RewardCreate(title=title, cost_points=cost, stock=stock),
                    now=long_ago,
                )
        for i, member in enumerate(town.shoppers):
            counters = town.counters
            earn_at(
                session,
                counters[i % len(counters)],
                member,
                3000 + 100 * i,
                now - timedelta(days=395, minutes=i),
            )
            earn_at(session, counters[(i + 1) % len(counters)], member, 2000, now - timedelta(days=60))
            if i % 2:
                # Six months ago, 5 points taken from the oldest lot: that much less expires now.
                redeemer = counters[(i + 2) % len(counters)]
                at = now - timedelta(days=180)
                code = loyalty_service.issue_member_code(
                    session=session, principal=member.principal(), now=at
                )
                coffee = session.scalars(
                    select(LoyaltyReward).where(
                        col(LoyaltyReward.shop_id) == redeemer.shop_id, col(LoyaltyReward.cost_points) == 5
                    )
                ).one()
                loyalty_service.redeem_reward(
                    session=session,
                    principal=redeemer.merchant.principal(),
                    shop_id=redeemer.shop_id,
                    member_code=code.member_code,
                    reward_id=coffee.id,
                    now=at,
                )

    in_the_past(town.url, write)


def _rewards(base_url: str, counter: Counter) -> dict[int, str]:
    response = httpx.get(f"{base_url}{API}/shops/{counter.shop_id}/rewards", headers=counter.merchant.headers)
    assert response.status_code == 200, response.text
    return {r["cost_points"]: r["id"] for r in response.json()["results"]}


async def _expire(database: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "api.cli",
        "loyalty",
        "expire",
        env=valence_env(database),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


def test_a_burst_of_earns_redemptions_reversals_and_expiry_leaves_a_clean_audit(
    database: str, tmp_path: Path
) -> None:
    town = populate(database, shops=4, shoppers=24)
    _old_history(town)
    with serve(database, tmp_path) as first, serve(database, tmp_path) as second:
        servers = [first, second]
        sign_in_everyone(first.base_url, town.everyone())
        rewards = {counter.shop_id: _rewards(first.base_url, counter) for counter in town.counters}
        done: list[tuple[str, Reply]] = []
        rng = random.Random(12)

        def task(member: Person, seed: int, redeems: bool):  # type: ignore[no-untyped-def]
            plan = random.Random(seed)

            async def shop_around(client: httpx.AsyncClient) -> None:
                # Ten operations each, and on until both expiry runs are over: they overlap the burst.
                for done_ops in itertools.count():
                    if done_ops >= 10 and expiry_over.is_set():
                        break
                    base = servers[plan.randrange(2)].base_url
                    counter = plan.choice(town.counters)
                    made = await send(
                        client, "POST", f"{base}{API}/loyalty/me/member-code", headers=member.headers
                    )
                    assert made.status == 201, made.body
                    code = made.json()["member_code"]
                    roll = plan.random()
                    if roll < 0.55 or not redeems:
                        path = "/loyalty/earn"
                        body: dict[str, object] = {
                            "shop_id": str(counter.shop_id),
                            "member_code": code,
                            "amount_cents": plan.randrange(500, 2500),
                        }
                    else:
                        path = "/loyalty/redeem"
                        cost = plan.choice([5, 20])
                        body = {
                            "shop_id": str(counter.shop_id),
                            "member_code": code,
                            "reward_id": rewards[counter.shop_id][cost],
                        }
                    kind = path.rsplit("/", 1)[-1]
                    reply = await send(
                        client,
                        "POST",
                        f"{base}{API}{path}",
                        json=body,
                        headers=keyed(counter.merchant, uuid.uuid4().hex),
                    )
                    done.append((kind, reply))
                    if reply.status == 201 and plan.random() < 0.3:
                        # A refund at the counter, possibly through the other process.
                        other = servers[plan.randrange(2)].base_url
                        transaction_id = reply.json()["transaction_id"]
                        reversal = await send(
                            client,
                            "POST",
                            f"{other}{API}/loyalty/transactions/{transaction_id}/reverse",
                            headers=keyed(counter.merchant, uuid.uuid4().hex),
                        )
                        done.append((f"reverse-{kind}", reversal))

            return shop_around

        # Two tills serve each shopper at once, so that writes on one account meet. Half the shoppers only
        # earn (and get refunds): a redemption expires what is due first, so their old lots are left for
        # `valence loyalty expire` to take while their earns go on.
        jobs = [
            task(member, rng.randrange(10**6), redeems=bool(i % 2))
            for i, member in enumerate(town.shoppers)
            for _ in range(2)
        ]

        expiry_over = asyncio.Event()

        async def burst() -> list[str]:
            shopping = asyncio.ensure_future(run_jobs_async(jobs, concurrency=len(jobs)))

            async def expire_later(delay_s: float) -> str:
                await asyncio.sleep(delay_s)
                return await _expire(database)

            # Two runs, the second starting while the first is still going.
            expired = await asyncio.gather(expire_later(0.1), expire_later(0.8))
            assert not shopping.done()
            expiry_over.set()
            await shopping
            return list(expired)

        expiry_runs = asyncio.run(burst())

        outcomes = Tally((kind, reply.status, reply.slug) for kind, reply in done)
        allowed = {
            ("earn", 201, None),
            ("earn", 409, "daily-cap-reached"),
            ("redeem", 201, None),
            ("redeem", 409, "insufficient-points"),
            ("redeem", 409, "reward-unavailable"),
            ("reverse-earn", 201, None),
            ("reverse-redeem", 201, None),
        }
        assert set(outcomes) <= allowed, (outcomes, server_errors(first, second))
        for kind in ("earn", "redeem", "reverse-earn", "reverse-redeem"):
            assert outcomes[(kind, 201, None)] > 0, outcomes
        assert any("Expired 0 points" not in run for run in expiry_runs), expiry_runs

        # Expiry is done: a run now finds nothing more (safe twice), and no lot past its date is left.
        again = valence("loyalty", "expire", database_url=database)
        assert again.returncode == 0, again.stderr
        assert "Expired 0 points of 0 members." in again.stdout
        for member in town.shoppers:
            response = httpx.get(f"{first.base_url}{API}/loyalty/me", headers=member.headers).json()
            assert response["balance"] >= 0
        for counter in town.counters:
            bag = rewards[counter.shop_id][20]
            stock = _stock(first.base_url, counter, bag)
            assert stock is not None and 0 <= stock <= 3

        report = http_audit(second.base_url, town.admin)
        assert_clean(report)
    expiries = [row for row in transactions(database) if row.kind == "expire"]
    assert expiries
    audited = valence("loyalty", "audit", database_url=database)
    assert audited.returncode == 0, audited.stdout + audited.stderr


# --- 4. a server killed in the middle of a burst ----------------------------------------------------

KILLED_BURST = 400
# Sent first by tills that stop waiting at once: the server finishes them (a transaction is not abandoned
# half-way), so some of the requests that got no answer are in the ledger, and the check below sees both.
ABANDONED = 8


def test_a_server_killed_mid_burst_keeps_every_acknowledged_earn_and_no_half_write(
    database: str, tmp_path: Path
) -> None:
    town = populate(database, shops=4, shoppers=40)
    merchants = [c.merchant.user_id for c in town.counters]
    with serve(database, tmp_path) as doomed:
        sign_in_everyone(doomed.base_url, town.everyone())
        codes = member_codes(doomed.base_url, town.shoppers, KILLED_BURST)
        requests = [
            (
                town.counters[n % len(town.counters)],
                f"kill-{n}",
                {
                    "shop_id": str(town.counters[n % len(town.counters)].shop_id),
                    "member_code": codes[n],
                    "amount_cents": 1200 + n,
                },
            )
            for n in range(KILLED_BURST)
        ]
        answers: list[Reply] = []

        def job(n: int):  # type: ignore[no-untyped-def]
            counter, key, body = requests[n]

            async def earn(client: httpx.AsyncClient) -> Reply:
                reply = await send(
                    client,
                    "POST",
                    f"{doomed.base_url}{API}/loyalty/earn",
                    json=body,
                    headers=keyed(counter.merchant, key),
                    retry=False,
                    read_timeout_s=0.001 if n < ABANDONED else None,
                )
                if n >= ABANDONED:
                    answers.append(reply)
                if len(answers) == KILLED_BURST // 4 and doomed.process.poll() is None:
                    doomed.kill()
                return reply

            return earn

        abandoned = run_jobs([job(n) for n in range(ABANDONED)], concurrency=ABANDONED)
        assert {reply.status for reply in abandoned} == {None}
        deadline = time.monotonic() + 30
        while len(earns_by_member_code(database, codes[:ABANDONED])) < ABANDONED:
            assert time.monotonic() < deadline, "the abandoned earns were not finished by the server"
            time.sleep(0.1)
        first_replies = abandoned + run_jobs([job(n) for n in range(ABANDONED, KILLED_BURST)], concurrency=16)
        assert doomed.process.returncode == -9

    acknowledged = {n: r for n, r in enumerate(first_replies) if r.status is not None}
    unanswered = [n for n, r in enumerate(first_replies) if r.status is None]
    assert KILLED_BURST // 4 <= len(acknowledged) < KILLED_BURST and unanswered
    assert {r.status for r in acknowledged.values()} == {201}, [r.body for r in acknowledged.values()][:3]

    # The server is gone: read the database as it is.
    ledger_ids = {row.id for row in transactions(database)}
    assert {uuid.UUID(r.json()["transaction_id"]) for r in acknowledged.values()} <= ledger_ids
    given = earns_by_member_code(database, codes)
    keys = stored_keys(database, merchants)
    for n in unanswered:
        counter, key, body = requests[n]
        # All or nothing: the earn and its stored answer were committed together, or neither was.
        assert (codes[n] in given) == ((counter.merchant.user_id, key) in keys), n
    assert any(codes[n] in given for n in unanswered) and any(codes[n] not in given for n in unanswered)
    audit = db_audit(database)
    assert audit.healthy and audit.unbalanced_transactions == 0, audit
    assert audit.entries == 2 * audit.transactions == 2 * len(ledger_ids)
    assert set(keys.values()) == {201}

    # Restarted, every request sent again with its key gives a consistent answer.
    with serve(database, tmp_path) as restarted:

        def replay(n: int):  # type: ignore[no-untyped-def]
            counter, key, body = requests[n]
            return lambda client: send(
                client,
                "POST",
                f"{restarted.base_url}{API}/loyalty/earn",
                json=body,
                headers=keyed(counter.merchant, key),
            )

        replayed = run_jobs([replay(n) for n in range(KILLED_BURST)], concurrency=16)
        for n, reply in enumerate(replayed):
            assert reply.status == 201, (n, reply.body)
            if n in acknowledged:
                assert reply.body == acknowledged[n].body
            elif codes[n] in given:
                assert reply.json()["transaction_id"] == str(given[codes[n]])
        assert_clean(http_audit(restarted.base_url, town.admin))
    assert len(transactions(database)) == KILLED_BURST


@pytest.mark.skipif(
    POSTGRES_URL is None, reason="PostgreSQL only: on SQLite a write transaction locks from its first read"
)
def test_expiry_reads_the_balance_again_once_the_account_is_locked(tmp_path: Path) -> None:
    # Found by the burst above: `valence loyalty expire` read the account, then locked it, and wrote back
    # the balance it had read before an earn that committed in between.
    with fresh_database("postgresql", tmp_path) as database:
        upgrade(database)
        town = populate(database, shops=1, shoppers=1)
        [counter], [member] = town.counters, town.shoppers
        in_the_past(
            database, lambda s: _ignore(earn_at(s, counter, member, 3000, utcnow() - timedelta(days=400)))
        )
        with engine_for(database) as engine, Session(engine) as expiring:
            account = expiring.scalars(
                select(LoyaltyAccount).where(col(LoyaltyAccount.user_id) == member.user_id)
            ).one()
            assert account.balance == 30
            # Another till commits an earn for the same member, between the job's read and its lock.
            in_the_past(database, lambda s: _ignore(earn_at(s, counter, member, 1000, utcnow())))
            assert upkeep.expire_member(session=expiring, account_id=account.id, now=utcnow()) == 30
            expiring.commit()
            assert account.balance == 10
        audit = db_audit(database)
        assert audit.mismatched_accounts == 0 and audit.healthy, audit


def _ignore(_: object) -> None:
    return None


# --- the rules behind them, checked on the test session --------------------------------------------


def _counter(session: Session, name: str = "Épicerie du Marché") -> Counter:
    merchant = make_user(session, display_name="Odile Marchand", roles=[Role.merchant])
    shop = make_shop(session, owner=merchant, name=name, category="epicerie")
    return Counter(Person(merchant.id, merchant.email, ("shopper", "merchant")), shop.id, name)


def _member(session: Session) -> Person:
    user = make_user(session, display_name="Inès Roche")
    return Person(user.id, user.email, ("shopper",))


def test_the_database_refuses_to_change_or_delete_ledger_rows(session: Session) -> None:
    counter, member = _counter(session), _member(session)
    transaction_id = earn_at(session, counter, member, 2000, utcnow())
    session.commit()
    entry = LoyaltyEntry.__table__  # type: ignore[attr-defined]
    movement = LoyaltyTransaction.__table__  # type: ignore[attr-defined]
    for statement in (
        update(movement).where(movement.c.id == transaction_id).values(points=2000),
        delete(movement).where(movement.c.id == transaction_id),
        update(entry).where(entry.c.transaction_id == transaction_id).values(points=0),
        delete(entry).where(entry.c.transaction_id == transaction_id),
    ):
        with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
            session.execute(statement)
    assert (
        session.execute(select(movement.c.points).where(movement.c.id == transaction_id)).scalar_one() == 20
    )
    points = session.execute(select(entry.c.points).where(entry.c.transaction_id == transaction_id)).scalars()
    assert sorted(points) == [-20, 20]


def test_points_expire_oldest_first_twelve_months_after_they_were_earned(session: Session) -> None:
    counter, member = _counter(session), _member(session)
    now = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
    earn_at(session, counter, member, 3000, datetime(2025, 5, 15, 10, 0, tzinfo=UTC))  # 13 months old
    earn_at(session, counter, member, 2000, datetime(2025, 7, 15, 10, 0, tzinfo=UTC))  # 11 months
    earn_at(session, counter, member, 4000, datetime(2025, 9, 15, 10, 0, tzinfo=UTC))  # 9 months
    shop = session.get(Shop, counter.shop_id)
    assert shop is not None
    reward = loyalty_service.create_reward(
        session=session, shop=shop, data=RewardCreate(title="Un bouquet", cost_points=25), now=now
    )
    six_months_ago = datetime(2025, 12, 15, 10, 0, tzinfo=UTC)
    code = loyalty_service.issue_member_code(
        session=session, principal=member.principal(), now=six_months_ago
    )
    loyalty_service.redeem_reward(
        session=session,
        principal=counter.merchant.principal(),
        shop_id=counter.shop_id,
        member_code=code.member_code,
        reward_id=reward.id,
        now=six_months_ago,
    )
    # The 25 points spent came from the oldest lot: 5 of its 30 are left to expire, the newer lots stay.
    seen = loyalty_service.member_balance(session=session, user_id=member.user_id, now=now)
    assert seen.balance == 60  # 65 on the account, 5 already past their date
    assert [(e.points, e.expires_at) for e in seen.expiring] == [
        (20, datetime(2026, 7, 15, 10, 0, tzinfo=UTC))
    ]

    account = ledger.member_account(session, member.user_id)
    expiry = ledger.expire_due(session, member=account, now=now)
    assert expiry is not None and expiry.points == -5 and expiry.kind == "expire"
    assert expiry.shop_id == counter.shop_id and "5 points" in expiry.reason
    assert ledger.expire_due(session, member=ledger.member_account(session, member.user_id), now=now) is None
    assert ledger.member_account(session, member.user_id).balance == 60

    # A day before the 11-month lot's date nothing more is due; on its date its 20 points go.
    assert ledger.expire_due(session, member=account, now=datetime(2026, 7, 14, 10, 0, tzinfo=UTC)) is None
    later = ledger.expire_due(session, member=account, now=datetime(2026, 7, 15, 10, 0, tzinfo=UTC))
    assert later is not None and later.points == -20
    assert account.balance == 40
    assert db_ok(session)


def db_ok(session: Session) -> bool:
    report = ledger.audit(session, now=utcnow())
    return report.healthy and report.mismatched_accounts == report.unbalanced_transactions == 0


def test_the_daily_cap_per_member_and_shop(client: TestClient, session: Session) -> None:
    counter = open_counter(client, session)
    ines = shopper(client, session)
    counter.earn(ines, 15000)  # 150 of the default 200
    refused = client.post(
        f"{API}/loyalty/earn",
        json={
            "shop_id": str(counter.shop.id),
            "member_code": counter.member_code(ines),
            "amount_cents": 5100,
        },
        headers={**counter.merchant_headers, "Idempotency-Key": "over-the-cap"},
    )
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("/daily-cap-reached")
    assert "50 points" in refused.json()["detail"]
    assert counter.earn(ines, 5000)["points"] == 50  # up to the cap exactly

    # A cap the city set lower for another shop.
    admin = make_user(session, roles=[Role.admin])
    other = open_counter(client, session, name="Cave Saint-Jean")
    capped = client.patch(
        f"{API}/admin/shops/{other.shop.id}/loyalty",
        json={"daily_cap_points": 30},
        headers=bearer(sign_in(client, admin.email)),
    )
    assert capped.status_code == 200, capped.text
    over = client.post(
        f"{API}/loyalty/earn",
        json={"shop_id": str(other.shop.id), "member_code": other.member_code(ines), "amount_cents": 3100},
        headers={**other.merchant_headers, "Idempotency-Key": "over-the-city-cap"},
    )
    assert over.status_code == 409 and over.json()["type"].endswith("/daily-cap-reached")
    assert counter.balance(ines) == 200


def test_a_reversal_after_fourteen_days_is_refused(session: Session) -> None:
    counter, member = _counter(session), _member(session)
    now = utcnow()
    late = earn_at(session, counter, member, 2000, now - timedelta(days=14, minutes=1))
    in_time = earn_at(session, counter, member, 1000, now - timedelta(days=13, hours=23))
    with pytest.raises(AppError) as refused:
        loyalty_service.reverse_transaction(
            session=session, principal=counter.merchant.principal(), transaction_id=late, now=now
        )
    assert refused.value.status == 409 and refused.value.slug == "reversal-window-closed"
    reversal = loyalty_service.reverse_transaction(
        session=session, principal=counter.merchant.principal(), transaction_id=in_time, now=now
    )
    assert reversal.points == -10 and reversal.leaves_negative_balance is False
    assert ledger.member_account(session, member.user_id).balance == 20


def test_reversing_a_redemption_gives_the_points_and_the_stock_back(
    client: TestClient, session: Session
) -> None:
    counter = open_counter(client, session)
    ines = shopper(client, session)
    counter.earn(ines, 10000)
    reward = counter.reward("Une boîte de nougats", cost_points=30, stock=2)
    redeemed = counter.redeem(ines, reward)
    assert redeemed.status_code == 201  # type: ignore[attr-defined]
    redemption = redeemed.json()  # type: ignore[attr-defined]
    assert counter.balance(ines) == 70

    def stock() -> int:
        rewards = client.get(
            f"{API}/shops/{counter.shop.id}/rewards", headers=counter.merchant_headers
        ).json()
        [found] = [r for r in rewards["results"] if r["id"] == reward]
        left: int = found["stock"]
        return left

    assert stock() == 1
    reversed_ = client.post(
        f"{API}/loyalty/transactions/{redemption['transaction_id']}/reverse",
        headers={**counter.merchant_headers, "Idempotency-Key": "refund-nougats"},
    )
    assert reversed_.status_code == 201, reversed_.text
    body = reversed_.json()
    assert body["points"] == 30 and body["leaves_negative_balance"] is False
    assert body["reverses_id"] == redemption["transaction_id"]
    assert counter.balance(ines) == 100
    assert stock() == 2
    history = client.get(f"{API}/loyalty/me/history", headers=ines).json()["results"]
    assert [line["kind"] for line in history] == ["reverse", "redeem", "earn"]


def test_the_audit_command_exits_1_on_a_tampered_ledger(database: str) -> None:
    town = populate(database, shops=1, shoppers=1)
    [counter], [member] = town.counters, town.shoppers
    in_the_past(database, lambda s: _ignore(earn_at(s, counter, member, 4200, utcnow())))

    healthy = valence("loyalty", "audit", database_url=database)
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    assert "healthy: True" in healthy.stdout

    with engine_for(database) as engine, engine.begin() as conn:
        # Tampering on purpose, in this throwaway database: the cached balance is moved without an entry.
        conn.execute(text("UPDATE loyalty_account SET balance = balance + 5 WHERE user_id IS NOT NULL"))
    tampered = valence("loyalty", "audit", database_url=database)
    assert tampered.returncode == 1
    assert "mismatched_accounts: 1" in tampered.stdout and "NOT healthy" in tampered.stderr

    with engine_for(database) as engine, engine.begin() as conn:
        # Entries cannot be changed while the append-only trigger stands: it is dropped here, in this
        # throwaway database only, to forge what the audit must catch (one side of a transaction changed).
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER loyalty_entry_append_only ON loyalty_entry"))
        else:
            conn.execute(text("DROP TRIGGER loyalty_entry_no_update"))
        conn.execute(text("UPDATE loyalty_account SET balance = balance - 5 WHERE user_id IS NOT NULL"))
        conn.execute(text("UPDATE loyalty_entry SET points = points - 1 WHERE points < 0"))
    forged = valence("loyalty", "audit", database_url=database)
    assert forged.returncode == 1
    assert "mismatched_accounts: 0" in forged.stdout and "unbalanced_transactions: 1" in forged.stdout
