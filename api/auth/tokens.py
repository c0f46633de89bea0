"""Access tokens (short-lived JWTs, checked without the database) and opaque refresh tokens."""

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt

from api.config import get_settings

ALGORITHM = "HS256"
ACCESS_TOKEN_TYPE = "access"  # noqa: S105 - a claim value, not a secret
REQUIRED_CLAIMS = ["iss", "aud", "exp", "iat", "sub", "typ", "sid"]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling, as the access token says: enough to authorise without the database."""

    user_id: uuid.UUID
    login_id: uuid.UUID
    roles: tuple[str, ...]
    service: str | None


class InvalidAccessToken(Exception):
    pass


def create_access_token(
    *, user_id: uuid.UUID, login_id: uuid.UUID, roles: list[str], service: str | None, now: datetime
) -> tuple[str, int]:
    settings = get_settings()
    lifetime_s = settings.access_token_minutes * 60
    claims: dict[str, Any] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": str(user_id),
        "sid": str(login_id),
        "typ": ACCESS_TOKEN_TYPE,
        "roles": roles,
        "iat": now,
        "exp": now + timedelta(seconds=lifetime_s),
    }
    if service is not None:
        claims["svc"] = service
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM), lifetime_s


def decode_access_token(token: str) -> Principal:
    principal, expires_at = _verified(token)
    # The signature check is cached, the clock is not: a cached token still runs out on time.
    if time.time() >= expires_at:
        raise InvalidAccessToken("expired")
    return principal


@lru_cache(maxsize=4096)
def _verified(token: str) -> tuple[Principal, float]:
    """Verify once per process: a phone calls the API many times with the same 15-minute token."""
    settings = get_settings()
    try:
        claims = jwt.decode(
            token,
            settings.secret_key,
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": REQUIRED_CLAIMS},
        )
        if claims["typ"] != ACCESS_TOKEN_TYPE:
            raise InvalidAccessToken("wrong token type")
        roles = claims.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise InvalidAccessToken("bad roles claim")
        service = claims.get("svc")
        principal = Principal(
            user_id=uuid.UUID(claims["sub"]),
            login_id=uuid.UUID(claims["sid"]),
            roles=tuple(roles),
            service=service if isinstance(service, str) else None,
        )
        return principal, float(claims["exp"])
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise InvalidAccessToken(str(exc)) from exc


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
