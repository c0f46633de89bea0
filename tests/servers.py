"""Run the real `valence` command line and server as separate processes, as production does."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
# Port 9 (discard) is closed on these machines: a connection to it is refused at once.
CLOSED_ORIGIN = "http://127.0.0.1:9"


def valence_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VALENCE_")}
    env.update(
        VALENCE_DATABASE_URL=database_url,
        VALENCE_ENV="development",
        VALENCE_SECRET_KEY=os.environ["VALENCE_SECRET_KEY"],
        VALENCE_ARGON2_MEMORY_KIB="8192",
        VALENCE_ARGON2_TIME_COST="1",
        VALENCE_LOGIN_SLOWDOWN_MAX_SECONDS="0.01",
        # Test runs sign many people up from one address.
        VALENCE_SIGN_UPS_PER_ADDRESS="100000",
        # Nothing outside the machine: tiles and the geocoder point at a closed local port, which refuses
        # at once (the map says its tiles are unavailable); a test that needs them starts a fake.
        VALENCE_MAP_TILE_URL=f"{CLOSED_ORIGIN}/{{z}}/{{x}}/{{y}}.png",
        VALENCE_GEOCODER_URL=CLOSED_ORIGIN,
    )
    env.update(extra)
    return env


def valence(
    *args: str, database_url: str, cwd: Path | None = None, **extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=valence_env(database_url, **extra),
        cwd=cwd or REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_server(
    database_url: str, *, workers: int = 1, cwd: Path | None = None, timeout_s: float = 30, **extra: str
) -> Iterator[str]:
    """`valence serve` on a free port; yields its base URL once /api/v1/health answers 200."""
    port = free_port()
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", str(workers)],
            env=valence_env(database_url, **extra),
            cwd=cwd or REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"server exited with {process.returncode}:\n{log.read()}")
                try:
                    if httpx.get(f"{base_url}/api/v1/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"server not ready after {timeout_s}s:\n{log.read()}")
                time.sleep(0.1)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
