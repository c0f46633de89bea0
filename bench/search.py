"""Search figures (contract §5), measured on a real `valence serve` process, on SQLite and PostgreSQL.

For each database and catalogue size (100,000 and 1,000,000 items by default):
1. the demo catalogue is loaded (api.demo.load_demo, SQLAlchemy Core) and its `rebuild_index` is
   timed;
2. one client on core 0 sends the same ≥ 200 varied French queries (typos, prefixes, several words, trade
   names and category labels, filters, with and without a position) to the server pinned to core 1, after
   a warm-up pass: p50, p95, p99;
3. on PostgreSQL, the same searches as one hand-written SQL statement each (pg_trgm, earthdistance, the
   index tables), timed through psycopg directly: the floor our HTTP answer is compared with;
4. wrk (-t1 -c16, pinned to core 0) rotating through the queries, as a ratio of /api/v1/health.

Usage: .venv/bin/python -m bench.search [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
       [--sizes 100000 1000000] [--shops 3000] [--seconds 10] [--data-dir /tmp/valence-bench] [--reuse]
"""

import argparse
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from api.db import build_engine
from api.demo import load_demo
from api.geo import EARTH_RADIUS_M, bounding_box, min_nearness, unit_vector
from api.migrate import upgrade
from api.search import settle_after_bulk_load
from api.search.backend import ITEM_CANDIDATES, MIN_PREFIX, PREFIX_EXPANSIONS
from api.search.postgres import EARTHDISTANCE_RADIUS_M, similarity_floor
from api.search.query import DEFAULT_RADIUS_M, EXACT, ONE_TYPO, PREFIX, TWO_TYPOS, allowed_typos, parse_query
from api.search.results import MATCHED_ITEMS, SHOWN_SHOP_COLUMNS
from api.shops.categories import CATEGORIES
from api.shops.trades import TRADE_WORDS
from tests.servers import free_port

REPO = Path(__file__).resolve().parent.parent
CENTRE = (44.9334, 4.8924)  # place des Clercs


# --- queries --------------------------------------------------------------------------------------------


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # swap neighbours
    return word[:i] + word[i + 1 :]  # drop a letter


def vocabulary(url: str, sample: int = 3000) -> list[str]:
    """Phrases people could look for in this catalogue: item names, spread over the whole table."""
    engine = build_engine(url)
    try:
        with engine.connect() as conn:
            total = conn.execute(text("SELECT COUNT(*) FROM item")).scalar_one()
            step = max(1, total // sample)
            names = (
                conn.execute(
                    text(
                        "SELECT name FROM (SELECT name, ROW_NUMBER() OVER (ORDER BY id) AS n FROM item) i "
                        "WHERE n % :step = 0"
                    ),
                    {"step": step},
                )
                .scalars()
                .all()
            )
    finally:
        engine.dispose()
    return sorted(set(names))


def queries(count: int, phrases: list[str], seed: int = 7) -> list[dict[str, Any]]:
    """Varied French searches as a shopper would type them."""
    rng = random.Random(seed)
    labels = list(CATEGORIES.values())
    trades = sorted({phrase for phrases in TRADE_WORDS.values() for phrase in phrases})
    found: list[dict[str, Any]] = []
    while len(found) < count:
        roll = rng.random()
        phrase = " ".join(rng.choice(phrases).split()[:3])
        words = [w for w in re.findall(r"\w+", phrase) if len(w) > 2]
        if roll < 0.30:
            q = phrase
        elif roll < 0.45:
            long_words = [w for w in words if len(w) >= 6]
            q = _typo(rng.choice(long_words), rng) if long_words else phrase
        elif roll < 0.60:
            q = rng.choice(words)[: rng.randint(3, 6)] if words else phrase  # typing as you go
        elif roll < 0.72:
            q = " ".join(f"{phrase} {rng.choice(phrases)}".split()[:3])
        elif roll < 0.85:
            # What people call the trade (« cordonnier », « fleurs ») as often as its label.
            q = rng.choice(labels if rng.random() < 0.5 else trades)
        elif roll < 0.92:
            q = f"{rng.choice(labels).split()[0]} {rng.choice(words) if words else ''}".strip()
        else:
            q = ""
        params: dict[str, Any] = {"q": q} if q else {}
        if not q or rng.random() < 0.7:
            params["lat"] = round(CENTRE[0] + rng.uniform(-0.01, 0.01), 5)
            params["lon"] = round(CENTRE[1] + rng.uniform(-0.012, 0.012), 5)
            if rng.random() < 0.3:
                params["radius_m"] = rng.choice([500, 1000, 5000, 10_000])
            if rng.random() < 0.25:
                params["sort"] = "distance"
        if rng.random() < 0.12:
            params["open_now"] = "true"
        if rng.random() < 0.08:
            params["category"] = rng.choice(list(CATEGORIES))
        if rng.random() < 0.08:
            params["kind"] = rng.choice(["product", "service"])
        found.append(params)
    return found


# --- loading --------------------------------------------------------------------------------------------


@dataclass
class Dataset:
    backend: str
    size: int
    url: str
    rebuild_s: float | None


def load(url: str, *, shops: int, items: int) -> float:
    """Fill an empty, migrated database with the demo data set; return the seconds rebuild_index took."""
    engine = build_engine(url)
    marks: list[float] = []
    try:
        with Session(engine) as session:
            load_demo(
                session=session,
                seed=42,
                shops=shops,
                items=items,
                on_stage=lambda _stage: marks.append(time.perf_counter()),
            )
            session.commit()
        rebuilt = time.perf_counter() - marks[0] if marks else float("nan")
        settle_after_bulk_load(engine)  # as `valence demo load` does
        return rebuilt
    finally:
        engine.dispose()


def prepare(backend: str, size: int, args: argparse.Namespace) -> Dataset:
    if backend == "sqlite":
        path = Path(args.data_dir) / f"search-{size}.db"
        url = f"sqlite:///{path}"
        if args.reuse and path.exists():
            upgrade(url)  # data loaded by an earlier version keeps its catalogue, gains new tables
            return Dataset(backend, size, url, None)
        for leftover in path.parent.glob(f"{path.name}*"):
            leftover.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        name = f"valence_bench_search_{size}"
        admin = create_engine(args.postgres_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if exists and args.reuse:
                admin.dispose()
                upgrade(_pg_url(args.postgres_url, name))
                return Dataset(backend, size, _pg_url(args.postgres_url, name), None)
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = _pg_url(args.postgres_url, name)
    upgrade(url)
    return Dataset(backend, size, url, load(url, shops=args.shops, items=size))


def _pg_url(base: str, name: str) -> str:
    return make_url(base).set(database=name).render_as_string(hide_password=False)


# --- the server -----------------------------------------------------------------------------------------


def _pinned(core: str) -> list[str]:
    return ["taskset", "-c", core] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []


def start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VALENCE_")}
    env.update(
        VALENCE_DATABASE_URL=url, VALENCE_SECRET_KEY=secrets.token_urlsafe(48), VALENCE_LOG_LEVEL="WARNING"
    )
    process = subprocess.Popen(
        [*_pinned("1"), sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            raise RuntimeError("server exited")
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("server not ready")


def percentiles(samples_ms: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return statistics.median(samples_ms), cuts[94], cuts[98]


def http_latencies(base: str, searches: list[dict[str, Any]], passes: int) -> list[float]:
    samples: list[float] = []
    with httpx.Client(base_url=base, timeout=10) as client:
        for params in searches:  # warm-up
            client.get("/api/v1/search", params=params).raise_for_status()
        for _ in range(passes):
            for params in searches:
                started = time.perf_counter()
                response = client.get("/api/v1/search", params=params)
                samples.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{params}: {response.status_code} {response.text}")
    return samples


def wrk_rps(url: str, seconds: int, script: Path | None = None) -> float:
    out = subprocess.run(
        [*_pinned("0"), "wrk", "-t1", "-c16", f"-d{seconds}s", *(["-s", str(script)] if script else []), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if match is None or "Non-2xx" in out:
        raise RuntimeError(f"wrk failed or got errors:\n{out}")
    return float(match.group(1))


def wrk_script(searches: list[dict[str, Any]], directory: Path) -> Path:
    paths = ",\n".join(f'  "/api/v1/search?{urlencode(p)}"' for p in searches)
    script = directory / "search.lua"
    script.write_text(
        f"local paths = {{\n{paths}\n}}\nlocal i = 0\n"
        'request = function()\n  i = i % #paths + 1\n  return wrk.format("GET", paths[i])\nend\n',
        encoding="utf-8",
    )
    return script


# --- the raw PostgreSQL floor ---------------------------------------------------------------------------


def raw_statement(params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """One SQL statement doing the whole search on PostgreSQL, from the already normalised words."""
    words = parse_query(params.get("q"))
    bind: dict[str, Any] = {}
    parts = []
    for i, word in enumerate(words):
        typos = allowed_typos(word.surface)
        bind.update({f"s{i}": word.surface, f"t{i}": word.term, f"p{i}": word.surface + "%"})
        parts.append(
            f"SELECT {i} AS word_no, key AS term_key, {EXACT} AS quality "  # noqa: S608
            f"FROM search_term WHERE term = %(t{i})s"
        )
        if word.prefix and len(word.surface) >= MIN_PREFIX:
            parts.append(
                f"SELECT * FROM (SELECT {i}, term_key, "  # noqa: S608
                f"CASE WHEN word = %(s{i})s THEN {EXACT} ELSE {PREFIX} END FROM search_word "
                f"WHERE word LIKE %(p{i})s ORDER BY frequency DESC LIMIT {PREFIX_EXPANSIONS}) p{i}"
            )
        if typos:
            bind[f"f{i}"] = similarity_floor(word.surface, typos)
            parts.append(
                f"SELECT {i}, term_key, {ONE_TYPO if typos == 1 else TWO_TYPOS} FROM search_word "  # noqa: S608
                f"WHERE word %% %(s{i})s AND similarity(word, %(s{i})s) >= %(f{i})s "
                f"AND length BETWEEN {len(word.surface) - typos} AND {len(word.surface) + typos} "
                f"AND NOT EXISTS (SELECT 1 FROM search_term WHERE term = %(t{i})s)"
            )
    located = "lat" in params
    conditions = ["s.active"]
    if located:
        x0, y0, z0 = unit_vector(params["lat"], params["lon"])
        radius = float(params.get("radius_m", DEFAULT_RADIUS_M))
        bind.update(
            x0=x0, y0=y0, z0=z0, lat=params["lat"], lon=params["lon"], min_nearness=min_nearness(radius)
        )
        bind["earth_r"] = radius * EARTHDISTANCE_RADIUS_M / EARTH_RADIUS_M * 1.001 + 1
        bind.update(bounding_box(params["lat"], params["lon"], radius))
        near = "(s.x * %(x0)s + s.y * %(y0)s + s.z * %(z0)s)"
        conditions.append(f"{near} >= %(min_nearness)s")
    else:
        near = "0.0"
    if "category" in params:
        bind["category"] = params["category"]
        conditions.append("s.category = %(category)s")
    if words:
        head = (
            "WITH q AS (SELECT word_no, term_key, MAX(quality) AS quality "  # noqa: S608
            f"FROM ({' UNION ALL '.join(parts)}) e "
            "GROUP BY word_no, term_key), "
            "per_word AS (SELECT st.shop_key, q.word_no, MAX(st.weight * q.quality) AS best FROM q "
            "JOIN search_shop_term st ON st.term_key = q.term_key GROUP BY st.shop_key, q.word_no), "
            f"matched AS (SELECT shop_key, SUM(best) AS score FROM per_word GROUP BY shop_key "
            f"HAVING COUNT(*) = {len(words)}), "
        )
        source = "matched JOIN search_shop s ON s.key = matched.shop_key"
        score = "matched.score"
        if located:
            conditions.append(
                "s.lat BETWEEN %(lat_lo)s AND %(lat_hi)s AND s.lon BETWEEN %(lon_lo)s AND %(lon_hi)s"
            )
    else:
        head = "WITH "
        source = "search_shop s"
        score = "0"
        if located:
            conditions.append(
                "earth_box(ll_to_earth(%(lat)s, %(lon)s), %(earth_r)s) @> ll_to_earth(s.lat, s.lon)"
            )
    order = "near DESC, score DESC, key" if params.get("sort") == "distance" else "score DESC, near DESC, key"
    depth = MATCHED_ITEMS if len(words) <= 1 else ITEM_CANDIDATES
    kind = ""
    if "kind" in params:
        kind = f"AND it.is_service = {'TRUE' if params['kind'] == 'service' else 'FALSE'}"
    items = (
        "LEFT JOIN LATERAL (SELECT array_agg(si.shown ORDER BY h.words DESC, h.rank, h.item_key) AS items "  # noqa: S608
        "FROM (SELECT c.item_key, COUNT(DISTINCT c.word_no) AS words, MIN(c.rank) AS rank "
        "FROM q CROSS JOIN LATERAL ("
        "SELECT it.item_key, it.rank, q.word_no FROM search_item_term it WHERE it.shop_key = page.key "
        f"AND it.term_key = q.term_key {kind} ORDER BY it.rank, it.item_key LIMIT {depth}) c "
        f"GROUP BY c.item_key ORDER BY words DESC, rank, item_key LIMIT {MATCHED_ITEMS}) h "
        "JOIN search_item si ON si.key = h.item_key) m ON TRUE"
        if words
        else ""
    )
    sql = (
        f"{head}page AS (SELECT s.key, {score} AS score, {near} AS near, {SHOWN_SHOP_COLUMNS} "  # noqa: S608
        f"FROM {source} WHERE {' AND '.join(conditions)} ORDER BY {order} LIMIT 21) "
        f"SELECT page.*{', m.items' if words else ''} "
        f"FROM page {items} ORDER BY {order.replace('key', 'page.key')}"
    )
    return sql, bind


def raw_latencies(url: str, searches: list[dict[str, Any]], passes: int) -> list[float]:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    samples: list[float] = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SET pg_trgm.similarity_threshold = 0.05")
        prepared = [raw_statement(p) for p in searches]
        for sql, bind in prepared:  # warm-up
            conn.execute(sql, bind).fetchall()
        for _ in range(passes):
            for sql, bind in prepared:
                started = time.perf_counter()
                conn.execute(sql, bind).fetchall()
                samples.append((time.perf_counter() - started) * 1000)
    return samples


# --- main -----------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres-url", help="PostgreSQL server URL (a database per size is created)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--shops", type=int, default=3000)
    parser.add_argument("--queries", type=int, default=240)
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--data-dir", default=str(Path(tempfile.gettempdir()) / "valence-bench"))
    parser.add_argument("--reuse", action="store_true", help="keep databases loaded by an earlier run")
    parser.add_argument("--skip-wrk", action="store_true")
    args = parser.parse_args()
    if not args.skip_wrk and shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install -y wrk")
    if shutil.which("taskset") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {0})  # the client stays off the server's core

    backends = ["sqlite"] + (["postgresql"] if args.postgres_url else [])
    rows: list[tuple[str, str, str]] = []
    p99: dict[tuple[str, int], float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            for size in args.sizes:
                data = prepare(backend, size, args)
                searches = queries(args.queries, vocabulary(data.url))
                script = wrk_script(searches, Path(tmp))
                label = f"{backend} {size:,}"
                if data.rebuild_s is not None:
                    rows.append((label, "rebuild_index [s]", f"{data.rebuild_s:.1f}"))
                port = free_port()
                server = start_server(data.url, port)
                base = f"http://127.0.0.1:{port}"
                try:
                    p50, p95, p99_ms = percentiles(http_latencies(base, searches, args.passes))
                    p99[(backend, size)] = p99_ms
                    rows.append(
                        (label, "HTTP search p50 / p95 / p99 [ms]", f"{p50:.1f} / {p95:.1f} / {p99_ms:.1f}")
                    )
                    if backend == "postgresql":
                        r50, r95, r99 = percentiles(raw_latencies(data.url, searches, args.passes))
                        rows.append(
                            (label, "raw SQL p50 / p95 / p99 [ms]", f"{r50:.1f} / {r95:.1f} / {r99:.1f}")
                        )
                        rows.append((label, "HTTP p99 / raw p99 (target <= 1.5)", f"{p99_ms / r99:.2f}"))
                    if not args.skip_wrk:
                        wrk_rps(f"{base}/api/v1/health", 2)
                        wrk_rps(f"{base}/api/v1/search", 2, script)
                        health = wrk_rps(f"{base}/api/v1/health", args.seconds)
                        search = wrk_rps(f"{base}/api/v1/search", args.seconds, script)
                        rows.append((label, "wrk health / search [req/s]", f"{health:.0f} / {search:.0f}"))
                        rows.append((label, "search / health (target >= 0.4)", f"{search / health:.2f}"))
                finally:
                    server.terminate()
                    server.wait(timeout=15)
            sizes = sorted(args.sizes)
            if len(sizes) > 1 and (backend, sizes[0]) in p99 and (backend, sizes[-1]) in p99:
                ratio = p99[(backend, sizes[-1])] / p99[(backend, sizes[0])]
                rows.append(
                    (backend, f"p99({sizes[-1]:,}) / p99({sizes[0]:,}) (target <= 1.5)", f"{ratio:.2f}")
                )

    print(
        f"{args.queries} queries x {args.passes} passes after a warm-up; {args.shops} shops; "
        "server on core 1, "
        "client and wrk (-t1 -c16) on core 0"
    )
    print(f"{'data':22} {'figure':42} {'value':>22}")
    for label, figure, value in rows:
        print(f"{label:22} {figure:42} {value:>22}")


if __name__ == "__main__":
    main()
