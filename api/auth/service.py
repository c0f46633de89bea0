"""Account rules: registration, sign-in with its limits, refresh rotation, logout and roles."""

import hashlib
import hmac
import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, bindparam, delete, func, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from api.auth import passwords, tokens
from api.auth.models import (
    Login,
    LoginAttempt,
    RefreshToken,
    RegisterIn,
    Role,
    RoleGrantIn,
    SignUpAttempt,
    TokenPair,
    User,
    UserPublic,
    UserRole,
)
from api.config import get_settings
from api.db import utcnow
from api.errors import Conflict, NotFound, RateLimited, Unauthorized, invalid


class InvalidCredentials(Unauthorized):
    # The failed attempt must be kept for the rate limit even though the request fails.
    keeps_changes = True

    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__(
            "Adresse e-mail ou mot de passe incorrect.", headers={**headers, "WWW-Authenticate": "Bearer"}
        )


class RefreshRefused(Unauthorized):
    # A reused refresh token revokes its whole login; that revocation must survive the 401.
    keeps_changes = True

    def __init__(self) -> None:
        super().__init__("Votre session a expiré ou a été fermée. Reconnectez-vous.")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def address_key(address: str) -> str:
    """Keyed hash of the client address: enough to count attempts, useless to identify anyone."""
    secret = get_settings().secret_key.encode()
    return hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()[:32]


def get_user(*, session: Session, user_id: uuid.UUID) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("Cet utilisateur n'existe pas.")
    return user


_user_table = User.__table__  # type: ignore[attr-defined]
# A Core statement, not an ORM select: /me runs on every app start and page, and this is half its cost.
_PROFILE = (
    sa_select(_user_table.c.email, _user_table.c.display_name, _user_table.c.created_at)
    .where(_user_table.c.id == bindparam("user_id"), _user_table.c.is_active)
    .limit(1)
)


def profile(*, session: Session, user_id: uuid.UUID) -> tuple[str, str, datetime] | None:
    """E-mail, display name and creation time of an active user."""
    row = session.connection().execute(_PROFILE, {"user_id": user_id}).first()
    return None if row is None else (row.email, row.display_name, row.created_at)


def user_roles(*, session: Session, user_id: uuid.UUID) -> tuple[list[str], str | None]:
    rows = session.exec(select(UserRole).where(UserRole.user_id == user_id)).all()
    granted = {row.role: row.service for row in rows}
    roles = [Role.shopper.value] + [r.value for r in Role if r != Role.shopper and r.value in granted]
    return roles, granted.get(Role.validator.value)


def public_user(*, session: Session, user: User) -> UserPublic:
    roles, service = user_roles(session=session, user_id=user.id)
    return UserPublic(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        roles=roles,
        service=service,
        created_at=user.created_at,
    )


class SignUpRefused(Conflict):
    # The attempt counts towards the address's sign-up limit even though it is refused.
    keeps_changes = True

    def __init__(self) -> None:
        # The contract's 409 tells the caller the address is taken; the words add nothing an intruder
        # could use (no name, no date, no hint of the account's state).
        super().__init__(
            "Impossible de créer un compte avec cette adresse e-mail. Si elle est la vôtre, connectez-vous ; "
            "sinon, utilisez-en une autre."
        )


def register(*, session: Session, data: RegisterIn, password_hash: str | None = None) -> User:
    """Creates the account; `password_hash` is given when the route hashed it outside its write turn."""
    email = normalise_email(data.email)
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        raise SignUpRefused()
    user = User(
        email=email,
        display_name=data.display_name,
        password_hash=password_hash or passwords.hash_password(data.password),
    )
    session.add(user)
    session.flush()
    return user


@dataclass(frozen=True)
class Quota:
    """One limit of the IETF RateLimit draft: `limit` events per `window_s`, `used` of them so far."""

    limit: int
    window_s: int
    used: int
    reset_s: int

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)


def _quota(
    *,
    session: Session,
    model: type[LoginAttempt] | type[SignUpAttempt],
    where: list[ColumnElement[bool]],
    limit: int,
    window_s: int,
    now: datetime,
) -> Quota:
    """How many events of the window match, and when the one that makes the limit binding leaves it."""
    at = col(model.attempted_at)
    recent = [*where, at > now - timedelta(seconds=window_s)]
    used = session.exec(select(func.count()).select_from(model).where(*recent)).one()
    # The limit frees up when the `limit`-th most recent event leaves the window (the oldest one if fewer).
    binding = (
        session.exec(
            select(at).where(*recent).order_by(at.desc()).offset(min(used, limit) - 1).limit(1)
        ).first()
        if used
        else None
    )
    reset_s = window_s if binding is None else max(1, math.ceil((binding - now).total_seconds() + window_s))
    return Quota(limit=limit, window_s=window_s, used=used, reset_s=reset_s)


def rate_limit_headers(quotas: list[Quota]) -> dict[str, str]:
    """RateLimit-* headers (draft-ietf-httpapi-ratelimit-headers-07) for the limit closest to binding."""
    closest = min(quotas, key=lambda q: (q.remaining, -q.reset_s))
    return {
        "RateLimit-Limit": str(closest.limit),
        "RateLimit-Remaining": str(closest.remaining),
        "RateLimit-Reset": str(closest.reset_s),
        "RateLimit-Policy": ", ".join(f"{q.limit};w={q.window_s}" for q in quotas),
    }


def _too_many(quotas: list[Quota], what: str) -> RateLimited:
    retry_after_s = max(q.reset_s for q in quotas if q.remaining == 0)
    minutes = math.ceil(retry_after_s / 60)
    return RateLimited(
        f"{what} réessayez dans {minutes} minute{'s' if minutes > 1 else ''}.",
        retry_after_s=retry_after_s,
        headers=rate_limit_headers(quotas),
    )


@dataclass(frozen=True)
class SignInLimits:
    """What the failures of the window allow one attempt: refused, slowed down, or neither."""

    quotas: list[Quota]
    account_failures: int

    @property
    def blocked(self) -> bool:
        return any(q.remaining == 0 for q in self.quotas)

    @property
    def delay_s(self) -> float:
        """Failures for the account from anywhere slow every attempt on it, doubling up to a ceiling."""
        settings = get_settings()
        beyond = self.account_failures - settings.login_slowdown_after
        if beyond < 0:
            return 0.0
        return float(min(settings.login_slowdown_max_seconds, LOGIN_SLOWDOWN_FIRST_S * 2**beyond))

    def headers(self) -> dict[str, str]:
        return rate_limit_headers(self.quotas)

    def refusal(self) -> RateLimited:
        return _too_many(
            self.quotas,
            "Trop de tentatives de connexion échouées depuis cette connexion. Pour protéger le compte,",
        )


LOGIN_SLOWDOWN_FIRST_S = 0.25


def sign_in_limits(*, session: Session, email: str, address: str, now: datetime) -> SignInLimits:
    """Failures in the window for this account from this address, for this address, for this account."""
    settings = get_settings()
    window_s = settings.login_window_seconds
    key = address_key(address)
    email = normalise_email(email)
    pair = _quota(
        session=session,
        model=LoginAttempt,
        where=[col(LoginAttempt.email) == email, col(LoginAttempt.address_key) == key],
        limit=settings.login_failures_per_account,
        window_s=window_s,
        now=now,
    )
    from_address = _quota(
        session=session,
        model=LoginAttempt,
        where=[col(LoginAttempt.address_key) == key],
        limit=settings.login_failures_per_address,
        window_s=window_s,
        now=now,
    )
    account_failures = session.exec(
        select(func.count())
        .select_from(LoginAttempt)
        .where(
            col(LoginAttempt.email) == email,
            col(LoginAttempt.attempted_at) > now - timedelta(seconds=window_s),
        )
    ).one()
    return SignInLimits(quotas=[pair, from_address], account_failures=account_failures)


def _record_failure(*, session: Session, email: str, address: str, now: datetime) -> None:
    window = timedelta(seconds=get_settings().login_window_seconds)
    session.exec(delete(LoginAttempt).where(col(LoginAttempt.attempted_at) < now - window))
    session.add(LoginAttempt(email=email, address_key=address_key(address), attempted_at=now))
    session.flush()


def sign_up_quota(*, session: Session, address: str, now: datetime) -> Quota:
    settings = get_settings()
    return _quota(
        session=session,
        model=SignUpAttempt,
        where=[col(SignUpAttempt.address_key) == address_key(address)],
        limit=settings.sign_ups_per_address,
        window_s=settings.sign_up_window_seconds,
        now=now,
    )


def sign_up_refusal(quota: Quota) -> RateLimited:
    return _too_many([quota], "Trop de comptes ont été créés depuis cette connexion :")


def register_from(*, session: Session, data: RegisterIn, password_hash: str, address: str) -> UserPublic:
    """A sign-up through the API: counted against its address, refused when the address is over its limit."""
    now = utcnow()
    quota = sign_up_quota(session=session, address=address, now=now)
    if quota.remaining == 0:
        raise sign_up_refusal(quota)
    window = timedelta(seconds=quota.window_s)
    session.exec(delete(SignUpAttempt).where(col(SignUpAttempt.attempted_at) < now - window))
    session.add(SignUpAttempt(address_key=address_key(address), attempted_at=now))
    session.flush()
    user = register(session=session, data=data, password_hash=password_hash)
    return public_user(session=session, user=user)


def _issue_pair(*, session: Session, user: User, login: Login, now: datetime) -> TokenPair:
    settings = get_settings()
    refresh = tokens.new_refresh_token()
    refresh_expires_at = min(now + timedelta(seconds=settings.refresh_token_idle_seconds), login.expires_at)
    session.add(
        RefreshToken(
            login_id=login.id,
            token_hash=tokens.hash_refresh_token(refresh),
            created_at=now,
            expires_at=refresh_expires_at,
        )
    )
    session.flush()
    roles, service = user_roles(session=session, user_id=user.id)
    access, lifetime_s = tokens.create_access_token(
        user_id=user.id, login_id=login.id, roles=roles, service=service, now=now
    )
    return TokenPair(
        access_token=access,
        refresh_token=refresh,
        expires_in=lifetime_s,
        refresh_expires_in=int((refresh_expires_at - now).total_seconds()),
    )


@dataclass(frozen=True)
class CheckedPassword:
    """A right password for an active account, checked outside any write turn."""

    user_id: uuid.UUID
    new_hash: str | None


@dataclass(frozen=True)
class Account:
    """What a sign-in needs to know of an account before the password is checked."""

    user_id: uuid.UUID
    password_hash: str
    is_active: bool


def account_for(*, session: Session, email: str) -> Account | None:
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    return None if user is None else Account(user.id, user.password_hash, user.is_active)


def check_password(account: Account | None, password: str) -> CheckedPassword | None:
    """The account if this is its password and it is active (as slow for an unknown e-mail)."""
    if account is None:
        passwords.verify_password(passwords.dummy_hash(), password)
        return None
    if not passwords.verify_password(account.password_hash, password) or not account.is_active:
        return None
    rehash = passwords.needs_rehash(account.password_hash)
    return CheckedPassword(account.user_id, passwords.hash_password(password) if rehash else None)


def complete_sign_in(
    *, session: Session, email: str, address: str, checked: CheckedPassword | None
) -> tuple[TokenPair, dict[str, str]]:
    """Counts a failure or opens a login, after checking the limits again inside the write turn.

    Returns the pair and the RateLimit headers; a failure raises 401 (kept) or 429, with those headers.
    """
    now = utcnow()
    email = normalise_email(email)
    limits = sign_in_limits(session=session, email=email, address=address, now=now)
    if limits.blocked:
        raise limits.refusal()
    user = session.get(User, checked.user_id) if checked is not None else None
    if user is None or not user.is_active:
        _record_failure(session=session, email=email, address=address, now=now)
        after = sign_in_limits(session=session, email=email, address=address, now=now)
        raise InvalidCredentials(headers=after.headers())
    if checked is not None and checked.new_hash is not None:
        user.password_hash = checked.new_hash
        session.add(user)
    login = Login(
        user_id=user.id,
        created_at=now,
        expires_at=now + timedelta(days=get_settings().login_max_days),
    )
    session.add(login)
    session.flush()
    return _issue_pair(session=session, user=user, login=login, now=now), limits.headers()


def _revoke_login(*, session: Session, login_id: uuid.UUID, reason: str, now: datetime) -> None:
    session.exec(
        update(Login)
        .where(col(Login.id) == login_id, col(Login.revoked_at).is_(None))
        .values(revoked_at=now, revoked_reason=reason)
    )
    session.flush()


def refresh(*, session: Session, refresh_token: str) -> TokenPair:
    now = utcnow()
    row = session.exec(
        select(RefreshToken, Login, User)
        .join(Login, col(Login.id) == RefreshToken.login_id)
        .join(User, col(User.id) == Login.user_id)
        .where(RefreshToken.token_hash == tokens.hash_refresh_token(refresh_token))
    ).first()
    if row is None:
        raise RefreshRefused()
    stored, login, user = row
    if stored.used_at is not None:
        _revoke_login(session=session, login_id=login.id, reason="refresh-token-reused", now=now)
        raise RefreshRefused()
    if login.revoked_at is not None or stored.expires_at <= now or not user.is_active:
        raise RefreshRefused()
    # Conditional update: of two concurrent uses of one token, exactly one wins; the other is a reuse.
    claimed = session.exec(
        update(RefreshToken)
        .where(col(RefreshToken.id) == stored.id, col(RefreshToken.used_at).is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        _revoke_login(session=session, login_id=login.id, reason="refresh-token-reused", now=now)
        raise RefreshRefused()
    return _issue_pair(session=session, user=user, login=login, now=now)


def logout(*, session: Session, login_id: uuid.UUID) -> None:
    _revoke_login(session=session, login_id=login_id, reason="logout", now=utcnow())


def grant_role(*, session: Session, user_id: uuid.UUID, grant: RoleGrantIn, granted_by: uuid.UUID) -> User:
    user = get_user(session=session, user_id=user_id)
    if grant.role == Role.validator and grant.service is None:
        raise invalid(
            "service", "Choisissez transport, library ou sport.", summary="Indiquez le service du contrôleur."
        )
    if grant.role != Role.validator and grant.service is not None:
        raise invalid(
            "service",
            "Retirez ce champ pour ce rôle.",
            summary="Seul le rôle de contrôleur (validator) a un service.",
        )
    if grant.role == Role.shopper:
        return user
    service = grant.service.value if grant.service is not None else None
    existing = session.get(UserRole, (user.id, grant.role.value))
    if existing is None:
        session.add(UserRole(user_id=user.id, role=grant.role.value, service=service, granted_by=granted_by))
    else:
        existing.service = service
        existing.granted_by = granted_by
        existing.granted_at = utcnow()
        session.add(existing)
    session.flush()
    return user


def revoke_role(*, session: Session, user_id: uuid.UUID, role: Role) -> User:
    user = get_user(session=session, user_id=user_id)
    if role == Role.shopper:
        raise invalid(
            "role",
            "Le rôle shopper est permanent.",
            summary="Tout utilisateur est client : ce rôle ne peut pas être retiré.",
        )
    existing = session.get(UserRole, (user.id, role.value))
    if existing is None:
        return user
    if role == Role.admin:
        admins = session.exec(
            select(func.count()).select_from(UserRole).where(UserRole.role == Role.admin)
        ).one()
        if admins <= 1:
            raise Conflict("Impossible de retirer le dernier administrateur : nommez-en un autre d'abord.")
    session.delete(existing)
    session.flush()
    return user


ANONYMOUS_NAME = "Compte anonymisé"


def anonymise_user(*, session: Session, user: User) -> None:
    """The person is gone: no e-mail, no name, no way to sign in; what refers to the account keeps its id."""
    user.email = f"anonyme-{user.id.hex}@anonyme.invalid"
    user.display_name = ANONYMOUS_NAME
    user.password_hash = "!"  # noqa: S105 - matches no password: argon2 hashes start with "$argon2"
    user.is_active = False
    session.add(user)
    for role in session.exec(select(UserRole).where(UserRole.user_id == user.id)).all():
        session.delete(role)
    for login in session.exec(select(Login).where(Login.user_id == user.id)).all():
        session.delete(login)
    session.flush()


def last_sign_in(*, session: Session, user_id: uuid.UUID) -> datetime | None:
    return session.exec(select(func.max(Login.created_at)).where(Login.user_id == user_id)).one()
