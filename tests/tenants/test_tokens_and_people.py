"""API tokens for scripts, invitations for people, and a password reset that signs everyone out."""

from __future__ import annotations

from mlc_testing.accounts import PASSWORD, csrf, log_in, sign_up, tenant_of
from mlc_testing.runtime_role import fetch_all

SOURCE = {"url": "https://shop.example", "token": "good-token"}


async def _token(client, tenant: str, scope: str, name: str = "nightly export") -> dict:  # type: ignore[no-untyped-def]
    response = await client.post(
        f"/api/tenants/{tenant}/tokens", json={"name": name, "scope": scope}, headers=await csrf(client)
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_api_token_is_shown_once_stored_hashed_and_works_without_a_session(
    client, other_client, app_database
) -> None:
    await sign_up(client, "owner@acme.example")
    tenant = await tenant_of(client)
    created = await _token(client, tenant, "write")
    token = created["token"]
    assert token.startswith("mlcp_") and len(token) > 60
    listed = (await client.get(f"/api/tenants/{tenant}/tokens")).json()
    assert [t["name"] for t in listed] == ["nightly export"] and "token" not in listed[0]
    assert listed[0]["last_used_at"] is None
    stored = await fetch_all(app_database.owner_url, "SELECT token_hash FROM api_tokens")
    assert token not in str(stored)

    bearer = {"authorization": f"Bearer {token}"}  # no cookie, no CSRF header: a script
    saved = await other_client.put(
        f"/api/tenants/{tenant}/connections/testplug", json={"config": SOURCE}, headers=bearer
    )
    assert saved.status_code == 200, saved.text
    assert (await other_client.post(f"/api/tenants/{tenant}/connections/testplug/ping", headers=bearer)).json()["ok"]
    assert (await client.get(f"/api/tenants/{tenant}/tokens")).json()[0]["last_used_at"] is not None

    revoked = await client.delete(f"/api/tenants/{tenant}/tokens/{created['id']}", headers=await csrf(client))
    assert revoked.status_code == 204
    refused = await other_client.get(f"/api/tenants/{tenant}/connections", headers=bearer)
    assert refused.status_code == 401 and refused.json()["error"] == "The API token is not valid or was revoked."


async def test_read_tokens_read_and_no_token_manages_people_or_tokens(client, other_client) -> None:
    await sign_up(client, "owner@acme.example")
    tenant = await tenant_of(client)
    reader = {"authorization": f"Bearer {(await _token(client, tenant, 'read'))['token']}"}
    writer = {"authorization": f"Bearer {(await _token(client, tenant, 'write'))['token']}"}
    assert (await other_client.get(f"/api/tenants/{tenant}/connections", headers=reader)).status_code == 200
    put = await other_client.put(f"/api/tenants/{tenant}/connections/testplug", json={"config": SOURCE}, headers=reader)
    assert put.status_code == 403 and "read-only" in put.json()["error"]
    for headers in (reader, writer):
        minted = await other_client.post(
            f"/api/tenants/{tenant}/tokens", json={"name": "escalate", "scope": "write"}, headers=headers
        )
        assert minted.status_code == 403 and "signed-in owner" in minted.json()["error"]
    assert (await other_client.get("/api/me", headers=writer)).status_code == 403
    garbage = await other_client.get(f"/api/tenants/{tenant}/connections", headers={"authorization": "Bearer nope"})
    assert garbage.status_code == 401


async def test_a_bearer_request_is_judged_by_its_token_alone(client) -> None:
    await sign_up(client, "owner@acme.example")  # the session cookie is present…
    tenant = await tenant_of(client)
    response = await client.get(f"/api/tenants/{tenant}/connections", headers={"authorization": "Bearer mlcp_forged"})
    assert response.status_code == 401  # …but a bad token is not rescued by it
    no_csrf = await client.put(
        f"/api/tenants/{tenant}/connections/testplug",
        json={"config": SOURCE},
        headers={"authorization": "Bearer mlcp_forged"},
    )
    assert no_csrf.status_code == 401


async def test_owner_invites_a_new_person_who_signs_up_into_the_organisation(client, other_client, mailbox) -> None:
    await sign_up(client, "owner@acme.example", organisation="Acme")
    tenant = await tenant_of(client)
    invited = await client.post(
        f"/api/tenants/{tenant}/invitations",
        json={"email": "Bookkeeper@Acme.example", "role": "member"},
        headers=await csrf(client),
    )
    assert invited.status_code == 201 and invited.json()["email"] == "bookkeeper@acme.example"
    assert [i["email"] for i in (await client.get(f"/api/tenants/{tenant}/invitations")).json()] == [
        "bookkeeper@acme.example"
    ]
    message = mailbox.sent[-1]
    assert message.to == "bookkeeper@acme.example" and "Acme" in message.subject
    assert mailbox.link_to("bookkeeper@acme.example").startswith("http://localhost:8000/invitations/accept?token=")

    me = await sign_up(other_client, "bookkeeper@acme.example", invitation=mailbox.token_for("bookkeeper@acme.example"))
    assert [(t["id"], t["role"]) for t in me["tenants"]] == [(tenant, "member")]
    members = (await client.get(f"/api/tenants/{tenant}/members")).json()
    assert sorted((m["email"], m["role"]) for m in members) == [
        ("bookkeeper@acme.example", "member"),
        ("owner@acme.example", "owner"),
    ]
    assert (await client.get(f"/api/tenants/{tenant}/invitations")).json() == []
    # a member runs the sync but does not manage people
    refused = await other_client.post(
        f"/api/tenants/{tenant}/invitations", json={"email": "x@acme.example"}, headers=await csrf(other_client)
    )
    assert refused.status_code == 403 and refused.json()["error"] == "Only an owner of this organisation can do that."
    saved = await other_client.put(
        f"/api/tenants/{tenant}/connections/testplug", json={"config": SOURCE}, headers=await csrf(other_client)
    )
    assert saved.status_code == 200


async def test_an_existing_user_accepts_only_an_invitation_sent_to_them(client, other_client, mailbox) -> None:
    await sign_up(client, "owner@acme.example", organisation="Acme")
    tenant = await tenant_of(client)
    await sign_up(other_client, "partner@other.example", organisation="Other")
    await client.post(
        f"/api/tenants/{tenant}/invitations", json={"email": "someone@else.example"}, headers=await csrf(client)
    )
    wrong = await other_client.post(
        "/api/invitations/accept",
        json={"token": mailbox.token_for("someone@else.example")},
        headers=await csrf(other_client),
    )
    assert wrong.status_code == 403 and "another email address" in wrong.json()["error"]

    await client.post(
        f"/api/tenants/{tenant}/invitations",
        json={"email": "partner@other.example", "role": "owner"},
        headers=await csrf(client),
    )
    token = mailbox.token_for("partner@other.example")
    accepted = await other_client.post(
        "/api/invitations/accept", json={"token": token}, headers=await csrf(other_client)
    )
    assert accepted.status_code == 200 and accepted.json()["role"] == "owner"
    assert sorted(t["name"] for t in (await other_client.get("/api/me")).json()["tenants"]) == ["Acme", "Other"]
    again = await other_client.post("/api/invitations/accept", json={"token": token}, headers=await csrf(other_client))
    assert again.status_code == 422 and again.json()["details"][0]["key"] == "invitation"


async def test_the_last_owner_cannot_be_removed(client) -> None:
    await sign_up(client, "owner@acme.example")
    tenant = await tenant_of(client)
    (me,) = (await client.get(f"/api/tenants/{tenant}/members")).json()
    response = await client.delete(f"/api/tenants/{tenant}/members/{me['id']}", headers=await csrf(client))
    assert response.status_code == 409 and "last owner" in response.json()["error"]


async def test_password_reset_by_email_signs_out_every_session(client, other_client, mailbox, app_database) -> None:
    await sign_up(client, "owner@acme.example")
    asked = await other_client.post(
        "/api/auth/password-reset", json={"email": "OWNER@acme.example"}, headers=await csrf(other_client)
    )
    nobody = await other_client.post(
        "/api/auth/password-reset", json={"email": "nobody@acme.example"}, headers=await csrf(other_client)
    )
    assert asked.status_code == nobody.status_code == 202 and asked.json() == nobody.json()  # no account probing
    assert [m.to for m in mailbox.sent] == ["owner@acme.example"]
    assert mailbox.link_to("owner@acme.example").startswith("http://localhost:8000/reset-password?token=mlcr_")
    token = mailbox.token_for("owner@acme.example")

    weak = await other_client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": "short"}, headers=await csrf(other_client)
    )
    assert weak.status_code == 422 and weak.json()["details"][0]["key"] == "password"
    done = await other_client.post(
        "/api/auth/password-reset/confirm",
        json={"token": token, "password": "a-brand-new-phrase-7"},
        headers=await csrf(other_client),
    )
    assert done.status_code == 200
    assert (await client.get("/api/me")).status_code == 401  # the old session ended with the old password
    assert (await log_in(other_client, "owner@acme.example", PASSWORD)).status_code == 401
    assert (await log_in(other_client, "owner@acme.example", "a-brand-new-phrase-7")).status_code == 200
    reused = await other_client.post(
        "/api/auth/password-reset/confirm",
        json={"token": token, "password": "yet-another-phrase-8"},
        headers=await csrf(other_client),
    )
    assert reused.status_code == 422 and reused.json()["details"][0]["key"] == "token"
    assert "a-brand-new-phrase-7" not in str(await fetch_all(app_database.owner_url, "SELECT * FROM users"))
