"""The OAuth 1.0a signature exactly as Magento verifies it (pure functions).

What the server does (``Framework/Oauth/Helper/Request.php`` + Laminas ``Oauth\\Signature\\Hmac``, NOTES §2.1):

1. ``oauth_*`` parameters come from the ``Authorization: OAuth …`` header, ``rawurldecode``d.
2. The query string is split on ``&`` and each pair on ``=``; a pair is kept only if that gives exactly two
   parts and its name does not contain ``oauth_<letters>``; name and value are ``urldecode``d (``+`` is a space).
   Later duplicates overwrite earlier ones.
3. Every name and value is ``rawurlencode``d, the pairs are sorted by name with ``strnatcmp`` and joined.
4. Base string = ``METHOD & enc(scheme://host[:port]/path) & enc(pairs)``; key = ``enc(consumer secret) &
   enc(token secret)``; signature = base64(HMAC(key, base string)).

So a bracketed ``searchCriteria[...]`` key is signed as its decoded literal, re-encoded (``%5B`` … ``%5D``), a
space is signed as a space whether it was sent as ``+`` or ``%20``, and a query pair Magento would drop is
refused here instead of producing "The signature is invalid".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable
from urllib.parse import quote, unquote_plus, urlsplit

from mlconnector.connectors.commerce.auth.natural_order import natural_key

HMAC_SHA256 = "HMAC-SHA256"
HMAC_SHA1 = "HMAC-SHA1"
_DIGESTS = {HMAC_SHA256: hashlib.sha256, HMAC_SHA1: hashlib.sha1}
_PROTOCOL_PARAMETER = re.compile(r"oauth_[a-z_-]+")


def rawurlencode(text: str) -> str:
    """PHP ``rawurlencode``: everything but ``A-Z a-z 0-9 - _ . ~`` percent-encoded (UTF-8)."""
    return quote(text, safe="~")


def is_protocol_parameter(name: str) -> bool:
    return bool(_PROTOCOL_PARAMETER.search(name))


def query_parameters(raw_query: str) -> dict[str, str]:
    """The query pairs Magento signs, decoded as it decodes them. Raises on a pair it would silently drop."""
    signed: dict[str, str] = {}
    if not raw_query:
        return signed
    for pair in raw_query.split("&"):
        parts = pair.split("=")
        if len(parts) != 2:
            raise ValueError(
                f"query parameter {unquote_plus(parts[0])!r} must be sent as name=value with '=' percent-encoded "
                "in the value; Magento leaves it out of the signature otherwise"
            )
        if not is_protocol_parameter(parts[0]):
            signed[unquote_plus(parts[0])] = unquote_plus(parts[1])
    return signed


def normalized_url(url: str) -> str:
    """``scheme://host[:port]/path``: lower-case scheme and host, default port dropped, no query or fragment."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or (scheme, port) in {("http", 80), ("https", 443)} else f"{host}:{port}"
    return f"{scheme}://{netloc}{parts.path or '/'}"


def base_string(method: str, url: str, oauth_parameters: Iterable[tuple[str, str]]) -> str:
    """The signature base string Magento computes for a request to ``url`` carrying ``oauth_parameters``."""
    signed: dict[str, str] = {}
    for name, value in oauth_parameters:
        if name not in {"oauth_signature", "realm"}:
            signed[name] = value
    signed.update(query_parameters(urlsplit(url).query))
    encoded = {rawurlencode(name): rawurlencode(value) for name, value in signed.items()}
    pairs = "&".join(f"{name}={encoded[name]}" for name in sorted(encoded, key=natural_key))
    return "&".join((method.upper(), rawurlencode(normalized_url(url)), rawurlencode(pairs)))


def signature(method_name: str, base: str, consumer_secret: str, token_secret: str) -> str:
    try:
        digest = _DIGESTS[method_name]
    except KeyError:
        raise ValueError(f"signature method must be {HMAC_SHA256} or {HMAC_SHA1}, not {method_name!r}") from None
    key = f"{rawurlencode(consumer_secret)}&{rawurlencode(token_secret)}".encode()
    return base64.b64encode(hmac.new(key, base.encode(), digest).digest()).decode()
