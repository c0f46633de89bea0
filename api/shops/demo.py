"""The demo shops: fictitious shops on real downtown streets of Valence, the same ones for the same seed.

Shop ids are uuid5 of the seed, and every random choice comes from a `random.Random` seeded with it.
Writing them again updates the demo shops in place (their ids, owners and statuses stay) and removes those
a smaller plan no longer has.
"""

import math
import random
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, update
from sqlmodel import Session, col, select

from api.shops import demo_data
from api.shops.models import Shop, ShopClaim, ShopSource, ShopStatus

VERSION = 1
# Every demo identifier is a uuid5 in this namespace.
NAMESPACE = uuid.UUID("6f1c2a52-8f0e-4c4e-9a53-2d7f5f0c1e11")
DEFAULT_SEED = 42
DEFAULT_SHOPS = 160
DESCRIPTION_PREFIX = "Commerce fictif — données de démonstration générées."
UNKNOWN_HOURS_RATE = 0.07
ROUND_THE_CLOCK_TRADES = ("epicerie", "tabac-presse")
ROUND_THE_CLOCK_RATE = 0.12  # of those trades' shops
# The demo merchant's shops, by their place in the plan.
MERCHANT_SHOP_INDEXES = (0, 1)
SHOP_TABLE: Table = Shop.__table__  # type: ignore[attr-defined]
# The demo shop someone claims, by its place in the plan, and what they write to the city.
CLAIMED_SHOP_INDEX = 2
CLAIM_MESSAGE = (
    "Je tiens ce commerce depuis 2021 avec mon associé. Je peux envoyer un extrait Kbis à la mairie "
    "(SIRET 000 000 000 00000, fictif)."
)


@dataclass(frozen=True, slots=True)
class DemoShop:
    index: int
    id: uuid.UUID
    name: str
    category: str
    address: str
    lat: float
    lon: float
    description: str
    phone: str
    opening_hours: str | None
    # How much this shop stocks, relative to its trade's usual range (0.6 to 1.4).
    appetite: float


def spread(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights`, largest remainders first; deterministic."""
    whole = sum(weights)
    if not weights or whole <= 0:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    counts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _shop_id(seed: int, index: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"v{VERSION}:seed:{seed}:shop:{index}")


def _position(rng: random.Random, street: demo_data.Street, number: int) -> tuple[float, float]:
    """A point along the street, numbers in order, even numbers on one side and odd ones on the other."""
    t = min(1.0, max(0.0, (number - 0.5) / street.max_number + rng.uniform(-0.01, 0.01)))
    (lat0, lon0), (lat1, lon1) = street.start, street.end
    lat, lon = lat0 + (lat1 - lat0) * t, lon0 + (lon1 - lon0) * t
    # Perpendicular offset of about 6 m, in degrees scaled for the latitude.
    d_lat, d_lon = lat1 - lat0, (lon1 - lon0) * math.cos(math.radians(lat0))
    length = math.hypot(d_lat, d_lon) or 1.0
    side = 1 if number % 2 == 0 else -1
    offset = 0.000055 * side
    lat += -d_lon / length * offset
    lon += d_lat / length * offset / math.cos(math.radians(lat0))
    return round(lat, 6), round(lon, 6)


def _shop_name(rng: random.Random, trade: demo_data.Trade, street: demo_data.Street, taken: set[str]) -> str:
    for attempt in range(50):
        choice = rng.random()
        surname, first = rng.choice(demo_data.SURNAMES), rng.choice(demo_data.FIRST_NAMES)
        if choice < 0.45 and trade.names:
            of_first = f"d'{first}" if first[0] in "AEIOUÉÈHaeiouéè" else f"de {first}"
            name = rng.choice(trade.names).format(of_first=of_first, surname=surname, street=street.of_name)
        elif choice < 0.8:
            name = f"{rng.choice(trade.nouns)} {surname}"
        else:
            name = f"{rng.choice(trade.nouns)} {street.of_name}"
        if attempt > 20:
            name = f"{name} {first}"
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("could not name a demo shop")  # pragma: no cover - 50 tries among thousands of names


def _opening_hours(rng: random.Random, category: str, trade: demo_data.Trade) -> str | None:
    draw = rng.random()
    if draw < UNKNOWN_HOURS_RATE:
        return None
    if category in ROUND_THE_CLOCK_TRADES and draw < UNKNOWN_HOURS_RATE + ROUND_THE_CLOCK_RATE:
        return demo_data.ROUND_THE_CLOCK
    return rng.choice(demo_data.HOURS[trade.hours])


def demo_shops(seed: int = DEFAULT_SEED, count: int = DEFAULT_SHOPS) -> list[DemoShop]:
    """The demo shops for a seed: the same list every time."""
    rng = random.Random(f"valence-demo:v{VERSION}:{seed}")  # noqa: S311 - reproducible, not secret
    slugs = list(demo_data.TRADES)
    per_trade = spread(count, [demo_data.TRADES[s].weight for s in slugs])
    categories = [slug for slug, n in zip(slugs, per_trade, strict=True) for _ in range(n)]
    rng.shuffle(categories)

    street_weights = [s.weight for s in demo_data.STREETS]
    used_numbers: set[tuple[str, int]] = set()
    names: set[str] = set()
    rows: list[tuple[str, str, str, float, float, str, str | None]] = []
    for category in categories:
        trade = demo_data.TRADES[category]
        street = rng.choices(demo_data.STREETS, weights=street_weights)[0]
        number = rng.randint(1, street.max_number)
        for _ in range(street.max_number):
            if (street.name, number) not in used_numbers:
                break
            number = number % street.max_number + 1
        used_numbers.add((street.name, number))
        lat, lon = _position(rng, street, number)
        opening_hours = _opening_hours(rng, category, trade)
        rows.append(
            (
                _shop_name(rng, trade, street, names),
                category,
                f"{number} {street.name}, 26000 Valence",
                lat,
                lon,
                f"04 65 71 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}",
                opening_hours,
            )
        )
    appetites = [rng.uniform(0.6, 1.4) for _ in categories]
    return [
        DemoShop(
            index=index,
            id=_shop_id(seed, index),
            name=name,
            category=category,
            address=address,
            lat=lat,
            lon=lon,
            description=f"{DESCRIPTION_PREFIX} {demo_data.TRADES[category].blurb}",
            phone=phone,
            opening_hours=opening_hours,
            appetite=appetites[index],
        )
        for index, (name, category, address, lat, lon, phone, opening_hours) in enumerate(rows)
    ]


def is_loaded(session: Session, shops: list[DemoShop]) -> bool:
    """Whether the demo shops in the database are exactly these (by id, name and category)."""
    present = {
        (row[0], row[1], row[2])
        for row in session.exec(
            select(Shop.id, Shop.name, Shop.category).where(
                Shop.source == ShopSource.demo,
                # Kept for their history by a larger plan: not part of this one.
                ~(
                    (col(Shop.status) == ShopStatus.suspended)
                    & (func.coalesce(Shop.decision_reason, "") == KEPT_FOR_HISTORY)
                ),
            )
        ).all()
    }
    return present == {(s.id, s.name, s.category) for s in shops}


# Why a demo shop the plan no longer has is suspended rather than deleted: its history must stay.
KEPT_FOR_HISTORY = "Retiré de la démonstration ; gardé parce que des points y ont été gagnés ou utilisés."


def surplus_shops(session: Session, shops: list[DemoShop]) -> set[uuid.UUID]:
    """The demo shops in the database that this plan does not have."""
    wanted = {shop.id for shop in shops}
    return set(session.exec(select(Shop.id).where(Shop.source == ShopSource.demo)).all()) - wanted


def write_shops(
    session: Session, shops: list[DemoShop], now: datetime, *, keep: frozenset[uuid.UUID] = frozenset()
) -> None:
    """Insert the missing demo shops, update the others in place, delete those the plan no longer has.

    A surplus shop in `keep` (a ledger refers to it: history is never deleted) is suspended instead, and
    comes back active when a larger plan has it again.
    """
    present = set(session.exec(select(Shop.id).where(Shop.source == ShopSource.demo)).all())
    surplus = surplus_shops(session, shops)
    deleted = surplus - keep
    if deleted:
        session.execute(delete(SHOP_TABLE).where(SHOP_TABLE.c.id.in_(list(deleted))))
    if surplus & keep:
        session.execute(
            update(SHOP_TABLE)
            .where(
                SHOP_TABLE.c.id.in_(list(surplus & keep)), SHOP_TABLE.c.status != ShopStatus.suspended.value
            )
            .values(status=ShopStatus.suspended.value, decision_reason=KEPT_FOR_HISTORY, decided_at=now)
        )
    session.execute(
        update(SHOP_TABLE)
        .where(
            SHOP_TABLE.c.id.in_([shop.id for shop in shops]),
            SHOP_TABLE.c.status == ShopStatus.suspended.value,
            SHOP_TABLE.c.decision_reason == KEPT_FOR_HISTORY,
        )
        .values(status=ShopStatus.active.value, decision_reason=None, decided_at=now)
    )

    def values(shop: DemoShop) -> dict[str, Any]:
        return {
            "name": shop.name,
            "category": shop.category,
            "address": shop.address,
            "lat": shop.lat,
            "lon": shop.lon,
            "description": shop.description,
            "phone": shop.phone,
            "website": None,
            "opening_hours": shop.opening_hours,
            "updated_at": now,
        }

    fresh = [
        {
            "id": shop.id,
            **values(shop),
            "status": ShopStatus.active.value,
            "owner_id": None,
            "source": ShopSource.demo.value,
            "osm_id": None,
            "created_at": now,
        }
        for shop in shops
        if shop.id not in present
    ]
    if fresh:
        session.execute(insert(SHOP_TABLE), fresh)
    kept = [{"shop_id": shop.id, **values(shop)} for shop in shops if shop.id in present]
    if kept:
        statement = (
            update(SHOP_TABLE)
            .where(SHOP_TABLE.c.id == bindparam("shop_id"))
            .values({name: bindparam(name) for name in values(shops[0])})
        )
        session.execute(statement, kept)


def give_shops_to(session: Session, shops: list[DemoShop], merchant_id: uuid.UUID) -> list[str]:
    """The demo merchant's shops (unless someone else owns them by now): their names."""
    names = []
    for index in MERCHANT_SHOP_INDEXES:
        if index >= len(shops):
            continue
        shop = session.get(Shop, shops[index].id)
        if shop is None:
            continue
        if shop.owner_id is None:
            shop.owner_id = merchant_id
            session.add(shop)
        if shop.owner_id == merchant_id:
            names.append(shop.name)
    session.flush()
    return names


@dataclass(frozen=True, slots=True)
class DemoApplication:
    """A shop registered by a would-be merchant, waiting for the city: not part of the seeded plan."""

    id: uuid.UUID
    name: str
    category: str
    street: int  # index in demo_data.STREETS
    number: int
    opening_hours: str


APPLICATIONS = (
    DemoApplication(
        uuid.uuid5(NAMESPACE, f"v{VERSION}:application:0"),
        "Torréfaction Benali",
        "epicerie",
        0,
        37,
        "Tu-Sa 09:00-12:30,14:30-19:00; PH off",
    ),
    DemoApplication(
        uuid.uuid5(NAMESPACE, f"v{VERSION}:application:1"),
        "Atelier Vélo Benali",
        "reparation-velos",
        1,
        12,
        "Tu-Fr 10:00-18:30; Sa 09:00-17:00; PH off",
    ),
)


def _claim_id(seed: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"v{VERSION}:seed:{seed}:claim:0")


def add_pending_decisions(
    session: Session,
    shops: list[DemoShop],
    *,
    seed: int,
    applicant_id: uuid.UUID,
    claimant_id: uuid.UUID,
    now: datetime,
) -> None:
    """Something for the demo admin to decide: new shops and a claim, written once and then left to the city.

    A decision already taken (approved, refused) is kept on the next load, as people's own changes are.
    """
    rng = random.Random(f"valence-demo:v{VERSION}:applications")  # noqa: S311 - reproducible, not secret
    for application in APPLICATIONS:
        street = demo_data.STREETS[application.street]
        lat, lon = _position(rng, street, application.number)
        if session.get(Shop, application.id) is not None:
            continue
        session.add(
            Shop(
                id=application.id,
                name=application.name,
                category=application.category,
                address=f"{application.number} {street.name}, 26000 Valence",
                lat=lat,
                lon=lon,
                description=f"{DESCRIPTION_PREFIX} {demo_data.TRADES[application.category].blurb}",
                phone="04 65 71 00 42",
                opening_hours=application.opening_hours,
                status=ShopStatus.pending,
                owner_id=applicant_id,
                # Registered through the app, as a would-be merchant does.
                source=ShopSource.merchant,
                created_at=now,
                updated_at=now,
            )
        )
    if CLAIMED_SHOP_INDEX < len(shops) and session.get(ShopClaim, _claim_id(seed)) is None:
        claimed = session.get(Shop, shops[CLAIMED_SHOP_INDEX].id)
        if claimed is not None and claimed.owner_id is None:
            session.add(
                ShopClaim(
                    id=_claim_id(seed),
                    shop_id=claimed.id,
                    user_id=claimant_id,
                    message=CLAIM_MESSAGE,
                    created_at=now,
                )
            )
    session.flush()
