"""The card's keys: the root key that signs the trust bundle, one Ed25519 issuer key per period that signs
credentials, and one pseudonym secret per service. Their private parts stay on the server, sealed under the
server secret (api.keystore).

An issuer key signs from `signs_from` to `signs_until` (a period), and verifiers accept it from `signs_from`
until its last credential has expired (`signs_until` + the credential lifetime). `valence keys rotate` makes
the next key and publishes it in the bundle LEAD ahead of its first signature, so that offline verifiers,
which refresh their bundle hourly and go amber only after 72 hours, know it before they meet it.
"""

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from api import keystore
from api.db import utcnow
from api.student_card.format import PSEUDONYM_BYTES, Service
from api.student_card.models import CardCredential, IssuerKey
from api.student_card.verifier import b64url_encode, bundle_payload

CREDENTIAL_LIFETIME = timedelta(days=14)
PERIOD = timedelta(days=90)
LEAD = timedelta(days=3)
ROOT_KEY_NAME = "student_card.root"
ALL_SERVICES = tuple(Service)


def _ed25519() -> keystore.KeyPair:
    private = Ed25519PrivateKey.generate()
    return keystore.KeyPair(
        public=private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
        private=private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()),
    )


def root_key(session: Session) -> keystore.KeyPair:
    return keystore.named_key(session, ROOT_KEY_NAME, _ed25519)


def pseudonym(session: Session, service: Service, card_id: uuid.UUID) -> bytes:
    """What a validator of `service` sees of the card: a different value for each service."""
    secret = keystore.named_key(
        session,
        f"student_card.pseudonym.{service.name}",
        lambda: keystore.KeyPair(public=b"", private=secrets.token_bytes(32)),
    ).private
    return hmac.new(secret, card_id.bytes, hashlib.sha256).digest()[:PSEUDONYM_BYTES]


def _sealed_name(kid: int) -> str:
    return keystore.sealed_name("student_card.issuer", kid)


def accepted_until(key: IssuerKey) -> datetime:
    """The last moment a credential this key signed can be valid."""
    return key.signs_until + CREDENTIAL_LIFETIME


def _new_issuer_key(session: Session, *, signs_from: datetime) -> IssuerKey:
    """The next key id's key; when another process made that key id first, its key."""
    last = session.execute(select(func.max(IssuerKey.kid))).scalar()
    kid = (last or 0) + 1
    pair = _ed25519()
    values = {
        "kid": kid,
        "public_key": pair.public,
        "sealed_private": keystore.seal(pair.private, name=_sealed_name(kid)),
        "services": ",".join(service.name for service in ALL_SERVICES),
        "signs_from": signs_from,
        "signs_until": signs_from + PERIOD,
        "created_at": utcnow(),
    }
    session.flush()
    table = IssuerKey.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table).values(values)
    session.execute(insert.on_conflict_do_nothing(index_elements=["kid"]))
    key = session.get(IssuerKey, kid, populate_existing=True)
    assert key is not None  # noqa: S101 - written just above, by us or by another process
    return key


def _keys(session: Session) -> list[IssuerKey]:
    return list(session.scalars(select(IssuerKey).order_by(col(IssuerKey.signs_from), col(IssuerKey.kid))))


def _signing_now(keys: list[IssuerKey], now: datetime) -> IssuerKey | None:
    current = [key for key in keys if key.signs_from <= now < key.signs_until]
    return current[-1] if current else None


@dataclass(frozen=True, slots=True)
class SigningKey:
    kid: int
    private: Ed25519PrivateKey


def signing_key(session: Session, *, now: datetime) -> SigningKey:
    """The issuer key that signs now. The next one is made LEAD before the current period ends; a key is
    made at once when none signs (the very first, or after a period with no server running)."""
    keys = _keys(session)
    key = _signing_now(keys, now)
    if key is None:
        key = _new_issuer_key(session, signs_from=now)
    elif key.signs_until - now <= LEAD and not [k for k in keys if k.signs_from >= key.signs_until]:
        _new_issuer_key(session, signs_from=key.signs_until)
    private = keystore.unseal(key.sealed_private, name=_sealed_name(key.kid))
    return SigningKey(kid=key.kid, private=Ed25519PrivateKey.from_private_bytes(private))


def rotate(session: Session, *, now: datetime) -> IssuerKey:
    """Make the next issuer key, signing LEAD from now, and end the current one's period then. Safe to run
    twice: while a next key waits for its turn, it is the answer."""
    keys = _keys(session)
    upcoming = [key for key in keys if key.signs_from > now]
    if upcoming:
        return upcoming[0]
    current = _signing_now(keys, now)
    if current is None:
        return _new_issuer_key(session, signs_from=now)
    starts = now + LEAD
    current.signs_until = min(current.signs_until, starts)
    session.flush()
    return _new_issuer_key(session, signs_from=current.signs_until)


def published_keys(session: Session, *, now: datetime) -> list[IssuerKey]:
    """The keys a verifier must know: those in use, and the next one, published ahead."""
    return [key for key in _keys(session) if accepted_until(key) > now]


def revoked_serials(session: Session, *, now: datetime) -> list[int]:
    """Credentials revoked before their end (a new phone, a lost phone, a card suspended or revoked)."""
    statement = select(col(CardCredential.serial)).where(
        col(CardCredential.revoked_at).is_not(None), col(CardCredential.expires_at) > now
    )
    return [int(serial) for serial in session.scalars(statement) if serial is not None]


def key_services(key: IssuerKey) -> list[Service]:
    return [Service[name] for name in key.services.split(",") if name]


def trust_bundle(session: Session, *, now: datetime) -> tuple[bytes, bytes]:
    """The bundle's JSON payload and the root key's signature of it."""
    payload = bundle_payload(
        issued_at=now,
        keys=[
            (key.kid, key.public_key, key_services(key), key.signs_from, accepted_until(key))
            for key in published_keys(session, now=now)
        ],
        revoked_serials=revoked_serials(session, now=now),
    )
    root = Ed25519PrivateKey.from_private_bytes(root_key(session).private)
    return payload, root.sign(payload)


def root_public_key(session: Session) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(root_key(session).public)


def encode(data: bytes) -> str:
    return b64url_encode(data)
