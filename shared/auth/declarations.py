"""Every route of a service declares who may call it: `requires(...)` or `public()`. An app whose route declares
neither does not start, so no endpoint is open by omission.

The OpenAPI document says it too: an operation that needs credentials lists the ApiKey and StaffToken schemes
with its roles (OpenAPI's role names of a security requirement) and repeats them as `x-roles`; a public one has
no security requirement and `x-public: true`. The authorisation matrix test is generated from these."""

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from shared.auth.deps import access_of
from shared.auth.roles import Role
from shared.http import problem_doc

REFUSALS = {"401": problem_doc("No credentials, or an unknown, expired or revoked key or token"),
            "403": problem_doc("The caller's roles do not admit this operation")}
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


class UndeclaredAccess(RuntimeError):
    pass


def declare_access(app: FastAPI) -> None:
    """Refuse an app with an undeclared route; make its OpenAPI document state every operation's roles."""
    undeclared = [f"{'/'.join(sorted(route.methods))} {route.path}" for route in _api_routes(app)
                  if not any(True for _ in _declarations(route.dependant))]
    if undeclared:
        raise UndeclaredAccess("routes that declare neither requires(...) nor public(): " + ", ".join(undeclared))
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            for operations in build().get("paths", {}).values():
                for method, operation in operations.items():
                    if method in HTTP_METHODS:
                        _state_roles(operation)
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]


def _state_roles(operation: dict[str, Any]) -> None:
    requirements = operation.get("security") or []
    if not requirements:
        operation["x-public"] = True
        return
    roles = {role for requirement in requirements for scopes in requirement.values() for role in scopes}
    operation["x-roles"] = sorted(roles | {Role.ADMIN.value})
    responses = operation.setdefault("responses", {})
    for status, response in REFUSALS.items():
        responses.setdefault(status, response)


def _api_routes(app: FastAPI) -> Iterator[APIRoute]:
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            yield route


def _declarations(dependant: Dependant) -> Iterator[frozenset[Role] | bool]:
    for sub in dependant.dependencies:
        declared = access_of(sub.call)
        if declared is not None:
            yield declared
        yield from _declarations(sub)
