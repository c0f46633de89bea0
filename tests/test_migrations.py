"""Migrations run up, down and up again on each database, and the models never drift from them."""

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from api.catalog.search.models import include_in_autogenerate
from api.db import build_engine, metadata
from api.migrate import downgrade, upgrade
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
