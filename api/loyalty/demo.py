"""What loyalty adds to the demo: rewards at the demo merchant's shops and a believable history for the demo
shopper over the last eleven months at four shops (points expiring within 60 days, one refund).

The history is written once, through the ledger, dated in the past; loading the demo again leaves it as it is
(the ledger is append-only here too). Shops the ledger refers to are never deleted by a smaller demo.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists
from sqlmodel import Session, col, select

from api.loyalty import ledger, service
from api.loyalty.models import (
    Channel,
    LoyaltyAccount,
    LoyaltyCode,
    LoyaltyEntry,
    LoyaltyReward,
    LoyaltyShopSettings,
    LoyaltyTransaction,
    RewardCreate,
)
from api.shops.hours import PARIS
from api.shops.models import Shop

NAMESPACE = uuid.UUID("0c3f5d0e-7a61-4f51-9b2e-5f6a7d1c9e42")
# (title, cost in points, stock) for the demo merchant's first and second shop.
REWARDS: tuple[tuple[tuple[str, int, int | None], ...], ...] = (
    (("Un pot de confiture maison offert", 40, None), ("Panier découverte du terroir", 150, 5)),
    (("Un sac en toile Cœur de Valence", 30, 12), ("10 € de remise sur un article", 100, None)),
)


@dataclass(frozen=True, slots=True)
class Movement:
    days_ago: float
    shop: int  # 0 and 1: the merchant's shops; 2 and 3: two other demo shops
    kind: str  # "earn", "redeem" (the shop's first reward) or "reverse" (the movement just before)
    amount_cents: int = 0


# Eleven months of a regular downtown shopper: 212 points today. Spending takes the oldest points first, so
# 2 and 18 points of the two oldest purchases are left, and expire 15 and 34 days after loading. The refund
# five days ago takes back a purchase's points.
HISTORY = (
    Movement(350, 0, "earn", 7290),
    Movement(331, 2, "earn", 1850),
    Movement(302, 1, "redeem"),
    Movement(248, 3, "earn", 2475),
    Movement(201, 1, "earn", 4520),
    Movement(160, 3, "earn", 990),
    Movement(119, 2, "earn", 2740),
    Movement(63, 0, "redeem"),
    Movement(41, 0, "earn", 1560),
    Movement(20, 1, "earn", 3800),
    Movement(6.2, 1, "earn", 2590),
    Movement(5.1, 1, "reverse"),
    Movement(2.3, 0, "earn", 1275),
    Movement(0.9, 3, "earn", 2210),
)


def reward_id(shop_id: uuid.UUID, index: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"reward:{shop_id}:{index}")


def ensure_rewards(*, session: Session, shop_ids: list[uuid.UUID], now: datetime) -> int:
    """The demo rewards of the merchant's shops, made when missing; returns how many were made."""
    made = 0
    for shop_id, rewards in zip(shop_ids, REWARDS, strict=False):
        shop = session.get(Shop, shop_id)
        if shop is None:
            continue
        for index, (title, cost, stock) in enumerate(rewards):
            if session.get(LoyaltyReward, reward_id(shop_id, index)) is not None:
                continue
            reward = service.create_reward(
                session=session,
                shop=shop,
                data=RewardCreate(title=title, cost_points=cost, stock=stock),
                now=now,
            )
            reward.id = reward_id(shop_id, index)
            session.add(reward)
            session.flush()
            made += 1
    return made


def has_history(session: Session, user_id: uuid.UUID) -> bool:
    return (
        session.exec(select(LoyaltyTransaction.id).where(LoyaltyTransaction.user_id == user_id)).first()
        is not None
    )


def write_history(
    *,
    session: Session,
    shopper_id: uuid.UUID,
    merchant_id: uuid.UUID,
    shop_ids: list[uuid.UUID],
    now: datetime,
) -> int:
    """The demo shopper's past, written once through the ledger; returns how many transactions it made."""
    if len(shop_ids) < 4 or has_history(session, shopper_id):
        return 0
    shops = [session.get(Shop, shop_id) for shop_id in shop_ids[:4]]
    member = ledger.member_account(session, shopper_id)
    last: LoyaltyTransaction | None = None
    written = 0
    for movement in HISTORY:
        shop = shops[movement.shop]
        assert shop is not None  # noqa: S101 - the plan's shops exist
        at = now - timedelta(days=movement.days_ago)
        actor = merchant_id if movement.shop < 2 else None
        if movement.kind == "earn":
            last = ledger.earn(
                session,
                member=member,
                shop_id=shop.id,
                points=movement.amount_cents // 100,
                actor_id=actor,
                channel=Channel.member_code,
                amount_cents=movement.amount_cents,
                code_id=None,
                reason=f"Achat de {service.euros(movement.amount_cents)} chez {shop.name}.",
                now=at,
            )
        elif movement.kind == "redeem":
            reward = session.get(LoyaltyReward, reward_id(shop.id, 0))
            assert reward is not None  # noqa: S101 - ensure_rewards ran first
            last = ledger.redeem(
                session,
                member=member,
                shop_id=shop.id,
                cost_points=reward.cost_points,
                actor_id=merchant_id,
                reward_id=reward.id,
                reason=f"Récompense « {reward.title} » chez {shop.name}.",
                now=at,
            )
        else:
            assert last is not None  # noqa: S101 - a reversal follows the movement it undoes
            day = last.created_at.astimezone(PARIS).strftime("%d/%m/%Y")
            last, _ = ledger.reverse(
                session,
                original=last,
                member=member,
                actor_id=merchant_id,
                reason=f"Annulation des points de l'achat du {day} (article rapporté, remboursé).",
                now=at,
            )
        written += 1
    return written


def shops_with_history(session: Session, shop_ids: set[uuid.UUID]) -> frozenset[uuid.UUID]:
    """Of these shops, those with ledger entries: a demo of fewer shops suspends them instead of deleting."""
    if not shop_ids:
        return frozenset()
    has_entries = exists().where(col(LoyaltyEntry.account_id) == col(LoyaltyAccount.id))
    found = session.exec(
        select(LoyaltyAccount.shop_id).where(col(LoyaltyAccount.shop_id).in_(list(shop_ids)), has_entries)
    ).all()
    return frozenset(shop_id for shop_id in found if shop_id is not None)


def forget_shops(session: Session, shop_ids: set[uuid.UUID]) -> None:
    """What loyalty holds about shops about to be deleted (none of them has a ledger entry)."""
    if not shop_ids:
        return
    ids = list(shop_ids)
    used = exists().where(col(LoyaltyTransaction.code_id) == col(LoyaltyCode.id))
    session.execute(delete(LoyaltyCode).where(col(LoyaltyCode.shop_id).in_(ids), ~used))
    session.execute(delete(LoyaltyReward).where(col(LoyaltyReward.shop_id).in_(ids)))
    session.execute(delete(LoyaltyShopSettings).where(col(LoyaltyShopSettings.shop_id).in_(ids)))
    session.execute(delete(LoyaltyAccount).where(col(LoyaltyAccount.shop_id).in_(ids)))
