"""HTTP hygiene: security headers, CORS, docs, the PWA shell at unknown paths, logs without secrets."""

import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session
from starlette.types import Message, Receive, Scope, Send

from api import main
from api.config import get_settings
from api.http import DEFAULT_BODY_MAX_BYTES, REQUEST_TARGET_MAX_BYTES, RequestLimitsMiddleware
from tests.factories import DEFAULT_PASSWORD, bearer, make_shop, make_user, sign_in
from tests.servers import running_server
from tests.test_error_shape import assert_problem

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


def test_without_tiles_the_config_says_so() -> None:
    with _app_client(map_tile_url="") as client:
        config = client.get("/api/v1/config").json()
    assert config["map_tile_url"] is None
    assert "OpenStreetMap" in config["map_attribution"]


PREVIEW = "/api/v1/opening-hours/preview"
SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")


def _json_body(size: int) -> bytes:
    """A JSON object of exactly `size` bytes."""
    prefix, suffix = b'{"opening_hours": "', b'"}'
    return prefix + b"a" * (size - len(prefix) - len(suffix)) + suffix


def _chunks(body: bytes, size: int = 16 * 1024) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def assert_secured_problem(response, status: int, slug: str) -> dict:  # type: ignore[no-untyped-def]
    body = assert_problem(response, status, slug)
    for header in SECURITY_HEADERS:
        assert header in response.headers, header
    return body


def test_a_json_body_over_64_kib_is_refused_with_413(client: TestClient) -> None:
    json_headers = {"Content-Type": "application/json"}
    at_limit = client.post(PREVIEW, content=_json_body(DEFAULT_BODY_MAX_BYTES), headers=json_headers)
    assert at_limit.status_code == 422  # read and judged: the hours are too long, not the body
    over = _json_body(DEFAULT_BODY_MAX_BYTES + 1)
    body = assert_secured_problem(
        client.post(PREVIEW, content=over, headers=json_headers), 413, "payload-too-large"
    )
    assert "64 Ko" in body["detail"]
    chunked = client.post(PREVIEW, content=_chunks(over), headers=json_headers)
    assert "content-length" not in chunked.request.headers
    assert_secured_problem(chunked, 413, "payload-too-large")
    small = client.post(
        PREVIEW, content=_chunks(b'{"opening_hours": "Mo-Fr 09:00-18:00"}'), headers=json_headers
    )
    assert small.status_code == 200, small.text


def test_the_csv_import_takes_up_to_10_mb(client: TestClient, session: Session) -> None:
    owner = make_user(session)
    shop = make_shop(session, owner=owner)
    url = f"/api/v1/shops/{shop.id}/items/import"
    headers = {**bearer(sign_in(client, owner.email)), "Content-Type": "text/csv"}
    row = b"objet,Baguette," + b"d" * 1900 + b",,130,oui\n"
    csv_2_mb = b"kind,name,description,category,price_cents,in_stock\n" + row * (2 * 1024 * 1024 // len(row))
    judged = client.post(url, content=csv_2_mb, headers=headers)
    assert (
        judged.status_code == 422 and "kind" in judged.json()["errors"][0]["detail"]
    )  # read: over 64 KiB is fine
    too_big = csv_2_mb * 5 + b"a" * (10 * 1024 * 1024 - len(csv_2_mb) * 5 + 1)
    body = assert_secured_problem(
        client.post(url, content=too_big, headers=headers), 413, "payload-too-large"
    )
    assert "10 Mo" in body["detail"]


async def _run(app: RequestLimitsMiddleware, messages: list[Message], headers: list[tuple[bytes, bytes]]):  # type: ignore[no-untyped-def]
    """Drive the middleware by hand: how many messages it asked for, and what it sent."""
    asked, sent = 0, []

    async def receive() -> Message:
        nonlocal asked
        asked += 1
        return messages[asked - 1]

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": PREVIEW,
        "raw_path": PREVIEW.encode(),
        "query_string": b"",
        "headers": headers,
    }
    await app(scope, receive, send)
    return asked, sent


@pytest.mark.anyio
async def test_the_limit_stops_reading_once_passed_and_the_app_never_starts() -> None:
    started = False

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal started
        started = True

    app = RequestLimitsMiddleware(inner, body_limits={})
    chunk = {"type": "http.request", "body": b"a" * 16 * 1024, "more_body": True}
    asked, sent = await _run(app, [chunk] * 1000, [(b"transfer-encoding", b"chunked")])
    assert asked == DEFAULT_BODY_MAX_BYTES // (16 * 1024) + 1
    assert not started
    assert sent[0]["status"] == 413

    asked, sent = await _run(app, [], [(b"content-length", b"104857600")])
    assert asked == 0 and not started and sent[0]["status"] == 413


def test_body_limits_name_real_routes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(main, "BODY_LIMITS", {("POST", "/api/v1/no-such-route"): 1})
    with pytest.raises(RuntimeError, match="/api/v1/no-such-route"):
        main.create_app(get_settings())


def test_a_request_target_over_8_kib_is_refused_with_414(client: TestClient) -> None:
    base = "/api/v1/search?q="
    at_limit = client.get(base + "a" * (REQUEST_TARGET_MAX_BYTES - len(base)))
    assert_problem(at_limit, 422, "validation-error")  # the route's own rule on q, not the target's length
    body = assert_secured_problem(
        client.get(base + "a" * (REQUEST_TARGET_MAX_BYTES - len(base) + 1)), 414, "uri-too-long"
    )
    assert "trop longue" in body["detail"]
    assert_secured_problem(client.get("/" + "a" * REQUEST_TARGET_MAX_BYTES), 414, "uri-too-long")


def _server_pid(base_url: str) -> int:
    """The process of `valence serve` listening on base_url's port (one worker: the server itself)."""
    port = base_url.rsplit(":", 1)[1]
    for proc in Path("/proc").iterdir():
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in argv and b"--port" in argv and argv[argv.index(b"--port") + 1] == port.encode():
            return int(proc.name)
    raise AssertionError(f"no server on port {port}")


def _rss_mb(pid: int) -> float:
    for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _raw_exchange(base_url: str, request: bytes) -> bytes:
    """Send bytes as they are and read the answer until the server closes the connection."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while data := sock.recv(65536):
            answer += data
        return answer


def _raw_problem(answer: bytes, status: int, slug: str) -> dict:  # type: ignore[no-untyped-def]
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = httpx.Headers([tuple(line.split(": ", 1)) for line in lines[1:]])
    response = httpx.Response(int(lines[0].split()[1]), headers=headers, content=body)
    return assert_secured_problem(response, status, slug)


def test_a_real_server_refuses_a_100_mb_body_without_holding_it(tmp_path: Path) -> None:
    with running_server(f"sqlite:///{tmp_path}/limits.db") as base_url:
        pid = _server_pid(base_url)
        declared = _raw_exchange(
            base_url,
            b"POST /api/v1/opening-hours/preview HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            b"Content-Length: 104857600\r\nConnection: close\r\n\r\n",
        )  # no body sent at all: the answer comes from the header alone
        _raw_problem(declared, 413, "payload-too-large")

        before = _rss_mb(pid)
        chunk = b"a" * (1024 * 1024)
        response = httpx.post(
            f"{base_url}{PREVIEW}",
            content=(chunk for _ in range(100)),
            headers={"Content-Type": "application/json"},
            timeout=60,
        )
        assert_secured_problem(response, 413, "payload-too-large")
        grown = _rss_mb(pid) - before
        assert grown < 40, f"the server grew by {grown:.0f} MB reading a refused body"
        assert httpx.get(f"{base_url}/api/v1/health").status_code == 200


def test_a_real_server_answers_oversized_or_broken_requests_with_problems(tmp_path: Path) -> None:
    with running_server(f"sqlite:///{tmp_path}/limits.db") as base_url:
        pid = _server_pid(base_url)
        for length in (10_000, 100_000, 1_000_000):
            target = b"/api/v1/search?q=" + b"a" * length
            answer = _raw_exchange(
                base_url, b"GET " + target + b" HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
            )
            body = _raw_problem(answer, 414, "uri-too-long")
            assert "trop longue" in body["detail"]
        answer = _raw_exchange(base_url, b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: test\r\n\r\n")
        _raw_problem(answer, 414, "uri-too-long")

        before = _rss_mb(pid)
        long_header = b"GET /api/v1/health HTTP/1.1\r\nHost: test\r\nX-Long: " + b"a" * 100_000 + b"\r\n\r\n"
        _raw_problem(_raw_exchange(base_url, long_header), 431, "request-header-fields-too-large")
        endless = b"GET /api/v1/health HTTP/1.1\r\nHost: test\r\nX-Endless: "
        host, port = base_url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(endless)
            with pytest.raises(OSError):  # the server answers 431 and closes while this goes on
                for _ in range(100):
                    sock.sendall(b"a" * 1024 * 1024)
        assert _rss_mb(pid) - before < 40

        _raw_problem(_raw_exchange(base_url, b"\x00\x01 nonsense\r\n\r\n"), 400, "bad-request")
        # An ordinary connection is unchanged: two requests one after the other on it, big headers included.
        cookie = b"Cookie: " + b"c" * 8000 + b"\r\n"
        two = _raw_exchange(
            base_url,
            b"GET /api/v1/health HTTP/1.1\r\nHost: test\r\n" + cookie + b"\r\n"
            b"GET /api/v1/health HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n",
        )
        assert two.count(b"HTTP/1.1 200 OK") == 2
