"""The demo accounts: an administrator, a merchant, a shopper, and two people waiting for the city's decision
(one claims a shop, one registered new shops), whose passwords are public.

For trying the app on one's own machine only: `api.demo` never loads them in production.
"""

import uuid
from dataclasses import dataclass

from sqlmodel import Session, select

from api.auth import service as auth_service
from api.auth.models import RegisterIn, Role, RoleGrantIn, User, ValidatorService

CLAIMANT_EMAIL = "lucie.ferrand@demo.coeurdevalence.fr"
APPLICANT_EMAIL = "karim.benali@demo.coeurdevalence.fr"
DEMO_ACCOUNTS: tuple[tuple[Role, str, str, str], ...] = (
    (Role.admin, "admin@demo.coeurdevalence.fr", "demo-admin-valence", "Admin démo"),
    (Role.merchant, "commercant@demo.coeurdevalence.fr", "demo-commercant-valence", "Commerçant démo"),
    (Role.shopper, "client@demo.coeurdevalence.fr", "demo-client-valence", "Client démo"),
    # Shoppers still: they become merchants only if the city says yes.
    (Role.shopper, CLAIMANT_EMAIL, "demo-lucie-valence", "Lucie Ferrand"),
    (Role.shopper, APPLICANT_EMAIL, "demo-karim-valence", "Karim Benali"),
)


@dataclass(frozen=True, slots=True)
class DemoAccount:
    user_id: uuid.UUID
    role: str
    email: str
    password: str
    created: bool
    service: str | None = None  # a validator's


def ensure_account(
    session: Session,
    *,
    role: Role,
    email: str,
    password: str,
    display_name: str,
    service: ValidatorService | None = None,
) -> DemoAccount:
    """One demo account, created when missing and given its role; an existing one is left as it is."""
    user = session.exec(select(User).where(User.email == email)).first()
    created = user is None
    if user is None:
        user = auth_service.register(
            session=session, data=RegisterIn(email=email, password=password, display_name=display_name)
        )
    if role != Role.shopper:
        roles, _service = auth_service.user_roles(session=session, user_id=user.id)
        if role.value not in roles:
            grant = RoleGrantIn(role=role, service=service)
            auth_service.grant_role(session=session, user_id=user.id, grant=grant, granted_by=user.id)
    return DemoAccount(
        user_id=user.id,
        role=role.value,
        email=email,
        password=password,
        created=created,
        service=service.value if service is not None else None,
    )


def ensure_demo_accounts(*, session: Session) -> list[DemoAccount]:
    """The demo accounts, created when missing and given their role; an existing one is left as it is."""
    return [
        ensure_account(session, role=role, email=email, password=password, display_name=display_name)
        for role, email, password, display_name in DEMO_ACCOUNTS
    ]


def account_of(accounts: list[DemoAccount], role: Role) -> DemoAccount:
    """The first demo account of that role (the shopper is « Client démo »)."""
    return next(account for account in accounts if account.role == role.value)


def account_by_email(accounts: list[DemoAccount], email: str) -> DemoAccount:
    return next(account for account in accounts if account.email == email)
