"""A downtown on a real database and real `valence serve` processes, driven over HTTP as phones and tills do.

Shared by tests/loyalty/test_bank_scenarios.py and bench/loyalty.py: people and shops are made in the
database before the servers start (what an admin and sign-ups would have done earlier); everything the
scenarios judge goes through HTTP.
"""

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import httpx
import orjson
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from api import search
from api.auth.models import Role
from api.auth.tokens import Principal
from api.db import build_engine, utcnow
from api.idempotency import IdempotencyRecord
from api.loyalty import ledger
from api.loyalty import service as loyalty_service
from api.loyalty.models import Audit, CodeKind, LoyaltyCode, LoyaltyTransaction
from tests.factories import DEFAULT_PASSWORD, make_shop, make_user
from tests.servers import REPO, free_port, valence_env

API = "/api/v1"
T = TypeVar("T")
# Streets of downtown Valence, for shops that look like the real ones in a failure message.
STREETS = ("Grande Rue", "rue Madier de Montjau", "rue Émile Augier", "place des Clercs", "rue Pêcherie")
BUSY_RETRIES = 30


@dataclass
class Person:
    user_id: uuid.UUID
    email: str
    roles: tuple[str, ...]
    headers: dict[str, str] = field(default_factory=dict)

    def principal(self) -> Principal:
        """For service calls made straight on the database (history written before the servers start)."""
        return Principal(user_id=self.user_id, login_id=uuid.uuid4(), roles=self.roles, service=None)


@dataclass
class Counter:
    merchant: Person
    shop_id: uuid.UUID
    name: str


@dataclass
class Town:
    url: str
    admin: Person
    counters: list[Counter]
    shoppers: list[Person]

    def everyone(self) -> list[Person]:
        return [self.admin, *(c.merchant for c in self.counters), *self.shoppers]


@contextmanager
def engine_for(url: str) -> Iterator[Engine]:
    engine = build_engine(url)
    search.install(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def populate(url: str, *, shops: int, shoppers: int) -> Town:
    """An admin, `shops` active shops each run by its merchant, and `shoppers` shoppers (none signed in)."""
    run = uuid.uuid4().hex[:6]
    with engine_for(url) as engine, Session(engine, expire_on_commit=False) as session:
        admin = make_user(
            session, email=f"mairie-{run}@example.fr", display_name="Mairie", roles=[Role.admin]
        )
        counters = []
        for n in range(shops):
            merchant = make_user(
                session,
                email=f"commerce-{run}-{n}@example.fr",
                display_name=f"Commerçant {n}",
                roles=[Role.merchant],
            )
            name = f"Boutique {n} {STREETS[n % len(STREETS)]}"
            shop = make_shop(session, owner=merchant, name=name, category="epicerie")
            counters.append(
                Counter(
                    merchant=Person(merchant.id, merchant.email, (Role.shopper.value, Role.merchant.value)),
                    shop_id=shop.id,
                    name=name,
                )
            )
        people = [
            make_user(session, email=f"client-{run}-{n}@example.fr", display_name=f"Client {n}")
            for n in range(shoppers)
        ]
        return Town(
            url=url,
            admin=Person(admin.id, admin.email, (Role.shopper.value, Role.admin.value)),
            counters=counters,
            shoppers=[Person(p.id, p.email, (Role.shopper.value,)) for p in people],
        )


def sign_in(base_url: str, people: Sequence[Person], *, concurrency: int = 8) -> None:
    """Fills each person's `headers` through POST /auth/token."""

    async def one(client: httpx.AsyncClient, person: Person) -> None:
        response = await client.post(
            f"{base_url}{API}/auth/token", json={"email": person.email, "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 200, response.text
        person.headers = {"Authorization": f"Bearer {response.json()['access_token']}"}

    run_jobs([partial(one, person=p) for p in people], concurrency=concurrency)


# --- sending --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """What a client got: the status and body bytes, or `status None` when the connection failed."""

    status: int | None
    body: bytes
    seconds: float
    attempts: int = 1

    def json(self) -> Any:
        return orjson.loads(self.body)

    @property
    def slug(self) -> str | None:
        if self.status is None or self.status < 400:
            return None
        problem_type: str = self.json().get("type", "")
        return problem_type.rsplit("/", 1)[-1]


def _retry_in(response: httpx.Response) -> float | None:
    """How long to wait before sending again: a busy server (503) or a key still in progress (409)."""
    if response.status_code == 503:
        return min(float(response.headers.get("Retry-After", "1")), 1.0)
    if response.status_code == 409 and response.content and b"/idempotency-in-progress" in response.content:
        return 0.2
    return None


async def send(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    headers: dict[str, str],
    json: object = None,
    retry: bool = True,
    read_timeout_s: float | None = None,
) -> Reply:
    """One request; with `retry`, sent again with the same key while the server says to come back later."""
    started = time.perf_counter()
    attempts = 0
    while True:
        attempts += 1
        try:
            timeout = httpx.Timeout(60, read=read_timeout_s) if read_timeout_s is not None else client.timeout
            response = await client.request(method, url, json=json, headers=headers, timeout=timeout)
        except httpx.TransportError:
            # A kept-alive connection the server closed as the request left (its idle timeout): sent again,
            # the key makes it safe. Without `retry` the caller wants to know what went unanswered.
            if not retry or attempts >= BUSY_RETRIES:
                return Reply(None, b"", time.perf_counter() - started, attempts)
            await asyncio.sleep(0.05)
            continue
        wait = _retry_in(response) if retry else None
        if wait is None or attempts >= BUSY_RETRIES:
            return Reply(response.status_code, response.content, time.perf_counter() - started, attempts)
        await asyncio.sleep(wait)


Job = Callable[[httpx.AsyncClient], Awaitable[T]]


async def run_jobs_async(jobs: Sequence[Job[T]], *, concurrency: int) -> list[T]:
    """Every job, `concurrency` at a time, each caller with a client (connections) of its own."""
    results: list[T | None] = [None] * len(jobs)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(len(jobs)):
        queue.put_nowait(index)

    async def caller() -> None:
        async with httpx.AsyncClient(timeout=60) as client:
            while not queue.empty():
                index = queue.get_nowait()
                results[index] = await jobs[index](client)

    await asyncio.gather(*(caller() for _ in range(concurrency)))
    return results  # type: ignore[return-value]  # every slot filled


def run_jobs(jobs: Sequence[Job[T]], *, concurrency: int) -> list[T]:
    return asyncio.run(run_jobs_async(jobs, concurrency=concurrency))


def member_codes(
    base_url: str, shoppers: Sequence[Person], count: int, *, concurrency: int = 16
) -> list[str]:
    """`count` member codes, the shoppers taking turns, asked for over HTTP as the app does."""

    async def one(client: httpx.AsyncClient, person: Person) -> str:
        reply = await send(client, "POST", f"{base_url}{API}/loyalty/me/member-code", headers=person.headers)
        assert reply.status == 201, reply.body
        code: str = reply.json()["member_code"]
        return code

    return run_jobs(
        [partial(one, person=shoppers[n % len(shoppers)]) for n in range(count)],
        concurrency=concurrency,
    )


def issue_member_codes(url: str, shoppers: Sequence[Person], count: int) -> list[str]:
    """`count` member codes made straight in the database (what the route does), the shoppers taking turns."""
    with engine_for(url) as engine, Session(engine) as session:
        now = utcnow()
        codes = [
            loyalty_service.issue_member_code(
                session=session, principal=shoppers[n % len(shoppers)].principal(), now=now
            ).member_code
            for n in range(count)
        ]
        session.commit()
    return codes


def keyed(person: Person, key: str) -> dict[str, str]:
    return {**person.headers, "Idempotency-Key": key}


# --- servers --------------------------------------------------------------------------------------


@dataclass
class Server:
    base_url: str
    process: "subprocess.Popen[bytes]"
    log: Path

    def kill(self) -> None:
        """SIGKILL: no shutdown, no rollback by the server itself; whatever was in flight is cut."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)


@contextmanager
def serve(
    url: str,
    log_dir: Path,
    *,
    workers: int = 1,
    core: str | None = None,
    timeout_s: float = 60,
    **extra: str,
) -> Iterator[Server]:
    """`valence serve` on a free port, its output kept in `log_dir`; yields once /health answers 200."""
    port = free_port()
    log = log_dir / f"serve-{port}.log"
    pinned = ["taskset", "-c", core] if core is not None else []
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                *pinned,
                sys.executable,
                "-m",
                "api.cli",
                "serve",
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            env=valence_env(url, **extra),
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(f"{server.base_url}{API}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not ready after {timeout_s}s:\n{log.read_text()}")
            time.sleep(0.1)
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def server_errors(*servers: Server) -> str:
    """The tracebacks the servers logged, for an assertion message."""
    return "\n".join(
        s.log.read_text(errors="replace")[-4000:] for s in servers if "Traceback" in s.log.read_text()
    )


# --- reading the ledger back ----------------------------------------------------------------------


def http_audit(base_url: str, admin: Person) -> dict[str, Any]:
    response = httpx.get(f"{base_url}{API}/admin/loyalty/audit", headers=admin.headers, timeout=60)
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


def assert_clean(report: dict[str, Any]) -> None:
    counts = {
        name: report[name]
        for name in (
            "mismatched_accounts",
            "negative_accounts",
            "unbalanced_transactions",
            "doubly_reversed_transactions",
        )
    }
    assert counts == dict.fromkeys(counts, 0), report
    assert report["healthy"] is True, report


def db_audit(url: str) -> Audit:
    with engine_for(url) as engine, Session(engine) as session:
        return ledger.audit(session, now=utcnow())


def transactions(url: str) -> list[LoyaltyTransaction]:
    with engine_for(url) as engine, Session(engine, expire_on_commit=False) as session:
        return list(session.scalars(select(LoyaltyTransaction)).all())


def earns_by_member_code(url: str, codes: Sequence[str]) -> dict[str, uuid.UUID]:
    """The earn each member code gave, if any (the code itself is never stored: its HMAC is)."""
    hashes = {loyalty_service.code_hash(CodeKind.member, code): code for code in codes}
    with engine_for(url) as engine, Session(engine) as session:
        rows = session.execute(
            select(LoyaltyCode.code_hash, LoyaltyTransaction.id)
            .join(LoyaltyTransaction, col(LoyaltyTransaction.code_id) == col(LoyaltyCode.id))
            .where(col(LoyaltyCode.code_hash).in_(list(hashes)))
        ).all()
    return {hashes[code_hash]: transaction_id for code_hash, transaction_id in rows}


def stored_keys(url: str, user_ids: Sequence[uuid.UUID]) -> dict[tuple[uuid.UUID, str], int | None]:
    with engine_for(url) as engine, Session(engine) as session:
        rows = session.execute(
            select(IdempotencyRecord.user_id, IdempotencyRecord.key, IdempotencyRecord.status_code).where(
                col(IdempotencyRecord.user_id).in_(list(user_ids))
            )
        ).all()
    return {(user_id, key): status for user_id, key, status in rows}


def in_the_past(url: str, write: Callable[[Session], None]) -> None:
    """History written through the service and ledger functions (never raw SQL), committed at once."""
    with engine_for(url) as engine, Session(engine, expire_on_commit=False) as session:
        write(session)
        session.commit()


def earn_at(
    session: Session, counter: Counter, shopper: Person, amount_cents: int, now: datetime
) -> uuid.UUID:
    """An earn at the counter as it happened at `now`: a member code of that moment, scanned at once."""
    code = loyalty_service.issue_member_code(session=session, principal=shopper.principal(), now=now)
    made = loyalty_service.award_points(
        session=session,
        principal=counter.merchant.principal(),
        shop_id=counter.shop_id,
        member_code=code.member_code,
        amount_cents=amount_cents,
        now=now,
    )
    return made.transaction_id
