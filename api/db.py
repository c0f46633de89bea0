"""Database engine, metadata naming convention and the request-scoped session."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import Annotated, Any, Protocol, TypeVar

import anyio
import anyio.to_thread
from fastapi import Depends, Request
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
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel

from api.config import get_settings
from api.errors import AppError, ServiceUnavailable

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

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


def _lock_timeout_ms() -> int:
    return round(get_settings().db_lock_timeout_seconds * 1000)


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={_lock_timeout_ms()}")
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


def build_engine(database_url: str, *, connections: int | None = None) -> Engine:
    """The app's engine; `connections` caps its pool (by default, enough for every worker thread)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={
                "check_same_thread": False,
                "timeout": _lock_timeout_ms() / 1000,
                # Search statements differ by their number of terms and shops: keep many prepared.
                "cached_statements": SQLITE_CACHED_STATEMENTS,
            },
            # Opening a SQLite connection (and its pragmas) costs more than a query: keep enough for every
            # worker thread rather than churning overflow connections.
            pool_size=connections or SQLITE_POOL_SIZE,
            max_overflow=0 if connections else SQLITE_POOL_SIZE,
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
    return create_engine(
        url,
        # A lock that cannot be had in time is a 503 to retry, not a request that hangs: set once per
        # connection rather than by a statement in every write transaction.
        connect_args={"options": f"-c lock_timeout={_lock_timeout_ms()}"},
        pool_pre_ping=True,
        pool_size=connections or 10,
        max_overflow=0 if connections else 10,
        pool_use_lifo=True,
    )


@lru_cache
def get_engine() -> Engine:
    return build_engine(get_settings().database_url)


def transactional(session: Session) -> Iterator[Session]:
    """For a read session: end its transaction when the route is done."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


HEALTH_CONNECTIONS = 2
WRITE_RETRY_AFTER_S = 2
# PostgreSQL runs this many write transactions of one process at once; the pool keeps the rest of its
# connections for reads, so that a queue of writers behind one row lock never starves /health or search.
POSTGRES_WRITE_TURNS = 8
_BUSY_SQLSTATES = frozenset({"55P03", "40P01", "40001"})  # lock_not_available, deadlock, serialization


class Work(Protocol[T_co]):
    """A unit of work: takes the transaction's session, like every service function (keyword-only)."""

    def __call__(self, *, session: Session) -> T_co: ...


def _busy() -> ServiceUnavailable:
    return ServiceUnavailable(
        "Le service enregistre beaucoup de modifications en ce moment. Réessayez dans quelques secondes : "
        "rien n'a été enregistré.",
        retry_after_s=WRITE_RETRY_AFTER_S,
    )


def _is_lock_wait(exc: OperationalError) -> bool:
    orig = exc.orig
    if getattr(orig, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    return "database is locked" in str(orig) or "database is busy" in str(orig)


def run_in_transaction(session: Session, work: Work[T]) -> T:
    """`work(session=session)`, then commit; roll back when it raises (unless the error keeps its changes)."""
    try:
        result = work(session=session)
        session.commit()
        return result
    except AppError as exc:
        if exc.keeps_changes:
            session.commit()
        else:
            session.rollback()
        raise
    except OperationalError as exc:
        session.rollback()
        if _is_lock_wait(exc):
            raise _busy() from exc
        raise
    except BaseException:
        session.rollback()
        raise


class WriteTurns:
    """The process's write transactions, taken in arrival order; made inside the event loop that uses them.

    A request waits for its turn in the event loop, holding neither a thread nor a connection, then runs its
    whole transaction, from the first statement to the commit, in one call to a worker thread kept for
    writers. So a transaction holding the write lock (SQLite) or a row lock (PostgreSQL) never waits for a
    thread, and requests waiting for a lock never take the threads that reads and /health need.
    """

    def __init__(self, dialect: str) -> None:
        capacity = 1 if dialect == "sqlite" else POSTGRES_WRITE_TURNS
        self.dialect = dialect
        self._turns = anyio.Semaphore(capacity)
        self.threads = anyio.CapacityLimiter(capacity)

    async def run(self, transaction: Callable[[], T]) -> T:
        try:
            with anyio.fail_after(get_settings().db_lock_timeout_seconds):
                await self._turns.acquire()
        except TimeoutError:
            raise _busy() from None
        try:
            # Not cancellable: a client that goes away does not abandon a transaction half-way.
            return await anyio.to_thread.run_sync(transaction, limiter=self.threads)
        finally:
            self._turns.release()


@dataclass(frozen=True)
class Writer:
    """Runs a route's writes as one unit of work: `await write(work)`, `work(session=...)` in one thread.

    Everything that needs no lock (hashing a password, parsing a file) is done before, outside the turn.
    """

    turns: WriteTurns
    open_session: Callable[[], AbstractContextManager[Session]]

    async def __call__(self, work: Work[T]) -> T:
        return await self.turns.run(partial(self._transaction, work))

    def _transaction(self, work: Work[T]) -> T:
        with self.open_session() as session:
            return run_in_transaction(session, work)


@dataclass(frozen=True)
class Reader:
    """Runs a short read in a worker thread with a session of its own, closed before the route goes on.

    For an async route that reads, then waits (for a write turn, or on purpose): a ReadSessionDep would keep
    its connection the whole time, and a queue of such requests would empty the pool.
    """

    open_session: Callable[[], AbstractContextManager[Session]]

    async def __call__(self, work: Work[T], *, limiter: anyio.CapacityLimiter | None = None) -> T:
        return await anyio.to_thread.run_sync(partial(self._read, work), limiter=limiter)

    def _read(self, work: Work[T]) -> T:
        with self.open_session() as session:
            return run_in_transaction(session, work)


def _read_session() -> Session:
    return Session(_read_engine(), expire_on_commit=False)


async def get_reader() -> Reader:
    return Reader(open_session=_read_session)


@lru_cache
def _health_engine() -> Engine:
    # /health has connections of its own: it tells whether the database answers, not how long the queue
    # for the pool is during a burst.
    engine = build_engine(get_settings().database_url, connections=HEALTH_CONNECTIONS)
    return engine.execution_options(**{READ_ONLY: True})


async def get_health_reader() -> Reader:
    return Reader(open_session=lambda: Session(_health_engine()))


def _write_session() -> Session:
    return Session(get_engine(), expire_on_commit=False)


def write_turns(app_state: Any, dialect: str) -> WriteTurns:
    """The app's turns, made on first use (inside its event loop)."""
    turns: WriteTurns | None = getattr(app_state, "write_turns", None)
    if turns is None:
        turns = app_state.write_turns = WriteTurns(dialect)
    return turns


async def get_writer(request: Request) -> Writer:
    """(async: resolved in the event loop, it takes no thread.)"""
    turns = write_turns(request.app.state, get_engine().dialect.name)
    return Writer(turns=turns, open_session=_write_session)


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


WriterDep = Annotated[Writer, Depends(get_writer)]
ReaderDep = Annotated[Reader, Depends(get_reader)]
HealthReaderDep = Annotated[Reader, Depends(get_health_reader)]
ReadSessionDep = Annotated[Session, Depends(get_read_session, scope="function")]
ReadScopeDep = Annotated[ReadScope, Depends(get_read_scope)]
