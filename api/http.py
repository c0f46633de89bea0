"""HTTP hygiene as pure ASGI middleware: security headers, request size limits and request logs without
secrets; and the server's HTTP protocol, whose own refusals take the same problem+json shape."""

import asyncio
import logging
import time
from collections.abc import Mapping
from functools import cache
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from api.config import get_settings
from api.errors import AppError, BodyTooLarge, HeadersTooLarge, UriTooLong, problem_response

logger = logging.getLogger("api.requests")


def app_csp(*, image_origins: tuple[str, ...] = ()) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            " ".join(["img-src 'self' data: blob:", *image_origins]),
            "connect-src 'self'",
            "manifest-src 'self'",
            "worker-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


DOCS_PATH = "/api/docs"
HSTS = "max-age=63072000; includeSubDomains"


def security_headers(*, csp: str, hsts: bool) -> list[tuple[str, str]]:
    """The headers every answer carries, whichever layer writes it."""
    headers = [
        ("Content-Security-Policy", csp),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", "geolocation=(self), camera=(self), microphone=(), payment=(), usb=()"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if hsts:
        headers.append(("Strict-Transport-Security", HSTS))
    return headers


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, hsts: bool, image_origins: tuple[str, ...] = ()) -> None:
        self.app = app
        self.hsts = hsts
        self.app_csp = app_csp(image_origins=image_origins)
        # Swagger UI boots with an inline script; it is only served outside production.
        self.docs_csp = self.app_csp.replace(
            "script-src 'self'", "script-src 'self' 'unsafe-inline'"
        ).replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        self.app_headers = security_headers(csp=self.app_csp, hsts=hsts)
        self.docs_headers = security_headers(csp=self.docs_csp, hsts=hsts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = self.docs_headers if scope["path"] == DOCS_PATH else self.app_headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in added:
                    # A response may bring a stricter policy of its own.
                    if name == "Content-Security-Policy":
                        headers.setdefault(name, value)
                    else:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


# The longest request target (path and query string) the app takes, as nginx's default request line; the
# longest legitimate one here, a search with its filters and cursor, is well under 1 KiB.
REQUEST_TARGET_MAX_BYTES = 8 * 1024
# Bodies of every route, unless api.main.BODY_LIMITS says otherwise. The largest legitimate JSON body, a shop
# with its longest description, address and opening hours, stays under 36 KiB even with every character
# written as a JSON \u escape.
DEFAULT_BODY_MAX_BYTES = 64 * 1024


def problem_for(error: AppError, *, path: str | None) -> JSONResponse:
    """An AppError as the app's problem+json answer, for code that runs outside its exception handlers."""
    return problem_response(
        error.status, error.slug, error.title, error.detail, instance=path, headers=error.headers
    )


def _size(limit: int) -> str:
    mib = 1024 * 1024
    return f"{limit // mib} Mo" if limit % mib == 0 else f"{limit // 1024} Ko"


def _target_bytes(scope: Scope) -> int:
    raw_path = scope.get("raw_path") or scope["path"].encode()
    query = scope.get("query_string") or b""
    return len(raw_path) + (len(query) + 1 if query else 0)


def uri_too_long() -> UriTooLong:
    return UriTooLong(
        f"L'adresse demandée est trop longue (plus de {_size(REQUEST_TARGET_MAX_BYTES)}) : "
        "raccourcissez la recherche ou les paramètres de l'adresse, puis réessayez."
    )


class RequestLimitsMiddleware:
    """Refuses, before the app reads any of it, a request target over REQUEST_TARGET_MAX_BYTES (414) and a
    body over its route's limit (413): at once when Content-Length says so, and for a body sent without one
    (chunked) as soon as the bytes received pass the limit. Such a body is read ahead, up to its limit, and
    handed to the app whole: the app never starts on a request it cannot finish."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        body_limits: Mapping[tuple[str, str], int],
        default_body_max_bytes: int = DEFAULT_BODY_MAX_BYTES,
    ) -> None:
        self.app = app
        self.default_body_max_bytes = default_body_max_bytes
        self.body_limits = [
            (method.upper(), compile_path(path)[0], limit) for (method, path), limit in body_limits.items()
        ]

    def body_max_bytes(self, method: str, path: str) -> int:
        for limit_method, pattern, limit in self.body_limits:
            if method == limit_method and pattern.match(path):
                return limit
        return self.default_body_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _target_bytes(scope) > REQUEST_TARGET_MAX_BYTES:
            await problem_for(uri_too_long(), path=None)(scope, receive, send)
            return
        max_bytes = self.body_max_bytes(scope["method"], scope["path"])
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.strip().isascii() and declared.strip().isdigit():
            # The server hands the app at most Content-Length bytes: checking the header is enough.
            if int(declared) > max_bytes:
                await self._refuse(scope, receive, send, max_bytes)
                return
            await self.app(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message], receive), send)
                return
            body += message.get("body", b"")
            if len(body) > max_bytes:
                await self._refuse(scope, receive, send, max_bytes)
                return
            if not message.get("more_body", False):
                break
        whole: Message = {"type": "http.request", "body": bytes(body), "more_body": False}
        await self.app(scope, _replay([whole], receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, max_bytes: int) -> None:
        error = BodyTooLarge(
            f"Les données envoyées dépassent la taille acceptée à cette adresse ({_size(max_bytes)}) : "
            "envoyez-en moins, ou découpez un fichier en plusieurs."
        )
        await problem_for(error, path=scope["path"])(scope, receive, send)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """The messages already read, then the server's own receive (a disconnect, while the app answers)."""
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed


class RequestLogMiddleware:
    """One line per request: method, path (never the query string, which may hold coordinates),
    status and duration. Headers and bodies, where tokens and passwords travel, are never logged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status_code = 500

        async def record_status(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            logger.info(
                "%s %s %d %.1fms",
                scope["method"],
                scope["path"],
                status_code,
                (time.perf_counter() - started) * 1000,
            )


# What the server's HTTP protocol holds of one request head. uvicorn's httptools protocol keeps a target and
# headers of any size in memory; httptools' URL parser itself refuses targets over 65,535 bytes.
TRANSPORT_TARGET_MAX_BYTES = 65_535
HEADERS_MAX_BYTES = 64 * 1024
# After a refusal the rest of the request is read and dropped for a moment before the connection closes:
# closing on unread bytes resets it, and the client would lose the answer (nginx's lingering close).
LINGER_S = 2.0
LINGER_MAX_BYTES = 4 * 1024 * 1024


class _Refused(Exception):
    """Raised in a parser callback: httptools stops, and uvicorn hands over to send_400_response."""


@cache
def _refusal_headers() -> list[tuple[bytes, bytes]]:
    security = security_headers(csp=app_csp(), hsts=get_settings().is_production)
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in security]


class ProblemHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol (the one it picks by itself here), with a bounded request head, and its
    own refusals in the app's problem+json shape with the security headers instead of `400 text/plain`: a
    target too long to hand over (414), headers over HEADERS_MAX_BYTES (431), a request that cannot be parsed
    (400). A target within bounds but over REQUEST_TARGET_MAX_BYTES reaches the app, which answers 414."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._refusal: AppError | None = None
        self._lingering = False
        self._dropped_bytes = 0
        self._in_head = True
        self._head_bytes_seen = 0
        self._header_bytes = 0

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        self._head_bytes_seen = self._header_bytes = 0

    def on_url(self, url: bytes) -> None:
        if len(self.url) + len(url) > TRANSPORT_TARGET_MAX_BYTES:
            self._refusal = uri_too_long()
            raise _Refused
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_bytes += len(name) + len(value)
        if self._header_bytes > HEADERS_MAX_BYTES:
            self._refusal = _headers_too_large()
            raise _Refused
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def data_received(self, data: bytes) -> None:
        if self._lingering:
            self._dropped_bytes += len(data)
            if self._dropped_bytes > LINGER_MAX_BYTES:
                self.transport.close()
            return
        was_in_head = self._in_head
        super().data_received(data)
        # httptools gathers each header whole before on_header sees it: count what a head still unfinished
        # has received, so that one endless header is cut short too.
        if was_in_head and self._in_head and not self.transport.is_closing():
            self._head_bytes_seen += len(data)
            if self._head_bytes_seen > TRANSPORT_TARGET_MAX_BYTES + HEADERS_MAX_BYTES:
                self._send_problem(_headers_too_large())

    def send_400_response(self, msg: str) -> None:
        refusal, self._refusal = self._refusal, None
        self._send_problem(refusal or _bad_request())

    def _send_problem(self, error: AppError) -> None:
        logger.warning("request refused by the HTTP protocol: %d %s", error.status, error.slug)
        response = problem_for(error, path=None)
        headers = [
            *self.server_state.default_headers,
            *response.raw_headers,
            *_refusal_headers(),
            (b"connection", b"close"),
        ]
        head = b"".join(name + b": " + value + b"\r\n" for name, value in headers)
        self.transport.write(STATUS_LINE[error.status] + head + b"\r\n" + response.body)
        self._lingering = True
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_S, self.transport.close)


def _headers_too_large() -> HeadersTooLarge:
    return HeadersTooLarge(
        f"Les en-têtes de la requête dépassent {_size(HEADERS_MAX_BYTES)} : effacez les cookies de ce site "
        "ou retirez les en-têtes ajoutés, puis réessayez."
    )


def _bad_request() -> AppError:
    return AppError(
        "La requête HTTP est mal formée et n'a pas pu être lue : vérifiez le programme qui l'envoie, "
        "puis réessayez."
    )
