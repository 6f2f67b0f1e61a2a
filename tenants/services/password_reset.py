"""Forgotten passwords: a one-time link by email, then a new password that signs out every old session.

Asking never reveals whether an account exists: the answer is the same either way.
"""

from __future__ import annotations

from datetime import timedelta

from mlconnector.platform.db.engine import Database
from mlconnector.platform.db.types import utcnow
from mlconnector.platform.errors import InvalidInput
from mlconnector.tenants.mail import MailMessage
from mlconnector.tenants.repositories import password_resets, users
from mlconnector.tenants.services import bearer_tokens, throttle
from mlconnector.tenants.services.email_address import normalise
from mlconnector.tenants.services.passwords import hash_password, password_problem

PREFIX = "mlcr_"
VALID_FOR = timedelta(hours=1)
INVALID = ("token", "is not valid, was already used, or has expired; ask for a new reset link")


async def request_reset(database: Database, email: str, base_url: str) -> MailMessage | None:
    """The email to send (after commit), or ``None`` when there is no such account or it asked too often."""
    email = normalise(email)
    token = bearer_tokens.issue(PREFIX)
    async with database.session(None) as session:
        if not await throttle.may_send_reset(session, email):
            return None
        user = await users.by_email(session, email)
        if user is None:
            return None
        await password_resets.insert(session, user.id, bearer_tokens.digest(token), utcnow() + VALID_FOR)
    link = f"{base_url}/reset-password?token={token}"
    return MailMessage(
        to=email,
        subject="Reset your ml-connector password",
        body=(
            f"Someone (hopefully you) asked to reset the password of {email}.\n\n"
            f"Choose a new password within {int(VALID_FOR.total_seconds() // 60)} minutes: {link}\n\n"
            "If it was not you, ignore this email; your password stays as it is."
        ),
    )


async def reset_password(database: Database, token: str, new_password: str) -> None:
    """Set the new password if ``token`` is a live reset token; every existing session of the user ends."""
    async with database.session(None) as session:
        reset = await password_resets.usable_by_hash(session, bearer_tokens.digest(token or ""))
        user = await users.by_id(session, reset.user_id) if reset else None
    if reset is None or user is None:
        raise InvalidInput(INVALID)
    if problem := password_problem(new_password, user.email):
        raise InvalidInput(("password", problem))
    password_hash = await hash_password(new_password)
    async with database.session(None) as session:
        if await password_resets.usable_by_hash(session, bearer_tokens.digest(token)) is None:
            raise InvalidInput(INVALID)  # used by a concurrent request meanwhile
        await password_resets.use_all_of_user(session, user.id)
        await users.replace_password(session, user.id, password_hash)
        await throttle.forget_account(session, user.email)
