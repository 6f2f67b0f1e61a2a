"""Bad input gets a clear 4xx naming the field, and nothing already stored changes."""

from __future__ import annotations

import pytest
from mlc_testing.accounts import PASSWORD, csrf, sign_up, tenant_of
from mlc_testing.plugins import PROBE_PASSWORD
from mlc_testing.runtime_role import fetch_all

STORED = ("users", "tenants", "memberships", "connections", "connection_secrets", "tenant_keys", "api_tokens")
SINK = {"host": "ok.example", "store_code": "main", "credentials": {"password": PROBE_PASSWORD}}


async def snapshot(owner_url: str) -> dict[str, list[str]]:
    """Every stored row of the tables a user's input could change, as text."""
    return {table: sorted(map(repr, await fetch_all(owner_url, f"SELECT * FROM {table}"))) for table in STORED}


def fields(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [item["key"] for item in response.json().get("details", [])]


async def _signup(client, **body):  # type: ignore[no-untyped-def]
    return await client.post("/api/auth/signup", json=body, headers=await csrf(client))


async def test_duplicate_email_is_a_conflict_naming_the_email(client, other_client, app_database) -> None:
    await sign_up(client, "owner@acme.example")
    before = await snapshot(app_database.owner_url)
    again = await _signup(other_client, email=" OWNER@acme.example ", password=PASSWORD, organisation="Copycat")
    assert again.status_code == 409 and fields(again) == ["email"]
    assert "already exists" in again.json()["error"]
    assert await snapshot(app_database.owner_url) == before


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"email": "new@acme.example", "password": "short", "organisation": "X"}, "password", "at least 12"),
        ({"email": "new@acme.example", "password": "aaaaaaaaaaaaaaaa", "organisation": "X"}, "password", "different"),
        (
            {"email": "bookkeeper@acme.example", "password": "my-bookkeeper-pass", "organisation": "X"},
            "password",
            "email",
        ),
        ({"email": "not-an-email", "password": PASSWORD, "organisation": "X"}, "email", "not an email"),
        ({"email": "new@acme.example", "password": PASSWORD, "organisation": "   "}, "organisation", "required"),
    ],
)
async def test_weak_or_missing_signup_fields_are_named(client, app_database, body, field, words) -> None:
    before = await snapshot(app_database.owner_url)
    response = await _signup(client, **body)
    assert response.status_code == 422
    assert fields(response) == [field] and words in response.json()["details"][0]["message"]
    assert await snapshot(app_database.owner_url) == before


async def test_malformed_json_is_refused_as_such(client, app_database) -> None:
    response = await client.post(
        "/api/auth/signup",
        content=b'{"email": "new@acme.example", "password": ',
        headers={**(await csrf(client)), "content-type": "application/json"},
    )
    assert response.status_code == 400 and fields(response) == ["body"]
    assert response.json()["error"].startswith("The request body is not valid JSON")
    assert await fetch_all(app_database.owner_url, "SELECT id FROM users") == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "a" * 300 + "@acme.example", "password": PASSWORD, "organisation": "X"}, "email"),
        ({"email": "new@acme.example", "password": "p" * 5000, "organisation": "X"}, "password"),
        ({"email": "new@acme.example", "password": PASSWORD, "organisation": "O" * 201}, "organisation"),
    ],
)
async def test_oversized_fields_are_named(client, app_database, body, field) -> None:
    response = await _signup(client, **body)
    assert response.status_code == 400 and fields(response) == [field]
    assert await fetch_all(app_database.owner_url, "SELECT id FROM users") == []


async def test_unknown_fields_are_refused_not_ignored(client) -> None:
    response = await _signup(client, email="new@acme.example", password=PASSWORD, organisation="X", is_admin=True)
    assert response.status_code == 400 and "is_admin" in response.json()["details"][0]["message"]


async def test_unknown_plugin_is_a_404_naming_the_plugin(client, app_database) -> None:
    await sign_up(client, "owner@acme.example")
    tenant = await tenant_of(client)
    before = await snapshot(app_database.owner_url)
    response = await client.put(
        f"/api/tenants/{tenant}/connections/nosuchplug", json={"config": SINK}, headers=await csrf(client)
    )
    assert response.status_code == 404 and fields(response) == ["plugin"]
    assert "no connector plugin named 'nosuchplug'" in response.json()["error"]
    assert await snapshot(app_database.owner_url) == before


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"store_code": "main", "credentials": {"password": PROBE_PASSWORD}}, [("host", "is required")]),
        ({**SINK, "store_code": "Main Store!"}, [("store_code", "fails pattern '^[a-z0-9_]+$'")]),
        ({**SINK, "colour": "red"}, [("colour", "is not a setting of this connector")]),
        ({**SINK, "credentials": {"password": "short"}}, [("credentials.password", "fails minLength 8")]),
        ({**SINK, "credentials": {"password": 12345678}}, [("credentials.password", "must be a string")]),
        ({**SINK, "host": "h" * 201}, [("host", "fails maxLength 200")]),
    ],
)
async def test_config_failing_the_plugin_schema_names_the_field_and_keeps_the_old_one(
    client, app_database, config, expected
) -> None:
    await sign_up(client, "owner@acme.example")
    tenant = await tenant_of(client)
    url = f"/api/tenants/{tenant}/connections/probesink"
    assert (await client.put(url, json={"config": SINK}, headers=await csrf(client))).status_code == 200
    before = await snapshot(app_database.owner_url)
    response = await client.put(url, json={"config": config}, headers=await csrf(client))
    assert response.status_code == 422
    assert [(d["key"], d["message"]) for d in response.json()["details"]] == expected
    assert PROBE_PASSWORD not in response.text
    assert await snapshot(app_database.owner_url) == before
    ping = await client.post(f"{url}/ping", headers=await csrf(client))
    assert ping.json()["ok"] is True  # the stored connection still works


async def test_a_config_that_is_not_an_object_or_too_large_is_refused(client, app_database) -> None:
    await sign_up(client, "owner@acme.example")
    tenant = await tenant_of(client)
    url = f"/api/tenants/{tenant}/connections/testplug"
    not_object = await client.put(url, json={"config": ["url"]}, headers=await csrf(client))
    assert not_object.status_code == 400 and fields(not_object) == ["config"]
    huge = await client.put(
        url, json={"config": {"url": "u" * 70_000, "token": "good-token"}}, headers=await csrf(client)
    )
    assert huge.status_code == 422 and huge.json()["details"] == [{"key": "config", "message": "is larger than 64 KiB"}]
    assert await fetch_all(app_database.owner_url, "SELECT id FROM connections") == []


async def test_bad_token_names_and_scopes_are_named(client, app_database) -> None:
    await sign_up(client, "owner@acme.example")
    tenant = await tenant_of(client)
    response = await client.post(
        f"/api/tenants/{tenant}/tokens", json={"name": "  ", "scope": "admin"}, headers=await csrf(client)
    )
    assert response.status_code == 422 and fields(response) == ["name", "scope"]
    assert await fetch_all(app_database.owner_url, "SELECT id FROM api_tokens") == []
