"""Browser tests: the built PWA in the system Chromium, against the real server in its own process."""

import json
import os
import struct
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import APIRequestContext, Browser, BrowserContext, Playwright, expect

from tests.e2e.camera import FAKE_CAMERA_ARGS, ContextFactory, blank_frame
from tests.e2e.flows import OSM_SHOPS
from tests.servers import running_server, valence

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


def _overpass_document() -> dict[str, Any]:
    elements = [
        {
            "type": "node",
            "id": 9_000_000 + index,
            "lat": shop["lat"],
            "lon": shop["lon"],
            "tags": shop["tags"],
        }
        for index, shop in enumerate(OSM_SHOPS)
    ]
    return {"version": 0.6, "generator": "Overpass API (e2e)", "elements": elements}


@pytest.fixture(scope="session")
def server_workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the demo data set and a few shops imported from OpenStreetMap."""
    workdir = tmp_path_factory.mktemp("e2e-server")
    database_url = f"sqlite:///{workdir / 'e2e.db'}"
    overpass = workdir / "overpass.json"
    overpass.write_text(json.dumps(_overpass_document()), encoding="utf-8")
    for args in (("demo", "load"), ("import", "osm", str(overpass))):
        result = valence(*args, database_url=database_url, cwd=workdir)
        assert result.returncode == 0, f"valence {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return workdir


@pytest.fixture(scope="session")
def server(server_workdir: Path) -> Iterator[str]:
    """Base URL of `valence serve` with the demo data, no map tiles, and the built PWA."""
    with valence_server(server_workdir) as base_url:
        yield base_url


def _solid_png(size: int = 256, rgb: tuple[int, int, int] = (226, 232, 218)) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


class TileServer:
    """A local stand-in for a tile server: every /z/x/y.png is the same plain tile."""

    def __init__(self) -> None:
        tile = _solid_png()
        self.requests: list[str] = []
        requests = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(tile)))
                self.end_headers()
                self.wfile.write(tile)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "TileServer":
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def tile_server() -> Iterator[TileServer]:
    with TileServer() as tiles:
        yield tiles


@pytest.fixture(scope="session")
def tiles_server(server_workdir: Path, tile_server: TileServer) -> Iterator[str]:
    """The same data served with VALENCE_MAP_TILE_URL pointing at the local tile server."""
    with valence_server(
        server_workdir, VALENCE_MAP_TILE_URL=f"{tile_server.origin}/{{z}}/{{x}}/{{y}}.png"
    ) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def short_session_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second server whose refresh tokens idle out after 125 s, for the expiry warning."""
    with valence_server(
        tmp_path_factory.mktemp("e2e-short-session"),
        VALENCE_REFRESH_TOKEN_IDLE_SECONDS=str(SHORT_REFRESH_IDLE_SECONDS),
    ) as base_url:
        yield base_url


# --- a second person's camera: the fake camera films a file written from a screenshot (tests/e2e/camera.py)


@pytest.fixture(scope="module")
def camera_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("camera") / "camera.y4m"
    path.write_bytes(blank_frame())
    return path


@pytest.fixture(scope="module")
def camera_browser(
    playwright: Playwright, browser_type_launch_args: dict[str, Any], camera_file: Path
) -> Iterator[Browser]:
    """A Chromium of its own whose camera films `camera_file` (read again each time a camera opens)."""
    args = [*browser_type_launch_args.get("args", []), *FAKE_CAMERA_ARGS]
    args.append(f"--use-file-for-fake-video-capture={camera_file}")
    browser = playwright.chromium.launch(**{**browser_type_launch_args, "args": args})
    yield browser
    browser.close()


@pytest.fixture
def camera_context(
    camera_browser: Browser, browser_context_args: dict[str, Any], server: str
) -> Iterator[ContextFactory]:
    """New contexts (a Pixel 5 in French) allowed to use the fake camera."""
    contexts: list[BrowserContext] = []

    def make(**extra: Any) -> BrowserContext:
        context = camera_browser.new_context(
            **{**browser_context_args, "base_url": server, "permissions": ["camera"], **extra}
        )
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def api(playwright: Playwright, server: str) -> Iterator[APIRequestContext]:
    request = playwright.request.new_context(base_url=server)
    yield request
    request.dispose()
