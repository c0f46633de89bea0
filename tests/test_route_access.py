"""Every route declares who may call it: a token dependency, or a place on the short list of public routes."""

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from api.auth.deps import get_optional_principal, get_principal
from api.main import create_app

PUBLIC_ROUTES = {
    ("GET", "/api/v1/health"),
    ("GET", "/api/v1/config"),
    ("GET", "/api/v1/categories"),
    ("POST", "/api/v1/auth/register"),
    ("POST", "/api/v1/auth/token"),
    ("POST", "/api/v1/auth/refresh"),
    ("GET", "/api/v1/search"),
    ("POST", "/api/v1/opening-hours/preview"),
}
GUARDS = {get_principal, get_optional_principal}


def _calls(dependant: Dependant) -> set[object]:
    found = {dependant.call}
    for sub in dependant.dependencies:
        found |= _calls(sub)
    return found


def test_every_api_route_is_guarded_or_explicitly_public() -> None:
    unguarded = set()
    for route in create_app().routes:
        if not isinstance(route, APIRoute) or not route.path.startswith("/api/v1/"):
            continue
        if route.path == "/api/v1/openapi.json":
            continue
        for method in route.methods:
            if not GUARDS & _calls(route.dependant) and (method, route.path) not in PUBLIC_ROUTES:
                unguarded.add((method, route.path))
    assert unguarded == set(), "routes without a declared caller"


def test_admin_routes_require_the_admin_role() -> None:
    for route in create_app().routes:
        if isinstance(route, APIRoute) and route.path.startswith("/api/v1/admin/"):
            names = {getattr(call, "__qualname__", "") for call in _calls(route.dependant)}
            assert any("require_role" in name for name in names), route.path
