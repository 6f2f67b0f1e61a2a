"""Finding the caller of a request: an API token when the request carries one, else the sign-in session.

With an ``Authorization`` header the token alone decides (a bad token is a 401 even if a session cookie is
present), which is what makes exempting such requests from CSRF safe. The result is cached on the request.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar.connection import ASGIConnection

from mlconnector.platform.db.engine import Database
from mlconnector.platform.errors import NotSignedIn
from mlconnector.tenants.auth.principal import Principal
from mlconnector.tenants.repositories import users
from mlconnector.tenants.services import api_tokens

PRINCIPAL_KEY = "mlc.principal"
USER_KEY = "uid"
VERSION_KEY = "ver"


def session_data(user_id: uuid.UUID, session_version: int) -> dict[str, Any]:
    """What a sign-in session holds: the user and the password generation it was signed in under."""
    return {USER_KEY: str(user_id), VERSION_KEY: session_version}


async def _from_token(database: Database, header: str) -> Principal:
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise NotSignedIn("Send the API token as 'Authorization: Bearer <token>'.")
    identity = await api_tokens.authenticate(database, credentials.strip())
    if identity is None:
        raise NotSignedIn("The API token is not valid or was revoked.")
    return Principal(token=identity)


async def _from_session(database: Database, data: Any) -> Principal | None:
    if not isinstance(data, dict) or USER_KEY not in data:
        return None
    try:
        user_id = uuid.UUID(str(data[USER_KEY]))
    except ValueError:
        return None
    async with database.session(None) as session:
        user = await users.by_id(session, user_id)
    if user is None or user.session_version != data.get(VERSION_KEY):
        return None  # the password was reset since: this session is over
    return Principal(user_id=user.id, email=user.email)


async def principal_of(connection: ASGIConnection[Any, Any, Any, Any], database: Database) -> Principal | None:
    state = connection.scope.setdefault("state", {})
    if PRINCIPAL_KEY not in state:
        header = connection.headers.get("authorization")
        if header is not None:
            state[PRINCIPAL_KEY] = await _from_token(database, header)
        else:
            state[PRINCIPAL_KEY] = await _from_session(database, connection.scope.get("session"))
    return state[PRINCIPAL_KEY]
