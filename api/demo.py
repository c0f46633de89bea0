"""The Valence demo data set, composed from each domain's own: accounts, shops, their catalogues, the search
index, then loyalty (rewards, a shopper's history), then the student card (a student, validators). A new
domain adds its demo here, after those it builds on.

Everything follows from the seed. Loading again what is already there changes nothing; anything else
replaces the demo items and updates the demo shops in place.
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from api import search
from api.auth import demo as accounts_demo
from api.auth.models import Role
from api.catalog import demo as catalog_demo
from api.config import get_settings
from api.db import utcnow
from api.loyalty import demo as loyalty_demo
from api.shops import demo as shops_demo
from api.student_card import demo as student_card_demo

DEFAULT_SEED = shops_demo.DEFAULT_SEED
DEFAULT_SHOPS = shops_demo.DEFAULT_SHOPS
DEFAULT_ITEMS = catalog_demo.DEFAULT_ITEMS


class DemoRefused(Exception):
    """Demo data never goes into a production database."""


@dataclass(frozen=True, slots=True)
class DemoResult:
    seed: int
    shops: int
    items: int
    loaded: bool  # False when the same data was already there
    reindexed: bool
    accounts: list[accounts_demo.DemoAccount]
    merchant_shops: list[str]
    loyalty_transactions: int  # written by this load (0 when the history was there)


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
    if get_settings().is_production:
        raise DemoRefused("demo data is never loaded in production")
    if shops < 0 or items < 0:
        raise ValueError("the number of shops and of items cannot be negative")
    if items and not shops:
        raise ValueError("items need at least one shop")
    plan = shops_demo.demo_shops(seed, shops)
    counts = catalog_demo.item_counts(plan, items)
    loaded = not (shops_demo.is_loaded(session, plan) and catalog_demo.demo_item_count(session) == items)
    if loaded:
        now = utcnow()
        catalog_demo.remove_items(session)
        # The ledger is append-only: a shop it refers to is suspended, never deleted.
        surplus = shops_demo.surplus_shops(session, plan)
        keep = loyalty_demo.shops_with_history(session, surplus)
        loyalty_demo.forget_shops(session, surplus - keep)
        shops_demo.write_shops(session, plan, now, keep=keep)
        catalog_demo.write_items(session, plan, counts, seed=seed, now=now, on_progress=on_progress)
    accounts = accounts_demo.ensure_demo_accounts(session=session)
    merchant = accounts_demo.account_of(accounts, Role.merchant)
    merchant_shops = shops_demo.give_shops_to(session, plan, merchant.user_id)
    shops_demo.add_pending_decisions(
        session,
        plan,
        seed=seed,
        applicant_id=accounts_demo.account_by_email(accounts, accounts_demo.APPLICANT_EMAIL).user_id,
        claimant_id=accounts_demo.account_by_email(accounts, accounts_demo.CLAIMANT_EMAIL).user_id,
        now=utcnow(),
    )
    shopper = accounts_demo.account_of(accounts, Role.shopper)
    loyalty_shops = [shop.id for shop in plan[: len(loyalty_demo.REWARDS) + 2]]
    loyalty_demo.ensure_rewards(
        session=session, shop_ids=loyalty_shops[: len(loyalty_demo.REWARDS)], now=utcnow()
    )
    loyalty_transactions = loyalty_demo.write_history(
        session=session,
        shopper_id=shopper.user_id,
        merchant_id=merchant.user_id,
        shop_ids=loyalty_shops,
        now=utcnow(),
    )
    admin = accounts_demo.account_of(accounts, Role.admin)
    accounts += student_card_demo.ensure_demo_card(session=session, issued_by=admin.user_id, now=utcnow())
    reindexed = loaded or not search.indexes_every(session, [shop.id for shop in plan])
    if reindexed:
        if on_stage is not None:
            on_stage("Rebuilding the search index")
        search.rebuild_index(session)
    return DemoResult(
        seed=seed,
        shops=shops,
        items=items,
        loaded=loaded,
        reindexed=reindexed,
        accounts=accounts,
        merchant_shops=merchant_shops,
        loyalty_transactions=loyalty_transactions,
    )
