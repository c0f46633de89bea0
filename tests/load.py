"""Concurrent writers against a real server, with /api/v1/health probed while they run.

Shared by tests/test_write_burst.py (200 simultaneous writes must all succeed) and bench/writes.py (writes per
second for 64 writers kept busy).
"""

import asyncio
import threading
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

PASSWORD = "0123456789ab"
SHOP = {
    "name": "Atelier de la rafale",
    "category": "cordonnerie",
    "address": "1 place de la Liberté, 26000 Valence",
    "lat": 44.9333,
    "lon": 4.8917,
}


@dataclass(frozen=True)
class Merchant:
    """A signed-in merchant and the shop they manage."""

    headers: dict[str, str]
    shop_id: str


def prepare_merchant(base_url: str, email: str = "rafale@example.fr") -> Merchant:
    """Registers a user, signs them in and creates their shop (an owner may edit it while it waits)."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        created = client.post(
            "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "display_name": "Rafale"}
        )
        assert created.status_code == 201, created.text
        signed_in = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        shop = client.post("/api/v1/shops", json=SHOP, headers=headers)
        assert shop.status_code == 201, shop.text
        return Merchant(headers=headers, shop_id=shop.json()["id"])


@dataclass(frozen=True)
class Write:
    """One request of a burst, and what the database must hold if it is acknowledged."""

    kind: str
    method: str
    path: str
    body: dict[str, object]
    headers: dict[str, str] = field(default_factory=dict)


def shop_patch(merchant: Merchant, n: int) -> Write:
    return Write(
        "patch-shop",
        "PATCH",
        f"/api/v1/shops/{merchant.shop_id}",
        {"description": f"Version {n} de la description."},
        merchant.headers,
    )


def sign_up(n: int, run: str) -> Write:
    return Write(
        "sign-up",
        "POST",
        "/api/v1/auth/register",
        {"email": f"client-{run}-{n}@example.fr", "password": PASSWORD, "display_name": f"Client {n}"},
    )


def item_creation(merchant: Merchant, n: int) -> Write:
    return Write(
        "create-item",
        "POST",
        f"/api/v1/shops/{merchant.shop_id}/items",
        {"kind": "product", "name": f"Article {n}", "price_cents": 100 + n},
        merchant.headers,
    )


@dataclass
class Outcome:
    write: Write
    status: int
    body: dict[str, object]
    seconds: float


@dataclass
class BurstResult:
    outcomes: list[Outcome]
    health_ms: list[float]
    health_statuses: Counter[int]
    seconds: float

    def statuses(self) -> Counter[int]:
        return Counter(o.status for o in self.outcomes)

    def acknowledged(self, kind: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.write.kind == kind and o.status in (200, 201)]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def _send(client: httpx.AsyncClient, write: Write) -> Outcome:
    started = time.perf_counter()
    response = await client.request(write.method, write.path, json=write.body, headers=write.headers)
    try:
        body = response.json() if response.content else {}
    except ValueError:
        body = {"text": response.text}
    return Outcome(write, response.status_code, body, time.perf_counter() - started)


def _probe_health(base_url: str, done: threading.Event, result: BurstResult) -> None:
    # A thread of its own, with its own connection, one request at a time, as a load balancer's check: the
    # event loop that sends the burst is too busy with its answers to time anything else fairly. Back to
    # back, for enough probes that the p99 is not just the slowest one.
    with httpx.Client(base_url=base_url, timeout=30) as client:
        while not done.is_set():
            started = time.perf_counter()
            response = client.get("/api/v1/health")
            result.health_ms.append((time.perf_counter() - started) * 1000)
            result.health_statuses[response.status_code] += 1


async def _burst(
    base_urls: list[str], callers: int, run: Callable[[list[httpx.AsyncClient]], Awaitable[list[Outcome]]]
) -> BurstResult:
    result = BurstResult([], [], Counter(), 0.0)
    done = threading.Event()
    # A client (one connection) per caller, as independent people: callers sharing one client's pool would
    # measure its queue, not the server.
    clients = [httpx.AsyncClient(base_url=base_urls[i % len(base_urls)], timeout=60) for i in range(callers)]
    probe = threading.Thread(target=_probe_health, args=(base_urls[0], done, result))
    try:
        probe.start()
        await asyncio.sleep(0.05)
        started = time.perf_counter()
        result.outcomes = await run(clients)
        result.seconds = time.perf_counter() - started
    finally:
        done.set()
        probe.join()
        for client in clients:
            await client.aclose()
    return result


def simultaneous(base_urls: list[str], writes: list[Write]) -> BurstResult:
    """Sends every write at once, each from a client of its own (spread over the servers in turn)."""

    async def run(clients: list[httpx.AsyncClient]) -> list[Outcome]:
        return await asyncio.gather(*(_send(client, w) for client, w in zip(clients, writes, strict=True)))

    return asyncio.run(_burst(base_urls, len(writes), run))


def sustained(
    base_urls: list[str], writers: int, seconds: float, make: Callable[[int], Write]
) -> BurstResult:
    """`writers` clients each sending one write after another for `seconds`."""

    async def run(clients: list[httpx.AsyncClient]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        deadline = time.perf_counter() + seconds
        counter = iter(range(10**9))

        async def writer(client: httpx.AsyncClient) -> None:
            while time.perf_counter() < deadline:
                outcomes.append(await _send(client, make(next(counter))))

        await asyncio.gather(*(writer(client) for client in clients))
        return outcomes

    return asyncio.run(_burst(base_urls, writers, run))


def run_id() -> str:
    return uuid.uuid4().hex[:8]
