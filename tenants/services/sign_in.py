"""Signing in with email and password, throttled per account and per address."""

from __future__ import annotations

from mlconnector.platform.db.engine import Database
from mlconnector.platform.errors import NotSignedIn
from mlconnector.tenants.models import User
from mlconnector.tenants.repositories import users
from mlconnector.tenants.services import throttle
from mlconnector.tenants.services.email_address import normalise
from mlconnector.tenants.services.passwords import MAX_LENGTH, hash_password, needs_rehash, verify_password

WRONG = "The email or password is wrong."


async def sign_in(database: Database, *, email: str, password: str, address: str) -> User:
    """The user, if the password is right and neither the account nor the address is throttled."""
    email = normalise(email)
    async with database.session(None) as session:
        refusal = await throttle.count_sign_in(session, email, address)
        user = None if refusal else await users.by_email(session, email)
    if refusal is not None:
        raise refusal
    ok = len(password) <= MAX_LENGTH and await verify_password(user.password_hash if user else None, password)
    if user is None or not ok:
        raise NotSignedIn(WRONG)
    stronger = await hash_password(password) if needs_rehash(user.password_hash) else None
    async with database.session(None) as session:
        await throttle.sign_in_succeeded(session, email, address)
        if stronger is not None:
            await users.upgrade_hash(session, user.id, user.password_hash, stronger)
    return user
