"""Verifying who sent a delivery (pure, given the public keys).

Adobe I/O Events (NOTES §5.2; adobe/aio-lib-events ``src/signatureUtils.js``): every POST carries
``x-adobe-digital-signature-1`` and ``-2`` (the JS SDK README spells them ``…signature1``/``…signature2``; both
are read) and ``x-adobe-public-key1-path``/``-key2-path``. Each signature is RSA-SHA256 (PKCS#1 v1.5) over the raw
body with the key at ``https://static.adobeioevents.com`` + path; one valid signature is enough (keys rotate).
Then the body's ``recipient_client_id`` must be our client id.

Commerce webhooks module (NOTES §5.1): ``x-adobe-commerce-webhook-signature``, base64 RSA-SHA256 with the public
key shown in Admin. The official samples verify the base64 encoding of the raw body (inferred in the notes); the
raw body itself is accepted too until that is confirmed on a live instance.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

SIGNATURE_HEADERS = (
    ("x-adobe-digital-signature-1", "x-adobe-digital-signature1", "x-adobe-public-key1-path"),
    ("x-adobe-digital-signature-2", "x-adobe-digital-signature2", "x-adobe-public-key2-path"),
)
COMMERCE_SIGNATURE = "x-adobe-commerce-webhook-signature"


class Rejected(Exception):
    """A delivery that is not provably ours (answered 401; I/O Events does not retry a 4xx)."""


def load_public_key(pem: str | bytes) -> rsa.RSAPublicKey:
    key = load_pem_public_key(pem.encode() if isinstance(pem, str) else pem)
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("the public key must be an RSA key")
    return key


def rsa_sha256_valid(key: rsa.RSAPublicKey, signature_b64: str, message: bytes) -> bool:
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def io_event_signatures(headers: Mapping[str, str]) -> list[tuple[str, str]]:
    """``(signature, public key path)`` pairs present in the headers."""
    pairs = []
    for dashed, plain, key_path in SIGNATURE_HEADERS:
        signature = headers.get(dashed) or headers.get(plain)
        path = headers.get(key_path)
        if signature and path:
            pairs.append((signature, path))
    return pairs


def verify_io_event(
    body: bytes, signatures: list[tuple[str, rsa.RSAPublicKey]], expected_client_id: str
) -> dict[str, Any]:
    """The parsed CloudEvent, if one signature is valid and it is addressed to ``expected_client_id``."""
    if not signatures:
        raise Rejected("the delivery carries no Adobe I/O Events signature")
    if not any(rsa_sha256_valid(key, signature, body) for signature, key in signatures):
        raise Rejected("no signature of the delivery is valid")
    try:
        event = json.loads(body)
    except ValueError:
        raise Rejected("the delivery is not JSON") from None
    recipient = event.get("recipient_client_id") or event.get("recipientclientid")
    if recipient != expected_client_id:
        raise Rejected("the delivery is addressed to another client id")
    return event


def verify_commerce_webhook(body: bytes, signature: str | None, key: rsa.RSAPublicKey) -> dict[str, Any]:
    if not signature:
        raise Rejected(f"the delivery carries no {COMMERCE_SIGNATURE} header")
    if not (rsa_sha256_valid(key, signature, base64.b64encode(body)) or rsa_sha256_valid(key, signature, body)):
        raise Rejected("the webhook signature is not valid")
    try:
        return json.loads(body)
    except ValueError:
        raise Rejected("the delivery is not JSON") from None
