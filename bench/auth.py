"""Foundation figures, measured on a real `valence serve` process (SQLite, or PostgreSQL with --database-url):

1. time from `valence serve` to the first 200 on /api/v1/health (a fresh database that it migrates, and an
   already migrated one);
2. median latency of POST /api/v1/auth/token with the production argon2id parameters;
3. requests per second of an authenticated GET /api/v1/me as a ratio of GET /api/v1/health on the same server,
   measured with wrk, the server pinned to one core and wrk to the other.

Usage: .venv/bin/python -m bench.auth [--database-url URL] [--runs 3] [--seconds 10]
"""

import argparse
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.servers import free_port

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-0123"


def _env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VALENCE_")}
    env.update(
        VALENCE_DATABASE_URL=database_url,
        VALENCE_SECRET_KEY=secrets.token_urlsafe(48),
        VALENCE_LOG_LEVEL="WARNING",
    )
    return env


def _pinned(core: str) -> list[str]:
    return ["taskset", "-c", core] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []


def start_server(database_url: str, env: dict[str, str], port: int) -> tuple[subprocess.Popen[bytes], float]:
    """Start `valence serve`; return the process and the seconds until /api/v1/health answered 200."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [*_pinned("1"), sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return process, time.perf_counter() - started
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            raise RuntimeError("server exited")
        time.sleep(0.005)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=15)


def wrk_rps(url: str, headers: dict[str, str], seconds: int) -> float:
    header_args = [arg for k, v in headers.items() for arg in ("-H", f"{k}: {v}")]
    out = subprocess.run(
        [*_pinned("0"), "wrk", "-t1", "-c16", f"-d{seconds}s", *header_args, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if match is None or non_2xx is not None:
        raise RuntimeError(f"wrk failed or got errors:\n{out}")
    return float(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="PostgreSQL URL of an empty database (default: a SQLite file)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--sign-ins", type=int, default=40)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install -y wrk")

    with tempfile.TemporaryDirectory() as tmp:
        startup_fresh: list[float] = []
        startup_warm: list[float] = []
        for run in range(args.runs):
            url = args.database_url or f"sqlite:///{tmp}/bench-{run}.db"
            env = _env(url)
            if args.database_url:
                subprocess.run(
                    [sys.executable, "-m", "api.cli", "db", "upgrade"],
                    env=env,
                    cwd=REPO,
                    check=True,
                    capture_output=True,
                )
            for bucket in (startup_fresh, startup_warm):
                process, seconds = start_server(url, env, free_port())
                bucket.append(seconds)
                stop(process)
            if args.database_url:
                break

        url = args.database_url or f"sqlite:///{tmp}/bench-0.db"
        env = _env(url)
        email = f"bench-{secrets.token_hex(4)}@example.fr"
        subprocess.run(
            [sys.executable, "-m", "api.cli", "users", "create", "--email", email, "--password", PASSWORD],
            env=env,
            cwd=REPO,
            check=True,
            capture_output=True,
        )
        port = free_port()
        process, _ = start_server(url, env, port)
        base = f"http://127.0.0.1:{port}"
        try:
            sign_in_ms: list[float] = []
            with httpx.Client() as client:
                for _ in range(args.sign_ins):
                    began = time.perf_counter()
                    response = client.post(
                        f"{base}/api/v1/auth/token", json={"email": email, "password": PASSWORD}
                    )
                    sign_in_ms.append((time.perf_counter() - began) * 1000)
                    response.raise_for_status()
                tokens = response.json()
            auth = {"Authorization": f"Bearer {tokens['access_token']}"}
            health_rps: list[float] = []
            me_rps: list[float] = []
            wrk_rps(f"{base}/api/v1/health", {}, 2)  # warm-up
            wrk_rps(f"{base}/api/v1/me", auth, 2)
            for _ in range(args.runs):
                health_rps.append(wrk_rps(f"{base}/api/v1/health", {}, args.seconds))
                me_rps.append(wrk_rps(f"{base}/api/v1/me", auth, args.seconds))
        finally:
            stop(process)

    backend = "postgresql" if args.database_url else "sqlite"
    print(f"backend: {backend}; server pinned to core 1, wrk (-t1 -c16) to core 0; {args.runs} runs, medians")
    print(f"{'figure':58} {'value':>12}")
    print(
        f"{'serve -> first 200, fresh database (migrates) [s]':58} {statistics.median(startup_fresh):12.2f}"
    )
    print(f"{'serve -> first 200, migrated database [s]':58} {statistics.median(startup_warm):12.2f}")
    print(
        f"{'sign-in POST /auth/token median [ms] (argon2id t=2 m=19MiB p=1)':58} "
        f"{statistics.median(sign_in_ms):12.1f}"
    )
    print(f"{'sign-in POST /auth/token p95 [ms]':58} {statistics.quantiles(sign_in_ms, n=20)[-1]:12.1f}")
    print(f"{'GET /api/v1/health [req/s]':58} {statistics.median(health_rps):12.0f}")
    print(f"{'GET /api/v1/me, authenticated [req/s]':58} {statistics.median(me_rps):12.0f}")
    ratio = statistics.median(me_rps) / statistics.median(health_rps)
    print(f"{'ratio me / health (target >= 0.8)':58} {ratio:12.2f}")


if __name__ == "__main__":
    main()
