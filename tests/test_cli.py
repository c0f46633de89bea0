"""The `valence` command as an operator uses it."""

import uuid
from pathlib import Path

import httpx
import pytest

from api.migrate import upgrade
from tests.databases import BACKENDS, fresh_database
from tests.servers import running_server, valence


def test_users_create_prints_the_id_and_refuses_a_taken_email(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    created = valence(
        "users",
        "create",
        "--email",
        "Admin@Valence.fr",
        "--password",
        "0123456789ab",
        "--role",
        "admin",
        database_url=url,
    )
    assert created.returncode == 0, created.stderr
    user_id = uuid.UUID(created.stdout.strip())

    again = valence(
        "users", "create", "--email", "admin@valence.fr", "--password", "another-password", database_url=url
    )
    assert again.returncode == 1
    assert "already exists" in again.stderr and "nothing was changed" in again.stderr
    assert again.stdout == ""

    with running_server(url) as base_url:
        tokens = httpx.post(
            f"{base_url}/api/v1/auth/token", json={"email": "admin@valence.fr", "password": "0123456789ab"}
        ).json()
        me = httpx.get(f"{base_url}/api/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
        assert me.json()["id"] == str(user_id)
        assert me.json()["roles"] == ["shopper", "admin"]


def test_users_create_for_a_validator_takes_a_service(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    created = valence(
        "users",
        "create",
        "--email",
        "bus@valence.fr",
        "--password",
        "0123456789ab",
        "--role",
        "validator",
        "--service",
        "transport",
        database_url=url,
    )
    assert created.returncode == 0, created.stderr
    short = valence("users", "create", "--email", "x@valence.fr", "--password", "short", database_url=url)
    assert short.returncode == 2
    assert "10 caractères" in short.stderr


def test_default_database_lives_in_var_of_the_working_directory(tmp_path: Path) -> None:
    result = valence(
        "users",
        "create",
        "--email",
        "a@valence.fr",
        "--password",
        "0123456789ab",
        database_url="sqlite:///./var/valence.db",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "var" / "valence.db").is_file()


def test_production_refuses_to_start_with_the_default_secret(tmp_path: Path) -> None:
    result = valence(
        "serve",
        database_url=f"sqlite:///{tmp_path}/x.db",
        VALENCE_ENV="production",
        VALENCE_SECRET_KEY="dev-only-secret-change-me-in-production-0000",
    )
    assert result.returncode == 2
    assert "VALENCE_SECRET_KEY" in result.stderr


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="VALENCE_TEST_POSTGRES_URL is not set")
def test_serve_refuses_an_unmigrated_postgresql_then_starts_once_upgraded(tmp_path: Path) -> None:
    with fresh_database("postgresql", tmp_path) as url:
        refused = valence("serve", database_url=url)
        assert refused.returncode == 1
        assert "valence db upgrade" in refused.stderr
        upgraded = valence("db", "upgrade", database_url=url)
        assert upgraded.returncode == 0, upgraded.stderr
        with running_server(url) as base_url:
            assert httpx.get(f"{base_url}/api/v1/health").json()["database"] == "postgresql"


@pytest.mark.parametrize("backend", BACKENDS)
def test_db_upgrade_is_idempotent(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        result = valence("db", "upgrade", database_url=url)
        assert result.returncode == 0, result.stderr
        assert "up to date" in result.stdout
