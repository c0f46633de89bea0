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


def require_role(role: Role) -> Callable[[Principal], Awaitable[Principal]]:
    async def _check(principal: CurrentPrincipal) -> Principal:
        if role.value not in principal.roles:
            raise Forbidden("Votre compte n'a pas les droits nécessaires pour cette action.")
        return principal

    return _check


AdminPrincipal = Annotated[Principal, Depends(require_role(Role.admin))]


def client_address(request: Request) -> str:
    # uvicorn has already replaced this with X-Forwarded-For when the peer is a trusted proxy.
    return request.client.host if request.client else "unknown"


ClientAddress = Annotated[str, Depends(client_address)]
