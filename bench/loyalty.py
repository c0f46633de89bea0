"""Earns per second through a real `valence serve` (issue 12: ≥ 300/s on SQLite, ≥ 500/s on PostgreSQL).

A downtown of a few shops and many shoppers is made in a fresh database; the merchants sign in, and one
member code per earn is made beforehand (as the route makes them; untimed). Then 16 clients, each with a
connection of its own, send POST /api/v1/loyalty/earn one after another, each earn its own code and
Idempotency-Key, at a random till for a 3-40 € purchase. Printed per database: earns per second, latency
p50 / p99, the answers by status (anything but 201 is a failure), and the admin audit afterwards. For
scale: the same clients' GET /api/v1/health rate on the same server; the CPU milliseconds the API process
and the clients spent per earn (what the machine's load does not inflate: 1000 / API cpu is the rate one
free core would allow, PostgreSQL's own processes aside); the load average (the machine is shared).

Then the floor under an earn, on the same server: "door", the API CPU of an earn refused before any statement
(no Idempotency-Key: HTTP, routing, token and body checks, the problem answer), and "trip", the CPU one
statement's round trip costs the client through the bare driver (psycopg or sqlite3, no SQLAlchemy), in a
transaction of ten such statements. An earn is about eleven round trips (pool check, BEGIN, key, shop, code
and account lock, checks, transaction, entries, balance, stored answer, COMMIT).

By default the server is pinned to core 1 and this process (the clients) to core 0, when there are two cores;
--no-pin lets the system place them (PostgreSQL's backends are never pinned).

Usage: .venv/bin/python -m bench.loyalty [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
       [--clients 16] [--earns 3000] [--warm-up 300] [--shops 12] [--shoppers 800] [--workers 1 2] [--no-pin]
"""

import argparse
import asyncio
import os
import random
import secrets
import shlex
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import psycopg
from sqlalchemy.engine import make_url

from api.migrate import upgrade
from tests import databases
from tests.databases import fresh_database
from tests.load import percentile
from tests.loyalty.town import Town, http_audit, issue_member_codes, populate, serve, sign_in

EARN_PATH = "/api/v1/loyalty/earn"


@dataclass(frozen=True)
class Earn:
    """One earn, as the bytes a till sends: each earn has its own member code and Idempotency-Key."""

    request: bytes


@dataclass
class Run:
    latencies_ms: list[float]
    statuses: dict[int, int]
    seconds: float

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.seconds


class Connection:
    """One keep-alive HTTP/1.1 connection, the least a client can do per request: write the bytes, read the
    status line, the headers and Content-Length bytes of body. httpx cost the clients about 1 ms of CPU per
    request, a third of what the server spent, on a machine the server shares."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, base_url: str) -> "Connection":
        address = httpx.URL(base_url)
        reader, writer = await asyncio.open_connection(address.host, address.port)
        return cls(reader, writer)

    async def send(self, request: bytes) -> int:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        self.writer.close()


def _request(method: str, base_url: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    address = httpx.URL(base_url)
    lines = [f"{method} {path} HTTP/1.1", f"Host: {address.host}:{address.port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _drive(base_url: str, requests: list[Earn], clients: int) -> Run:
    """Each client sends the next request as soon as its previous one is answered."""
    run = Run([], {}, 0.0)
    queue = iter(requests)

    async def client(connection: Connection) -> None:
        for earn in queue:
            started = time.perf_counter()
            status = await connection.send(earn.request)
            run.latencies_ms.append((time.perf_counter() - started) * 1000)
            run.statuses[status] = run.statuses.get(status, 0) + 1
        connection.close()

    connections = [await Connection.open(base_url) for _ in range(clients)]
    started = time.perf_counter()
    await asyncio.gather(*(client(connection) for connection in connections))
    run.seconds = time.perf_counter() - started
    return run


async def _health_rate(base_url: str, clients: int, seconds: float) -> float:
    """What these clients can send at all: /health, the cheapest request, for a few seconds."""
    count = 0
    request = _request("GET", base_url, "/api/v1/health", {})
    deadline = time.perf_counter() + seconds

    async def client(connection: Connection) -> None:
        nonlocal count
        while time.perf_counter() < deadline:
            await connection.send(request)
            count += 1
        connection.close()

    connections = [await Connection.open(base_url) for _ in range(clients)]
    started = time.perf_counter()
    await asyncio.gather(*(client(connection) for connection in connections))
    return count / (time.perf_counter() - started)


def _earns(base_url: str, town: Town, codes: list[str], rng: random.Random) -> list[Earn]:
    requests = []
    for code in codes:
        counter = rng.choice(town.counters)
        amount_cents = rng.randrange(300, 4000)
        body = {"shop_id": str(counter.shop_id), "member_code": code, "amount_cents": amount_cents}
        headers = {**counter.merchant.headers, "Idempotency-Key": f"bench-{uuid.uuid4().hex}"}
        requests.append(Earn(_request("POST", base_url, EARN_PATH, headers, orjson.dumps(body))))
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


def _database_cpu_seconds(url: str) -> float:
    """CPU seconds so far of the PostgreSQL backends serving this database (0 for SQLite, which runs inside
    the API process): PostgreSQL names the database in each backend's command line."""
    name = make_url(url).database
    if not url.startswith("postgresql") or not name:
        return 0.0
    total = 0.0
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and f" {name} ".encode() in (proc / "cmdline").read_bytes().replace(
                b"\0", b" "
            ):
                total += _cpu_seconds(int(proc.name))
        except OSError:  # a process that ended meanwhile, or one that is not ours to read
            continue
    return total


def _refused_at_the_door(base_url: str, town: Town, clients: int, count: int, server_pid: int) -> float:
    """API CPU milliseconds of an earn refused before the work starts (400: no Idempotency-Key)."""
    requests = []
    for index in range(count):
        counter = town.counters[index % len(town.counters)]
        body = {"shop_id": str(counter.shop_id), "member_code": "ABCD2345", "amount_cents": 1250}
        headers = counter.merchant.headers  # and no Idempotency-Key
        requests.append(Earn(_request("POST", base_url, EARN_PATH, headers, orjson.dumps(body))))
    asyncio.run(_drive(base_url, requests[: count // 10], clients))  # warm-up
    server_cpu = _cpu_seconds(server_pid)
    run = asyncio.run(_drive(base_url, requests, clients))
    assert set(run.statuses) == {400}, run.statuses  # noqa: S101 - a bench, not the app
    return (_cpu_seconds(server_pid) - server_cpu) * 1000 / count


def _round_trip_ms(url: str, transactions: int = 300) -> float:
    """Client CPU milliseconds per statement through the bare driver: ten one-row locking reads per
    transaction, as a writer takes them (BEGIN IMMEDIATE on SQLite, FOR UPDATE on PostgreSQL)."""
    address = make_url(url)
    connection: Any
    if address.get_backend_name() == "sqlite":
        connection = sqlite3.connect(address.database or ":memory:", isolation_level=None)
        query = "SELECT balance FROM loyalty_account WHERE id = ?"
    else:
        plain = address.set(drivername="postgresql").render_as_string(hide_password=False)
        connection = psycopg.connect(plain)
        query = "SELECT balance FROM loyalty_account WHERE id = %s FOR UPDATE"
    ids = [row[0] for row in connection.execute("SELECT id FROM loyalty_account LIMIT 10")]

    def one() -> None:
        if isinstance(connection, sqlite3.Connection):
            connection.execute("BEGIN IMMEDIATE")
        for value in ids:
            connection.execute(query, (value,)).fetchone()
        connection.commit()

    for _ in range(transactions // 10):
        one()
    started = time.process_time()
    for _ in range(transactions):
        one()
    cpu = time.process_time() - started
    connection.close()
    return cpu * 1000 / (transactions * len(ids))


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
            asyncio.run(_drive(server.base_url, warm_up, args.clients))
            health = asyncio.run(_health_rate(server.base_url, args.clients, 2.0))
            timed = _earns(server.base_url, town, issue_member_codes(url, town.shoppers, args.earns), rng)
            load_before = _load()
            server_cpu, client_cpu = _cpu_seconds(server.process.pid), time.process_time()
            database_cpu = _database_cpu_seconds(url)
            run = asyncio.run(_drive(server.base_url, timed, args.clients))
            server_cpu = _cpu_seconds(server.process.pid) - server_cpu
            client_cpu = time.process_time() - client_cpu
            database_cpu = _database_cpu_seconds(url) - database_cpu
            load_after = _load()
            audit = http_audit(server.base_url, town.admin)
            door = _refused_at_the_door(server.base_url, town, args.clients, 2000, server.process.pid)
        trip = _round_trip_ms(url)
    statuses = ", ".join(f"{status}×{count}" for status, count in sorted(run.statuses.items()))
    clean = all(
        audit[name] == 0 for name in ("mismatched_accounts", "negative_accounts", "unbalanced_transactions")
    )
    verdict = f"{'clean' if clean and audit['healthy'] else 'NOT CLEAN'} ({audit['transactions']} tx)"
    return [
        f"{backend:<11}{workers:>5}{args.clients:>8}{len(timed):>7}{run.rate:>9.0f}"
        f"{percentile(run.latencies_ms, 0.5):>8.1f} /{percentile(run.latencies_ms, 0.99):>6.1f}"
        f"{health:>10.0f}{server_cpu * 1000 / len(timed):>9.2f}{database_cpu * 1000 / len(timed):>8.2f}"
        f"{client_cpu * 1000 / len(timed):>8.2f}"
        f"{door:>7.2f}{trip:>7.3f}   {statuses:<12}{verdict:<20}{load_before} → {load_after}"
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
    parser.add_argument(
        "--pin",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="server on core 1, clients on core 0 (when there are two cores)",
    )
    args = parser.parse_args()
    # Before the app's settings are first read (on first use): cheap hashing for the untimed sign-ins.
    os.environ.setdefault("VALENCE_SECRET_KEY", secrets.token_urlsafe(48))
    os.environ.setdefault("VALENCE_ARGON2_MEMORY_KIB", "8192")
    os.environ.setdefault("VALENCE_ARGON2_TIME_COST", "1")
    pinning = args.pin and shutil.which("taskset") is not None and (os.cpu_count() or 1) > 1
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
        f"{header}{'health/s':>10}{'API cpu':>9}{'PG cpu':>8}{'client':>8}{'door':>7}{'trip':>7}   "
        f"{'answers':<12}{'audit':<20}"
        "load avg (1/5/15 min) before → after"
    )
    for backend in backends:
        for workers in args.workers:
            for line in measure(backend, workers, args, "1" if pinning else None):
                print(line, flush=True)


if __name__ == "__main__":
    main()
