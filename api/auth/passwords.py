"""Argon2id password hashing (parameters from settings, rehash when they change)."""

import os
from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from api.config import get_settings


@lru_cache
def _hasher() -> PasswordHasher:
    settings = get_settings()
    return PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
    )


T = TypeVar("T")

# Hashing is CPU work: more threads than cores only queue it, and in the shared pool it would keep reads and
# /health waiting behind a burst of sign-ups. One limiter per event loop, as anyio's own default.
_hashing_threads: RunVar[anyio.CapacityLimiter] = RunVar("password_hashing_threads")


def _hashing_limiter() -> anyio.CapacityLimiter:
    try:
        return _hashing_threads.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(max(2, os.cpu_count() or 2))
        _hashing_threads.set(limiter)
        return limiter


async def in_hashing_thread(work: Callable[[], T]) -> T:
    """Runs a hash or a verification off the event loop, in the threads kept for hashing."""
    return await anyio.to_thread.run_sync(work, limiter=_hashing_limiter())


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


@lru_cache
def dummy_hash() -> str:
    """A hash to verify against when the account does not exist, so timing does not reveal it."""
    return hash_password("not-a-real-password-for-timing-only")
