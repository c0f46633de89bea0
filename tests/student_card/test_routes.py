"""The card over HTTP, on each database: the student office issues, the phone enrols, validators check online,
offline verifiers trust what the root key signs, and the student sees who checked the card."""

import base64
import io
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.auth.models import Role, User, ValidatorService
from api.student_card import keys, service
from api.student_card.format import Service, from_text
from api.student_card.models import Check, CheckCount, Entitlement, IssuerKey
from api.student_card.verifier import Reason, TrustBundle, Verdict, verify
from tests.factories import bearer, make_user, sign_in
from tests.student_card.phone import Phone, base45, credential_fields, unb64url

ADMIN = "/api/v1/admin/student-cards"
# The smallest PNG there is: one transparent pixel.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
PHOTO = "data:image/png;base64," + base64.b64encode(PNG).decode()


@dataclass
class Campus:
    admin: dict[str, str]
    student: dict[str, str]
    student_id: str
    validators: dict[str, dict[str, str]]


@pytest.fixture
def campus(client: TestClient, session: Session) -> Campus:
    admin = make_user(session, roles=[Role.admin])
    student = make_user(session, display_name="Inès Moreau")
    validators = {}
    for name in ValidatorService:
        user = make_user(session, roles=[Role.validator], service=name)
        validators[name.value] = bearer(sign_in(client, user.email))
    return Campus(
        admin=bearer(sign_in(client, admin.email)),
        student=bearer(sign_in(client, student.email)),
        student_id=str(student.id),
        validators=validators,
    )


def card_body(campus: Campus, **changes: Any) -> dict[str, Any]:
    year_end = (datetime.now(UTC) + timedelta(days=200)).date()
    body = {
        "user_id": campus.student_id,
        "institution": "Université Grenoble Alpes — campus de Valence",
        "student_number": "22301457",
        "valid_until": year_end.isoformat(),
        "photo": PHOTO,
        "entitlements": [
            {"service": "transport", "valid_until": year_end.isoformat()},
            {"service": "library", "valid_until": year_end.isoformat()},
            {"service": "sport", "valid_until": (year_end - timedelta(days=30)).isoformat()},
        ],
    }
    return {**body, **changes}


def issue(client: TestClient, campus: Campus, **changes: Any) -> dict[str, Any]:
    response = client.post(ADMIN, json=card_body(campus, **changes), headers=campus.admin)
    assert response.status_code == 201, response.text
    card: dict[str, Any] = response.json()
    return card


def enrol(client: TestClient, campus: Campus, phone: Phone, *, compressed: bool = False) -> dict[str, Any]:
    response = client.post(
        "/api/v1/me/student-card/credentials",
        json={"device_public_key": phone.public_key(compressed=compressed)},
        headers=campus.student,
    )
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    phone.keep(answer)
    return answer


def check(client: TestClient, campus: Campus, text: str, *, at: str = "transport") -> dict[str, Any]:
    response = client.post("/api/v1/student-cards/verify", json={"qr": text}, headers=campus.validators[at])
    assert response.status_code == 200, response.text
    verdict: dict[str, Any] = response.json()
    return verdict


def test_issue_enrol_and_a_green_check_with_the_photo(client: TestClient, campus: Campus) -> None:
    card = issue(client, campus)
    assert card["status"] == "active" and card["student_number"] == "22301457"
    mine = client.get("/api/v1/me/student-card", headers=campus.student).json()
    assert mine["institution"].startswith("Université") and "student_number" not in mine
    assert [e["service"] for e in mine["entitlements"]] == ["transport", "library", "sport"]
    assert client.get(mine["photo_url"]).content == PNG

    phone = Phone()
    answer = enrol(client, campus, phone)
    assert sorted(phone.credentials) == ["library", "sport", "transport"]
    expires = datetime.fromisoformat(answer["expires_at"])
    server_time = datetime.fromisoformat(answer["server_time"])
    assert timedelta(days=13, hours=23) < expires - server_time <= timedelta(days=14)

    verdict = check(client, campus, phone.code("transport", at=time.time()))
    assert (verdict["verdict"], verdict["reason"], verdict["service"]) == ("green", "ok", "transport")
    assert verdict["message"] == "Carte valide pour ce service."
    photo = client.get(verdict["photo_url"])
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/png"


def test_the_code_tells_each_service_nothing_more_than_a_pseudonym_of_its_own(
    client: TestClient, campus: Campus, session: Session
) -> None:
    card = issue(client, campus)
    phone = Phone()
    enrol(client, campus, phone, compressed=True)
    fields = {name: credential_fields(credential) for name, credential in phone.credentials.items()}
    assert len({f["pseudonym"] for f in fields.values()}) == 3
    assert {f["service"] for f in fields.values()} == {1, 2, 3}
    for name, credential in phone.credentials.items():
        text = phone.code(name, at=time.time())
        for secret in (b"22301457", "Inès".encode(), b"Moreau", bytes.fromhex(card["id"].replace("-", ""))):
            assert secret not in credential and secret.decode(errors="ignore") not in text
    stored = session.exec(select(Entitlement)).all()
    assert {row.pseudonym for row in stored} == {f["pseudonym"] for f in fields.values()}


def test_the_same_code_twice_is_replayed_and_a_library_code_at_the_gym_is_refused(
    client: TestClient, campus: Campus
) -> None:
    issue(client, campus)
    phone = Phone()
    enrol(client, campus, phone)
    text = phone.code("library", at=time.time())
    assert check(client, campus, text, at="library")["verdict"] == "green"
    again = check(client, campus, text, at="library")
    assert (
        (again["verdict"], again["reason"]) == ("red", "replayed")
        and "photo_url" not in again
        or again["photo_url"] is None
    )
    gym = check(client, campus, phone.code("library", at=time.time()), at="sport")
    assert (gym["verdict"], gym["reason"]) == ("red", "not_entitled_here")
    assert gym["photo_url"] is None


def test_a_screenshot_is_stale_and_a_fast_clock_amber(client: TestClient, campus: Campus) -> None:
    issue(client, campus)
    phone = Phone()
    enrol(client, campus, phone)
    old = check(client, campus, phone.code("transport", at=time.time() - 60))
    assert (old["verdict"], old["reason"]) == ("red", "stale_code")
    fast = check(client, campus, phone.code("transport", at=time.time() + 240))
    assert (fast["verdict"], fast["reason"]) == ("amber", "clock_skew") and fast["photo_url"]


def test_suspend_resume_revoke(client: TestClient, campus: Campus) -> None:
    card = issue(client, campus)
    phone = Phone()
    enrol(client, campus, phone)
    suspended = client.post(f"{ADMIN}/{card['id']}/suspend", headers=campus.admin)
    assert suspended.status_code == 200 and suspended.json()["status"] == "suspended"
    refused = check(client, campus, phone.code("transport", at=time.time()))
    assert (refused["verdict"], refused["reason"]) == ("red", "revoked")
    blocked = client.post(
        "/api/v1/me/student-card/credentials",
        json={"device_public_key": phone.public_key()},
        headers=campus.student,
    )
    assert blocked.status_code == 409 and "suspendue" in blocked.json()["detail"]

    assert client.post(f"{ADMIN}/{card['id']}/resume", headers=campus.admin).json()["status"] == "active"
    assert (
        check(client, campus, phone.code("transport", at=time.time()))["reason"] == "revoked"
    )  # old serials
    enrol(client, campus, phone)  # the next sync
    assert check(client, campus, phone.code("transport", at=time.time()))["verdict"] == "green"

    revoked = client.post(f"{ADMIN}/{card['id']}/revoke", headers=campus.admin)
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert revoked.json()["devices"] == 0
    assert check(client, campus, phone.code("transport", at=time.time()))["reason"] == "revoked"
    again = client.post(f"{ADMIN}/{card['id']}/resume", headers=campus.admin)
    assert again.status_code == 409


def test_a_new_phone_or_a_lost_one_revokes_the_old_credentials(client: TestClient, campus: Campus) -> None:
    issue(client, campus)
    old, new = Phone(), Phone()
    enrol(client, campus, old)
    enrol(client, campus, old)  # a silent renewal keeps the phone
    assert check(client, campus, old.code("transport", at=time.time()))["verdict"] == "green"
    enrol(client, campus, new)
    assert check(client, campus, old.code("transport", at=time.time() + 10))["reason"] == "revoked"
    assert check(client, campus, new.code("transport", at=time.time() + 10))["verdict"] == "green"

    lost = client.post(
        "/api/v1/me/student-card/devices/revoke", json={"reason": "lost"}, headers=campus.student
    )
    assert lost.status_code == 200 and lost.json()["devices"] == 0
    assert check(client, campus, new.code("sport", at=time.time() + 20), at="sport")["reason"] == "revoked"


def test_offline_verifiers_trust_what_the_root_key_signs_and_learn_revocations(
    client: TestClient, campus: Campus
) -> None:
    issue(client, campus)
    old, new = Phone(), Phone()
    enrol(client, campus, old)
    enrol(client, campus, new)  # the old phone's serials are revoked
    root = Ed25519PublicKey.from_public_bytes(
        unb64url(client.get("/api/v1/student-cards/root-key").json()["public_key"])
    )
    signed = client.get("/api/v1/student-cards/trust-bundle").json()
    bundle = TrustBundle.from_signed(signed["payload"], signed["signature"], root_key=root)
    now = time.time()
    assert (
        verify(new.code("transport", at=now), bundle=bundle, service=Service.transport, now=now).verdict
        == Verdict.green
    )
    stale = verify(old.code("transport", at=now), bundle=bundle, service=Service.transport, now=now)
    assert stale.reason == Reason.revoked
    assert credential_fields(old.credentials["transport"])["serial"] in bundle.revoked_serials


def test_a_rotation_keeps_codes_under_both_keys_valid(
    client: TestClient, campus: Campus, session: Session
) -> None:
    issue(client, campus)
    first = Phone()
    enrol(client, campus, first)
    now = datetime.now(UTC)
    upcoming = keys.rotate(session, now=now)
    assert keys.rotate(session, now=now).kid == upcoming.kid  # safe to run twice
    assert upcoming.signs_from == now + keys.LEAD  # published ahead of its first signature
    root = keys.root_public_key(session)
    signed = client.get("/api/v1/student-cards/trust-bundle").json()
    assert (
        upcoming.kid
        in TrustBundle.from_signed(signed["payload"], signed["signature"], root_key=root).issuer_keys
    )
    # Three days later the new key's turn has come: move both periods back rather than the clock forward.
    for key in session.exec(select(IssuerKey)).all():
        key.signs_from -= keys.LEAD + timedelta(seconds=1)
        key.signs_until -= keys.LEAD + timedelta(seconds=1)
        session.add(key)
    session.commit()
    other = make_user(session)
    other_campus = Campus(
        campus.admin, bearer(sign_in(client, other.email)), str(other.id), campus.validators
    )
    issue(client, other_campus, student_number="22309999")
    second = Phone()
    enrol(client, other_campus, second)
    kids = [credential_fields(phone.credentials["transport"])["kid"] for phone in (first, second)]
    assert kids == [upcoming.kid - 1, upcoming.kid]
    signed = client.get("/api/v1/student-cards/trust-bundle").json()
    bundle = TrustBundle.from_signed(signed["payload"], signed["signature"], root_key=root)
    t = time.time()
    for phone in (first, second):
        result = verify(phone.code("transport", at=t), bundle=bundle, service=Service.transport, now=t)
        assert result.reason == Reason.ok
        assert check(client, campus, phone.code("transport", at=t))["verdict"] == "green"


def test_the_student_sees_who_checked_and_checks_become_counts_after_48_hours(
    client: TestClient, campus: Campus, session: Session
) -> None:
    issue(client, campus)
    phone = Phone()
    enrol(client, campus, phone)
    check(client, campus, phone.code("transport", at=time.time()))
    check(client, campus, phone.code("sport", at=time.time()), at="sport")
    check(client, campus, phone.code("library", at=time.time() - 120), at="library")
    history = client.get("/api/v1/me/student-card/checks?limit=2", headers=campus.student).json()
    assert [c["service"] for c in history["results"]] == ["library", "sport"]
    assert history["results"][0]["reason"] == "stale_code"
    rest = client.get(
        f"/api/v1/me/student-card/checks?limit=2&cursor={history['next_cursor']}", headers=campus.student
    )
    assert [c["service"] for c in rest.json()["results"]] == ["transport"]

    later = datetime.now(UTC) + timedelta(hours=49)
    purged = service.purge(session=session, now=later)
    assert purged.checks_counted == 3
    assert service.purge(session=session, now=later).checks_counted == 0  # safe to run twice
    assert session.exec(select(Check)).all() == []
    counts = {(c.service, c.verdict, c.reason): c.count for c in session.exec(select(CheckCount)).all()}
    assert counts == {(1, "green", "ok"): 1, (3, "green", "ok"): 1, (2, "red", "stale_code"): 1}


def test_refusals_say_what_to_do(client: TestClient, campus: Campus) -> None:
    assert client.get("/api/v1/me/student-card", headers=campus.student).status_code == 404
    cases = [
        ({"photo": "data:image/gif;base64,R0lGOD"}, "photo"),
        (
            {"photo": "data:image/png;base64," + base64.b64encode(b"\xff\xd8\xff" + b"0" * 10).decode()},
            "photo",
        ),
        (
            {
                "photo": "data:image/jpeg;base64,"
                + base64.b64encode(b"\xff\xd8\xff" + b"0" * 210_000).decode()
            },
            "photo",
        ),
        ({"valid_until": "2020-01-01"}, "valid_until"),
        ({"valid_until": "9999-12-31"}, "valid_until"),
        ({"valid_until": 0}, "valid_until"),
        (
            {"entitlements": [{"service": "transport", "valid_until": "2020-01-01"}]},
            "entitlements[0].valid_until",
        ),
        ({"entitlements": []}, "entitlements"),
        (
            {"entitlements": [{"service": "transport", "valid_until": "2099-01-01"}]},
            "entitlements[0].valid_until",
        ),
        ({"entitlements": [{"service": "piscine", "valid_until": "2027-01-01"}]}, "entitlements.0.service"),
    ]
    for change, field in cases:
        response = client.post(ADMIN, json=card_body(campus, **change), headers=campus.admin)
        assert response.status_code == 422, (change, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert field in {e["field"] for e in response.json()["errors"]}, response.json()
    issue(client, campus)
    twice = client.post(ADMIN, json=card_body(campus), headers=campus.admin)
    assert twice.status_code == 409 and "renouvelez" in twice.json()["detail"]
    assert client.post(ADMIN, json=card_body(campus), headers=campus.student).status_code == 403
    bad_key = client.post(
        "/api/v1/me/student-card/credentials", json={"device_public_key": "A" * 60}, headers=campus.student
    )
    assert bad_key.status_code == 422 and "P-256" in bad_key.json()["errors"][0]["detail"]
    not_a_validator = client.post("/api/v1/student-cards/verify", json={"qr": "VC1:"}, headers=campus.student)
    assert not_a_validator.status_code == 403
    assert check(client, campus, "bonjour")["reason"] == "malformed"
    assert client.get("/api/v1/student-cards/photos/abc").status_code == 404


def test_photo_links_expire(client: TestClient, campus: Campus, session: Session) -> None:
    card = issue(client, campus)
    link = client.get("/api/v1/me/student-card", headers=campus.student).json()["photo_url"]
    token = link.rsplit("/", 1)[1]
    assert client.get(link).status_code == 200
    later = datetime.now(UTC) + service.PHOTO_URL_LIFETIME + timedelta(seconds=5)
    with pytest.raises(Exception, match="expiré"):
        service.photo_for(session, token=token, now=later)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(f"/api/v1/student-cards/photos/{forged}").status_code == 404
    assert card["photo_url"]


def test_renewal_shortening_a_service_revokes_its_credentials(client: TestClient, campus: Campus) -> None:
    card = issue(client, campus)
    phone = Phone()
    enrol(client, campus, phone)
    body = card_body(campus)
    renewed = client.post(
        f"{ADMIN}/{card['id']}/renew",
        json={"valid_until": body["valid_until"], "entitlements": body["entitlements"][:2]},
        headers=campus.admin,
    )
    assert renewed.status_code == 200
    assert [e["service"] for e in renewed.json()["entitlements"]] == ["transport", "library"]
    assert check(client, campus, phone.code("sport", at=time.time()), at="sport")["reason"] == "revoked"
    assert check(client, campus, phone.code("transport", at=time.time()))["verdict"] == "green"
    assert date.fromisoformat(renewed.json()["valid_until"]) > date.today()
    assert io.BytesIO(PNG).read(4) == b"\x89PNG"


def test_the_demo_student_can_show_a_code_that_each_demo_validator_checks(
    client: TestClient, session: Session
) -> None:
    from api.student_card import demo as card_demo

    admin = make_user(session, roles=[Role.admin])
    card_demo.ensure_demo_card(session=session, issued_by=admin.id, now=datetime.now(UTC))
    card_demo.ensure_demo_card(session=session, issued_by=admin.id, now=datetime.now(UTC))  # idempotent
    session.commit()
    email, password, _ = card_demo.STUDENT
    student = bearer(sign_in(client, email, password))
    mine = client.get("/api/v1/me/student-card", headers=student).json()
    assert mine["status"] == "active" and len(mine["entitlements"]) == 3
    assert client.get(mine["photo_url"]).content.startswith(b"\x89PNG")
    phone = Phone()
    answer = client.post(
        "/api/v1/me/student-card/credentials", json={"device_public_key": phone.public_key()}, headers=student
    )
    phone.keep(answer.json())
    for validator_service, validator_email, validator_password, _ in card_demo.VALIDATORS:
        validator = bearer(sign_in(client, validator_email, validator_password))
        text = phone.code(validator_service.value, at=time.time())
        verdict = client.post("/api/v1/student-cards/verify", json={"qr": text}, headers=validator).json()
        assert verdict["verdict"] == "green", (validator_service, verdict)


def test_the_student_office_may_name_the_account_by_its_email(
    client: TestClient, campus: Campus, session: Session
) -> None:
    student = session.get(User, uuid.UUID(campus.student_id))
    assert student is not None
    body = card_body(campus)
    del body["user_id"]
    unknown = client.post(ADMIN, json={**body, "email": "personne@example.fr"}, headers=campus.admin)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "email"
    neither = client.post(ADMIN, json=body, headers=campus.admin)
    assert neither.status_code == 422 and "e-mail" in neither.text
    both = client.post(
        ADMIN, json={**body, "email": student.email, "user_id": campus.student_id}, headers=campus.admin
    )
    assert both.status_code == 422
    issued = client.post(ADMIN, json={**body, "email": student.email.upper()}, headers=campus.admin)
    assert issued.status_code == 201, issued.text
    assert issued.json()["user_id"] == campus.student_id


def test_a_forged_code_is_not_put_in_the_students_history(client: TestClient, campus: Campus) -> None:
    issue(client, campus)
    phone = Phone()
    enrol(client, campus, phone)
    data = bytearray(from_text(phone.code("transport", at=time.time())).pack())
    data[-1] ^= 0x01  # the phone's signature no longer holds: the pseudonym in it proves nothing
    forged = check(client, campus, "VC1:" + base45(bytes(data)))
    assert (forged["verdict"], forged["reason"]) == ("red", "bad_signature")
    assert check(client, campus, phone.code("transport", at=time.time()))["verdict"] == "green"
    history = client.get("/api/v1/me/student-card/checks", headers=campus.student).json()["results"]
    assert [c["reason"] for c in history] == ["ok"]
