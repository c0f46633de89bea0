"""The reference verifier of the student card's code (contract §8), standing alone: Python and `cryptography`
only, no web framework and no database, so that a bus operator can run it on its own hardware.

    # payload and signature as the trust-bundle route sends them
    bundle = TrustBundle.from_signed(payload, signature, root_key=root_public_key)
    result = verify(text, bundle=bundle, service=Service.transport, now=time.time())

The checks run in the contract's order and the first that fails gives the reason. An online verifier passes a
`ReplayGuard` that remembers the codes it accepted; offline, the time step alone limits a copied code to the
seconds it stays fresh. `verify` never raises on any text: a code it cannot read is `malformed`.
"""

import base64
import binascii
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from api.student_card.format import TIME_STEP_S, Code, Malformed, Service, from_text

PARIS = ZoneInfo("Europe/Paris")
# d = 10·t − now, in seconds: how far the phone's time step is from the verifier's clock.
STALE_AFTER_S = 40  # d < −40: shown too long after it was made (a screenshot)
FAST_CLOCK_S = 10  # 10 < d ≤ 300: the phone's clock runs ahead (amber, check the photo)
FAST_CLOCK_MAX_S = 300  # d > 300: too far ahead to trust
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


class Verdict(StrEnum):
    green = "green"
    amber = "amber"
    red = "red"


class Reason(StrEnum):
    ok = "ok"
    malformed = "malformed"
    unknown_key = "unknown_key"
    bad_signature = "bad_signature"
    expired_credential = "expired_credential"
    revoked = "revoked"
    not_entitled_here = "not_entitled_here"
    expired_entitlement = "expired_entitlement"
    stale_code = "stale_code"
    clock_skew = "clock_skew"
    replayed = "replayed"


class UntrustedBundle(ValueError):
    """A trust bundle whose signature the root key does not confirm, or that cannot be read."""


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("a time without its offset")
    return moment


@dataclass(frozen=True, slots=True)
class IssuerKey:
    kid: int
    public_key: Ed25519PublicKey
    services: frozenset[Service]
    not_before: datetime
    not_after: datetime

    def in_use(self, now: datetime) -> bool:
        return self.not_before <= now <= self.not_after


@dataclass(frozen=True, slots=True)
class TrustBundle:
    """What a verifier trusts: the issuer keys and the revoked credential serials, as of `issued_at`."""

    issued_at: datetime
    server_time: datetime
    issuer_keys: dict[int, IssuerKey]
    revoked_serials: frozenset[int]

    @classmethod
    def from_payload(cls, payload: bytes) -> "TrustBundle":
        try:
            data = json.loads(payload)
            keys = [
                IssuerKey(
                    kid=int(key["kid"]),
                    public_key=Ed25519PublicKey.from_public_bytes(b64url_decode(key["public_key"])),
                    services=frozenset(Service[name] for name in key["services"]),
                    not_before=_time(key["not_before"]),
                    not_after=_time(key["not_after"]),
                )
                for key in data["issuer_keys"]
            ]
            return cls(
                issued_at=_time(data["issued_at"]),
                server_time=_time(data["server_time"]),
                issuer_keys={key.kid: key for key in keys},
                revoked_serials=frozenset(int(serial) for serial in data["revoked_serials"]),
            )
        except (ValueError, KeyError, TypeError, binascii.Error) as exc:
            raise UntrustedBundle("a trust bundle that cannot be read") from exc

    @classmethod
    def from_signed(cls, payload: str, signature: str, *, root_key: Ed25519PublicKey) -> "TrustBundle":
        """The bundle as the trust-bundle route sends it, once the root key confirms its signature."""
        try:
            payload_bytes = b64url_decode(payload)
            root_key.verify(b64url_decode(signature), payload_bytes)
        except (InvalidSignature, ValueError, binascii.Error) as exc:
            raise UntrustedBundle("the root key does not confirm this trust bundle") from exc
        return cls.from_payload(payload_bytes)


def bundle_payload(
    *,
    issued_at: datetime,
    keys: Iterable[tuple[int, bytes, Iterable[Service], datetime, datetime]],
    revoked_serials: Iterable[int],
) -> bytes:
    """The JSON bytes of a trust bundle (the server signs them): keys as (kid, raw public key, services,
    not_before, not_after)."""
    document: dict[str, Any] = {
        "issued_at": issued_at.isoformat(),
        "server_time": issued_at.isoformat(),
        "issuer_keys": [
            {
                "kid": kid,
                "public_key": b64url_encode(public_key),
                "services": [service.name for service in sorted(services)],
                "not_before": not_before.isoformat(),
                "not_after": not_after.isoformat(),
            }
            for kid, public_key, services, not_before, not_after in keys
        ],
        "revoked_serials": sorted(revoked_serials),
    }
    return json.dumps(document, separators=(",", ":")).encode()


ReplayKey = tuple[int, bytes, int, bytes]  # (service, pseudonym, time step, r of the device signature)


class ReplayGuard(Protocol):
    def first_time(self, key: ReplayKey, *, keep_until: int) -> bool:
        """True the first time this code is seen; remember it until `keep_until` (Unix seconds)."""
        ...


@dataclass(slots=True)
class MemoryReplayGuard:
    """The codes one verifier process accepted, for a verifier that runs on its own (one device)."""

    seen: dict[ReplayKey, int] = field(default_factory=dict)

    def first_time(self, key: ReplayKey, *, keep_until: int) -> bool:
        if key in self.seen:
            return False
        self.seen[key] = keep_until
        return True

    def forget_until(self, unix_seconds: int) -> None:
        self.seen = {key: until for key, until in self.seen.items() if until >= unix_seconds}


@dataclass(frozen=True, slots=True)
class Result:
    verdict: Verdict
    reason: Reason
    code: Code | None = None  # None when malformed

    @property
    def accepted(self) -> bool:
        return self.verdict != Verdict.red


def _red(reason: Reason, code: Code | None = None) -> Result:
    return Result(Verdict.red, reason, code)


def _device_signature_ok(code: Code) -> bool:
    signature = code.device_signature
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    if not (0 < r < _P256_ORDER and 0 < s < _P256_ORDER):
        return False
    try:
        device_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), code.credential.device_key)
        device_key.verify(encode_dss_signature(r, s), code.device_signed_part(), ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True


def keep_until(code: Code) -> int:
    """The last second at which the code can still be accepted (d = −40)."""
    return code.time_step * TIME_STEP_S + STALE_AFTER_S


def replay_key(code: Code) -> ReplayKey:
    # r alone: (r, n − s) is the same signature made valid again, so s is left out of the key.
    credential = code.credential
    return (int(credential.service), credential.pseudonym, code.time_step, code.device_signature[:32])


def verify(
    text: str,
    *,
    bundle: TrustBundle,
    service: Service,
    now: float,
    replays: ReplayGuard | None = None,
) -> Result:
    """The verdict on one code shown to a verifier of `service` at `now` (Unix seconds)."""
    try:
        code = from_text(text)
    except Malformed:
        return _red(Reason.malformed)
    credential = code.credential
    moment = datetime.fromtimestamp(now, UTC)
    key = bundle.issuer_keys.get(credential.kid)
    if key is None or not key.in_use(moment) or credential.service not in key.services:
        return _red(Reason.unknown_key, code)
    try:
        key.public_key.verify(credential.issuer_signature, credential.signed_part())
    except InvalidSignature:
        return _red(Reason.bad_signature, code)
    if not _device_signature_ok(code):
        return _red(Reason.bad_signature, code)
    if now > credential.expires_at:
        return _red(Reason.expired_credential, code)
    if credential.serial in bundle.revoked_serials:
        return _red(Reason.revoked, code)
    if credential.service != service:
        return _red(Reason.not_entitled_here, code)
    if moment.astimezone(PARIS).date() > credential.entitled_until:
        return _red(Reason.expired_entitlement, code)
    drift = code.time_step * TIME_STEP_S - now
    if drift < -STALE_AFTER_S:
        return _red(Reason.stale_code, code)
    if drift > FAST_CLOCK_MAX_S:
        return _red(Reason.clock_skew, code)
    fast = drift > FAST_CLOCK_S
    verdict, reason = (Verdict.amber, Reason.clock_skew) if fast else (Verdict.green, Reason.ok)
    if replays is not None and not replays.first_time(replay_key(code), keep_until=keep_until(code)):
        return _red(Reason.replayed, code)
    return Result(verdict, reason, code)
