"""PaaS integrations: OAuth 1.0a, signed with Authlib over httpx, the way Magento verifies it.

Authlib's ``ClientAuth`` does the protocol work (nonce, timestamp, ``Authorization: OAuth …`` header); the
signature itself comes from :mod:`oauth1_signature`, because Authlib knows no HMAC-SHA256 and sorts parameters by
byte value where Magento sorts them naturally. Every attempt of a request is signed anew (``auth_flow`` runs per
send), so a retry never reuses a nonce — Magento answers a reused one with a 401 (NOTES §2.1).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, ClassVar

import httpx
from authlib.oauth1 import SIGNATURE_TYPE_HEADER, ClientAuth
from authlib.oauth1.rfc5849.wrapper import OAuth1Request

from mlconnector.connectors.commerce.auth.oauth1_signature import HMAC_SHA1, HMAC_SHA256, base_string, signature


def _signer(method_name: str) -> Any:
    def sign(client: ClientAuth, request: OAuth1Request) -> str:
        base = base_string(request.method, request.uri, request.auth_params)
        return signature(method_name, base, client.client_secret or "", client.token_secret or "")

    return sign


class MagentoClientAuth(ClientAuth):
    """Authlib's OAuth 1 client with Magento's signature methods (its own table: Authlib's global one is left
    alone)."""

    SIGNATURE_METHODS: ClassVar[dict[str, Any]] = {
        HMAC_SHA256: _signer(HMAC_SHA256),
        HMAC_SHA1: _signer(HMAC_SHA1),
    }


class OAuth1Integration(httpx.Auth):
    """Signs each request with the integration's four credentials."""

    def __init__(
        self,
        consumer_key: str,
        consumer_secret: str,
        access_token: str,
        access_token_secret: str,
        *,
        signature_method: str = HMAC_SHA256,
    ) -> None:
        if signature_method not in MagentoClientAuth.SIGNATURE_METHODS:
            raise ValueError(f"signature_method must be {HMAC_SHA256} or {HMAC_SHA1}")
        self._client = MagentoClientAuth(
            consumer_key,
            client_secret=consumer_secret,
            token=access_token,
            token_secret=access_token_secret,
            signature_method=signature_method,
            signature_type=SIGNATURE_TYPE_HEADER,
        )

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if request.content:
            raise ValueError("this client signs reads only (GET without a body)")
        _, headers, _ = self._client.sign(request.method, str(request.url), {}, b"")
        request.headers["Authorization"] = headers["Authorization"]
        yield request
