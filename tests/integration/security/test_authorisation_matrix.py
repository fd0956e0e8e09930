"""Every operation of every service, through HTTP, against the roles it declares: no credentials get 401 (public
operations: anything else), a key of a role it does not admit gets 403, a key of each role it admits gets past
the gate (404 or 422 are fine: only the gate is tested here). The operations come from each app's OpenAPI
document, plus the routes the document leaves out (pages, the dashboard, /metrics), so a new endpoint is tested
without being named here. Public operations are named here, so that making one public is a conscious choice."""

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
import pytest_asyncio
from cryptography.fernet import Fernet
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from services.catalog import SERVICES
from shared.auth.deps import API_KEY_HEADER, access_of
from shared.auth.keys import issue_key, revoke_key, split_key
from shared.auth.provision import grant, store_at
from shared.auth.roles import Role
from shared.db import Database
from shared.migrations import upgrade
from tests.conftest import empty_database

pytestmark = pytest.mark.asyncio(loop_scope="module")

HEALTH = {"GET /health/live", "GET /health/ready", "GET /metrics"}
PUBLIC = {
    "intake": HEALTH | {"GET /v1/track/{tracking_number}", "POST /v1/track/{tracking_number}/replies",
                        "POST /v1/track/{tracking_number}/withdrawal", "POST /v1/track/{tracking_number}/escalation",
                        "GET /", "GET /complain", "POST /complain", "GET /complain/thanks", "GET /track",
                        "GET /pages/static/{name}"},
    "routing": HEALTH,
    "escalation": HEALTH,
    "feedback": HEALTH | {"GET /s/{token}", "POST /s/{token}", "GET /v1/surveys/{token}",
                          "POST /v1/surveys/{token}/answers", "GET /dashboard", "GET /dashboard/plotly.min.js"},
}
# Property names of contact data, which no answer an analyst may ask for contains.
CONTACT_DATA = {"customer", "email", "phone", "customer_name", "customer_email", "customer_phone", "address"}
# Values of path parameters that have the right shape but name nothing.
PATH_VALUES = {"tracking_number": "RD-7K3M-9QX2-T"}
# Nothing here should slow the gate down or need the broker: no relay, consumer, periodic jobs or rate limits.
QUIET = {"run_relay": False, "run_consumer": False, "run_background": False, "rate_limit_per_address": "off",
         "rate_limit_per_key": "off"}


@dataclass(frozen=True)
class Operation:
    service: str
    method: str
    path: str
    public: bool
    roles: frozenset[Role]  # those admitted, admin included; empty when public
    has_body: bool
    path_params: dict[str, dict[str, Any]]

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"

    def url(self) -> str:
        path = self.path
        for name, schema in self.path_params.items():
            path = path.replace(f"{{{name}}}", _value_of(name, schema))
        return path


def _value_of(name: str, schema: dict[str, Any]) -> str:
    if name in PATH_VALUES:
        return PATH_VALUES[name]
    if schema.get("format") == "uuid":
        return str(uuid4())
    if schema.get("type") == "integer":
        return "1"
    if schema.get("enum"):
        return str(schema["enum"][0])
    return f"x{uuid4().hex[:8]}"


def settings_of(service: str, **overrides: Any) -> Any:
    extra = {"pii_keys": [Fernet.generate_key().decode()]} if service == "intake" else {}
    return SERVICES[service].settings(**QUIET, **extra, **overrides)


def operations_of(service: str, app: FastAPI) -> list[Operation]:
    """The app's operations: those of its OpenAPI document, with their x-roles or x-public, and the routes the
    document leaves out, with the roles their dependencies declare."""
    document = app.openapi()
    found = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            params = {p["name"]: _resolved(document, p.get("schema", {})) for p in operation.get("parameters", [])
                      if p["in"] == "path"}
            found.append(Operation(service, method.upper(), path, bool(operation.get("x-public")),
                                   frozenset(Role(r) for r in operation.get("x-roles", [])),
                                   "requestBody" in operation, params))
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and not route.include_in_schema:
            declared = list(_declarations(route.dependant))
            roles = frozenset().union(*(d for d in declared if d is not True))
            params = {name: {} for name in route.param_convertors}
            found += [Operation(service, method, context.path_format, not roles and True in declared,
                                roles | {Role.ADMIN} if roles else frozenset(), method == "POST", params)
                      for method in sorted(context.methods or ())]
    return found


def _resolved(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    reference = schema.get("$ref")
    return document["components"]["schemas"][reference.rsplit("/", 1)[1]] if reference else schema


def _declarations(dependant: Dependant) -> list[Any]:
    found = []
    for sub in dependant.dependencies:
        declared = access_of(sub.call)
        if declared is not None:
            found.append(declared)
        found += _declarations(sub)
    return found


def _collected() -> list[Any]:
    """One parameter per operation of each service; a service whose app does not build is one failing case."""
    params = []
    for service in SERVICES:
        try:
            app = SERVICES[service].create_app(settings_of(service))
        except Exception as exc:  # reported as the case's failure, not as an error of collection
            params.append(pytest.param(service, exc, id=f"{service}-does-not-build"))
            continue
        params += [pytest.param(service, op, id=f"{service} {op.name}") for op in operations_of(service, app)]
    return params


OPERATIONS = _collected()


@dataclass
class Gate:
    """One service, running on a fresh database, with a key of each role."""

    app: FastAPI
    client: httpx.AsyncClient
    url: str
    keys: dict[Role, str]

    async def call(self, operation: Operation, key: str | None) -> httpx.Response:
        headers = {API_KEY_HEADER: key} if key else {}
        body = {"json": {}} if operation.has_body else {}
        return await self.client.request(operation.method, operation.url(), headers=headers, **body)


class Gates:
    def __init__(self, stack: contextlib.AsyncExitStack, folder: Path) -> None:
        self.stack, self.folder, self.started = stack, folder, {}

    async def of(self, service: str) -> Gate:
        if service not in self.started:
            self.started[service] = await self._start(service)
        return self.started[service]

    async def _start(self, service: str) -> Gate:
        url = await self.stack.enter_async_context(empty_database(self.folder, service))
        await upgrade(SERVICES[service].migrations_dir, url)
        keys = {role: await grant([url], role, name=f"{role.value}-key") for role in Role}
        app = SERVICES[service].create_app(settings_of(service, database_url=url, data_dir=self.folder))
        await self.stack.enter_async_context(app.router.lifespan_context(app))
        client = await self.stack.enter_async_context(httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=f"http://{service}"))
        return Gate(app, client, url, keys)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def gates(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Gates]:
    async with contextlib.AsyncExitStack() as stack:
        yield Gates(stack, tmp_path_factory.mktemp("matrix"))


def _built(operation: Operation | Exception) -> Operation:
    if isinstance(operation, Exception):
        raise AssertionError(f"the app does not build: {operation!r}")
    return operation


@pytest.mark.parametrize(("service", "operation"), OPERATIONS)
async def test_without_credentials_only_public_operations_answer(gates: Gates, service: str, operation: Any):
    operation = _built(operation)
    response = await (await gates.of(service)).call(operation, None)
    if operation.public:
        assert response.status_code not in (401, 403), response.text
    else:
        assert response.status_code == 401, response.text
        assert "X-API-Key" in response.headers["www-authenticate"]
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("service", "operation"), OPERATIONS)
async def test_a_role_the_operation_does_not_admit_is_refused(gates: Gates, service: str, operation: Any):
    operation = _built(operation)
    if operation.public:
        pytest.skip("public: every role is admitted")
    gate = await gates.of(service)
    for role in set(Role) - operation.roles:
        response = await gate.call(operation, gate.keys[role])
        assert response.status_code == 403, f"{role}: {response.status_code} {response.text}"
        assert "needs one of the roles" in response.json()["detail"]


@pytest.mark.parametrize(("service", "operation"), OPERATIONS)
async def test_each_role_the_operation_admits_gets_past_the_gate(gates: Gates, service: str, operation: Any):
    operation = _built(operation)
    gate = await gates.of(service)
    # A public operation must not refuse a caller who sends a key: one key shows it (readiness probes the broker
    # for seconds, so not one call per role).
    for role in operation.roles or {Role.PARTNER}:
        response = await gate.call(operation, gate.keys[role])
        assert response.status_code not in (401, 403), f"{role}: {response.status_code} {response.text}"


@pytest.mark.parametrize("service", SERVICES)
async def test_each_operation_is_public_or_names_its_roles_and_the_public_ones_are_those_expected(service: str):
    operations = [_built(op) for svc, op in (p.values for p in OPERATIONS) if svc == service]
    for operation in operations:
        assert operation.public != bool(operation.roles), f"{operation.name}: public or roles, exactly one"
        assert not operation.roles or Role.ADMIN in operation.roles, operation.name
    assert {op.name for op in operations if op.public} == PUBLIC[service]


@pytest.mark.parametrize("service", SERVICES)
async def test_an_expired_or_revoked_key_is_refused_and_says_so(gates: Gates, service: str):
    gate = await gates.of(service)
    now = datetime.now(UTC)
    expired = issue_key(name="expired", roles=frozenset({Role.ADMIN}), tenant="default",
                        expires_at=now - timedelta(minutes=1), now=now - timedelta(hours=1))
    await store_at([gate.url], expired)
    revoked = await grant([gate.url], Role.ADMIN, name="revoked")
    database = Database(gate.url)
    try:
        async with database.engine.begin() as connection:
            assert await revoke_key(connection, split_key(revoked)[0])
    finally:
        await database.dispose()
    for text, state in ((expired.text, "expired"), (revoked, "revoked")):
        response = await gate.client.get("/v1/audit", headers={API_KEY_HEADER: text})
        assert response.status_code == 401, response.text
        assert f"was {state} at" in response.json()["detail"]
    unknown = await gate.client.get("/v1/audit", headers={API_KEY_HEADER: revoked[:-4] + "AAAA"})
    assert (unknown.status_code, unknown.json()["detail"]) == (401, "this service knows no such API key")


@pytest.mark.parametrize("service", SERVICES)
async def test_no_answer_an_analyst_may_ask_for_holds_contact_data(service: str):
    app = SERVICES[service].create_app(settings_of(service))
    document = app.openapi()
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            if Role.ANALYST.value not in operation.get("x-roles", []):
                continue
            names = _property_names(document, operation.get("responses", {}), seen=set())
            assert not names & CONTACT_DATA, f"{method.upper()} {path} answers {sorted(names & CONTACT_DATA)}"


def _property_names(document: dict[str, Any], node: Any, *, seen: set[str]) -> set[str]:
    """Every property name in a part of the OpenAPI document, following $refs (each once)."""
    names: set[str] = set()
    if isinstance(node, list):
        for item in node:
            names |= _property_names(document, item, seen=seen)
    elif isinstance(node, dict):
        reference = node.get("$ref")
        if isinstance(reference, str) and reference not in seen:
            seen.add(reference)
            names |= _property_names(document, document["components"]["schemas"][reference.rsplit("/", 1)[1]],
                                     seen=seen)
        names |= set(node.get("properties", {})) if isinstance(node.get("properties"), dict) else set()
        for value in node.values():
            names |= _property_names(document, value, seen=seen)
    return names
