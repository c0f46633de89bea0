"""The code on the student's screen (contract §8): `VC1:` + base45 (RFC 9285) of 190 bytes. The only code
that packs or unpacks them; it knows the layout, not the keys.

| offset | bytes | field |
| 0 | 1 | 0x10 | service (version 1 in the high nibble) |
| 1 | 2 | issuer key id, unsigned big-endian |
| 3 | 12 | pseudonym for this service |
| 15 | 4 | credential serial |
| 19 | 4 | credential expiry, Unix seconds |
| 23 | 2 | entitlement valid until, days since 1970-01-01 |
| 25 | 33 | device public key, P-256 SEC1 compressed |
| 58 | 64 | issuer signature, Ed25519 over bytes 0-57 |      <- the credential ends here (122 bytes)
| 122 | 4 | time step t = floor(unix_seconds / 10) |
| 126 | 64 | device signature, ECDSA P-256 SHA-256, raw r||s, over b"VC1" + bytes 0-125 |
"""

import binascii
import struct
from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum

import base45  # type: ignore[import-untyped]

PREFIX = "VC1:"
VERSION = 1
ISSUER_SIGNED_BYTES = 58
CREDENTIAL_BYTES = 122
CODE_BYTES = 190
DEVICE_SIGNED_CONTEXT = b"VC1"
TIME_STEP_S = 10
PSEUDONYM_BYTES = 12
DEVICE_KEY_BYTES = 33
SIGNATURE_BYTES = 64
EPOCH = date(1970, 1, 1)

_HEAD = struct.Struct(">BH12sIIH33s")  # bytes 0-57
_STEP = struct.Struct(">I")


class Service(IntEnum):
    transport = 1
    library = 2
    sport = 3


class Malformed(ValueError):
    """Not a code of this format: prefix, base45, length, version or service."""


def time_step(unix_seconds: float) -> int:
    return int(unix_seconds // TIME_STEP_S)


def day_number(day: date) -> int:
    return (day - EPOCH).days


@dataclass(frozen=True, slots=True)
class Credential:
    """What the server signs for one service and one phone: bytes 0-121 of every code the phone shows."""

    service: Service
    kid: int
    pseudonym: bytes
    serial: int
    expires_at: int  # Unix seconds
    entitled_until: date  # inclusive, a day in Europe/Paris
    device_key: bytes  # P-256, SEC1 compressed
    issuer_signature: bytes = b""

    def signed_part(self) -> bytes:
        """Bytes 0-57, which the issuer signs."""
        return _HEAD.pack(
            (VERSION << 4) | int(self.service),
            self.kid,
            self.pseudonym,
            self.serial,
            self.expires_at,
            day_number(self.entitled_until),
            self.device_key,
        )

    def pack(self) -> bytes:
        if len(self.issuer_signature) != SIGNATURE_BYTES:
            raise ValueError("a credential is packed once signed")
        return self.signed_part() + self.issuer_signature

    @classmethod
    def unpack(cls, data: bytes) -> "Credential":
        if len(data) != CREDENTIAL_BYTES:
            raise Malformed(f"a credential is {CREDENTIAL_BYTES} bytes")
        first, kid, pseudonym, serial, expires_at, days, device_key = _HEAD.unpack(data[:ISSUER_SIGNED_BYTES])
        if first >> 4 != VERSION:
            raise Malformed("unknown version")
        try:
            service = Service(first & 0x0F)
        except ValueError:
            raise Malformed("unknown service") from None
        return cls(
            service=service,
            kid=kid,
            pseudonym=pseudonym,
            serial=serial,
            expires_at=expires_at,
            entitled_until=EPOCH + timedelta(days=days),
            device_key=device_key,
            issuer_signature=data[ISSUER_SIGNED_BYTES:],
        )


@dataclass(frozen=True, slots=True)
class Code:
    """One code as shown: the credential, the time step, the phone's signature of both."""

    credential: Credential
    time_step: int
    device_signature: bytes = b""

    def device_signed_part(self) -> bytes:
        """What the phone signs: b"VC1" + bytes 0-125."""
        return DEVICE_SIGNED_CONTEXT + self.credential.pack() + _STEP.pack(self.time_step)

    def pack(self) -> bytes:
        if len(self.device_signature) != SIGNATURE_BYTES:
            raise ValueError("a code is packed once signed")
        return self.credential.pack() + _STEP.pack(self.time_step) + self.device_signature

    @classmethod
    def unpack(cls, data: bytes) -> "Code":
        if len(data) != CODE_BYTES:
            raise Malformed(f"a code is {CODE_BYTES} bytes")
        (step,) = _STEP.unpack(data[CREDENTIAL_BYTES : CREDENTIAL_BYTES + 4])
        return cls(
            credential=Credential.unpack(data[:CREDENTIAL_BYTES]),
            time_step=step,
            device_signature=data[CREDENTIAL_BYTES + 4 :],
        )


def to_text(code: bytes) -> str:
    """The text the QR code holds (base45 uses QR's alphanumeric set: the densest QR mode)."""
    encoded: bytes = base45.b45encode(code)
    return PREFIX + encoded.decode("ascii")


def from_text(text: str) -> Code:
    """The code a QR code held; Malformed for anything else, never another exception."""
    if not isinstance(text, str) or not text.startswith(PREFIX):
        raise Malformed("not a VC1 code")
    try:
        data = base45.b45decode(text[len(PREFIX) :])
    except (ValueError, binascii.Error, UnicodeError, KeyError) as exc:
        raise Malformed("not base45") from exc
    return Code.unpack(data)
