"""A burst of simultaneous writes on a real `valence serve`: served in turn, none lost, health unaffected."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from api.auth.models import User
from api.catalog.models import Item
from api.db import build_engine
from api.migrate import upgrade
from api.shops.models import Shop
from tests.databases import BACKENDS, fresh_database
from tests.load import (
    BurstResult,
    item_creation,
    percentile,
    prepare_merchant,
    run_id,
    shop_patch,
    sign_up,
    simultaneous,
)
from tests.servers import running_server

WRITES = 200
HEALTH_P99_MS = 200


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        upgrade(url)
        yield url


def _assert_no_server_error(result: BurstResult) -> None:
    failed = [(o.write.kind, o.status, o.body) for o in result.outcomes if o.status >= 500]
    assert not failed, f"{len(failed)} of {len(result.outcomes)} failed, first: {failed[0]}"
    assert set(result.health_statuses) == {200}, result.health_statuses
    health_p99 = percentile(result.health_ms, 0.99)
    assert health_p99 < HEALTH_P99_MS, f"health p99 {health_p99:.0f} ms over {len(result.health_ms)} probes"


def _stored(database_url: str, statement: sa.Select[tuple[str]]) -> set[str]:
    engine = build_engine(database_url)
    try:
        with engine.connect() as conn:
            return {str(value) for value in conn.execute(statement).scalars()}
    finally:
        engine.dispose()


@pytest.mark.parametrize("workers", [1, 2])
def test_two_hundred_simultaneous_writes_are_all_served_and_kept(database: str, workers: int) -> None:
    with running_server(database, workers=workers) as base_url:
        merchant = prepare_merchant(base_url)
        run = run_id()
        writes = []
        for n in range(WRITES):
            kind = n % 3
            writes.append(
                shop_patch(merchant, n)
                if kind == 0
                else sign_up(n, run)
                if kind == 1
                else item_creation(merchant, n)
            )
        result = simultaneous([base_url], writes)

        _assert_no_server_error(result)
        # Nothing here should be refused: every write is valid and allowed.
        assert result.statuses().keys() <= {200, 201}, result.statuses()

        patches = result.acknowledged("patch-shop")
        shop = httpx.get(f"{base_url}/api/v1/shops/{merchant.shop_id}", headers=merchant.headers).json()
        assert shop["description"] in {o.write.body["description"] for o in patches}

    signed_up = {str(o.body["id"]) for o in result.acknowledged("sign-up")}
    assert len(signed_up) == len([w for w in writes if w.kind == "sign-up"])
    user_table = User.__table__  # type: ignore[attr-defined]
    assert signed_up <= _stored(database, sa.select(user_table.c.id))

    created = {str(o.body["id"]) for o in result.acknowledged("create-item")}
    assert len(created) == len([w for w in writes if w.kind == "create-item"])
    item_table = Item.__table__  # type: ignore[attr-defined]
    assert created == _stored(database, sa.select(item_table.c.id))


def test_a_write_that_cannot_get_the_lock_in_time_is_a_503_to_retry(database: str) -> None:
    with running_server(database, VALENCE_DB_LOCK_TIMEOUT_SECONDS="1") as base_url:
        merchant = prepare_merchant(base_url)
        shop_url = f"{base_url}/api/v1/shops/{merchant.shop_id}"
        engine = build_engine(database)
        try:
            with engine.connect() as holder:
                # Another process holds the lock: the whole database on SQLite, the shop's row on PostgreSQL.
                shop_table = Shop.__table__  # type: ignore[attr-defined]
                holder.execute(
                    sa.update(shop_table)
                    .where(shop_table.c.id == uuid.UUID(merchant.shop_id))
                    .values(description="Verrou d'un autre processus")
                )
                refused = httpx.patch(
                    shop_url, json={"description": "Pendant le verrou"}, headers=merchant.headers, timeout=30
                )
                assert refused.status_code == 503
                assert refused.headers["content-type"] == "application/problem+json"
                assert int(refused.headers["Retry-After"]) > 0
                assert "réessayez" in refused.json()["detail"].lower()
                assert refused.headers["X-Content-Type-Options"] == "nosniff"
                # Reads go on meanwhile.
                assert httpx.get(f"{base_url}/api/v1/health", timeout=5).status_code == 200
                holder.rollback()
        finally:
            engine.dispose()
        # Nothing of the refused write was kept; the retry goes through.
        shop = httpx.get(shop_url, headers=merchant.headers).json()
        assert shop["description"] != "Pendant le verrou"
        retried = httpx.patch(shop_url, json={"description": "Après le verrou"}, headers=merchant.headers)
        assert retried.status_code == 200
        assert retried.json()["description"] == "Après le verrou"
