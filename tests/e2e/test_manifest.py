"""The web app manifest: its fields, and Chromium's own verdict on installability."""

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserType

from tests.e2e.flows import heading, wait_for_service_worker_control

pytestmark = pytest.mark.e2e


def _get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
        return response.status, response.headers.get("Content-Type", ""), response.read()


def test_manifest_fields(server: str) -> None:
    status, _, body = _get(f"{server}/manifest.webmanifest")
    assert status == 200
    manifest = json.loads(body)
    assert manifest["name"] == "Cœur de Valence"
    assert 0 < len(manifest["short_name"]) <= 12
    assert manifest["id"] == "/"
    assert manifest["start_url"] == "/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["lang"] == "fr"
    assert manifest["theme_color"].upper() == "#B3122E"
    assert manifest["background_color"].upper() == "#FFFFFF"
    assert manifest["description"]

    icons = {(icon["sizes"], icon.get("purpose", "any")): icon for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= icons.keys()
    for icon in manifest["icons"]:
        status, content_type, data = _get(server + icon["src"])
        assert status == 200
        assert content_type == "image/png"
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert f"{width}x{height}" == icon["sizes"]

    for path in ("/apple-touch-icon.png", "/favicon.ico", "/icon.svg"):
        assert _get(server + path)[0] == 200


def test_chromium_finds_the_app_installable(
    browser_type: BrowserType,
    browser_type_launch_args: dict[str, Any],
    pixel5: dict[str, Any],
    server: str,
    tmp_path: Path,
) -> None:
    # A persistent profile: in an incognito context Chromium always reports `in-incognito`.
    context = browser_type.launch_persistent_context(
        tmp_path / "profile", **browser_type_launch_args, **pixel5, locale="fr-FR"
    )
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(server)
        wait_for_service_worker_control(page)
        assert heading(page).text_content() == "Rechercher"
        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["url"] == f"{server}/manifest.webmanifest"
        assert manifest["errors"] == []
        assert json.loads(manifest["data"])["name"] == "Cœur de Valence"
        installability = cdp.send("Page.getInstallabilityErrors")
        assert installability["installabilityErrors"] == []
        cdp.detach()
    finally:
        context.close()
