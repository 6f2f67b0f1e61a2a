"""Owners invite people by email; the invitee accepts with the one-time link (signed in, or while signing up).

Only a user signed in with the invited email may accept, so a forwarded link is useless to anyone else.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db.engine import Database
from mlconnector.platform.db.types import utcnow
from mlconnector.platform.errors import Conflict, Forbidden, InvalidInput, NotFound
from mlconnector.tenants.mail import MailMessage
from mlconnector.tenants.models import Invitation, Tenant
from mlconnector.tenants.models.membership import ROLES
from mlconnector.tenants.repositories import invitations, memberships, tenants, users
from mlconnector.tenants.services import bearer_tokens
from mlconnector.tenants.services.email_address import email_problem, normalise

PREFIX = "mlci_"
VALID_FOR = timedelta(days=7)
INVALID = ("invitation", "is not valid, was already used, or has expired; ask for a new invitation")


@dataclass(frozen=True, slots=True)
class Invited:
    invitation: Invitation
    link: str
    """Where the invitee accepts (holds the one-time token)."""
    message: MailMessage
    """To send once the invitation is committed."""


def tenant_of_token(token: str) -> uuid.UUID:
    tenant_id = bearer_tokens.tenant_of(PREFIX, token or "")
    if tenant_id is None:
        raise InvalidInput(INVALID)
    return tenant_id


async def invite(
    database: Database, tenant_id: uuid.UUID, *, email: str, role: str, invited_by: uuid.UUID | None, base_url: str
) -> Invited:
    email = normalise(email)
    problems = []
    if problem := email_problem(email):
        problems.append(("email", problem))
    if role not in ROLES:
        problems.append(("role", f"must be one of {', '.join(ROLES)}"))
    if problems:
        raise InvalidInput(problems)
    token = bearer_tokens.issue(PREFIX, tenant_id)
    async with database.session(tenant_id) as session:
        if any(member_email == email for _, member_email in await memberships.members(session, tenant_id)):
            raise Conflict(("email", "already belongs to this organisation"))
        tenant = await tenants.get(session, tenant_id)
        if tenant is None:
            raise NotFound("No such organisation.")
        invitation = await invitations.insert(
            session,
            tenant_id,
            email=email,
            role=role,
            token_hash=bearer_tokens.digest(token),
            invited_by=invited_by,
            expires_at=utcnow() + VALID_FOR,
        )
    link = f"{base_url}/invitations/accept?token={token}"
    return Invited(invitation, link, _message(tenant, email, role, link))


def _message(tenant: Tenant, email: str, role: str, link: str) -> MailMessage:
    return MailMessage(
        to=email,
        subject=f"You are invited to {tenant.name} on ml-connector",
        body=(
            f"You have been invited to join {tenant.name} as {role}.\n\n"
            f"Accept within {VALID_FOR.days} days: {link}\n\n"
            "Sign in (or sign up) with this email address to accept. If you did not expect this, ignore it."
        ),
    )


async def pending(database: Database, tenant_id: uuid.UUID) -> list[Invitation]:
    async with database.session(tenant_id) as session:
        return await invitations.pending(session, tenant_id)


async def revoke(database: Database, tenant_id: uuid.UUID, invitation_id: uuid.UUID) -> None:
    async with database.session(tenant_id) as session:
        if not await invitations.revoke(session, tenant_id, invitation_id):
            raise NotFound("No open invitation with that id in this organisation.")


async def usable(session: AsyncSession, tenant_id: uuid.UUID, token: str, email: str) -> Invitation:
    """The open invitation ``token`` names, checked against the accepting user's ``email``."""
    invitation = await invitations.by_token_hash(session, tenant_id, bearer_tokens.digest(token))
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.revoked_at is not None
        or invitation.expires_at <= utcnow()
    ):
        raise InvalidInput(INVALID)
    if invitation.email != email:
        raise Forbidden("This invitation was sent to another email address; sign in with that one to accept it.")
    return invitation


async def accept_in(session: AsyncSession, invitation: Invitation, user_id: uuid.UUID) -> str:
    """Make the user a member (once); returns the role."""
    if not await invitations.mark_accepted(session, invitation.tenant_id, invitation.id):
        raise InvalidInput(INVALID)
    if await memberships.role_of(session, invitation.tenant_id, user_id) is None:
        await memberships.insert(session, invitation.tenant_id, user_id, invitation.role)
    return invitation.role


async def accept(database: Database, token: str, user_id: uuid.UUID) -> tuple[Tenant, str]:
    """A signed-in user accepts; returns the tenant joined and the role."""
    tenant_id = tenant_of_token(token)
    async with database.session(tenant_id) as session:
        user = await users.by_id(session, user_id)
        if user is None:
            raise NotFound("No such user.")
        invitation = await usable(session, tenant_id, token, user.email)
        role = await accept_in(session, invitation, user_id)
        tenant = await tenants.get(session, tenant_id)
    assert tenant is not None
    return tenant, role
