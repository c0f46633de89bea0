"""HTTP routes for points Cœur de Ville (contract §7): the member, the counter, rewards, the city."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import JSONResponse, Response
from sqlmodel import Session

from api import idempotency
from api.auth.deps import AdminPrincipal, CurrentPrincipal, OptionalPrincipal, require_role
from api.auth.models import Role
from api.auth.tokens import Principal
from api.db import ReadSessionDep, WriterDep, utcnow
from api.errors import invalid
from api.idempotency import IdempotencyKey
from api.loyalty import ledger, reports, service
from api.loyalty.models import (
    Audit,
    ClaimCodeIn,
    ClaimCodePublic,
    ClaimIn,
    ClaimResult,
    EarnIn,
    HistoryLine,
    MemberBalance,
    MemberCodePublic,
    NearbyReward,
    RedeemIn,
    ReversalResult,
    RewardCreate,
    RewardPublic,
    RewardUpdate,
    ShopLoyaltyPublic,
    ShopSettingsIn,
    ShopSettingsPublic,
    Statement,
    TransactionPublic,
    UnusualActivity,
    WeekFigures,
)
from api.pagination import Cursor, Limit, Page
from api.shops import service as shops_service
from api.shops.deps import VisibleShop
from api.shops.hours import PARIS
from api.shops.models import Latitude, Longitude, Shop

router = APIRouter(tags=["fidélité"])

MerchantPrincipal = Annotated[Principal, Depends(require_role(Role.merchant))]


def get_managed_shop(shop_id: uuid.UUID, session: ReadSessionDep, principal: CurrentPrincipal) -> Shop:
    return shops_service.managed_shop(session=session, shop_id=shop_id, principal=principal)


ManagedShop = Annotated[Shop, Depends(get_managed_shop)]


# --- the member ----------------------------------------------------------------------------------


@router.get("/loyalty/me", response_model=MemberBalance)
def my_balance(session: ReadSessionDep, principal: CurrentPrincipal) -> MemberBalance:
    """The caller's points: what can be spent now and what expires in the next 60 days."""
    return service.member_balance(session=session, user_id=principal.user_id, now=utcnow())


@router.post("/loyalty/me/member-code", status_code=status.HTTP_201_CREATED, response_model=MemberCodePublic)
async def new_member_code(write: WriterDep, principal: CurrentPrincipal) -> MemberCodePublic:
    """A fresh member code for the merchant to scan: valid 2 minutes, one earn (and redemptions meanwhile)."""

    def work(session: Session) -> MemberCodePublic:
        return service.issue_member_code(session=session, principal=principal, now=utcnow())

    return await write(work)


@router.get("/loyalty/me/history", response_model=Page[HistoryLine])
def my_history(
    session: ReadSessionDep, principal: CurrentPrincipal, limit: Limit = 20, cursor: Cursor = None
) -> Page[HistoryLine]:
    """Every movement of the caller's points, newest first, with its reason and shop."""
    lines, next_cursor = service.history(
        session=session, user_id=principal.user_id, cursor=cursor, limit=limit
    )
    return Page(results=lines, next_cursor=next_cursor)


@router.get("/loyalty/me/export", response_class=JSONResponse)
def export_my_data(session: ReadSessionDep, principal: CurrentPrincipal) -> JSONResponse:
    """Download everything the programme holds about the caller (JSON)."""
    now = utcnow()
    data = reports.export(session=session, user_id=principal.user_id, now=now)
    filename = f"points-coeur-de-ville-{now.astimezone(PARIS).date().isoformat()}.json"
    return JSONResponse(data, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.post("/loyalty/claim", status_code=status.HTTP_201_CREATED, response_model=ClaimResult)
async def claim(
    data: ClaimIn, request: Request, write: WriterDep, principal: CurrentPrincipal, key: IdempotencyKey
) -> Response:
    """Points for a purchase, from the one-time code the merchant shows (scanned or typed)."""

    def work(session: Session) -> ClaimResult:
        return service.claim_points(session=session, principal=principal, code=data.code, now=utcnow())

    return await idempotency.run_once(
        write, request=request, user_id=principal.user_id, key=key, body=data, work=work
    )


# --- the counter ---------------------------------------------------------------------------------


@router.post("/loyalty/earn", status_code=status.HTTP_201_CREATED, response_model=TransactionPublic)
async def earn(
    data: EarnIn, request: Request, write: WriterDep, merchant: MerchantPrincipal, key: IdempotencyKey
) -> Response:
    """Give points for a purchase, after scanning the member's code (merchant of the shop)."""

    def work(session: Session) -> TransactionPublic:
        return service.award_points(
            session=session,
            principal=merchant,
            shop_id=data.shop_id,
            member_code=data.member_code,
            amount_cents=data.amount_cents,
            now=utcnow(),
        )

    return await idempotency.run_once(
        write, request=request, user_id=merchant.user_id, key=key, body=data, work=work
    )


@router.post("/loyalty/claim-codes", status_code=status.HTTP_201_CREATED, response_model=ClaimCodePublic)
async def new_claim_code(
    data: ClaimCodeIn, request: Request, write: WriterDep, merchant: MerchantPrincipal, key: IdempotencyKey
) -> Response:
    """A one-time code for the shopper to scan or type: the points of this purchase, valid 10 minutes."""

    def work(session: Session) -> ClaimCodePublic:
        return service.create_claim_code(
            session=session,
            principal=merchant,
            shop_id=data.shop_id,
            amount_cents=data.amount_cents,
            now=utcnow(),
        )

    return await idempotency.run_once(
        write, request=request, user_id=merchant.user_id, key=key, body=data, work=work
    )


@router.post("/loyalty/redeem", status_code=status.HTTP_201_CREATED, response_model=TransactionPublic)
async def redeem(
    data: RedeemIn, request: Request, write: WriterDep, merchant: MerchantPrincipal, key: IdempotencyKey
) -> Response:
    """Hand over a reward of the shop: its cost in points and one unit of its stock are taken."""

    def work(session: Session) -> TransactionPublic:
        return service.redeem_reward(
            session=session,
            principal=merchant,
            shop_id=data.shop_id,
            member_code=data.member_code,
            reward_id=data.reward_id,
            now=utcnow(),
        )

    return await idempotency.run_once(
        write, request=request, user_id=merchant.user_id, key=key, body=data, work=work
    )


@router.post(
    "/loyalty/transactions/{transaction_id}/reverse",
    status_code=status.HTTP_201_CREATED,
    response_model=ReversalResult,
)
async def reverse(
    transaction_id: uuid.UUID,
    request: Request,
    write: WriterDep,
    merchant: MerchantPrincipal,
    key: IdempotencyKey,
) -> Response:
    """Undo one of the caller's own earns or redemptions within 14 days (a refund)."""

    def work(session: Session) -> ReversalResult:
        return service.reverse_transaction(
            session=session, principal=merchant, transaction_id=transaction_id, now=utcnow()
        )

    return await idempotency.run_once(
        write, request=request, user_id=merchant.user_id, key=key, body=None, work=work
    )


@router.get("/shops/{shop_id}/loyalty/transactions", response_model=Page[TransactionPublic])
def shop_transactions(
    shop: ManagedShop,
    session: ReadSessionDep,
    principal: CurrentPrincipal,
    day: Annotated[
        str | None,
        Query(
            pattern=r"^\d{4}-\d{2}-\d{2}$",
            description="Le jour, AAAA-MM-JJ (heure de Paris) ; aujourd'hui par défaut.",
        ),
    ] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[TransactionPublic]:
    """The shop's movements of one day, newest first, with what can still be reversed (its merchant)."""
    try:
        chosen = date.fromisoformat(day) if day is not None else utcnow().astimezone(PARIS).date()
    except ValueError:
        raise invalid("day", "Cette date n'existe pas : indiquez un jour sous la forme AAAA-MM-JJ.") from None
    results, next_cursor = service.shop_transactions(
        session=session, shop=shop, viewer_id=principal.user_id, day=chosen, cursor=cursor, limit=limit
    )
    return Page(results=results, next_cursor=next_cursor)


@router.get("/shops/{shop_id}/loyalty/weeks", response_model=list[WeekFigures])
def shop_weeks(
    shop: ManagedShop,
    session: ReadSessionDep,
    weeks: Annotated[
        int, Query(ge=1, le=53, description="Nombre de semaines, la dernière étant celle en cours.")
    ] = 12,
) -> list[WeekFigures]:
    """Points issued and redeemed at the shop per week (its merchant)."""
    return reports.weekly(session=session, shop=shop, weeks=weeks, now=utcnow())


# --- rewards -------------------------------------------------------------------------------------


@router.get("/shops/{shop_id}/loyalty", response_model=ShopLoyaltyPublic)
def shop_loyalty(shop: VisibleShop, session: ReadSessionDep) -> ShopLoyaltyPublic:
    """Whether the shop takes points Cœur de Ville, at what rate, and its rewards."""
    return service.shop_loyalty(session=session, shop=shop)


@router.get("/shops/{shop_id}/rewards", response_model=Page[RewardPublic])
def list_shop_rewards(
    shop: VisibleShop, session: ReadSessionDep, principal: OptionalPrincipal
) -> Page[RewardPublic]:
    """The shop's rewards; its merchant sees the withdrawn ones too."""
    owner = shops_service.can_manage(shop, principal)
    rewards = service.shop_rewards(session=session, shop=shop, include_withdrawn=owner)
    return Page(
        results=[RewardPublic.model_validate(reward, from_attributes=True) for reward in rewards],
        next_cursor=None,
    )


@router.post("/shops/{shop_id}/rewards", status_code=status.HTTP_201_CREATED, response_model=RewardPublic)
async def create_reward(
    shop_id: uuid.UUID, data: RewardCreate, write: WriterDep, principal: CurrentPrincipal
) -> RewardPublic:
    """Publish a reward (the shop's merchant): a title, its cost in points, an optional stock."""

    def work(session: Session) -> RewardPublic:
        shop = shops_service.managed_shop(session=session, shop_id=shop_id, principal=principal)
        reward = service.create_reward(session=session, shop=shop, data=data, now=utcnow())
        return RewardPublic.model_validate(reward, from_attributes=True)

    return await write(work)


@router.patch("/rewards/{reward_id}", response_model=RewardPublic)
async def update_reward(
    reward_id: uuid.UUID, data: RewardUpdate, write: WriterDep, principal: CurrentPrincipal
) -> RewardPublic:
    """Change or withdraw a reward (`active: false`); the shop's merchant only."""

    def work(session: Session) -> RewardPublic:
        reward = service.managed_reward(session=session, reward_id=reward_id, principal=principal)
        service.update_reward(session=session, reward=reward, data=data, now=utcnow())
        return RewardPublic.model_validate(reward, from_attributes=True)

    return await write(work)


@router.get("/loyalty/rewards", response_model=Page[NearbyReward])
def rewards_near(
    session: ReadSessionDep,
    lat: Latitude | None = None,
    lon: Longitude | None = None,
    radius_m: Annotated[int, Query(ge=50, le=service.MAX_RADIUS_M, description="Rayon en mètres.")] = (
        service.DEFAULT_RADIUS_M
    ),
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[NearbyReward]:
    """Rewards on offer at the shops taking points, nearest first (the position is never stored)."""
    if (lat is None) != (lon is None):
        raise invalid(
            "lat" if lat is None else "lon", "Donnez la latitude et la longitude ensemble, ou aucune."
        )
    origin = (
        service.Origin(lat=lat, lon=lon, radius_m=radius_m) if lat is not None and lon is not None else None
    )
    results, next_cursor = service.nearby_rewards(session=session, origin=origin, cursor=cursor, limit=limit)
    return Page(results=results, next_cursor=next_cursor)


# --- the city ------------------------------------------------------------------------------------


@router.get("/admin/loyalty/audit", response_model=Audit)
def audit(session: ReadSessionDep, admin: AdminPrincipal) -> Audit:
    """Check every invariant of the ledger (admin): all three counts are 0 in a healthy ledger."""
    return ledger.audit(session, now=utcnow())


@router.get("/admin/shops/{shop_id}/loyalty", response_model=ShopSettingsPublic)
def shop_settings(shop_id: uuid.UUID, session: ReadSessionDep, admin: AdminPrincipal) -> ShopSettingsPublic:
    """A shop's rate (points per euro), daily cap per member, and whether it takes part (admin)."""
    shop = service.admin_shop(session=session, shop_id=shop_id)
    return service.present_settings(shop.id, service.settings_of(session, shop.id))


@router.patch("/admin/shops/{shop_id}/loyalty", response_model=ShopSettingsPublic)
async def update_shop_settings(
    shop_id: uuid.UUID, data: ShopSettingsIn, write: WriterDep, admin: AdminPrincipal
) -> ShopSettingsPublic:
    """Set a shop's rate, daily cap per member, or take it out of the programme (admin)."""

    def work(session: Session) -> ShopSettingsPublic:
        shop = service.admin_shop(session=session, shop_id=shop_id)
        return service.update_settings(session=session, shop=shop, data=data, admin=admin, now=utcnow())

    return await write(work)


Month = Annotated[
    str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="Le mois, AAAA-MM (heure de Paris).")
]


@router.get("/admin/loyalty/statements", response_model=Statement)
def monthly_statement(month: Month, session: ReadSessionDep, admin: AdminPrincipal) -> Statement:
    """Per shop, points issued, redeemed there, reversed and expired in a month: what to settle (admin)."""
    return reports.statement(session=session, month=month)


@router.get("/admin/loyalty/statements.csv", response_class=Response)
def monthly_statement_csv(month: Month, session: ReadSessionDep, admin: AdminPrincipal) -> Response:
    """The monthly statement as a CSV file (semicolons, UTF-8 with BOM for spreadsheets) (admin)."""
    content = "\ufeff" + reports.statement_csv(reports.statement(session=session, month=month))
    return Response(
        content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="releve-points-{month}.csv"'},
    )


@router.get("/admin/loyalty/unusual", response_model=Page[UnusualActivity])
def unusual(
    session: ReadSessionDep,
    admin: AdminPrincipal,
    days: Annotated[int, Query(ge=1, le=90, description="Sur combien de jours regarder.")] = 30,
) -> Page[UnusualActivity]:
    """Patterns worth a look (admin): many earns a day for one member at one shop, totals near the cap."""
    return Page(results=reports.unusual_activity(session=session, days=days, now=utcnow()), next_cursor=None)
