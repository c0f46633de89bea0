"""HTTP hygiene: security headers, CORS, docs, the PWA shell at unknown paths, logs without secrets."""

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.config import get_settings
from tests.factories import DEFAULT_PASSWORD, make_user

LONG_SECRET = "a-production-secret-that-is-long-enough-0123456789"


def _app_client(**overrides: object) -> TestClient:
    from api.main import create_app

    settings = get_settings().model_copy(update=overrides)
    return TestClient(create_app(settings), raise_server_exceptions=False)


def test_security_headers_on_api_and_shell(client: TestClient) -> None:
    response = client.get("/api/v1/health")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    policy = response.headers["Permissions-Policy"]
    assert "geolocation=(self)" in policy and "camera=(self)" in policy and "microphone=()" in policy
    assert "Strict-Transport-Security" not in response.headers


def test_production_adds_hsts_and_hides_the_docs() -> None:
    with _app_client(env="production", secret_key=LONG_SECRET) as client:
        response = client.get("/api/v1/openapi.json")
        assert response.status_code == 200
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        assert client.get("/api/docs").status_code == 404


def test_interactive_docs_outside_production_work_offline(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "/api/docs-assets/swagger-ui-bundle.js" in page.text and "cdn." not in page.text
    assert client.get("/api/docs-assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "Cœur de Valence"


def test_cors_is_closed_unless_configured(client: TestClient) -> None:
    preflight = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    response = client.options("/api/v1/auth/token", headers=preflight)
    assert "access-control-allow-origin" not in response.headers
    with _app_client(cors_origins=["https://commerces.valence.fr"]) as open_client:
        allowed = open_client.options(
            "/api/v1/auth/token",
            headers={"Origin": "https://commerces.valence.fr", "Access-Control-Request-Method": "POST"},
        )
        assert allowed.headers["access-control-allow-origin"] == "https://commerces.valence.fr"
        refused = open_client.get("/api/v1/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in refused.headers


def test_unknown_paths_outside_the_api_get_the_pwa_shell(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>Cœur de Valence</title>", encoding="utf-8")
    (tmp_path / "sw.js").write_text("self.addEventListener('install', () => {});", encoding="utf-8")
    (tmp_path / "assets" / "app-1234.js").write_text("console.log(1)", encoding="utf-8")
    with _app_client(pwa_dir=tmp_path) as client:
        for path in ("/", "/compte", "/boutique/42"):
            response = client.get(path)
            assert response.status_code == 200, path
            assert "Cœur de Valence" in response.text
            assert response.headers["Cache-Control"] == "no-cache"
        assert client.get("/sw.js").headers["Cache-Control"] == "no-cache"
        assert "immutable" in client.get("/assets/app-1234.js").headers["Cache-Control"]
        assert client.get("/assets/missing.js").status_code == 404
        assert client.get("/api/v1/unknown").headers["content-type"] == "application/problem+json"
        assert client.post("/compte").status_code in {404, 405}


def test_request_logs_hold_no_token_password_or_coordinates(
    client: TestClient,
    session,
    caplog: pytest.LogCaptureFixture,  # type: ignore[no-untyped-def]
) -> None:
    user = make_user(session)
    with caplog.at_level(logging.INFO, logger="api.requests"):
        tokens = client.post(
            "/api/v1/auth/token", json={"email": user.email, "password": DEFAULT_PASSWORD}
        ).json()
        client.get(
            "/api/v1/me?lat=44.9334&lon=4.8924", headers={"Authorization": f"Bearer {tokens['access_token']}"}
        )
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "POST /api/v1/auth/token 200" in logged
    assert "GET /api/v1/me 200" in logged
    for secret in (
        DEFAULT_PASSWORD,
        tokens["access_token"],
        tokens["refresh_token"],
        "44.9334",
        "4.8924",
        user.email,
    ):
        assert secret not in logged


def test_the_map_tile_origin_is_allowed_and_published() -> None:
    with _app_client(map_tile_url="https://tuiles.valence.example/{z}/{x}/{y}.png") as client:
        response = client.get("/api/v1/config")
        assert response.json()["map_tile_url"] == "https://tuiles.valence.example/{z}/{x}/{y}.png"
        assert (
            "img-src 'self' data: blob: https://tuiles.valence.example"
            in response.headers["Content-Security-Policy"]
        )


def test_without_tiles_the_config_says_so(client: TestClient) -> None:
    config = client.get("/api/v1/config").json()
    assert config["map_tile_url"] is None
    assert "OpenStreetMap" in config["map_attribution"]
