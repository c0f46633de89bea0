"""The OpenAPI document tells the truth: each operation's error answers and security, derived from the route.

FastAPI documents a route's success and, for routes with parameters, a JSON 422 in its own shape; the app
answers every error as application/problem+json (api/errors.py). Here each operation gets the errors it can
really give, computed from what the route depends on:
- a token dependency → 401 (and the security requirement: optional when the token is optional);
- a role check → 403;
- a path parameter (an id looked up) → 404;
- parameters or a body → 422; a body → 413 (bodies have a size limit); a JSON body → 400 (unreadable);
- a writer outside GET → 503 with Retry-After (the write lock could not be had);
- any request target over 8 KiB → 414;
- and the few answers only a rule of the service knows (409, 429), listed below by operation.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import BaseRoute

from api.auth.deps import get_optional_principal, get_principal, required_role
from api.catalog.routes import CSV_MEDIA_TYPES, csv_body
from api.db import get_writer
from api.errors import PROBLEM_MEDIA_TYPE, Problem, ValidationProblem
from api.idempotency import get_idempotency_key
from api.shops.categories import CATEGORY_JSON_SCHEMA

SECURITY_SCHEME = "HTTPBearer"
SCHEMAS = "#/components/schemas/"
RESPONSES = "#/components/responses/"

# Dependencies whose refusals are known: (statuses they can answer with).
_DEPENDENCY_STATUSES: dict[Callable[..., Any], frozenset[int]] = {
    get_principal: frozenset({401}),
    get_optional_principal: frozenset({401}),
    csv_body: frozenset({413, 415}),
    # Without a key → 400; the same key still being processed → 409.
    get_idempotency_key: frozenset({400, 409}),
}

# Bodies a route reads itself rather than through a model: what the document declares for them.
_RAW_BODIES: dict[Callable[..., Any], dict[str, Any]] = {
    csv_body: {
        "required": True,
        "description": "Fichier CSV (UTF-8, séparateur virgule ou point-virgule), au plus 10 Mo.",
        "content": {media_type: {"schema": {"type": "string"}} for media_type in sorted(CSV_MEDIA_TYPES)},
    },
}

# What only the service's rules know: wrong credentials, a shop or item managed by someone else (looked up
# inside the write), a conflict with the stored state, a rate limit.
_RULE_STATUSES: dict[tuple[str, str], frozenset[int]] = {
    ("PATCH", "/api/v1/shops/{shop_id}"): frozenset({403}),
    ("POST", "/api/v1/shops/{shop_id}/items/import"): frozenset({403}),
    ("DELETE", "/api/v1/items/{item_id}"): frozenset({403}),
    ("POST", "/api/v1/auth/register"): frozenset({409, 429}),
    ("POST", "/api/v1/auth/token"): frozenset({401, 429}),
    ("POST", "/api/v1/auth/refresh"): frozenset({401}),
    ("DELETE", "/api/v1/admin/users/{user_id}/roles/{role}"): frozenset({409}),
    ("POST", "/api/v1/shops/{shop_id}/claims"): frozenset({409}),
    ("POST", "/api/v1/admin/claims/{claim_id}/approve"): frozenset({409}),
    ("POST", "/api/v1/admin/claims/{claim_id}/reject"): frozenset({409}),
    ("POST", "/api/v1/admin/shops/{shop_id}/approve"): frozenset({409}),
    ("POST", "/api/v1/admin/shops/{shop_id}/suspend"): frozenset({409}),
    ("POST", "/api/v1/admin/shops/{shop_id}/refuse"): frozenset({409}),
    ("POST", "/api/v1/shops/{shop_id}/items"): frozenset({403, 409}),
    ("PATCH", "/api/v1/items/{item_id}"): frozenset({403, 409}),
    ("GET", "/api/v1/health"): frozenset({503}),
    ("GET", "/api/v1/geocode"): frozenset({429, 502, 503}),
    ("POST", "/api/v1/loyalty/earn"): frozenset({403, 409}),
    ("POST", "/api/v1/loyalty/claim-codes"): frozenset({403, 409}),
    ("POST", "/api/v1/loyalty/redeem"): frozenset({403, 409}),
    ("POST", "/api/v1/loyalty/claim"): frozenset({409}),
    ("POST", "/api/v1/loyalty/transactions/{transaction_id}/reverse"): frozenset({409}),
    ("POST", "/api/v1/shops/{shop_id}/rewards"): frozenset({403}),
    ("PATCH", "/api/v1/rewards/{reward_id}"): frozenset({403}),
    ("GET", "/api/v1/shops/{shop_id}/loyalty/transactions"): frozenset({403}),
    ("GET", "/api/v1/shops/{shop_id}/loyalty/weeks"): frozenset({403}),
    # The student card: the caller's card is looked up (404: none), its state may refuse (409).
    ("POST", "/api/v1/admin/student-cards"): frozenset({409}),
    ("POST", "/api/v1/admin/student-cards/{card_id}/renew"): frozenset({409}),
    ("POST", "/api/v1/admin/student-cards/{card_id}/suspend"): frozenset({409}),
    ("POST", "/api/v1/admin/student-cards/{card_id}/resume"): frozenset({409}),
    ("POST", "/api/v1/admin/student-cards/{card_id}/revoke"): frozenset({409}),
    ("GET", "/api/v1/me/student-card"): frozenset({404}),
    ("GET", "/api/v1/me/student-card/checks"): frozenset({404}),
    ("POST", "/api/v1/me/student-card/credentials"): frozenset({404, 409}),
    ("POST", "/api/v1/me/student-card/devices/revoke"): frozenset({404}),
    ("GET", "/api/v1/student-cards/root-key"): frozenset({503}),
    ("GET", "/api/v1/student-cards/trust-bundle"): frozenset({503}),
}

# Query parameters the route declares as plain text but checks against a list.
_PARAMETER_SCHEMAS: dict[tuple[str, str, str], dict[str, Any]] = {
    ("GET", "/api/v1/search", "category"): CATEGORY_JSON_SCHEMA,
}

_WRITE_LOCK_BUSY = 1503  # our key for the write operations' 503, which carries Retry-After

_RETRY_AFTER = {
    "description": "Secondes à attendre avant de réessayer.",
    "required": True,
    "schema": {"type": "integer", "minimum": 0},
}


# draft-ietf-httpapi-ratelimit-headers-07, for the limit closest to binding.
_RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": "Le nombre d'essais de la fenêtre.",
    "RateLimit-Remaining": "Ce qu'il en reste.",
    "RateLimit-Reset": "Secondes avant que la limite se relâche.",
    "RateLimit-Policy": "Les limites appliquées, par exemple « 10;w=900 ».",
}


def _problem(description: str, schema: str = "Problem", headers: Mapping[str, Any] | None = None) -> Any:
    response: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": SCHEMAS + schema}}},
    }
    if headers:
        response["headers"] = dict(headers)
    return response


# status → (name in components/responses, the response)
ERROR_RESPONSES: dict[int, tuple[str, dict[str, Any]]] = {
    400: ("BadRequest", _problem("Corps de la requête illisible (slug `bad-request`).")),
    401: (
        "Unauthorized",
        _problem(
            "Jeton d'accès absent, expiré ou invalide (slug `unauthorized`).",
            headers={
                "WWW-Authenticate": {
                    "description": "Le schéma d'authentification attendu.",
                    "required": True,
                    "schema": {"type": "string", "const": "Bearer"},
                }
            },
        ),
    ),
    403: ("Forbidden", _problem("Connecté, mais sans le droit de le faire (slug `forbidden`).")),
    404: (
        "NotFound",
        _problem("Introuvable, ou appartenant à quelqu'un d'autre et non public (slug `not-found`)."),
    ),
    409: ("Conflict", _problem("Contraire à l'état enregistré (slug `conflict` ou propre au domaine).")),
    413: ("PayloadTooLarge", _problem("Corps de la requête trop volumineux (slug `payload-too-large`).")),
    414: ("UriTooLong", _problem("Adresse (chemin et paramètres) de plus de 8 Kio (slug `uri-too-long`).")),
    415: ("UnsupportedMediaType", _problem("Format du corps non accepté (slug `unsupported-media-type`).")),
    422: (
        "ValidationFailed",
        _problem("Données invalides : `errors` nomme chaque champ en cause.", "ValidationProblem"),
    ),
    429: (
        "RateLimited",
        _problem(
            "Trop de tentatives (slug `rate-limited`).",
            headers={
                "Retry-After": _RETRY_AFTER,
                **{
                    name: {"description": description, "required": True, "schema": {"type": "string"}}
                    for name, description in _RATE_LIMIT_HEADERS.items()
                },
            },
        ),
    ),
    502: (
        "BadGateway",
        _problem("Un service extérieur a répondu de façon illisible (slug `geocoder-error`)."),
    ),
    503: (
        "ServiceUnavailable",
        _problem(
            "La base de données (slug `service-unavailable`) ou un service extérieur, comme le géocodeur "
            "(slug `geocoder-unavailable`), est injoignable."
        ),
    ),
    _WRITE_LOCK_BUSY: (
        "WriteUnavailable",
        _problem(
            "La base de données n'a pas pu prendre l'écriture à temps (slug `service-unavailable`).",
            headers={"Retry-After": _RETRY_AFTER},
        ),
    ),
}


def _dependants(dependant: Dependant) -> list[Dependant]:
    """The route's dependant and every dependency below it."""
    found = [dependant]
    for sub in dependant.dependencies:
        found += _dependants(sub)
    return found


def _calls(dependant: Dependant) -> set[Callable[..., Any]]:
    return {d.call for d in _dependants(dependant) if d.call is not None}


def error_statuses(method: str, path: str, dependant: Dependant) -> set[int]:
    """The error statuses an operation can answer with (503 of a write as _WRITE_LOCK_BUSY)."""
    calls = _calls(dependant)
    everything = _dependants(dependant)
    path_params = any(d.path_params for d in everything)
    other_params = any(d.query_params or d.header_params for d in everything)
    statuses: set[int] = set()
    for call in calls:
        statuses |= _DEPENDENCY_STATUSES.get(call, frozenset())
        if required_role(call) is not None:
            statuses.add(403)
    json_body = any(d.body_params for d in everything)
    has_body = json_body or any(call in _RAW_BODIES for call in calls)
    if json_body:
        statuses.add(400)  # a body that is not even text (FastAPI's own refusal)
    if path_params:
        statuses.add(404)
    if path_params or other_params or has_body:
        statuses.add(422)
    if has_body:
        statuses.add(413)
    statuses.add(414)
    if method != "GET" and get_writer in calls:
        statuses.add(_WRITE_LOCK_BUSY)
    statuses |= _RULE_STATUSES.get((method, path), frozenset())
    return statuses


def _security(calls: set[Callable[..., Any]]) -> list[dict[str, list[str]]] | None:
    if get_principal in calls:
        return [{SECURITY_SCHEME: []}]
    if get_optional_principal in calls:
        # Anyone may call; a token, when sent, must be valid and may show more.
        return [{}, {SECURITY_SCHEME: []}]
    return None


def _refine_operation(operation: dict[str, Any], method: str, path: str, dependant: Dependant) -> None:
    calls = _calls(dependant)
    security = _security(calls)
    if security is None:
        operation.pop("security", None)
    else:
        operation["security"] = security
    for parameter in operation.get("parameters", []):
        schema = _PARAMETER_SCHEMAS.get((method, path, parameter["name"]))
        if schema is not None:
            parameter["schema"] = dict(schema)
    for call in calls:
        if call in _RAW_BODIES and "requestBody" not in operation:
            operation["requestBody"] = _RAW_BODIES[call]
    responses: dict[str, Any] = operation.setdefault("responses", {})
    responses.pop("422", None)  # FastAPI's, in a shape never served
    for status in error_statuses(method, path, dependant):
        name, _response = ERROR_RESPONSES[status]
        code = 503 if status == _WRITE_LOCK_BUSY else status
        responses[str(code)] = {"$ref": RESPONSES + name}
    operation["responses"] = dict(sorted(responses.items()))


def _problem_schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for model in (Problem, ValidationProblem):
        schema = model.model_json_schema(ref_template=SCHEMAS + "{model}", mode="serialization")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return schemas


def refine(document: dict[str, Any], routes: Iterable[BaseRoute]) -> None:
    """Rewrite, in place, the document FastAPI generated for these routes."""
    paths: dict[str, Any] = document.get("paths", {})
    for route in iter_route_contexts(list(routes)):
        if not isinstance(route.original_route, APIRoute) or route.path_format not in paths:
            continue
        for method in sorted(route.methods or ()):
            operation = paths[route.path_format].get(method.lower())
            if operation is not None:
                _refine_operation(operation, method, route.path_format, route.dependant)
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    # FastAPI's own 422 shape is never served.
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas.update(_problem_schemas())
    components["schemas"] = dict(sorted(schemas.items()))
    components["responses"] = dict(ERROR_RESPONSES.values())


def install(app: FastAPI) -> None:
    """Make the app serve the refined document (FastAPI regenerates it when routes change)."""
    generate = app.openapi
    refined: list[dict[str, Any]] = []  # the last document refined, held so that it is not refined twice

    def openapi() -> dict[str, Any]:
        document = generate()
        if not refined or refined[0] is not document:
            refine(document, app.routes)
            refined[:] = [document]
        return document

    app.openapi = openapi  # type: ignore[method-assign]
