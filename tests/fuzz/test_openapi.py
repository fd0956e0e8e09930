"""Property-based fuzzing of each service's HTTP API against its own OpenAPI document.

Schemathesis generates requests (valid and invalid) for every documented operation, with an admin's API key so
that it gets past the key check; each answer must not be a server error, must have a documented status code and
content type, and must match the documented schema. The refusals of the key check (401 without credentials, 403
with a key of a role the operation does not admit) are held to the same checks, operation by operation.
"""

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema

from services.catalog import SERVICES
from shared.auth.roles import Role
from tests.fuzz.conftest import Served

# Bounded and reproducible for CI: the same cases on every run, no example database, no per-case deadline.
BOUNDED = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                   suppress_health_check=list(HealthCheck))

# Answers every service gets from shared/http.py rather than from its routes: 400 when FastAPI cannot read a JSON
# body (e.g. bytes that are not UTF-8) and 413 from BodyLimitMiddleware. create_service_app documents both on every
# operation that takes a body; test_shared_body_problems_documented keeps it so.
SHARED_PROBLEMS = {400: "There was an error parsing the body", 413: "the request body is larger than"}

# Why some operations are not fuzzed at all: the survey page answers HTML forms, not JSON, so the schema holds
# nothing to generate from or check against. (/metrics and the dashboard are left out of the documents.)
NOT_FUZZED = {"feedback": ["/s/{token}"]}


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _document(name: str) -> dict[str, Any]:
    """The OpenAPI document of a service; building the app touches neither database nor broker."""
    spec = SERVICES[name]
    return spec.create_app(spec.settings()).openapi()


# The coverage phase sends each documented boundary, and for POST /v1/org:import that is 10,000 agents, which
# take ~20 s to import here (a slow bulk path, not an HTTP contract problem; its speed belongs in bench/). The
# fuzzing phase still sends it generated organisations.
CONFIG = {"operations": [{"include-path": "/v1/org:import", "phases": {"coverage": {"enabled": False}}}]}


def _schema(name: str) -> OpenApiSchema:
    # An explicit config, so a schemathesis.toml lying around cannot change what runs.
    schema = schemathesis.openapi.from_dict(_document(name), config=SchemathesisConfig.from_dict(CONFIG))
    for path in NOT_FUZZED.get(name, []):
        schema = schema.exclude(path=path)
    return schema


def _check(case: Case, served: Served) -> None:
    case.call_and_validate(app=served.app, checks=CHECKS, headers=served.headers(Role.ADMIN))


intake = _schema("intake")
routing = _schema("routing")
escalation = _schema("escalation")
feedback = _schema("feedback")


@intake.parametrize()
@BOUNDED
def test_intake(case: Case, intake_app: Served) -> None:
    _check(case, intake_app)


@routing.parametrize()
@BOUNDED
def test_routing(case: Case, routing_app: Served) -> None:
    _check(case, routing_app)


@escalation.parametrize()
@BOUNDED
def test_escalation(case: Case, escalation_app: Served) -> None:
    _check(case, escalation_app)


@feedback.parametrize()
@BOUNDED
def test_feedback(case: Case, feedback_app: Served) -> None:
    _check(case, feedback_app)


def _with_body(document: dict[str, Any]) -> list[tuple[str, str, set[str]]]:
    """(method, path with every parameter set to 1, documented statuses) of each operation that takes a body."""
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if "requestBody" in operation:
                url = re.sub(r"{[^}]+}", "1", path)
                found.append((method.upper(), url, set(operation["responses"])))
    return found


def _endless_body() -> Iterator[bytes]:
    """Sent chunked, without a Content-Length, so only the counting in BodyLimitMiddleware can stop it."""
    while True:
        yield b" " * 1_048_576


def test_shared_body_problems_documented(intake_app: Served, routing_app: Served, escalation_app: Served,
                                         feedback_app: Served) -> None:
    apps = {"intake": intake_app, "routing": routing_app, "escalation": escalation_app, "feedback": feedback_app}
    undocumented = []
    for name, served in apps.items():
        with asgi.get_client(served.app) as client:
            for method, url, documented in _with_body(_document(name)):
                for body in (b"\xff", _endless_body()):
                    answer = client.request(method, url, data=body, headers={"content-type": "application/json",
                                                                             **served.headers()})
                    assert answer.status_code in SHARED_PROBLEMS, (method, url, answer.status_code, answer.text)
                    if str(answer.status_code) not in documented:
                        undocumented.append(f"{name}: {method} {url} -> {answer.status_code}")
    assert not undocumented, "\n".join(undocumented)


SCHEMAS = {"intake": intake, "routing": routing, "escalation": escalation, "feedback": feedback}
# Roles a key may carry (a customer proves who they are with the tracking verification, not with a key).
KEY_ROLES = [role for role in Role if role not in (Role.ADMIN, Role.CUSTOMER)]


def _refusals(name: str, served: Served) -> Iterator[tuple[Case, dict[str, str], int]]:
    """For each operation behind the key check: a request without credentials (401) and, when some role may not
    call it, one with a key of that role (403). Any path parameters and an empty JSON body: the key check comes
    first."""
    for result in SCHEMAS[name].get_all_operations():
        operation = result.ok()
        roles = operation.definition.raw.get("x-roles")
        if not roles:
            continue
        params = {p: "1" for p in re.findall(r"{([^}]+)}", operation.path)}
        body = {"body": {}, "media_type": "application/json"} if "requestBody" in operation.definition.raw else {}
        yield operation.Case(path_parameters=params, **body), {}, 401
        outsider = next((role for role in KEY_ROLES if role.value not in roles), None)
        if outsider is not None:
            yield operation.Case(path_parameters=params, **body), served.headers(outsider), 403


def test_refusals_are_documented_problems(intake_app: Served, routing_app: Served, escalation_app: Served,
                                          feedback_app: Served) -> None:
    apps = {"intake": intake_app, "routing": routing_app, "escalation": escalation_app, "feedback": feedback_app}
    refused = Counter()
    for name, served in apps.items():
        for case, headers, status in _refusals(name, served):
            response = case.call_and_validate(app=served.app, checks=CHECKS, headers=headers)
            assert response.status_code == status, (name, case.method, case.path, response.status_code,
                                                    response.text)
            assert response.headers["content-type"][0].startswith("application/problem+json")
            refused[status] += 1
    assert refused[401] > 0 and refused[403] > 0, refused
