"""Wall time of `valence demo load` on a fresh SQLite file (migration, accounts, items and search index
included), then of the same command again, which should find everything in place.

Usage: .venv/bin/python -m bench.demo_load [--items 1000000] [--shops 160]
The budget for a million items is 3 minutes.
"""

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _run(database_url: str, shops: int, items: int) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VALENCE_")}
    env.update(VALENCE_DATABASE_URL=database_url, VALENCE_SECRET_KEY=secrets.token_urlsafe(48))
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "api.cli", "demo", "load", "--shops", str(shops), "--items", str(items)],
        env=env,
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--shops", type=int, default=160)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{directory}/demo.db"
        first = _run(url, args.shops, args.items)
        again = _run(url, args.shops, args.items)
        size_mb = Path(directory, "demo.db").stat().st_size / 1e6
    print(f"demo load, {args.shops} shops and {args.items} items on a fresh SQLite file: {first:.1f} s")
    print(f"the same command again (nothing to do): {again:.1f} s")
    print(f"database file: {size_mb:.0f} MB")


if __name__ == "__main__":
    main()
