"""A merchant signs up alone, signs in and out with a server-side session, and every change needs CSRF."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient
from mlc_testing.accounts import PASSWORD, csrf, log_in, sign_up
from mlc_testing.runtime_role import fetch_all

from mlconnector.platform.app import create_app


async def test_signup_creates_user_and_organisation_and_signs_in(client, app_database) -> None:
    me = await sign_up(client, "Owner@Acme.example", organisation="Acme Bikes Ltd.")
    assert me["user"]["email"] == "owner@acme.example"
    assert [(t["name"], t["slug"], t["role"]) for t in me["tenants"]] == [
        ("Acme Bikes Ltd.", "acme-bikes-ltd", "owner")
    ]
    assert (await client.get("/api/me")).json() == me  # signed in by the signup itself
    (stored_hash,) = await fetch_all(app_database.owner_url, "SELECT password_hash FROM users")
    assert stored_hash[0].startswith("$argon2id$") and PASSWORD not in stored_hash[0]


async def test_two_organisations_with_the_same_name_get_distinct_slugs(client, other_client) -> None:
    first = await sign_up(client, "a@acme.example", organisation="Acme")
    second = await sign_up(other_client, "b@acme.example", organisation="Acme")
    assert first["tenants"][0]["slug"] == "acme"
    assert second["tenants"][0]["slug"].startswith("acme-") and second["tenants"][0]["slug"] != "acme"


async def test_logout_ends_the_session_and_login_starts_a_new_one(client, app_database) -> None:
    await sign_up(client, "owner@acme.example")
    signup_session = client.cookies.get("mlc_session")
    assert (await client.post("/api/auth/logout", headers=await csrf(client))).status_code == 204
    assert client.cookies.get("mlc_session") is None
    response = await client.get("/api/me")
    assert response.status_code == 401 and "Sign in" in response.json()["error"]
    assert await fetch_all(app_database.owner_url, "SELECT key_hash FROM web_sessions") == []

    login = await log_in(client, "owner@acme.example")
    assert login.status_code == 200 and login.json()["tenants"][0]["role"] == "owner"
    assert client.cookies.get("mlc_session") not in (None, signup_session)
    assert (await client.get("/api/me")).status_code == 200


async def test_signing_in_replaces_a_session_id_planted_before(client, other_client) -> None:
    await sign_up(client, "owner@acme.example")
    planted = client.cookies.get("mlc_session")
    await log_in(client, "owner@acme.example")
    assert client.cookies.get("mlc_session") != planted
    other_client.cookies.set("mlc_session", planted)
    assert (await other_client.get("/api/me")).status_code == 401  # the old id no longer means anything


async def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client) -> None:
    await sign_up(client, "owner@acme.example")
    await client.post("/api/auth/logout", headers=await csrf(client))
    wrong = await log_in(client, "owner@acme.example", "not-the-password-1")
    unknown = await log_in(client, "nobody@acme.example", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"] == unknown.json()["error"] == "The email or password is wrong."
    assert (await client.get("/api/me")).status_code == 401


async def test_session_cookie_is_httponly_and_lax_and_holds_only_an_id(client, app_database) -> None:
    response = await client.post(
        "/api/auth/signup",
        json={"email": "owner@acme.example", "password": PASSWORD, "organisation": "Acme"},
        headers=await csrf(client),
    )
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("mlc_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert "owner@acme.example" not in cookie and len(client.cookies["mlc_session"]) == 64
    (key_hash,) = (await fetch_all(app_database.owner_url, "SELECT key_hash FROM web_sessions"))[0]
    assert key_hash != client.cookies["mlc_session"]  # the table holds a digest, not the cookie


async def test_cookies_are_secure_behind_https(make_settings, app_database, mailbox) -> None:
    from mlc_testing.accounts import KEK
    from mlc_testing.plugins import account_plugins

    settings = make_settings(
        DATABASE_URL=app_database.url,
        MLC_AUTO_MIGRATE="false",
        MLC_VAULT_KEKS=KEK,
        PUBLIC_BASE_URL="https://sync.example.com",
    )
    app = create_app(settings, plugins=account_plugins(), start_jobs=False, mail_sender=mailbox)
    async with AsyncTestClient(app, base_url="https://sync.example.com") as client:
        csrf_cookie = (await client.get("/api/auth/csrf")).headers["set-cookie"]
        assert "Secure" in csrf_cookie
        response = await client.post(
            "/api/auth/signup",
            json={"email": "owner@acme.example", "password": PASSWORD, "organisation": "Acme"},
            headers=await csrf(client),
        )
        cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("mlc_session="))
        assert "Secure" in cookie and "HttpOnly" in cookie


async def test_anonymous_requests_leave_no_session_behind(client, app_database) -> None:
    for path in ("/healthz", "/api/auth/csrf", "/api/me", "/api/connectors"):
        response = await client.get(path)
        assert "mlc_session" not in response.headers.get("set-cookie", "")
    assert await fetch_all(app_database.owner_url, "SELECT key_hash FROM web_sessions") == []


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/auth/signup", {"email": "x@acme.example", "password": PASSWORD, "organisation": "X"}),
        ("post", "/api/auth/login", {"email": "x@acme.example", "password": PASSWORD}),
        ("post", "/api/tenants", {"name": "Second shop"}),
        ("post", "/api/auth/logout", None),
    ],
)
async def test_changes_without_the_csrf_token_are_refused(client, app_database, method, path, body) -> None:
    await sign_up(client, "owner@acme.example")
    before = await fetch_all(
        app_database.owner_url, "SELECT count(*) FROM users UNION ALL SELECT count(*) FROM tenants"
    )
    response = await client.request(method.upper(), path, json=body)
    assert response.status_code == 403 and "CSRF" in response.json()["error"]
    forged = await client.request(method.upper(), path, json=body, headers={"x-csrf-token": "0" * 128})
    assert forged.status_code == 403
    assert (await client.get("/api/me")).status_code == 200  # not even logged out
    after = await fetch_all(app_database.owner_url, "SELECT count(*) FROM users UNION ALL SELECT count(*) FROM tenants")
    assert after == before


async def test_a_user_can_create_and_belong_to_several_organisations(client) -> None:
    await sign_up(client, "owner@acme.example", organisation="Acme")
    response = await client.post("/api/tenants", json={"name": "Acme Outlet"}, headers=await csrf(client))
    assert response.status_code == 201 and response.json()["role"] == "owner"
    names = sorted(t["name"] for t in (await client.get("/api/me")).json()["tenants"])
    assert names == ["Acme", "Acme Outlet"]
