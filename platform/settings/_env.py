"""Reading one environment variable into a typed value, with an error that names the variable."""

from __future__ import annotations

import base64
import binascii
import os
import re
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from mlconnector.platform.errors import SettingsError

KEY_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def raw(name: str) -> str | None:
    """The variable's value with surrounding blanks removed; an empty value counts as unset."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return None
    return value.strip()


def text(name: str, default: str | None = None) -> str | None:
    value = raw(name)
    return default if value is None else value


def integer(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    value = raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(name, f"expected a whole number, got {value!r}") from None
    if number < minimum or (maximum is not None and number > maximum):
        upper = "" if maximum is None else f" and at most {maximum}"
        raise SettingsError(name, f"expected a number of at least {minimum}{upper}, got {number}")
    return number


def number(name: str, default: float, *, minimum: float = 0.0) -> float:
    value = raw(name)
    if value is None:
        return default
    try:
        parsed = float(value)
    except ValueError:
        raise SettingsError(name, f"expected a number, got {value!r}") from None
    if parsed < minimum:
        raise SettingsError(name, f"expected a number of at least {minimum}, got {parsed}")
    return parsed


def boolean(name: str, default: bool) -> bool:
    value = raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(name, f"expected true or false, got {value!r}")


def choice(name: str, default: str, options: tuple[str, ...]) -> str:
    value = raw(name)
    if value is None:
        return default
    if value.lower() not in options:
        raise SettingsError(name, f"expected one of {', '.join(options)}, got {value!r}")
    return value.lower()


def path(name: str, default: Path) -> Path:
    value = raw(name)
    return default if value is None else Path(value).expanduser()


def database_url(name: str, default: str | None) -> str | None:
    """A SQLAlchemy async URL; plain ``postgresql://`` is accepted and given the asyncpg driver."""
    value = raw(name)
    if value is None:
        return default
    try:
        url = make_url(value)
    except ArgumentError:
        raise SettingsError(name, "expected a database URL such as postgresql+asyncpg://user@host:5432/db") from None
    backend = url.get_backend_name()
    if backend == "postgresql" and url.drivername in {"postgresql", "postgres", "postgresql+asyncpg"}:
        return url.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    if backend == "sqlite" and url.drivername in {"sqlite", "sqlite+aiosqlite"}:
        return url.set(drivername="sqlite+aiosqlite").render_as_string(hide_password=False)
    raise SettingsError(name, f"only PostgreSQL (postgresql+asyncpg://) and SQLite are supported, got {backend!r}")


def redis_url(name: str) -> str | None:
    value = raw(name)
    if value is None:
        return None
    if not value.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError(name, "expected a Redis URL such as redis://127.0.0.1:6379/0")
    return value


def public_url(name: str, default: str) -> str:
    value = raw(name) or default
    if not value.startswith(("https://", "http://")):
        raise SettingsError(name, f"expected an absolute http(s) URL such as https://sync.example.com, got {value!r}")
    return value.rstrip("/")


def key_list(name: str) -> dict[str, bytes]:
    """``id:base64key[,id:base64key…]``: named 256-bit keys, the first being the newest."""
    value = raw(name)
    if value is None:
        return {}
    return parse_key_list(name, value)


def parse_key_list(name: str, value: str) -> dict[str, bytes]:
    """Parse ``id:base64key`` entries separated by commas or newlines (the same format in a variable or a file);
    errors name ``name``."""
    keys: dict[str, bytes] = {}
    items = [item for item in value.replace("\n", ",").split(",") if item.strip()]
    for index, item in enumerate(items, start=1):
        key_id, sep, encoded = item.strip().partition(":")
        if not sep or not key_id or not encoded:
            raise SettingsError(name, f"entry {index} is not of the form id:base64key")
        if not KEY_ID.match(key_id):
            raise SettingsError(name, f"entry {index}: key ids are 1-64 letters, digits, '.', '_' or '-'")
        try:
            key = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise SettingsError(name, f"entry {index} ({key_id}) is not valid base64") from None
        if len(key) != 32:
            raise SettingsError(name, f"entry {index} ({key_id}) must decode to 32 bytes, not {len(key)}")
        if key_id in keys:
            raise SettingsError(name, f"key id {key_id!r} appears twice")
        keys[key_id] = key
    return keys


ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def role_name(name: str) -> str | None:
    """A PostgreSQL role name we can quote safely (lower-case letters, digits and underscores)."""
    value = raw(name)
    if value is not None and not ROLE_NAME.match(value):
        raise SettingsError(name, f"expected a role name of lower-case letters, digits and underscores, got {value!r}")
    return value


def name_list(name: str) -> tuple[str, ...] | None:
    value = raw(name)
    if value is None:
        return None
    return tuple(sorted({part.strip() for part in value.split(",") if part.strip()}))
