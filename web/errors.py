"""HTML error pages for the page routes: a sentence and what to do next, never a stack trace or a secret.

A page that needs a signed-in user sends the visitor to the sign-in page and back afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from mlconnector.platform.errors import MlcError, NotSignedIn
from mlconnector.platform.redaction import redact

log = structlog.get_logger(__name__)
HEADINGS = {
    400: "That did not work",
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    409: "That cannot be done now",
    422: "Please check what you entered",
    429: "Too many attempts",
}


def error_page(request: Request[Any, Any, Any], status: int, message: str) -> Template:
    context = {
        "heading": HEADINGS.get(status, "Something went wrong"),
        "message": message,
        "status": status,
        "next_href": "/",
        "next_label": "Back to the start",
        "title": HEADINGS.get(status, "Error"),
    }
    return Template(template_name="error.html", context=context, status_code=status)


def sign_in_redirect(request: Request[Any, Any, Any]) -> Redirect:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(f"/login?next={quote(target)}", status_code=HTTP_303_SEE_OTHER)


def page_domain_error(request: Request[Any, Any, Any], error: MlcError) -> Response[Any]:
    if isinstance(error, NotSignedIn) and request.method == "GET":
        return sign_in_redirect(request)
    status = getattr(error, "status_code", 400)
    return error_page(request, status, redact(str(error)))


def page_http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
    message = {
        403: "This form has expired or was not sent from this site. Go back, reload the page and try again.",
        404: "There is no page at this address. Check the link, or go back to your dashboard.",
        405: "This address does not take that kind of request. Go back and use the page's buttons.",
    }.get(error.status_code, redact(str(error.detail)))
    return error_page(request, error.status_code, message)


def page_unexpected_error(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    log.error("page failed", error_type=type(error).__name__, error=redact(str(error)), exc_info=error)
    message = "Something went wrong on our side. Reload the page; if it keeps happening, contact support."
    return error_page(request, 500, message)


MACHINE_PATHS = ("/api/", "/connectors/", "/schema", "/healthz", "/readyz", "/metrics", "/static/")


def html_unless_api(json_handler: Callable[..., Response[Any]]) -> Callable[..., Response[Any]]:
    """For errors outside the page routes (an unknown address): a page for a browser, JSON for the API."""

    def handler(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
        wants_page = "text/html" in request.headers.get("accept", "")
        if wants_page and not request.url.path.startswith(MACHINE_PATHS):
            return page_http_error(request, error)
        return json_handler(request, error)

    return handler


EXCEPTION_HANDLERS = {MlcError: page_domain_error, HTTPException: page_http_error, Exception: page_unexpected_error}
