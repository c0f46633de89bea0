"""The Valence demo data set: fictitious shops on real downtown streets, their catalogues and demo accounts.

Everything follows from the seed: shop ids are uuid5 of the seed, item ids count up from a prefix derived from
it (so that bulk inserts append to the primary-key index), and every random choice comes from a
`random.Random` seeded with it. Loading again what is already there changes nothing; anything else replaces
the demo items and updates the demo shops in place (their ids, owners and statuses stay).
"""

import math
import random
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, update
from sqlmodel import Session, col, select

from api.auth import service as auth_service
from api.auth.models import RegisterIn, Role, RoleGrantIn, User
from api.catalog import demo_data
from api.catalog.models import Item, ItemKind
from api.config import get_settings
from api.db import utcnow
from api.shops.models import Shop, ShopSource, ShopStatus

VERSION = 1
DEFAULT_SEED = 42
DEFAULT_SHOPS = 160
DEFAULT_ITEMS = 3200
DESCRIPTION_PREFIX = "Commerce fictif — données de démonstration générées."
BATCH_ROWS = 10_000
SQLITE_LOAD_CACHE_KIB = -262_144  # negative: KiB, so 256 MiB
OUT_OF_STOCK_RATE = 0.06
UNKNOWN_HOURS_RATE = 0.07
ROUND_THE_CLOCK_TRADES = ("epicerie", "tabac-presse")
ROUND_THE_CLOCK_RATE = 0.12  # of those trades' shops
_NAMESPACE = uuid.UUID("6f1c2a52-8f0e-4c4e-9a53-2d7f5f0c1e11")
ITEM_TABLE: Table = Item.__table__  # type: ignore[attr-defined]
SHOP_TABLE: Table = Shop.__table__  # type: ignore[attr-defined]


class DemoRefused(Exception):
    """Demo data never goes into a production database."""


@dataclass(frozen=True, slots=True)
class ItemTemplate:
    kind: ItemKind
    category: str
    name: str
    price_cents: int | None
    description: str | None
    always: bool


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
    item_count: int


@dataclass(frozen=True, slots=True)
class DemoAccount:
    role: str
    email: str
    password: str
    created: bool


@dataclass(frozen=True, slots=True)
class DemoResult:
    seed: int
    shops: int
    items: int
    loaded: bool  # False when the same data was already there
    reindexed: bool
    accounts: list[DemoAccount]
    merchant_shops: list[str]


DEMO_ACCOUNTS: tuple[tuple[Role, str, str, str], ...] = (
    (Role.admin, "admin@demo.coeurdevalence.fr", "demo-admin-valence", "Admin démo"),
    (Role.merchant, "commercant@demo.coeurdevalence.fr", "demo-commercant-valence", "Commerçant démo"),
    (Role.shopper, "client@demo.coeurdevalence.fr", "demo-client-valence", "Client démo"),
)
MERCHANT_SHOP_INDEXES = (0, 1)


# --- the catalogue templates -------------------------------------------------------------------------


def _price_cents(text: str) -> int | None:
    text = text.strip()
    if text in ("—", "-", ""):
        return None
    euros, _, cents = text.replace(" ", "").partition(",")
    return int(euros) * 100 + int((cents or "0").ljust(2, "0"))


def _parse_catalogue(text: str) -> tuple[ItemTemplate, ...]:
    templates = []
    for line in text.strip().splitlines():
        kind, category, name, price, *rest = (part.strip() for part in line.split("|"))
        always = kind.startswith("*")
        templates.append(
            ItemTemplate(
                kind=ItemKind.service if kind.lstrip("*") == "S" else ItemKind.product,
                category=category,
                name=name,
                price_cents=_price_cents(price),
                description=rest[0] if rest else None,
                always=always,
            )
        )
    return tuple(templates)


TEMPLATES: dict[str, tuple[ItemTemplate, ...]] = {
    slug: _parse_catalogue(text) for slug, text in demo_data.CATALOGUE.items()
}


# --- shops ---------------------------------------------------------------------------------------------


def _spread(total: int, weights: list[float]) -> list[int]:
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


def _spread_capped(total: int, weights: list[float], caps: list[int]) -> list[int]:
    """Like `_spread`, no share above its cap while the caps hold the total; beyond, caps plus a share."""
    if total >= sum(caps):
        return [cap + extra for cap, extra in zip(caps, _spread(total - sum(caps), weights), strict=True)]
    counts = [0] * len(weights)
    open_ = list(range(len(weights)))
    while True:
        remaining = total - sum(counts)
        shares = _spread(remaining, [weights[i] for i in open_])
        full = [i for i, share in zip(open_, shares, strict=True) if counts[i] + share > caps[i]]
        if not full:
            for i, share in zip(open_, shares, strict=True):
                counts[i] += share
            return counts
        for i in full:
            counts[i] = caps[i]
        open_ = [i for i in open_ if i not in full]


def _shop_id(seed: int, index: int) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"v{VERSION}:seed:{seed}:shop:{index}")


def _item_id_prefix(seed: int) -> int:
    """High half of every item id; the low half counts up, so a bulk insert appends to the primary key."""
    return uuid.uuid5(_NAMESPACE, f"v{VERSION}:seed:{seed}:items").int >> 64


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


def demo_shops(
    seed: int = DEFAULT_SEED, count: int = DEFAULT_SHOPS, items: int = DEFAULT_ITEMS
) -> list[DemoShop]:
    """The demo shops for a seed, with how many items each gets: the same lists every time."""
    rng = random.Random(f"valence-demo:v{VERSION}:{seed}")  # noqa: S311 - reproducible, not secret
    slugs = list(demo_data.TRADES)
    per_trade = _spread(count, [demo_data.TRADES[s].weight for s in slugs])
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
        draw = rng.random()
        if draw < UNKNOWN_HOURS_RATE:
            opening_hours = None
        elif category in ROUND_THE_CLOCK_TRADES and draw < UNKNOWN_HOURS_RATE + ROUND_THE_CLOCK_RATE:
            opening_hours = demo_data.ROUND_THE_CLOCK
        else:
            opening_hours = rng.choice(demo_data.HOURS[trade.hours])
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

    # Each shop's share of the items: a random appetite times the length of its trade's list.
    weights = [rng.uniform(0.6, 1.4) * len(TEMPLATES[category]) for category in categories]
    item_counts = _spread_capped(items, weights, [len(TEMPLATES[c]) for c in categories])
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
            item_count=item_counts[index],
        )
        for index, (name, category, address, lat, lon, phone, opening_hours) in enumerate(rows)
    ]


# --- items ---------------------------------------------------------------------------------------------


def _round_price(cents: float) -> int:
    if cents < 1000:
        step = 5
    elif cents < 10_000:
        step = 10
    else:
        step = 100
    return max(step, int(round(cents / step)) * step)


def _variant_name(template: ItemTemplate, round_number: int) -> str:
    if round_number == 0:
        return template.name
    variants = demo_data.SERVICE_VARIANTS if template.kind == ItemKind.service else demo_data.PRODUCT_VARIANTS
    variant = variants[(round_number - 1) % len(variants)]
    lap = (round_number - 1) // len(variants)
    name = f"{template.name} — {variant}" + (f" n° {lap + 1}" if lap else "")
    return name[:120]


def _shop_templates(
    rng: random.Random, templates: tuple[ItemTemplate, ...], count: int
) -> list[ItemTemplate]:
    """The templates a shop carries: its trade's essentials, then a random pick, then variants."""
    if count <= len(templates):
        always = [t for t in templates if t.always]
        others = [t for t in templates if not t.always]
        return (always + rng.sample(others, max(0, count - len(always))))[:count]
    return [templates[i % len(templates)] for i in range(count)]


@dataclass(frozen=True, slots=True)
class DemoItem:
    shop: DemoShop
    serial: int
    kind: str
    name: str
    description: str | None
    category: str
    price_cents: int | None
    in_stock: bool


def demo_items(shops: list[DemoShop], *, seed: int) -> Iterator[DemoItem]:
    """Every demo item, shop after shop, numbered from 0; the same items for the same seed."""
    serial = 0
    for shop in shops:
        rng = random.Random(f"valence-demo:v{VERSION}:{seed}:items:{shop.index}")  # noqa: S311
        price_factor = rng.uniform(0.9, 1.15)
        templates = TEMPLATES[shop.category]
        chosen = _shop_templates(rng, templates, shop.item_count)
        for position, template in enumerate(chosen):
            round_number = position // len(templates) if shop.item_count > len(templates) else 0
            price = template.price_cents
            if price:
                jitter = rng.uniform(0.95, 1.2) if round_number else 1.0
                price = _round_price(price * price_factor * jitter)
            yield DemoItem(
                shop=shop,
                serial=serial,
                kind=template.kind.value,
                name=_variant_name(template, round_number),
                description=template.description,
                category=template.category,
                price_cents=price,
                in_stock=template.kind == ItemKind.service or rng.random() >= OUT_OF_STOCK_RATE,
            )
            serial += 1


# --- accounts ------------------------------------------------------------------------------------------


def ensure_demo_accounts(*, session: Session) -> tuple[list[DemoAccount], uuid.UUID]:
    """The demo accounts (created when missing, left alone otherwise) and the merchant's id."""
    accounts: list[DemoAccount] = []
    merchant_id: uuid.UUID | None = None
    for role, email, password, display_name in DEMO_ACCOUNTS:
        user = session.exec(select(User).where(User.email == email)).first()
        created = user is None
        if user is None:
            user = auth_service.register(
                session=session, data=RegisterIn(email=email, password=password, display_name=display_name)
            )
        if role != Role.shopper:
            roles, _service = auth_service.user_roles(session=session, user_id=user.id)
            if role.value not in roles:
                auth_service.grant_role(
                    session=session, user_id=user.id, grant=RoleGrantIn(role=role), granted_by=user.id
                )
        if role == Role.merchant:
            merchant_id = user.id
        accounts.append(DemoAccount(role=role.value, email=email, password=password, created=created))
    if merchant_id is None:
        raise RuntimeError("DEMO_ACCOUNTS lists no merchant")
    return accounts, merchant_id


# --- loading -------------------------------------------------------------------------------------------


def _already_loaded(session: Session, shops: list[DemoShop], items: int) -> bool:
    present = {
        (row[0], row[1], row[2])
        for row in session.exec(
            select(Shop.id, Shop.name, Shop.category).where(Shop.source == ShopSource.demo)
        ).all()
    }
    if present != {(s.id, s.name, s.category) for s in shops}:
        return False
    demo_ids = select(Shop.id).where(Shop.source == ShopSource.demo)
    item_count = session.exec(
        select(func.count()).select_from(Item).where(col(Item.shop_id).in_(demo_ids))
    ).one()
    return int(item_count) == items


def _indexed(session: Session, shops: list[DemoShop]) -> bool:
    """Whether the search index knows every demo shop (it may predate the index, or have been emptied)."""
    from api.catalog.search.models import search_shop

    ids = [shop.id for shop in shops]
    known = session.execute(
        select(func.count()).select_from(search_shop).where(search_shop.c.shop_id.in_(ids))
    ).scalar_one()
    return int(known) == len(ids)


def _write_shops(session: Session, shops: list[DemoShop], now: datetime) -> None:
    demo_ids = select(Shop.id).where(Shop.source == ShopSource.demo)
    session.execute(delete(ITEM_TABLE).where(ITEM_TABLE.c.shop_id.in_(demo_ids)))
    wanted = {shop.id for shop in shops}
    present = set(session.exec(select(Shop.id).where(Shop.source == ShopSource.demo)).all())
    surplus = present - wanted
    if surplus:
        session.execute(delete(SHOP_TABLE).where(SHOP_TABLE.c.id.in_(list(surplus))))

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


_ITEM_COLUMNS = (
    "id",
    "shop_id",
    "kind",
    "name",
    "description",
    "category",
    "price_cents",
    "in_stock",
    "external_ref",
    "created_at",
    "updated_at",
)


def _same(value: Any) -> Any:
    return value


def _write_items(
    session: Session,
    items: Iterator[DemoItem],
    *,
    seed: int,
    now: datetime,
    on_progress: Callable[[int], None] | None,
) -> None:
    """Executemany of driver-ready rows: each column's bind conversion runs once per value that varies."""
    conn = session.connection()
    dialect = conn.dialect
    convert = {
        name: ITEM_TABLE.c[name].type.dialect_impl(dialect).bind_processor(dialect) or _same
        for name in _ITEM_COLUMNS
    }
    compiled = (
        insert(ITEM_TABLE).values({name: bindparam(name) for name in _ITEM_COLUMNS}).compile(dialect=dialect)
    )
    positions = compiled.positiontup if compiled.positional else None
    prefix = _item_id_prefix(seed) << 64
    to_id, stamp = convert["id"], convert["created_at"](now)
    stock = {True: convert["in_stock"](True), False: convert["in_stock"](False)}
    shop_ids: dict[uuid.UUID, Any] = {}
    batch: list[Any] = []

    def send() -> None:
        conn.exec_driver_sql(compiled.string, batch)
        if on_progress is not None:
            on_progress(len(batch))
        batch.clear()

    for item in items:
        shop_id = shop_ids.get(item.shop.id)
        if shop_id is None:
            shop_id = shop_ids[item.shop.id] = convert["shop_id"](item.shop.id)
        row = (
            to_id(uuid.UUID(int=prefix | item.serial, version=4)),
            shop_id,
            item.kind,
            item.name,
            item.description,
            item.category,
            item.price_cents,
            stock[item.in_stock],
            None,
            stamp,
            stamp,
        )
        if positions is None:
            batch.append(dict(zip(_ITEM_COLUMNS, row, strict=True)))
        elif positions == list(_ITEM_COLUMNS):
            batch.append(row)
        else:
            by_name = dict(zip(_ITEM_COLUMNS, row, strict=True))
            batch.append(tuple(by_name[name] for name in positions))
        if len(batch) >= BATCH_ROWS:
            send()
    if batch:
        send()


@contextmanager
def _bulk_load_cache(session: Session) -> Iterator[None]:
    """A larger SQLite page cache while loading: the item indexes then stay in memory."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    previous = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = {SQLITE_LOAD_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(previous or -2000)}")


def _give_shops_to_merchant(session: Session, shops: list[DemoShop], merchant_id: uuid.UUID) -> list[str]:
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


def load_demo(
    *,
    session: Session,
    seed: int = DEFAULT_SEED,
    shops: int = DEFAULT_SHOPS,
    items: int = DEFAULT_ITEMS,
    on_progress: Callable[[int], None] | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> DemoResult:
    """Load (or find already loaded) the demo data; flushes, the caller commits.

    `on_progress` hears how many more items were written, `on_stage` when the search index is rebuilt.
    """
    from api.catalog.search import rebuild_index

    if get_settings().is_production:
        raise DemoRefused("demo data is never loaded in production")
    if shops < 0 or items < 0:
        raise ValueError("the number of shops and of items cannot be negative")
    if items and not shops:
        raise ValueError("items need at least one shop")
    plan = demo_shops(seed, shops, items)
    loaded = not _already_loaded(session, plan, items)
    if loaded:
        now = utcnow()
        _write_shops(session, plan, now)
        with _bulk_load_cache(session):
            _write_items(session, demo_items(plan, seed=seed), seed=seed, now=now, on_progress=on_progress)
    accounts, merchant_id = ensure_demo_accounts(session=session)
    merchant_shops = _give_shops_to_merchant(session, plan, merchant_id)
    reindexed = loaded or not _indexed(session, plan)
    if reindexed:
        if on_stage is not None:
            on_stage("Rebuilding the search index")
        rebuild_index(session)
    return DemoResult(
        seed=seed,
        shops=shops,
        items=items,
        loaded=loaded,
        reindexed=reindexed,
        accounts=accounts,
        merchant_shops=merchant_shops,
    )
