"""The student card's rules: the student office issues, renews, suspends and revokes cards; the student
enrols a phone and gets one credential per service; validators check codes online; checks are kept 48 hours
in identifiable form, then only counted."""

import base64
import binascii
import hashlib
import hmac
import struct
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from api.auth import service as auth_service
from api.auth.models import Role, RoleGrantIn, User
from api.auth.tokens import Principal
from api.config import get_settings
from api.errors import Conflict, NotFound, invalid
from api.pagination import decode_cursor, encode_cursor, unreadable_cursor
from api.student_card import keys
from api.student_card.format import Credential, Service
from api.student_card.models import (
    CardAdmin,
    CardCreate,
    CardCredential,
    CardPublic,
    CardRenew,
    CardStatus,
    Check,
    CheckCount,
    CheckPublic,
    CredentialsOut,
    Device,
    Entitlement,
    EntitlementIn,
    EntitlementPublic,
    SeenCode,
    ServiceCredential,
    StudentCard,
    VerifyOut,
    service_name,
)
from api.student_card.verifier import (
    PARIS,
    IssuerKey,
    Reason,
    ReplayKey,
    TrustBundle,
    Verdict,
    b64url_decode,
    b64url_encode,
    verify,
)

PHOTO_MAX_BYTES = 200 * 1024
PHOTO_URL_LIFETIME = timedelta(minutes=10)
CHECKS_KEPT_FOR = timedelta(hours=48)
MAX_VALIDITY = timedelta(days=3653)
_PHOTO_TYPES = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}

VERDICT_MESSAGES = {
    Reason.ok: "Carte valide pour ce service.",
    Reason.malformed: "Ce code n'est pas une carte étudiante Cœur de Valence : demandez la carte à nouveau.",
    Reason.unknown_key: "Carte signée par une clé inconnue : mettez à jour le contrôleur, ou refusez.",
    Reason.bad_signature: "Signature invalide : ce code a été modifié ou fabriqué.",
    Reason.expired_credential: "Carte à resynchroniser : le téléphone de l'étudiant doit se connecter.",
    Reason.revoked: "Carte révoquée ou suspendue.",
    Reason.not_entitled_here: "Cette carte ne donne pas accès à ce service.",
    Reason.expired_entitlement: "Le droit à ce service a expiré.",
    Reason.stale_code: "Code périmé (capture d'écran ?) : demandez le code affiché en direct.",
    Reason.clock_skew: "L'horloge du téléphone est décalée : comparez la photo avec l'étudiant.",
    Reason.replayed: "Ce code a déjà été présenté : demandez le code affiché en direct.",
}


# --- photos --------------------------------------------------------------------------------------


def parse_photo(data_url: str) -> tuple[bytes, str]:
    """A `data:image/jpeg|png;base64,` URL of at most 200 kB: its bytes and media type."""
    head, _, payload = data_url.partition(",")
    media_type = head.removeprefix("data:").removesuffix(";base64")
    if not head.startswith("data:") or not head.endswith(";base64") or media_type not in _PHOTO_TYPES:
        raise invalid("photo", "La photo doit être une image JPEG ou PNG (adresse data:image/…;base64,).")
    try:
        photo = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise invalid("photo", "La photo est illisible : envoyez-la de nouveau.") from None
    if len(photo) > PHOTO_MAX_BYTES:
        raise invalid("photo", "La photo dépasse 200 Ko : réduisez-la (une photo d'identité suffit).")
    if not photo.startswith(_PHOTO_TYPES[media_type]):
        raise invalid("photo", "Le contenu de la photo ne correspond pas à son type (JPEG ou PNG).")
    return photo, media_type


def _photo_key() -> bytes:
    return hmac.new(get_settings().secret_key.encode(), b"student-card photo url", hashlib.sha256).digest()


def photo_url(card: StudentCard, *, now: datetime) -> str | None:
    """A link to the card's photo that works for a few minutes, for an <img> (it carries no token)."""
    if card.photo is None:
        return None
    message = card.id.bytes + struct.pack(">I", int((now + PHOTO_URL_LIFETIME).timestamp()))
    tag = hmac.new(_photo_key(), message, hashlib.sha256).digest()[:16]
    return f"/api/v1/student-cards/photos/{b64url_encode(message + tag)}"


def photo_for(session: Session, *, token: str, now: datetime) -> tuple[bytes, str]:
    gone = NotFound("Ce lien vers la photo a expiré : vérifiez la carte à nouveau.")
    try:
        raw = b64url_decode(token)
    except (binascii.Error, ValueError):
        raise gone from None
    message, tag = raw[:20], raw[20:]
    if len(raw) != 36 or not hmac.compare_digest(
        tag, hmac.new(_photo_key(), message, hashlib.sha256).digest()[:16]
    ):
        raise gone
    (until,) = struct.unpack(">I", message[16:])
    card = session.get(StudentCard, uuid.UUID(bytes=message[:16]))
    if until < now.timestamp() or card is None or card.photo is None or card.photo_type is None:
        raise gone
    return card.photo, card.photo_type


# --- the student office --------------------------------------------------------------------------


def _today(now: datetime) -> date:
    return now.astimezone(PARIS).date()


def _check_dates(valid_until: date, entitlements: list[EntitlementIn], *, now: datetime) -> None:
    if valid_until < _today(now):
        raise invalid("valid_until", "La date de fin de validité est déjà passée.")
    if valid_until > _today(now) + MAX_VALIDITY:
        raise invalid("valid_until", "Une carte vaut 10 ans au plus : choisissez une fin plus proche.")
    if not entitlements:
        raise invalid("entitlements", "Ouvrez au moins un service (transport, bibliothèque ou sport).")
    for index, entitlement in enumerate(entitlements):
        if entitlement.valid_until < _today(now):
            raise invalid(
                f"entitlements[{index}].valid_until",
                "Ce droit finirait avant aujourd'hui : retirez ce service de la liste pour le fermer.",
            )
        if entitlement.valid_until > valid_until:
            raise invalid(
                f"entitlements[{index}].valid_until",
                "Un droit ne peut pas durer plus longtemps que la carte.",
            )


def card_by_id(session: Session, card_id: uuid.UUID) -> StudentCard:
    card = session.get(StudentCard, card_id)
    if card is None:
        raise NotFound("Cette carte étudiante n'existe pas.")
    return card


def _entitlements(session: Session, card_id: uuid.UUID) -> list[Entitlement]:
    statement = (
        select(Entitlement).where(col(Entitlement.card_id) == card_id).order_by(col(Entitlement.service))
    )
    return list(session.scalars(statement))


def _set_entitlements(
    session: Session, card: StudentCard, wanted: list[EntitlementIn], *, now: datetime
) -> None:
    """Write the card's entitlements; credentials for a service removed or shortened are revoked."""
    current = {entitlement.service: entitlement for entitlement in _entitlements(session, card.id)}
    wanted_by_service = {int(Service[entitlement.service]): entitlement for entitlement in wanted}
    for service, entitlement in current.items():
        target = wanted_by_service.get(service)
        if target is None or target.valid_until < entitlement.valid_until:
            _revoke_credentials(session, card.id, now=now, service=service)
        if target is None:
            session.delete(entitlement)
    for service, target in wanted_by_service.items():
        existing = current.get(service)
        if existing is None:
            session.add(
                Entitlement(
                    card_id=card.id,
                    service=service,
                    valid_until=target.valid_until,
                    pseudonym=keys.pseudonym(session, Service(service), card.id),
                )
            )
        else:
            existing.valid_until = target.valid_until
            session.add(existing)
    session.flush()


def issue_card(*, session: Session, data: CardCreate, issued_by: uuid.UUID, now: datetime) -> StudentCard:
    if data.user_id is not None:
        user = session.get(User, data.user_id)
        if user is None:
            raise invalid(
                "user_id", "Aucun compte ne porte cet identifiant : l'étudiant crée d'abord son compte."
            )
    else:
        user = session.scalars(select(User).where(col(User.email) == (data.email or "").lower())).first()
        if user is None:
            raise invalid(
                "email", "Aucun compte n'a cette adresse e-mail : l'étudiant crée d'abord son compte."
            )
    _check_dates(data.valid_until, data.entitlements, now=now)
    held = session.scalars(
        select(StudentCard).where(
            col(StudentCard.user_id) == user.id, col(StudentCard.status) != CardStatus.revoked.value
        )
    ).first()
    if held is not None:
        raise Conflict(
            "Cet étudiant a déjà une carte : renouvelez-la, ou révoquez-la avant d'en établir une autre."
        )
    photo, photo_type = parse_photo(data.photo) if data.photo is not None else (None, None)
    card = StudentCard(
        user_id=user.id,
        institution=data.institution,
        student_number=data.student_number,
        valid_until=data.valid_until,
        photo=photo,
        photo_type=photo_type,
        issued_by=issued_by,
        created_at=now,
        updated_at=now,
    )
    session.add(card)
    session.flush()
    _set_entitlements(session, card, data.entitlements, now=now)
    auth_service.grant_role(
        session=session, user_id=user.id, grant=RoleGrantIn(role=Role.student), granted_by=issued_by
    )
    return card


def renew_card(*, session: Session, card_id: uuid.UUID, data: CardRenew, now: datetime) -> StudentCard:
    card = card_by_id(session, card_id)
    if card.status == CardStatus.revoked:
        raise Conflict("Cette carte est révoquée : établissez-en une nouvelle.")
    _check_dates(data.valid_until, data.entitlements, now=now)
    card.valid_until = data.valid_until
    card.updated_at = now
    session.add(card)
    _set_entitlements(session, card, data.entitlements, now=now)
    return card


def set_status(*, session: Session, card_id: uuid.UUID, status: CardStatus, now: datetime) -> StudentCard:
    """Suspend (credentials revoked, phones kept), resume, or revoke (for good: phones too)."""
    card = card_by_id(session, card_id)
    if card.status == CardStatus.revoked and status != CardStatus.revoked:
        raise Conflict("Cette carte est révoquée : établissez-en une nouvelle.")
    if status != CardStatus.active:
        _revoke_credentials(session, card.id, now=now)
    if status == CardStatus.revoked:
        _revoke_devices(session, card.id, now=now, reason="card_revoked")
    card.status = status.value
    card.updated_at = now
    session.add(card)
    session.flush()
    return card


def _active_devices(session: Session, card_id: uuid.UUID) -> list[Device]:
    statement = select(Device).where(col(Device.card_id) == card_id, col(Device.revoked_at).is_(None))
    return list(session.scalars(statement))


def present(session: Session, card: StudentCard, *, now: datetime) -> CardPublic:
    return CardPublic(
        id=card.id,
        status=CardStatus(card.status),
        institution=card.institution,
        valid_until=card.valid_until,
        entitlements=[
            EntitlementPublic(service=service_name(entitlement.service), valid_until=entitlement.valid_until)
            for entitlement in _entitlements(session, card.id)
        ],
        photo_url=photo_url(card, now=now),
        devices=len(_active_devices(session, card.id)),
    )


def present_admin(session: Session, card: StudentCard, *, now: datetime) -> CardAdmin:
    user = session.get(User, card.user_id)
    assert user is not None  # noqa: S101 - a card's user is kept (foreign key)
    return CardAdmin(
        **present(session, card, now=now).model_dump(),
        user_id=card.user_id,
        student_number=card.student_number,
        email=user.email,
        display_name=user.display_name,
        created_at=card.created_at,
        updated_at=card.updated_at,
    )


def cards(session: Session, *, now: datetime) -> list[CardAdmin]:
    rows = session.scalars(select(StudentCard).order_by(col(StudentCard.created_at).desc()).limit(200))
    return [present_admin(session, card, now=now) for card in rows]


# --- the student's phone -------------------------------------------------------------------------


def card_of_user(session: Session, user_id: uuid.UUID) -> StudentCard:
    """The student's card: the one in force, or else the last one (to say it was revoked)."""
    statement = (
        select(StudentCard)
        .where(col(StudentCard.user_id) == user_id)
        .order_by((col(StudentCard.status) == CardStatus.revoked.value), col(StudentCard.created_at).desc())
    )
    card = session.scalars(statement).first()
    if card is None:
        raise NotFound(
            "Vous n'avez pas de carte étudiante : le service de la vie étudiante de votre établissement "
            "l'établit."
        )
    return card


def _device_key(text: str) -> bytes:
    """A base64url SEC1 P-256 point, compressed or not: the same point, compressed."""
    try:
        point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(text))
    except (ValueError, binascii.Error):
        raise invalid(
            "device_public_key",
            "Clé du téléphone illisible : une clé publique P-256 (SEC1, en base64url) est attendue.",
        ) from None
    return point.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)


def _revoke_credentials(
    session: Session,
    card_id: uuid.UUID,
    *,
    now: datetime,
    service: int | None = None,
    keep: uuid.UUID | None = None,
) -> None:
    statement = update(CardCredential).where(
        col(CardCredential.card_id) == card_id,
        col(CardCredential.revoked_at).is_(None),
        col(CardCredential.expires_at) > now,
    )
    if service is not None:
        statement = statement.where(col(CardCredential.service) == service)
    if keep is not None:
        statement = statement.where(col(CardCredential.device_id) != keep)
    session.execute(statement.values(revoked_at=now))


def _revoke_devices(
    session: Session, card_id: uuid.UUID, *, now: datetime, reason: str, keep: uuid.UUID | None = None
) -> None:
    for device in _active_devices(session, card_id):
        if device.id != keep:
            device.revoked_at = now
            device.revoked_reason = reason
            session.add(device)
    _revoke_credentials(session, card_id, now=now, keep=keep)
    session.flush()


def enrol(*, session: Session, principal: Principal, device_public_key: str, now: datetime) -> CredentialsOut:
    """One credential per service the card opens today, for this phone. A phone not seen before replaces
    the others: their credentials are revoked. The same phone asking again is a silent renewal."""
    device_key = _device_key(device_public_key)
    card = card_of_user(session, principal.user_id)
    if card.status != CardStatus.active:
        raise Conflict(
            "Votre carte est suspendue ou révoquée : adressez-vous au service de la vie étudiante."
        )
    if card.valid_until < _today(now):
        raise Conflict("Votre carte a expiré : faites-la renouveler par le service de la vie étudiante.")
    device = next((d for d in _active_devices(session, card.id) if d.public_key == device_key), None)
    if device is None:
        device = Device(card_id=card.id, public_key=device_key, enrolled_at=now)
        session.add(device)
        session.flush()
        _revoke_devices(session, card.id, now=now, reason="replaced", keep=device.id)
    signer = keys.signing_key(session, now=now)
    expires_at = now + keys.CREDENTIAL_LIFETIME
    issued = []
    for entitlement in _entitlements(session, card.id):
        if entitlement.valid_until < _today(now):
            continue
        row = CardCredential(
            card_id=card.id,
            device_id=device.id,
            service=entitlement.service,
            kid=signer.kid,
            issued_at=now,
            expires_at=expires_at,
        )
        session.add(row)
        session.flush()
        assert row.serial is not None  # noqa: S101 - given by the database on insert
        credential = Credential(
            service=Service(entitlement.service),
            kid=signer.kid,
            pseudonym=entitlement.pseudonym,
            serial=row.serial,
            expires_at=int(expires_at.timestamp()),
            entitled_until=entitlement.valid_until,
            device_key=device_key,
        )
        signed = replace(credential, issuer_signature=signer.private.sign(credential.signed_part()))
        issued.append(
            ServiceCredential(
                service=service_name(entitlement.service), credential=b64url_encode(signed.pack())
            )
        )
    if not issued:
        raise Conflict(
            "Aucun service n'est ouvert sur votre carte aujourd'hui : adressez-vous au service de la vie "
            "étudiante."
        )
    return CredentialsOut(credentials=issued, expires_at=expires_at, server_time=now)


def revoke_my_devices(*, session: Session, principal: Principal, reason: str, now: datetime) -> StudentCard:
    """« Téléphone perdu » or « ce n'est pas moi »: every phone's credentials stop working now."""
    card = card_of_user(session, principal.user_id)
    _revoke_devices(session, card.id, now=now, reason=reason)
    return card


# --- validators ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _DatabaseReplays:
    """The codes the online verifier accepted, shared by every API process: a row per code."""

    session: Session

    def first_time(self, key: ReplayKey, *, keep_until: int) -> bool:
        service, pseudonym, step, signature_r = key
        values = {
            "service": service,
            "pseudonym": pseudonym,
            "time_step": step,
            "signature_r": signature_r,
            "keep_until": datetime.fromtimestamp(keep_until, tz=UTC),
        }
        table = SeenCode.__table__  # type: ignore[attr-defined]
        dialect = self.session.get_bind().dialect.name
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table).values(values)
        statement = insert.on_conflict_do_nothing().returning(table.c.time_step)
        return self.session.execute(statement).first() is not None


def current_bundle(session: Session, *, now: datetime) -> TrustBundle:
    """What the online verifier trusts: the database itself, as of now."""
    issuer_keys = {
        key.kid: IssuerKey(
            kid=key.kid,
            public_key=Ed25519PublicKey.from_public_bytes(key.public_key),
            services=frozenset(keys.key_services(key)),
            not_before=key.signs_from,
            not_after=keys.accepted_until(key),
        )
        for key in keys.published_keys(session, now=now)
    }
    return TrustBundle(
        issued_at=now,
        server_time=now,
        issuer_keys=issuer_keys,
        revoked_serials=frozenset(keys.revoked_serials(session, now=now)),
    )


_UNVERIFIED = frozenset({Reason.malformed, Reason.unknown_key, Reason.bad_signature})


def verify_online(*, session: Session, validator: Principal, qr: str, now: datetime) -> VerifyOut:
    service = Service[validator.service] if validator.service else None
    if service is None:
        raise invalid("service", "Votre compte de contrôleur n'a pas de service : demandez-le à la mairie.")
    result = verify(
        qr,
        bundle=current_bundle(session, now=now),
        service=service,
        now=now.timestamp(),
        replays=_DatabaseReplays(session),
    )
    card: StudentCard | None = None
    if result.code is not None:
        credential = result.code.credential
        entitlement = session.scalars(
            select(Entitlement).where(
                col(Entitlement.service) == int(credential.service),
                col(Entitlement.pseudonym) == credential.pseudonym,
            )
        ).first()
        card = session.get(StudentCard, entitlement.card_id) if entitlement is not None else None
    verdict, reason = result.verdict, result.reason
    if result.accepted and (card is None or card.status != CardStatus.active):
        verdict, reason = Verdict.red, Reason.revoked
    session.add(
        Check(
            # A card is named by a code only once its signatures hold: a forged one names nobody.
            card_id=card.id if card is not None and result.reason not in _UNVERIFIED else None,
            validator_id=validator.user_id,
            service=int(service),
            verdict=verdict.value,
            reason=reason.value,
            checked_at=now,
        )
    )
    session.flush()
    accepted = verdict != Verdict.red and card is not None
    return VerifyOut(
        verdict=verdict,
        reason=reason,
        service=service.name,
        photo_url=photo_url(card, now=now) if accepted and card is not None else None,
        message=VERDICT_MESSAGES[reason],
    )


def my_checks(
    *, session: Session, principal: Principal, cursor: str | None, limit: int
) -> tuple[list[CheckPublic], str | None]:
    """Who checked my card: service, verdict and time of each check of the last 48 hours, newest first."""
    card = card_of_user(session, principal.user_id)
    params = {"checks": str(card.id)}
    statement = select(Check).where(col(Check.card_id) == card.id)
    position = decode_cursor(cursor, params)
    if position is not None:
        try:
            before_at, before_id = datetime.fromisoformat(position[0]), uuid.UUID(position[1])
        except (ValueError, IndexError, TypeError):
            raise unreadable_cursor() from None
        checked = col(Check.checked_at)
        statement = statement.where(
            (checked < before_at) | ((checked == before_at) & (col(Check.id) < before_id))
        )
    rows = list(
        session.scalars(
            statement.order_by(col(Check.checked_at).desc(), col(Check.id).desc()).limit(limit + 1)
        )
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor([rows[-1].checked_at.isoformat(), str(rows[-1].id)], params)
    return [
        CheckPublic(
            service=service_name(row.service),
            verdict=Verdict(row.verdict),
            reason=Reason(row.reason),
            checked_at=row.checked_at,
        )
        for row in rows
    ], next_cursor


# --- upkeep --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Purged:
    checks_counted: int
    seen_codes_forgotten: int


def purge(*, session: Session, now: datetime) -> Purged:
    """Checks older than 48 hours become counts (per day, service, verdict, reason); codes that can no
    longer be accepted are forgotten. Safe to run twice, and alongside the verify route."""
    cutoff = now - CHECKS_KEPT_FOR
    old = list(session.scalars(select(Check).where(col(Check.checked_at) < cutoff).with_for_update()))
    counts: dict[tuple[date, int, str, str], int] = {}
    for check in old:
        key = (check.checked_at.astimezone(PARIS).date(), check.service, check.verdict, check.reason)
        counts[key] = counts.get(key, 0) + 1
    for (day, service, verdict, reason), count in counts.items():
        row = session.get(CheckCount, (day, service, verdict, reason), with_for_update=True)
        if row is None:
            session.add(CheckCount(day=day, service=service, verdict=verdict, reason=reason, count=count))
        else:
            row.count += count
            session.add(row)
    session.flush()
    if old:
        session.execute(delete(Check).where(col(Check.id).in_([check.id for check in old])))
    forgotten = session.execute(delete(SeenCode).where(col(SeenCode.keep_until) < now))
    return Purged(checks_counted=len(old), seen_codes_forgotten=int(getattr(forgotten, "rowcount", 0) or 0))


def check_counts(session: Session) -> list[CheckCount]:
    return list(session.scalars(select(CheckCount).order_by(col(CheckCount.day), col(CheckCount.service))))
