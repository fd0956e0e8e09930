"""examples/submit_complaint.py against intake on a real port: when the first attempt's answer is lost on the
way back, the retry with the same Idempotency-Key gets the first answer and one complaint is filed; an invalid
complaint is reported from its problem+json, field by field, without a retry and without filing anything. Run as
a script it sends the frontend's API key from --api-key, REDRESS_API_KEY or var/dev-api-key; without one intake
refuses it (401) and the script says where a key comes from."""

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from uuid import uuid4

import httpx
import pytest

from examples.submit_complaint import API_KEY_HEADER, GaveUp, Problem, cli, submit_complaint
from shared.auth.provision import grant
from shared.auth.roles import Role
from shared.broker import free_port
from tests.examples.conftest import EXAMPLES, serving
from tests.integration.intake.builders import a_submission


@dataclass
class LossyProxy:
    """A TCP proxy to 127.0.0.1:`upstream`. On the first `lose` connections it passes the request on, waits until
    the answer starts to come back (so the request was handled), and hangs up without passing the answer on."""

    upstream: int
    lose: int
    port: int = field(default_factory=free_port)
    connections: int = 0
    lost: int = 0
    tasks: set[asyncio.Task] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self.tasks.add(asyncio.current_task())
        self.connections += 1
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.upstream)
        try:
            if self.lost < self.lose:
                self.lost += 1
                forwarding = asyncio.create_task(pipe(client_reader, upstream_writer))
                await upstream_reader.read(1)  # the answer has begun: intake has handled the request
                forwarding.cancel()
                return
            await asyncio.gather(pipe(client_reader, upstream_writer), pipe(upstream_reader, client_writer))
        finally:
            client_writer.close()
            upstream_writer.close()


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.close()


@contextlib.asynccontextmanager
async def lossy_proxy(upstream: int, *, lose: int) -> AsyncIterator[LossyProxy]:
    proxy = LossyProxy(upstream, lose)
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", proxy.port)
    try:
        yield proxy
    finally:
        server.close()
        for task in proxy.tasks:
            task.cancel()
        await asyncio.gather(*proxy.tasks, return_exceptions=True)
        await server.wait_closed()


@pytest.fixture
async def frontend_key(intake, database_url: str) -> str:
    """What a channel's frontend holds: a key of the frontend role, known to intake."""
    return await grant([database_url], Role.FRONTEND, name="web-form")


async def run_script(*args: str, cwd: Path, api_key: str = "") -> tuple[int, str]:
    """`python examples/submit_complaint.py args…` in `cwd` with REDRESS_API_KEY set to `api_key` (empty: none);
    its exit code and output."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(EXAMPLES / "submit_complaint.py"), *args, cwd=cwd,
        env={**os.environ, "REDRESS_API_KEY": api_key}, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    return await process.wait(), output.decode()


def filing(base: str, customer_id: str) -> list[str]:
    return ["--url", base, "--customer-id", customer_id, "--email", "ann@example.com", "--subject", "Charged twice",
            "--description", "Order 88231 was billed twice."]


async def complaints_of(intake, customer_id: str) -> list[dict]:
    answer = await intake.client.get("/v1/complaints", params={"customer_id": customer_id})
    return answer.json()["items"]


async def test_an_answer_lost_on_the_way_back_is_retried_with_the_same_key_and_files_one_complaint(intake,
                                                                                                   frontend_key):
    body, port = a_submission(), free_port()
    async with serving(intake.app, port=port, lifespan="off"), lossy_proxy(port, lose=1) as proxy, \
            httpx.AsyncClient(base_url=proxy.url, timeout=10, headers={API_KEY_HEADER: frontend_key}) as client:
        filed = await submit_complaint(client, body, backoff_s=0.01)
    assert proxy.lost == 1 and filed.attempts == 2
    assert filed.replayed, "the second attempt's answer is the first attempt's, replayed"
    [complaint] = await complaints_of(intake, body["customer"]["id"])
    assert complaint["id"] == filed.acknowledgement["id"]
    assert complaint["tracking_number"] == filed.acknowledgement["tracking_number"]


async def test_an_invalid_complaint_is_reported_field_by_field_and_not_retried(intake, frontend_key, capsys):
    customer_id, port = f"cust-{uuid4().hex[:10]}", free_port()
    bad = a_submission(customer={"id": customer_id, "email": "not an address"}, subject="")
    async with serving(intake.app, port=port, lifespan="off") as base:
        async with httpx.AsyncClient(base_url=base, timeout=10, headers={API_KEY_HEADER: frontend_key}) as client:
            with pytest.raises(Problem) as refused:
                await submit_complaint(client, bad, backoff_s=0.01)
        code = await cli(["--url", base, "--api-key", frontend_key, "--customer-id", customer_id,
                          "--email", "not an address", "--subject", "", "--description", "Billed twice."])

    problem = refused.value
    assert problem.status == 422 and problem.title == "Invalid request" and problem.request_id
    assert set(problem.fields()) == {"customer.email", "subject"}
    assert code == 1
    printed = capsys.readouterr().err  # the service's own log lines go there too
    printed = printed[printed.index("Refused: "):]
    assert printed.startswith("Refused: 422 Invalid request: 2 invalid field(s)")
    assert "  - customer.email: " in printed and "  - subject: " in printed
    assert await complaints_of(intake, customer_id) == []


async def test_after_giving_up_a_retry_with_the_key_it_names_files_the_complaint_once(intake, frontend_key):
    body, port = a_submission(), free_port()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10,
                                 headers={API_KEY_HEADER: frontend_key}) as client:
        with pytest.raises(GaveUp) as gave_up:  # nothing listens on the port yet
            await submit_complaint(client, body, attempts=3, backoff_s=0.01)
        assert "ConnectError" in str(gave_up.value) and gave_up.value.key in str(gave_up.value)
        async with serving(intake.app, port=port, lifespan="off"):
            filed = await submit_complaint(client, body, key=gave_up.value.key)
            again = await submit_complaint(client, body, key=gave_up.value.key)
    assert (filed.attempts, filed.replayed, again.replayed) == (1, False, True)
    assert again.acknowledgement == filed.acknowledgement
    assert [c["id"] for c in await complaints_of(intake, body["customer"]["id"])] == [filed.acknowledgement["id"]]


async def test_the_script_sends_the_key_from_the_environment_or_the_development_key_file(intake, frontend_key,
                                                                                         tmp_path):
    by_env, by_file = f"cust-{uuid4().hex[:10]}", f"cust-{uuid4().hex[:10]}"
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "dev-api-key").write_text(f"{frontend_key}\n")  # as `redress run` leaves it
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    async with serving(intake.app, port=free_port(), lifespan="off") as base:
        from_env = await run_script(*filing(base, by_env), cwd=elsewhere, api_key=frontend_key)
        from_file = await run_script(*filing(base, by_file), cwd=tmp_path)
    assert from_env[0] == 0 and "Filed: tracking number RD-" in from_env[1], from_env
    assert from_file[0] == 0 and "Filed: tracking number RD-" in from_file[1], from_file
    assert len(await complaints_of(intake, by_env)) == len(await complaints_of(intake, by_file)) == 1


async def test_without_a_key_the_script_reports_the_refusal_and_where_a_key_comes_from(intake, tmp_path):
    customer_id = f"cust-{uuid4().hex[:10]}"
    async with serving(intake.app, port=free_port(), lifespan="off") as base:
        code, output = await run_script(*filing(base, customer_id), cwd=tmp_path)  # no var/dev-api-key there
    assert code == 1, output
    assert "Refused: 401" in output
    assert "REDRESS_API_KEY" in output and "redress keys create --role frontend" in output
    assert await complaints_of(intake, customer_id) == []
