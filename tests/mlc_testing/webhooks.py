"""Signed Adobe I/O Events deliveries for tests: our own key pairs stand in for Adobe's, served by a mock key
server at the documented paths."""

from __future__ import annotations

import base64
import copy
import json
import uuid

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from mlconnector.connectors.commerce.reference import load

CLIENT_ID = "ca7b36f23be94dcb9d2ebb97f0276e3f"  # the reference envelope's recipient_client_id
KEY_PATHS = ("/prod/keys/pub-key-voy5XEbWmT.pem", "/prod/keys/pub-key-maAv3Tg6ZH.pem")


def key_pair() -> tuple[rsa.RSAPrivateKey, bytes]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, pem


def sign(private: rsa.RSAPrivateKey, message: bytes) -> str:
    return base64.b64encode(private.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


ADOBE_KEYS = [key_pair(), key_pair()]
FORGER = key_pair()


def key_server(available: bool = True) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        assert request.url.host == "static.adobeioevents.com"
        if not available:
            return httpx.Response(502)
        for path, (_, pem) in zip(KEY_PATHS, ADOBE_KEYS, strict=True):
            if request.url.path == path:
                return httpx.Response(200, content=pem)
        return httpx.Response(404)

    return httpx.MockTransport(answer)


def order_event(entity_id: int, event_id: str | None = None, status: str = "processing") -> bytes:
    """The reference CloudEvents envelope, carrying an order-saved event (subscribed fields only)."""
    envelope = copy.deepcopy(
        load("io-events/cloudevent-envelope.com.adobe.commerce.observer.catalog_product_save_commit_after.json")
    )
    envelope["type"] = "com.adobe.commerce.observer.sales_order_save_commit_after"
    envelope["event_id"] = envelope["eventid"] = event_id or str(uuid.uuid4())
    envelope["data"]["value"] = {"entity_id": entity_id, "increment_id": "000000001", "status": status}
    return json.dumps(envelope).encode()


def io_headers(body: bytes, signers=ADOBE_KEYS) -> dict[str, str]:
    headers = {"content-type": "application/json"}
    for n, ((private, _), path) in enumerate(zip(signers, KEY_PATHS, strict=False), start=1):
        headers[f"x-adobe-digital-signature-{n}"] = sign(private, body)
        headers[f"x-adobe-public-key{n}-path"] = path
    return headers


HOOK_KEY = key_pair()


def invoice_event(invoice_id: int, order_id: int, event_id: str | None = None) -> bytes:
    """An invoice-saved event (the reference event data, pointed at our ids)."""
    envelope = json.loads(order_event(0, event_id))
    envelope["type"] = "com.adobe.commerce.observer.sales_order_invoice_save_after"
    value = copy.deepcopy(
        load("io-events/observer.sales_order_invoice_save_after.event-data.json")["event"]["data"]["value"]
    )
    value.update(entity_id=invoice_id, order_id=order_id)
    envelope["data"]["value"] = value
    return json.dumps(envelope).encode()
