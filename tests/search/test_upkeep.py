"""The index follows shops and items written through the ORM, and costs nothing to any other write."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from api.auth.models import LoginAttempt
from api.db import utcnow
from api.search import SearchParams, search
from api.shops.models import Shop
from tests.factories import VALENCE_CENTRE, make_user


@contextmanager
def search_code_called() -> Iterator[list[str]]:
    """The functions of api/search/ called in this thread meanwhile."""
    called: list[str] = []

    def profile(frame: FrameType, event: str, _arg: Any) -> Callable[..., Any] | None:
        if event == "call" and "/api/search/" in frame.f_code.co_filename.replace("\\", "/"):
            called.append(frame.f_code.co_name)
        return None

    sys.setprofile(profile)
    try:
        yield called
    finally:
        sys.setprofile(None)


def _shop(name: str) -> Shop:
    lat, lon = VALENCE_CENTRE
    return Shop(name=name, category="fleuriste", address="Valence", lat=lat, lon=lon, status="active")


def _attempt() -> LoginAttempt:
    return LoginAttempt(email="personne@example.fr", address_key="k", attempted_at=utcnow())


def test_a_flush_of_other_tables_runs_no_search_code(session: Session) -> None:
    make_user(session)
    with search_code_called() as called:
        session.add(_attempt())
        session.flush()
    assert called == []

    with search_code_called() as called:
        session.add(_shop("Fleurs des Clercs"))
        session.flush()
    assert "_apply" in called, "the tracing sees the index at work"
    # The session that wrote a shop does not keep search code in its later flushes.
    with search_code_called() as called:
        session.add(_attempt())
        session.flush()
    assert called == []


def test_a_shop_written_through_the_orm_is_found_at_once(session: Session) -> None:
    session.add(_shop("Fleurs des Clercs"))
    session.flush()
    page = search(session.connection(), SearchParams(q="clercs"), utcnow())
    assert [r["shop"]["name"] for r in page.results] == ["Fleurs des Clercs"]


def test_installed_on_postgresql_every_connection_gets_the_trigram_floor(
    migrated_engine: Engine, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("the floor is a pg_trgm setting")
    with migrated_engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW pg_trgm.similarity_threshold").scalar() == "0.05"
