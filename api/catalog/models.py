"""Items (products and services) of a shop."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, StrictBool, field_validator
from pydantic import Field as Constraints
from pydantic.json_schema import SkipJsonSchema
from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.db import timestamp_column, utcnow


class ItemKind(StrEnum):
    product = "product"
    service = "service"


MAX_PRICE_CENTS = 10_000_000
# JSON integers only: "120", 1.5 or false are refused, as the document says.
PriceCents = Annotated[int, Constraints(strict=True, ge=0, le=MAX_PRICE_CENTS)]
ItemName = Annotated[str, Constraints(min_length=1, max_length=120)]


class Item(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("shop_id", "external_ref", name="uq_item_shop_id_external_ref"),
        Index("ix_item_shop_id_created_at", "shop_id", "created_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    shop_id: uuid.UUID = Field(foreign_key="shop.id", ondelete="CASCADE")
    kind: str = Field(max_length=10)
    name: str = Field(max_length=120)
    description: str | None = Field(default=None, max_length=2000)
    category: str | None = Field(default=None, max_length=80)
    price_cents: int | None = None
    in_stock: bool = True
    # The merchant's own reference (till system, spreadsheet): a CSV row with a known one updates that item.
    external_ref: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class _ItemFields(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    @field_validator("name", check_fields=False)
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("Le nom ne peut pas être vide.")
        return value.strip() if value is not None else None

    @field_validator("description", "category", "external_ref", check_fields=False)
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


class ItemCreate(_ItemFields):
    kind: ItemKind
    name: ItemName
    description: str | None = Field(default=None, max_length=2000)
    category: str | None = Field(default=None, max_length=80)
    price_cents: PriceCents | None = None
    # true or false, as the document says: 0, 1 or "oui" are refused (the CSV import reads those itself).
    in_stock: StrictBool = True
    external_ref: str | None = Field(default=None, max_length=100)


class ItemUpdate(_ItemFields):
    # kind, name and in_stock may be left out, not emptied: null is refused with a 422.
    kind: ItemKind | SkipJsonSchema[None] = None
    name: ItemName | SkipJsonSchema[None] = None
    description: str | None = Field(default=None, max_length=2000)
    category: str | None = Field(default=None, max_length=80)
    price_cents: PriceCents | None = None
    in_stock: StrictBool | SkipJsonSchema[None] = None
    external_ref: str | None = Field(default=None, max_length=100)


class ItemPublic(SQLModel):
    id: uuid.UUID
    shop_id: uuid.UUID
    kind: str
    name: str
    description: str | None
    category: str | None
    price_cents: int | None
    in_stock: bool
    external_ref: str | None
    created_at: datetime
    updated_at: datetime


class ImportResult(SQLModel):
    created: int
    updated: int
