"""Browser tests: the built PWA in the system Chromium, against the real server in its own process."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Playwright, expect

from tests.servers import running_server

REPO = Path(__file__).resolve().parents[2]
PWA_DIST = REPO / "pwa" / "dist"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SERVER_START_TIMEOUT_S = 30
# With this idle lifetime the expiry warning (120 s before the end) shows right after sign-in.
SHORT_REFRESH_IDLE_SECONDS = 125

expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def base_url() -> None:
    """Each test names its own server; this also replaces pytest-playwright's fallback fixture,
    whose instance-method form pytest deprecates (and warnings are errors here)."""
    return None


@pytest.fixture(scope="session")
def pixel5(playwright: Playwright) -> dict[str, Any]:
    device = dict(playwright.devices["Pixel 5"])
    device.pop("default_browser_type", None)
    return device


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], pixel5: dict[str, Any]) -> dict[str, Any]:
    """Every page is a Pixel 5 in French, in Paris; each test passes its server's base_url."""
    args = {key: value for key, value in browser_context_args.items() if key != "base_url"}
    return {**args, **pixel5, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


def require_pwa_build() -> None:
    if not (PWA_DIST / "index.html").is_file():
        pytest.fail(
            f"{PWA_DIST / 'index.html'} is missing: build the PWA first (cd pwa && npm ci && npm run build).",
            pytrace=False,
        )


@contextmanager
def valence_server(workdir: Path, **extra_env: str) -> Iterator[str]:
    """`valence serve` on a free port, cwd `workdir`, with a fresh SQLite file and the built PWA."""
    require_pwa_build()
    env = {
        "VALENCE_PWA_DIR": str(PWA_DIST),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        **extra_env,
    }
    with running_server(
        f"sqlite:///{workdir / 'e2e.db'}", cwd=workdir, timeout_s=SERVER_START_TIMEOUT_S, **env
    ) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of `valence serve` with a fresh SQLite file and the built PWA."""
    with valence_server(tmp_path_factory.mktemp("e2e-server")) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def short_session_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second server whose refresh tokens idle out after 125 s, for the expiry warning."""
    with valence_server(
        tmp_path_factory.mktemp("e2e-short-session"),
        VALENCE_REFRESH_TOKEN_IDLE_SECONDS=str(SHORT_REFRESH_IDLE_SECONDS),
    ) as base_url:
        yield base_url
