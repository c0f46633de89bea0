"""Account rules: registration, sign-in with its limits, refresh rotation, logout and roles."""

import hashlib
import hmac
import math
import uuid
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, func, update
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

    def __init__(self) -> None:
        super().__init__("Adresse e-mail ou mot de passe incorrect.")


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


def register(*, session: Session, data: RegisterIn) -> User:
    email = normalise_email(data.email)
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        raise Conflict(
            "Un compte existe déjà avec cette adresse e-mail. Connectez-vous ou utilisez une autre adresse."
        )
    user = User(
        email=email, display_name=data.display_name, password_hash=passwords.hash_password(data.password)
    )
    session.add(user)
    session.flush()
    return user


def _blocked_for(
    *, session: Session, column: str, value: str, limit: int, window: timedelta, now: datetime
) -> int | None:
    """Seconds until fewer than `limit` failures remain in the window, or None when not blocked."""
    key = col(LoginAttempt.email) if column == "email" else col(LoginAttempt.address_key)
    limiting_attempt = session.exec(
        select(LoginAttempt.attempted_at)
        .where(key == value, col(LoginAttempt.attempted_at) > now - window)
        .order_by(col(LoginAttempt.attempted_at).desc())
        .offset(limit - 1)
        .limit(1)
    ).first()
    if limiting_attempt is None:
        return None
    return max(1, math.ceil((limiting_attempt + window - now).total_seconds()))


def _check_sign_in_limits(*, session: Session, email: str, address: str, now: datetime) -> None:
    settings = get_settings()
    window = timedelta(seconds=settings.login_window_seconds)
    waits = [
        _blocked_for(
            session=session,
            column="email",
            value=email,
            limit=settings.login_failures_per_account,
            window=window,
            now=now,
        ),
        _blocked_for(
            session=session,
            column="address",
            value=address_key(address),
            limit=settings.login_failures_per_address,
            window=window,
            now=now,
        ),
    ]
    blocked = [w for w in waits if w is not None]
    if blocked:
        retry_after_s = max(blocked)
        minutes = math.ceil(retry_after_s / 60)
        raise RateLimited(
            "Trop de tentatives de connexion échouées. Pour protéger votre compte, réessayez dans "
            f"{minutes} minute{'s' if minutes > 1 else ''}.",
            retry_after_s=retry_after_s,
        )


def _record_failure(*, session: Session, email: str, address: str, now: datetime) -> None:
    window = timedelta(seconds=get_settings().login_window_seconds)
    session.exec(delete(LoginAttempt).where(col(LoginAttempt.attempted_at) < now - window))
    session.add(LoginAttempt(email=email, address_key=address_key(address), attempted_at=now))
    session.flush()


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


def sign_in(*, session: Session, email: str, password: str, address: str) -> TokenPair:
    now = utcnow()
    email = normalise_email(email)
    _check_sign_in_limits(session=session, email=email, address=address, now=now)
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None:
        passwords.verify_password(passwords.dummy_hash(), password)
        _record_failure(session=session, email=email, address=address, now=now)
        raise InvalidCredentials()
    if not passwords.verify_password(user.password_hash, password) or not user.is_active:
        _record_failure(session=session, email=email, address=address, now=now)
        raise InvalidCredentials()
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        session.add(user)
    login = Login(
        user_id=user.id,
        created_at=now,
        expires_at=now + timedelta(days=get_settings().login_max_days),
    )
    session.add(login)
    session.flush()
    return _issue_pair(session=session, user=user, login=login, now=now)


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
