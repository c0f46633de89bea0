"""Idempotency keys (contract §2): a write sent twice with the same key is done once and answered twice alike.

The key is claimed, the work done and its answer stored in one transaction. A second request with the same key
waits for the first one's transaction (the claim is a row insert: PostgreSQL makes the second insert wait on
the first; SQLite runs one write at a time), then replays its answer. A refusal (4xx) is stored too, in a
transaction of its own once the work's is undone; a server error stores nothing, so the request can be sent
again.
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

import orjson
from fastapi import Depends, Header, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import Column, Integer, String, Text, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlmodel import Field, Session, SQLModel

from api.db import Work, Writer, timestamp_column, utcnow
from api.errors import PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_BASE, AppError, Conflict, invalid

HEADER = "Idempotency-Key"
KEY_MAX_LENGTH = 255
# The contract asks for 24 hours at least; a phone that queued a write offline may send it a day later.
KEPT_FOR = timedelta(hours=72)


class IdempotencyRecord(SQLModel, table=True):
    """A write done under a key: what it was (its fingerprint) and what it answered."""

    __tablename__ = "idempotency_record"

    user_id: uuid.UUID = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    key: str = Field(sa_column=Column(String(KEY_MAX_LENGTH), primary_key=True))
    fingerprint: str = Field(max_length=64)
    # Null only inside the transaction that claimed the key: no other transaction ever sees it so.
    status_code: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    body: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(index=True))


class KeyRequired(AppError):
    status = 400
    slug = "idempotency-key-required"
    title = "Clé d'idempotence requise"


class KeyInProgress(Conflict):
    slug = "idempotency-in-progress"
    title = "Requête déjà en cours"


def _printable(value: str) -> bool:
    return all(" " <= char <= "~" for char in value)


async def get_idempotency_key(
    idempotency_key: Annotated[
        str | None,
        Header(
            alias=HEADER,
            description="1 à 255 caractères imprimables : la même clé rejoue la première réponse.",
        ),
    ] = None,
) -> str:
    if idempotency_key is None or not idempotency_key.strip():
        raise KeyRequired(
            "Cette opération demande un en-tête « Idempotency-Key » : une clé unique par opération, "
            "reprise telle quelle si la requête est renvoyée."
        )
    if len(idempotency_key) > KEY_MAX_LENGTH or not _printable(idempotency_key):
        raise invalid(
            HEADER, "La clé « Idempotency-Key » doit compter 1 à 255 caractères imprimables, sans accent."
        )
    return idempotency_key


IdempotencyKey = Annotated[str, Depends(get_idempotency_key)]


@dataclass(frozen=True, slots=True)
class Answer:
    status_code: int
    body: bytes

    def response(self) -> Response:
        media_type = PROBLEM_MEDIA_TYPE if self.status_code >= 400 else "application/json"
        return Response(self.body, status_code=self.status_code, media_type=media_type)


def fingerprint(request: Request, body: BaseModel | None) -> str:
    """What makes two requests "the same": method, path and the body as validated (not its spacing)."""
    content = b"" if body is None else orjson.dumps(body.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(f"{request.method} {request.url.path}\n".encode() + content).hexdigest()


def _problem_body(exc: AppError, instance: str) -> bytes:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + exc.slug,
        "title": exc.title,
        "status": exc.status,
        "detail": exc.detail,
        "instance": instance,
    }
    if exc.errors is not None or exc.status == 422:
        body["errors"] = exc.errors or []
    return orjson.dumps(body)


def _claim(session: Session, *, user_id: uuid.UUID, key: str, fingerprint: str) -> bool:
    """Insert the key's record; False when another transaction has (committed) it already."""
    table = IdempotencyRecord.__table__  # type: ignore[attr-defined]
    values = {"user_id": user_id, "key": key, "fingerprint": fingerprint, "created_at": utcnow()}
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table).values(values)
    statement = insert.on_conflict_do_nothing(index_elements=["user_id", "key"]).returning(table.c.key)
    try:
        return session.execute(statement).first() is not None
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) == "55P03":  # waited for the first request longer than allowed
            raise KeyInProgress(
                "Une requête avec la même clé « Idempotency-Key » est encore en cours : réessayez dans "
                "quelques secondes pour obtenir sa réponse."
            ) from None
        raise


def _stored(session: Session, *, user_id: uuid.UUID, key: str, fingerprint: str) -> Answer:
    record = session.get(IdempotencyRecord, (user_id, key))
    if record is None or record.status_code is None or record.body is None:  # pragma: no cover - see _claim
        raise KeyInProgress("Une requête avec la même clé est encore en cours : réessayez dans un instant.")
    if record.fingerprint != fingerprint:
        raise invalid(
            HEADER,
            "Cette clé « Idempotency-Key » a déjà servi pour une autre opération : "
            "prenez une nouvelle clé pour une nouvelle opération.",
        )
    return Answer(record.status_code, record.body.encode())


async def run_once(
    write: Writer,
    *,
    request: Request,
    user_id: uuid.UUID,
    key: str,
    body: BaseModel | None,
    work: Work[BaseModel],
    status_code: int = 201,
) -> Response:
    """Do `work` once for this caller and key, in one transaction with its stored answer; replay otherwise."""
    print_ = fingerprint(request, body)
    instance = request.url.path

    def transaction(*, session: Session) -> Answer:
        if not _claim(session, user_id=user_id, key=key, fingerprint=print_):
            return _stored(session, user_id=user_id, key=key, fingerprint=print_)
        try:
            result = work(session=session)
            answer = Answer(status_code, orjson.dumps(result.model_dump(mode="json")))
        except AppError as exc:
            if exc.status >= 500:
                raise
            # A refusal keeps nothing of the work: the transaction is undone (no savepoint, which would
            # cost two statements on every success), then the key is claimed again to store the refusal.
            # The write turn is still held; on PostgreSQL a duplicate may have claimed it meanwhile.
            session.rollback()
            answer = Answer(exc.status, _problem_body(exc, instance))
            if not _claim(session, user_id=user_id, key=key, fingerprint=print_):
                return _stored(session, user_id=user_id, key=key, fingerprint=print_)
        table = IdempotencyRecord.__table__  # type: ignore[attr-defined]
        stored = session.execute(
            table.update()
            .where(table.c.user_id == user_id, table.c.key == key)
            .values(status_code=answer.status_code, body=answer.body.decode())
        )
        assert stored.rowcount == 1  # type: ignore[attr-defined]  # noqa: S101 - claimed above, in this transaction
        return answer

    answer = await write(transaction)
    return answer.response()


def forget_old_keys(*, session: Session, now: datetime) -> int:
    """Delete the records older than the time they are kept; returns how many went."""
    table = IdempotencyRecord.__table__  # type: ignore[attr-defined]
    result = session.execute(delete(table).where(table.c.created_at < now - KEPT_FOR))
    return int(getattr(result, "rowcount", 0) or 0)
