"""The counter flows (earn, claim, redeem, reverse), rewards, the city's settings, and what each person reads.

Every write that moves points asks the ledger; this module decides who may, with which code, how many points.
Locks are always taken in the same order: the code, then the member's account, then the reward.
"""

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from api.auth.tokens import Principal
from api.config import get_settings
from api.errors import Conflict, Forbidden, NotFound, ValidationFailed, field_error, invalid
from api.geo import bounding_box, distance_m, unit_vector
from api.loyalty import ledger
from api.loyalty.models import (
    DEFAULT_DAILY_CAP_POINTS,
    DEFAULT_POINTS_PER_EURO,
    Channel,
    ClaimCodePublic,
    ClaimResult,
    CodeKind,
    Expiring,
    HistoryLine,
    LoyaltyAccount,
    LoyaltyCode,
    LoyaltyReward,
    LoyaltyShopSettings,
    LoyaltyTransaction,
    MemberBalance,
    MemberCodePublic,
    NearbyReward,
    ReversalResult,
    RewardCreate,
    RewardPublic,
    RewardUpdate,
    ShopLoyaltyPublic,
    ShopRef,
    ShopSettingsIn,
    ShopSettingsPublic,
    TransactionKind,
    TransactionPublic,
)
from api.pagination import decode_cursor, encode_cursor, unreadable_cursor
from api.shops.hours import PARIS
from api.shops.models import Shop, ShopStatus

MEMBER_CODE_LIFETIME = timedelta(seconds=120)
CLAIM_CODE_LIFETIME = timedelta(minutes=10)
# No 0/O, 1/I/L: a code read aloud or typed from a screen is not mistaken. 31⁸ ≈ 8.5 × 10¹¹ codes.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
DEFAULT_RADIUS_M = 2_000
MAX_RADIUS_M = 20_000


class InvalidMemberCode(ValidationFailed):
    slug = "invalid-member-code"


class InvalidClaimCode(ValidationFailed):
    slug = "invalid-claim-code"


class SelfAward(ValidationFailed):
    slug = "self-award"


class ShopInactive(Conflict):
    slug = "shop-inactive"
    title = "Commerce inactif"


class RewardUnavailable(Conflict):
    slug = "reward-unavailable"
    title = "Récompense indisponible"


class DailyCapReached(Conflict):
    slug = "daily-cap-reached"
    title = "Plafond journalier atteint"


def euros(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d} €"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if abs(count) > 1 else ''}"


# --- codes --------------------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """As typed: any case, with spaces or dashes between groups."""
    return "".join(char for char in code.upper() if char not in " -\t")


def code_hash(kind: CodeKind, code: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"{kind.value}:{normalise_code(code)}".encode(), hashlib.sha256).hexdigest()


def issue_member_code(*, session: Session, principal: Principal, now: datetime) -> MemberCodePublic:
    code = new_code()
    expires_at = now + MEMBER_CODE_LIFETIME
    session.add(
        LoyaltyCode(
            kind=CodeKind.member.value,
            code_hash=code_hash(CodeKind.member, code),
            user_id=principal.user_id,
            expires_at=expires_at,
            created_at=now,
        )
    )
    session.flush()
    return MemberCodePublic(
        member_code=code, expires_at=expires_at, valid_seconds=int(MEMBER_CODE_LIFETIME.total_seconds())
    )


# The counter's statements are built once: building one costs about as much as running it.
_LOCKED_CODE = (
    select(LoyaltyCode)
    .where(col(LoyaltyCode.code_hash) == bindparam("code_hash"), col(LoyaltyCode.kind) == bindparam("kind"))
    .with_for_update()
)
_CODE_USED = (
    select(col(LoyaltyTransaction.id)).where(col(LoyaltyTransaction.code_id) == bindparam("code_id")).limit(1)
)


def _locked_code(session: Session, kind: CodeKind, code: str) -> LoyaltyCode | None:
    return session.scalars(_LOCKED_CODE, {"code_hash": code_hash(kind, code), "kind": kind.value}).first()


def _code_used(session: Session, code: LoyaltyCode) -> bool:
    return session.execute(_CODE_USED, {"code_id": code.id}).first() is not None


def _unknown_member_code() -> InvalidMemberCode:
    return InvalidMemberCode(
        "Code client inconnu ou expiré : demandez au client d'afficher son code à nouveau.",
        errors=[field_error("member_code", "Ce code client est inconnu ou a expiré (il vaut 2 minutes).")],
    )


def _used_member_code() -> InvalidMemberCode:
    return InvalidMemberCode(
        "Ce code client a déjà servi pour des points : le client doit afficher un nouveau code.",
        errors=[field_error("member_code", "Un code client ne donne des points qu'une fois.")],
    )


def _member_code(session: Session, member_code: str, *, now: datetime, for_earn: bool) -> LoyaltyCode:
    code = _locked_code(session, CodeKind.member, member_code)
    if code is None or code.expires_at <= now:
        raise _unknown_member_code()
    if for_earn and _code_used(session, code):
        raise _used_member_code()
    return code


# The member's code and account, both locked, in one statement (the code's row first, as everywhere).
_LOCKED_CODE_AND_ACCOUNT = (
    select(LoyaltyCode, LoyaltyAccount)
    .join(LoyaltyAccount, col(LoyaltyAccount.user_id) == col(LoyaltyCode.user_id))
    .where(col(LoyaltyCode.code_hash) == bindparam("code_hash"), col(LoyaltyCode.kind) == bindparam("kind"))
    .with_for_update()
    # Read again once locked, as `ledger.member_account` does: never a balance read before the lock.
    .execution_options(populate_existing=True)
)


def _member_at_counter(
    session: Session, member_code: str, *, now: datetime
) -> tuple[LoyaltyCode, LoyaltyAccount]:
    """The scanned member code (unknown or expired: refused) and its member's account, both locked."""
    params = {"code_hash": code_hash(CodeKind.member, member_code), "kind": CodeKind.member.value}
    row = session.execute(_LOCKED_CODE_AND_ACCOUNT, params).first()
    if row is None:  # an unknown code, or a member without an account yet (their first movement)
        code = _member_code(session, member_code, now=now, for_earn=False)
        return code, ledger.member_account(session, code.user_id)
    code, account = row
    if code.expires_at <= now:
        raise _unknown_member_code()
    return code, account


# --- shops and their settings --------------------------------------------------------------------


def settings_of(session: Session, shop_id: uuid.UUID) -> LoyaltyShopSettings | None:
    return session.get(LoyaltyShopSettings, shop_id)


def participates(shop: Shop, settings: LoyaltyShopSettings | None) -> bool:
    """Points are accepted where a merchant runs the counter of an active shop the city has not left out."""
    return (
        shop.status == ShopStatus.active
        and shop.owner_id is not None
        and (settings is None or settings.enabled)
    )


def counter_shop(session: Session, *, shop_id: uuid.UUID, principal: Principal) -> Shop:
    """The shop the merchant works the counter of: theirs, active, and taking part."""
    return _counter(session, shop_id=shop_id, principal=principal).shop


@dataclass(frozen=True, slots=True)
class _Counter:
    shop: Shop
    settings: LoyaltyShopSettings | None  # None: the defaults (a shop without any has no row to keep)
    account_id: uuid.UUID | None  # the shop's ledger account; None before its first movement


# The shop, the city's settings for it and its account in one statement: a counter's every earn reads them.
_COUNTER = (
    select(Shop, LoyaltyShopSettings, col(LoyaltyAccount.id))
    .outerjoin(LoyaltyShopSettings, col(LoyaltyShopSettings.shop_id) == col(Shop.id))
    .outerjoin(LoyaltyAccount, col(LoyaltyAccount.shop_id) == col(Shop.id))
    .where(col(Shop.id) == bindparam("shop_id"))
)


def _counter(session: Session, *, shop_id: uuid.UUID, principal: Principal) -> _Counter:
    """`counter_shop`, with the city's settings for it and the shop's account."""
    row = session.execute(_COUNTER, {"shop_id": shop_id}).first()
    shop = row[0] if row is not None else None
    if shop is None or (shop.status != ShopStatus.active and shop.owner_id != principal.user_id):
        raise invalid("shop_id", "Ce commerce est inconnu : choisissez l'un de vos commerces.")
    if shop.owner_id != principal.user_id:
        raise Forbidden("Seul le commerçant de ce commerce peut y donner ou reprendre des points.")
    if shop.status != ShopStatus.active:
        raise ShopInactive(
            "Ce commerce n'est pas actif (en attente, suspendu ou refusé) : il ne peut pas donner de points."
        )
    settings = row[1] if row is not None else None
    if settings is not None and not settings.enabled:
        raise ShopInactive(
            "La mairie a suspendu les points Cœur de Ville dans ce commerce : adressez-vous à elle."
        )
    return _Counter(shop=shop, settings=settings, account_id=row[2] if row is not None else None)


def _refuse_self(member_user_id: uuid.UUID, principal: Principal, shop: Shop, field: str) -> None:
    if member_user_id in (principal.user_id, shop.owner_id):
        raise SelfAward(
            "Un commerçant ne peut pas se donner de points, ni utiliser les siens dans son commerce.",
            errors=[field_error(field, "Ce code est le vôtre : il doit venir d'un client.")],
        )


_EARNED_SINCE = select(func.coalesce(func.sum(LoyaltyTransaction.points), 0)).where(
    col(LoyaltyTransaction.user_id) == bindparam("user_id"),
    col(LoyaltyTransaction.shop_id) == bindparam("shop_id"),
    col(LoyaltyTransaction.kind) == TransactionKind.earn.value,
    col(LoyaltyTransaction.created_at) >= bindparam("since"),
)


# What an earn checks once the member is locked, in one statement: whether the code gave points already, and
# what the member earned at the shop today (for the cap). After the lock, so that both see the last earn.
_EARN_CHECKS = select(
    select(col(LoyaltyTransaction.id))
    .where(col(LoyaltyTransaction.code_id) == bindparam("code_id"))
    .exists(),
    _EARNED_SINCE.scalar_subquery(),
)


def _day_start(now: datetime) -> datetime:
    return datetime.combine(now.astimezone(PARIS).date(), time(), tzinfo=PARIS)


def _earned_today(session: Session, *, user_id: uuid.UUID, shop_id: uuid.UUID, now: datetime) -> int:
    params = {"user_id": user_id, "shop_id": shop_id, "since": _day_start(now)}
    return int(session.execute(_EARNED_SINCE, params).scalar_one())


def points_for(session: Session, *, shop: Shop, amount_cents: int) -> int:
    return _points(settings_of(session, shop.id), amount_cents)


def _points(settings: LoyaltyShopSettings | None, amount_cents: int) -> int:
    rate = settings.points_per_euro if settings is not None else DEFAULT_POINTS_PER_EURO
    points = amount_cents // 100 * rate
    if points <= 0:
        raise invalid(
            "amount_cents", "Un achat de moins de 1 € ne donne pas de point.", summary="Montant trop faible."
        )
    return points


def _check_cap(
    session: Session,
    *,
    shop: Shop,
    settings: LoyaltyShopSettings | None,
    user_id: uuid.UUID,
    points: int,
    now: datetime,
    already: int | None = None,
) -> None:
    """Refuse points over the shop's daily cap; `already`: what the member earned there today, when read."""
    cap = settings.daily_cap_points if settings is not None else DEFAULT_DAILY_CAP_POINTS
    if already is None:
        already = _earned_today(session, user_id=user_id, shop_id=shop.id, now=now)
    if already + points > cap:
        left = max(cap - already, 0)
        raise DailyCapReached(
            f"Plafond du jour atteint : ce client peut encore recevoir {_plural(left, 'point')} aujourd'hui "
            f"dans ce commerce (plafond {cap})."
        )


# --- presenting transactions ---------------------------------------------------------------------


def _shop_refs(session: Session, shop_ids: set[uuid.UUID]) -> dict[uuid.UUID, ShopRef]:
    if not shop_ids:
        return {}
    rows = session.execute(select(col(Shop.id), Shop.name).where(col(Shop.id).in_(list(shop_ids)))).all()
    return {shop_id: ShopRef(id=shop_id, name=name) for shop_id, name in rows}


def present(
    transaction: LoyaltyTransaction,
    shops: dict[uuid.UUID, ShopRef],
    *,
    reversed_: bool = False,
    viewer_id: uuid.UUID | None = None,
) -> TransactionPublic:
    return TransactionPublic(
        transaction_id=transaction.id,
        kind=TransactionKind(transaction.kind),
        points=transaction.points,
        shop=shops.get(transaction.shop_id) if transaction.shop_id else None,
        reason=transaction.reason,
        amount_cents=transaction.amount_cents,
        reward_id=transaction.reward_id,
        reverses_id=transaction.reverses_id,
        created_at=transaction.created_at,
        expires_at=ledger.expiry_of(transaction.created_at)
        if transaction.kind == TransactionKind.earn
        else None,
        reversible_until=ledger.reversible_until(transaction),
        reversed=reversed_,
        made_by_you=viewer_id is None or transaction.actor_id == viewer_id,
    )


def _one(session: Session, transaction: LoyaltyTransaction, shop: Shop | None = None) -> TransactionPublic:
    if shop is not None and shop.id == transaction.shop_id:
        return present(transaction, {shop.id: ShopRef(id=shop.id, name=shop.name)})
    return present(transaction, _shop_refs(session, {transaction.shop_id} if transaction.shop_id else set()))


# --- the counter ---------------------------------------------------------------------------------


def award_points(
    *,
    session: Session,
    principal: Principal,
    shop_id: uuid.UUID,
    member_code: str,
    amount_cents: int,
    now: datetime,
) -> TransactionPublic:
    """The merchant scanned the member's code: points for a purchase."""
    counter = _counter(session, shop_id=shop_id, principal=principal)
    shop, settings = counter.shop, counter.settings
    code, member = _member_at_counter(session, member_code, now=now)
    _refuse_self(code.user_id, principal, shop, "member_code")
    points = _points(settings, amount_cents)
    checks = {"code_id": code.id, "user_id": code.user_id, "shop_id": shop.id, "since": _day_start(now)}
    used, already = session.execute(_EARN_CHECKS, checks).one()
    if used:
        raise _used_member_code()
    _check_cap(
        session, shop=shop, settings=settings, user_id=code.user_id, points=points, now=now, already=already
    )
    transaction = ledger.earn(
        session,
        member=member,
        shop_id=shop.id,
        shop_account_id=counter.account_id,
        points=points,
        actor_id=principal.user_id,
        channel=Channel.member_code,
        amount_cents=amount_cents,
        code_id=code.id,
        reason=f"Achat de {euros(amount_cents)} chez {shop.name}.",
        now=now,
    )
    return _one(session, transaction, shop)


def create_claim_code(
    *, session: Session, principal: Principal, shop_id: uuid.UUID, amount_cents: int, now: datetime
) -> ClaimCodePublic:
    """A one-time code the merchant shows; the shopper who scans or types it first gets the points."""
    counter = _counter(session, shop_id=shop_id, principal=principal)
    shop = counter.shop
    points = _points(counter.settings, amount_cents)
    code = new_code()
    expires_at = now + CLAIM_CODE_LIFETIME
    session.add(
        LoyaltyCode(
            kind=CodeKind.claim.value,
            code_hash=code_hash(CodeKind.claim, code),
            user_id=principal.user_id,
            shop_id=shop.id,
            amount_cents=amount_cents,
            expires_at=expires_at,
            created_at=now,
        )
    )
    session.flush()
    return ClaimCodePublic(
        code=code, expires_at=expires_at, points=points, amount_cents=amount_cents, shop_id=shop.id
    )


def claim_points(*, session: Session, principal: Principal, code: str, now: datetime) -> ClaimResult:
    """The shopper typed or scanned a merchant's claim code."""
    found = _locked_code(session, CodeKind.claim, code)
    if found is None or found.expires_at <= now or found.shop_id is None or found.amount_cents is None:
        raise InvalidClaimCode(
            "Code de caisse inconnu ou expiré (il vaut 10 minutes) : demandez au commerçant un nouveau code.",
            errors=[field_error("code", "Vérifiez les 8 caractères du code affiché à la caisse.")],
        )
    if _code_used(session, found):
        raise InvalidClaimCode(
            "Ce code de caisse a déjà été utilisé : il ne donne des points qu'une fois.",
            errors=[field_error("code", "Ce code a déjà servi.")],
        )
    shop = session.get(Shop, found.shop_id)
    assert shop is not None  # noqa: S101 - a foreign key
    if principal.user_id in (found.user_id, shop.owner_id):
        raise SelfAward(
            "Ce code a été fait dans votre commerce : il est pour un client, pas pour vous.",
            errors=[field_error("code", "Un commerçant ne peut pas se donner de points.")],
        )
    settings = settings_of(session, shop.id)
    if not participates(shop, settings):
        raise ShopInactive("Ce commerce ne donne plus de points Cœur de Ville pour le moment.")
    points = _points(settings, found.amount_cents)
    member = ledger.member_account(session, principal.user_id)
    _check_cap(session, shop=shop, settings=settings, user_id=principal.user_id, points=points, now=now)
    transaction = ledger.earn(
        session,
        member=member,
        shop_id=shop.id,
        points=points,
        actor_id=found.user_id,
        channel=Channel.claim_code,
        amount_cents=found.amount_cents,
        code_id=found.id,
        reason=f"Achat de {euros(found.amount_cents)} chez {shop.name} (code de caisse).",
        now=now,
    )
    assert member.balance is not None  # noqa: S101 - a member account
    return ClaimResult(**_one(session, transaction, shop).model_dump(), balance=member.balance)


def redeem_reward(
    *,
    session: Session,
    principal: Principal,
    shop_id: uuid.UUID,
    member_code: str,
    reward_id: uuid.UUID,
    now: datetime,
) -> TransactionPublic:
    """The merchant scanned the member's code and hands over a reward: its cost and one unit are taken."""
    shop = counter_shop(session, shop_id=shop_id, principal=principal)
    code = _member_code(session, member_code, now=now, for_earn=False)
    _refuse_self(code.user_id, principal, shop, "member_code")
    member = ledger.member_account(session, code.user_id)
    reward = session.scalars(
        select(LoyaltyReward).where(col(LoyaltyReward.id) == reward_id).with_for_update()
    ).first()
    if reward is None or reward.shop_id != shop.id:
        raise invalid(
            "reward_id", "Cette récompense n'est pas celle de ce commerce : choisissez-en une de la liste."
        )
    if not reward.active or reward.stock == 0:
        raise RewardUnavailable(
            f"La récompense « {reward.title} » n'est plus disponible (retirée ou épuisée)."
        )
    if reward.stock is not None:
        reward.stock -= 1
        reward.updated_at = now
        session.add(reward)
    transaction = ledger.redeem(
        session,
        member=member,
        shop_id=shop.id,
        cost_points=reward.cost_points,
        actor_id=principal.user_id,
        reward_id=reward.id,
        reason=f"Récompense « {reward.title} » chez {shop.name}.",
        now=now,
    )
    return _one(session, transaction, shop)


def reverse_transaction(
    *, session: Session, principal: Principal, transaction_id: uuid.UUID, now: datetime
) -> ReversalResult:
    """A refund at the counter: the merchant who made the transaction undoes it, within 14 days."""
    original = session.get(LoyaltyTransaction, transaction_id)
    if original is None or original.actor_id != principal.user_id:
        raise NotFound("Opération introuvable parmi celles que vous avez faites.")
    member = ledger.member_account(session, original.user_id)
    before = member.balance or 0
    when = original.created_at.astimezone(PARIS).strftime("%d/%m/%Y")
    if original.kind == TransactionKind.earn:
        reason = f"Annulation des points de l'achat du {when} (remboursement)."
        spent = max(0, original.points - max(before, 0))
        if spent:
            reason = (
                f"Annulation des points de l'achat du {when} (remboursement) : {_plural(spent, 'point')} "
                f"déjà utilisé{'s' if spent > 1 else ''}, le solde passe à {before - original.points}."
            )
    else:
        reason = f"Annulation de la récompense du {when} : {_plural(-original.points, 'point')} rendu" + (
            "s." if -original.points > 1 else "."
        )
    transaction, negative = ledger.reverse(
        session, original=original, member=member, actor_id=principal.user_id, reason=reason, now=now
    )
    if original.kind == TransactionKind.redeem and original.reward_id is not None:
        reward = session.scalars(
            select(LoyaltyReward).where(col(LoyaltyReward.id) == original.reward_id).with_for_update()
        ).one()
        if reward.stock is not None:
            reward.stock += 1
            reward.updated_at = now
            session.add(reward)
            session.flush()
    return ReversalResult(**_one(session, transaction).model_dump(), leaves_negative_balance=negative)


# --- what the member reads -----------------------------------------------------------------------


def member_balance(*, session: Session, user_id: uuid.UUID, now: datetime) -> MemberBalance:
    """The balance as it can be spent now (points past their date are already gone) and what expires soon."""
    account = ledger.find_member_account(session, user_id)
    if account is None or account.balance is None:
        return MemberBalance(balance=0, expiring=[], as_of=now)
    lots = ledger.remaining_lots(session, account.id)
    return MemberBalance(
        balance=account.balance - ledger.due_points(lots, now),
        expiring=[Expiring(points=points, expires_at=at) for points, at in ledger.expiring_soon(lots, now)],
        as_of=now,
    )


def _history_statement(user_id: uuid.UUID):  # type: ignore[no-untyped-def]
    return select(LoyaltyTransaction).where(col(LoyaltyTransaction.user_id) == user_id)


def _newest_first_page(
    session: Session,
    statement: Any,  # a select of transactions: SQLModel's select types do not compose
    *,
    cursor: str | None,
    limit: int,
    params: dict[str, object],
) -> tuple[list[LoyaltyTransaction], str | None]:
    position = decode_cursor(cursor, params)
    if position is not None:
        try:
            before_at, before_id = datetime.fromisoformat(position[0]), uuid.UUID(position[1])
        except (ValueError, IndexError, TypeError):
            raise unreadable_cursor() from None
        created = col(LoyaltyTransaction.created_at)
        statement = statement.where(
            (created < before_at) | ((created == before_at) & (col(LoyaltyTransaction.id) < before_id))
        )
    rows = list(
        session.scalars(
            statement.order_by(
                col(LoyaltyTransaction.created_at).desc(), col(LoyaltyTransaction.id).desc()
            ).limit(limit + 1)
        ).all()
    )
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor([rows[-1].created_at.isoformat(), str(rows[-1].id)], params)


def history(
    *, session: Session, user_id: uuid.UUID, cursor: str | None, limit: int
) -> tuple[list[HistoryLine], str | None]:
    rows, next_cursor = _newest_first_page(
        session, _history_statement(user_id), cursor=cursor, limit=limit, params={"history": str(user_id)}
    )
    shops = _shop_refs(session, {row.shop_id for row in rows if row.shop_id})
    lines = [
        HistoryLine(
            transaction_id=row.id,
            kind=TransactionKind(row.kind),
            points=row.points,
            shop=shops.get(row.shop_id) if row.shop_id else None,
            reason=row.reason,
            created_at=row.created_at,
            expires_at=ledger.expiry_of(row.created_at) if row.kind == TransactionKind.earn else None,
        )
        for row in rows
    ]
    return lines, next_cursor


def shop_transactions(
    *, session: Session, shop: Shop, viewer_id: uuid.UUID, day: date, cursor: str | None, limit: int
) -> tuple[list[TransactionPublic], str | None]:
    """A shop's movements of one day (Paris), newest first, each saying whether it was reversed."""
    start = datetime.combine(day, time(), tzinfo=PARIS)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=PARIS)
    statement = select(LoyaltyTransaction).where(
        col(LoyaltyTransaction.shop_id) == shop.id,
        col(LoyaltyTransaction.created_at) >= start,
        col(LoyaltyTransaction.created_at) < end,
    )
    rows, next_cursor = _newest_first_page(
        session, statement, cursor=cursor, limit=limit, params={"shop": str(shop.id), "day": day.isoformat()}
    )
    ids = [row.id for row in rows]
    reversed_ids = (
        set(
            session.scalars(
                select(LoyaltyTransaction.reverses_id).where(col(LoyaltyTransaction.reverses_id).in_(ids))
            ).all()
        )
        if ids
        else set()
    )
    shops = {shop.id: ShopRef(id=shop.id, name=shop.name)}
    return [
        present(row, shops, reversed_=row.id in reversed_ids, viewer_id=viewer_id) for row in rows
    ], next_cursor


# --- rewards -------------------------------------------------------------------------------------


def create_reward(*, session: Session, shop: Shop, data: RewardCreate, now: datetime) -> LoyaltyReward:
    reward = LoyaltyReward(
        shop_id=shop.id,
        title=data.title,
        description=data.description,
        cost_points=data.cost_points,
        stock=data.stock,
        created_at=now,
        updated_at=now,
    )
    session.add(reward)
    session.flush()
    return reward


def update_reward(
    *, session: Session, reward: LoyaltyReward, data: RewardUpdate, now: datetime
) -> LoyaltyReward:
    changes = data.model_dump(exclude_unset=True)
    for required in ("title", "cost_points", "active"):
        if required in changes and changes[required] is None:
            raise invalid(required, "Ce champ ne peut pas être vide.")
    for field, value in changes.items():
        setattr(reward, field, value.strip() if isinstance(value, str) else value)
    reward.updated_at = now
    session.add(reward)
    session.flush()
    return reward


def managed_reward(*, session: Session, reward_id: uuid.UUID, principal: Principal) -> LoyaltyReward:
    reward = session.get(LoyaltyReward, reward_id)
    shop = session.get(Shop, reward.shop_id) if reward is not None else None
    if reward is None or shop is None:
        raise NotFound("Récompense introuvable.")
    if shop.owner_id != principal.user_id:
        if shop.status != ShopStatus.active:
            raise NotFound("Récompense introuvable.")
        raise Forbidden("Seul le commerçant de ce commerce peut modifier ses récompenses.")
    return reward


def shop_rewards(*, session: Session, shop: Shop, include_withdrawn: bool) -> list[LoyaltyReward]:
    statement = select(LoyaltyReward).where(col(LoyaltyReward.shop_id) == shop.id)
    if not include_withdrawn:
        statement = statement.where(col(LoyaltyReward.active).is_(True))
    return list(
        session.scalars(statement.order_by(col(LoyaltyReward.cost_points), col(LoyaltyReward.id))).all()
    )


def shop_loyalty(*, session: Session, shop: Shop) -> ShopLoyaltyPublic:
    settings = settings_of(session, shop.id)
    taking_part = participates(shop, settings)
    rewards = shop_rewards(session=session, shop=shop, include_withdrawn=False) if taking_part else []
    return ShopLoyaltyPublic(
        participating=taking_part,
        points_per_euro=settings.points_per_euro if settings is not None else DEFAULT_POINTS_PER_EURO,
        rewards=[RewardPublic.model_validate(reward, from_attributes=True) for reward in rewards],
    )


@dataclass(frozen=True, slots=True)
class Origin:
    lat: float
    lon: float
    radius_m: float


def nearby_rewards(
    *, session: Session, origin: Origin | None, cursor: str | None, limit: int
) -> tuple[list[NearbyReward], str | None]:
    """Rewards on offer at participating shops, nearest first (the position is used, never kept)."""
    statement = (
        select(LoyaltyReward, Shop)
        .join(Shop, col(Shop.id) == col(LoyaltyReward.shop_id))
        .outerjoin(LoyaltyShopSettings, col(LoyaltyShopSettings.shop_id) == col(Shop.id))
        .where(
            col(LoyaltyReward.active).is_(True),
            (col(LoyaltyReward.stock).is_(None)) | (col(LoyaltyReward.stock) > 0),
            col(Shop.status) == ShopStatus.active.value,
            col(Shop.owner_id).is_not(None),
            (col(LoyaltyShopSettings.enabled).is_(None)) | (col(LoyaltyShopSettings.enabled).is_(True)),
        )
    )
    if origin is not None:
        box = bounding_box(origin.lat, origin.lon, origin.radius_m)
        statement = statement.where(
            col(Shop.lat) >= box["min_lat"],
            col(Shop.lat) <= box["max_lat"],
            col(Shop.lon) >= box["min_lon"],
            col(Shop.lon) <= box["max_lon"],
        )
    found: list[NearbyReward] = []
    centre = unit_vector(origin.lat, origin.lon) if origin is not None else None
    for reward, shop in session.execute(statement).all():
        distance = distance_m(centre, shop.lat, shop.lon) if centre is not None else None
        if origin is not None and distance is not None and distance > origin.radius_m:
            continue
        found.append(
            NearbyReward(
                **RewardPublic.model_validate(reward, from_attributes=True).model_dump(),
                shop=ShopRef(id=shop.id, name=shop.name),
                distance_m=round(distance, 1) if distance is not None else None,
            )
        )
    found.sort(key=lambda r: (r.distance_m or 0.0, r.shop.name, r.cost_points, str(r.id)))
    params = {"nearby": origin is not None}
    position = decode_cursor(cursor, params)
    start = 0
    if position is not None:
        if len(position) != 1 or not isinstance(position[0], int) or position[0] < 0:
            raise unreadable_cursor()
        start = position[0]
    page = found[start : start + limit]
    more = start + limit < len(found)
    return page, encode_cursor([start + limit], params) if more else None


# --- the city's settings -------------------------------------------------------------------------


def present_settings(shop_id: uuid.UUID, settings: LoyaltyShopSettings | None) -> ShopSettingsPublic:
    if settings is None:
        return ShopSettingsPublic(
            shop_id=shop_id,
            points_per_euro=DEFAULT_POINTS_PER_EURO,
            daily_cap_points=DEFAULT_DAILY_CAP_POINTS,
            enabled=True,
            updated_at=None,
        )
    return ShopSettingsPublic.model_validate(settings, from_attributes=True)


def update_settings(
    *, session: Session, shop: Shop, data: ShopSettingsIn, admin: Principal, now: datetime
) -> ShopSettingsPublic:
    settings = settings_of(session, shop.id) or LoyaltyShopSettings(shop_id=shop.id)
    for field, value in data.model_dump(exclude_unset=True).items():
        if value is None:
            raise invalid(field, "Ce champ ne peut pas être vide.")
        setattr(settings, field, value)
    settings.updated_at = now
    settings.updated_by = admin.user_id
    session.add(settings)
    session.flush()
    return present_settings(shop.id, settings)


def admin_shop(*, session: Session, shop_id: uuid.UUID) -> Shop:
    shop = session.get(Shop, shop_id)
    if shop is None:
        raise NotFound("Commerce introuvable.")
    return shop


def account_of(session: Session, user_id: uuid.UUID) -> LoyaltyAccount | None:
    return ledger.find_member_account(session, user_id)
