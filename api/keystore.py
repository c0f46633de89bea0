"""Server keys and secrets, stored encrypted under the server secret: the one helper the student card (issuer
and root keys, pseudonym secrets) and Web Push (VAPID) keep their private parts with.

A private part is sealed with AES-256-GCM under a key derived (HKDF-SHA256) from VALENCE_SECRET_KEY, with the
key's name as associated data, so that a sealed value cannot be moved to another name. Without the same server
secret the database's keys cannot be read, and the server refuses to start using them rather than making new
ones silently.
"""

import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Column, LargeBinary, String
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, Session, SQLModel

from api.config import get_settings
from api.db import timestamp_column, utcnow
from api.errors import ServiceUnavailable

logger = logging.getLogger("api.keystore")

_VERSION = b"k1"
_NONCE_BYTES = 12


class KeystoreLocked(ServiceUnavailable):
    """A sealed key the server secret in use cannot open: the secret changed, or the value was altered. A
    503 for the caller (nothing is signed with a key made anew), the cause in the server's log."""

    slug = "keys-unavailable"


def _sealing_key() -> bytes:
    secret = get_settings().secret_key.encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"valence keystore v1").derive(secret)


def seal(plaintext: bytes, *, name: str) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    return _VERSION + nonce + AESGCM(_sealing_key()).encrypt(nonce, plaintext, name.encode())


def unseal(sealed: bytes, *, name: str) -> bytes:
    version, nonce, ciphertext = sealed[:2], sealed[2 : 2 + _NONCE_BYTES], sealed[2 + _NONCE_BYTES :]
    try:
        if version != _VERSION:
            raise InvalidTag
        return AESGCM(_sealing_key()).decrypt(nonce, ciphertext, name.encode())
    except InvalidTag:
        logger.error(
            "the stored key %r cannot be opened with this VALENCE_SECRET_KEY: restore the secret it was "
            "sealed under",
            name,
        )
        raise KeystoreLocked(
            "Le serveur ne peut pas ouvrir ses clés de signature : l'administrateur doit rétablir sa clé "
            "secrète. Rien n'a été signé ni enregistré."
        ) from None


class ServerKey(SQLModel, table=True):
    """A named key of the server: its public part in clear (may be empty), its private part sealed."""

    __tablename__ = "server_key"

    name: str = Field(sa_column=Column(String(80), primary_key=True))
    public: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sealed_private: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column())


@dataclass(frozen=True, slots=True)
class KeyPair:
    public: bytes
    private: bytes


def named_key(session: Session, name: str, make: Callable[[], KeyPair]) -> KeyPair:
    """The key stored under `name`, made with `make()` the first time; two processes making it at once keep
    the first one written."""
    found = session.get(ServerKey, name)
    if found is None:
        made = make()
        table = ServerKey.__table__  # type: ignore[attr-defined]
        values = {
            "name": name,
            "public": made.public,
            "sealed_private": seal(made.private, name=name),
            "created_at": utcnow(),
        }
        dialect = session.get_bind().dialect.name
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table).values(values)
        session.execute(insert.on_conflict_do_nothing(index_elements=["name"]))
        found = session.get(ServerKey, name, populate_existing=True)
        assert found is not None  # noqa: S101 - written just above, by us or by another process
    return KeyPair(public=found.public, private=unseal(found.sealed_private, name=name))


def sealed_name(kind: str, identifier: int | str | uuid.UUID) -> str:
    """The associated-data name of a key kept in a domain's own table (an issuer key by its key id)."""
    return f"{kind}:{identifier}"
