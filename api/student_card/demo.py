"""What the student card adds to the demo: a student whose card opens the bus, the library and the gym, and
one validator per service, so that a new checkout can show a code on one phone and check it on another."""

import base64
import struct
import uuid
import zlib
from collections.abc import Callable
from datetime import date, datetime

from sqlmodel import Session, col, select

from api.auth import demo as accounts_demo
from api.auth.models import Role, ValidatorService
from api.student_card import service
from api.student_card.models import CardCreate, CardRenew, CardStatus, EntitlementIn, StudentCard
from api.student_card.verifier import PARIS

STUDENT = ("etudiante@demo.coeurdevalence.fr", "demo-etudiante-valence", "Léa Girard")
VALIDATORS = (
    (
        ValidatorService.transport,
        "controle.bus@demo.coeurdevalence.fr",
        "demo-bus-valence",
        "Contrôle bus démo",
    ),
    (
        ValidatorService.library,
        "accueil.bibliotheque@demo.coeurdevalence.fr",
        "demo-bibliotheque-valence",
        "Accueil médiathèque démo",
    ),
    (
        ValidatorService.sport,
        "accueil.sport@demo.coeurdevalence.fr",
        "demo-sport-valence",
        "Accueil gymnase démo",
    ),
)
INSTITUTION = "Université Grenoble Alpes — campus de Valence"
STUDENT_NUMBER = "DEMO-22304518"


def academic_year_end(now: datetime) -> date:
    """31 August of the academic year under way (Paris)."""
    today = now.astimezone(PARIS).date()
    return date(today.year + (1 if today.month >= 9 else 0), 8, 31)


def _png(width: int, height: int, pixel: Callable[[int, int], int]) -> bytes:
    """A greyscale PNG (RFC 2083): the demo's photo is drawn here rather than shipped as a file."""
    rows = b"".join(b"\0" + bytes(pixel(x, y) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def demo_photo() -> bytes:
    """A portrait silhouette: a head and shoulders on a light background."""
    width, height = 150, 190

    def pixel(x: int, y: int) -> int:
        head = (x - 75) ** 2 / 33**2 + (y - 72) ** 2 / 40**2 <= 1
        shoulders = y > 125 and (x - 75) ** 2 / 70**2 + (y - 200) ** 2 / 75**2 <= 1
        return 70 if head or shoulders else 225

    return _png(width, height, pixel)


def ensure_demo_card(
    *, session: Session, issued_by: uuid.UUID, now: datetime
) -> list[accounts_demo.DemoAccount]:
    """The demo student's card (issued, or renewed when its year has ended) and the validators' accounts."""
    email, password, name = STUDENT
    student = accounts_demo.ensure_account(
        session, role=Role.shopper, email=email, password=password, display_name=name
    )
    validators = [
        accounts_demo.ensure_account(
            session,
            role=Role.validator,
            email=v_email,
            password=v_password,
            display_name=v_name,
            service=v_service,
        )
        for v_service, v_email, v_password, v_name in VALIDATORS
    ]
    until = academic_year_end(now)
    entitlements = [EntitlementIn(service=name.value, valid_until=until) for name in ValidatorService]
    card = session.exec(
        select(StudentCard).where(
            col(StudentCard.user_id) == student.user_id, col(StudentCard.status) != CardStatus.revoked.value
        )
    ).first()
    if card is None:
        photo = "data:image/png;base64," + base64.b64encode(demo_photo()).decode()
        service.issue_card(
            session=session,
            data=CardCreate(
                user_id=student.user_id,
                institution=INSTITUTION,
                student_number=STUDENT_NUMBER,
                valid_until=until,
                photo=photo,
                entitlements=entitlements,
            ),
            issued_by=issued_by,
            now=now,
        )
    elif card.valid_until < until:
        service.renew_card(
            session=session,
            card_id=card.id,
            data=CardRenew(valid_until=until, entitlements=entitlements),
            now=now,
        )
    student_account = accounts_demo.DemoAccount(
        user_id=student.user_id,
        role=Role.student.value,
        email=student.email,
        password=student.password,
        created=student.created,
    )
    return [student_account, *validators]
