"""The settings groups. Each field's docstring is the documentation of its environment variable."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from dotenv import load_dotenv
from sqlalchemy.engine import make_url

from mlconnector.platform.errors import SettingsError
from mlconnector.platform.redaction import Secret
from mlconnector.platform.settings import _env


@dataclass(frozen=True, kw_only=True)
class ServerSettings:
    """Where the web process listens and how it describes itself to the outside."""

    data_dir: Path
    """``MLC_DATA_DIR``: where the embedded default keeps its SQLite file and generated keys.
    Default ``./.mlc-data``."""
    public_base_url: str
    """``PUBLIC_BASE_URL``: the https address the Web Connector and webhooks reach us at; goes into a .qwc ``AppURL``.
    Default ``http://localhost:8000`` (plain http is accepted by the Web Connector only for localhost)."""
    host: str
    """``MLC_HOST``: interface ``mlc serve`` binds. Default ``127.0.0.1``."""
    port: int
    """``MLC_PORT``: port ``mlc serve`` binds. Default ``8000``."""
    workers: int
    """``MLC_WEB_WORKERS``: Granian worker processes for ``mlc serve``. Default ``1`` (scale pods, not workers)."""
    max_body_bytes: int
    """``MLC_MAX_BODY_BYTES``: largest request body accepted, in bytes. Default 16 MiB (a busy Web Connector
    response with many records)."""

    @classmethod
    def from_env(cls) -> ServerSettings:
        return cls(
            data_dir=_env.path("MLC_DATA_DIR", Path(".mlc-data")).resolve(),
            public_base_url=_env.public_url("PUBLIC_BASE_URL", "http://localhost:8000"),
            host=_env.text("MLC_HOST", "127.0.0.1") or "127.0.0.1",
            port=_env.integer("MLC_PORT", 8000, minimum=1, maximum=65535),
            workers=_env.integer("MLC_WEB_WORKERS", 1, minimum=1, maximum=64),
            max_body_bytes=_env.integer("MLC_MAX_BODY_BYTES", 16 * 1024 * 1024, minimum=1024),
        )


@dataclass(frozen=True, kw_only=True)
class DatabaseSettings:
    """The system of record for every unit of work."""

    url: str
    """``DATABASE_URL``: the runtime connection (``postgresql+asyncpg://…`` or ``sqlite+aiosqlite:///…``). Default: a
    SQLite file ``mlconnector.sqlite3`` in the data directory. On PostgreSQL this role should be neither the owner of
    the tables nor BYPASSRLS."""
    owner_url: str
    """``DATABASE_OWNER_URL``: the connection migrations run as (the table owner). Default: ``DATABASE_URL``."""
    pool_size: int
    """``MLC_DB_POOL_SIZE``: connections per process on PostgreSQL. Default ``10``."""
    auto_migrate: bool
    """``MLC_AUTO_MIGRATE``: migrate the schema at start-up. Default: on for SQLite (the embedded default), off for
    PostgreSQL, where an un-migrated schema stops start-up and ``mlc db upgrade`` (a Helm hook) migrates it."""
    runtime_role: str | None
    """``MLC_DB_RUNTIME_ROLE``: on PostgreSQL, the role ``DATABASE_URL`` connects as. Every ``mlc db upgrade`` (run as
    the owner) grants it exactly what the app needs: ``USAGE`` on the schema, ``SELECT, INSERT, UPDATE, DELETE`` on
    every table (``SELECT`` only on ``alembic_version``), sequence use, and the same by default for tables created
    later. Create the role yourself, ``CREATE ROLE mlc_app LOGIN PASSWORD '…' NOSUPERUSER NOBYPASSRLS`` — never
    the owner and never BYPASSRLS, so row-level security applies to it. Default: the user in ``DATABASE_URL`` when
    it differs from the user in ``DATABASE_OWNER_URL``; otherwise no grants are made."""

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @classmethod
    def from_env(cls, server: ServerSettings) -> DatabaseSettings:
        default = f"sqlite+aiosqlite:///{server.data_dir / 'mlconnector.sqlite3'}"
        url = _env.database_url("DATABASE_URL", default) or default
        owner = _env.database_url("DATABASE_OWNER_URL", url) or url
        return cls(
            url=url,
            owner_url=owner,
            pool_size=_env.integer("MLC_DB_POOL_SIZE", 10, minimum=1, maximum=200),
            auto_migrate=_env.boolean("MLC_AUTO_MIGRATE", url.startswith("sqlite")),
            runtime_role=_env.role_name("MLC_DB_RUNTIME_ROLE") or _distinct_runtime_user(url, owner),
        )


def _distinct_runtime_user(url: str, owner_url: str) -> str | None:
    """The runtime URL's user, when PostgreSQL and it is not the owner's (then the owner must grant it access)."""
    runtime, owner = make_url(url), make_url(owner_url)
    if runtime.get_backend_name() != "postgresql" or not runtime.username or runtime.username == owner.username:
        return None
    return runtime.username


@dataclass(frozen=True, kw_only=True)
class RedisSettings:
    """The message broker. Unset means the embedded default: jobs run in-process inside ``mlc serve``."""

    url: str | None
    """``REDIS_URL``: ``redis://host:6379/0``. Set it to run separate ``mlc worker`` processes
    (the production shape)."""

    @property
    def embedded(self) -> bool:
        return self.url is None

    @classmethod
    def from_env(cls) -> RedisSettings:
        return cls(url=_env.redis_url("REDIS_URL"))


@dataclass(frozen=True, kw_only=True)
class VaultSettings:
    """Key-encryption keys (KEKs) that wrap each tenant's data key. Secrets themselves live in the database."""

    keks: dict[str, bytes] = field(repr=False)
    """``MLC_VAULT_KEKS``: ``id:base64-32-bytes[,id:base64…]``. Required when ``REDIS_URL`` is set (production). In
    the embedded default, when unset, a key is generated once into ``<data dir>/vault-keks`` (mode 0600)."""
    active_kek_id: str | None
    """``MLC_VAULT_ACTIVE_KEK``: which KEK wraps new data keys. Default: the first in ``MLC_VAULT_KEKS``. The others
    stay readable until removed, which is how a KEK is retired after ``mlc vault rotate-kek``."""
    kek_file: Path
    """Where the embedded default keeps its generated KEK (``<data dir>/vault-keks``); not an environment variable."""

    def __repr__(self) -> str:
        return f"VaultSettings(kek_ids={list(self.keks)}, active_kek_id={self.active_kek_id!r})"

    @classmethod
    def from_env(cls, server: ServerSettings, redis: RedisSettings) -> VaultSettings:
        keks = _env.key_list("MLC_VAULT_KEKS")
        active = _env.text("MLC_VAULT_ACTIVE_KEK")
        if not keks and not redis.embedded:
            raise SettingsError(
                "MLC_VAULT_KEKS", "required when REDIS_URL is set; generate one with `mlc vault new-kek`"
            )
        if active is not None and keks and active not in keks:
            raise SettingsError("MLC_VAULT_ACTIVE_KEK", f"{active!r} is not one of the ids in MLC_VAULT_KEKS")
        if active is None and keks:
            active = next(iter(keks))
        return cls(keks=keks, active_kek_id=active, kek_file=server.data_dir / "vault-keks")


@dataclass(frozen=True, kw_only=True)
class JobSettings:
    """How work is leased, retried and recovered. The database is the truth; Redis only carries wake-ups."""

    worker_threads: int
    """``MLC_WORKER_THREADS``: jobs run at once per worker process (and inside ``mlc serve`` when embedded).
    Default 4."""
    embedded_workers: bool
    """``MLC_EMBEDDED_WORKERS``: run jobs inside ``mlc serve`` when ``REDIS_URL`` is unset. Default on."""
    lease_seconds: int
    """``MLC_JOB_LEASE_SECONDS``: how long a started job may run before another worker may take it over. Default 300."""
    redispatch_seconds: int
    """``MLC_JOB_REDISPATCH_SECONDS``: a queued job whose wake-up was sent this long ago without being started is sent
    again (covers a flushed Redis or a lost message). Default 60."""
    sweep_seconds: float
    """``MLC_JOB_SWEEP_SECONDS``: how often each worker looks for lost or due jobs and due schedules. Default 5."""
    max_attempts: int
    """``MLC_JOB_MAX_ATTEMPTS``: attempts before a job is kept as a dead letter. Default 8."""
    min_backoff_ms: int
    """``MLC_JOB_MIN_BACKOFF_MS``: first retry delay; doubles each attempt, with jitter. Default 2000."""
    max_backoff_ms: int
    """``MLC_JOB_MAX_BACKOFF_MS``: the longest retry delay. Default one hour."""
    sandbox_cycle_seconds: int
    """``MLC_SANDBOX_CYCLE_SECONDS``: how often a sandbox's fake store is read and its simulated Web Connector runs
    an update, so a new user sees orders reach the simulated books within a minute. Default 15."""

    @classmethod
    def from_env(cls) -> JobSettings:
        return cls(
            worker_threads=_env.integer("MLC_WORKER_THREADS", 4, minimum=1, maximum=64),
            embedded_workers=_env.boolean("MLC_EMBEDDED_WORKERS", True),
            lease_seconds=_env.integer("MLC_JOB_LEASE_SECONDS", 300, minimum=1),
            redispatch_seconds=_env.integer("MLC_JOB_REDISPATCH_SECONDS", 60, minimum=1),
            sweep_seconds=_env.number("MLC_JOB_SWEEP_SECONDS", 5.0, minimum=0.05),
            max_attempts=_env.integer("MLC_JOB_MAX_ATTEMPTS", 8, minimum=1, maximum=100),
            min_backoff_ms=_env.integer("MLC_JOB_MIN_BACKOFF_MS", 2000, minimum=1),
            max_backoff_ms=_env.integer("MLC_JOB_MAX_BACKOFF_MS", 3_600_000, minimum=1),
            sandbox_cycle_seconds=_env.integer("MLC_SANDBOX_CYCLE_SECONDS", 15, minimum=1, maximum=3600),
        )


@dataclass(frozen=True, kw_only=True)
class LogSettings:
    """Structured logs; secrets are masked before any line is written."""

    level: str
    """``MLC_LOG_LEVEL``: debug, info, warning or error. Default ``info``."""
    format: str
    """``MLC_LOG_FORMAT``: ``json`` (one object per line, for production) or ``console``. Default ``console``."""

    @classmethod
    def from_env(cls) -> LogSettings:
        return cls(
            level=_env.choice("MLC_LOG_LEVEL", "info", ("debug", "info", "warning", "error")),
            format=_env.choice("MLC_LOG_FORMAT", "console", ("json", "console")),
        )


@dataclass(frozen=True, kw_only=True)
class PluginSettings:
    """Which connector plugins may load."""

    allowlist: tuple[str, ...] | None
    """``MLC_PLUGINS``: comma-separated plugin names that may load; unset loads every installed plugin."""

    @classmethod
    def from_env(cls) -> PluginSettings:
        return cls(allowlist=_env.name_list("MLC_PLUGINS"))


@dataclass(frozen=True, kw_only=True)
class MetricsSettings:
    """Prometheus metrics: ``/metrics`` on the web process, and a small health and metrics port on each worker."""

    enabled: bool
    """``MLC_METRICS``: serve ``/metrics`` from the web process. Default on."""
    token: Secret | None = field(repr=False)
    """``MLC_METRICS_TOKEN``: when set, ``/metrics`` answers only requests with ``Authorization: Bearer <token>``
    (use it when the ingress exposes every path). Default unset: open, like ``/healthz``."""
    worker_host: str
    """``MLC_WORKER_METRICS_HOST``: interface the worker's health and metrics port binds. Default ``127.0.0.1``
    (``0.0.0.0`` in a container, so the kubelet and Prometheus reach it)."""
    worker_port: int
    """``MLC_WORKER_METRICS_PORT``: port on which ``mlc worker`` serves ``/healthz`` (its maintenance loop is alive)
    and ``/metrics``; ``0`` turns it off. Default ``9191``."""

    def __repr__(self) -> str:
        return (
            f"MetricsSettings(enabled={self.enabled}, token={'set' if self.token else None}, "
            f"worker_host={self.worker_host!r}, worker_port={self.worker_port})"
        )

    @classmethod
    def from_env(cls) -> MetricsSettings:
        token = _env.raw("MLC_METRICS_TOKEN")
        if token is not None and len(token) < 16:
            raise SettingsError("MLC_METRICS_TOKEN", "must be at least 16 characters (openssl rand -hex 24 makes one)")
        return cls(
            enabled=_env.boolean("MLC_METRICS", True),
            token=Secret(token) if token else None,
            worker_host=_env.text("MLC_WORKER_METRICS_HOST", "127.0.0.1") or "127.0.0.1",
            worker_port=_env.integer("MLC_WORKER_METRICS_PORT", 9191, minimum=0, maximum=65535),
        )


@dataclass(frozen=True, kw_only=True)
class Settings:
    """All settings, grouped by concern."""

    server: ServerSettings
    database: DatabaseSettings
    redis: RedisSettings
    vault: VaultSettings
    jobs: JobSettings
    log: LogSettings
    plugins: PluginSettings
    metrics: MetricsSettings

    @property
    def embedded(self) -> bool:
        """No Redis: one process serves the web and runs the jobs."""
        return self.redis.embedded

    @classmethod
    def from_env(cls) -> Settings:
        """Read every group. ``.env`` (or ``MLC_ENV_FILE``) fills gaps but never overrides the real environment."""
        load_dotenv(os.environ.get("MLC_ENV_FILE", ".env"), override=False)
        server = ServerSettings.from_env()
        redis = RedisSettings.from_env()
        return cls(
            server=server,
            database=DatabaseSettings.from_env(server),
            redis=redis,
            vault=VaultSettings.from_env(server, redis),
            jobs=JobSettings.from_env(),
            log=LogSettings.from_env(),
            plugins=PluginSettings.from_env(),
            metrics=MetricsSettings.from_env(),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read on first use."""
    return Settings.from_env()


def reset_settings() -> None:
    """Forget the cached settings (tests change the environment between cases)."""
    get_settings.cache_clear()
