"""Server keys are sealed under the server secret: unreadable without it, bound to their name, made once."""

import pytest
from sqlmodel import Session

from api import keystore
from api.config import get_settings
from api.keystore import KeyPair, KeystoreLocked, ServerKey


def test_a_sealed_key_opens_only_with_its_secret_and_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    sealed = keystore.seal(b"private part", name="push.vapid")
    assert b"private part" not in sealed
    assert keystore.unseal(sealed, name="push.vapid") == b"private part"
    with pytest.raises(KeystoreLocked, match="rétablir sa clé secrète"):
        keystore.unseal(sealed, name="student_card.root")
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(KeystoreLocked):
        keystore.unseal(tampered, name="push.vapid")
    monkeypatch.setattr(get_settings(), "secret_key", "another secret of the right length, 0123456789")
    with pytest.raises(KeystoreLocked):
        keystore.unseal(sealed, name="push.vapid")


def test_a_named_key_is_made_once_and_stored_sealed(session: Session) -> None:
    made = []

    def make() -> KeyPair:
        made.append(1)
        return KeyPair(public=b"public", private=b"private %d" % len(made))

    first = keystore.named_key(session, "test.key", make)
    again = keystore.named_key(session, "test.key", make)
    assert first == again == KeyPair(public=b"public", private=b"private 1") and len(made) == 1
    stored = session.get(ServerKey, "test.key")
    assert stored is not None and b"private" not in stored.sealed_private
