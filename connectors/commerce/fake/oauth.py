"""OAuth 1.0a verification the way Magento's web API does it, for the fake.

Reproduces, in order (``NOTES.md`` §2.1 and the Magento sources it cites):

* ``Framework/Oauth/Helper/Request.php``: ``oauth_*`` parameters from the ``Authorization: OAuth`` header
  (split on ``,`` and the first ``=``, quotes trimmed, ``rawurldecode``); query pairs from the raw request URI,
  split on ``&`` and ``=`` and kept only when that gives exactly two parts, ``urldecode``d (``+`` → space);
* ``Framework/Oauth/Oauth.php::_validateProtocolParams``: version ``1.0``, required parameters, token length 32,
  supported signature method (``HMAC-SHA256``; ``HMAC-SHA1`` only for a store configured like one before
  2.4.4 — "Signature method HMAC-SHA1 is not supported", vuestorefront/magento2-rest-client#39), consumer key;
* ``Integration/Model/Oauth/Nonce/Generator.php::validateNonce``: a timestamp more than 600 s
  (``TIME_DEVIATION``) in the future is refused ("Incorrect timestamp value in the oauth_timestamp
  parameter"); a nonce seen before for the consumer is refused ("The nonce is already being used by the
  consumer with ID %1"). The source refuses only *future* timestamps; the notes speak of ±600 s, so a store
  that also refuses stale ones can be modelled with ``reject_stale_timestamps``;
* ``Integration/Model/Oauth/Token/Provider.php``: the token must exist, belong to the consumer, not be revoked;
* Laminas ``Oauth\\Signature\\Hmac``: parameters ``rawurlencode``d, sorted with ``strnatcmp``, HMAC keyed with
  ``rawurlencode(consumer secret)&rawurlencode(token secret)``; mismatch → "The signature is invalid. Verify and
  try again." ``OauthInputException`` answers 400, ``Oauth\\Exception`` 401.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, unquote_plus

from mlconnector.connectors.commerce.auth.natural_order import natural_key
from mlconnector.connectors.commerce.auth.oauth1_signature import rawurlencode

TIME_DEVIATION = 600
LENGTH = 32
_PROTOCOL = re.compile(r"oauth_[a-z_-]+")
REQUIRED = (
    "oauth_consumer_key",
    "oauth_signature",
    "oauth_signature_method",
    "oauth_nonce",
    "oauth_timestamp",
    "oauth_token",
)


class OAuthRefused(Exception):
    """Refused as Magento refuses: ``status`` 400 (input) or 401, Magento's message and its parameters."""

    def __init__(self, status: int, message: str, parameters: object = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameters = parameters


@dataclass(slots=True)
class Integration:
    """One activated integration: its four credentials and its ACL resources."""

    consumer_id: int
    consumer_key: str
    consumer_secret: str
    access_token: str
    access_token_secret: str
    resources: frozenset[str]
    revoked: bool = False


@dataclass(slots=True)
class OAuthVerifier:
    integrations: dict[str, Integration] = field(default_factory=dict)
    allow_sha1: bool = False
    reject_stale_timestamps: bool = False
    clock: Callable[[], float] = time.time
    nonces: set[tuple[int, str]] = field(default_factory=set)

    def header_parameters(self, header: str | None) -> dict[str, str] | None:
        if not header:
            return None
        position = header.lower().find("oauth ")
        if position < 0:
            return None
        parameters: dict[str, str] = {}
        for piece in header[position + 6 :].split(","):
            name_value = piece.strip().split("=", 1)
            if len(name_value) < 2 or not _PROTOCOL.search(name_value[0]):
                continue
            parameters[unquote(name_value[0])] = unquote(name_value[1].strip('"'))
        return parameters

    @staticmethod
    def query_parameters(raw_query: str) -> dict[str, str]:
        parameters: dict[str, str] = {}
        for pair in raw_query.split("&") if raw_query else ():
            parts = pair.split("=")
            if len(parts) == 2 and not _PROTOCOL.search(parts[0]):
                parameters[unquote_plus(parts[0])] = unquote_plus(parts[1])
        return parameters

    def verify(self, method: str, url: str, raw_query: str, header: str | None) -> Integration:
        """The integration a request is signed by, or :class:`OAuthRefused`."""
        protocol = self.header_parameters(header)
        if protocol is None:
            raise OAuthRefused(401, "not an OAuth request")
        if "oauth_version" in protocol and protocol["oauth_version"] != "1.0":
            raise OAuthRefused(400, 'The "%1" Oauth version isn\'t supported.', [protocol["oauth_version"]])
        missing = [name for name in REQUIRED if name not in protocol]
        if missing:
            raise OAuthRefused(400, '"%fieldName" is required. Enter and try again.', {"fieldName": missing[0]})
        if len(protocol["oauth_token"]) != LENGTH:
            raise OAuthRefused(400, "The token length is invalid. Check the length and try again.")
        method_name = protocol["oauth_signature_method"]
        supported = {"HMAC-SHA256", "HMAC-SHA1"} if self.allow_sha1 else {"HMAC-SHA256"}
        if method_name not in supported:
            raise OAuthRefused(400, "Signature method %1 is not supported", [method_name])
        integration = self._consumer(protocol["oauth_consumer_key"])
        self._check_nonce(integration, protocol["oauth_nonce"], protocol["oauth_timestamp"])
        self._check_token(integration, protocol["oauth_token"])
        params = {name: value for name, value in protocol.items() if name != "oauth_signature"}
        params.update(self.query_parameters(raw_query))
        expected = self.sign(method, url, params, method_name, integration)
        if not hmac.compare_digest(expected, protocol["oauth_signature"]):
            raise OAuthRefused(401, "The signature is invalid. Verify and try again.")
        return integration

    def _consumer(self, key: str) -> Integration:
        if len(key) != LENGTH:
            raise OAuthRefused(401, "Consumer key is not the correct length")
        for integration in self.integrations.values():
            if hmac.compare_digest(integration.consumer_key, key):
                return integration
        raise OAuthRefused(401, "A consumer having the specified key does not exist")

    def _check_nonce(self, integration: Integration, nonce: str, timestamp: str) -> None:
        try:
            moment = int(timestamp)
        except ValueError:
            moment = 0
        now = self.clock()
        stale = self.reject_stale_timestamps and moment < now - TIME_DEVIATION
        if moment <= 0 or moment > now + TIME_DEVIATION or stale:
            raise OAuthRefused(400, "Incorrect timestamp value in the oauth_timestamp parameter")
        if (integration.consumer_id, nonce) in self.nonces:
            raise OAuthRefused(
                401, "The nonce is already being used by the consumer with ID %1", [integration.consumer_id]
            )
        self.nonces.add((integration.consumer_id, nonce))

    def _check_token(self, integration: Integration, token: str) -> None:
        owner = next((i for i in self.integrations.values() if hmac.compare_digest(i.access_token, token)), None)
        if owner is None:
            raise OAuthRefused(401, "Specified token does not exist")
        if owner is not integration:
            raise OAuthRefused(401, "Token is not associated with the specified consumer")
        if owner.revoked:
            raise OAuthRefused(401, "Access token has been revoked")

    @staticmethod
    def sign(method: str, url: str, params: Mapping[str, str], method_name: str, integration: Integration) -> str:
        base_url = _normalise(url)
        encoded = {rawurlencode(k): rawurlencode(v) for k, v in params.items()}
        ordered = "&".join(f"{k}={encoded[k]}" for k in sorted(encoded, key=natural_key))
        base = "&".join((method.upper(), rawurlencode(base_url), rawurlencode(ordered)))
        key = f"{rawurlencode(integration.consumer_secret)}&{rawurlencode(integration.access_token_secret)}"
        digest = hashlib.sha256 if method_name == "HMAC-SHA256" else hashlib.sha1
        return base64.b64encode(hmac.new(key.encode(), base.encode(), digest).digest()).decode()


def _normalise(url: str) -> str:
    """Laminas ``normaliseBaseSignatureUrl``: query and fragment removed, default port dropped."""
    scheme, _, rest = url.partition("://")
    authority, slash, path = rest.partition("/")
    path = (slash + path).split("?", 1)[0].split("#", 1)[0] or "/"
    host, _, port = authority.lower().partition(":")
    if (scheme.lower(), port) in {("http", "80"), ("https", "443"), ("http", ""), ("https", "")}:
        return f"{scheme.lower()}://{host}{path}"
    return f"{scheme.lower()}://{host}:{port}{path}"
