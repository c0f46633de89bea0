"""Student card figures (issue 13): offline verifications per second on one core, and the online verify route
under 16 concurrent checkers through a real `valence serve`.

Offline: the reference verifier (api/student_card/verifier.py) on codes made by phones of a second
implementation (tests/student_card/phone.py), with a root-signed trust bundle, on one core (this process is
pinned to core 0 when it can be). Its ceiling is measured in the same run: the raw Ed25519 verify of the
credential plus the raw ECDSA P-256 verify of the code, keys already loaded, nothing else. Each figure is the
best of --rounds rounds (the machine is shared: the best round is the one least disturbed), with the median.

Online: a fresh database per backend with --students students, each with a card and an enrolled phone, and a
validator per service; 16 clients, each on a keep-alive connection, POST /api/v1/student-cards/verify one
after another with a code made just before (every code a new one, as on a bus), for the service of their
validator. Printed: verifications per second, p50 / p99 latency, the verdicts the checks table recorded
(every code is fresh, so anything but green is a failure), API CPU per verification.

Usage: .venv/bin/python -m bench.card [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
       [--codes 3000] [--rounds 5] [--checks 3000] [--students 64] [--clients 16] [--workers 1]
"""

import argparse
import asyncio
import base64
import os
import secrets
import shlex
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import orjson
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import func, select
from sqlmodel import Session, col

from api.auth.models import Role, ValidatorService
from api.migrate import upgrade
from api.student_card.format import Credential, Service, from_text
from api.student_card.models import Check
from api.student_card.verifier import MemoryReplayGuard, TrustBundle, Verdict, bundle_payload, verify
from bench.loyalty import Earn, _cpu_seconds, _drive, _request
from tests import databases
from tests.databases import fresh_database
from tests.factories import make_user
from tests.load import percentile
from tests.loyalty.town import Person, engine_for, serve, sign_in
from tests.student_card.phone import Phone, b64url

API = "/api/v1"


# --- offline -------------------------------------------------------------------------------------


def _offline_codes(count: int, now: float) -> tuple[TrustBundle, list[str]]:
    """A bundle with one issuer key, and `count` codes from 50 phones, all made at `now`."""
    root, issuer = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    moment = datetime.fromtimestamp(now, UTC)
    issuer_public = issuer.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    payload = bundle_payload(
        issued_at=moment,
        keys=[(1, issuer_public, list(Service), moment - timedelta(days=1), moment + timedelta(days=90))],
        revoked_serials=range(1, 2000, 7),
    )
    bundle = TrustBundle.from_signed(b64url(payload), b64url(root.sign(payload)), root_key=root.public_key())
    phones = []
    for serial in range(2000, 2050):
        phone = Phone()
        device_key = base64.urlsafe_b64decode(phone.public_key(compressed=True) + "=")
        credential = Credential(
            service=Service.transport,
            kid=1,
            pseudonym=secrets.token_bytes(12),
            serial=serial,
            expires_at=int(now) + 14 * 86400,
            entitled_until=(moment + timedelta(days=200)).date(),
            device_key=device_key,
        )
        signed = replace(credential, issuer_signature=issuer.sign(credential.signed_part()))
        phone.credentials["transport"] = signed.pack()
        phones.append(phone)
    return bundle, [phones[n % len(phones)].code("transport", at=now) for n in range(count)]


def _raw_rate(bundle: TrustBundle, codes: list[str]) -> float:
    """Ed25519 + ECDSA P-256 verifies per second, keys loaded beforehand: the ceiling of any verifier."""
    prepared = []
    for text in codes:
        code = from_text(text)
        device = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), code.credential.device_key)
        signature = code.device_signature
        der = encode_dss_signature(
            int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        )
        issuer = bundle.issuer_keys[code.credential.kid].public_key
        prepared.append(
            (
                issuer,
                code.credential.issuer_signature,
                code.credential.signed_part(),
                device,
                der,
                code.device_signed_part(),
            )
        )
    started = time.perf_counter()
    for issuer, issuer_signature, signed, device, der, device_signed in prepared:
        issuer.verify(issuer_signature, signed)
        device.verify(der, device_signed, ec.ECDSA(hashes.SHA256()))
    return len(prepared) / (time.perf_counter() - started)


def _verifier_rate(bundle: TrustBundle, codes: list[str], now: float, *, with_memory: bool) -> float:
    guard = MemoryReplayGuard() if with_memory else None
    started = time.perf_counter()
    for text in codes:
        result = verify(text, bundle=bundle, service=Service.transport, now=now, replays=guard)
        assert result.verdict == Verdict.green, result
    return len(codes) / (time.perf_counter() - started)


def offline(args: argparse.Namespace) -> None:
    now = time.time()
    bundle, codes = _offline_codes(args.codes, now)
    rounds: dict[str, list[float]] = {"raw": [], "verify": [], "verify+memory": []}
    for _ in range(args.rounds):
        rounds["raw"].append(_raw_rate(bundle, codes))
        rounds["verify"].append(_verifier_rate(bundle, codes, now, with_memory=False))
        rounds["verify+memory"].append(_verifier_rate(bundle, codes, now, with_memory=True))
    ceiling = max(rounds["raw"])
    print(f"offline, one core, {len(codes)} codes × {args.rounds} rounds (best / median per second):")
    labels = {
        "raw": "raw Ed25519 + P-256 verify (ceiling)",
        "verify": "verifier (bundle, all checks)",
        "verify+memory": "verifier + replay memory",
    }
    for name, rates in rounds.items():
        share = "" if name == "raw" else f"   {max(rates) / ceiling:.0%} of the ceiling"
        print(f"  {labels[name]:<38}{max(rates):>8.0f} / {statistics.median(rates):>6.0f}{share}")


# --- online --------------------------------------------------------------------------------------


def _people(url: str, students: int) -> tuple[Person, list[Person], dict[str, Person]]:
    run = secrets.token_hex(3)
    with engine_for(url) as engine, Session(engine, expire_on_commit=False) as session:
        admin = make_user(session, email=f"scolarite-{run}@example.fr", roles=[Role.admin])
        people = [make_user(session, email=f"etu-{run}-{n}@example.fr") for n in range(students)]
        validators = {
            name.value: make_user(
                session, email=f"controle-{name.value}-{run}@example.fr", roles=[Role.validator], service=name
            )
            for name in ValidatorService
        }
    return (
        Person(admin.id, admin.email, (Role.admin.value,)),
        [Person(p.id, p.email, (Role.shopper.value,)) for p in people],
        {name: Person(v.id, v.email, (Role.validator.value,)) for name, v in validators.items()},
    )


def _enrol(base_url: str, admin: Person, students: list[Person]) -> list[Phone]:
    until = (datetime.now(UTC) + timedelta(days=200)).date().isoformat()
    phones = []
    with httpx.Client(base_url=base_url + API, timeout=60) as http:
        for n, student in enumerate(students):
            card = {
                "user_id": str(student.user_id),
                "institution": "Université Grenoble Alpes — campus de Valence",
                "student_number": f"2230{n:04d}",
                "valid_until": until,
                "entitlements": [{"service": name.value, "valid_until": until} for name in ValidatorService],
            }
            assert http.post("/admin/student-cards", json=card, headers=admin.headers).status_code == 201
            phone = Phone()
            answer = http.post(
                "/me/student-card/credentials",
                json={"device_public_key": phone.public_key()},
                headers=student.headers,
            )
            assert answer.status_code == 201, answer.text
            phone.keep(answer.json())
            phones.append(phone)
    return phones


def _checks(base_url: str, phones: list[Phone], validators: dict[str, Person], count: int) -> list[Earn]:
    services = [name.value for name in ValidatorService]
    requests = []
    now = time.time()
    for n in range(count):
        service = services[n % len(services)]
        body = orjson.dumps({"qr": phones[n % len(phones)].code(service, at=now)})
        requests.append(
            Earn(_request("POST", base_url, f"{API}/student-cards/verify", validators[service].headers, body))
        )
    return requests


def _verdicts(url: str) -> dict[str, int]:
    with engine_for(url) as engine, Session(engine) as session:
        rows = session.execute(select(col(Check.verdict), func.count()).group_by(col(Check.verdict))).all()
    return {str(verdict): int(count) for verdict, count in rows}


def online(backend: str, args: argparse.Namespace) -> str:
    with tempfile.TemporaryDirectory() as tmp, fresh_database(backend, Path(tmp)) as url:
        upgrade(url)
        admin, students, validators = _people(url, args.students)
        with serve(url, Path(tmp), workers=args.workers, VALENCE_LOG_LEVEL="WARNING") as server:
            sign_in(server.base_url, [admin, *students, *validators.values()])
            phones = _enrol(server.base_url, admin, students)
            asyncio.run(
                _drive(server.base_url, _checks(server.base_url, phones, validators, 300), args.clients)
            )
            warm = _verdicts(url)
            timed = _checks(server.base_url, phones, validators, args.checks)
            cpu = _cpu_seconds(server.process.pid)
            run = asyncio.run(_drive(server.base_url, timed, args.clients))
            cpu = _cpu_seconds(server.process.pid) - cpu
        verdicts = Counter(_verdicts(url))
        verdicts.subtract(warm)
    statuses = ", ".join(f"{status}×{n}" for status, n in sorted(run.statuses.items()))
    shown = ", ".join(f"{verdict}×{n}" for verdict, n in sorted(verdicts.items()) if n)
    return (
        f"{backend:<11}{args.workers:>5}{args.clients:>8}{len(timed):>7}{run.rate:>8.0f}"
        f"{percentile(run.latencies_ms, 0.5):>8.1f} /{percentile(run.latencies_ms, 0.99):>6.1f}"
        f"{cpu * 1000 / len(timed):>9.2f}   {statuses:<10}  {shown}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres-url", help="a PostgreSQL server URL; a fresh database is made on it")
    parser.add_argument("--codes", type=int, default=3000, help="offline: codes per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--checks", type=int, default=3000, help="online: timed verifications")
    parser.add_argument("--students", type=int, default=64)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("VALENCE_SECRET_KEY", secrets.token_urlsafe(48))
    os.environ.setdefault("VALENCE_ARGON2_MEMORY_KIB", "8192")
    os.environ.setdefault("VALENCE_ARGON2_TIME_COST", "1")
    if (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {0})  # offline: one core; online: the clients stay on it
    print("$ " + shlex.join([Path(sys.executable).name, "-m", "bench.card", *sys.argv[1:]]))
    offline(args)
    backends = ["sqlite"]
    if args.postgres_url:
        databases.POSTGRES_URL = args.postgres_url
        backends.append("postgresql")
    print(f"online, {args.students} students, a validator per service (server not pinned):")
    print(
        f"{'database':<11}{'proc':>5}{'clients':>8}{'checks':>7}{'per s':>8}{'p50 / p99 ms':>16}"
        f"{'API cpu':>9}   answers     verdicts"
    )
    for backend in backends:
        print(online(backend, args), flush=True)


if __name__ == "__main__":
    main()
