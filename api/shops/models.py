"""Shops and claims: tables and the schemas each caller sees."""

import re
import uuid
from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, WithJsonSchema, field_validator
from pydantic import Field as Constraints
from pydantic.json_schema import SkipJsonSchema
from sqlalchemy import Column, Index, String
from sqlmodel import Field, SQLModel

from api.db import timestamp_column, utcnow
from api.shops import hours
from api.shops.categories import CATEGORIES, CategorySlug

# What a phone number and a website must look like, whoever writes them (a merchant, an import).
PHONE_MAX_LENGTH = 30
WEBSITE_MAX_LENGTH = 300
PHONE_PATTERN = re.compile(r"^\+?[0-9 .()-]{6,25}$")
WEBSITE_PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
# A time of day in Paris as served: "09:30:00"; the end of the day is "23:59:59.999999". JSON Schema's
# `format: time` wants an offset, which a wall-clock time in a shop's week has not.
CLOCK_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?$"
# JSON numbers only: "45.1" or true are refused, as the document says.
Latitude = Annotated[float, Constraints(strict=True, ge=-90, le=90)]
Longitude = Annotated[float, Constraints(strict=True, ge=-180, le=180)]
ShopName = Annotated[str, Constraints(min_length=1, max_length=120)]
ShopAddress = Annotated[str, Constraints(min_length=1, max_length=200)]
DECISION_REASON_MAX_LENGTH = 500
ClockTime = Annotated[
    time,
    WithJsonSchema(
        {"type": "string", "pattern": CLOCK_TIME_PATTERN, "description": "Heure locale (Europe/Paris)."}
    ),
]


class ShopStatus(StrEnum):
    pending = "pending"
    active = "active"
    suspended = "suspended"
    # Turned down by the city while it was pending; kept, with the reason, for its owner to read.
    refused = "refused"


class ShopSource(StrEnum):
    merchant = "merchant"
    osm = "osm"
    demo = "demo"


class ClaimStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class Shop(SQLModel, table=True):
    __table_args__ = (Index("ix_shop_status_created_at", "status", "created_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=120)
    category: str = Field(max_length=40, index=True)
    address: str = Field(max_length=200)
    lat: float
    lon: float
    description: str | None = Field(default=None, max_length=2000)
    phone: str | None = Field(default=None, max_length=PHONE_MAX_LENGTH)
    website: str | None = Field(default=None, max_length=WEBSITE_MAX_LENGTH)
    opening_hours: str | None = Field(default=None, max_length=hours.MAX_LENGTH)
    status: str = Field(default=ShopStatus.pending, max_length=20)
    owner_id: uuid.UUID | None = Field(default=None, foreign_key="user.id", index=True, ondelete="SET NULL")
    source: str = Field(default=ShopSource.merchant, max_length=20)
    # "node/123", "way/45": where an imported shop comes from, so a new import updates it.
    osm_id: str | None = Field(default=None, sa_column=Column(String(40), unique=True, nullable=True))
    # The city's last decision on the shop (approved, refused, suspended): when, and why, for its owner.
    decided_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    decision_reason: str | None = Field(default=None, max_length=DECISION_REASON_MAX_LENGTH)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class ShopClaim(SQLModel, table=True):
    __tablename__ = "shop_claim"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    shop_id: uuid.UUID = Field(foreign_key="shop.id", index=True, ondelete="CASCADE")
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    message: str | None = Field(default=None, max_length=1000)
    status: str = Field(default=ClaimStatus.pending, max_length=20)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    decided_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    decided_by: uuid.UUID | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    decision_reason: str | None = Field(default=None, max_length=DECISION_REASON_MAX_LENGTH)


class GeocodeRequest(SQLModel, table=True):
    """One address look-up by a signed-in person, kept for the per-person window of the limit only."""

    __tablename__ = "geocode_request"
    __table_args__ = (Index("ix_geocode_request_user_id_requested_at", "user_id", "requested_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user.id", ondelete="CASCADE")
    requested_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(index=True))


# --- request and response schemas -------------------------------------------------------------


class _StrictInput(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]


def _check_category(value: str | None) -> str | None:
    if value is not None and value not in CATEGORIES:
        raise ValueError("Catégorie inconnue : choisissez-en une dans la liste des catégories.")
    return value


def _check_hours(value: str | None) -> str | None:
    if value is None:
        return None
    if not value.strip():
        return None
    try:
        return hours.validate(value)
    except hours.InvalidHours as exc:
        raise ValueError(str(exc)) from None


def _check_phone(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    if not PHONE_PATTERN.match(value.strip()):
        raise ValueError("Numéro de téléphone invalide, par exemple « 04 75 00 00 00 ».")
    return value.strip()


def _check_website(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not WEBSITE_PATTERN.match(value):
        raise ValueError("Adresse de site invalide : elle doit commencer par https://.")
    return value


class _ShopFields(_StrictInput):
    @field_validator("category", check_fields=False)
    @classmethod
    def _category(cls, value: str | None) -> str | None:
        return _check_category(value)

    @field_validator("opening_hours", check_fields=False)
    @classmethod
    def _hours(cls, value: str | None) -> str | None:
        return _check_hours(value)

    @field_validator("phone", check_fields=False)
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return _check_phone(value)

    @field_validator("website", check_fields=False)
    @classmethod
    def _website(cls, value: str | None) -> str | None:
        return _check_website(value)

    @field_validator("name", "address", check_fields=False)
    @classmethod
    def _not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("Ce champ ne peut pas être vide.")
        return value.strip() if value is not None else None


class ShopCreate(_ShopFields):
    name: ShopName
    category: CategorySlug
    address: ShopAddress
    lat: Latitude
    lon: Longitude
    description: str | None = Field(default=None, max_length=2000)
    phone: str | None = Field(default=None, max_length=PHONE_MAX_LENGTH)
    website: str | None = Field(default=None, max_length=WEBSITE_MAX_LENGTH)
    opening_hours: str | None = Field(default=None, max_length=hours.MAX_LENGTH)


class ShopUpdate(_ShopFields):
    # The fields every shop has may be left out, not emptied: null is refused with a 422.
    name: ShopName | SkipJsonSchema[None] = None
    category: CategorySlug | SkipJsonSchema[None] = None
    address: ShopAddress | SkipJsonSchema[None] = None
    lat: Latitude | SkipJsonSchema[None] = None
    lon: Longitude | SkipJsonSchema[None] = None
    description: str | None = Field(default=None, max_length=2000)
    phone: str | None = Field(default=None, max_length=PHONE_MAX_LENGTH)
    website: str | None = Field(default=None, max_length=WEBSITE_MAX_LENGTH)
    opening_hours: str | None = Field(default=None, max_length=hours.MAX_LENGTH)


class HoursPreviewIn(_ShopFields):
    opening_hours: str = Field(max_length=hours.MAX_LENGTH)


class HoursPreview(SQLModel):
    opening_hours: str
    week: list["DayHoursPublic"]


class ClaimCreate(_StrictInput):
    message: str | None = Field(default=None, max_length=1000)


def _blank_to_none(value: str | None) -> str | None:
    value = value.strip() if value is not None else None
    return value or None


class RefusalIn(_StrictInput):
    """Why the city says no: shown to the merchant as it is written."""

    # The pattern documents what the validator checks: a reason is more than spaces.
    reason: str = Field(
        max_length=DECISION_REASON_MAX_LENGTH, schema_extra={"json_schema_extra": {"pattern": r"\S"}}
    )

    @field_validator("reason")
    @classmethod
    def _required(cls, value: str) -> str:
        reason = _blank_to_none(value)
        if reason is None:
            raise ValueError("Indiquez la raison du refus : le demandeur la lira.")
        return reason


class SuspensionIn(_StrictInput):
    reason: str | None = Field(default=None, max_length=DECISION_REASON_MAX_LENGTH)

    @field_validator("reason")
    @classmethod
    def _optional(cls, value: str | None) -> str | None:
        return _blank_to_none(value)


class Category(SQLModel):
    slug: CategorySlug
    label: str


class DayHoursPublic(SQLModel):
    date: date
    intervals: list[tuple[ClockTime, ClockTime]]
    unknown: bool


class ShopSummary(SQLModel):
    id: uuid.UUID
    name: str
    category: str
    category_label: str
    address: str
    lat: float
    lon: float
    open_now: bool | None


class ShopPublic(ShopSummary):
    description: str | None
    phone: str | None
    website: str | None
    opening_hours: str | None
    next_change_at: datetime | None
    status: str
    claimable: bool
    source: str
    week: list[DayHoursPublic]
    created_at: datetime
    updated_at: datetime


class ShopPrivate(ShopPublic):
    """What the owner and the city see besides the public fields."""

    owner_id: uuid.UUID | None
    osm_id: str | None
    decided_at: datetime | None = None
    decision_reason: str | None = None


class Claimant(SQLModel):
    """Who asks to manage a shop (or registered it), as the city sees them to check the request."""

    id: uuid.UUID
    display_name: str
    email: str


class ShopAdmin(ShopPrivate):
    """A shop in the city's lists: with who registered or holds it."""

    owner: Claimant | None = None


class ClaimPublic(SQLModel):
    id: uuid.UUID
    shop_id: uuid.UUID
    user_id: uuid.UUID
    message: str | None
    status: str
    created_at: datetime
    decided_at: datetime | None
    decision_reason: str | None = None
    shop: ShopSummary | None = None


class ClaimAdmin(ClaimPublic):
    """A claim in the city's queue: with the claimant's name and e-mail."""

    claimant: Claimant | None = None
