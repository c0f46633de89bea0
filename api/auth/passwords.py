"""Argon2id password hashing (parameters from settings, rehash when they change)."""

import asyncio
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import TypeVar

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

# Hashing is CPU work, tens of milliseconds each. It runs in threads of its own, at most half the cores, and
# at a lower CPU priority (Linux lets a thread have its own niceness): a burst of sign-ups or sign-ins then
# takes what the CPU has left, while /health, reads and writes go first.
HASHING_NICENESS = 10


def _lower_priority() -> None:
    if sys.platform == "linux":
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASHING_NICENESS)


@lru_cache
def _hashing_threads() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(
        max_workers=max(1, (os.cpu_count() or 2) // 2),
        thread_name_prefix="password-hashing",
        initializer=_lower_priority,
    )


async def in_hashing_thread(work: Callable[[], T]) -> T:
    """Runs a hash or a verification off the event loop, in the threads kept for hashing."""
    return await asyncio.get_running_loop().run_in_executor(_hashing_threads(), work)


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
