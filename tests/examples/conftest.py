"""The example clients against the real system: the services in-process on the real database and broker (as the
integration tests start them), served on a real port with uvicorn where the example speaks HTTP. The tests' own
clients send an admin key; the examples get keys of the roles their users would hold."""

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from shared.contracts import REGISTRY
from tests.integration.intake.builders import a_submission
from tests.integration.intake.conftest import Intake, running_intake
from tests.support import authorised, group_at_end, wait_until

StartIntake = Callable[..., contextlib.AbstractAsyncContextManager[Intake]]


@pytest.fixture
def start_intake(database_url: str, broker) -> StartIntake:
    """Intake with settings of the test's choosing, reading the topics from their current end, so it handles only
    what this test causes, its client with an admin key: `async with start_intake(webhook_secret=…) as intake:`."""
    @contextlib.asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[Intake]:
        group = await group_at_end(broker.bootstrap, REGISTRY.topics, prefix="examples-intake-")
        async with running_intake(database_url, broker.bootstrap, consumer_group=group, **overrides) as running:
            await authorised(running.client, database_url, name="examples")
            yield running
    return start


@pytest.fixture
async def intake(start_intake: StartIntake) -> AsyncIterator[Intake]:
    async with start_intake() as running:
        yield running


async def file_complaint(intake: Intake, **overrides: Any) -> dict[str, Any]:
    """File a complaint through intake's API; the acknowledgement, with the e-mail address used."""
    body = a_submission(**overrides)
    answer = await intake.client.post("/v1/complaints", json=body)
    assert answer.status_code == 201, answer.text
    return {**answer.json(), "email": body["customer"]["email"]}


@contextlib.asynccontextmanager
async def serving(app: Any, *, port: int, lifespan: str = "on") -> AsyncIterator[str]:
    """`app` on 127.0.0.1:`port` with uvicorn; the base URL. uvicorn runs the app's lifespan as in production,
    unless `lifespan="off"` says it runs already (a service started with running_intake)."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan=lifespan))
    task = asyncio.create_task(server.serve())
    try:
        await wait_until(lambda: server.started or task.done(), what=f"a server on port {port}")
        if task.done():
            task.result()
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


EXAMPLES = Path(__file__).parents[2] / "examples"


@contextlib.asynccontextmanager
async def script(name: str, *args: str, env: dict[str, str], cwd: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    """`python examples/<name> args…` as a developer would start it, with `env` added to the environment; stopped
    with SIGTERM on the way out (if still running) and its output shown if it failed. uvicorn ends by raising the
    signal again once it has shut down cleanly, so death by SIGTERM counts as success after a SIGTERM."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(EXAMPLES / name), *args, env={**os.environ, **env}, cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        yield process
    finally:
        # 255: asyncio's child watcher found the child already reaped by another waiter in this test process
        # ("Unknown child process"), so its status is lost; the scripts themselves never exit with 255.
        fine = {0, 255}
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            fine.add(-signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
        assert process.returncode in fine, f"{name} exited with {process.returncode}:\n{output.decode()}"
