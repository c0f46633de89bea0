"""Users, their roles, logins (refresh-token families) and sign-in attempts."""

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import ConfigDict, EmailStr, field_validator
from sqlalchemy import Column, Index, String
from sqlmodel import Field, SQLModel

from api.db import timestamp_column as _timestamp
from api.db import utcnow


class Role(StrEnum):
    shopper = "shopper"
    merchant = "merchant"
    student = "student"
    validator = "validator"
    admin = "admin"


class ValidatorService(StrEnum):
    transport = "transport"
    library = "library"
    sport = "sport"


PASSWORD_MIN_LENGTH = 10


class User(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    # Stored lower-cased so that uniqueness ignores case.
    email: str = Field(sa_column=Column(String(320), nullable=False, unique=True))
    display_name: str = Field(max_length=80)
    password_hash: str = Field(max_length=255)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())


class UserRole(SQLModel, table=True):
    __tablename__ = "user_role"

    user_id: uuid.UUID = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    role: str = Field(max_length=20, primary_key=True)
    service: str | None = Field(default=None, max_length=20)
    granted_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    granted_by: uuid.UUID | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")


class Login(SQLModel, table=True):
    """One sign-in; its refresh tokens form a family revoked together."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    expires_at: datetime = Field(sa_column=_timestamp())
    revoked_at: datetime | None = Field(default=None, sa_column=_timestamp(nullable=True))
    revoked_reason: str | None = Field(default=None, max_length=40)


class RefreshToken(SQLModel, table=True):
    __tablename__ = "refresh_token"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    login_id: uuid.UUID = Field(foreign_key="login.id", index=True, ondelete="CASCADE")
    # SHA-256 of the token: the token itself is 256 random bits, so a fast hash is enough.
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    expires_at: datetime = Field(sa_column=_timestamp())
    used_at: datetime | None = Field(default=None, sa_column=_timestamp(nullable=True))


class LoginAttempt(SQLModel, table=True):
    """A failed sign-in, kept for the rate-limit window only; the address is stored keyed, not in clear."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_email_attempted_at", "email", "attempted_at"),
        Index("ix_login_attempt_address_key_attempted_at", "address_key", "attempted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320)
    address_key: str = Field(max_length=64)
    attempted_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp(index=True))


class SignUpAttempt(SQLModel, table=True):
    """A sign-up through the API, kept for the per-address window only; the address is stored keyed."""

    __tablename__ = "sign_up_attempt"
    __table_args__ = (Index("ix_sign_up_attempt_address_key_attempted_at", "address_key", "attempted_at"),)

    id: int | None = Field(default=None, primary_key=True)
    address_key: str = Field(max_length=64)
    attempted_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp(index=True))


# --- request and response schemas -------------------------------------------------------------


class StrictInput(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]


class RegisterIn(StrictInput):
    email: EmailStr = Field(max_length=320)
    # The length is checked below, to say it in French; the document states it too.
    password: str = Field(
        max_length=1024, schema_extra={"json_schema_extra": {"minLength": PASSWORD_MIN_LENGTH}}
    )
    display_name: str = Field(min_length=1, max_length=80)

    @field_validator("password")
    @classmethod
    def _long_enough(cls, value: str) -> str:
        if len(value) < PASSWORD_MIN_LENGTH:
            raise ValueError(f"Le mot de passe doit contenir au moins {PASSWORD_MIN_LENGTH} caractères.")
        return value

    @field_validator("display_name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("Indiquez un nom à afficher.")
        return value


class TokenIn(StrictInput):
    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class RefreshIn(StrictInput):
    refresh_token: str = Field(min_length=1, max_length=200)


class RoleGrantIn(StrictInput):
    role: Role
    service: ValidatorService | None = None


class TokenPair(SQLModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int
    refresh_expires_in: int


class UserPublic(SQLModel):
    id: uuid.UUID
    email: str
    display_name: str
    roles: list[str]
    service: str | None = None
    created_at: datetime
