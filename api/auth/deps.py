"""Who may call a route: typed dependencies that every route declares."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth.models import Role
from api.auth.tokens import InvalidAccessToken, Principal, decode_access_token
from api.errors import Forbidden, Unauthorized

_bearer = HTTPBearer(auto_error=False, description="Jeton d'accès obtenu par POST /api/v1/auth/token")


async def get_principal(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    # async on purpose: checking a token is a few microseconds of CPU and needs no worker thread.
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Connectez-vous pour continuer.")
    try:
        return decode_access_token(credentials.credentials)
    except InvalidAccessToken:
        raise Unauthorized("Votre session a expiré ou n'est pas valide. Reconnectez-vous.") from None


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


async def get_optional_principal(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    """The caller when a token is sent (and then it must be valid), None for anonymous visitors."""
    if credentials is None:
        return None
    return await get_principal(credentials)


OptionalPrincipal = Annotated[Principal | None, Depends(get_optional_principal)]


RoleCheck = Callable[[Principal], Awaitable[Principal]]
# Each check require_role made, with its role: the OpenAPI document declares a 403 where one is used.
_ROLE_CHECKS: dict[RoleCheck, Role] = {}


def require_role(role: Role) -> RoleCheck:
    async def _check(principal: CurrentPrincipal) -> Principal:
        if role.value not in principal.roles:
            raise Forbidden("Votre compte n'a pas les droits nécessaires pour cette action.")
        return principal

    _ROLE_CHECKS[_check] = role
    return _check


def required_role(dependency: object) -> Role | None:
    """The role a dependency made by require_role demands; None for any other dependency."""
    return next((role for check, role in _ROLE_CHECKS.items() if check is dependency), None)


AdminPrincipal = Annotated[Principal, Depends(require_role(Role.admin))]


async def client_address(request: Request) -> str:
    # uvicorn has already replaced this with X-Forwarded-For when the peer is a trusted proxy.
    return request.client.host if request.client else "unknown"


ClientAddress = Annotated[str, Depends(client_address)]
