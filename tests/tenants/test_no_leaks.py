"""Planted secrets — connection secrets and passwords — never reach logs, stored rows, API responses, error
bodies, emails or CLI output, even when a plugin misbehaves or a stored ciphertext is damaged."""

from __future__ import annotations

import asyncio
import json

from click.testing import CliRunner
from litestar.testing import AsyncTestClient
from mlc_testing.accounts import KEK, csrf
from mlc_testing.leaks import capture_logs, places_containing, stored_rows_containing
from mlc_testing.plugins import account_plugins
from mlc_testing.runtime_role import fetch_all
from sqlalchemy import text

from mlconnector.platform.app import create_app
from mlconnector.platform.cli.app import build_cli
from mlconnector.platform.db.engine import build_engine

SOURCE_TOKEN = "planted-source-token-7f3a"
SINK_PASSWORD = "planted-sink-pass-91b2"
CLI_TOKEN = "planted-cli-token-c4d8"
USER_PASSWORD = "planted-user-password-55"
NEW_PASSWORD = "planted-new-password-66"
SECRETS = (SOURCE_TOKEN, SINK_PASSWORD, CLI_TOKEN, USER_PASSWORD, NEW_PASSWORD)


class Recorder:
    """Keeps every response body the client saw."""

    def __init__(self, client: AsyncTestClient) -> None:
        self.client = client
        self.bodies: dict[str, str] = {}

    async def __call__(self, method: str, path: str, body: object = None, headers: dict | None = None):  # type: ignore[no-untyped-def]
        headers = headers if headers is not None else await csrf(self.client)
        response = await self.client.request(method, path, json=body, headers=headers)
        self.bodies[f"{len(self.bodies)} {method} {path} -> {response.status_code}"] = response.text
        return response


async def _damage_a_ciphertext(owner_url: str) -> None:
    engine = build_engine(owner_url, null_pool=True)
    async with engine.begin() as connection:
        sealed = (
            await connection.execute(text("SELECT sealed FROM connection_secrets WHERE field = 'token'"))
        ).scalar()
        damaged = bytes(sealed[:-1]) + bytes([sealed[-1] ^ 1])
        await connection.execute(
            text("UPDATE connection_secrets SET sealed = :s WHERE field = 'token'"), {"s": damaged}
        )
    await engine.dispose()


async def test_planted_secrets_appear_nowhere(make_settings, app_database, monkeypatch, tmp_path) -> None:
    settings = make_settings(DATABASE_URL=app_database.url, MLC_AUTO_MIGRATE="false", MLC_VAULT_KEKS=KEK)
    app = create_app(settings, plugins=account_plugins(), start_jobs=False)  # the default, logging mail sender
    cli_output: dict[str, str] = {}
    with capture_logs() as logs:
        async with AsyncTestClient(app) as client:
            call = Recorder(client)
            signup = {"email": "owner@acme.example", "password": USER_PASSWORD, "organisation": "Acme"}
            me = (await call("POST", "/api/auth/signup", signup)).json()
            tenant = me["tenants"][0]["id"]
            await call("POST", "/api/auth/logout")
            await call("POST", "/api/auth/login", {"email": "owner@acme.example", "password": "wrong-" + USER_PASSWORD})
            await call("POST", "/api/auth/login", {"email": "owner@acme.example", "password": USER_PASSWORD})
            base = f"/api/tenants/{tenant}/connections"
            await call("PUT", f"{base}/testplug", {"config": {"url": "https://s.example", "token": SOURCE_TOKEN}})
            # refused configs that carry secrets: the error names fields, never values
            await call("PUT", f"{base}/testplug", {"config": {"url": 42, "token": SOURCE_TOKEN}})
            await call(
                "PUT", f"{base}/probesink", {"config": {"host": "x" * 300, "credentials": {"password": SINK_PASSWORD}}}
            )
            await call("PUT", f"{base}/nosuch", {"config": {"token": SOURCE_TOKEN}})
            # a plugin that echoes its secret in its answer, and one that raises with it
            for host in ("leaky.example", "crash.example"):
                await call(
                    "PUT", f"{base}/probesink", {"config": {"host": host, "credentials": {"password": SINK_PASSWORD}}}
                )
                ping = await call("POST", f"{base}/probesink/ping")
                assert ping.json()["ok"] is False
            await call("GET", base)
            await call("GET", f"{base}/probesink")
            await call("POST", f"{base}/testplug/ping")
            await call("POST", "/api/auth/password-reset", {"email": "owner@acme.example"})
            reset_line = next(line for line in logs.getvalue().splitlines() if "reset-password?token=" in line)
            token = reset_line.split("token=", 1)[1].split()[0].split("\\n")[0].strip('",')
            await call("POST", "/api/auth/password-reset/confirm", {"token": token, "password": NEW_PASSWORD})
            await call("POST", "/api/auth/login", {"email": "owner@acme.example", "password": NEW_PASSWORD})

            # the CLI, with a config file holding a secret
            monkeypatch.setattr(
                "mlconnector.platform.bootstrap.load_runtime_plugins", lambda _settings: account_plugins()
            )
            config_file = tmp_path / "source.json"
            config_file.write_text(json.dumps({"url": "https://cli.example", "token": CLI_TOKEN}))
            for args, exit_code in (
                (["connection", "set", "acme", "testplug", "--config", str(config_file), "--json"], 0),
                (["connection", "show", "acme"], 0),
                (["connection", "ping", "acme", "testplug", "--json"], 1),
                (["connection", "ping", "acme", "probesink"], 1),
            ):
                result = await asyncio.to_thread(CliRunner().invoke, build_cli(), args)  # the CLI runs its own loop
                assert result.exit_code == exit_code, result.output
                cli_output[" ".join(args)] = result.output

            # a damaged ciphertext: a clear 500 sentence, no secret, no stack trace
            await _damage_a_ciphertext(app_database.owner_url)
            broken = await call("POST", f"{base}/testplug/ping")
            assert broken.status_code == 500 and "does not belong here" in broken.json()["error"]
            assert "Traceback" not in broken.text

    texts = {**call.bodies, **cli_output, "logs": logs.getvalue()}
    assert places_containing(SECRETS, texts) == []
    assert await stored_rows_containing(app_database.owner_url, SECRETS) == []
    assert "reset-password?token=" in logs.getvalue()  # the log sender did deliver the link
    assert "The email or password is wrong." in "".join(call.bodies.values())  # the flow really ran
    assert any("********" in body for body in call.bodies.values())  # the leaky plugin's message was masked
    stored = await fetch_all(app_database.owner_url, "SELECT count(*) FROM connection_secrets")
    assert stored[0][0] == 2
