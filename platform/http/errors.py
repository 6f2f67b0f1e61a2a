"""One place that turns exceptions into JSON error bodies: a sentence, never a stack trace or a secret."""

from __future__ import annotations

import msgspec
import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from mlconnector.platform.errors import MlcError
from mlconnector.platform.redaction import redact

log = structlog.get_logger(__name__)


def _request_id(request: Request) -> str | None:
    return request.scope.get("state", {}).get("request_id")


def _malformed_json(error: BaseException) -> bool:
    """Whether the body could not even be parsed (as opposed to parsed and found wrong)."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, msgspec.DecodeError) and not isinstance(seen, msgspec.ValidationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def http_error(request: Request, error: HTTPException) -> Response[dict[str, object]]:
    if error.status_code >= 500:  # Litestar's own 500s (a handler it could not call) deserve a log line too
        log.error("request failed", error=redact(str(error.detail)), exc_info=error)
    if error.status_code == 400 and _malformed_json(error):
        problem = f"is not valid JSON ({error.detail})"
        return Response(
            {"error": f"The request body {problem}.", "status": 400, "details": [{"key": "body", "message": problem}]},
            status_code=400,
        )
    body: dict[str, object] = {"error": redact(str(error.detail)), "status": error.status_code}
    if error.extra:
        body["details"] = error.extra
    return Response(body, status_code=error.status_code, headers=error.headers)


def domain_error(request: Request, error: MlcError) -> Response[dict[str, object]]:
    """A domain error's own sentence and status, with the fields it names (``details``) and headers (Retry-After)."""
    status = getattr(error, "status_code", 400)
    if status >= 500:
        log.error("request failed", error_type=type(error).__name__, error=redact(str(error)))
    body: dict[str, object] = {"error": redact(str(error)), "status": status}
    details = getattr(error, "details", None)
    if details:
        body["details"] = [{key: redact(str(value)) for key, value in item.items()} for item in details]
    return Response(body, status_code=status, headers=getattr(error, "headers", None))


def unexpected_error(request: Request, error: Exception) -> Response[dict[str, object]]:
    request_id = _request_id(request)
    log.error("unhandled error", error_type=type(error).__name__, error=redact(str(error)), exc_info=error)
    return Response(
        {
            "error": "Something went wrong on our side. Try again; if it keeps happening, "
            "contact support with the request id.",
            "status": HTTP_500_INTERNAL_SERVER_ERROR,
            "request_id": request_id,
        },
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
    )
