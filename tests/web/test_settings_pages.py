"""Settings: connections with write-only secrets, the sync rhythm, team and invitations, API tokens shown once."""

from __future__ import annotations

import re
import uuid

from litestar.testing import AsyncTestClient
from web.web_pages import SECRET, SQLITE_ONLY, save_store, sign_up_page, submit


@SQLITE_ONLY
async def test_connections_show_only_whether_secrets_are_set(client: AsyncTestClient) -> None:
    tenant_id = await sign_up_page(client, "owner@bikes.example")
    await save_store(client, tenant_id)
    page = await client.get(f"/t/{tenant_id}/settings")
    assert page.status_code == 200
    assert "Adobe Commerce" in page.text and "secret-set" in page.text and SECRET not in page.text
    removed = await submit(
        client, f"/t/{tenant_id}/settings/connections/remove", {"plugin": "commerce"}, page=f"/t/{tenant_id}/settings"
    )
    assert "Nothing is connected yet" in (await client.get(removed.headers["location"])).text


async def test_sync_settings_are_saved_or_refused_with_a_sentence(client: AsyncTestClient) -> None:
    tenant_id = await sign_up_page(client, "owner@bikes.example")
    base = f"/t/{tenant_id}/settings"
    good = {
        "read_interval_minutes": "10",
        "web_connector_interval_minutes": "30",
        "pause_start": "22:00",
        "pause_end": "06:00",
        "pause_timezone": "America/New_York",
    }
    saved = await submit(client, f"{base}/sync", good, page=base)
    after = await client.get(saved.headers["location"])
    assert "Sync settings saved" in after.text and 'value="30"' in after.text and "America/New_York" in after.text
    bad = await submit(
        client, f"{base}/sync", {**good, "read_interval_minutes": "0", "pause_timezone": "Mars/Base"}, page=base
    )
    refused = await client.get(bad.headers["location"])
    assert "were not saved" in refused.text and 'value="10"' in refused.text


async def test_team_invitations_and_api_tokens(client: AsyncTestClient, mailbox) -> None:  # type: ignore[no-untyped-def]
    tenant_id = await sign_up_page(client, "owner@bikes.example")
    base = f"/t/{tenant_id}/settings"
    invited = await submit(
        client, f"{base}/team/invite", {"email": "clerk@bikes.example", "role": "member"}, page=f"{base}/team"
    )
    team = await client.get(invited.headers["location"])
    assert "clerk@bikes.example" in team.text and "Withdraw" in team.text
    assert mailbox.sent[-1].to == "clerk@bikes.example"
    created = await submit(client, f"{base}/tokens", {"name": "nightly export", "scope": "read"}, page=f"{base}/tokens")
    assert created.status_code == 200 and created.headers["cache-control"] == "no-store"
    token = re.search(r'<p class="once">([^<]+)</p>', created.text)
    assert token
    listed = await client.get(f"{base}/tokens")
    assert "nightly export" in listed.text and token.group(1) not in listed.text
    api = await client.get(f"/api/tenants/{tenant_id}", headers={"authorization": f"Bearer {token.group(1)}"})
    assert api.status_code == 200
    token_id = re.search(r'name="id" value="([0-9a-f-]{36})"', listed.text)
    assert token_id
    await submit(client, f"{base}/tokens/revoke", {"id": token_id.group(1)}, page=f"{base}/tokens")
    refused = await client.get(f"/api/tenants/{tenant_id}", headers={"authorization": f"Bearer {token.group(1)}"})
    assert refused.status_code == 401
    odd = await submit(client, f"{base}/tokens/revoke", {"id": str(uuid.uuid4())}, page=f"{base}/tokens")
    assert odd.status_code == 303
