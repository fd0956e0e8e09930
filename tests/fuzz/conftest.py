"""Each service's app on a fresh migrated database and the real broker, for the OpenAPI fuzz tests.

Schemathesis calls an ASGI app from its own event-loop thread and runs the app's lifespan there, so the app is
started through Schemathesis' client (not in the test's loop): the database engine and broker clients the
lifespan opens then live on the loop the requests run on. One app per service serves all its operations.

The database holds a key of each role: the fuzzer sends the admin's, so that it reaches every endpoint behind the
key check; the others are for the refusals (403).
"""

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from anyio.from_thread import start_blocking_portal
from fastapi import FastAPI
from schemathesis.python import asgi

from services.catalog import SERVICES
from shared.auth.deps import API_KEY_HEADER
from shared.auth.provision import grant
from shared.auth.roles import Role
from shared.migrations import upgrade
from tests.conftest import empty_database


@dataclass(frozen=True)
class Served:
    """A running app and one key of each role its database knows."""

    app: FastAPI
    keys: dict[Role, str]

    def headers(self, role: Role = Role.ADMIN) -> dict[str, str]:
        return {API_KEY_HEADER: self.keys[role]}


def _running_app(name: str, tmp_path: Path, bootstrap: str) -> Iterator[Served]:
    spec = SERVICES[name]
    with start_blocking_portal() as portal, portal.wrap_async_context_manager(empty_database(tmp_path, name)) as url:
        portal.call(upgrade, spec.migrations_dir, url)
        keys = {role: portal.call(functools.partial(grant, [url], role, name=f"fuzz-{role}")) for role in Role}
        # Consumer, relay and periodic jobs are off: the fuzzer is about the HTTP API, and they would only
        # compete with it for the database.
        app = spec.create_app(spec.settings(database_url=url, kafka_bootstrap=bootstrap, run_consumer=False,
                                            run_relay=False, run_background=False))
        with asgi.get_client(app):  # starts the lifespan, which stays up until shutdown_lifespans()
            pass
        try:
            yield Served(app, keys)
        finally:
            asgi.shutdown_lifespans()  # every app still up; a later teardown finds nothing left to stop


def _service_fixture(name: str) -> Callable[..., Iterator[Served]]:
    @pytest.fixture(scope="module", name=f"{name}_app")
    def running(tmp_path_factory: pytest.TempPathFactory, broker) -> Iterator[Served]:
        yield from _running_app(name, tmp_path_factory.mktemp(f"fuzz-{name}"), broker.bootstrap)

    return running


intake_app = _service_fixture("intake")
routing_app = _service_fixture("routing")
escalation_app = _service_fixture("escalation")
feedback_app = _service_fixture("feedback")
