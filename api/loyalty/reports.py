"""What the city and merchants read from the ledger: statements, weekly figures, unusual activity, exports."""

import csv
import hashlib
import hmac
import io
import uuid
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from api.config import get_settings
from api.errors import invalid
from api.loyalty import service
from api.loyalty.models import (
    DEFAULT_DAILY_CAP_POINTS,
    AccountKind,
    LoyaltyAccount,
    LoyaltyEntry,
    LoyaltyShopSettings,
    LoyaltyTransaction,
    ShopRef,
    Statement,
    StatementLine,
    TransactionKind,
    UnusualActivity,
    WeekFigures,
)
from api.shops.hours import PARIS
from api.shops.models import Shop

MANY_EARNS_A_DAY = 5
NEAR_CAP_SHARE = 0.9


def month_bounds(month: str) -> tuple[datetime, datetime]:
    try:
        year, number = (int(part) for part in month.split("-"))
        first = date(year, number, 1)
    except ValueError:
        raise invalid("month", "Indiquez un mois sous la forme AAAA-MM, par exemple « 2026-11 ».") from None
    following = date(year + (number == 12), number % 12 + 1, 1)
    return datetime.combine(first, time(), tzinfo=PARIS), datetime.combine(following, time(), tzinfo=PARIS)


def statement(*, session: Session, month: str) -> Statement:
    """Per shop, what it issued, what was redeemed at it, the reversals and the expiries of one month."""
    starts_at, ends_at = month_bounds(month)
    rows = session.execute(
        select(
            col(LoyaltyAccount.shop_id),
            col(LoyaltyTransaction.kind),
            func.sum(case((col(LoyaltyEntry.points) > 0, col(LoyaltyEntry.points)), else_=0)),
            func.sum(case((col(LoyaltyEntry.points) < 0, col(LoyaltyEntry.points)), else_=0)),
        )
        .select_from(LoyaltyEntry)
        .join(LoyaltyAccount, col(LoyaltyAccount.id) == col(LoyaltyEntry.account_id))
        .join(LoyaltyTransaction, col(LoyaltyTransaction.id) == col(LoyaltyEntry.transaction_id))
        .where(
            col(LoyaltyAccount.kind) == AccountKind.shop.value,
            col(LoyaltyEntry.created_at) >= starts_at,
            col(LoyaltyEntry.created_at) < ends_at,
        )
        .group_by(col(LoyaltyAccount.shop_id), col(LoyaltyTransaction.kind))
    ).all()
    figures: dict[uuid.UUID, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for shop_id, kind, credits, debits in rows:
        line = figures[shop_id]
        credits, debits = int(credits or 0), int(debits or 0)
        # A shop's side is the opposite of the member's: an earn is negative there.
        if kind == TransactionKind.earn:
            line["issued"] += -debits
        elif kind == TransactionKind.redeem:
            line["redeemed"] += credits
        elif kind == TransactionKind.expire:
            line["expired"] += credits
        else:  # reversals: of a redemption (the shop gives points back), of an earn (it takes them back)
            line["reversed_redeemed"] += -debits
            line["reversed_issued"] += credits
    names = (
        dict(session.execute(select(col(Shop.id), Shop.name).where(col(Shop.id).in_(list(figures)))).all())
        if figures
        else {}
    )
    lines = [
        _line(ShopRef(id=shop_id, name=names.get(shop_id, "?")), values)
        for shop_id, values in figures.items()
    ]
    lines.sort(key=lambda line: (line.shop.name, str(line.shop.id)))
    totals = None
    if lines:
        summed: dict[str, int] = defaultdict(int)
        for shop_line in lines:
            for field in ("issued", "redeemed", "reversed_issued", "reversed_redeemed", "expired"):
                summed[field] += getattr(shop_line, field)
        totals = _line(ShopRef(id=uuid.UUID(int=0), name="Total"), summed)
    return Statement(month=month, starts_at=starts_at, ends_at=ends_at, results=lines, totals=totals)


def _line(shop: ShopRef, values: dict[str, int]) -> StatementLine:
    issued, redeemed = values.get("issued", 0), values.get("redeemed", 0)
    reversed_issued, reversed_redeemed = values.get("reversed_issued", 0), values.get("reversed_redeemed", 0)
    expired = values.get("expired", 0)
    return StatementLine(
        shop=shop,
        issued=issued,
        redeemed=redeemed,
        reversed_issued=reversed_issued,
        reversed_redeemed=reversed_redeemed,
        expired=expired,
        net=issued - reversed_issued - expired - redeemed + reversed_redeemed,
    )


CSV_HEADER = (
    "commerce",
    "identifiant",
    "points_emis",
    "points_utilises",
    "annulations_emis",
    "annulations_utilises",
    "points_expires",
    "solde_du_mois",
)


def statement_csv(result: Statement) -> str:
    """The statement as a spreadsheet opens it (semicolons, as French Excel expects)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for line in [*result.results, *([result.totals] if result.totals else [])]:
        writer.writerow(
            [
                line.shop.name,
                "" if line.shop.id.int == 0 else str(line.shop.id),
                line.issued,
                line.redeemed,
                line.reversed_issued,
                line.reversed_redeemed,
                line.expired,
                line.net,
            ]
        )
    return out.getvalue()


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly(*, session: Session, shop: Shop, weeks: int, now: datetime) -> list[WeekFigures]:
    """Points issued and redeemed at the shop per week (Monday to Sunday, Paris), oldest first."""
    this_monday = monday_of(now.astimezone(PARIS).date())
    first = this_monday - timedelta(weeks=weeks - 1)
    since = datetime.combine(first, time(), tzinfo=PARIS)
    rows = session.execute(
        select(
            col(LoyaltyTransaction.kind), col(LoyaltyTransaction.points), col(LoyaltyTransaction.created_at)
        ).where(
            col(LoyaltyTransaction.shop_id) == shop.id,
            col(LoyaltyTransaction.created_at) >= since,
            col(LoyaltyTransaction.kind).in_([TransactionKind.earn.value, TransactionKind.redeem.value]),
        )
    ).all()
    issued: dict[date, int] = defaultdict(int)
    redeemed: dict[date, int] = defaultdict(int)
    for kind, points, created_at in rows:
        week = monday_of(created_at.astimezone(PARIS).date())
        if kind == TransactionKind.earn:
            issued[week] += points
        else:
            redeemed[week] += -points
    return [
        WeekFigures(week_start=week, issued=issued[week], redeemed=redeemed[week])
        for week in (first + timedelta(weeks=n) for n in range(weeks))
    ]


def member_ref(user_id: uuid.UUID) -> str:
    """A stable pseudonym for a member in the city's reports: enough to follow a pattern, not a name."""
    key = get_settings().secret_key.encode()
    return "M-" + hmac.new(key, b"member-ref:" + user_id.bytes, hashlib.sha256).hexdigest()[:8].upper()


def unusual_activity(*, session: Session, days: int, now: datetime) -> list[UnusualActivity]:
    """Patterns worth a look: many earns a day for one member at one shop, daily totals just under the cap."""
    since = now - timedelta(days=days)
    rows = session.execute(
        select(
            col(LoyaltyTransaction.user_id),
            col(LoyaltyTransaction.shop_id),
            col(LoyaltyTransaction.points),
            col(LoyaltyTransaction.created_at),
        ).where(
            col(LoyaltyTransaction.kind) == TransactionKind.earn.value,
            col(LoyaltyTransaction.created_at) >= since,
        )
    ).all()
    per_day: dict[tuple[uuid.UUID, uuid.UUID, date], list[int]] = defaultdict(list)
    for user_id, shop_id, points, created_at in rows:
        per_day[(user_id, shop_id, created_at.astimezone(PARIS).date())].append(points)
    shop_ids = {shop_id for _, shop_id, _ in per_day}
    caps = (
        dict(
            session.execute(
                select(col(LoyaltyShopSettings.shop_id), LoyaltyShopSettings.daily_cap_points).where(
                    col(LoyaltyShopSettings.shop_id).in_(list(shop_ids))
                )
            ).all()
        )
        if shop_ids
        else {}
    )
    names = (
        dict(session.execute(select(col(Shop.id), Shop.name).where(col(Shop.id).in_(list(shop_ids)))).all())
        if shop_ids
        else {}
    )
    found: list[UnusualActivity] = []
    for (user_id, shop_id, day), earns in per_day.items():
        shop = ShopRef(id=shop_id, name=names.get(shop_id, "?"))
        total, cap = sum(earns), caps.get(shop_id, DEFAULT_DAILY_CAP_POINTS)
        common: dict[str, Any] = {
            "shop": shop,
            "member_ref": member_ref(user_id),
            "day": day,
            "earns": len(earns),
            "points": total,
        }
        if len(earns) > MANY_EARNS_A_DAY:
            found.append(
                UnusualActivity(
                    kind="many-earns",
                    description=f"{len(earns)} gains le même jour pour un même client dans ce commerce.",
                    **common,
                )
            )
        if total >= NEAR_CAP_SHARE * cap:
            found.append(
                UnusualActivity(
                    kind="near-cap",
                    description=f"{total} points dans la journée, pour un plafond de {cap}.",
                    **common,
                )
            )
    found.sort(key=lambda item: (item.day, item.shop.name, item.kind), reverse=True)
    return found


def export(*, session: Session, user_id: uuid.UUID, now: datetime) -> dict[str, Any]:
    """Everything the ledger holds about a member, as they may download it (RGPD, article 20)."""
    balance = service.member_balance(session=session, user_id=user_id, now=now)
    lines = []
    cursor = None
    while True:
        page, cursor = service.history(session=session, user_id=user_id, cursor=cursor, limit=100)
        lines += [line.model_dump(mode="json") for line in page]
        if cursor is None:
            break
    return {
        "exported_at": now.isoformat(),
        "programme": "Points Cœur de Ville — Ville de Valence",
        "balance": balance.balance,
        "expiring": [item.model_dump(mode="json") for item in balance.expiring],
        "transactions": lines,
        "what_we_keep": (
            "Chaque mouvement de points : quand, où, pourquoi et qui l'a fait. Aucune position, aucun achat "
            "détaillé : seulement le montant total saisi à la caisse."
        ),
    }
