"""Migrations run up, down and up again on each database, and the models never drift from them."""

import uuid
from pathlib import Path

import orjson
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Uuid, bindparam, inspect, text

from api.db import build_engine, metadata
from api.migrate import downgrade, upgrade
from api.search.models import include_in_autogenerate
from api.search.results import shown_item
from tests.databases import BACKENDS, fresh_database


@pytest.mark.parametrize("backend", BACKENDS)
def test_up_down_up_and_no_drift(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        engine = build_engine(url)
        try:
            upgrade(url)
            assert {"user", "user_role", "login", "refresh_token", "login_attempt"} <= set(
                inspect(engine).get_table_names()
            )
            downgrade(url, "base")
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
            upgrade(url)
            with engine.connect() as connection:
                context = MigrationContext.configure(
                    connection, opts={"compare_type": True, "include_object": include_in_autogenerate}
                )
                assert compare_metadata(context, metadata) == []
        finally:
            engine.dispose()


def test_migration_files_have_dated_names() -> None:
    versions = Path(__file__).parent.parent / "migrations" / "versions"
    names = [p.name for p in versions.glob("*.py")]
    assert names
    for name in names:
        stamp, _, slug = name.partition("_")
        assert len(stamp) == len("YYYY-MM-DD-HHMM") and stamp[4] == stamp[7] == stamp[10] == "-", name
        assert slug.endswith(".py") and slug[:-3].replace("_", "").isalnum(), name


@pytest.mark.parametrize("backend", BACKENDS)
def test_indexed_items_keep_what_results_show_of_them_across_the_upgrade(
    backend: str, tmp_path: Path
) -> None:
    items = [
        (
            uuid.UUID("0b6c2f1e-8d4a-4c3b-9a7e-5f1d2c3b4a59"),
            'Tarte « maison » \\ "crème" brûlée',
            "product",
            450,
            True,
        ),
        (uuid.UUID("f0e1d2c3-b4a5-4697-8877-665544332211"), "Réparation crevaison", "service", None, False),
    ]
    with fresh_database(backend, tmp_path) as url:
        engine = build_engine(url)
        try:
            upgrade(url, "9d2b6f41c3a8")
            with engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO search_item (key, item_id, shop_key, kind, in_stock, terms, name, "
                        "price_cents) VALUES (:key, :item_id, 1, :kind, :in_stock, '', :name, :price_cents)"
                    ).bindparams(bindparam("item_id", type_=Uuid())),
                    [
                        {
                            "key": n,
                            "item_id": i,
                            "name": name,
                            "kind": kind,
                            "price_cents": price,
                            "in_stock": stock,
                        }
                        for n, (i, name, kind, price, stock) in enumerate(items, start=1)
                    ],
                )
            upgrade(url)
            with engine.connect() as conn:
                shown = conn.execute(text("SELECT shown FROM search_item ORDER BY key")).scalars().all()
            # What the migration wrote is what the index writes for a new item.
            assert [orjson.loads(s) for s in shown] == [orjson.loads(shown_item(*item)) for item in items]
            assert orjson.loads(shown[0])["name"] == 'Tarte « maison » \\ "crème" brûlée'

            downgrade(url, "9d2b6f41c3a8")
            with engine.connect() as conn:
                back = conn.execute(text("SELECT name, price_cents FROM search_item ORDER BY key")).all()
            assert [tuple(row) for row in back] == [(name, price) for _i, name, _k, price, _s in items]
        finally:
            engine.dispose()
