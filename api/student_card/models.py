"""The student multiservice card: cards and their entitlements, the phones enrolled, the credentials signed
for them, the issuer keys, and the checks made by validators (contract §8)."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    model_validator,
)
from sqlalchemy import Column, Date, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint, Uuid
from sqlmodel import Field, SQLModel

from api.db import timestamp_column, utcnow
from api.student_card.format import Service
from api.student_card.verifier import Reason, Verdict


class CardStatus(StrEnum):
    active = "active"
    suspended = "suspended"
    revoked = "revoked"


class StudentCard(SQLModel, table=True):
    """One student's card. The student number and the photo stay here: no code ever carries them."""

    __tablename__ = "student_card"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    institution: str = Field(max_length=120)
    student_number: str = Field(max_length=40)
    valid_until: date = Field(sa_column=Column(Date, nullable=False))
    status: str = Field(default=CardStatus.active.value, max_length=10)
    photo: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    photo_type: str | None = Field(default=None, max_length=20)
    issued_by: uuid.UUID | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class Entitlement(SQLModel, table=True):
    """A service the card opens, until a day (inclusive, Europe/Paris), and the card's pseudonym there."""

    __tablename__ = "student_card_entitlement"
    __table_args__ = (UniqueConstraint("service", "pseudonym", name="service_pseudonym"),)

    card_id: uuid.UUID = Field(
        sa_column=Column(Uuid(), ForeignKey("student_card.id", ondelete="CASCADE"), primary_key=True)
    )
    service: int = Field(sa_column=Column(Integer, primary_key=True))
    valid_until: date = Field(sa_column=Column(Date, nullable=False))
    # HMAC-SHA256(the service's secret, card id)[:12]: what a validator of that service sees of the card.
    pseudonym: bytes = Field(sa_column=Column(LargeBinary(12), nullable=False))


class Device(SQLModel, table=True):
    """A phone enrolled for a card: its public key (the private key never leaves the phone)."""

    __tablename__ = "student_card_device"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    card_id: uuid.UUID = Field(foreign_key="student_card.id", index=True, ondelete="CASCADE")
    public_key: bytes = Field(sa_column=Column(LargeBinary(33), nullable=False))  # SEC1 compressed
    enrolled_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())
    revoked_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    revoked_reason: str | None = Field(default=None, max_length=20)


class CardCredential(SQLModel, table=True):
    """A credential signed for one service and one phone; its serial is the one in the code."""

    __tablename__ = "student_card_credential"
    __table_args__ = (
        Index("ix_student_card_credential_revoked_expires", "revoked_at", "expires_at"),
        {"sqlite_autoincrement": True},  # a serial is never given twice, even after the last row is gone
    )

    serial: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    card_id: uuid.UUID = Field(foreign_key="student_card.id", index=True, ondelete="CASCADE")
    device_id: uuid.UUID = Field(foreign_key="student_card_device.id", ondelete="CASCADE")
    service: int
    kid: int
    issued_at: datetime = Field(sa_column=timestamp_column())
    expires_at: datetime = Field(sa_column=timestamp_column())
    revoked_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))


class IssuerKey(SQLModel, table=True):
    """An Ed25519 key that signs credentials for a period; published ahead of use, kept until its last
    credential has expired."""

    __tablename__ = "student_card_issuer_key"

    kid: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    public_key: bytes = Field(sa_column=Column(LargeBinary(32), nullable=False))
    sealed_private: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    services: str = Field(max_length=40)  # names, comma-separated
    signs_from: datetime = Field(sa_column=timestamp_column())
    signs_until: datetime = Field(sa_column=timestamp_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


class SeenCode(SQLModel, table=True):
    """A code the online verifier accepted, kept while it could still be accepted (a copy is `replayed`)."""

    __tablename__ = "student_card_seen_code"

    service: int = Field(sa_column=Column(Integer, primary_key=True))
    pseudonym: bytes = Field(sa_column=Column(LargeBinary(12), primary_key=True))
    time_step: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    signature_r: bytes = Field(sa_column=Column(LargeBinary(32), primary_key=True))
    keep_until: datetime = Field(sa_column=timestamp_column(index=True))


class Check(SQLModel, table=True):
    """One verification made online, identifiable for 48 hours, then only counted (CheckCount)."""

    __tablename__ = "student_card_check"
    __table_args__ = (Index("ix_student_card_check_card_id_checked_at", "card_id", "checked_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    card_id: uuid.UUID | None = Field(default=None, foreign_key="student_card.id", ondelete="CASCADE")
    validator_id: uuid.UUID | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    service: int
    verdict: str = Field(max_length=10)
    reason: str = Field(max_length=30)
    checked_at: datetime = Field(sa_column=timestamp_column(index=True))


class CheckCount(SQLModel, table=True):
    """What is left of checks once 48 hours have passed: how many, per day, service, verdict and reason."""

    __tablename__ = "student_card_check_count"

    day: date = Field(sa_column=Column(Date, primary_key=True))
    service: int = Field(sa_column=Column(Integer, primary_key=True))
    verdict: str = Field(sa_column=Column(String(10), primary_key=True))
    reason: str = Field(sa_column=Column(String(30), primary_key=True))
    count: int


# --- schemas -------------------------------------------------------------------------------------

ServiceName = Annotated[str, StringConstraints(pattern="^(transport|library|sport)$")]


def _written_day(value: object) -> object:
    # JSON has no dates: a day is written "2027-08-31", never a number of seconds (pydantic's lax mode).
    if not isinstance(value, str | date):
        raise ValueError("Une date au format AAAA-MM-JJ est attendue.")
    return value


Day = Annotated[date, BeforeValidator(_written_day)]


class EntitlementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service: ServiceName
    valid_until: Day


def _one_per_service(value: list[EntitlementIn]) -> list[EntitlementIn]:
    if len({entitlement.service for entitlement in value}) != len(value):
        raise ValueError("Un service ne figure qu'une fois dans la liste des droits.")
    return value


Entitlements = Annotated[list[EntitlementIn], AfterValidator(_one_per_service)]


class CardCreate(BaseModel):
    """`user_id` (contract §8), or the account's `email` as the student office types it."""

    model_config = ConfigDict(extra="forbid")

    user_id: uuid.UUID | None = None
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=320)] | None = None
    institution: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=120)]
    student_number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    valid_until: Day
    photo: Annotated[str, StringConstraints(max_length=300_000)] | None = None
    entitlements: Entitlements

    @model_validator(mode="after")
    def _one_account(self) -> "CardCreate":
        if (self.user_id is None) == (self.email is None):
            raise ValueError("Indiquez le compte de l'étudiant : son adresse e-mail, ou son identifiant.")
        return self


class CardRenew(BaseModel):
    model_config = ConfigDict(extra="forbid")

    valid_until: Day
    entitlements: Entitlements


class EntitlementPublic(BaseModel):
    service: str
    valid_until: date


class CardPublic(BaseModel):
    """The card as its student and the student office see it."""

    id: uuid.UUID
    status: CardStatus
    institution: str
    valid_until: date
    entitlements: list[EntitlementPublic]
    photo_url: str | None
    devices: int  # phones enrolled and not revoked


class CardAdmin(CardPublic):
    user_id: uuid.UUID
    student_number: str
    email: str
    display_name: str
    created_at: datetime
    updated_at: datetime


class CredentialsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    device_public_key: Annotated[str, StringConstraints(min_length=40, max_length=100)]


class ServiceCredential(BaseModel):
    service: str
    credential: str  # base64url of the 122 bytes


class CredentialsOut(BaseModel):
    credentials: list[ServiceCredential]
    expires_at: datetime
    server_time: datetime


class DeviceRevokeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(pattern="^(lost|not_me)$")] = "lost"


class VerifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    qr: Annotated[str, StringConstraints(max_length=1000)]


class VerifyOut(BaseModel):
    verdict: Verdict
    reason: Reason
    service: str
    photo_url: str | None = None
    message: str  # the verdict in French, for the checker's screen


class CheckPublic(BaseModel):
    service: str
    verdict: Verdict
    reason: Reason
    checked_at: datetime


class RootKey(BaseModel):
    public_key: str


class SignedBundle(BaseModel):
    payload: str
    signature: str


def service_name(service: int) -> str:
    return Service(service).name
