"""Settings: sensible defaults, and one clear line naming any malformed or missing variable."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlconnector.platform.errors import SettingsError

MLC = str(Path(sys.executable).with_name("mlc"))


def test_defaults_are_the_embedded_mode(make_settings) -> None:
    settings = make_settings()
    assert settings.embedded
    assert settings.database.url.startswith("sqlite+aiosqlite:///")
    assert settings.database.url.endswith("mlconnector.sqlite3")
    assert settings.database.auto_migrate
    assert settings.server.public_base_url == "http://localhost:8000"


def test_postgres_url_gets_the_async_driver_and_no_auto_migration(make_settings) -> None:
    settings = make_settings(DATABASE_URL="postgresql://app@db:5432/mlc")
    assert settings.database.url == "postgresql+asyncpg://app@db:5432/mlc"
    assert settings.database.owner_url == settings.database.url
    assert not settings.database.auto_migrate


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("DATABASE_URL", "mysql://x@y/z", "only PostgreSQL"),
        ("DATABASE_URL", "not a url", "expected a database URL"),
        ("REDIS_URL", "localhost:6379", "expected a Redis URL"),
        ("PUBLIC_BASE_URL", "sync.example.com", "absolute http(s) URL"),
        ("MLC_PORT", "eighty", "whole number"),
        ("MLC_PORT", "70000", "at most 65535"),
        ("MLC_LOG_LEVEL", "loud", "one of debug"),
        ("MLC_AUTO_MIGRATE", "perhaps", "true or false"),
        ("MLC_VAULT_KEKS", "k1:not-base64!", "not valid base64"),
        ("MLC_VAULT_KEKS", "k1:" + base64.b64encode(b"short").decode(), "32 bytes"),
    ],
)
def test_malformed_settings_name_the_variable(make_settings, name: str, value: str, fragment: str) -> None:
    with pytest.raises(SettingsError) as caught:
        make_settings(**{name: value})
    assert caught.value.name == name
    assert fragment in str(caught.value)


def test_production_requires_a_vault_key(make_settings) -> None:
    with pytest.raises(SettingsError, match="MLC_VAULT_KEKS"):
        make_settings(REDIS_URL="redis://127.0.0.1:6379/0")
    key = base64.b64encode(os.urandom(32)).decode()
    settings = make_settings(REDIS_URL="redis://127.0.0.1:6379/0", MLC_VAULT_KEKS=f"new:{key},old:{key}")
    assert settings.vault.active_kek_id == "new"
    assert "new" in repr(settings.vault) and key not in repr(settings.vault)


def test_dotenv_fills_gaps_but_never_overrides(make_settings, tmp_path: Path, monkeypatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("MLC_PORT=9100\nPUBLIC_BASE_URL=https://from-dotenv.example\n")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://from-environment.example")
    monkeypatch.delenv("MLC_PORT", raising=False)
    settings = make_settings(MLC_ENV_FILE=str(env_file))
    assert settings.server.port == 9100
    assert settings.server.public_base_url == "https://from-environment.example"


def test_cli_stops_with_one_line_naming_the_setting(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": "mysql://nope", "MLC_DATA_DIR": str(tmp_path)}
    result = subprocess.run([MLC, "db", "current"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "DATABASE_URL" in lines[0]
