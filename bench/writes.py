"""Write throughput under contention, measured on a real `valence serve` (SQLite, and PostgreSQL when given).

64 writers each send one write after another for a few seconds (PATCHes of one shop, item creations in it,
sign-ups, or the three in turn), while a separate thread checks /api/v1/health one request at a time.
Printed per database, number of server processes and kind of write: writes per second, write latency
p50 / p99, health p99, and the answers by status (every write is valid: anything but 200/201 is a failure).

Usage: .venv/bin/python -m bench.writes [--postgres-url URL] [--writers 64] [--seconds 10] [--workers 1 2]
"""

import argparse
import os
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path

from api.migrate import upgrade
from tests import databases
from tests.databases import fresh_database
from tests.load import (
    Merchant,
    Write,
    item_creation,
    percentile,
    prepare_merchant,
    run_id,
    shop_patch,
    sign_up,
    sustained,
)
from tests.servers import running_server

KINDS = ("patch", "item", "sign-up", "mixed")


def _writes(kind: str, merchant: Merchant, run: str) -> Callable[[int], Write]:
    def make(n: int) -> Write:
        turn = {"patch": 0, "item": 1, "sign-up": 2}.get(kind, n % 3)
        if turn == 0:
            return shop_patch(merchant, n)
        if turn == 1:
            return item_creation(merchant, n)
        return sign_up(n, run)

    return make


def measure(backend: str, workers: int, kind: str, writers: int, seconds: float) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp, fresh_database(backend, Path(tmp)) as url:
        upgrade(url)
        with running_server(url, workers=workers, VALENCE_LOG_LEVEL="WARNING") as base_url:
            merchant = prepare_merchant(base_url)
            # A short warm-up: connections opened, statements prepared.
            sustained([base_url], writers, 1.0, _writes(kind, merchant, run_id()))
            result = sustained([base_url], writers, seconds, _writes(kind, merchant, run_id()))
    latencies = [o.seconds * 1000 for o in result.outcomes]
    statuses = ", ".join(f"{status}×{count}" for status, count in sorted(result.statuses().items()))
    return [
        f"{backend:<11}{workers:>4}{kind:>9}{writers:>8}"
        f"{len(result.outcomes) / result.seconds:>12.0f}"
        f"{percentile(latencies, 0.5):>9.0f} /{percentile(latencies, 0.99):>5.0f}"
        f"{percentile(result.health_ms, 0.99):>12.1f}"
        f"{len(result.health_ms):>9}   {statuses}"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres-url", help="a PostgreSQL server URL; a fresh database is made on it")
    parser.add_argument("--writers", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    args = parser.parse_args()
    os.environ.setdefault("VALENCE_SECRET_KEY", secrets.token_urlsafe(48))
    backends = ["sqlite"]
    if args.postgres_url:
        databases.POSTGRES_URL = args.postgres_url
        backends.append("postgresql")
    header = f"{'database':<11}{'proc':>4}{'writes':>9}{'writers':>8}{'writes/s':>12}{'p50 / p99 ms':>15}"
    print(f"{header}{'health p99':>12}{'probes':>9}")
    for backend in backends:
        for workers in args.workers:
            for kind in args.kinds:
                for line in measure(backend, workers, kind, args.writers, args.seconds):
                    print(line, flush=True)


if __name__ == "__main__":
    main()
