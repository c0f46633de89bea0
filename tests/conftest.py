"""Fixtures: each database migrated once per run, each test inside a transaction that is rolled back."""

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine
from sqlmodel import Session

# Settings are read from the environment once; tests get their own before anything imports them.
os.environ.setdefault("VALENCE_SECRET_KEY", secrets.token_urlsafe(48))
os.environ["VALENCE_ENV"] = "development"
os.environ["VALENCE_ARGON2_MEMORY_KIB"] = "8192"
os.environ["VALENCE_ARGON2_TIME_COST"] = "1"
# Sign-ins slowed by earlier failures wait a few milliseconds, not seconds; one test keeps the real delays.
os.environ["VALENCE_LOGIN_SLOWDOWN_MAX_SECONDS"] = "0.01"

from api import search  # noqa: E402
from api.config import get_settings  # noqa: E402
from api.db import (  # noqa: E402
    Reader,
    ReadScope,
    Writer,
    build_engine,
    get_health_reader,
    get_read_scope,
    get_read_session,
    get_reader,
    get_writer,
    transactional,
    write_turns,
)
from api.main import create_app  # noqa: E402
from api.migrate import upgrade  # noqa: E402
from tests.databases import BACKENDS, fresh_database  # noqa: E402


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    with fresh_database(request.param, tmp_path_factory.mktemp("db")) as url:
        upgrade(url)
        engine = build_engine(url)
        search.install(engine)
        yield engine
        engine.dispose()


@pytest.fixture
def session(migrated_engine: Engine) -> Iterator[Session]:
    """A session whose commits only release savepoints: the outer transaction is rolled back."""
    connection = migrated_engine.connect()
    outer = connection.begin()
    db_session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield db_session
    finally:
        db_session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def client(session: Session) -> Iterator[TestClient]:
    app = create_app(get_settings())

    def _test_session() -> Iterator[Session]:
        yield from transactional(session)

    @contextmanager
    def _test_read() -> Iterator[tuple[Connection, Connection]]:
        # Reads and the writes that follow them go to the test's connection, inside its transaction.
        connection = session.connection()
        yield connection, connection

    async def _test_writer(request: Request) -> Writer:
        turns = write_turns(request.app.state, session.get_bind().dialect.name)
        return Writer(turns=turns, open_session=lambda: nullcontext(session))

    app.dependency_overrides[get_writer] = _test_writer
    app.dependency_overrides[get_reader] = lambda: Reader(open_session=lambda: nullcontext(session))
    app.dependency_overrides[get_health_reader] = app.dependency_overrides[get_reader]
    app.dependency_overrides[get_read_session] = _test_session
    app.dependency_overrides[get_read_scope] = lambda: ReadScope(
        dialect=session.get_bind().dialect.name, open=_test_read
    )
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def backend(migrated_engine: Engine) -> str:
    return migrated_engine.dialect.name


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Browser tests are slow: run them after the fast ones so failures show early.
    items.sort(key=lambda item: "tests/e2e/" in str(Path(item.path).as_posix()))
