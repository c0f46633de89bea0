"""Access tokens: verified once per process, but never accepted past their expiry."""

import time
import uuid

import pytest

from api.auth import tokens
from api.db import utcnow


def test_a_cached_token_still_expires_on_time(monkeypatch: pytest.MonkeyPatch) -> None:
    token, lifetime_s = tokens.create_access_token(
        user_id=uuid.uuid4(), login_id=uuid.uuid4(), roles=["shopper"], service=None, now=utcnow()
    )
    assert tokens.decode_access_token(token).roles == ("shopper",)
    later = time.time() + lifetime_s + 1
    monkeypatch.setattr(tokens.time, "time", lambda: later)
    with pytest.raises(tokens.InvalidAccessToken):
        tokens.decode_access_token(token)


def test_a_tampered_token_is_refused_even_after_the_genuine_one_was_cached() -> None:
    token, _ = tokens.create_access_token(
        user_id=uuid.uuid4(), login_id=uuid.uuid4(), roles=["shopper"], service=None, now=utcnow()
    )
    tokens.decode_access_token(token)
    header, payload, signature = token.split(".")
    with pytest.raises(tokens.InvalidAccessToken):
        tampered = ("B" if signature[0] == "A" else "A") + signature[1:]
        tokens.decode_access_token(f"{header}.{payload}.{tampered}")
