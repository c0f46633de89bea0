"""The ledger: the only code that writes loyalty transactions and entries, and the one that checks them.

Every movement is a transaction whose entries sum to zero: the member's account on one side, the shop that
issued or took back the points on the other. Entries are never updated or deleted (the database refuses it);
a correction is a reversing transaction. A member's cached balance moves with its entries, under the
account's row lock (PostgreSQL) or the write lock every write transaction takes first (SQLite).

Points expire 12 months after they were earned, oldest first. An earn's entry is a lot carrying its expiry
(its reversal is the same lot negated); every other entry of the member spends (or gives back) points from
the oldest lots. So what is left of each lot follows from the entries alone, without a mutable lot table.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, bindparam, case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col

from api.errors import Conflict
from api.loyalty.models import (
    AccountKind,
    Audit,
    Channel,
    LoyaltyAccount,
    LoyaltyEntry,
    LoyaltyTransaction,
    TransactionKind,
)

REVERSAL_WINDOW = timedelta(days=14)
EXPIRING_WITHIN = timedelta(days=60)

_ACCOUNT = LoyaltyAccount.__table__  # type: ignore[attr-defined]
_ENTRY = LoyaltyEntry.__table__  # type: ignore[attr-defined]
_TRANSACTION = LoyaltyTransaction.__table__  # type: ignore[attr-defined]
_MOVE_BALANCE = (
    _ACCOUNT.update()
    .where(_ACCOUNT.c.id == bindparam("account_id"))
    .values(balance=_ACCOUNT.c.balance + bindparam("points"))
)


class InsufficientPoints(Conflict):
    slug = "insufficient-points"
    title = "Points insuffisants"


class AlreadyReversed(Conflict):
    slug = "already-reversed"
    title = "Déjà annulée"


class ReversalWindowClosed(Conflict):
    slug = "reversal-window-closed"
    title = "Délai d'annulation dépassé"


class NotReversible(Conflict):
    slug = "not-reversible"
    title = "Opération non annulable"


def expiry_of(earned_at: datetime) -> datetime:
    """Twelve months later, to the second (a 29 February gives the 28th)."""
    try:
        return earned_at.replace(year=earned_at.year + 1)
    except ValueError:
        return earned_at.replace(year=earned_at.year + 1, day=28)


def _insert_ignoring_duplicate(session: Session, values: dict[str, object], column: str) -> None:
    dialect = session.get_bind().dialect.name
    values = {**values, "created_at": datetime.now(UTC)}
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_ACCOUNT).values(values)
    session.execute(insert.on_conflict_do_nothing(index_elements=[column]))


def member_account(session: Session, user_id: uuid.UUID) -> LoyaltyAccount:
    """The member's account, made on first use, locked until the transaction ends.

    Read again once locked, even when the session holds it already: a balance read before the lock (by
    `session.get`, say) may be stale by then on PostgreSQL, and writing it back would lose what another
    transaction added meanwhile.
    """
    statement = (
        select(LoyaltyAccount)
        .where(col(LoyaltyAccount.user_id) == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    account = session.scalars(statement).first()
    if account is None:
        _insert_ignoring_duplicate(
            session,
            {"id": uuid.uuid4(), "kind": AccountKind.member.value, "user_id": user_id, "balance": 0},
            "user_id",
        )
        account = session.scalars(statement).one()
    return account


def find_member_account(session: Session, user_id: uuid.UUID) -> LoyaltyAccount | None:
    """The member's account for reading (no lock); None before their first movement."""
    return session.scalars(select(LoyaltyAccount).where(col(LoyaltyAccount.user_id) == user_id)).first()


def shop_account_id(session: Session, shop_id: uuid.UUID) -> uuid.UUID:
    """The shop's account (made on first use). Not locked: a shop's balance is the sum of its entries."""
    statement = select(_ACCOUNT.c.id).where(_ACCOUNT.c.shop_id == shop_id)
    found = session.execute(statement).scalar()
    if found is None:
        _insert_ignoring_duplicate(
            session, {"id": uuid.uuid4(), "kind": AccountKind.shop.value, "shop_id": shop_id}, "shop_id"
        )
        found = session.execute(statement).scalar_one()
    return uuid.UUID(str(found))


@dataclass(frozen=True, slots=True)
class Lot:
    """Points earned at one shop that expire together."""

    expires_at: datetime
    shop_id: uuid.UUID | None
    points: int


def remaining_lots(session: Session, account_id: uuid.UUID) -> list[Lot]:
    """What is left of each of the member's lots, oldest first: spending takes from the oldest."""
    lots = session.execute(
        select(_ENTRY.c.expires_at, _TRANSACTION.c.shop_id, func.sum(_ENTRY.c.points))
        .join(_TRANSACTION, _TRANSACTION.c.id == _ENTRY.c.transaction_id)
        .where(_ENTRY.c.account_id == account_id, _ENTRY.c.expires_at.is_not(None))
        .group_by(_ENTRY.c.expires_at, _TRANSACTION.c.shop_id)
        .order_by(_ENTRY.c.expires_at)
    ).all()
    moved = session.execute(
        select(func.coalesce(func.sum(_ENTRY.c.points), 0)).where(
            _ENTRY.c.account_id == account_id, _ENTRY.c.expires_at.is_(None)
        )
    ).scalar_one()
    to_take = max(0, -int(moved))
    left: list[Lot] = []
    for expires_at, shop_id, points in lots:
        points = int(points)
        taken = min(max(points, 0), to_take)
        to_take -= taken
        if points - taken > 0:
            left.append(Lot(expires_at=expires_at, shop_id=shop_id, points=points - taken))
    return left


def due_points(lots: list[Lot], now: datetime) -> int:
    return sum(lot.points for lot in lots if lot.expires_at <= now)


def expiring_soon(lots: list[Lot], now: datetime) -> list[tuple[int, datetime]]:
    """(points, when) that expire within 60 days, soonest first, lots expiring at the same moment merged."""
    by_time: dict[datetime, int] = defaultdict(int)
    for lot in lots:
        if now < lot.expires_at <= now + EXPIRING_WITHIN:
            by_time[lot.expires_at] += lot.points
    return sorted(((points, at) for at, points in by_time.items()), key=lambda pair: pair[1])


def _post(
    session: Session,
    *,
    member: LoyaltyAccount,
    kind: TransactionKind,
    member_points: int,
    shop_sides: list[tuple[uuid.UUID, int]],
    shop_id: uuid.UUID | None,
    actor_id: uuid.UUID | None,
    channel: Channel,
    reason: str,
    now: datetime,
    lot_expires_at: datetime | None = None,
    amount_cents: int | None = None,
    reward_id: uuid.UUID | None = None,
    reverses_id: uuid.UUID | None = None,
    code_id: uuid.UUID | None = None,
    known_accounts: dict[uuid.UUID, uuid.UUID] | None = None,
) -> LoyaltyTransaction:
    """Write one balanced transaction and move the member's balance with it."""
    assert member.user_id is not None and member.balance is not None  # noqa: S101 - a member account
    assert member_points + sum(points for _, points in shop_sides) == 0  # noqa: S101 - balanced
    transaction = LoyaltyTransaction(
        id=uuid.uuid4(),
        kind=kind.value,
        user_id=member.user_id,
        shop_id=shop_id,
        actor_id=actor_id,
        channel=channel.value,
        points=member_points,
        amount_cents=amount_cents,
        reward_id=reward_id,
        reverses_id=reverses_id,
        code_id=code_id,
        reason=reason,
        created_at=now,
    )
    # Core statements, not the unit of work: the rows are written once and never changed, and the ORM's
    # flush bookkeeping was a third of an earn. `transaction` is handed back for reading only. What the
    # session holds is written first (a Core statement does not flush it): a reward these rows refer to.
    session.flush()
    session.execute(_TRANSACTION.insert(), [transaction.model_dump()])
    entries = [
        {
            "transaction_id": transaction.id,
            "account_id": member.id,
            "points": member_points,
            "expires_at": lot_expires_at,
            "created_at": now,
        }
    ]
    entries += [
        {
            "transaction_id": transaction.id,
            "account_id": (known_accounts or {}).get(side_shop) or shop_account_id(session, side_shop),
            "points": points,
            "expires_at": None,
            "created_at": now,
        }
        for side_shop, points in shop_sides
        if points
    ]
    session.execute(_ENTRY.insert(), entries)
    session.execute(_MOVE_BALANCE, {"account_id": member.id, "points": member_points})
    # The account is locked: the balance just written is the one read plus these points.
    set_committed_value(member, "balance", member.balance + member_points)
    return transaction


def earn(
    session: Session,
    *,
    member: LoyaltyAccount,
    shop_id: uuid.UUID,
    points: int,
    actor_id: uuid.UUID | None,
    channel: Channel,
    amount_cents: int,
    code_id: uuid.UUID | None,
    reason: str,
    now: datetime,
    shop_account_id: uuid.UUID | None = None,
) -> LoyaltyTransaction:
    """Points issued by a shop to a member: a new lot, expiring in 12 months.

    `shop_account_id`, when the caller has read it already, saves looking the shop's account up again."""
    assert points > 0  # noqa: S101 - the service computes them
    return _post(
        session,
        member=member,
        kind=TransactionKind.earn,
        member_points=points,
        shop_sides=[(shop_id, -points)],
        known_accounts={shop_id: shop_account_id} if shop_account_id is not None else {},
        shop_id=shop_id,
        actor_id=actor_id,
        channel=channel,
        reason=reason,
        now=now,
        lot_expires_at=expiry_of(now),
        amount_cents=amount_cents,
        code_id=code_id,
    )


def expire_due(session: Session, *, member: LoyaltyAccount, now: datetime) -> LoyaltyTransaction | None:
    """Expire what is left of the member's lots past their date; nothing when nothing is due (safe twice)."""
    lots = [lot for lot in remaining_lots(session, member.id) if lot.expires_at <= now]
    due = sum(lot.points for lot in lots)
    if due <= 0:
        return None
    by_shop: dict[uuid.UUID, int] = defaultdict(int)
    for lot in lots:
        if lot.shop_id is not None:
            by_shop[lot.shop_id] += lot.points
    plural = "s" if due > 1 else ""
    return _post(
        session,
        member=member,
        kind=TransactionKind.expire,
        member_points=-due,
        shop_sides=sorted(by_shop.items()),
        shop_id=next(iter(by_shop)) if len(by_shop) == 1 else None,
        actor_id=None,
        channel=Channel.system,
        reason=f"{due} point{plural} gagné{plural} il y a 12 mois, arrivé{plural} à expiration.",
        now=now,
    )


def redeem(
    session: Session,
    *,
    member: LoyaltyAccount,
    shop_id: uuid.UUID,
    cost_points: int,
    actor_id: uuid.UUID | None,
    reward_id: uuid.UUID,
    reason: str,
    now: datetime,
) -> LoyaltyTransaction:
    """Points taken back by a shop for a reward; the member must have them (expired points are gone first)."""
    expire_due(session, member=member, now=now)
    assert member.balance is not None  # noqa: S101 - a member account
    if member.balance < cost_points:
        raise InsufficientPoints(
            f"Solde insuffisant : ce client a {max(member.balance, 0)} point"
            f"{'s' if max(member.balance, 0) > 1 else ''}, cette récompense en demande {cost_points}."
        )
    return _post(
        session,
        member=member,
        kind=TransactionKind.redeem,
        member_points=-cost_points,
        shop_sides=[(shop_id, cost_points)],
        shop_id=shop_id,
        actor_id=actor_id,
        channel=Channel.member_code,
        reason=reason,
        now=now,
        reward_id=reward_id,
    )


def reversible_until(transaction: LoyaltyTransaction) -> datetime | None:
    if transaction.kind not in (TransactionKind.earn, TransactionKind.redeem):
        return None
    return transaction.created_at + REVERSAL_WINDOW


def reversal_of(session: Session, transaction_id: uuid.UUID) -> LoyaltyTransaction | None:
    return session.scalars(
        select(LoyaltyTransaction).where(col(LoyaltyTransaction.reverses_id) == transaction_id)
    ).first()


def reverse(
    session: Session,
    *,
    original: LoyaltyTransaction,
    member: LoyaltyAccount,
    actor_id: uuid.UUID,
    reason: str,
    now: datetime,
) -> tuple[LoyaltyTransaction, bool]:
    """Undo an earn or a redemption within 14 days; True when it leaves the balance below zero.

    Reversing an earn whose points were spent is a refund the shop owes back: the balance may go negative,
    and the reason says so. Reversing a redemption gives the points back to the oldest lots.
    """
    until = reversible_until(original)
    if until is None:
        raise NotReversible("Seuls un gain ou une récompense peuvent être annulés ; une annulation, non.")
    if reversal_of(session, original.id) is not None:
        raise AlreadyReversed("Cette opération a déjà été annulée : rien n'a été changé.")
    if now > until:
        raise ReversalWindowClosed(
            "Une opération ne peut plus être annulée 14 jours après : adressez-vous à la mairie."
        )
    assert member.balance is not None and original.shop_id is not None  # noqa: S101 - earn or redeem
    lot_expires_at = expiry_of(original.created_at) if original.kind == TransactionKind.earn else None
    points = -original.points
    negative = member.balance + points < 0
    transaction = _post(
        session,
        member=member,
        kind=TransactionKind.reverse,
        member_points=points,
        shop_sides=[(original.shop_id, -points)],
        shop_id=original.shop_id,
        actor_id=actor_id,
        channel=Channel(original.channel) if original.channel != Channel.system else Channel.member_code,
        reason=reason,
        now=now,
        lot_expires_at=lot_expires_at,
        amount_cents=original.amount_cents,
        reward_id=original.reward_id,
        reverses_id=original.id,
    )
    return transaction, negative


def audit(session: Session, *, now: datetime) -> Audit:
    """Check every invariant of the ledger, each with one statement (one snapshot on either database)."""
    entry_sum = (
        select(func.coalesce(func.sum(_ENTRY.c.points), 0))
        .where(_ENTRY.c.account_id == _ACCOUNT.c.id)
        .scalar_subquery()
    )
    reversed_lots = (
        select(func.coalesce(func.sum(_ENTRY.c.points), 0))
        .where(_ENTRY.c.account_id == _ACCOUNT.c.id, _ENTRY.c.expires_at.is_not(None), _ENTRY.c.points < 0)
        .scalar_subquery()
    )
    members = _ACCOUNT.c.kind == AccountKind.member.value
    row = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((and_(members, _ACCOUNT.c.balance != entry_sum), 1), else_=0)), 0),
            func.coalesce(
                func.sum(
                    case(
                        (and_(members, _ACCOUNT.c.balance < 0, _ACCOUNT.c.balance < reversed_lots), 1),
                        else_=0,
                    )
                ),
                0,
            ),
            func.coalesce(
                func.sum(
                    case(
                        (and_(members, _ACCOUNT.c.balance < 0, _ACCOUNT.c.balance >= reversed_lots), 1),
                        else_=0,
                    )
                ),
                0,
            ),
            func.coalesce(func.sum(case((members, _ACCOUNT.c.balance), else_=0)), 0),
        ).select_from(_ACCOUNT)
    ).one()
    accounts, mismatched, negative, explained, outstanding = (int(value) for value in row)
    member_side = func.sum(case((_ACCOUNT.c.kind == AccountKind.member.value, _ENTRY.c.points), else_=0))
    per_transaction = (
        select(
            _TRANSACTION.c.id,
            func.count(_ENTRY.c.id).label("entries"),
            func.coalesce(func.sum(_ENTRY.c.points), 0).label("total"),
            func.coalesce(member_side, 0).label("member_side"),
            func.max(_TRANSACTION.c.points).label("points"),
        )
        .select_from(_TRANSACTION)
        .outerjoin(_ENTRY, _ENTRY.c.transaction_id == _TRANSACTION.c.id)
        .outerjoin(_ACCOUNT, _ACCOUNT.c.id == _ENTRY.c.account_id)
        .group_by(_TRANSACTION.c.id)
        .subquery()
    )
    transactions, unbalanced = session.execute(
        select(
            func.count(),
            func.coalesce(
                func.sum(
                    case(
                        (
                            (per_transaction.c.entries < 2)
                            | (per_transaction.c.total != 0)
                            | (per_transaction.c.member_side != per_transaction.c.points),
                            1,
                        ),
                        else_=0,
                    )
                ),
                0,
            ),
        ).select_from(per_transaction)
    ).one()
    reversals = (
        select(_TRANSACTION.c.reverses_id)
        .where(_TRANSACTION.c.reverses_id.is_not(None))
        .group_by(_TRANSACTION.c.reverses_id)
        .having(func.count() > 1)
        .subquery()
    )
    doubly = int(session.execute(select(func.count()).select_from(reversals)).scalar_one())
    entries = int(session.execute(select(func.count()).select_from(_ENTRY)).scalar_one())
    return Audit(
        accounts=accounts,
        transactions=int(transactions),
        entries=entries,
        mismatched_accounts=mismatched,
        negative_accounts=negative,
        unbalanced_transactions=int(unbalanced),
        explained_negative_accounts=explained,
        doubly_reversed_transactions=doubly,
        points_outstanding=outstanding,
        checked_at=now,
        healthy=not (mismatched or negative or unbalanced or doubly),
    )
