"""Jobs run on the ledger: expiring points, forgetting spent codes and keys, anonymising the inactive.

Each member is done in a transaction of their own (`session_for` opens one), so that a long run never holds a
lock on more than one account, and running a job again does nothing more.
"""

import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists
from sqlmodel import Session, col, select

from api import idempotency
from api.auth import service as auth_service
from api.auth.models import Login, Role, User, UserRole
from api.loyalty import ledger
from api.loyalty.models import LoyaltyAccount, LoyaltyCode, LoyaltyEntry, LoyaltyTransaction
from api.shops.models import Shop

INACTIVE_FOR = timedelta(days=3 * 365)
CODES_KEPT_FOR = timedelta(days=1)

SessionFactory = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True, slots=True)
class ExpiryRun:
    members: int
    points: int
    forgotten_codes: int
    forgotten_keys: int


def members_with_due_lots(*, session: Session, now: datetime) -> list[uuid.UUID]:
    """Accounts holding a lot past its date; most have nothing left of it, which the ledger sees."""
    return list(
        session.scalars(
            select(LoyaltyEntry.account_id)
            .where(col(LoyaltyEntry.expires_at).is_not(None), col(LoyaltyEntry.expires_at) <= now)
            .group_by(col(LoyaltyEntry.account_id))
        ).all()
    )


def expire_member(*, session: Session, account_id: uuid.UUID, now: datetime) -> int:
    account = session.get(LoyaltyAccount, account_id)
    if account is None or account.user_id is None:
        return 0
    member = ledger.member_account(session, account.user_id)
    transaction = ledger.expire_due(session, member=member, now=now)
    return -transaction.points if transaction is not None else 0


def forget_spent_codes(*, session: Session, now: datetime) -> int:
    """Codes past their date that gave no points: nothing refers to them any more."""
    used = exists().where(col(LoyaltyTransaction.code_id) == col(LoyaltyCode.id))
    result = session.execute(
        delete(LoyaltyCode).where(col(LoyaltyCode.expires_at) < now - CODES_KEPT_FOR, ~used)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def expire_all(*, session_for: SessionFactory, now: datetime) -> ExpiryRun:
    with session_for() as session:
        accounts = members_with_due_lots(session=session, now=now)
    members = points = 0
    for account_id in accounts:
        with session_for() as session:
            expired = expire_member(session=session, account_id=account_id, now=now)
            session.commit()
        if expired:
            members += 1
            points += expired
    with session_for() as session:
        codes = forget_spent_codes(session=session, now=now)
        keys = idempotency.forget_old_keys(session=session, now=now)
        session.commit()
    return ExpiryRun(members=members, points=points, forgotten_codes=codes, forgotten_keys=keys)


def inactive_users(*, session: Session, now: datetime) -> list[uuid.UUID]:
    """People not seen for three years (no sign-in, no points moved), who run no shop and are not staff."""
    limit = now - INACTIVE_FOR
    signed_in = exists().where(col(Login.user_id) == col(User.id), col(Login.created_at) >= limit)
    moved = exists().where(
        col(LoyaltyTransaction.user_id) == col(User.id), col(LoyaltyTransaction.created_at) >= limit
    )
    owns_shop = exists().where(col(Shop.owner_id) == col(User.id))
    staff = exists().where(
        col(UserRole.user_id) == col(User.id),
        col(UserRole.role).in_([Role.admin.value, Role.validator.value]),
    )
    return list(
        session.scalars(
            select(User.id).where(
                col(User.created_at) < limit,
                col(User.display_name) != auth_service.ANONYMOUS_NAME,
                ~signed_in,
                ~moved,
                ~owns_shop,
                ~staff,
            )
        ).all()
    )


def purge_inactive(*, session_for: SessionFactory, now: datetime) -> int:
    """Anonymise the inactive: the ledger keeps every sum, under an id that names no one."""
    with session_for() as session:
        users = inactive_users(session=session, now=now)
    for user_id in users:
        with session_for() as session:
            user = session.get(User, user_id)
            if user is None:
                continue
            auth_service.anonymise_user(session=session, user=user)
            session.execute(
                delete(idempotency.IdempotencyRecord).where(
                    col(idempotency.IdempotencyRecord.user_id) == user_id
                )
            )
            used = exists().where(col(LoyaltyTransaction.code_id) == col(LoyaltyCode.id))
            session.execute(delete(LoyaltyCode).where(col(LoyaltyCode.user_id) == user_id, ~used))
            session.commit()
    return len(users)
