"""Structured logs: JSON lines in production, readable lines on a console, secrets masked either way.

Standard-library loggers (Litestar, Granian, Dramatiq, SQLAlchemy) go through the same processors, so every line
carries the bound context (``tenant_id``, ``request_id``, ``job_id``) and passes through :func:`redact`. Granian
configures logging itself in its main and worker processes; :func:`granian_log_config` hands it the same formatter,
so its own lines ("Listening at…", worker restarts) are JSON too in JSON mode.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog

from mlconnector.platform.redaction import redact
from mlconnector.platform.settings import LogSettings

QUIET_LOGGERS = ("sqlalchemy.engine", "aiosqlite", "asyncio", "httpx", "httpcore")


def _mask_secrets(_logger: Any, _method: str, event: dict[str, Any]) -> dict[str, Any]:
    for key, value in event.items():
        if isinstance(value, str):
            event[key] = redact(value)
    return event


def _shared_processors() -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        _mask_secrets,
    ]


def build_formatter(format: str = "console") -> structlog.stdlib.ProcessorFormatter:
    """The one formatter for every handler: ``json`` or ``console`` rendering after context, level and masking.

    Also the ``()`` factory named in :func:`granian_log_config`, hence the plain-string argument.
    """
    renderer: Any = (
        structlog.processors.JSONRenderer() if format == "json" else structlog.dev.ConsoleRenderer(colors=False)
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[structlog.stdlib.ExtraAdder(), *_shared_processors()],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, _mask_secrets, renderer],
    )


def configure_logging(settings: LogSettings, *, stream: Any = None) -> None:
    """Route structlog and the standard library through one set of processors and one handler."""
    structlog.configure(
        processors=[*_shared_processors(), structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(build_formatter(settings.format))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.level.upper())
    for noisy in QUIET_LOGGERS:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def granian_log_config(settings: LogSettings) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for Granian's ``log_dictconfig``: its loggers (``_granian``,
    ``granian.access``) propagate to one root handler that uses :func:`build_formatter`.

    Granian applies it in its main process and again in each worker before loading the app (whose
    :func:`configure_logging` then installs the same formatter), so every line of the web process has one shape.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"mlc": {"()": f"{__name__}.build_formatter", "format": settings.format}},
        "handlers": {"mlc": {"class": "logging.StreamHandler", "formatter": "mlc", "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["mlc"], "level": settings.level.upper()},
        "loggers": {
            "_granian": {"handlers": [], "level": settings.level.upper(), "propagate": True},
            "granian.access": {"handlers": [], "level": "INFO", "propagate": True},
        },
    }
