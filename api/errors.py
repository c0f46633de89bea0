"""One error shape for every error path: application/problem+json (RFC 9457) with a French detail."""

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger("api.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "/problems/"


class AppError(Exception):
    """An error a caller can act on; carries its HTTP status, a stable slug and a French detail."""

    status = 400
    slug = "bad-request"
    title = "Requête invalide"
    # When true, the request's session commits what was flushed before the error (e.g. a failed
    # sign-in that must count towards the limit); by default an error rolls everything back.
    keeps_changes = False

    def __init__(
        self,
        detail: str,
        *,
        slug: str | None = None,
        errors: Sequence[Mapping[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if slug is not None:
            self.slug = slug
        self.errors = list(errors) if errors is not None else None
        self.headers = dict(headers or {})


class ValidationFailed(AppError):
    status = 422
    slug = "validation-error"
    title = "Données invalides"


def field_error(field: str, detail: str) -> dict[str, str]:
    """One entry of a 422's `errors`: the field at fault and, in French, what to change."""
    return {"field": field, "detail": detail}


def invalid(field: str, detail: str, *, summary: str | None = None) -> ValidationFailed:
    """A 422 for one field; the problem's `detail` is `summary` when the field's own sentence is shorter."""
    return ValidationFailed(summary or detail, errors=[field_error(field, detail)])


class Unauthorized(AppError):
    status = 401
    slug = "unauthorized"
    title = "Authentification requise"

    def __init__(self, detail: str, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kwargs)


class Forbidden(AppError):
    status = 403
    slug = "forbidden"
    title = "Accès refusé"


class NotFound(AppError):
    status = 404
    slug = "not-found"
    title = "Introuvable"


class Conflict(AppError):
    status = 409
    slug = "conflict"
    title = "Conflit"


class RateLimited(AppError):
    status = 429
    slug = "rate-limited"
    title = "Trop de tentatives"

    def __init__(self, detail: str, *, retry_after_s: int, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail, headers={**(headers or {}), "Retry-After": str(retry_after_s)})


class PayloadTooLarge(AppError):
    status = 413
    slug = "payload-too-large"
    title = "Fichier trop volumineux"


class BodyTooLarge(PayloadTooLarge):
    """A request body over its route's limit, refused before it is read (any body, not only a file)."""

    title = "Requête trop volumineuse"


class UriTooLong(AppError):
    status = 414
    slug = "uri-too-long"
    title = "Adresse trop longue"


class HeadersTooLarge(AppError):
    status = 431
    slug = "request-header-fields-too-large"
    title = "En-têtes trop volumineux"


class UnsupportedMediaType(AppError):
    status = 415
    slug = "unsupported-media-type"
    title = "Format non pris en charge"


class ServiceUnavailable(AppError):
    status = 503
    slug = "service-unavailable"
    title = "Service indisponible"

    def __init__(self, detail: str, *, retry_after_s: int | None = None) -> None:
        super().__init__(detail, headers={} if retry_after_s is None else {"Retry-After": str(retry_after_s)})


class FieldProblem(BaseModel):
    """One entry of a 422's `errors`."""

    field: str = Field(description="Le champ en cause (`line N` pour une ligne d'un fichier CSV).")
    detail: str = Field(description="Ce qu'il faut corriger, en français.")


class Problem(BaseModel):
    """The problem document (RFC 9457) of every error answer, as `problem_response` writes it."""

    type: str = Field(pattern=r"^/problems/[a-z0-9-]+$", description="Se termine par un identifiant stable.")
    title: str
    status: int = Field(ge=400, le=599)
    detail: str = Field(description="Pour les personnes, en français.")
    # Absent rather than null when unknown.
    instance: str | SkipJsonSchema[None] = Field(default=None, description="Le chemin de la requête.")
    errors: list[FieldProblem] | SkipJsonSchema[None] = None


class ValidationProblem(Problem):
    """A 422: `errors` names every field at fault."""

    errors: list[FieldProblem]


def problem_response(
    status: int,
    slug: str,
    title: str,
    detail: str,
    *,
    instance: str | None = None,
    errors: Sequence[Mapping[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance is not None:
        body["instance"] = instance
    if errors is not None:
        body["errors"] = list(errors)
    return JSONResponse(body, status_code=status, headers=dict(headers or {}), media_type=PROBLEM_MEDIA_TYPE)


# French wording of pydantic's error types; anything else falls back to a generic sentence.
# The French names of the fields people fill in, for a message about one of them.
FIELD_LABELS = {
    "email": "Adresse e-mail",
    "password": "Mot de passe",
    "display_name": "Nom affiché",
    "name": "Nom",
    "category": "Catégorie",
    "address": "Adresse",
    "lat": "Position",
    "lon": "Position",
    "phone": "Téléphone",
    "website": "Site web",
    "description": "Présentation",
    "opening_hours": "Horaires",
    "kind": "Type",
    "price_cents": "Prix",
    "in_stock": "Disponibilité",
    "external_ref": "Référence",
    "message": "Message",
    "reason": "Raison",
    "q": "Recherche",
}

# The French words for the fixed values the API takes, for a message listing the choices.
VALUE_LABELS = {
    "product": "produit",
    "service": "service",
    "relevance": "pertinence",
    "distance": "distance",
    "shopper": "client",
    "merchant": "commerçant",
    "student": "étudiant",
    "validator": "contrôleur",
    "admin": "administrateur",
    "transport": "bus",
    "library": "bibliothèque",
    "sport": "sport",
    "pending": "en attente",
    "active": "active",
    "suspended": "suspendue",
}

_VALIDATION_MESSAGES = {
    "missing": "Ce champ est obligatoire.",
    "extra_forbidden": "Ce champ n'est pas accepté.",
    "string_type": "Une chaîne de caractères est attendue.",
    "string_too_short": "Trop court : au moins {min_length} caractère(s).",
    "string_too_long": "Trop long : au plus {max_length} caractère(s).",
    "int_parsing": "Un nombre entier est attendu.",
    "int_type": "Un nombre entier est attendu.",
    "float_parsing": "Un nombre est attendu.",
    "bool_parsing": "Indiquez oui ou non.",
    "bool_type": "Indiquez oui ou non.",
    "float_type": "Un nombre est attendu.",
    "int_from_float": "Un nombre entier est attendu.",
    "list_type": "Une liste est attendue.",
    "greater_than_equal": "La valeur doit être au moins {ge}.",
    "less_than_equal": "La valeur doit être au plus {le}.",
    "greater_than": "La valeur doit être supérieure à {gt}.",
    "less_than": "La valeur doit être inférieure à {lt}.",
    "literal_error": "Choisissez parmi {expected}.",
    "enum": "Choisissez parmi {expected}.",
    "uuid_parsing": "Identifiant invalide.",
    "json_invalid": "Le corps de la requête n'est pas un JSON valide.",
    "model_attributes_type": "Un objet JSON est attendu.",
    "dict_type": "Un objet JSON est attendu.",
}


def _field_name(loc: Sequence[int | str]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


def _french_message(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind == "value_error":
        message = str(error.get("msg", ""))
        if "email" in message.lower():
            return "Adresse e-mail invalide."
        # Our own validators raise ValueError with a French sentence; pydantic prefixes it.
        return message.removeprefix("Value error, ")
    template = _VALIDATION_MESSAGES.get(kind)
    if template is None:
        return "Valeur invalide."
    context = dict(error.get("ctx") or {})
    if "expected" in context:
        # pydantic lists the API's own values, in English (« 'product' or 'service' »).
        values = re.findall(r"'([^']*)'", str(context["expected"]))
        context["expected"] = ", ".join(f"« {VALUE_LABELS.get(v, v)} »" for v in values)
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return template


def validation_errors(raw: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    return [field_error(_field_name(e.get("loc", ())), _french_message(e)) for e in raw]


async def _app_error_handler(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, AppError):  # pragma: no cover - registered for AppError only
        raise exc
    return problem_response(
        exc.status,
        exc.slug,
        exc.title,
        exc.detail,
        instance=request.url.path,
        errors=exc.errors if exc.errors is not None else ([] if exc.status == 422 else None),
        headers=exc.headers,
    )


async def _request_validation_handler(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, RequestValidationError):  # pragma: no cover
        raise exc
    raw = exc.errors()
    errors = validation_errors(raw)
    detail = "Certaines données envoyées sont invalides : corrigez les champs signalés puis réessayez."
    if len(errors) == 1:
        # One problem: say it outright, so a client showing only `detail` is still precise, in words a
        # person reads (the field's French name, never its key).
        detail = errors[0]["detail"]
        label = FIELD_LABELS.get(errors[0]["field"].rsplit(".", 1)[-1])
        if label is not None and raw[0].get("type") in _VALIDATION_MESSAGES:
            detail = f"{label} : {detail[0].lower()}{detail[1:]}"
    return problem_response(
        422,
        "validation-error",
        "Données invalides",
        detail,
        instance=request.url.path,
        errors=errors,
    )


_HTTP_PROBLEMS = {
    400: ("bad-request", "Requête invalide", "La requête est mal formée."),
    401: ("unauthorized", "Authentification requise", "Connectez-vous pour continuer."),
    403: ("forbidden", "Accès refusé", "Vous n'avez pas accès à cette ressource."),
    404: ("not-found", "Introuvable", "Cette adresse n'existe pas."),
    405: ("method-not-allowed", "Méthode non autorisée", "Cette action n'est pas possible à cette adresse."),
    413: ("payload-too-large", "Requête trop volumineuse", "Les données envoyées sont trop volumineuses."),
    415: ("unsupported-media-type", "Format non pris en charge", "Ce format de données n'est pas accepté."),
}


async def http_exception_problem(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    slug, title, detail = _HTTP_PROBLEMS.get(
        exc.status_code, ("http-error", "Erreur", "La requête n'a pas pu aboutir.")
    )
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        allowed = _allowed_methods(request) or headers.get("Allow")
        if allowed:
            headers["Allow"] = allowed
            detail = f"Cette adresse n'accepte pas {request.method} ; méthodes possibles : {allowed}."
    return problem_response(exc.status_code, slug, title, detail, instance=request.url.path, headers=headers)


def _allowed_methods(request: Request) -> str | None:
    """Every method of every route at this path: Starlette's 405 names only the first route's."""
    path = request.url.path
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(path):
            methods.update(route.methods or ())
    return ", ".join(sorted(methods)) if methods else None


async def _unhandled_error_handler(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(
        500,
        "internal-error",
        "Erreur interne",
        "Une erreur interne est survenue. Réessayez dans quelques instants ; "
        "si elle persiste, signalez-la à l'équipe Cœur de Valence.",
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error_handler)
    app.add_exception_handler(RequestValidationError, _request_validation_handler)
    app.add_exception_handler(Exception, _unhandled_error_handler)
