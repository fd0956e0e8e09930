"""`redress intake import` against a real intake server (`redress serve intake` in a subprocess)."""

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import uuid4

import httpx
import pytest

from services.catalog import SERVICES
from shared.auth.deps import API_KEY_HEADER
from shared.auth.provision import grant
from shared.auth.roles import Role
from shared.broker import free_port
from shared.migrations import upgrade

pytestmark = pytest.mark.slow

READY_TIMEOUT_S = 60.0
IMPORT_TIMEOUT_S = 120.0


@contextlib.asynccontextmanager
async def intake_server(database_url: str, bootstrap: str, log_path: Path) -> AsyncIterator[str]:
    await upgrade(SERVICES["intake"].migrations_dir, database_url)
    port = free_port()
    env = {**os.environ, "REDRESS_INTAKE_PORT": str(port), "REDRESS_INTAKE_DATABASE_URL": database_url,
           "REDRESS_KAFKA_BOOTSTRAP": bootstrap}
    with log_path.open("w") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "services.cli", "serve", "intake", env=env, stdout=log,
            stderr=asyncio.subprocess.STDOUT, start_new_session=True)
        try:
            url = f"http://127.0.0.1:{port}"
            await _wait_until_ready(process, url, log_path)
            yield url
        finally:
            await _stop(process)


async def _wait_until_ready(process: asyncio.subprocess.Process, url: str, log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    async with httpx.AsyncClient(timeout=2.0) as client:
        while time.monotonic() < deadline:
            assert process.returncode is None, f"intake exited while starting:\n{_tail(log_path)}"
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"{url}/health/ready")).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    raise AssertionError(f"intake not ready after {READY_TIMEOUT_S} s:\n{_tail(log_path)}")


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), timeout=15)
    except TimeoutError:
        process.kill()
        await process.wait()


def _tail(log_path: Path) -> str:
    return log_path.read_text()[-3000:]


async def redress(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "services.cli", *args, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT, env={**os.environ, "COLUMNS": "200", **(env or {})})
    output, _ = await asyncio.wait_for(process.communicate(), timeout=IMPORT_TIMEOUT_S)
    assert process.returncode is not None
    return process.returncode, output.decode()


def a_csv(path: Path, customer_id: str) -> Path:
    path.write_text(
        "channel,customer_id,customer_email,subject,description\n"
        f"web,{customer_id},ann@example.com,Charged twice,I was billed twice for order 88231.\n"
        f"app,{customer_id},,Parcel missing,Order 4411 never arrived.\n"
        f"web,{customer_id},ann@example.com,Charged twice!,I was billed twice for order 88231\n"
        f"web,{customer_id},too,many,cells,here\n"
        f"email,{customer_id},not-an-address,Rude agent,The agent hung up on me.\n")
    return path


async def filed_for(url: str, customer_id: str, *, key: str) -> list[dict]:
    async with httpx.AsyncClient(base_url=url, headers={API_KEY_HEADER: key}) as client:
        return (await client.get("/v1/complaints", params={"customer_id": customer_id})).json()["items"]


async def test_an_import_files_the_good_rows_reports_the_bad_ones_and_files_nothing_twice(
        database_url: str, broker, tmp_path: Path):
    customer_id = f"cust-{uuid4().hex[:10]}"
    csv_file, errors = a_csv(tmp_path / "complaints.csv", customer_id), tmp_path / "errors.ndjson"
    async with intake_server(database_url, broker.bootstrap, tmp_path / "intake.log") as url:
        frontend = await grant([database_url], Role.FRONTEND, name="importer")
        staff = await grant([database_url], Role.AGENT, name="agent")
        code, output = await redress("intake", "import", str(csv_file), "--url", url, "--errors", str(errors),
                                     "--batch-size", "2", "--api-key", frontend)
        assert code == 1, output
        assert "accepted: 2   linked to earlier complaints: 1   rejected: 2" in output
        rejected = [json.loads(line) for line in errors.read_text().splitlines()]
        assert [r["line"] for r in rejected] == [5, 6]
        assert "6 cells where the header has 5 columns" in rejected[0]["reason"]
        assert rejected[1]["reason"].startswith("customer.email:")
        assert "not-an-address" not in errors.read_text()
        assert len(await filed_for(url, customer_id, key=staff)) == 2

        again, output = await redress("intake", "import", str(csv_file), "--url", url,
                                      env={"REDRESS_API_KEY": frontend})
        assert again == 1, output
        assert "accepted: 2   linked to earlier complaints: 1   rejected: 2" in output
        assert len(await filed_for(url, customer_id, key=staff)) == 2

        refused, output = await redress("intake", "import", str(csv_file), "--url", url, "--api-key", staff)
        assert refused == 2 and "refused the import" in output and "frontend" in output
        code, output = await redress("intake", "import", str(csv_file), "--url", url)
        assert code == 2 and "needs credentials" in output


async def test_an_unreachable_service_a_missing_file_or_an_unknown_format_are_usage_errors(tmp_path: Path):
    csv_file = a_csv(tmp_path / "complaints.csv", "c-1")
    code, output = await redress("intake", "import", str(csv_file), "--url", f"http://127.0.0.1:{free_port()}")
    assert code == 2 and "cannot reach the intake service" in output
    assert (await redress("intake", "import", str(tmp_path / "missing.csv")))[0] == 2
    code, output = await redress("intake", "import", str(csv_file), "--format", "xml")
    assert code == 2 and "unknown format" in output
    (tmp_path / "complaints.txt").write_text("{}\n")
    code, output = await redress("intake", "import", str(tmp_path / "complaints.txt"))
    assert code == 2 and "--format" in output
