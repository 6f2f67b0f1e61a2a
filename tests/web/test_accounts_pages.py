"""Signing up, in and out, and resetting a password through the pages."""

from __future__ import annotations

from litestar.testing import AsyncTestClient
from mlc_testing.accounts import PASSWORD
from web.web_pages import SQLITE_ONLY, csrf_field, sign_up_page, submit

pytestmark = SQLITE_ONLY


async def test_signup_signs_in_and_leads_to_the_setup(client: AsyncTestClient) -> None:
    tenant_id = await sign_up_page(client, "owner@bikes.example")
    setup = await client.get(f"/t/{tenant_id}/")
    assert setup.status_code == 200
    assert "Acme Bikes" in setup.text and "Dashboard" in setup.text
    home = await client.get("/", follow_redirects=False)
    assert home.headers["location"] == f"/t/{tenant_id}/"


async def test_signup_problems_are_sentences_beside_their_fields(client: AsyncTestClient) -> None:
    response = await submit(
        client, "/signup", {"email": "not-an-email", "password": "short", "organisation": ""}, page="/signup"
    )
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text
    assert "Please fix the fields marked below" in response.text
    assert "short" not in response.text.split("<form", 1)[1].split("</form>")[0].split('name="password"')[1][:80]


async def test_login_wrong_password_says_what_to_do_and_right_one_returns_to_the_page(client: AsyncTestClient) -> None:
    tenant_id = await sign_up_page(client, "owner@bikes.example")
    await submit(client, "/logout", {}, page=f"/t/{tenant_id}/")
    away = await client.get(f"/t/{tenant_id}/documents", follow_redirects=False)
    assert away.status_code == 303 and away.headers["location"].startswith("/login?next=")
    wrong = await submit(client, "/login", {"email": "owner@bikes.example", "password": "nope-nope-nope"})
    assert wrong.status_code == 401 and "Forgot your password" in wrong.text
    right = await submit(
        client, "/login", {"email": "owner@bikes.example", "password": PASSWORD, "next": f"/t/{tenant_id}/documents"}
    )
    assert right.headers["location"] == f"/t/{tenant_id}/documents"
    evil = await submit(
        client, "/login", {"email": "owner@bikes.example", "password": PASSWORD, "next": "//evil.example/"}
    )
    assert evil.headers["location"] == "/"


async def test_password_reset_by_email_link(client: AsyncTestClient, mailbox) -> None:  # type: ignore[no-untyped-def]
    await sign_up_page(client, "owner@bikes.example")
    await submit(client, "/logout", {}, page="/signup")
    asked = await submit(client, "/forgot-password", {"email": "owner@bikes.example"}, page="/forgot-password")
    assert "If an account exists" in asked.text
    token = mailbox.token_for("owner@bikes.example")
    page = await client.get(f"/reset-password?token={token}")
    assert page.status_code == 200
    bad = await submit(
        client, "/reset-password", {"token": "mlcr_wrong", "password": "another-long-phrase-7"}, page="/forgot-password"
    )
    assert bad.status_code == 400 and "Ask for a new reset link" in bad.text
    done = await submit(
        client, "/reset-password", {"token": token, "password": "another-long-phrase-7"}, page="/forgot-password"
    )
    assert done.headers["location"] == "/login?reset=1"
    assert (
        await submit(client, "/login", {"email": "owner@bikes.example", "password": "another-long-phrase-7"})
    ).status_code == 303


async def test_every_form_needs_its_csrf_field(client: AsyncTestClient) -> None:
    await csrf_field(client)
    for url in ("/signup", "/login", "/logout", "/forgot-password", "/reset-password"):
        response = await client.post(url, data={"email": "a@b.example"}, follow_redirects=False)
        assert response.status_code == 403, url


async def test_an_invitation_link_joins_by_signing_up_or_signing_in(
    client: AsyncTestClient, other_client: AsyncTestClient, mailbox
) -> None:  # type: ignore[no-untyped-def]
    tenant_id = await sign_up_page(client, "owner@bikes.example")
    base = f"/t/{tenant_id}/settings/team"
    await submit(client, f"{base}/invite", {"email": "clerk@bikes.example", "role": "member"}, page=base)
    link = mailbox.link_to("clerk@bikes.example").split("://", 1)[-1]
    path = link[link.index("/invitations/accept") :]
    page = await other_client.get(path)
    assert page.status_code == 200 and "Join your team" in page.text and 'name="invitation"' in page.text
    token = mailbox.token_for("clerk@bikes.example")
    joined = await submit(
        other_client, "/signup", {"invitation": token, "email": "clerk@bikes.example", "password": PASSWORD}, page=path
    )
    assert joined.status_code == 303 and joined.headers["location"] == f"/t/{tenant_id}/"
    assert (await other_client.get(f"/t/{tenant_id}/")).status_code == 200
    used = await submit(other_client, "/invitations/accept", {"token": token}, page=path)
    assert used.status_code == 400 and "ask for a new invitation" in used.text
