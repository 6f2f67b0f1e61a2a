"""The credential ping: two cheap authenticated calls, and a precise sentence about what is wrong.

``/V1/store/storeConfigs`` proves the address, the store code and the credentials (and names the stores);
``/V1/orders?searchCriteria[pageSize]=1&fields=total_count`` proves the Sales ACL. Magento answers a bad token and
a missing ACL resource with the same 401 "The consumer isn't authorized to access %resources." (NOTES §2.1), so
the message names the resource and both likely causes instead of blaming the credentials.
"""

from __future__ import annotations

from datetime import datetime

import httpx

from mlconnector.connectors.commerce.auth.ims import ScopeMissing
from mlconnector.connectors.commerce.client import CommerceClient, is_tls_error
from mlconnector.connectors.commerce.config import BEARER, CLOUD_SERVICE, IMS, Connection
from mlconnector.connectors.commerce.errors import (
    AuthenticationFailed,
    CommerceError,
    CommerceHTTPError,
    RetriesExhausted,
)
from mlconnector.connectors.commerce.search import SearchCriteria
from mlconnector.platform.plugins import CheckResult

_CONSUMER = (
    "Consumer key is not the correct length",
    "A consumer having the specified key does not exist",
    "Consumer key has expired",
)
_TOKEN = (
    "Token is not the correct length",
    "The token length is invalid",
    "Specified token does not exist",
    "Token is not associated with the specified consumer",
    "Access token has been revoked",
    "Token is not an access token",
)


async def probe(client: CommerceClient, connection: Connection) -> CheckResult:
    stores = await client.get("store/storeConfigs")
    known = {int(store["id"]): store.get("code") for store in stores if "id" in store}
    missing = [store_id for store_id in connection.store_ids if store_id not in known]
    if missing:
        listed = ", ".join(f"{store_id} ({code})" for store_id, code in sorted(known.items()))
        return CheckResult.failure(
            "invalid_config",
            f"The store has no store view with id {', '.join(map(str, missing))}. Its store views are: {listed}.",
        )
    page = await client.search("orders", SearchCriteria(page_size=1, fields="total_count"))
    codes = ", ".join(str(code) for code in known.values())
    return CheckResult.success(
        f"Connected to {connection.base_url}: store views {codes}; {page.total_count} orders readable.",
        stores=str(len(known)),
        orders=str(page.total_count),
    )


def diagnose_http(error: CommerceHTTPError, connection: Connection, skew: float | None) -> CheckResult:
    """A store's error answer, phrased for the merchant."""
    message = error.message
    if 300 <= error.status < 400:
        return CheckResult.failure("invalid_config", f"{message[0].upper()}{message[1:]}.")
    if message.startswith("Incorrect timestamp value"):
        ahead = ""
        if skew:
            direction = "ahead of" if skew > 0 else "behind"
            ahead = f" This server's clock is {abs(skew) / 60:.0f} minutes {direction} the store's."
        return CheckResult.failure(
            "clock_skew",
            "The store refused the request's timestamp: clocks must agree within 10 minutes (OAuth 1.0a)."
            f"{ahead} Correct the clock (NTP) of whichever machine is wrong.",
        )
    if message.startswith(_CONSUMER):
        return CheckResult.failure(
            "bad_credentials",
            "The store does not know this consumer key. Copy the Consumer Key again from System › Extensions › "
            "Integrations (the integration may have been deleted or re-created).",
        )
    if message.startswith(_TOKEN):
        return CheckResult.failure(
            "bad_credentials",
            "The store refused the access token. Copy the Access Token and Access Token Secret again: "
            "re-authorizing the integration replaces them.",
        )
    if message.startswith("The signature is invalid"):
        return CheckResult.failure(
            "bad_credentials",
            "The store says the request signature is invalid: the Consumer Secret or the Access Token Secret is "
            "wrong, or the store's address differs from the one it sees (http vs https behind a proxy).",
        )
    if message.startswith("Signature method"):
        return CheckResult.failure(
            "invalid_config",
            f"{message}. Magento 2.4.4 and later accept only HMAC-SHA256: choose it as the signature method.",
        )
    if message.startswith("The consumer isn't authorized to access"):
        resource = message.rsplit(" ", 1)[-1].rstrip(".")
        if connection.auth_mode == BEARER:
            hint = (
                "Either the integration lacks that permission, or the store does not accept the access token as a "
                'Bearer token: set Stores › Configuration › Services › OAuth › Consumer Settings › "Allow OAuth '
                'Access Tokens to be used as standalone Bearer tokens" to Yes, or use OAuth 1.0a signing.'
            )
        else:
            hint = (
                "Give the integration that resource (System › Extensions › Integrations › API), then re-authorize it."
            )
        return CheckResult.failure("forbidden", f"The store refused access to {resource}. {hint}", resource=resource)
    if error.status == 404 and message.startswith(("Request does not match any route", "The store that was requested")):
        if connection.store_code:
            return CheckResult.failure(
                "not_found",
                f"The store has no store view with the code {connection.store_code!r}. Check the store code "
                "(Stores › All Stores), or leave it empty.",
            )
        where = "REST base of the Cloud Service tenant" if connection.platform == CLOUD_SERVICE else "store address"
        return CheckResult.failure("not_found", f"Nothing answers at this {where}: {connection.base_url} — check it.")
    if error.status == 403 and connection.auth_mode == IMS:
        return CheckResult.failure(
            "forbidden",
            f"Adobe Commerce refused the IMS token ({message}). Check the IMS org id, and that the credential "
            "carries the Adobe Commerce API with the commerce.accs scope.",
        )
    if error.status == 401:
        return CheckResult.failure("bad_credentials", f"The store refused the credentials: {message}")
    if error.status == 403:
        return CheckResult.failure("forbidden", f"The store (or a firewall in front of it) refused access: {message}")
    return CheckResult.failure("unreachable", f"The store answered with an error (HTTP {error.status}): {message}")


def diagnose_exception(error: BaseException, connection: Connection) -> CheckResult | None:
    """Transport and IMS failures; ``None`` for anything this module does not recognise."""
    if isinstance(error, ScopeMissing):
        return CheckResult.failure("forbidden", f"{error}.")
    if isinstance(error, AuthenticationFailed):
        return CheckResult.failure("bad_credentials", f"{error}: copy the client id and secret again.")
    if isinstance(error, httpx.TimeoutException) or (
        isinstance(error, RetriesExhausted) and isinstance(error.__cause__, httpx.TimeoutException)
    ):
        return CheckResult.failure(
            "timeout",
            f"{connection.base_url} did not answer within {connection.request_timeout_seconds} seconds. Check the "
            "address; if the store is slow or busy, try again later.",
        )
    if isinstance(error, httpx.HTTPError | RetriesExhausted) and is_tls_error(error):
        return CheckResult.failure(
            "tls",
            f"The secure connection to {connection.base_url} failed: its TLS certificate is not valid for that name "
            "or not issued by a trusted authority. Fix the certificate, or check the address.",
        )
    if isinstance(error, RetriesExhausted) and error.__cause__ is None:
        return CheckResult.failure(
            "unreachable", f"The store kept failing ({error}). It may be down or in maintenance; try again later."
        )
    if isinstance(error, httpx.HTTPError | RetriesExhausted):
        cause = error.__cause__ or error
        return CheckResult.failure(
            "unreachable",
            f"{connection.base_url} could not be reached ({type(cause).__name__}). Check the address and that the "
            "store allows connections from this service.",
        )
    if isinstance(error, CommerceError):
        return CheckResult.failure("unreachable", str(error))
    return None


def clock_skew(server_date: datetime | None, local: datetime) -> float | None:
    """Seconds this machine's clock is ahead of the store's (negative: behind)."""
    return None if server_date is None else (local - server_date).total_seconds()
