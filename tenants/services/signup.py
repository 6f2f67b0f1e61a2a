"""Self-service signup: email + password create a user and their organisation (tenant) in one step — or, with an
invitation, a user who joins the inviting tenant instead."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db.engine import Database
from mlconnector.platform.errors import Conflict, InvalidInput
from mlconnector.platform.vault.keyring import Keyring
from mlconnector.tenants.models import Tenant, User
from mlconnector.tenants.models.membership import OWNER as OWNER_ROLE
from mlconnector.tenants.repositories import memberships, tenants, users
from mlconnector.tenants.services import invitations
from mlconnector.tenants.services.email_address import email_problem, normalise
from mlconnector.tenants.services.passwords import hash_password, password_problem
from mlconnector.tenants.services.tenant_creation import clean_name, create_tenant

EMAIL_TAKEN = ("email", "an account with this email already exists; sign in, or reset your password")


@dataclass(frozen=True, slots=True)
class SignedUp:
    user: User
    tenant: Tenant
    role: str


def check_credentials(email: str, password: str) -> list[tuple[str, str]]:
    problems = []
    if problem := email_problem(email):
        problems.append(("email", problem))
    if problem := password_problem(password, email):
        problems.append(("password", problem))
    return problems


async def add_user(session: AsyncSession, email: str, password_hash: str) -> User:
    """Insert the user; a concurrent signup with the same email becomes the same clear conflict."""
    try:
        return await users.insert(session, email, password_hash)
    except IntegrityError:
        raise Conflict(EMAIL_TAKEN) from None


async def sign_up(
    database: Database,
    keyring: Keyring,
    *,
    email: str,
    password: str,
    organisation: str | None = None,
    invitation: str | None = None,
) -> SignedUp:
    email = normalise(email)
    problems = check_credentials(email, password)
    name = None
    if invitation is None:
        try:
            name = clean_name(organisation)
        except InvalidInput as error:
            problems += error.problems
    if problems:
        raise InvalidInput(problems)
    async with database.session(None) as session:
        if await users.by_email(session, email) is not None:
            raise Conflict(EMAIL_TAKEN)
    password_hash = await hash_password(password)
    if invitation is not None:
        return await _join_by_invitation(database, email, password_hash, invitation)
    created: dict[str, User] = {}

    async def add_owner(session: AsyncSession, tenant: Tenant) -> None:
        user = await add_user(session, email, password_hash)
        await memberships.insert(session, tenant.id, user.id, OWNER_ROLE)
        created["user"] = user

    assert name is not None
    tenant = await create_tenant(database, keyring, name, setup=add_owner)
    return SignedUp(created["user"], tenant, OWNER_ROLE)


async def _join_by_invitation(database: Database, email: str, password_hash: str, token: str) -> SignedUp:
    tenant_id = invitations.tenant_of_token(token)
    async with database.session(tenant_id) as session:
        invitation = await invitations.usable(session, tenant_id, token, email)
        user = await add_user(session, email, password_hash)
        role = await invitations.accept_in(session, invitation, user.id)
        tenant = await tenants.get(session, invitation.tenant_id)
    assert tenant is not None
    return SignedUp(user, tenant, role)
