"""Earns per second through a real `valence serve` (issue 12: ≥ 300/s on SQLite, ≥ 500/s on PostgreSQL).

A downtown of a few shops and many shoppers is made in a fresh database; the merchants sign in, and one
member code per earn is made beforehand (as the route makes them; untimed). Then 16 clients, each with a
connection of its own, send POST /api/v1/loyalty/earn one after another, each earn its own code and
Idempotency-Key, at a random till for a 3-40 € purchase. Printed per database: earns per second, latency
p50 / p99, the answers by status (anything but 201 is a failure), and the admin audit afterwards. For
scale: the same clients' GET /api/v1/health rate on the same server; the CPU milliseconds the API process
and the clients spent per earn (what the machine's load does not inflate: 1000 / API cpu is the rate one
free core would allow, PostgreSQL's own processes aside); the load average (the machine is shared).

The server is pinned to core 1 and this process (the clients) to core 0, when there are two cores.

Usage: .venv/bin/python -m bench.loyalty [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
       [--clients 16] [--earns 3000] [--warm-up 300] [--shops 12] [--shoppers 800] [--workers 1 2]
"""

import argparse
import asyncio
import os
import random
import secrets
import shlex
import shutil
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

from api.migrate import upgrade
from tests import databases
from tests.databases import fresh_database
from tests.load import percentile
from tests.loyalty.town import Town, http_audit, issue_member_codes, populate, serve, sign_in


@dataclass(frozen=True)
class Earn:
    url: str
    headers: dict[str, str]
    body: dict[str, object]


@dataclass
class Run:
    latencies_ms: list[float]
    statuses: dict[int, int]
    seconds: float

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.seconds


async def _drive(requests: list[Earn], clients: int) -> Run:
    """Each client sends the next request as soon as its previous one is answered."""
    run = Run([], {}, 0.0)
    queue = iter(requests)

    async def client() -> None:
        async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=1)) as http:
            for earn in queue:
                started = time.perf_counter()
                response = await http.post(earn.url, json=earn.body, headers=earn.headers)
                run.latencies_ms.append((time.perf_counter() - started) * 1000)
                run.statuses[response.status_code] = run.statuses.get(response.status_code, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    run.seconds = time.perf_counter() - started
    return run


async def _health_rate(base_url: str, clients: int, seconds: float) -> float:
    """What these clients can send at all: /health, the cheapest request, for a few seconds."""
    count = 0
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal count
        async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=1)) as http:
            while time.perf_counter() < deadline:
                await http.get(f"{base_url}/api/v1/health")
                count += 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return count / (time.perf_counter() - started)


def _earns(base_url: str, town: Town, codes: list[str], rng: random.Random) -> list[Earn]:
    requests = []
    for code in codes:
        counter = rng.choice(town.counters)
        requests.append(
            Earn(
                url=f"{base_url}/api/v1/loyalty/earn",
                headers={**counter.merchant.headers, "Idempotency-Key": f"bench-{uuid.uuid4().hex}"},
                body={
                    "shop_id": str(counter.shop_id),
                    "member_code": code,
                    "amount_cents": rng.randrange(300, 4000),
                },
            )
        )
    return requests


def _cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a process and its children so far (Linux; uvicorn's workers are
    children): a cost that the load of the machine does not inflate."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            total += _cpu_seconds(int(child))
    return total


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def measure(backend: str, workers: int, args: argparse.Namespace, core: str | None) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp, fresh_database(backend, Path(tmp)) as url:
        upgrade(url)
        town = populate(url, shops=args.shops, shoppers=args.shoppers)
        with serve(url, Path(tmp), workers=workers, core=core, VALENCE_LOG_LEVEL="WARNING") as server:
            sign_in(server.base_url, [town.admin, *(c.merchant for c in town.counters)])
            rng = random.Random(7)
            # Member codes live 120 s: the warm-up's and the timed part's are made just before each.
            warm_up = _earns(server.base_url, town, issue_member_codes(url, town.shoppers, args.warm_up), rng)
            asyncio.run(_drive(warm_up, args.clients))
            health = asyncio.run(_health_rate(server.base_url, args.clients, 2.0))
            timed = _earns(server.base_url, town, issue_member_codes(url, town.shoppers, args.earns), rng)
            load_before = _load()
            server_cpu, client_cpu = _cpu_seconds(server.process.pid), time.process_time()
            run = asyncio.run(_drive(timed, args.clients))
            server_cpu = _cpu_seconds(server.process.pid) - server_cpu
            client_cpu = time.process_time() - client_cpu
            load_after = _load()
            audit = http_audit(server.base_url, town.admin)
    statuses = ", ".join(f"{status}×{count}" for status, count in sorted(run.statuses.items()))
    clean = all(
        audit[name] == 0 for name in ("mismatched_accounts", "negative_accounts", "unbalanced_transactions")
    )
    verdict = f"{'clean' if clean and audit['healthy'] else 'NOT CLEAN'} ({audit['transactions']} tx)"
    return [
        f"{backend:<11}{workers:>5}{args.clients:>8}{len(timed):>7}{run.rate:>9.0f}"
        f"{percentile(run.latencies_ms, 0.5):>8.1f} /{percentile(run.latencies_ms, 0.99):>6.1f}"
        f"{health:>10.0f}{server_cpu * 1000 / len(timed):>9.2f}{client_cpu * 1000 / len(timed):>8.2f}"
        f"   {statuses:<12}{verdict:<20}{load_before} → {load_after}"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres-url", help="a PostgreSQL server URL; a fresh database is made on it")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--earns", type=int, default=3000, help="timed earns (each with its own member code)")
    parser.add_argument("--warm-up", type=int, default=300)
    parser.add_argument("--shops", type=int, default=12)
    parser.add_argument("--shoppers", type=int, default=800)
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1], help="server processes (uvicorn workers)"
    )
    args = parser.parse_args()
    # Before the app's settings are first read (on first use): cheap hashing for the untimed sign-ins.
    os.environ.setdefault("VALENCE_SECRET_KEY", secrets.token_urlsafe(48))
    os.environ.setdefault("VALENCE_ARGON2_MEMORY_KIB", "8192")
    os.environ.setdefault("VALENCE_ARGON2_TIME_COST", "1")
    pinning = shutil.which("taskset") is not None and (os.cpu_count() or 1) > 1
    if pinning:
        os.sched_setaffinity(0, {0})  # the clients stay off the server's core
    backends = ["sqlite"]
    if args.postgres_url:
        databases.POSTGRES_URL = args.postgres_url
        backends.append("postgresql")
    print("$ " + shlex.join([Path(sys.executable).name, "-m", "bench.loyalty", *sys.argv[1:]]))
    print(
        f"{args.shops} shops, {args.shoppers} shoppers, {args.warm_up} earns of warm-up; "
        + ("server on core 1, clients on core 0" if pinning else "no core pinning")
    )
    header = f"{'database':<11}{'proc':>5}{'clients':>8}{'earns':>7}{'earns/s':>9}{'p50 / p99 ms':>16}"
    print(
        f"{header}{'health/s':>10}{'API cpu':>9}{'client':>8}   {'answers':<12}{'audit':<20}"
        "load avg (1/5/15 min) before → after"
    )
    for backend in backends:
        for workers in args.workers:
            for line in measure(backend, workers, args, "1" if pinning else None):
                print(line, flush=True)


if __name__ == "__main__":
    main()
