"""Settings: production refuses weak secrets, and every setting is documented in the README."""

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from api.config import DEFAULT_SECRET_KEY, Settings


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(ValidationError, match="VALENCE_SECRET_KEY"):
        Settings(env="production", secret_key=DEFAULT_SECRET_KEY)


def test_production_refuses_a_short_secret() -> None:
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(env="production", secret_key="short-but-not-default")


def test_production_accepts_a_long_random_secret() -> None:
    assert Settings(env="production", secret_key="x" * 16 + "a-long-random-value-9f3e").is_production


def test_development_works_out_of_the_box() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url.startswith("sqlite:///./var/")


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`(VALENCE_[A-Z0-9_]+)`", readme))
    settings = {f"VALENCE_{name.upper()}" for name in Settings.model_fields}
    assert settings - documented == set(), "undocumented settings"
    assert documented - settings - {"VALENCE_TEST_POSTGRES_URL"} == set(), (
        "documented settings that do not exist"
    )
