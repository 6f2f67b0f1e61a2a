"""Signing up, in and out, and choosing a new password: forms over the tenants services."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from mlconnector.platform.db.engine import Database
from mlconnector.platform.errors import InvalidInput, MlcError
from mlconnector.platform.settings import Settings
from mlconnector.platform.vault.keyring import Keyring
from mlconnector.tenants.auth.authenticate import principal_of, session_data
from mlconnector.tenants.auth.sessions import end_session, start_session
from mlconnector.tenants.mail import MailSender
from mlconnector.tenants.services import invitations, memberships, password_reset, sign_in, signup
from mlconnector.web.rendering import flash, form_text, render, safe_next, see_other, tenant_base

RESET_ASKED = (
    "If an account exists for that email, we have sent it a link to choose a new password. "
    "Check your inbox (and spam folder); the link works for one hour."
)


def problems_of(error: MlcError) -> dict[str, str]:
    """Field → sentence, for showing each problem beside its field."""
    if isinstance(error, InvalidInput):
        return {field or "form": message for field, message in error.problems}
    return {"form": str(error)}


def client_address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


@get("/")
async def home(request: Request[Any, Any, Any], database: NamedDependency[Database]) -> Redirect:
    """Signed in: the first organisation's dashboard. Otherwise: the sign-in page."""
    principal = await principal_of(request, database)
    if principal is None or principal.user_id is None:
        return see_other("/login")
    tenants = await memberships.tenants_of_user(database, principal.user_id)
    return see_other(tenant_base(tenants[0][0].id) + "/" if tenants else "/signup")


@get("/signup")
async def signup_form(request: Request[Any, Any, Any]) -> Template:
    return render(request, "signup.html", title="Create your account", values={}, errors={})


@post("/signup")
async def signup_submit(
    request: Request[Any, Any, Any], database: NamedDependency[Database], keyring: NamedDependency[Keyring]
) -> Template | Redirect:
    """A new account with its organisation, or (with an invitation) joining the inviting organisation."""
    form = await request.form()
    values = {
        "email": form_text(form, "email", 254),
        "organisation": form_text(form, "organisation", 200),
        "invitation": form_text(form, "invitation", 200),
    }
    try:
        done = await signup.sign_up(
            database,
            keyring,
            email=values["email"],
            password=str(form.get("password") or "")[:1024],
            organisation=values["organisation"],
            invitation=values["invitation"] or None,
        )
    except MlcError as error:
        errors = problems_of(error)
        if "invitation" in errors:
            errors["form"] = "This invitation " + errors.pop("invitation") + "."
        return render(
            request, "signup.html", title="Create your account", values=values, errors=errors, status_code=400
        )
    start_session(request, session_data(done.user.id, done.user.session_version))
    if values["invitation"]:
        flash(request, "ok", f"Welcome to {done.tenant.name}.")
        return see_other(tenant_base(done.tenant.id) + "/")
    flash(request, "ok", f"Welcome! {done.tenant.name} is ready. Connect your store and your books to start syncing.")
    return see_other(tenant_base(done.tenant.id) + "/setup")


@get("/invitations/accept")
async def invitation_page(request: Request[Any, Any, Any], database: NamedDependency[Database]) -> Template:
    """The emailed link: join as the signed-in user, or create an account to join with."""
    token = request.query_params.get("token", "")[:200]
    principal = await principal_of(request, database)
    if principal is None or principal.user_id is None:
        values = {"invitation": token}
        return render(request, "signup.html", title="Join your team", values=values, errors={}, token=token)
    return render(request, "invitation.html", title="Join your team", token=token)


@post("/invitations/accept")
async def invitation_accept(
    request: Request[Any, Any, Any], database: NamedDependency[Database]
) -> Template | Redirect:
    token = form_text(await request.form(), "token", 200)
    principal = await principal_of(request, database)
    if principal is None or principal.user_id is None:
        return see_other(f"/login?next=/invitations/accept?token={token}")
    try:
        tenant, _ = await invitations.accept(database, token, principal.user_id)
    except (MlcError, ValueError) as error:
        message = problems_of(error).get("invitation") if isinstance(error, MlcError) else None
        text = f"This invitation {message}." if message else (str(error) if isinstance(error, MlcError) else "")
        text = text or "This invitation link is not valid; ask for a new invitation."
        return render(request, "invitation.html", title="Join your team", token="", error=text, status_code=400)
    flash(request, "ok", f"Welcome to {tenant.name}.")
    return see_other(tenant_base(tenant.id) + "/")


@get("/login")
async def login_form(request: Request[Any, Any, Any]) -> Template:
    notice = (
        [["ok", "Your password has been changed. Sign in with the new one."]] if "reset" in request.query_params else []
    )
    return render(
        request,
        "login.html",
        title="Sign in",
        values={},
        errors={},
        next=request.query_params.get("next", ""),
        flashes=notice,
    )


@post("/login")
async def login_submit(request: Request[Any, Any, Any], database: NamedDependency[Database]) -> Template | Redirect:
    form = await request.form()
    email, target = form_text(form, "email", 254), form_text(form, "next", 2000)
    try:
        user = await sign_in.sign_in(
            database, email=email, password=str(form.get("password") or "")[:1024], address=client_address(request)
        )
    except MlcError as error:
        message = str(error)
        if "wrong" in message:
            message += " Check both and try again, or choose a new password with “Forgot your password?”."
        return render(
            request,
            "login.html",
            title="Sign in",
            values={"email": email},
            errors={"form": message},
            next=target,
            status_code=getattr(error, "status_code", 400),
        )
    start_session(request, session_data(user.id, user.session_version))
    return see_other(safe_next(target, "/"))


@post("/logout")
async def logout(request: Request[Any, Any, Any]) -> Redirect:
    end_session(request)
    return see_other("/login")


@get("/forgot-password")
async def forgot_form(request: Request[Any, Any, Any]) -> Template:
    return render(request, "forgot.html", title="Forgot your password?", values={}, errors={}, sent=False)


@post("/forgot-password")
async def forgot_submit(
    request: Request[Any, Any, Any],
    database: NamedDependency[Database],
    settings: NamedDependency[Settings],
    mail_sender: NamedDependency[MailSender],
) -> Template:
    email = form_text(await request.form(), "email", 254)
    message = await password_reset.request_reset(database, email, settings.server.public_base_url)
    if message is not None:
        await mail_sender.send(message)
    return render(
        request,
        "forgot.html",
        title="Forgot your password?",
        values={},
        errors={},
        sent=True,
        flashes=[["ok", RESET_ASKED]],
    )


@get("/reset-password")
async def reset_form(request: Request[Any, Any, Any]) -> Template:
    token = request.query_params.get("token", "")[:200]
    return render(request, "reset.html", title="Choose a new password", token=token, errors={})


@post("/reset-password")
async def reset_submit(request: Request[Any, Any, Any], database: NamedDependency[Database]) -> Template | Redirect:
    form = await request.form()
    token = form_text(form, "token", 200)
    try:
        await password_reset.reset_password(database, token, str(form.get("password") or "")[:1024])
    except MlcError as error:
        errors = problems_of(error)
        if "token" in errors:
            errors = {"form": "This reset link " + errors.pop("token") + "."}
        return render(request, "reset.html", title="Choose a new password", token=token, errors=errors, status_code=400)
    end_session(request)
    return see_other("/login?reset=1")


ROUTES = [
    home,
    signup_form,
    signup_submit,
    login_form,
    login_submit,
    logout,
    forgot_form,
    forgot_submit,
    reset_form,
    reset_submit,
    invitation_page,
    invitation_accept,
]
