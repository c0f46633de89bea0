"""A student's phone as a second implementation would write it: `cryptography`, `struct` and RFC 9285's
base45 written out here, nothing of api.student_card. The tests show its codes to the server's verifier."""

import base64
import struct
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def base45(data: bytes) -> str:
    """RFC 9285, section 4: two bytes as three characters, a last odd byte as two."""
    out = []
    for index in range(0, len(data) - 1, 2):
        value = data[index] * 256 + data[index + 1]
        value, c = divmod(value, 45)
        e, d = divmod(value, 45)
        out += [_ALPHABET[c], _ALPHABET[d], _ALPHABET[e]]
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        out += [_ALPHABET[c], _ALPHABET[d]]
    return "".join(out)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Phone:
    """A P-256 key made on the phone (WebCrypto would keep it non-extractable) and its credentials."""

    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    credentials: dict[str, bytes] = field(default_factory=dict)

    def public_key(self, *, compressed: bool = False) -> str:
        form = PublicFormat.CompressedPoint if compressed else PublicFormat.UncompressedPoint
        return b64url(self.key.public_key().public_bytes(Encoding.X962, form))

    def keep(self, answer: dict[str, object]) -> None:
        """What POST /me/student-card/credentials answered."""
        for item in answer["credentials"]:  # type: ignore[attr-defined]
            self.credentials[item["service"]] = unb64url(item["credential"])

    def code(self, service: str, *, at: float) -> str:
        """The text of the QR code the phone shows at Unix time `at` (its own clock)."""
        credential = self.credentials[service]
        assert len(credential) == 122
        signed = credential + struct.pack(">I", int(at // 10))
        der = self.key.sign(b"VC1" + signed, ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        return "VC1:" + base45(signed + r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def credential_fields(credential: bytes) -> dict[str, object]:
    """The credential's fields, read with the contract's table alone."""
    first, kid, pseudonym, serial, expires_at, days, device_key = struct.unpack(
        ">BH12sIIH33s", credential[:58]
    )
    return {
        "version": first >> 4,
        "service": first & 0x0F,
        "kid": kid,
        "pseudonym": pseudonym,
        "serial": serial,
        "expires_at": expires_at,
        "entitled_days": days,
        "device_key": device_key,
    }
