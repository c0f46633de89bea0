"""HTTP routes for accounts (contract §3)."""

import uuid

from fastapi import APIRouter, Response, status

from api.auth import service
from api.auth.deps import AdminPrincipal, ClientAddress, CurrentPrincipal
from api.auth.models import RefreshIn, RegisterIn, Role, RoleGrantIn, TokenIn, TokenPair, UserPublic
from api.db import ReadSessionDep, SessionDep
from api.errors import Unauthorized

router = APIRouter(tags=["comptes"])


@router.post("/auth/register", status_code=status.HTTP_201_CREATED, response_model=UserPublic)
def register(data: RegisterIn, session: SessionDep) -> UserPublic:
    """Create a shopper account."""
    user = service.register(session=session, data=data)
    return service.public_user(session=session, user=user)


@router.post("/auth/token", response_model=TokenPair)
def sign_in(data: TokenIn, session: SessionDep, address: ClientAddress) -> TokenPair:
    """Sign in with e-mail and password; returns an access token and a refresh token."""
    return service.sign_in(session=session, email=data.email, password=data.password, address=address)


@router.post("/auth/refresh", response_model=TokenPair)
def refresh(data: RefreshIn, session: SessionDep) -> TokenPair:
    """Exchange a refresh token (once) for a new pair."""
    return service.refresh(session=session, refresh_token=data.refresh_token)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(principal: CurrentPrincipal, session: SessionDep) -> Response:
    """Sign out: revoke every refresh token of this login."""
    service.logout(session=session, login_id=principal.login_id)
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
def grant_role(
    user_id: uuid.UUID, grant: RoleGrantIn, admin: AdminPrincipal, session: SessionDep
) -> UserPublic:
    """Grant a role (admin); it takes effect at the user's next sign-in or refresh."""
    user = service.grant_role(session=session, user_id=user_id, grant=grant, granted_by=admin.user_id)
    return service.public_user(session=session, user=user)


@router.delete("/admin/users/{user_id}/roles/{role}", response_model=UserPublic)
def revoke_role(user_id: uuid.UUID, role: Role, _admin: AdminPrincipal, session: SessionDep) -> UserPublic:
    """Remove a role (admin); it takes effect at the user's next sign-in or refresh."""
    user = service.revoke_role(session=session, user_id=user_id, role=role)
    return service.public_user(session=session, user=user)
