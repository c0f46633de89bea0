"""The one settings object, read from the environment with the VALENCE_ prefix."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "dev-only-secret-change-me-in-production-0000"  # noqa: S105
MIN_PRODUCTION_SECRET_LENGTH = 32
PROJECT_DIR = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every setting the service reads; each one is documented in README.md."""

    model_config = SettingsConfigDict(env_prefix="VALENCE_", extra="ignore")

    env: Literal["development", "production"] = "development"
    database_url: str = "sqlite:///./var/valence.db"
    secret_key: str = DEFAULT_SECRET_KEY
    jwt_issuer: str = "coeur-de-valence"
    jwt_audience: str = "coeur-de-valence-api"
    access_token_minutes: int = Field(default=15, ge=1, le=15)
    refresh_token_idle_seconds: int = Field(default=30 * 24 * 3600, ge=60)
    db_lock_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    login_max_days: int = Field(default=90, ge=1)
    login_failures_per_account: int = Field(default=10, ge=1)
    login_failures_per_address: int = Field(default=50, ge=1)
    login_window_seconds: int = Field(default=15 * 60, ge=60)
    login_slowdown_after: int = Field(default=3, ge=0)
    login_slowdown_max_seconds: float = Field(default=4.0, ge=0, le=30)
    sign_ups_per_address: int = Field(default=50, ge=1)
    sign_up_window_seconds: int = Field(default=10 * 60, ge=60)
    argon2_time_cost: int = Field(default=2, ge=1)
    argon2_memory_kib: int = Field(default=19 * 1024, ge=8 * 1024)
    argon2_parallelism: int = Field(default=1, ge=1)
    cors_origins: list[str] = Field(default_factory=list)
    trusted_proxies: str = "127.0.0.1"
    pwa_dir: Path = PROJECT_DIR / "pwa" / "dist"
    # min_lon,min_lat,max_lon,max_lat: around the Valence Romans agglomeration.
    territory_bbox: str = "4.70,44.78,5.30,45.20"
    # OpenStreetMap's own tiles: light use only (README, « Map tiles »); a city's tile server replaces them.
    map_tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    map_attribution: str = "© les contributeurs d’OpenStreetMap"
    map_attribution_url: str = "https://www.openstreetmap.org/copyright"
    # The national address base's geocoder (BAN, on IGN's Géoplateforme), asked for shops' addresses.
    geocoder_url: str = "https://data.geopf.fr/geocodage"
    geocoder_timeout_seconds: float = Field(default=4.0, gt=0, le=30)
    geocoder_requests_per_minute: int = Field(default=30, ge=1)
    log_level: str = "INFO"
    # Search log lines wait at most this long in their process before being written together.
    search_log_flush_seconds: float = Field(default=1.0, gt=0, le=60)

    @model_validator(mode="after")
    def _refuse_weak_production_secret(self) -> "Settings":
        if self.env == "production" and (
            self.secret_key == DEFAULT_SECRET_KEY or len(self.secret_key) < MIN_PRODUCTION_SECRET_LENGTH
        ):
            raise ValueError(
                "VALENCE_SECRET_KEY must be set to a random value of at least "
                f"{MIN_PRODUCTION_SECRET_LENGTH} characters in production"
            )
        return self

    @field_validator("territory_bbox")
    @classmethod
    def _valid_bbox(cls, value: str) -> str:
        parts = [float(p) for p in value.split(",")]
        if len(parts) != 4 or not (parts[0] < parts[2] and parts[1] < parts[3]):
            raise ValueError("VALENCE_TERRITORY_BBOX must be min_lon,min_lat,max_lon,max_lat")
        return value

    @property
    def territory(self) -> tuple[float, float, float, float]:
        min_lon, min_lat, max_lon, max_lat = (float(p) for p in self.territory_bbox.split(","))
        return min_lon, min_lat, max_lon, max_lat

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def is_production(self) -> bool:
        return self.env == "production"


@lru_cache
def get_settings() -> Settings:
    return Settings()
