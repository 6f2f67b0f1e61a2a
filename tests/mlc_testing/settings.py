"""Settings for one test, built from environment variables the test chooses."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from mlconnector.platform.settings import Settings, reset_settings


@pytest.fixture
def make_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Settings]]:
    """``make_settings(DATABASE_URL=…, REDIS_URL=…)`` → Settings read from exactly that environment."""

    def build(**env: str | None) -> Settings:
        for name, value in env.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, str(value))
        reset_settings()
        return Settings.from_env()

    yield build
    reset_settings()
