"""The demo catalogues: each demo shop's products and services, drawn from its trade's list.

Item ids count up from a prefix derived from the seed (so that bulk inserts append to the primary-key
index), and every random choice comes from a `random.Random` seeded with it. Items are written with
SQLAlchemy Core, a batch at a time; the search index is rebuilt afterwards by the caller.
"""

import random
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert
from sqlmodel import Session, col, select

from api.catalog import demo_data
from api.catalog.models import Item, ItemKind
from api.shops.demo import NAMESPACE, VERSION, DemoShop, spread
from api.shops.models import Shop, ShopSource

DEFAULT_ITEMS = 3200
BATCH_ROWS = 10_000
SQLITE_LOAD_CACHE_KIB = -262_144  # negative: KiB, so 256 MiB
OUT_OF_STOCK_RATE = 0.06
ITEM_TABLE: Table = Item.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class ItemTemplate:
    kind: ItemKind
    category: str
    name: str
    price_cents: int | None
    description: str | None
    always: bool


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


# --- how many items each shop gets ----------------------------------------------------------------------


def _spread_capped(total: int, weights: list[float], caps: list[int]) -> list[int]:
    """Like `spread`, no share above its cap while the caps hold the total; beyond, caps plus a share."""
    if total >= sum(caps):
        return [cap + extra for cap, extra in zip(caps, spread(total - sum(caps), weights), strict=True)]
    counts = [0] * len(weights)
    open_ = list(range(len(weights)))
    while True:
        remaining = total - sum(counts)
        shares = spread(remaining, [weights[i] for i in open_])
        full = [i for i, share in zip(open_, shares, strict=True) if counts[i] + share > caps[i]]
        if not full:
            for i, share in zip(open_, shares, strict=True):
                counts[i] += share
            return counts
        for i in full:
            counts[i] = caps[i]
        open_ = [i for i in open_ if i not in full]


def item_counts(shops: list[DemoShop], items: int) -> list[int]:
    """Each shop's share of the items: its appetite times the length of its trade's list, each list taken
    whole before any shop gets variants."""
    weights = [shop.appetite * len(TEMPLATES[shop.category]) for shop in shops]
    return _spread_capped(items, weights, [len(TEMPLATES[shop.category]) for shop in shops])


# --- the items ------------------------------------------------------------------------------------------


def _item_id_prefix(seed: int) -> int:
    """High half of every item id; the low half counts up, so a bulk insert appends to the primary key."""
    return uuid.uuid5(NAMESPACE, f"v{VERSION}:seed:{seed}:items").int >> 64


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


def demo_items(shops: list[DemoShop], counts: list[int], *, seed: int) -> Iterator[DemoItem]:
    """Every demo item, shop after shop, numbered from 0; the same items for the same seed."""
    serial = 0
    for shop, count in zip(shops, counts, strict=True):
        rng = random.Random(f"valence-demo:v{VERSION}:{seed}:items:{shop.index}")  # noqa: S311
        price_factor = rng.uniform(0.9, 1.15)
        templates = TEMPLATES[shop.category]
        chosen = _shop_templates(rng, templates, count)
        for position, template in enumerate(chosen):
            round_number = position // len(templates) if count > len(templates) else 0
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


# --- writing --------------------------------------------------------------------------------------------


def _demo_shop_ids() -> Any:
    return select(Shop.id).where(Shop.source == ShopSource.demo)


def demo_item_count(session: Session) -> int:
    return int(
        session.exec(
            select(func.count()).select_from(Item).where(col(Item.shop_id).in_(_demo_shop_ids()))
        ).one()
    )


def remove_items(session: Session) -> None:
    """Every item of the demo shops (they are written again whole)."""
    session.execute(delete(ITEM_TABLE).where(ITEM_TABLE.c.shop_id.in_(_demo_shop_ids())))


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


def write_items(
    session: Session,
    shops: list[DemoShop],
    counts: list[int],
    *,
    seed: int,
    now: datetime,
    on_progress: Callable[[int], None] | None,
) -> None:
    """Executemany of driver-ready rows: each column's bind conversion runs once per value that varies."""
    with _bulk_load_cache(session):
        _write_rows(
            session, demo_items(shops, counts, seed=seed), seed=seed, now=now, on_progress=on_progress
        )


def _write_rows(
    session: Session,
    items: Iterator[DemoItem],
    *,
    seed: int,
    now: datetime,
    on_progress: Callable[[int], None] | None,
) -> None:
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
