"""Points Cœur de Ville: accounts, transactions and entries (append-only), codes, rewards, shop settings."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, field_validator
from pydantic import Field as Constraints
from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index, Integer, String, Uuid
from sqlmodel import Field, SQLModel

from api.db import timestamp_column, utcnow

DEFAULT_POINTS_PER_EURO = 1
DEFAULT_DAILY_CAP_POINTS = 200
MAX_AMOUNT_CENTS = 500_000  # 5,000 €: a counter sale, not a car
REASON_MAX_LENGTH = 300


class AccountKind(StrEnum):
    member = "member"  # a person's city-wide balance
    shop = "shop"  # what a shop issued (negative) and took back (positive)


class TransactionKind(StrEnum):
    earn = "earn"
    redeem = "redeem"
    reverse = "reverse"
    expire = "expire"


class Channel(StrEnum):
    member_code = "member_code"  # the merchant scanned the shopper's code
    claim_code = "claim_code"  # the shopper scanned or typed the merchant's code
    system = "system"  # expiry


class CodeKind(StrEnum):
    member = "member"
    claim = "claim"


class LoyaltyAccount(SQLModel, table=True):
    """One balance: a member's (cached in `balance`, under its row lock) or a shop's (its entries' sum)."""

    __tablename__ = "loyalty_account"
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (shop_id IS NULL)", name="one_owner"),
        CheckConstraint("(kind = 'member') = (balance IS NOT NULL)", name="member_balance"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    kind: str = Field(max_length=10)
    user_id: uuid.UUID | None = Field(
        default=None, sa_column=Column(Uuid(), ForeignKey("user.id"), unique=True, nullable=True)
    )
    shop_id: uuid.UUID | None = Field(
        default=None, sa_column=Column(Uuid(), ForeignKey("shop.id"), unique=True, nullable=True)
    )
    # Members only: the sum of the account's entries, kept with them in every transaction. A shop's is
    # never cached: every earn there would wait on one row.
    balance: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class LoyaltyCode(SQLModel, table=True):
    """A short-lived code: a member's (to be scanned at the counter) or a shop's claim code (one earn)."""

    __tablename__ = "loyalty_code"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    kind: str = Field(max_length=10)
    # HMAC of the code under the server secret: the code itself is never stored.
    code_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    # The member's account for a member code; the merchant who made a claim code.
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    shop_id: uuid.UUID | None = Field(default=None, foreign_key="shop.id")
    amount_cents: int | None = None
    expires_at: datetime = Field(sa_column=timestamp_column(index=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class LoyaltyTransaction(SQLModel, table=True):
    """One movement of points: who did it, why, where and when. Never updated, never deleted."""

    __tablename__ = "loyalty_transaction"
    __table_args__ = (
        Index("ix_loyalty_transaction_user_id_created_at", "user_id", "created_at"),
        Index("ix_loyalty_transaction_shop_id_created_at", "shop_id", "created_at"),
        Index("ix_loyalty_transaction_created_at", "created_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    kind: str = Field(max_length=10)
    # The member whose balance moves.
    user_id: uuid.UUID = Field(foreign_key="user.id")
    # Where: the shop that issued or took the points (none for an expiry, which may span shops).
    shop_id: uuid.UUID | None = Field(default=None, foreign_key="shop.id")
    # Who: the merchant at the counter, the member who claimed, or none for the system.
    actor_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    channel: str = Field(max_length=20)
    # The member's side: positive for an earn, negative for a redemption or an expiry.
    points: int
    amount_cents: int | None = None
    reward_id: uuid.UUID | None = Field(default=None, foreign_key="loyalty_reward.id")
    # A transaction is reversed at most once: the database holds to it too.
    reverses_id: uuid.UUID | None = Field(
        default=None,
        sa_column=Column(Uuid(), ForeignKey("loyalty_transaction.id"), unique=True, nullable=True),
    )
    # The code that allowed an earn: one earn per code.
    code_id: uuid.UUID | None = Field(
        default=None, sa_column=Column(Uuid(), ForeignKey("loyalty_code.id"), unique=True, nullable=True)
    )
    reason: str = Field(max_length=REASON_MAX_LENGTH)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class LoyaltyEntry(SQLModel, table=True):
    """One side of a transaction on one account. The entries of a transaction sum to zero."""

    __tablename__ = "loyalty_entry"
    __table_args__ = (
        Index("ix_loyalty_entry_account_id_expires_at", "account_id", "expires_at"),
        CheckConstraint("points <> 0", name="not_zero"),
    )

    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    )
    transaction_id: uuid.UUID = Field(foreign_key="loyalty_transaction.id", index=True)
    account_id: uuid.UUID = Field(foreign_key="loyalty_account.id")
    points: int
    # Set on a member's lot: the points of an earn (and, negated, of its reversal) and when they expire.
    expires_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class LoyaltyReward(SQLModel, table=True):
    __tablename__ = "loyalty_reward"
    __table_args__ = (CheckConstraint("stock IS NULL OR stock >= 0", name="stock_not_negative"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    shop_id: uuid.UUID = Field(foreign_key="shop.id", index=True)
    title: str = Field(max_length=120)
    description: str | None = Field(default=None, max_length=500)
    cost_points: int
    stock: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class LoyaltyShopSettings(SQLModel, table=True):
    """What the city set for a shop; a shop without a row takes the defaults."""

    __tablename__ = "loyalty_shop_settings"

    shop_id: uuid.UUID = Field(foreign_key="shop.id", primary_key=True, ondelete="CASCADE")
    points_per_euro: int = DEFAULT_POINTS_PER_EURO
    daily_cap_points: int = DEFAULT_DAILY_CAP_POINTS
    enabled: bool = True
    updated_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    updated_by: uuid.UUID | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")


# --- request and response schemas -------------------------------------------------------------


class _StrictInput(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]


StrictFlag = Annotated[bool, Constraints(strict=True)]
AmountCents = Annotated[int, Constraints(strict=True, ge=1, le=MAX_AMOUNT_CENTS)]
Code = Annotated[str, Constraints(min_length=1, max_length=64)]


class MemberCodePublic(SQLModel):
    member_code: str
    expires_at: datetime
    valid_seconds: int


class EarnIn(_StrictInput):
    shop_id: uuid.UUID
    member_code: Code
    amount_cents: AmountCents


class ClaimCodeIn(_StrictInput):
    shop_id: uuid.UUID
    amount_cents: AmountCents


class ClaimCodePublic(SQLModel):
    code: str
    expires_at: datetime
    points: int
    amount_cents: int
    shop_id: uuid.UUID


class ClaimIn(_StrictInput):
    code: Code


class RedeemIn(_StrictInput):
    shop_id: uuid.UUID
    member_code: Code
    reward_id: uuid.UUID


class ShopRef(SQLModel):
    id: uuid.UUID
    name: str


class TransactionPublic(SQLModel):
    """A movement as its maker sees it (the merchant at the counter, or the member who claimed)."""

    transaction_id: uuid.UUID
    kind: TransactionKind
    points: int
    shop: ShopRef | None
    reason: str
    amount_cents: int | None
    reward_id: uuid.UUID | None
    reverses_id: uuid.UUID | None
    created_at: datetime
    # An earn's points run out then.
    expires_at: datetime | None
    # Until when the merchant who made it can reverse it (none for a reversal or an expiry).
    reversible_until: datetime | None
    reversed: bool = False
    # Whether the caller made it: only the merchant who made a transaction may reverse it.
    made_by_you: bool = True


class ClaimResult(TransactionPublic):
    balance: int


class ReversalResult(TransactionPublic):
    # True when the member had already spent the points an earn gave: the balance went below zero.
    leaves_negative_balance: bool


class Expiring(SQLModel):
    points: int
    expires_at: datetime


class MemberBalance(SQLModel):
    balance: int
    expiring: list[Expiring]
    # When the balance was read: an offline phone shows it with this date.
    as_of: datetime


class HistoryLine(SQLModel):
    transaction_id: uuid.UUID
    kind: TransactionKind
    points: int
    shop: ShopRef | None
    reason: str
    created_at: datetime
    expires_at: datetime | None


RewardTitle = Annotated[str, Constraints(min_length=1, max_length=120)]
RewardDescription = Annotated[str, Constraints(max_length=500)]
CostPoints = Annotated[int, Constraints(strict=True, ge=1, le=100_000)]
Stock = Annotated[int, Constraints(strict=True, ge=0, le=100_000)]


def _title_not_blank(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise ValueError("Donnez un titre à la récompense, par exemple « Un café offert ».")
    return value.strip() if value is not None else None


class RewardCreate(_StrictInput):
    title: RewardTitle
    cost_points: CostPoints
    stock: Stock | None = None
    description: RewardDescription | None = None

    _title = field_validator("title")(_title_not_blank)


class RewardUpdate(_StrictInput):
    title: RewardTitle | None = None
    cost_points: CostPoints | None = None
    stock: Stock | None = None
    description: RewardDescription | None = None
    active: StrictFlag | None = None

    _title = field_validator("title")(_title_not_blank)


class RewardPublic(SQLModel):
    id: uuid.UUID
    shop_id: uuid.UUID
    title: str
    description: str | None
    cost_points: int
    stock: int | None
    active: bool
    created_at: datetime


class NearbyReward(RewardPublic):
    shop: ShopRef
    distance_m: float | None


class ShopLoyaltyPublic(SQLModel):
    """What a shop page shows: whether points are accepted there, at what rate, and its rewards."""

    participating: bool
    points_per_euro: int
    rewards: list[RewardPublic]


class ShopSettingsIn(_StrictInput):
    points_per_euro: Annotated[int, Constraints(strict=True, ge=1, le=10)] | None = None
    daily_cap_points: Annotated[int, Constraints(strict=True, ge=1, le=100_000)] | None = None
    enabled: StrictFlag | None = None


class ShopSettingsPublic(SQLModel):
    shop_id: uuid.UUID
    points_per_euro: int
    daily_cap_points: int
    enabled: bool
    updated_at: datetime | None


class Audit(SQLModel):
    accounts: int
    transactions: int
    entries: int
    mismatched_accounts: int
    negative_accounts: int
    unbalanced_transactions: int
    # Below zero because an earn was refunded after its points were spent: allowed, and said so.
    explained_negative_accounts: int
    doubly_reversed_transactions: int
    points_outstanding: int
    checked_at: datetime
    healthy: bool


class WeekFigures(SQLModel):
    week_start: date
    issued: int
    redeemed: int


class StatementLine(SQLModel):
    shop: ShopRef
    issued: int
    redeemed: int
    reversed_issued: int
    reversed_redeemed: int
    expired: int
    # What the shop owes the network (positive) or is owed (negative) for the month.
    net: int


class Statement(SQLModel):
    month: str
    starts_at: datetime
    ends_at: datetime
    results: list[StatementLine]
    totals: StatementLine | None


class UnusualActivity(SQLModel):
    kind: str
    description: str
    shop: ShopRef
    member_ref: str
    day: date
    earns: int
    points: int
