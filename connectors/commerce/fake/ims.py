"""The Adobe IMS token endpoint, for the fake (NOTES §2.4, docs ``rest/authentication/server-to-server.md``).

``POST /ims/token/v3`` with a form body (``client_id``, ``client_secret``, ``grant_type=client_credentials``,
``scope`` comma-separated) answers ``{"access_token", "token_type": "bearer", "expires_in"}``; ``expires_in`` is
configurable (86399 s in the docs' example). A wrong secret is ``401 {"error": "invalid_client"}``, a scope the
credential lacks ``400 {"error": "invalid_scope"}`` (standard OAuth 2 error codes; the reference does not quote
IMS's bodies). ``revoke_all`` ends every token early, so a client meets a 401 mid-read.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl


@dataclass(slots=True)
class ImsClient:
    client_id: str
    client_secret: str
    org_id: str
    allowed_scopes: frozenset[str]


@dataclass(slots=True)
class IssuedToken:
    client: ImsClient
    scopes: frozenset[str]
    expires_at: float


@dataclass(slots=True)
class FakeIms:
    clients: dict[str, ImsClient] = field(default_factory=dict)
    expires_in: int = 86399
    clock: Callable[[], float] = time.time
    tokens: dict[str, IssuedToken] = field(default_factory=dict)
    latency: float = 0.0
    """Seconds before the token endpoint answers (to make concurrent refreshes overlap, if a client allowed it)."""
    requests: int = 0
    in_flight: int = 0
    max_in_flight: int = 0

    def issue(self, body: bytes) -> tuple[int, dict[str, object]]:
        self.requests += 1
        form = dict(parse_qsl(body.decode(), keep_blank_values=True))
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type"}
        client = self.clients.get(form.get("client_id", ""))
        if client is None or not secrets.compare_digest(client.client_secret, form.get("client_secret", "")):
            return 401, {"error": "invalid_client", "error_description": "invalid client_id or client_secret"}
        requested = frozenset(scope for scope in form.get("scope", "").split(",") if scope)
        if not requested <= client.allowed_scopes:
            missing = ", ".join(sorted(requested - client.allowed_scopes))
            return 400, {"error": "invalid_scope", "error_description": f"invalid scope ({missing})"}
        token = secrets.token_urlsafe(48)
        self.tokens[token] = IssuedToken(client, requested, self.clock() + self.expires_in)
        return 200, {"access_token": token, "token_type": "bearer", "expires_in": self.expires_in}

    def check(self, token: str) -> IssuedToken | None:
        issued = self.tokens.get(token)
        if issued is None or issued.expires_at <= self.clock():
            return None
        return issued

    def revoke_all(self) -> None:
        self.tokens.clear()
