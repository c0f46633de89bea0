"""Shop rules: creation, visibility, editing by the owner, approval by the city, claims."""

import uuid
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from api import geo
from api.auth import service as auth_service
from api.auth.models import Role, RoleGrantIn, User
from api.auth.tokens import Principal
from api.config import get_settings
from api.db import utcnow
from api.errors import Conflict, Forbidden, NotFound, ValidationFailed, field_error, invalid
from api.pagination import Page, created_order_page
from api.shops import hours
from api.shops.categories import CATEGORIES
from api.shops.models import (
    ClaimAdmin,
    Claimant,
    ClaimCreate,
    ClaimPublic,
    ClaimStatus,
    DayHoursPublic,
    HoursPreview,
    Shop,
    ShopAdmin,
    ShopClaim,
    ShopCreate,
    ShopPrivate,
    ShopPublic,
    ShopSource,
    ShopStatus,
    ShopSummary,
    ShopUpdate,
)

SHOP_NOT_FOUND = "Ce commerce n'existe pas ou n'est pas visible."
_SHOP_ORDER: dict[str, Any] = {
    "created_at": col(Shop.created_at),
    "row_id": col(Shop.id),
    "position_of": lambda shop: (shop.created_at, shop.id),
}


def is_admin(principal: Principal | None) -> bool:
    return principal is not None and Role.admin.value in principal.roles


def can_manage(shop: Shop, principal: Principal | None) -> bool:
    return principal is not None and (shop.owner_id == principal.user_id or is_admin(principal))


def check_territory(lat: float, lon: float) -> None:
    if not geo.contains(get_settings().territory, lat, lon):
        detail = "Cette position est hors du territoire couvert (agglomération Valence Romans)."
        raise ValidationFailed(detail, errors=[field_error("lat", detail), field_error("lon", detail)])


def summary(shop: Shop, *, now: datetime) -> ShopSummary:
    status = hours.status(shop.opening_hours, shop.lat, shop.lon, now)
    return ShopSummary(
        id=shop.id,
        name=shop.name,
        category=shop.category,
        category_label=CATEGORIES.get(shop.category, shop.category),
        address=shop.address,
        lat=shop.lat,
        lon=shop.lon,
        open_now=status.open_now,
    )


def _week(expression: str | None, lat: float, lon: float, now: datetime) -> list[DayHoursPublic]:
    days = hours.week(expression, lat, lon, now.astimezone(hours.PARIS).date())
    return [DayHoursPublic(date=d.date, intervals=d.intervals, unknown=d.unknown) for d in days]


def preview_hours(expression: str | None, *, now: datetime) -> HoursPreview:
    if expression is None:
        raise invalid("opening_hours", "Indiquez des horaires.")
    return HoursPreview(opening_hours=expression, week=_week(expression, *geo.CITY_CENTRE, now))


def present(shop: Shop, *, principal: Principal | None, now: datetime) -> ShopPublic:
    status = hours.status(shop.opening_hours, shop.lat, shop.lon, now)
    fields = {
        **summary(shop, now=now).model_dump(),
        "description": shop.description,
        "phone": shop.phone,
        "website": shop.website,
        "opening_hours": shop.opening_hours,
        "next_change_at": status.next_change_at,
        "status": shop.status,
        "claimable": is_claimable(shop),
        "source": shop.source,
        "week": _week(shop.opening_hours, shop.lat, shop.lon, now),
        "created_at": shop.created_at,
        "updated_at": shop.updated_at,
    }
    if can_manage(shop, principal):
        return ShopPrivate(
            **fields,
            owner_id=shop.owner_id,
            osm_id=shop.osm_id,
            decided_at=shop.decided_at,
            decision_reason=shop.decision_reason,
        )
    return ShopPublic(**fields)


def create_shop(*, session: Session, data: ShopCreate, owner_id: uuid.UUID) -> Shop:
    check_territory(data.lat, data.lon)
    shop = Shop(**data.model_dump(), owner_id=owner_id, status=ShopStatus.pending)
    session.add(shop)
    session.flush()
    return shop


def visible_shop(*, session: Session, shop_id: uuid.UUID, principal: Principal | None) -> Shop:
    """The shop if it is active or the caller manages it; otherwise it does not exist for them."""
    shop = session.get(Shop, shop_id)
    if shop is None or (shop.status != ShopStatus.active and not can_manage(shop, principal)):
        raise NotFound(SHOP_NOT_FOUND)
    return shop


def managed_shop(*, session: Session, shop_id: uuid.UUID, principal: Principal) -> Shop:
    shop = visible_shop(session=session, shop_id=shop_id, principal=principal)
    if not can_manage(shop, principal):
        raise Forbidden("Seul le commerçant de ce commerce (ou la ville) peut le modifier.")
    return shop


def update_shop(*, session: Session, shop: Shop, data: ShopUpdate) -> Shop:
    changes = data.model_dump(exclude_unset=True)
    for required in ("name", "category", "address", "lat", "lon"):
        if required in changes and changes[required] is None:
            raise invalid(required, "Ce champ est obligatoire.")
    if "lat" in changes or "lon" in changes:
        check_territory(changes.get("lat", shop.lat), changes.get("lon", shop.lon))
    for field, value in changes.items():
        setattr(shop, field, value)
    shop.updated_at = utcnow()
    session.add(shop)
    session.flush()
    return shop


# Which statuses each decision may start from (the same status again changes nothing but the date). Suspending
# a pending shop predates refusals and stays allowed for the API's callers; the PWA refuses pending shops.
_DECISION_FROM: dict[ShopStatus, set[str]] = {
    ShopStatus.active: {ShopStatus.pending, ShopStatus.suspended, ShopStatus.active},
    ShopStatus.suspended: {ShopStatus.pending, ShopStatus.active, ShopStatus.suspended},
    ShopStatus.refused: {ShopStatus.pending},
}
_ALREADY: dict[tuple[ShopStatus, str], str] = {
    (ShopStatus.active, ShopStatus.refused): "Ce commerce a été refusé : il ne peut plus être approuvé.",
    (ShopStatus.suspended, ShopStatus.refused): "Ce commerce a été refusé : il n'y a rien à suspendre.",
    (ShopStatus.refused, ShopStatus.refused): "Ce commerce a déjà été refusé.",
    (ShopStatus.refused, ShopStatus.active): (
        "Ce commerce est déjà approuvé et actif : suspendez-le s'il ne doit plus apparaître."
    ),
    (ShopStatus.refused, ShopStatus.suspended): (
        "Ce commerce a déjà été approuvé puis suspendu : il ne peut plus être refusé."
    ),
}


def set_status(
    *,
    session: Session,
    shop_id: uuid.UUID,
    status: ShopStatus,
    admin: Principal,
    reason: str | None = None,
) -> Shop:
    """The city's decision on a shop: approve (active), suspend, or refuse a pending one, with its reason."""
    shop = session.get(Shop, shop_id)
    if shop is None:
        raise NotFound(SHOP_NOT_FOUND)
    if shop.status not in _DECISION_FROM[status]:
        raise Conflict(_ALREADY.get((status, shop.status), "Ce commerce a déjà fait l'objet d'une décision."))
    now = utcnow()
    shop.status = status
    shop.decided_at = now
    shop.decision_reason = reason
    shop.updated_at = now
    session.add(shop)
    if status == ShopStatus.active and shop.owner_id is not None:
        auth_service.grant_role(
            session=session,
            user_id=shop.owner_id,
            grant=RoleGrantIn(role=Role.merchant),
            granted_by=admin.user_id,
        )
    session.flush()
    return shop


def _person(user: User | None) -> Claimant | None:
    return (
        Claimant(id=user.id, display_name=user.display_name, email=user.email) if user is not None else None
    )


def list_shops_by_status(
    *,
    session: Session,
    status: ShopStatus,
    cursor: str | None,
    limit: int,
    principal: Principal,
    now: datetime,
) -> Page[ShopAdmin]:
    """The city's list of shops in one status, each with the person who registered or holds it."""
    rows: list[tuple[Shop, User | None]]
    rows, next_cursor = created_order_page(
        session,
        select(Shop, User)
        .join(User, col(User.id) == Shop.owner_id, isouter=True)
        .where(Shop.status == status),
        created_at=col(Shop.created_at),
        row_id=col(Shop.id),
        position_of=lambda row: (row[0].created_at, row[0].id),
        cursor=cursor,
        limit=limit,
        params={"status": status.value},
    )
    return Page[ShopAdmin](
        results=[
            ShopAdmin(**present(shop, principal=principal, now=now).model_dump(), owner=_person(owner))
            for shop, owner in rows
        ],
        next_cursor=next_cursor,
    )


def list_owned_shops(
    *, session: Session, principal: Principal, cursor: str | None, limit: int, now: datetime
) -> Page[ShopPublic]:
    rows, next_cursor = created_order_page(
        session,
        select(Shop).where(Shop.owner_id == principal.user_id),
        **_SHOP_ORDER,
        cursor=cursor,
        limit=limit,
        params={"owner": str(principal.user_id)},
    )
    return Page[ShopPublic](
        results=[present(s, principal=principal, now=now) for s in rows], next_cursor=next_cursor
    )


def is_claimable(shop: Shop) -> bool:
    """Only shops imported from OpenStreetMap wait for their merchant; demo shops are fictitious."""
    return shop.owner_id is None and shop.status == ShopStatus.active and shop.source == ShopSource.osm


def claim_shop(*, session: Session, shop: Shop, data: ClaimCreate, principal: Principal) -> ShopClaim:
    if shop.owner_id is not None:
        raise Conflict("Ce commerce a déjà un commerçant : il ne peut pas être réclamé.")
    if not is_claimable(shop):
        raise Conflict("Seuls les commerces importés d'OpenStreetMap peuvent être réclamés.")
    pending = session.exec(
        select(ShopClaim.id).where(
            ShopClaim.shop_id == shop.id,
            ShopClaim.user_id == principal.user_id,
            ShopClaim.status == ClaimStatus.pending,
        )
    ).first()
    if pending is not None:
        raise Conflict("Vous avez déjà une demande en attente pour ce commerce.")
    claim = ShopClaim(shop_id=shop.id, user_id=principal.user_id, message=data.message)
    session.add(claim)
    session.flush()
    return claim


def present_claim(
    claim: ShopClaim, shop: Shop | None, *, now: datetime, claimant: User | None = None
) -> ClaimAdmin:
    return ClaimAdmin(
        id=claim.id,
        shop_id=claim.shop_id,
        user_id=claim.user_id,
        message=claim.message,
        status=claim.status,
        created_at=claim.created_at,
        decided_at=claim.decided_at,
        decision_reason=claim.decision_reason,
        shop=summary(shop, now=now) if shop is not None else None,
        claimant=_person(claimant),
    )


def list_claims(
    *, session: Session, status: ClaimStatus, cursor: str | None, limit: int, now: datetime
) -> Page[ClaimAdmin]:
    """The city's queue: each claim with its shop and who asks."""
    rows: list[tuple[ShopClaim, Shop, User]]
    rows, next_cursor = created_order_page(
        session,
        select(ShopClaim, Shop, User)
        .join(Shop, col(Shop.id) == ShopClaim.shop_id)
        .join(User, col(User.id) == ShopClaim.user_id)
        .where(ShopClaim.status == status),
        created_at=col(ShopClaim.created_at),
        row_id=col(ShopClaim.id),
        position_of=lambda row: (row[0].created_at, row[0].id),
        cursor=cursor,
        limit=limit,
        params={"status": status.value},
    )
    return Page[ClaimAdmin](
        results=[present_claim(c, s, now=now, claimant=u) for c, s, u in rows], next_cursor=next_cursor
    )


def list_own_claims(
    *, session: Session, principal: Principal, cursor: str | None, limit: int, now: datetime
) -> Page[ClaimPublic]:
    """The caller's claims, whatever became of them, oldest first, with the city's reason when refused."""
    rows: list[tuple[ShopClaim, Shop]]
    rows, next_cursor = created_order_page(
        session,
        select(ShopClaim, Shop)
        .join(Shop, col(Shop.id) == ShopClaim.shop_id)
        .where(ShopClaim.user_id == principal.user_id),
        created_at=col(ShopClaim.created_at),
        row_id=col(ShopClaim.id),
        position_of=lambda row: (row[0].created_at, row[0].id),
        cursor=cursor,
        limit=limit,
        params={"claimant": str(principal.user_id)},
    )
    return Page[ClaimPublic](results=[present_claim(c, s, now=now) for c, s in rows], next_cursor=next_cursor)


# What a claimant reads when another claim on the same shop was accepted.
ANOTHER_CLAIMANT_CHOSEN = "La ville a confié ce commerce à une autre personne qui l'a réclamé."


def decide_claim(
    *,
    session: Session,
    claim_id: uuid.UUID,
    approve: bool,
    admin: Principal,
    reason: str | None = None,
) -> ShopClaim:
    claim = session.get(ShopClaim, claim_id)
    if claim is None:
        raise NotFound("Cette demande n'existe pas.")
    if claim.status == ClaimStatus.approved:
        raise Conflict("Cette demande a déjà été acceptée : elle ne peut plus être refusée ni acceptée.")
    if claim.status == ClaimStatus.rejected:
        raise Conflict("Cette demande a déjà été refusée : le demandeur peut en envoyer une nouvelle.")
    claim.decided_at = utcnow()
    claim.decided_by = admin.user_id
    if approve:
        shop = session.get(Shop, claim.shop_id)
        if shop is None or shop.owner_id is not None:
            raise Conflict("Ce commerce a déjà un commerçant : refusez plutôt cette demande.")
        shop.owner_id = claim.user_id
        shop.updated_at = utcnow()
        session.add(shop)
        claim.status = ClaimStatus.approved
        auth_service.grant_role(
            session=session,
            user_id=claim.user_id,
            grant=RoleGrantIn(role=Role.merchant),
            granted_by=admin.user_id,
        )
        # The other pending claims on that shop can no longer succeed.
        for other in session.exec(
            select(ShopClaim).where(
                ShopClaim.shop_id == claim.shop_id,
                ShopClaim.status == ClaimStatus.pending,
                ShopClaim.id != claim.id,
            )
        ):
            other.status = ClaimStatus.rejected
            other.decided_at = claim.decided_at
            other.decided_by = admin.user_id
            other.decision_reason = ANOTHER_CLAIMANT_CHOSEN
            session.add(other)
    else:
        claim.status = ClaimStatus.rejected
        claim.decision_reason = reason
    session.add(claim)
    session.flush()
    return claim
