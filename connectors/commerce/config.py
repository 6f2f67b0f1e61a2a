"""One tenant's connection to Adobe Commerce: the config schema merchants fill in, and its parsed form.

Secret fields (``"secret": true``) are stored only in the credential vault and reach the plugin as ``Secret``;
they are revealed only where a request is signed or a token is requested.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from mlconnector.connectors.commerce.auth.oauth1_signature import HMAC_SHA1, HMAC_SHA256
from mlconnector.platform.plugins import Secret

PAAS, CLOUD_SERVICE = "paas", "cloud_service"
OAUTH1, BEARER, IMS = "oauth1", "bearer", "ims"
IMS_TOKEN_URL = "https://ims-na1.adobelogin.com/ims/token/v3"  # noqa: S105 - an address, not a password
IMS_SCOPES = (
    "openid",
    "AdobeID",
    "email",
    "profile",
    "additional_info.roles",
    "additional_info.projectedProductContext",
    "commerce.accs",
)
MAX_PAGE_SIZE = 300
"""Magento's default "Maximum SearchCriteria pageSize" when Web API input limits are on (NOTES §3.2)."""


def _when(mode: str, *required: str) -> dict[str, Any]:
    return {
        "if": {"properties": {"auth_mode": {"const": mode}}, "required": ["auth_mode"]},
        "then": {"required": list(required)},
    }


CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "base_url": {
            "type": "string",
            "format": "uri",
            "pattern": "^https?://",
            "description": "PaaS: the store's address (https://shop.example, or with its sub-folder). "
            "Cloud Service: the REST base https://<server>.api.commerce.adobe.com/<tenant-id>.",
        },
        "platform": {"type": "string", "enum": [PAAS, CLOUD_SERVICE], "default": PAAS},
        "store_code": {
            "type": "string",
            "pattern": "^[a-z0-9_]{1,32}$",
            "description": "Optional store view code: /rest/<code>/V1 on PaaS, the Store header on the Cloud Service.",
        },
        "store_ids": {
            "type": "array",
            "items": {"type": "integer", "minimum": 0},
            "uniqueItems": True,
            "description": "Sync only these store ids (one store of several); all stores when absent.",
        },
        "auth_mode": {"type": "string", "enum": [OAUTH1, BEARER, IMS]},
        "consumer_key": {"type": "string", "minLength": 1},
        "consumer_secret": {"type": "string", "minLength": 1, "secret": True},
        "access_token": {"type": "string", "minLength": 1, "secret": True},
        "access_token_secret": {"type": "string", "minLength": 1, "secret": True},
        "signature_method": {"type": "string", "enum": [HMAC_SHA256, HMAC_SHA1], "default": HMAC_SHA256},
        "ims_client_id": {"type": "string", "minLength": 1},
        "ims_client_secret": {"type": "string", "minLength": 1, "secret": True},
        "ims_org_id": {"type": "string", "minLength": 1},
        "ims_scopes": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
        "ims_token_url": {"type": "string", "format": "uri", "pattern": "^https?://"},
        "page_size": {"type": "integer", "minimum": 10, "maximum": MAX_PAGE_SIZE, "default": 100},
        "max_concurrency": {"type": "integer", "minimum": 1, "maximum": 8, "default": 4},
        "overlap_seconds": {"type": "integer", "minimum": 0, "maximum": 86400, "default": 300},
        "request_timeout_seconds": {"type": "integer", "minimum": 1, "maximum": 55, "default": 30},
        "verify_tls": {"type": "boolean", "default": True},
    },
    "required": ["base_url", "auth_mode"],
    "additionalProperties": False,
    "allOf": [
        _when(OAUTH1, "consumer_key", "consumer_secret", "access_token", "access_token_secret"),
        _when(BEARER, "access_token"),
        _when(IMS, "ims_client_id", "ims_client_secret", "ims_org_id"),
    ],
}


class ConfigError(ValueError):
    """A config that passes the schema but cannot work; names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True, slots=True)
class Connection:
    """A parsed, checked connection config. Secret values stay wrapped."""

    base_url: str
    platform: str
    store_code: str | None
    store_ids: tuple[int, ...]
    auth_mode: str
    consumer_key: str | None
    consumer_secret: Secret | None
    access_token: Secret | None
    access_token_secret: Secret | None
    signature_method: str
    ims_client_id: str | None
    ims_client_secret: Secret | None
    ims_org_id: str | None
    ims_scopes: tuple[str, ...]
    ims_token_url: str
    page_size: int
    max_concurrency: int
    overlap_seconds: int
    request_timeout_seconds: int
    verify_tls: bool

    @property
    def rest_root(self) -> str:
        """Where ``V1/...`` paths hang: ``/rest[/<store code>]`` on PaaS, the tenant base on the Cloud Service."""
        if self.platform == CLOUD_SERVICE:
            return self.base_url
        return f"{self.base_url}/rest/{self.store_code}" if self.store_code else f"{self.base_url}/rest"

    @property
    def credential_fingerprint(self) -> str:
        """What identifies an IMS credential without its secret (token cache key)."""
        text = "|".join((self.ims_token_url, self.ims_client_id or "", self.ims_org_id or "", *sorted(self.ims_scopes)))
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def _secret(config: Mapping[str, Any], name: str) -> Secret | None:
    value = config.get(name)
    if value is None or isinstance(value, Secret):
        return value
    return Secret(str(value))


def _loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def _check_url(field: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(field, "must be an http(s) address such as https://shop.example")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise ConfigError(field, "must use https: credentials would cross the network in clear text")
    if parts.query or parts.fragment:
        raise ConfigError(field, "must not contain a query string or fragment")
    path = parts.path.rstrip("/")
    for suffix in ("/rest/V1", "/rest", "/V1"):
        if path.endswith(suffix) and field == "base_url":
            raise ConfigError(field, f"give the store's address without {suffix} (it is added for you)")
    return f"{parts.scheme}://{parts.netloc}{path}"


def parse_connection(config: Mapping[str, Any]) -> Connection:
    """A :class:`Connection` from a config that passed the schema (the core validates first)."""
    platform = config.get("platform", PAAS)
    auth_mode = config["auth_mode"]
    if platform == CLOUD_SERVICE and auth_mode != IMS:
        raise ConfigError("auth_mode", "Adobe Commerce as a Cloud Service accepts only IMS tokens (auth_mode ims)")
    return Connection(
        base_url=_check_url("base_url", str(config["base_url"])),
        platform=platform,
        store_code=config.get("store_code"),
        store_ids=tuple(sorted(config.get("store_ids") or ())),
        auth_mode=auth_mode,
        consumer_key=config.get("consumer_key"),
        consumer_secret=_secret(config, "consumer_secret"),
        access_token=_secret(config, "access_token"),
        access_token_secret=_secret(config, "access_token_secret"),
        signature_method=config.get("signature_method", HMAC_SHA256),
        ims_client_id=config.get("ims_client_id"),
        ims_client_secret=_secret(config, "ims_client_secret"),
        ims_org_id=config.get("ims_org_id"),
        ims_scopes=tuple(config.get("ims_scopes") or IMS_SCOPES),
        ims_token_url=_check_url("ims_token_url", str(config.get("ims_token_url", IMS_TOKEN_URL))),
        page_size=int(config.get("page_size", 100)),
        max_concurrency=int(config.get("max_concurrency", 4)),
        overlap_seconds=int(config.get("overlap_seconds", 300)),
        request_timeout_seconds=int(config.get("request_timeout_seconds", 30)),
        verify_tls=bool(config.get("verify_tls", True)),
    )
