"""Every route declares who may call it: a token dependency, or a place on the short list of public routes."""

import re
import uuid

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.deps import get_optional_principal, get_principal
from api.auth.models import Role, ValidatorService
from api.main import create_app
from tests.factories import bearer, make_user, sign_in

PUBLIC_ROUTES = {
    ("GET", "/api/v1/health"),
    ("GET", "/api/v1/config"),
    ("GET", "/api/v1/categories"),
    ("POST", "/api/v1/auth/register"),
    ("POST", "/api/v1/auth/token"),
    ("POST", "/api/v1/auth/refresh"),
    ("GET", "/api/v1/search"),
    ("POST", "/api/v1/opening-hours/preview"),
    ("GET", "/api/v1/loyalty/rewards"),
    # What an offline verifier downloads, and a photo behind a link that expires (the link is the key).
    ("GET", "/api/v1/student-cards/root-key"),
    ("GET", "/api/v1/student-cards/trust-bundle"),
    ("GET", "/api/v1/student-cards/photos/{token}"),
}
GUARDS = {get_principal, get_optional_principal}


def _calls(dependant: Dependant) -> set[object]:
    found = {dependant.call}
    for sub in dependant.dependencies:
        found |= _calls(sub)
    return found


def api_routes() -> list[tuple[str, str, Dependant]]:
    """(method, path, dependencies) of every API route, those of included routers too."""
    found = []
    for route in iter_route_contexts(create_app().routes):
        if isinstance(route.original_route, APIRoute) and route.path.startswith("/api/v1/"):
            found += [(method, route.path, route.dependant) for method in sorted(route.methods)]
    return found


def test_every_api_route_is_guarded_or_explicitly_public() -> None:
    routes = api_routes()
    assert len(routes) >= 28
    unguarded = {
        (method, path)
        for method, path, dependant in routes
        if not GUARDS & _calls(dependant) and (method, path) not in PUBLIC_ROUTES
    }
    assert unguarded == set(), "routes without a declared caller"
    assert PUBLIC_ROUTES <= {(method, path) for method, path, _ in routes}, "public routes that do not exist"


def _admin_routes() -> list[tuple[str, str]]:
    return [(method, path) for method, path, _ in api_routes() if path.startswith("/api/v1/admin/")]


def _concrete(path: str) -> str:
    """The path with a fresh identifier in each of its parameters."""
    return re.sub(r"\{[a-z_]+\}", lambda _match: str(uuid.uuid4()), path)


def test_admin_routes_require_the_admin_role(client: TestClient, session: Session) -> None:
    routes = _admin_routes()
    assert len(routes) >= 6
    # Every other role at once is still not the city's.
    others = [role for role in Role if role not in (Role.admin, Role.shopper)]
    everyone_else = make_user(session, roles=others, service=ValidatorService.library)
    admin = make_user(session, roles=[Role.admin])
    as_others, as_admin = bearer(sign_in(client, everyone_else.email)), bearer(sign_in(client, admin.email))
    for method, path in routes:
        url = _concrete(path)
        refused = client.request(method, url, headers=as_others)
        assert refused.status_code == 403, (method, path, refused.status_code)
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert client.request(method, url).status_code == 401, (method, path)
        allowed = client.request(method, url, headers=as_admin)
        assert allowed.status_code not in (401, 403), (method, path, allowed.status_code)
