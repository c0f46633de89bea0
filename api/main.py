"""Builds the app: API routers, error handlers, security headers, and the built PWA at /."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import anyio
import fastapi_offline
from anyio.lowlevel import RunVar
from fastapi import APIRouter, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import geo, search
from api.auth.routes import router as auth_router
from api.catalog.routes import CSV_MAX_BYTES
from api.catalog.routes import router as catalog_router
from api.config import Settings, get_settings
from api.db import HEALTH_CONNECTIONS, HealthReaderDep, get_engine
from api.errors import ServiceUnavailable, http_exception_problem, install_error_handlers
from api.http import DOCS_PATH, RequestLimitsMiddleware, RequestLogMiddleware, SecurityHeadersMiddleware
from api.loyalty.routes import router as loyalty_router
from api.openapi import install as install_openapi
from api.search import log as search_log
from api.search.routes import router as search_router
from api.shops.geocoding import router as geocoding_router
from api.shops.routes import router as shops_router
from api.student_card.routes import ADMIN as STUDENT_CARDS_ADMIN
from api.student_card.routes import CREATE_BODY_MAX_BYTES as STUDENT_CARD_BODY_MAX_BYTES
from api.student_card.routes import router as student_card_router

logger = logging.getLogger("api")

API_PREFIX = "/api/v1"
VERSION = "0.1.0"
DOCS_ASSETS = "/api/docs-assets"
NO_CACHE = {"Cache-Control": "no-cache"}
IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable"}

health_router = APIRouter(tags=["service"])

# Every route refuses a body over api.http.DEFAULT_BODY_MAX_BYTES (64 KiB) with a 413 before reading it; the
# routes below take bigger ones. Each entry must name a route (method and path as declared): checked at start.
BODY_LIMITS: dict[tuple[str, str], int] = {
    ("POST", f"{API_PREFIX}/shops/{{shop_id}}/items/import"): CSV_MAX_BYTES,
    ("POST", f"{API_PREFIX}{STUDENT_CARDS_ADMIN}"): STUDENT_CARD_BODY_MAX_BYTES,
}


# /health has threads of its own: a load balancer's check must not queue behind the work it watches.
_health_threads: RunVar[anyio.CapacityLimiter] = RunVar("health_threads")


def _health_limiter() -> anyio.CapacityLimiter:
    try:
        return _health_threads.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(HEALTH_CONNECTIONS)
        _health_threads.set(limiter)
        return limiter


def _database_answers(*, session: Session) -> str:
    session.connection().execute(text("SELECT 1"))
    return session.get_bind().dialect.name


@health_router.get("/health")
async def health(read: HealthReaderDep) -> dict[str, str]:
    """Liveness and database reachability."""
    try:
        dialect = await read(_database_answers, limiter=_health_limiter())
    except SQLAlchemyError:
        logger.exception("health check: database unreachable")
        raise ServiceUnavailable(
            "La base de données est injoignable. Réessayez dans quelques instants."
        ) from None
    return {"status": "ok", "database": dialect, "version": VERSION}


@health_router.get("/config")
def client_config(request: Request) -> dict[str, Any]:
    """Public settings the PWA needs: the map's tiles and credit, and the served territory (anyone)."""
    settings: Settings = request.app.state.settings
    min_lon, min_lat, max_lon, max_lat = settings.territory
    return {
        "map_tile_url": settings.map_tile_url or None,
        "map_attribution": settings.map_attribution,
        "map_attribution_url": settings.map_attribution_url or None,
        "territory_bbox": [min_lon, min_lat, max_lon, max_lat],
        "city_centre": {"lat": geo.CITY_CENTRE[0], "lon": geo.CITY_CENTRE[1]},
    }


class _ImmutableStatic(StaticFiles):
    """Vite's hashed assets never change under one name: let browsers keep them."""

    async def get_response(self, path: str, scope: Any) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers.update(IMMUTABLE)
        return response


def _mount_pwa(app: FastAPI, pwa_dir: Path) -> Path | None:
    index = pwa_dir / "index.html"
    if not index.is_file():
        logger.warning("PWA not built: %s is missing (run `make install`)", index)
        return None
    for entry in sorted(pwa_dir.iterdir()):
        if entry.is_dir():
            app.mount(f"/{entry.name}", _ImmutableStatic(directory=entry), name=f"pwa-{entry.name}")
        elif entry.name != "index.html":
            # Top-level files (service worker, manifest, icons) keep their names across releases.
            def serve(file: Path = entry) -> FileResponse:
                return FileResponse(file, headers=NO_CACHE)

            app.add_api_route(f"/{entry.name}", serve, methods=["GET", "HEAD"], include_in_schema=False)
    return index


def _mount_docs(app: FastAPI) -> None:
    static = Path(fastapi_offline.__file__).parent / "static"
    app.mount(DOCS_ASSETS, StaticFiles(directory=static), name="docs-assets")

    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=f"{API_PREFIX}/openapi.json",
            title="Cœur de Valence — API",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon.png",
        )

    app.add_api_route(DOCS_PATH, docs, methods=["GET"], include_in_schema=False)


def _tile_origins(tile_url: str) -> tuple[str, ...]:
    if not tile_url:
        return ()
    parts = urlsplit(tile_url.replace("{s}", "*"))
    return (f"{parts.scheme}://{parts.netloc}",)


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    yield
    # Search log lines still waiting for their batch are written before the process goes.
    await run_in_threadpool(search_log.flush)


def _check_body_limits(app: FastAPI) -> None:
    declared = {
        (method, route.path)
        for route in iter_route_contexts(app.routes)
        if isinstance(route.original_route, APIRoute) and route.path is not None
        for method in route.methods or ()
    }
    unknown = sorted(f"{method} {path}" for method, path in BODY_LIMITS if (method, path) not in declared)
    if unknown:
        raise RuntimeError(f"BODY_LIMITS names routes that do not exist: {', '.join(unknown)}")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Cœur de Valence",
        version=VERSION,
        description="API du centre-ville de Valence : commerces, offres, fidélité, carte étudiante.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    search.install(get_engine())
    install_error_handlers(app)
    app.include_router(health_router, prefix=API_PREFIX)
    app.include_router(auth_router, prefix=API_PREFIX)
    app.include_router(shops_router, prefix=API_PREFIX)
    app.include_router(geocoding_router, prefix=API_PREFIX)
    app.include_router(catalog_router, prefix=API_PREFIX)
    app.include_router(search_router, prefix=API_PREFIX)
    app.include_router(loyalty_router, prefix=API_PREFIX)
    app.include_router(student_card_router, prefix=API_PREFIX)
    install_openapi(app)
    if not settings.is_production:
        _mount_docs(app)
    index = _mount_pwa(app, settings.pwa_dir)

    async def not_found_or_shell(request: Request, exc: Exception) -> Response:
        if not isinstance(exc, StarletteHTTPException):  # pragma: no cover
            raise exc
        path = request.url.path
        is_pwa_route = (
            exc.status_code == 404
            and index is not None
            and request.method in {"GET", "HEAD"}
            and not (path == "/api" or path.startswith("/api/"))
            and "." not in path.rsplit("/", 1)[-1]
        )
        if is_pwa_route and index is not None:
            return FileResponse(index, headers=NO_CACHE)
        return await http_exception_problem(request, exc)

    app.add_exception_handler(StarletteHTTPException, not_found_or_shell)

    _check_body_limits(app)
    # Inside CORS and the security headers, so that its refusals carry both.
    app.add_middleware(RequestLimitsMiddleware, body_limits=BODY_LIMITS)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
            expose_headers=["Retry-After"],
        )
    app.add_middleware(
        SecurityHeadersMiddleware,
        hsts=settings.is_production,
        image_origins=_tile_origins(settings.map_tile_url),
    )
    app.add_middleware(RequestLogMiddleware)
    return app
