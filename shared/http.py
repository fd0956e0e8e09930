"""What every service app has: problem+json errors, request ids, request metrics, health and /metrics."""

import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from http.client import responses as STATUS_PHRASES
from typing import Any, Protocol

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.auth.deps import public
from shared.errors import DomainError
from shared.logs import current_request_id, log_context
from shared.metrics import Metrics

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
REQUEST_ID_HEADER = "X-Request-ID"
UNMATCHED_ROUTE = "unmatched"

_SAFE_TOKEN = re.compile(r"[A-Za-z0-9._-]{1,128}")
# Anything else is folded into OTHER, so clients cannot grow the label set with made-up methods.
_KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class Runtime(Protocol):
    """What create_service_app expects in app.state.runtime."""

    metrics: Metrics

    async def readiness(self) -> dict[str, str]: ...

    async def refresh_metrics(self) -> None: ...


class ProblemOut(BaseModel):
    """RFC 9457 problem details; extension members (request_id, errors, ...) come alongside."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    request_id: str | None = None


class ReadinessOut(BaseModel):
    status: str
    checks: dict[str, str]


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    type_: str = "about:blank",
    instance: str | None = None,
    **extensions: Any,
) -> JSONResponse:
    body: dict[str, Any] = {"type": type_, "title": title, "status": status, "detail": detail}
    if instance is not None:
        body["instance"] = instance
    # Extensions may not redefine the standard members (RFC 9457, section 3.2).
    body.update((key, value) for key, value in extensions.items() if key not in body)
    return JSONResponse(jsonable_encoder(body), status_code=status, media_type=PROBLEM_MEDIA_TYPE)


def _request_problem(request: Request, status: int, title: str, detail: str, **extensions: Any) -> JSONResponse:
    request_id = current_request_id() or getattr(request.state, "request_id", None)
    if request_id is not None:
        extensions["request_id"] = request_id
    return problem_response(status, title, detail, instance=request.url.path, **extensions)


async def _on_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return _request_problem(request, int(exc.status), exc.title, exc.detail, **exc.extensions)


def validation_problem(raw_errors: Sequence[Any], *, whole: str = "request") -> tuple[str, list[dict[str, Any]]]:
    """The detail and `errors` of a 422 problem: only where and why, since the rejected input itself may hold
    contact data. `whole` names an error about the entire input (an empty location)."""
    errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in raw_errors]
    fields = ", ".join(".".join(str(part) for part in error["loc"]) or whole for error in errors)
    return f"{len(errors)} invalid field(s): {fields}", errors


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    detail, errors = validation_problem(exc.errors())
    return _request_problem(request, 422, "Invalid request", detail, errors=errors)


async def _on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    title = STATUS_PHRASES.get(exc.status_code, "Error")  # also for codes HTTPStatus lacks (499)
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    response = _request_problem(request, exc.status_code, title, detail)
    response.headers.update(exc.headers or {})  # Allow, Retry-After, WWW-Authenticate
    return response


async def _on_unexpected_error(request: Request, exc: Exception) -> Response:
    request_id = getattr(request.state, "request_id", None)
    # Starlette runs this handler outside RequestContextMiddleware, so the id is bound and sent again here.
    with log_context(request_id=request_id):
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
    response = _request_problem(request, 500, "Internal error", "The server could not complete the request.")
    if request_id is not None:
        response.headers[REQUEST_ID_HEADER] = request_id
    return response


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every error as application/problem+json."""
    app.add_exception_handler(DomainError, _on_domain_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(HTTPException, _on_http_exception)
    app.add_exception_handler(Exception, _on_unexpected_error)


def _route_template(scope: Scope) -> str:
    """The matched route's path template, or "unmatched"; never the raw path, to keep label sets bounded."""
    # Recent FastAPI no longer copies included routes with the router's prefix, so scope["route"]
    # lacks "/v1"; the full template is in FastAPI's per-request route context. Older versions
    # lack that context but have full paths on scope["route"].
    context = scope.get("fastapi", {}).get("effective_route_context")
    template = getattr(context, "path_format", None)
    if template is None:
        route = scope.get("route")
        template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return template or UNMATCHED_ROUTE


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            return candidate if _SAFE_TOKEN.fullmatch(candidate) else None
    return None


class RequestContextMiddleware:
    """Gives each request an id (logs, response header) and records its status and latency.

    Pure ASGI rather than BaseHTTPMiddleware: it runs on every request, and BaseHTTPMiddleware
    would run the app in a separate task and re-wrap every response.
    """

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id  # for the 500 handler, which runs outside
        status = 500  # stays so if the app raises before it starts a response
        header = (REQUEST_ID_HEADER.lower().encode(), request_id.encode())

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", []), header]}
            await send(message)

        started = time.perf_counter()
        with log_context(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_request_id)
            finally:
                self._observe(scope, status, time.perf_counter() - started)

    def _observe(self, scope: Scope, status: int, seconds: float) -> None:
        method = scope["method"] if scope["method"] in _KNOWN_METHODS else "OTHER"
        route = _route_template(scope)
        self.metrics.http_requests.labels(method=method, route=route, status=str(status)).inc()
        self.metrics.http_latency.labels(method=method, route=route).observe(seconds)
        logger.debug("%s %s -> %d in %.1f ms", scope["method"], scope["path"], status, seconds * 1000)


async def bind_complaint_id(request: Request) -> AsyncIterator[None]:
    """App-wide dependency: log lines of a request on /…/{complaint_id} carry that complaint id."""
    complaint_id = request.path_params.get("complaint_id")
    if complaint_id is None or not _SAFE_TOKEN.fullmatch(str(complaint_id)):
        yield
        return
    with log_context(complaint_id=complaint_id):
        yield


def health_router() -> APIRouter:
    router = APIRouter(tags=["health"], dependencies=[Depends(public())])  # probes and scrapers carry no key

    @router.get("/health/live", summary="The process is up")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/health/ready",
        summary="Database, broker and the rest are reachable",
        responses={503: {"model": ReadinessOut, "description": "A dependency is not ok"}},
    )
    async def ready(request: Request, response: Response) -> ReadinessOut:
        checks = await request.app.state.runtime.readiness()
        if all(value == "ok" for value in checks.values()):
            return ReadinessOut(status="ready", checks=checks)
        response.status_code = 503
        return ReadinessOut(status="not ready", checks=checks)

    @router.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        runtime: Runtime = request.app.state.runtime
        await runtime.refresh_metrics()  # gauges (outbox backlog, lag) are read on demand
        return Response(generate_latest(runtime.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return router


class BodyLimitMiddleware:
    """Refuses request bodies over a size with a 413 problem (Starlette's own limit answers in plain text).

    `larger` names paths that may carry more, such as batch endpoints."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, larger: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = larger or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope["path"], self.max_bytes)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _too_large(scope, limit)(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise HTTPException(413, _too_large_detail(limit))
            return message

        await self.app(scope, counting_receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


def _too_large_detail(limit: int) -> str:
    return f"the request body is larger than {limit:,} bytes"


def _too_large(scope: Scope, limit: int) -> JSONResponse:
    return problem_response(413, "Content too large", _too_large_detail(limit), instance=scope["path"],
                            request_id=current_request_id())


async def require_json(request: Request) -> None:
    """Route dependency: a body that is not declared JSON is refused before anything reads it. (async: a plain
    `def` dependency would run in the thread pool, a thread hop per request.)"""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise HTTPException(415, f"send the body as application/json, not {media_type or 'without a content type'}")


def problem_doc(description: str) -> dict[str, Any]:
    """An OpenAPI response answered as application/problem+json, for a route's `responses`."""
    schema = ProblemOut.model_json_schema()
    return {"description": description, "content": {PROBLEM_MEDIA_TYPE: {"schema": schema}}}


DEFAULT_MAX_BODY_BYTES = 1_048_576

PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: problem_doc("The request is invalid"),
    500: problem_doc("Internal error"),
}

# For the `responses` of a route with Depends(require_json).
NOT_JSON: dict[int | str, dict[str, Any]] = {
    415: problem_doc("The body is not declared JSON (application/json or a +json type)"),
}

# What every operation with a body may answer before its route runs: FastAPI cannot read the body as JSON, or
# BodyLimitMiddleware stops it. Added to the OpenAPI document by create_service_app, so no route has to.
BODY_PROBLEMS: dict[str, dict[str, Any]] = {
    "400": problem_doc("The body is not readable JSON"),
    "413": problem_doc("The body is larger than this operation accepts"),
}


def document_body_problems(app: FastAPI) -> None:
    """Make the app's OpenAPI document list BODY_PROBLEMS on each operation that takes a body."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            for operations in document.get("paths", {}).values():
                for operation in operations.values():
                    if isinstance(operation, dict) and "requestBody" in operation:
                        responses = operation.setdefault("responses", {})
                        for status, response in BODY_PROBLEMS.items():
                            responses.setdefault(status, response)
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]


def create_service_app(
    *,
    title: str,
    version: str,
    description: str,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[Any]],
    metrics: Metrics,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    larger_bodies: dict[str, int] | None = None,
) -> FastAPI:
    """The FastAPI app of a service, with errors, request context, health and metrics in place.

    The caller's lifespan sets app.state.runtime (see Runtime) before the first request.
    """
    app = FastAPI(
        title=title,
        version=version,
        description=description,
        lifespan=lifespan,
        responses=PROBLEM_RESPONSES,
        dependencies=[Depends(bind_complaint_id)],
    )
    install_problem_handlers(app)
    document_body_problems(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes, larger=larger_bodies)
    app.add_middleware(RequestContextMiddleware, metrics=metrics)
    app.include_router(health_router())
    return app
