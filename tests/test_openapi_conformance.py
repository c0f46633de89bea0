"""Schemathesis against the real server: every operation of the OpenAPI document, as an anonymous visitor,
the demo merchant and the demo admin, must answer as the document says (no 5xx, declared statuses, content
types, headers and bodies; what the schema forbids is refused; public operations really are public), and
every problem it answers speaks plain French (tests/schemathesis_hooks.py).

Bounded and deterministic: 25 cases per operation from Schemathesis's deterministic mode, a fresh copy of the
same demo database for each caller. One check is left out, for a reason the schema cannot fix:
positive_data_acceptance: some schema-valid input is refused by a rule JSON Schema cannot state (an opaque
cursor from another search, the OpenStreetMap hours syntax, the served territory, the last admin).
"""

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.auth.demo import DEMO_ACCOUNTS
from api.auth.models import Role
from api.migrate import upgrade
from tests.databases import BACKENDS, fresh_database
from tests.fake_ban import fake_ban
from tests.servers import running_server, valence

CALLERS = ("anonymous", Role.merchant.value, Role.admin.value)
EXAMPLES_PER_OPERATION = 25
EXCLUDED_CHECKS = ("positive_data_acceptance",)
RUN_TIMEOUT_S = 300
REPO_ROOT = Path(__file__).resolve().parent.parent
# Schemathesis must not sign up by itself: the anonymous pass stays anonymous.
CONFIG = "[auth]\nauto-signup = false\n"


def _load_demo(database_url: str, workdir: Path) -> None:
    # A small demo keeps each pass short; the seed is the default one, so every run gets the same data.
    loaded = valence("demo", "load", "--shops", "60", "--items", "5", database_url=database_url, cwd=workdir)
    assert loaded.returncode == 0, f"{loaded.stdout}\n{loaded.stderr}"


@pytest.fixture(scope="module")
def demo_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the demo data and accounts, copied for each pass."""
    workdir = tmp_path_factory.mktemp("conformance")
    path = workdir / "demo.db"
    _load_demo(f"sqlite:///{path}", workdir)
    return path


@pytest.fixture
def database_url(request: pytest.FixtureRequest, demo_sqlite: Path, tmp_path: Path) -> Iterator[str]:
    backend: str = request.param
    if backend == "sqlite":
        copy = tmp_path / "pass.db"
        # The backup API reads through the write-ahead log, which a file copy could miss.
        source, target = sqlite3.connect(demo_sqlite), sqlite3.connect(copy)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        yield f"sqlite:///{copy}"
        return
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        _load_demo(url, tmp_path)
        yield url


def _token(base_url: str, role: str) -> str:
    email, password = next((e, p) for r, e, p, _name in DEMO_ACCOUNTS if r.value == role)
    response = httpx.post(f"{base_url}/api/v1/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def _schemathesis(base_url: str, workdir: Path, headers: list[str]) -> subprocess.CompletedProcess[str]:
    config = workdir / "schemathesis.toml"
    config.write_text(CONFIG, encoding="utf-8")
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "--config-file",
            str(config),
            "run",
            f"{base_url}/api/v1/openapi.json",
            "--max-examples",
            str(EXAMPLES_PER_OPERATION),
            "--generation-deterministic",
            "--checks",
            "all",
            "--exclude-checks",
            ",".join(EXCLUDED_CHECKS),
            "--workers",
            "1",
            "--continue-on-failure",
            "--request-timeout",
            "10",
            "--no-color",
            *headers,
        ],
        cwd=workdir,
        # Our own checks (plain French problems) come from a hooks module of the tests.
        env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.schemathesis_hooks", "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
@pytest.mark.parametrize("caller", CALLERS)
def test_the_service_answers_as_its_openapi_document_says(
    database_url: str, caller: str, tmp_path: Path
) -> None:
    # The geocoder is a local fake: a 503 for a geocoder out of reach would be a server error to Schemathesis.
    with fake_ban() as ban, running_server(database_url, VALENCE_GEOCODER_URL=ban.url) as base_url:
        headers = [] if caller == "anonymous" else ["-H", f"Authorization: Bearer {_token(base_url, caller)}"]
        result = _schemathesis(base_url, tmp_path, headers)
    assert result.returncode == 0, f"Schemathesis as {caller}:\n{result.stdout}\n{result.stderr}"
