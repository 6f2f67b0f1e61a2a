"""The page routes, one module per area, mounted with HTML error pages (see :mod:`mlconnector.web.errors`)."""

from __future__ import annotations

from litestar import Router

from mlconnector.web.errors import EXCEPTION_HANDLERS
from mlconnector.web.pages import (
    auth,
    dashboard,
    holds,
    records,
    sandbox,
    settings_connections,
    settings_team,
    settings_tokens,
    setup_books,
    setup_connect,
)


def page_router() -> Router:
    handlers = [
        *auth.ROUTES,
        *dashboard.ROUTES,
        *holds.ROUTES,
        *records.ROUTES,
        *setup_connect.ROUTES,
        *setup_books.ROUTES,
        *settings_connections.ROUTES,
        *settings_team.ROUTES,
        *settings_tokens.ROUTES,
        *sandbox.ROUTES,
    ]
    return Router(path="/", route_handlers=handlers, exception_handlers=EXCEPTION_HANDLERS, include_in_schema=False)
