"""HTTP routes for shops, their approval and claims (contract §4)."""

import uuid

from fastapi import APIRouter, status
from sqlmodel import Session

from api.auth.deps import AdminPrincipal, CurrentPrincipal, OptionalPrincipal
from api.db import ReadSessionDep, WriterDep, utcnow
from api.pagination import Cursor, Limit, Page
from api.shops import service
from api.shops.categories import CATEGORIES
from api.shops.deps import VisibleShop
from api.shops.models import (
    Category,
    ClaimAdmin,
    ClaimCreate,
    ClaimPublic,
    ClaimStatus,
    HoursPreview,
    HoursPreviewIn,
    RefusalIn,
    ShopAdmin,
    ShopCreate,
    ShopPrivate,
    ShopPublic,
    ShopStatus,
    ShopUpdate,
    SuspensionIn,
)

router = APIRouter(tags=["commerces"])


@router.get("/categories", response_model=list[Category])
def list_categories() -> list[Category]:
    """The shop categories, with their French labels."""
    return [Category(slug=slug, label=label) for slug, label in CATEGORIES.items()]


@router.post("/opening-hours/preview", response_model=HoursPreview)
def preview_hours(data: HoursPreviewIn) -> HoursPreview:
    """Check opening hours as they are typed and show the coming week (anyone: no data is read)."""
    return service.preview_hours(data.opening_hours, now=utcnow())


@router.post("/shops", status_code=status.HTTP_201_CREATED, response_model=ShopPrivate)
async def create_shop(data: ShopCreate, write: WriterDep, principal: CurrentPrincipal) -> ShopPublic:
    """Register a shop (signed in); it waits for the city's approval."""

    def work(session: Session) -> ShopPublic:
        shop = service.create_shop(session=session, data=data, owner_id=principal.user_id)
        return service.present(shop, principal=principal, now=utcnow())

    return await write(work)


@router.get("/shops/{shop_id}", response_model=ShopPrivate | ShopPublic)
def get_shop(shop: VisibleShop, principal: OptionalPrincipal) -> ShopPublic:
    """A shop's page: details, whether it is open now, and this week's hours."""
    return service.present(shop, principal=principal, now=utcnow())


@router.patch("/shops/{shop_id}", response_model=ShopPrivate)
async def update_shop(
    shop_id: uuid.UUID, data: ShopUpdate, write: WriterDep, principal: CurrentPrincipal
) -> ShopPublic:
    """Edit a shop (its owner or an admin)."""

    def work(session: Session) -> ShopPublic:
        shop = service.managed_shop(session=session, shop_id=shop_id, principal=principal)
        service.update_shop(session=session, shop=shop, data=data)
        return service.present(shop, principal=principal, now=utcnow())

    return await write(work)


@router.get("/me/shops", response_model=Page[ShopPrivate])
def my_shops(
    session: ReadSessionDep, principal: CurrentPrincipal, limit: Limit = 20, cursor: Cursor = None
) -> Page[ShopPublic]:
    """The shops the caller owns, whatever their status."""
    return service.list_owned_shops(
        session=session, principal=principal, cursor=cursor, limit=limit, now=utcnow()
    )


@router.post("/shops/{shop_id}/claims", status_code=status.HTTP_201_CREATED, response_model=ClaimPublic)
async def claim_shop(
    shop_id: uuid.UUID, data: ClaimCreate, write: WriterDep, principal: CurrentPrincipal
) -> ClaimPublic:
    """Ask to manage a shop imported without a merchant; the city decides."""

    def work(session: Session) -> ClaimPublic:
        shop = service.visible_shop(session=session, shop_id=shop_id, principal=principal)
        claim = service.claim_shop(session=session, shop=shop, data=data, principal=principal)
        return service.present_claim(claim, shop, now=utcnow())

    return await write(work)


@router.get("/admin/shops", response_model=Page[ShopAdmin])
def admin_list_shops(
    session: ReadSessionDep,
    admin: AdminPrincipal,
    status: ShopStatus = ShopStatus.pending,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[ShopAdmin]:
    """Shops by status, oldest first (admin), with who registered them: by default those awaiting approval."""
    return service.list_shops_by_status(
        session=session, status=status, cursor=cursor, limit=limit, principal=admin, now=utcnow()
    )


@router.post("/admin/shops/{shop_id}/approve", response_model=ShopPrivate)
async def approve_shop(shop_id: uuid.UUID, write: WriterDep, admin: AdminPrincipal) -> ShopPublic:
    """Activate a shop (admin); its owner becomes a merchant."""

    def work(session: Session) -> ShopPublic:
        shop = service.set_status(session=session, shop_id=shop_id, status=ShopStatus.active, admin=admin)
        return service.present(shop, principal=admin, now=utcnow())

    return await write(work)


@router.post("/admin/shops/{shop_id}/suspend", response_model=ShopPrivate)
async def suspend_shop(
    shop_id: uuid.UUID, write: WriterDep, admin: AdminPrincipal, data: SuspensionIn | None = None
) -> ShopPublic:
    """Suspend an active shop (admin), optionally saying why: it leaves search, offers and rewards."""
    reason = data.reason if data is not None else None

    def work(session: Session) -> ShopPublic:
        shop = service.set_status(
            session=session, shop_id=shop_id, status=ShopStatus.suspended, admin=admin, reason=reason
        )
        return service.present(shop, principal=admin, now=utcnow())

    return await write(work)


@router.post("/admin/shops/{shop_id}/refuse", response_model=ShopPrivate)
async def refuse_shop(
    shop_id: uuid.UUID, data: RefusalIn, write: WriterDep, admin: AdminPrincipal
) -> ShopPublic:
    """Turn down a shop waiting for approval (admin), saying why: its owner reads the reason."""

    def work(session: Session) -> ShopPublic:
        shop = service.set_status(
            session=session, shop_id=shop_id, status=ShopStatus.refused, admin=admin, reason=data.reason
        )
        return service.present(shop, principal=admin, now=utcnow())

    return await write(work)


@router.get("/me/claims", response_model=Page[ClaimPublic])
def my_claims(
    session: ReadSessionDep, principal: CurrentPrincipal, limit: Limit = 20, cursor: Cursor = None
) -> Page[ClaimPublic]:
    """The caller's claims, oldest first: pending, accepted, or refused with the city's reason."""
    return service.list_own_claims(
        session=session, principal=principal, cursor=cursor, limit=limit, now=utcnow()
    )


@router.get("/admin/claims", response_model=Page[ClaimAdmin])
def admin_list_claims(
    session: ReadSessionDep,
    _admin: AdminPrincipal,
    status: ClaimStatus = ClaimStatus.pending,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[ClaimAdmin]:
    """Claims by status, oldest first (admin), with who asks: name, e-mail and message."""
    return service.list_claims(session=session, status=status, cursor=cursor, limit=limit, now=utcnow())


@router.post("/admin/claims/{claim_id}/approve", response_model=ClaimPublic)
async def approve_claim(claim_id: uuid.UUID, write: WriterDep, admin: AdminPrincipal) -> ClaimPublic:
    """Give the shop to the claimant (admin), who becomes its merchant."""

    def work(session: Session) -> ClaimPublic:
        claim = service.decide_claim(session=session, claim_id=claim_id, approve=True, admin=admin)
        return service.present_claim(claim, None, now=utcnow())

    return await write(work)


@router.post("/admin/claims/{claim_id}/reject", response_model=ClaimPublic)
async def reject_claim(
    claim_id: uuid.UUID, write: WriterDep, admin: AdminPrincipal, data: RefusalIn | None = None
) -> ClaimPublic:
    """Turn a claim down (admin), with the reason the claimant will read (the body may be left out)."""
    reason = data.reason if data is not None else None

    def work(session: Session) -> ClaimPublic:
        claim = service.decide_claim(
            session=session, claim_id=claim_id, approve=False, admin=admin, reason=reason
        )
        return service.present_claim(claim, None, now=utcnow())

    return await write(work)
