"""``/api/auth``: sign up, sign in and out, the CSRF token, and password resets."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from mlconnector.platform.db.engine import Database
from mlconnector.platform.settings import Settings
from mlconnector.platform.vault.keyring import Keyring
from mlconnector.tenants.api.shapes import MeOut, MessageOut, tenant_out, user_out
from mlconnector.tenants.auth.authenticate import session_data
from mlconnector.tenants.auth.csrf import HEADER_NAME, csrf_token
from mlconnector.tenants.auth.sessions import end_session, start_session
from mlconnector.tenants.mail import MailSender
from mlconnector.tenants.services import memberships, password_reset, sign_in, signup

Email = Annotated[str, msgspec.Meta(max_length=254)]
Password = Annotated[str, msgspec.Meta(max_length=1024)]
Token = Annotated[str, msgspec.Meta(max_length=200)]
RESET_ASKED = "If an account exists for that email, we have sent it a link to choose a new password."


class SignupIn(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: Password
    organisation: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    """The business's name (becomes your organisation). Not needed with ``invitation``."""
    invitation: Token | None = None
    """An invitation token: join the inviting organisation instead of creating one."""


class LoginIn(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: Password


class ResetRequestIn(msgspec.Struct, forbid_unknown_fields=True):
    email: Email


class ResetConfirmIn(msgspec.Struct, forbid_unknown_fields=True):
    token: Token
    password: Password


class CsrfOut(msgspec.Struct):
    csrf_token: str | None
    header: str


def client_address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


class AuthController(Controller):
    path = "/api/auth"
    tags = ["accounts"]

    @get("/csrf", summary="The CSRF token to send as X-CSRF-Token with cookie-authenticated changes")
    async def csrf(self, request: Request[Any, Any, Any]) -> CsrfOut:
        return CsrfOut(csrf_token=csrf_token(request), header=HEADER_NAME)

    @post("/signup", summary="Create an account and its organisation (or join one with an invitation); signs in")
    async def signup(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[SignupIn],
        database: NamedDependency[Database],
        keyring: NamedDependency[Keyring],
    ) -> MeOut:
        done = await signup.sign_up(
            database,
            keyring,
            email=data.email,
            password=data.password,
            organisation=data.organisation,
            invitation=data.invitation,
        )
        start_session(request, session_data(done.user.id, done.user.session_version))
        return MeOut(user=user_out(done.user), tenants=[tenant_out(done.tenant, done.role)])

    @post("/login", status_code=HTTP_200_OK, summary="Sign in (throttled per account and per address)")
    async def login(
        self, request: Request[Any, Any, Any], data: JSONBody[LoginIn], database: NamedDependency[Database]
    ) -> MeOut:
        user = await sign_in.sign_in(
            database, email=data.email, password=data.password, address=client_address(request)
        )
        start_session(request, session_data(user.id, user.session_version))
        tenants = await memberships.tenants_of_user(database, user.id)
        return MeOut(user=user_out(user), tenants=[tenant_out(tenant, role) for tenant, role in tenants])

    @post("/logout", status_code=HTTP_204_NO_CONTENT, summary="Sign out")
    async def logout(self, request: Request[Any, Any, Any]) -> None:
        end_session(request)

    @post("/password-reset", status_code=HTTP_202_ACCEPTED, summary="Email a link to choose a new password")
    async def request_reset(
        self,
        data: JSONBody[ResetRequestIn],
        database: NamedDependency[Database],
        settings: NamedDependency[Settings],
        mail_sender: NamedDependency[MailSender],
    ) -> MessageOut:
        message = await password_reset.request_reset(database, data.email, settings.server.public_base_url)
        if message is not None:
            await mail_sender.send(message)
        return MessageOut(RESET_ASKED)

    @post("/password-reset/confirm", status_code=HTTP_200_OK, summary="Choose a new password with the emailed token")
    async def confirm_reset(
        self, request: Request[Any, Any, Any], data: JSONBody[ResetConfirmIn], database: NamedDependency[Database]
    ) -> MessageOut:
        await password_reset.reset_password(database, data.token, data.password)
        end_session(request)
        return MessageOut("Your password has been changed, and every session signed out. Sign in with the new one.")
