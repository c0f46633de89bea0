"""The search log (« ce que les gens cherchent sans le trouver »), written in batches.

A search only reads; writing its log line in the request would cost a transaction per search, and on SQLite
each commit also makes every other connection drop its page cache. Lines wait here instead, in this
process, and are written together, in one transaction, every VALENCE_SEARCH_LOG_FLUSH_SECONDS (one by
default), as soon as LINES_PER_BATCH are waiting, and when the app shuts down. A crash loses at most that
last second of the log, never a shop, an item or a point. Nothing here is needed by another process:
each process writes its own lines.

A line meant for a caller's open connection (a test's transaction) is written at once, in that connection,
since no other thread may use it later.
"""

import logging
import threading
from typing import Any

from sqlalchemy import Connection, Engine
from sqlmodel import Session

from api.config import get_settings
from api.db import READ_ONLY
from api.search import models as m

logger = logging.getLogger("api.search")

LINES_PER_BATCH = 500
# Lines kept while the database refuses them (it is down, or the disk is full): beyond, the oldest go.
MAX_WAITING = 50_000

_INSERT = m.search_log.insert()
_lock = threading.Lock()
# Per database (keyed by its connection pool): the engine to write with and the lines waiting.
_waiting: dict[Any, tuple[Engine, list[dict[str, Any]]]] = {}
_writing = threading.Lock()
_flusher: threading.Thread | None = None
_wake = threading.Event()


def record(bind: Engine | Connection, line: dict[str, Any]) -> None:
    """Queue one line (never a position: the caller passes only whether there was one)."""
    if isinstance(bind, Connection):
        _write(bind, [line])
        return
    with _lock:
        target = _waiting.get(bind.pool)
        if target is None:
            # On SQLite the writer takes the write lock at BEGIN (a read-only engine would not).
            target = _waiting[bind.pool] = (bind.execution_options(**{READ_ONLY: False}), [])
        lines = target[1]
        lines.append(line)
        if len(lines) > MAX_WAITING:
            del lines[: len(lines) - MAX_WAITING]
        full = len(lines) >= LINES_PER_BATCH
        _start_flusher()
    if full:
        _wake.set()


def flush() -> None:
    """Write every waiting line now (at shutdown, and for tests)."""
    with _writing:
        with _lock:
            batches = [(pool, engine, lines.copy()) for pool, (engine, lines) in _waiting.items() if lines]
            for pool, _engine, _lines in batches:
                _waiting[pool][1].clear()
        for pool, engine, lines in batches:
            try:
                _write(engine, lines)
            except Exception:
                logger.exception("search log: %d lines not written, kept for the next try", len(lines))
                with _lock:
                    kept = _waiting[pool][1]
                    kept[:0] = lines
                    del kept[: max(0, len(kept) - MAX_WAITING)]


def waiting() -> int:
    with _lock:
        return sum(len(lines) for _engine, lines in _waiting.values())


def _write(bind: Engine | Connection, lines: list[dict[str, Any]]) -> None:
    # A session of its own, so that a caller's connection keeps its transaction (a savepoint is used).
    with Session(bind, join_transaction_mode="create_savepoint") as session:
        session.connection().execute(_INSERT, lines)
        session.commit()


def _start_flusher() -> None:
    global _flusher
    if _flusher is None or not _flusher.is_alive():
        _flusher = threading.Thread(target=_run, name="search-log", daemon=True)
        _flusher.start()


def _run() -> None:
    every = get_settings().search_log_flush_seconds
    while True:
        _wake.wait(every)
        _wake.clear()
        flush()
