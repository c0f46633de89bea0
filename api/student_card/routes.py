"""HTTP routes of the student multiservice card (contract §8): the student office, the student's phone, the
validators, and what offline verifiers download."""

import uuid
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, status
from fastapi.responses import Response
from sqlmodel import Session

from api.auth.deps import AdminPrincipal, CurrentPrincipal, require_role
from api.auth.models import Role
from api.auth.tokens import Principal
from api.db import ReadSessionDep, WriterDep, utcnow
from api.pagination import Cursor, Limit, Page
from api.student_card import keys, service
from api.student_card.models import (
    CardAdmin,
    CardCreate,
    CardPublic,
    CardRenew,
    CardStatus,
    CheckPublic,
    CredentialsIn,
    CredentialsOut,
    DeviceRevokeIn,
    RootKey,
    SignedBundle,
    VerifyIn,
    VerifyOut,
)
from api.student_card.verifier import b64url_encode

router = APIRouter(tags=["carte étudiante"])

ValidatorPrincipal = Annotated[Principal, Depends(require_role(Role.validator))]
ADMIN = "/admin/student-cards"
# A photo of 200 kB, written in base64 in a JSON body.
CREATE_BODY_MAX_BYTES = 320 * 1024


# --- the student office --------------------------------------------------------------------------


@router.post(ADMIN, status_code=status.HTTP_201_CREATED, response_model=CardAdmin)
async def issue_card(data: CardCreate, write: WriterDep, admin: AdminPrincipal) -> CardAdmin:
    """Issue a student's card with its services (student office); the account becomes a student's."""

    def work(session: Session) -> CardAdmin:
        now = utcnow()
        card = service.issue_card(session=session, data=data, issued_by=admin.user_id, now=now)
        return service.present_admin(session, card, now=now)

    return await write(work)


@router.get(ADMIN, response_model=list[CardAdmin])
def list_cards(session: ReadSessionDep, admin: AdminPrincipal) -> list[CardAdmin]:
    """The cards, newest first (student office)."""
    return service.cards(session, now=utcnow())


@router.get(ADMIN + "/{card_id}", response_model=CardAdmin)
def get_card(card_id: uuid.UUID, session: ReadSessionDep, admin: AdminPrincipal) -> CardAdmin:
    """One card with its student (student office)."""
    return service.present_admin(session, service.card_by_id(session, card_id), now=utcnow())


@router.post(ADMIN + "/{card_id}/renew", response_model=CardAdmin)
async def renew_card(
    card_id: uuid.UUID, data: CardRenew, write: WriterDep, admin: AdminPrincipal
) -> CardAdmin:
    """New validity and services; credentials for a service removed or shortened stop working."""

    def work(session: Session) -> CardAdmin:
        now = utcnow()
        card = service.renew_card(session=session, card_id=card_id, data=data, now=now)
        return service.present_admin(session, card, now=now)

    return await write(work)


async def _set_status(write: WriterDep, card_id: uuid.UUID, status: CardStatus) -> CardAdmin:
    def work(session: Session) -> CardAdmin:
        now = utcnow()
        card = service.set_status(session=session, card_id=card_id, status=status, now=now)
        return service.present_admin(session, card, now=now)

    return await write(work)


@router.post(ADMIN + "/{card_id}/suspend", response_model=CardAdmin)
async def suspend_card(card_id: uuid.UUID, write: WriterDep, admin: AdminPrincipal) -> CardAdmin:
    """Suspend a card: its codes are refused at once online, and offline once the bundle is refreshed."""
    return await _set_status(write, card_id, CardStatus.suspended)


@router.post(ADMIN + "/{card_id}/resume", response_model=CardAdmin)
async def resume_card(card_id: uuid.UUID, write: WriterDep, admin: AdminPrincipal) -> CardAdmin:
    """Lift a suspension: the student's phone gets new credentials at its next sync."""
    return await _set_status(write, card_id, CardStatus.active)


@router.post(ADMIN + "/{card_id}/revoke", response_model=CardAdmin)
async def revoke_card(card_id: uuid.UUID, write: WriterDep, admin: AdminPrincipal) -> CardAdmin:
    """Revoke a card for good, and every phone enrolled for it."""
    return await _set_status(write, card_id, CardStatus.revoked)


# --- the student ---------------------------------------------------------------------------------


@router.get("/me/student-card", response_model=CardPublic)
def my_card(session: ReadSessionDep, principal: CurrentPrincipal) -> CardPublic:
    """The caller's card: institution, validity, services and photo."""
    return service.present(session, service.card_of_user(session, principal.user_id), now=utcnow())


@router.post(
    "/me/student-card/credentials", status_code=status.HTTP_201_CREATED, response_model=CredentialsOut
)
async def enrol(data: CredentialsIn, write: WriterDep, principal: CurrentPrincipal) -> CredentialsOut:
    """This phone's credentials, one per service, valid 14 days; a new phone replaces the others."""
    work = partial(service.enrol, principal=principal, device_public_key=data.device_public_key, now=utcnow())
    return await write(work)


@router.post("/me/student-card/devices/revoke", response_model=CardPublic)
async def revoke_my_devices(
    data: DeviceRevokeIn, write: WriterDep, principal: CurrentPrincipal
) -> CardPublic:
    """« Téléphone perdu » or « ce n'est pas moi »: every enrolled phone stops showing a valid code."""

    def work(session: Session) -> CardPublic:
        now = utcnow()
        card = service.revoke_my_devices(session=session, principal=principal, reason=data.reason, now=now)
        return service.present(session, card, now=now)

    return await write(work)


@router.get("/me/student-card/checks", response_model=Page[CheckPublic])
def my_checks(
    session: ReadSessionDep, principal: CurrentPrincipal, limit: Limit = 20, cursor: Cursor = None
) -> Page[CheckPublic]:
    """Who checked my card in the last 48 hours: the service, the verdict and when."""
    checks, next_cursor = service.my_checks(session=session, principal=principal, cursor=cursor, limit=limit)
    return Page(results=checks, next_cursor=next_cursor)


# --- verifiers -----------------------------------------------------------------------------------


@router.get("/student-cards/root-key", response_model=RootKey)
async def root_key(write: WriterDep) -> RootKey:
    """The root key that signs the trust bundle (public; made on first use)."""
    public = await write(lambda session: keys.root_key(session).public)
    return RootKey(public_key=b64url_encode(public))


@router.get("/student-cards/trust-bundle", response_model=SignedBundle)
async def trust_bundle(write: WriterDep) -> SignedBundle:
    """Issuer keys and revoked serials, signed by the root key: what offline verifiers check codes with."""
    payload, signature = await write(partial(keys.trust_bundle, now=utcnow()))
    return SignedBundle(payload=b64url_encode(payload), signature=b64url_encode(signature))


@router.post("/student-cards/verify", response_model=VerifyOut)
async def verify(data: VerifyIn, write: WriterDep, validator: ValidatorPrincipal) -> VerifyOut:
    """Check a code for the validator's own service; green and amber answers carry the photo to compare."""
    return await write(partial(service.verify_online, validator=validator, qr=data.qr, now=utcnow()))


@router.get(
    "/student-cards/photos/{token}",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}}}},
)
def photo(token: str, session: ReadSessionDep) -> Response:
    """A card's photo, through a link a verification or the card itself gave (valid 10 minutes)."""
    image, media_type = service.photo_for(session, token=token, now=utcnow())
    return Response(image, media_type=media_type, headers={"Cache-Control": "private, max-age=600"})
