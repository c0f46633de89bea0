"""The reference verifier on every verdict of contract §8, with frozen clocks (each check is given its time),
against codes made by a second implementation of the phone (tests/student_card/phone.py)."""

import base64
import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from api.student_card.format import CODE_BYTES, Credential, Service, from_text, to_text
from api.student_card.verifier import (
    MemoryReplayGuard,
    Reason,
    TrustBundle,
    UntrustedBundle,
    Verdict,
    bundle_payload,
    verify,
)
from tests.student_card.phone import Phone, b64url, base45, credential_fields

# Thursday 3 December 2026, 10:00:00 in Paris: a time step starts here (divisible by 10).
NOW = datetime(2026, 12, 3, 9, 0, 0, tzinfo=UTC).timestamp()
assert NOW % 10 == 0


def raw(public: Ed25519PrivateKey) -> bytes:
    return public.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


class Issuer:
    """The server's half, made in the test: issuer keys, a root key, signed credentials."""

    def __init__(self) -> None:
        self.root = Ed25519PrivateKey.generate()
        self.keys = {7: Ed25519PrivateKey.generate()}
        self.windows = {7: (NOW - 86400 * 30, NOW + 86400 * 60)}
        self.services = {7: list(Service)}
        self.revoked: set[int] = set()
        self.serial = 1000

    def credential(
        self,
        phone: Phone,
        service: Service,
        *,
        kid: int = 7,
        entitled_until: date = date(2027, 6, 30),
        expires_at: float = NOW + 14 * 86400,
        signer: Ed25519PrivateKey | None = None,
    ) -> int:
        self.serial += 1
        device_key = base64.urlsafe_b64decode(phone.public_key(compressed=True) + "=")
        credential = Credential(
            service=service,
            kid=kid,
            pseudonym=bytes([int(service)]) * 12,
            serial=self.serial,
            expires_at=int(expires_at),
            entitled_until=entitled_until,
            device_key=device_key,
        )
        key = signer or self.keys[kid]
        signed = replace(credential, issuer_signature=key.sign(credential.signed_part()))
        phone.credentials[service.name] = signed.pack()
        return self.serial

    def signed_bundle(self) -> tuple[str, str]:
        def moment(seconds: float) -> datetime:
            return datetime.fromtimestamp(seconds, UTC)

        payload = bundle_payload(
            issued_at=moment(NOW),
            keys=[
                (
                    kid,
                    raw(key),
                    self.services[kid],
                    moment(self.windows[kid][0]),
                    moment(self.windows[kid][1]),
                )
                for kid, key in self.keys.items()
            ],
            revoked_serials=self.revoked,
        )
        return b64url(payload), b64url(self.root.sign(payload))

    def bundle(self) -> TrustBundle:
        payload, signature = self.signed_bundle()
        root_only = self.root.public_key()
        return TrustBundle.from_signed(payload, signature, root_key=root_only)


@pytest.fixture
def issuer() -> Issuer:
    return Issuer()


@pytest.fixture
def phone(issuer: Issuer) -> Phone:
    phone = Phone()
    for service in Service:
        issuer.credential(phone, service)
    return phone


def check(issuer: Issuer, text: str, *, service: Service = Service.transport, at: float = NOW, **kw: object):
    return verify(text, bundle=issuer.bundle(), service=service, now=at, **kw)  # type: ignore[arg-type]


def test_a_good_code_is_green_and_its_bytes_follow_the_contract(issuer: Issuer, phone: Phone) -> None:
    text = phone.code("transport", at=NOW)
    assert text.startswith("VC1:")
    code = from_text(text)
    assert len(code.pack()) == CODE_BYTES
    assert to_text(code.pack()) == text  # our base45 and the phone's agree
    fields = credential_fields(phone.credentials["transport"])
    assert fields["version"] == 1 and fields["service"] == 1 and fields["kid"] == 7
    result = check(issuer, text)
    assert (result.verdict, result.reason) == (Verdict.green, Reason.ok)


def test_a_screenshot_shown_41_seconds_later_is_stale(issuer: Issuer, phone: Phone) -> None:
    text = phone.code("transport", at=NOW)
    assert check(issuer, text, at=NOW + 40).verdict == Verdict.green  # the last second it is fresh
    result = check(issuer, text, at=NOW + 41)
    assert (result.verdict, result.reason) == (Verdict.red, Reason.stale_code)


def test_the_same_code_twice_online_is_replayed_also_with_its_signature_negated(
    issuer: Issuer, phone: Phone
) -> None:
    guard = MemoryReplayGuard()
    text = phone.code("transport", at=NOW)
    assert check(issuer, text, replays=guard).verdict == Verdict.green
    again = check(issuer, text, at=NOW + 5, replays=guard)
    assert (again.verdict, again.reason) == (Verdict.red, Reason.replayed)
    # (r, n − s) is as valid a signature as (r, s): the copy is caught by r.
    data = from_text(text).pack()
    order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    negated = data[:158] + (order - int.from_bytes(data[158:], "big")).to_bytes(32, "big")
    assert check(issuer, "VC1:" + base45(negated), at=NOW + 6).verdict == Verdict.green  # without memory
    copy = check(issuer, "VC1:" + base45(negated), at=NOW + 6, replays=guard)
    assert (copy.verdict, copy.reason) == (Verdict.red, Reason.replayed)
    # Another code of the same phone, ten seconds later, is a new code.
    assert (
        check(issuer, phone.code("transport", at=NOW + 10), at=NOW + 10, replays=guard).verdict
        == Verdict.green
    )


def test_every_single_byte_change_is_refused_without_a_crash(issuer: Issuer, phone: Phone) -> None:
    data = from_text(phone.code("transport", at=NOW)).pack()
    bundle = issuer.bundle()
    for offset in range(CODE_BYTES):
        for flip in (0x01, 0x80, 0xFF):
            changed = bytearray(data)
            changed[offset] ^= flip
            result = verify(
                "VC1:" + base45(bytes(changed)), bundle=bundle, service=Service.transport, now=NOW
            )
            assert result.verdict == Verdict.red, (offset, flip, result)


def test_broken_texts_are_malformed(issuer: Issuer, phone: Phone) -> None:
    text = phone.code("transport", at=NOW)
    data = from_text(text).pack()
    broken = [
        "",
        "VC1:",
        "VC2:" + text[4:],
        text.lower(),
        text[:-1],
        text + "00",
        text[:10] + "é" + text[11:],
        "VC1:" + base45(data[:-1]),
        "VC1:" + base45(data + b"\0"),
        "VC1:" + base45(bytes([0x20 | 1]) + data[1:]),  # version 2
        "VC1:" + base45(bytes([0x10]) + data[1:]),  # service 0
        "VC1:" + base45(bytes([0x14]) + data[1:]),  # service 4
        "VC1:GGW",  # not base45: over 65535
    ]
    for text_ in broken:
        result = check(issuer, text_)
        assert (result.verdict, result.reason) == (Verdict.red, Reason.malformed), text_


def test_a_library_code_at_the_gym_is_not_entitled_here(issuer: Issuer, phone: Phone) -> None:
    result = check(issuer, phone.code("library", at=NOW), service=Service.sport)
    assert (result.verdict, result.reason) == (Verdict.red, Reason.not_entitled_here)
    assert check(issuer, phone.code("library", at=NOW), service=Service.library).verdict == Verdict.green


def test_a_revoked_serial_is_refused(issuer: Issuer) -> None:
    phone = Phone()
    serial = issuer.credential(phone, Service.transport)
    issuer.revoked.add(serial)
    result = check(issuer, phone.code("transport", at=NOW))
    assert (result.verdict, result.reason) == (Verdict.red, Reason.revoked)


def test_an_entitlement_ends_at_the_end_of_its_day_in_paris(issuer: Issuer) -> None:
    phone = Phone()
    issuer.credential(phone, Service.sport, entitled_until=date(2026, 12, 3))
    assert check(issuer, phone.code("sport", at=NOW), service=Service.sport).reason == Reason.ok
    # 23:30 UTC on the 3rd is 00:30 on the 4th in Paris.
    late = datetime(2026, 12, 3, 23, 30, tzinfo=UTC).timestamp()
    issuer.windows[7] = (NOW - 86400, late + 86400)
    result = check(issuer, phone.code("sport", at=late), service=Service.sport, at=late)
    assert (result.verdict, result.reason) == (Verdict.red, Reason.expired_entitlement)


def test_an_expired_credential_is_refused(issuer: Issuer) -> None:
    phone = Phone()
    issuer.credential(phone, Service.transport, expires_at=NOW - 1)
    result = check(issuer, phone.code("transport", at=NOW))
    assert (result.verdict, result.reason) == (Verdict.red, Reason.expired_credential)


def test_unknown_keys(issuer: Issuer) -> None:
    phone = Phone()
    stranger = Ed25519PrivateKey.generate()
    issuer.credential(phone, Service.transport, kid=9, signer=stranger)  # a key id the bundle lacks
    assert check(issuer, phone.code("transport", at=NOW)).reason == Reason.unknown_key
    issuer.credential(phone, Service.transport)
    issuer.windows[7] = (NOW + 60, NOW + 86400)  # not yet in use
    assert check(issuer, phone.code("transport", at=NOW)).reason == Reason.unknown_key
    issuer.windows[7] = (NOW - 86400, NOW - 1)  # no longer
    assert check(issuer, phone.code("transport", at=NOW)).reason == Reason.unknown_key
    issuer.windows[7] = (NOW - 86400, NOW + 86400)
    issuer.services[7] = [Service.library]  # a key for the library only
    result = check(issuer, phone.code("transport", at=NOW))
    assert (result.verdict, result.reason) == (Verdict.red, Reason.unknown_key)


def test_a_credential_signed_by_another_key_under_a_known_id_is_a_bad_signature(issuer: Issuer) -> None:
    phone = Phone()
    issuer.credential(phone, Service.transport, signer=Ed25519PrivateKey.generate())
    result = check(issuer, phone.code("transport", at=NOW))
    assert (result.verdict, result.reason) == (Verdict.red, Reason.bad_signature)
    # A phone showing another phone's credential cannot sign for it.
    thief = Phone(credentials=dict(Phone().credentials))
    issuer.credential(phone, Service.transport)
    thief.credentials["transport"] = phone.credentials["transport"]
    assert check(issuer, thief.code("transport", at=NOW)).reason == Reason.bad_signature


def test_a_phone_clock_ahead(issuer: Issuer, phone: Phone) -> None:
    four = check(issuer, phone.code("transport", at=NOW + 240))
    assert (four.verdict, four.reason) == (Verdict.amber, Reason.clock_skew)
    six = check(issuer, phone.code("transport", at=NOW + 360))
    assert (six.verdict, six.reason) == (Verdict.red, Reason.clock_skew)
    assert check(issuer, phone.code("transport", at=NOW + 10)).reason == Reason.ok  # within 10 s
    assert check(issuer, phone.code("transport", at=NOW + 300)).verdict == Verdict.amber
    assert check(issuer, phone.code("transport", at=NOW + 310)).verdict == Verdict.red


def test_codes_under_the_old_and_the_new_key_both_verify(issuer: Issuer) -> None:
    old_phone, new_phone = Phone(), Phone()
    issuer.credential(old_phone, Service.transport, kid=7)
    issuer.keys[8] = Ed25519PrivateKey.generate()
    issuer.windows[8] = (NOW - 60, NOW + 86400 * 90)
    issuer.services[8] = list(Service)
    issuer.credential(new_phone, Service.transport, kid=8)
    assert check(issuer, old_phone.code("transport", at=NOW)).reason == Reason.ok
    assert check(issuer, new_phone.code("transport", at=NOW)).reason == Reason.ok


def test_the_bundle_is_trusted_only_with_the_root_keys_signature(issuer: Issuer) -> None:
    payload, signature = issuer.signed_bundle()
    bundle = TrustBundle.from_signed(payload, signature, root_key=issuer.root.public_key())
    assert set(bundle.issuer_keys) == {7}
    document = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    document["revoked_serials"] = []
    forged = b64url(json.dumps(document).encode())
    with pytest.raises(UntrustedBundle):
        TrustBundle.from_signed(forged, signature, root_key=issuer.root.public_key())
    with pytest.raises(UntrustedBundle):
        TrustBundle.from_signed(payload, signature, root_key=Ed25519PrivateKey.generate().public_key())
    with pytest.raises(UntrustedBundle):
        TrustBundle.from_signed(payload, "not base64!", root_key=issuer.root.public_key())
