"""Cursor pagination (contract §2): opaque cursors bound to the parameters that produced them."""

import base64
import hashlib
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

import orjson
from fastapi import Query
from pydantic import BaseModel
from sqlmodel import Session

from api.errors import ValidationFailed, invalid

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Nombre de résultats (1 à 100).")]
Cursor = Annotated[str | None, Query(max_length=512, description="Curseur rendu par la page précédente.")]


T = TypeVar("T")
Row = TypeVar("Row")


class Page(BaseModel, Generic[T]):
    results: list[T]
    next_cursor: str | None


def _fingerprint(params: Mapping[str, Any]) -> str:
    canonical = orjson.dumps(params, option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(canonical).hexdigest()[:16]


def encode_cursor(position: Sequence[Any], params: Mapping[str, Any]) -> str:
    payload = orjson.dumps({"p": list(position), "f": _fingerprint(params)}, default=str)
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_cursor(cursor: str | None, params: Mapping[str, Any]) -> list[Any] | None:
    """The position in the cursor (None for the first page); a cursor of other parameters is refused."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = orjson.loads(raw)
        position = payload["p"]
        fingerprint = payload["f"]
        if not isinstance(position, list):
            raise ValueError("position")
    except (ValueError, KeyError, TypeError):
        raise unreadable_cursor() from None
    if fingerprint != _fingerprint(params):
        raise invalid(
            "cursor", "Ce curseur appartient à une autre recherche : recommencez depuis la première page."
        )
    return position


def unreadable_cursor() -> ValidationFailed:
    """A cursor that was not made by us, or whose position does not fit the page it is given to."""
    return invalid("cursor", "Ce curseur est illisible : recommencez depuis la première page.")


def created_order_page(
    session: Session,
    statement: Any,  # a select of Row: SQLModel's select types do not compose with a TypeVar
    *,
    created_at: Any,
    row_id: Any,
    position_of: Callable[[Row], tuple[datetime, uuid.UUID]],
    cursor: str | None,
    limit: int,
    params: Mapping[str, Any],
) -> tuple[list[Row], str | None]:
    """One page of rows oldest first, keyed by (created_at, id) so pages never overlap."""
    position = decode_cursor(cursor, params)
    if position is not None:
        try:
            after_at, after_id = datetime.fromisoformat(position[0]), uuid.UUID(position[1])
        except (ValueError, IndexError, TypeError):
            raise unreadable_cursor() from None
        statement = statement.where(
            (created_at > after_at) | ((created_at == after_at) & (row_id > after_id))
        )
    rows: list[Row] = list(session.exec(statement.order_by(created_at, row_id).limit(limit + 1)).all())
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last_at, last_id = position_of(rows[-1])
    return rows, encode_cursor([last_at.isoformat(), str(last_id)], params)
