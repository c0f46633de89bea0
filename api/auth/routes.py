"""HTTP routes for accounts (contract §3)."""

import uuid
from functools import partial

import anyio
from fastapi import APIRouter, Response, status
from sqlmodel import Session

from api.auth import passwords, service
from api.auth.deps import AdminPrincipal, ClientAddress, CurrentPrincipal
from api.auth.models import RefreshIn, RegisterIn, Role, RoleGrantIn, TokenIn, TokenPair, UserPublic
from api.db import ReaderDep, ReadSessionDep, WriterDep, utcnow
from api.errors import Unauthorized

router = APIRouter(tags=["comptes"])


# Tokens must not be kept by a browser or a proxy cache.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@router.post("/auth/register", status_code=status.HTTP_201_CREATED, response_model=UserPublic)
async def register(data: RegisterIn, read: ReaderDep, write: WriterDep, address: ClientAddress) -> UserPublic:
    """Create a shopper account (a limited number per address in ten minutes)."""
    quota = await read(partial(service.sign_up_quota, address=address, now=utcnow()))
    if quota.remaining == 0:
        raise service.sign_up_refusal(quota)
    # Hashing takes tens of milliseconds: done before the write turn, which is counted again inside.
    password_hash = await passwords.in_hashing_thread(partial(passwords.hash_password, data.password))
    return await write(
        partial(service.register_from, data=data, password_hash=password_hash, address=address)
    )


@router.post("/auth/token", response_model=TokenPair)
async def sign_in(
    data: TokenIn, read: ReaderDep, write: WriterDep, address: ClientAddress, response: Response
) -> TokenPair:
    """Sign in with e-mail and password; returns an access token and a refresh token."""
    limits = await read(partial(service.sign_in_limits, email=data.email, address=address, now=utcnow()))
    if limits.blocked:
        raise limits.refusal()
    # Failures for this account from other addresses slow it down; waiting here holds no thread.
    await anyio.sleep(limits.delay_s)
    account = await read(partial(service.account_for, email=data.email))
    checked = await passwords.in_hashing_thread(partial(service.check_password, account, data.password))
    pair, headers = await write(
        partial(service.complete_sign_in, email=data.email, address=address, checked=checked)
    )
    response.headers.update({**headers, **NO_STORE})
    return pair


@router.post("/auth/refresh", response_model=TokenPair)
async def refresh(data: RefreshIn, write: WriterDep, response: Response) -> TokenPair:
    """Exchange a refresh token (once) for a new pair."""
    pair = await write(partial(service.refresh, refresh_token=data.refresh_token))
    response.headers.update(NO_STORE)
    return pair


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(principal: CurrentPrincipal, write: WriterDep) -> Response:
    """Sign out: revoke every refresh token of this login."""
    await write(partial(service.logout, login_id=principal.login_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserPublic)
def me(principal: CurrentPrincipal, session: ReadSessionDep) -> UserPublic:
    """The signed-in user, with the roles of the current access token."""
    profile = service.profile(session=session, user_id=principal.user_id)
    if profile is None:
        raise Unauthorized("Ce compte n'existe plus ou a été désactivé.")
    email, display_name, created_at = profile
    return UserPublic(
        id=principal.user_id,
        email=email,
        display_name=display_name,
        roles=list(principal.roles),
        service=principal.service,
        created_at=created_at,
    )


@router.post("/admin/users/{user_id}/roles", response_model=UserPublic)
async def grant_role(
    user_id: uuid.UUID, grant: RoleGrantIn, admin: AdminPrincipal, write: WriterDep
) -> UserPublic:
    """Grant a role (admin); it takes effect at the user's next sign-in or refresh."""

    def work(session: Session) -> UserPublic:
        user = service.grant_role(session=session, user_id=user_id, grant=grant, granted_by=admin.user_id)
        return service.public_user(session=session, user=user)

    return await write(work)


@router.delete("/admin/users/{user_id}/roles/{role}", response_model=UserPublic)
async def revoke_role(user_id: uuid.UUID, role: Role, _admin: AdminPrincipal, write: WriterDep) -> UserPublic:
    """Remove a role (admin); it takes effect at the user's next sign-in or refresh."""

    def work(session: Session) -> UserPublic:
        user = service.revoke_role(session=session, user_id=user_id, role=role)
        return service.public_user(session=session, user=user)

    return await write(work)
