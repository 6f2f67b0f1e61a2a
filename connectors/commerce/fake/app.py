"""The fake Adobe Commerce: a plain ASGI app serving the REST paths this connector reads.

Behaviour reproduced, each from ``shared/reference/commerce`` (bundled as ``connectors/commerce/reference``):

* Base URL forms (NOTES §1, docs ``rest/index.md``): PaaS ``/rest/V1/…``, ``/rest/<store_code>/V1/…`` and
  ``/rest/all/V1/…``; an unknown store code is not a store code but part of the path, so it matches no route:
  404 "Request does not match any route." (``Webapi`` path processing). The Cloud Service serves
  ``/<tenant-id>/V1/…`` with the scope in a ``Store`` header.
* Response shapes (``reference/rest/*.json``): the search envelope ``{items, search_criteria, total_count}``,
  Magento error bodies ``{"message": "… %1 …", "parameters": …}`` (``rest/error-response.example.json``).
* searchCriteria, paging (last page repeated past the end), input limits and ``fields``: see :mod:`criteria`.
* Authentication: OAuth 1.0a as Magento verifies it (:mod:`oauth`); the integration token as Bearer only when
  "Allow OAuth Access Tokens to be used as standalone Bearer tokens" is on, else the request is anonymous
  (NOTES §2.2); an anonymous request or an integration without the endpoint's ACL resource gets 401
  "The consumer isn't authorized to access %resources." naming the resource (NOTES §2.1, magento/magento2#40960).
  On the Cloud Service: an IMS token (:mod:`ims`), ``x-api-key`` = the client id and ``x-gw-ims-org-id`` = its
  org, else 403; an expired or revoked token is 401 (NOTES §2.4: "drops the cached token on 401; 403 = wrong org
  or missing permission"); a token without the ``commerce.accs`` scope is 403.
* Latency and error injection (:mod:`faults`), and a ``Date`` header from the fake's clock (clock-skew tests).
* Data that changes while a client pages: ``on_request`` runs before every REST answer and may change the
  catalog (insert orders, save one again).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import string
import time
from bisect import bisect_left, bisect_right
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import formatdate
from typing import Any
from urllib.parse import unquote

import msgspec

from mlconnector.connectors.commerce.fake.catalog import Catalog, Row
from mlconnector.connectors.commerce.fake.criteria import (
    CriteriaError,
    ParsedCriteria,
    apply_fields,
    matcher,
    page_of,
    parse_fields,
    parse_query,
    sort_rows,
)
from mlconnector.connectors.commerce.fake.faults import FaultPlan
from mlconnector.connectors.commerce.fake.ims import FakeIms, ImsClient
from mlconnector.connectors.commerce.fake.oauth import Integration, OAuthRefused, OAuthVerifier

PAAS, CLOUD_SERVICE = "paas", "cloud_service"
ORDERS = "Magento_Sales::actions_view"
INVOICES = "Magento_Sales::sales_invoice"
CREDIT_MEMOS = "Magento_Sales::sales_creditmemo"
CUSTOMERS = "Magento_Customer::manage"
PRODUCTS = "Magento_Catalog::products"
STORES = "Magento_Backend::stores"
ALL_RESOURCES = frozenset({ORDERS, INVOICES, CREDIT_MEMOS, CUSTOMERS, PRODUCTS, STORES})
NOT_AUTHORIZED = "The consumer isn't authorized to access %resources."
NO_ROUTE = "Request does not match any route."
NO_ENTITY = "The entity that was requested doesn't exist. Verify the entity and try again."

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def credential(length: int = 32) -> str:
    """Magento's integration credentials are 32 random lower-case letters and digits."""
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


@dataclass(slots=True)
class Answer:
    status: int
    body: Any
    headers: tuple[tuple[str, str], ...] = ()
    raw: bytes | None = None
    content_type: str = "application/json; charset=utf-8"


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    method: str
    path: str
    query: str
    status: int
    headers: dict[str, str]


class FakeCommerce:
    """One fake store (or Cloud Service tenant). Configure it, then hand it to ``httpx`` through
    :class:`~mlconnector.connectors.commerce.fake.transport.FakeTransport` or serve it on a port."""

    def __init__(
        self,
        *,
        flavor: str = PAAS,
        catalog: Catalog | None = None,
        bearer_enabled: bool = False,
        input_limits: bool = False,
        max_page_size: int = 300,
        tenant_path: str = "fake-tenant-id",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.flavor = flavor
        self.clock = clock
        """The store's clock (epoch seconds): its ``Date`` header, OAuth timestamp checks, IMS expiry, and the
        ``updated_at`` of what it changes."""
        self.catalog = catalog or Catalog(clock=lambda: datetime.fromtimestamp(self.clock(), UTC))
        self.oauth = OAuthVerifier(clock=lambda: self.clock())
        self.ims = FakeIms(clock=lambda: self.clock())
        self.faults = FaultPlan()
        self.bearer_enabled = bearer_enabled
        self.input_limits = input_limits
        self.max_page_size = max_page_size
        self.tenant_path = tenant_path
        self.on_request: Callable[[FakeCommerce, str, str], None] | None = None
        self.log: list[LoggedRequest] = []
        self.in_flight = 0
        self.max_in_flight = 0
        """REST requests being answered at once, and the most seen (bounded-concurrency tests)."""

    # --- set-up ----------------------------------------------------------------------------------------------

    def add_integration(self, resources: frozenset[str] = ALL_RESOURCES) -> Integration:
        consumer_id = len(self.oauth.integrations) + 1
        integration = Integration(consumer_id, credential(), credential(), credential(), credential(), resources)
        self.oauth.integrations[integration.consumer_key] = integration
        return integration

    def add_ims_client(self, scopes: frozenset[str] | None = None, org_id: str = "FAKEORG@AdobeOrg") -> ImsClient:
        from mlconnector.connectors.commerce.config import IMS_SCOPES

        client = ImsClient(credential(), f"p8e-{credential()}", org_id, scopes or frozenset(IMS_SCOPES))
        self.ims.clients[client.client_id] = client
        return client

    def rest_requests(self, fragment: str = "") -> list[LoggedRequest]:
        return [entry for entry in self.log if "/V1/" in entry.path and fragment in entry.path]

    # --- ASGI --------------------------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {name.decode().lower(): value.decode() for name, value in scope["headers"]}
        path = scope.get("raw_path", scope["path"].encode()).decode()
        query = scope.get("query_string", b"").decode()
        answer = await self._answer(scope, path, query, headers, body)
        self.log.append(LoggedRequest(scope["method"], unquote(path), query, answer.status, headers))
        payload = answer.raw if answer.raw is not None else msgspec.json.encode(answer.body)
        response_headers = [
            (b"content-type", answer.content_type.encode()),
            (b"content-length", str(len(payload)).encode()),
            (b"date", formatdate(self.clock(), usegmt=True).encode()),
            *((name.encode(), value.encode()) for name, value in answer.headers),
        ]
        await send({"type": "http.response.start", "status": answer.status, "headers": response_headers})
        await send({"type": "http.response.body", "body": payload})

    async def _answer(self, scope: Scope, path: str, query: str, headers: dict[str, str], body: bytes) -> Answer:
        fault = self.faults.take(unquote(path))
        if fault is not None:
            if fault.hang:
                await asyncio.sleep(3600)
            if fault.status is not None:
                extra = (("retry-after", fault.retry_after),) if fault.retry_after else ()
                raw = fault.body if fault.body is not None else json.dumps({"message": "Too Many Requests"}).encode()
                return Answer(fault.status, None, extra, raw=raw, content_type=fault.content_type)
        if path == "/ims/token/v3" and scope["method"] == "POST":
            self.ims.in_flight += 1
            self.ims.max_in_flight = max(self.ims.max_in_flight, self.ims.in_flight)
            try:
                if self.ims.latency:
                    await asyncio.sleep(self.ims.latency)
                status, token_body = self.ims.issue(body)
            finally:
                self.ims.in_flight -= 1
            return Answer(status, token_body)
        route = self._rest_route(unquote(path), headers)
        if isinstance(route, Answer):
            return route
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.faults.latency:
                await asyncio.sleep(self.faults.latency)
            if self.on_request is not None:
                self.on_request(self, route, query)
            if scope["method"] != "GET":
                return Answer(405, {"message": "Request does not match any route."})
            url = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}{path}"
            return self._get(route, query, headers, url)
        finally:
            self.in_flight -= 1

    def _rest_route(self, path: str, headers: dict[str, str]) -> str | Answer:
        """The part after ``V1/``, or the answer for a path that is not a REST route here."""
        parts = path.strip("/").split("/")
        if self.flavor == CLOUD_SERVICE:
            if len(parts) < 2 or parts[0] != self.tenant_path or parts[1] != "V1":
                return Answer(404, {"message": NO_ROUTE})
            store = headers.get("store")
            if store and store not in {"all", "default"} and store not in self._store_codes():
                return Answer(
                    404, {"message": "The store that was requested wasn't found. Verify the store and try again."}
                )
            return "/".join(parts[2:])
        if len(parts) < 2 or parts[0] != "rest":
            return Answer(404, {"message": NO_ROUTE})
        if parts[1] == "V1":
            return "/".join(parts[2:])
        if len(parts) >= 3 and parts[2] == "V1" and (parts[1] in self._store_codes() or parts[1] == "all"):
            return "/".join(parts[3:])
        return Answer(404, {"message": NO_ROUTE})

    def _store_codes(self) -> set[str]:
        return {store.code for store in self.catalog.stores.values()}

    # --- authentication ----------------------------------------------------------------------------------------

    def _resources(self, url: str, query: str, headers: dict[str, str]) -> frozenset[str] | Answer:
        """The ACL resources the caller holds (empty for an anonymous caller), or the refusal."""
        authorization = headers.get("authorization", "")
        if self.flavor == CLOUD_SERVICE:
            return self._ims_resources(authorization, headers)
        if authorization.lower().startswith("oauth "):
            try:
                integration = self.oauth.verify("GET", url, query, authorization)
            except OAuthRefused as refused:
                return Answer(refused.status, _message(refused.message, refused.parameters))
            return integration.resources
        if authorization.lower().startswith("bearer ") and self.bearer_enabled:
            token = authorization[7:].strip()
            for integration in self.oauth.integrations.values():
                if secrets.compare_digest(integration.access_token, token) and not integration.revoked:
                    return integration.resources
        return frozenset()

    def _ims_resources(self, authorization: str, headers: dict[str, str]) -> frozenset[str] | Answer:
        if not authorization.lower().startswith("bearer "):
            return Answer(401, {"message": "The request has no access token."})
        issued = self.ims.check(authorization[7:].strip())
        if issued is None:
            return Answer(401, {"message": "The access token is invalid or has expired."})
        if headers.get("x-api-key") != issued.client.client_id:
            return Answer(403, {"message": "The x-api-key header does not match the access token's client."})
        if headers.get("x-gw-ims-org-id") != issued.client.org_id:
            return Answer(403, {"message": "The x-gw-ims-org-id header does not match the access token's org."})
        if "commerce.accs" not in issued.scopes:
            return Answer(403, {"message": "The access token lacks the commerce.accs scope."})
        return ALL_RESOURCES

    # --- REST --------------------------------------------------------------------------------------------------

    def _get(self, route: str, query: str, headers: dict[str, str], url: str) -> Answer:
        endpoint = self._endpoint(route)
        if endpoint is None:
            return Answer(404, {"message": NO_ROUTE})
        resource, handler = endpoint
        held = self._resources(url, query, headers)
        if isinstance(held, Answer):
            return held
        if resource not in held:
            return Answer(401, _message(NOT_AUTHORIZED, {"resources": resource}))
        try:
            return handler(query)
        except CriteriaError as error:
            return Answer(400, {"message": str(error)})

    def _endpoint(self, route: str) -> tuple[str, Callable[[str], Answer]] | None:
        parts = route.split("/")
        catalog = self.catalog
        lists = {
            "orders": (ORDERS, catalog.orders),
            "invoices": (INVOICES, catalog.invoices),
            "creditmemos": (CREDIT_MEMOS, catalog.credit_memos),
            "products": (PRODUCTS, catalog.products),
        }
        singles = {
            "orders": (ORDERS, catalog.orders),
            "invoices": (INVOICES, catalog.invoices),
            "creditmemo": (CREDIT_MEMOS, catalog.credit_memos),
            "customers": (CUSTOMERS, catalog.customers),
        }
        if len(parts) == 1 and parts[0] in lists:
            resource, table = lists[parts[0]]
            return resource, lambda query: self._search(table, query)
        if parts == ["customers", "search"]:
            return CUSTOMERS, lambda query: self._search(catalog.customers, query)
        if len(parts) == 2 and parts[0] in singles and parts[1].isdigit():
            resource, table = singles[parts[0]]
            return resource, lambda query: self._single(table, int(parts[1]), query, parts[0])
        if parts == ["store", "storeConfigs"]:
            return STORES, lambda query: Answer(200, [s.config() for s in catalog.stores.values()])
        if parts == ["store", "storeViews"]:
            return STORES, lambda query: Answer(
                200,
                [
                    {
                        "id": s.id,
                        "code": s.code,
                        "name": s.name,
                        "website_id": s.website_id,
                        "store_group_id": s.website_id,
                        "is_active": 1,
                    }
                    for s in catalog.stores.values()
                ],
            )
        return None

    def _single(self, table: dict[int, Row], entity_id: int, query: str, kind: str) -> Answer:
        row = table.get(entity_id)
        if row is None:
            if kind == "customers":
                return Answer(
                    404,
                    _message(
                        "No such entity with %fieldName = %fieldValue",
                        {"fieldName": "customerId", "fieldValue": entity_id},
                    ),
                )
            return Answer(404, {"message": NO_ENTITY})
        payload = row.payload()
        fields = parse_query(query).fields
        return Answer(200, apply_fields(payload, parse_fields(fields)) if fields else payload)

    def _search(self, table: dict[int, Row], query: str) -> Answer:
        criteria = parse_query(query)
        page_size = criteria.page_size
        if self.input_limits:
            if page_size is None:
                page_size = 20
            elif page_size > self.max_page_size:
                return Answer(400, {"message": f"Maximum SearchCriteria pageSize is {self.max_page_size}"})
        rows = self._candidates(table, criteria.groups)
        if not criteria.groups and [name for name, _ in criteria.sort] in ([], ["entity_id"]):
            # Nothing to filter, primary-key order: page straight from the index.
            descending = bool(criteria.sort) and criteria.sort[0][1] == "DESC"
            offset, limit = page_of(len(rows), page_size, criteria.current_page)
            picked = rows[::-1][offset : offset + limit] if descending else rows[offset : offset + limit]
            return self._page(criteria, [row.payload() for row in picked], len(rows))
        named = {spec.get("field", "") for group in criteria.groups for spec in group} | {f for f, _ in criteria.sort}
        on_fields = named <= _FAST_FIELDS
        views = [row.fields if on_fields else {**row.payload(), **row.fields} for row in rows]
        match = matcher(criteria.groups)
        matching = [(view, row) for view, row in zip(views, rows, strict=True) if not criteria.groups or match(view)]
        ordered = _ordered(matching, criteria.sort or [("entity_id", "ASC")])
        offset, limit = page_of(len(ordered), page_size, criteria.current_page)
        items = [row.payload() for _, row in ordered[offset : offset + limit]]
        return self._page(criteria, items, len(ordered))

    @staticmethod
    def _page(criteria: ParsedCriteria, items: list[dict[str, Any]], total: int) -> Answer:
        body: dict[str, Any] = {
            "items": items,
            "search_criteria": {
                "filter_groups": [{"filters": group} for group in criteria.groups],
                **({"sort_orders": [{"field": f, "direction": d} for f, d in criteria.sort]} if criteria.sort else {}),
                "current_page": criteria.current_page,
            },
            "total_count": total,
        }
        if criteria.fields:
            body = apply_fields(body, parse_fields(criteria.fields))
        return Answer(200, body)

    def _candidates(self, table: dict[int, Row], groups: list[list[dict[str, str]]]) -> list[Row]:
        """Rows that can match, narrowed the way MySQL would use an index (primary key, ``updated_at``): single-
        filter groups on ``entity_id`` or ``updated_at`` bound the scan. Every filter is still applied after."""
        ids: list[int] | None = None
        id_bounds = _bounds(groups, "entity_id", int)
        stamp_bounds = _bounds(groups, "updated_at", str)
        if stamp_bounds is not None:
            index = self.catalog.updated_index(table)
            low, high = stamp_bounds
            start = 0 if low is None else bisect_left(index, (low[0], -1) if low[1] else (low[0], 1 << 62))
            end = len(index) if high is None else bisect_right(index, (high[0], 1 << 62) if high[1] else (high[0], -1))
            ids = sorted(entity_id for _, entity_id in index[start:end])
        if id_bounds is not None:
            ordered = ids if ids is not None else self.catalog.sorted_ids(table)
            low, high = id_bounds
            start = 0 if low is None else (bisect_left if low[1] else bisect_right)(ordered, low[0])
            end = len(ordered) if high is None else (bisect_right if high[1] else bisect_left)(ordered, high[0])
            ids = ordered[start:end]
        listed = _listed_ids(groups)
        if listed is not None:
            ids = [entity_id for entity_id in (ids if ids is not None else sorted(listed)) if entity_id in listed]
        if ids is None:
            ids = self.catalog.sorted_ids(table)
        return [table[entity_id] for entity_id in ids if entity_id in table]


def _bounds(groups: list[list[dict[str, str]]], name: str, kind: type) -> tuple[Any, Any] | None:
    """``((low, inclusive) | None, (high, inclusive) | None)`` from single-filter range groups on ``name``."""
    low = high = None
    found = False
    for group in groups:
        if len(group) != 1 or group[0].get("field") != name:
            continue
        condition = group[0].get("condition_type", "eq") or "eq"
        try:
            value = kind(group[0].get("value", ""))
        except ValueError:
            continue
        if condition in {"gt", "gteq", "from", "moreq", "eq"}:
            candidate = (value, condition != "gt")
            low = candidate if low is None or candidate[0] > low[0] else low
            found = True
        if condition in {"lt", "lteq", "to", "eq"}:
            candidate = (value, condition != "lt")
            high = candidate if high is None or candidate[0] < high[0] else high
            found = True
    return (low, high) if found else None


def _listed_ids(groups: list[list[dict[str, str]]]) -> set[int] | None:
    for group in groups:
        if len(group) == 1 and group[0].get("field") == "entity_id" and group[0].get("condition_type") == "in":
            try:
                return {int(value) for value in group[0].get("value", "").split(",") if value.strip()}
            except ValueError:
                return None
    return None


_FAST_FIELDS = frozenset(
    {
        "entity_id",
        "id",
        "increment_id",
        "store_id",
        "website_id",
        "created_at",
        "updated_at",
        "state",
        "status",
        "order_id",
        "invoice_id",
        "customer_id",
        "customer_email",
        "email",
        "sku",
        "type_id",
    }
)
"""Fields every row keeps outside its rendered payload: searches on them need no rendering."""


def _ordered(matching: list[tuple[dict[str, Any], Row]], orders: list[tuple[str, str]]) -> list[tuple[dict, Row]]:
    names = [name for name, _ in orders]
    directions = {direction for _, direction in orders}
    if names == ["entity_id"]:  # candidates come in id order already
        return matching[::-1] if "DESC" in directions else matching
    if len(directions) == 1 and all(all(view.get(n) is not None for n in names) for view, _ in matching[:1]):
        try:
            return sorted(matching, key=lambda pair: tuple(pair[0][n] for n in names), reverse="DESC" in directions)
        except (KeyError, TypeError):
            pass  # a missing or mixed-type value: the general (NULL-aware) sort below
    by_view = {id(view): (view, row) for view, row in matching}
    return [by_view[id(view)] for view in sort_rows([view for view, _ in matching], orders)]


def _message(text: str, parameters: object) -> dict[str, Any]:
    body: dict[str, Any] = {"message": text}
    if parameters is not None:
        body["parameters"] = parameters
    return body
