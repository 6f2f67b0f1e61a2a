"""Accounts for tests: a cheap password hasher, a mail sender that records, and a signed-in API client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from argon2 import PasswordHasher
from litestar.testing import AsyncTestClient

from mlc_testing.plugins import account_plugins
from mlc_testing.runtime_role import AppDatabase
from mlconnector.platform.app import create_app
from mlconnector.tenants.mail import MailMessage
from mlconnector.tenants.services import passwords

PASSWORD = "a-long-pass-phrase-42"
KEK = "k1:" + "Q" * 43 + "="


@pytest.fixture(autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """argon2id still, with tiny cost parameters: production's 64 MiB × 3 passes would dominate the suite."""
    previous = passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    yield
    passwords.use_hasher(previous)


@dataclass
class RecordingMailSender:
    sent: list[MailMessage] = field(default_factory=list)

    async def send(self, message: MailMessage) -> None:
        self.sent.append(message)

    def link_to(self, email: str) -> str:
        body = next(m.body for m in reversed(self.sent) if m.to == email)
        return next(word for word in body.split() if "token=" in word)

    def token_for(self, email: str) -> str:
        return self.link_to(email).split("token=", 1)[1]


@pytest.fixture
def mailbox() -> RecordingMailSender:
    return RecordingMailSender()


@pytest.fixture
def app_settings(make_settings, app_database: AppDatabase):  # type: ignore[no-untyped-def]
    return make_settings(DATABASE_URL=app_database.url, MLC_AUTO_MIGRATE="false", MLC_VAULT_KEKS=KEK)


@pytest.fixture
def app(app_settings, mailbox):  # type: ignore[no-untyped-def]
    return create_app(app_settings, plugins=account_plugins(), start_jobs=False, mail_sender=mailbox)


@pytest.fixture
async def client(app) -> AsyncIterator[AsyncTestClient]:  # type: ignore[no-untyped-def]
    async with AsyncTestClient(app) as client:
        yield client


@pytest.fixture
async def other_client(app_settings, mailbox) -> AsyncIterator[AsyncTestClient]:  # type: ignore[no-untyped-def]
    """A second browser (its own cookies), served by a second web process on the same database."""
    other = create_app(app_settings, plugins=account_plugins(), start_jobs=False, mail_sender=mailbox)
    async with AsyncTestClient(other) as client:
        yield client


async def csrf(client: AsyncTestClient) -> dict[str, str]:
    """The header a browser page sends with every change (read from the CSRF cookie)."""
    token = client.cookies.get("mlc_csrf")
    if token is None:
        token = (await client.get("/api/auth/csrf")).json()["csrf_token"]
    return {"x-csrf-token": token}


async def sign_up(
    client: AsyncTestClient, email: str, organisation: str = "Acme Bikes", password: str = PASSWORD, **extra: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/auth/signup",
        json={"email": email, "password": password, "organisation": organisation, **extra},
        headers=await csrf(client),
    )
    assert response.status_code == 201, response.text
    return response.json()


async def log_in(client: AsyncTestClient, email: str, password: str = PASSWORD) -> Any:
    return await client.post("/api/auth/login", json={"email": email, "password": password}, headers=await csrf(client))


async def tenant_of(client: AsyncTestClient) -> str:
    return (await client.get("/api/me")).json()["tenants"][0]["id"]
