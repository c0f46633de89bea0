"""Database engine, metadata naming convention and the request-scoped session."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Dialect,
    Engine,
    MetaData,
    TypeDecorator,
    create_engine,
    event,
)
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

from api.config import get_settings
from api.errors import AppError

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata

SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_POOL_SIZE = 40
# As much as SQLite maps by default (SQLITE_MAX_MMAP_SIZE): a million-item index is ~700 MB, and pages
# beyond the mapping go through read() into each connection's small page cache.
SQLITE_MMAP_BYTES = 0x7FFF0000
SQLITE_CACHED_STATEMENTS = 512


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always hands back an aware datetime (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


def timestamp_column(*, nullable: bool = False, index: bool = False) -> "Column[datetime]":
    """A timezone-aware column; every table module builds its `_at` columns with it."""
    return Column(UTCDateTime(), nullable=nullable, index=index)


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Reads through the OS page cache instead of copying pages into SQLite's own (the index is read-mostly).
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.close()


READ_ONLY = "valence_read_only"


def _begin(conn: Any) -> None:
    # Writers take the lock when the transaction starts rather than on the first write, so that two
    # connections never fail upgrading a read snapshot; busy_timeout then queues them. Readers must not
    # take it: WAL lets them run alongside the writer.
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


def build_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={
                "check_same_thread": False,
                "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                # Search statements differ by their number of terms and shops: keep many prepared.
                "cached_statements": SQLITE_CACHED_STATEMENTS,
            },
            # Opening a SQLite connection (and its pragmas) costs more than a query: keep enough for every
            # worker thread rather than churning overflow connections.
            pool_size=SQLITE_POOL_SIZE,
            max_overflow=SQLITE_POOL_SIZE,
            # The connection used last comes back first: the few that carry the load keep their prepared
            # statements (a cycling queue would spread every statement over all of them).
            pool_use_lifo=True,
        )
        event.listen(engine, "connect", _set_sqlite_pragmas)
        # pysqlite's own transaction handling is switched off so that BEGIN is ours.
        event.listen(engine, "connect", lambda dbapi_conn, _rec: setattr(dbapi_conn, "isolation_level", None))
        event.listen(engine, "begin", _begin)
        return engine
    # Last in, first out, as on SQLite: psycopg's prepared statements stay with the busiest connections.
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, pool_use_lifo=True)


@lru_cache
def get_engine() -> Engine:
    return build_engine(get_settings().database_url)


def transactional(session: Session) -> Iterator[Session]:
    """Commit when the route succeeds, roll back when it raises (unless the error keeps changes)."""
    try:
        yield session
        session.commit()
    except AppError as exc:
        if exc.keeps_changes:
            session.commit()
        else:
            session.rollback()
        raise
    except BaseException:
        session.rollback()
        raise


def get_session() -> Iterator[Session]:
    """The request's session, for routes that write."""
    with Session(get_engine(), expire_on_commit=False) as session:
        yield from transactional(session)


@lru_cache
def _read_engine() -> Engine:
    return get_engine().execution_options(**{READ_ONLY: True})


def get_read_session() -> Iterator[Session]:
    """A session for routes that only read: on SQLite it does not queue behind writers."""
    with Session(_read_engine(), expire_on_commit=False) as session:
        yield from transactional(session)


@dataclass(frozen=True)
class ReadScope:
    """Read-only connections for a route that runs its own statements, opened where the route wants them.

    `open()` gives a connection and where a write that follows the read should go: the engine, or, in a
    test, the test's own connection (its transaction is rolled back at the end). On SQLite the connection
    is in a deferred read transaction (a snapshot that never queues behind writers); on PostgreSQL it is in
    autocommit, each statement its own snapshot, which spares the BEGIN and COMMIT round trips. No ORM
    Session: its bookkeeping costs 40 µs, a twentieth of a search.
    """

    dialect: str
    open: Callable[[], AbstractContextManager[tuple[Connection, Engine | Connection]]]


@contextmanager
def _read_connection(engine: Engine) -> Iterator[tuple[Connection, Engine | Connection]]:
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            with conn.begin():
                yield conn, engine
        else:
            yield conn.execution_options(isolation_level="AUTOCOMMIT"), engine


async def get_read_scope() -> ReadScope:
    """(async: a plain function dependency would be called through the thread pool.)"""
    return _read_scope()


@lru_cache
def _read_scope() -> ReadScope:
    engine = _read_engine()
    return ReadScope(dialect=engine.dialect.name, open=partial(_read_connection, engine))


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ReadSessionDep = Annotated[Session, Depends(get_read_session, scope="function")]
ReadScopeDep = Annotated[ReadScope, Depends(get_read_scope)]
