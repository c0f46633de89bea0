"""Migration 4f6e95484b94 gives an existing index the trade words: what a rebuild would give, and back."""

from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from api.db import build_engine
from api.migrate import downgrade, upgrade
from api.search import install, rebuild_index
from tests.databases import BACKENDS, fresh_database
from tests.search.relevance import build_catalogue

BEFORE = "b9d04e6a1c53"

# Each shop's own and item postings by text, so that indexes numbering their terms apart compare equal.
POSTINGS = sa.text(
    "SELECT s.shop_id, t.term, st.weight FROM search_shop_term st "
    "JOIN search_shop s ON s.key = st.shop_key JOIN search_term t ON t.key = st.term_key"
)
OWN_TERMS = sa.text("SELECT shop_id, terms FROM search_shop")
TERMS = sa.text("SELECT key, term FROM search_term")
WORDS = sa.text("SELECT w.word, t.term FROM search_word w JOIN search_term t ON t.key = w.term_key")


@dataclass
class Snapshot:
    postings: list[tuple[str, str, int]]
    own: dict[str, list[str]]
    words: set[tuple[str, str]]


def snapshot(engine: sa.Engine) -> Snapshot:
    with engine.connect() as conn:
        terms = dict(conn.execute(TERMS).all())
        return Snapshot(
            postings=sorted((str(s), t, w) for s, t, w in conn.execute(POSTINGS)),
            own={
                str(shop_id): sorted(terms[int(k)] for k in keys.split())
                for shop_id, keys in conn.execute(OWN_TERMS)
            },
            words={(w, t) for w, t in conn.execute(WORDS)},
        )


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_gives_what_a_rebuild_gives_and_downgrade_takes_it_back(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        engine = build_engine(url)
        install(engine)
        try:
            upgrade(url)
            with Session(engine) as session:
                build_catalogue(session)
                session.commit()
            kept_in_step = snapshot(engine)
            with Session(engine) as session:
                rebuild_index(session)
                session.commit()
            rebuilt = snapshot(engine)
            assert kept_in_step.postings == rebuilt.postings
            assert kept_in_step.own == rebuilt.own

            downgrade(url, BEFORE)
            before = snapshot(engine)
            # « Optique Victor Hugo »: its label at its former weight, « lunettes » from its items only.
            optique = {(t, w) for _s, t, w in before.postings if t in {"opticien", "lunet", "optiqu"}}
            assert optique == {("opticien", 6), ("optiqu", 8), ("lunet", 4)}
            assert not any(t == "serruri" for _s, t, _w in before.postings)
            assert before.own != rebuilt.own

            upgrade(url)
            again = snapshot(engine)
            assert again.postings == rebuilt.postings
            assert again.own == rebuilt.own
            # Words a rebuild knows are known again (the downgrade leaves the vocabulary as it is).
            assert rebuilt.words <= again.words
        finally:
            engine.dispose()
