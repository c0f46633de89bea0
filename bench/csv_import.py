"""Time a 10,000-row CSV import through the real HTTP server (the issue asks for "in seconds").

Usage: .venv/bin/python -m bench.csv_import [--rows 10000] [--runs 3]
"""

import argparse
import os
import secrets
import statistics
import tempfile
import time

import httpx

from tests.servers import running_server, valence

HEADER = "kind,name,description,category,price_cents,in_stock"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = "\n".join(
        f"product,Article n°{i},Description {i},Rayon {i % 40},{100 + i},{'oui' if i % 7 else 'non'}"
        for i in range(args.rows)
    )
    body = f"{HEADER}\n{rows}\n".encode()
    os.environ.setdefault("VALENCE_SECRET_KEY", secrets.token_urlsafe(48))
    seconds: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        assert (
            valence(
                "users",
                "create",
                "--email",
                "m@example.fr",
                "--password",
                "0123456789ab",
                "--role",
                "admin",
                database_url=url,
            ).returncode
            == 0
        )
        with running_server(url) as base:
            tokens = httpx.post(
                f"{base}/api/v1/auth/token", json={"email": "m@example.fr", "password": "0123456789ab"}
            ).json()
            headers = {"Authorization": f"Bearer {tokens['access_token']}"}
            for run in range(args.runs):
                shop = httpx.post(
                    f"{base}/api/v1/shops",
                    headers=headers,
                    json={
                        "name": f"Bazar {run}",
                        "category": "decoration",
                        "address": "Grande Rue, Valence",
                        "lat": 44.9334,
                        "lon": 4.8924,
                    },
                ).json()
                began = time.perf_counter()
                response = httpx.post(
                    f"{base}/api/v1/shops/{shop['id']}/items/import",
                    content=body,
                    headers={**headers, "Content-Type": "text/csv"},
                    timeout=120,
                )
                seconds.append(time.perf_counter() - began)
                response.raise_for_status()
    print(
        f"CSV import of {args.rows} rows through HTTP (SQLite), {args.runs} runs: "
        f"median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s"
    )


if __name__ == "__main__":
    main()
