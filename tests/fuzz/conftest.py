"""Each service's app on a fresh migrated database and the real broker, for the OpenAPI fuzz tests.

Schemathesis calls an ASGI app from its own event-loop thread and runs the app's lifespan there, so the app is
started through Schemathesis' client (not in the test's loop): the database engine and broker clients the
lifespan opens then live on the loop the requests run on. One app per service serves all its operations.
"""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from anyio.from_thread import start_blocking_portal
from fastapi import FastAPI
from schemathesis.python import asgi

from services.catalog import SERVICES
from shared.migrations import upgrade
from tests.conftest import empty_database


def _running_app(name: str, tmp_path: Path, bootstrap: str) -> Iterator[FastAPI]:
    spec = SERVICES[name]
    with start_blocking_portal() as portal, portal.wrap_async_context_manager(empty_database(tmp_path, name)) as url:
        portal.call(upgrade, spec.migrations_dir, url)
        # Consumer, relay and periodic jobs are off: the fuzzer is about the HTTP API, and they would only
        # compete with it for the database.
        app = spec.create_app(spec.settings(database_url=url, kafka_bootstrap=bootstrap, run_consumer=False,
                                            run_relay=False, run_background=False))
        with asgi.get_client(app):  # starts the lifespan, which stays up until shutdown_lifespans()
            pass
        try:
            yield app
        finally:
            asgi.shutdown_lifespans()  # every app still up; a later teardown finds nothing left to stop


def _service_fixture(name: str) -> Callable[..., Iterator[FastAPI]]:
    @pytest.fixture(scope="module", name=f"{name}_app")
    def running(tmp_path_factory: pytest.TempPathFactory, broker) -> Iterator[FastAPI]:
        yield from _running_app(name, tmp_path_factory.mktemp(f"fuzz-{name}"), broker.bootstrap)

    return running


intake_app = _service_fixture("intake")
routing_app = _service_fixture("routing")
escalation_app = _service_fixture("escalation")
feedback_app = _service_fixture("feedback")

