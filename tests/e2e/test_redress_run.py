"""`redress run`, as `make run` calls it: migrates, starts the embedded broker and the four services, prints
their URLs and a development key (admin, kept in <data dir>/dev-api-key, known to all four), and stops everything
on SIGTERM."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from services.catalog import SERVICES
from shared.auth.deps import API_KEY_HEADER
from shared.broker import free_port, port_is_open

pytestmark = pytest.mark.slow

# Generous: bounds that end a stuck run, not speed targets. Migrating four databases, storing the development
# key in each and starting four services take over a minute on two busy cores.
READY_WITHIN_S = 180

# An endpoint of each service behind the key check, answered 200 to an admin.
GUARDED = {"intake": "/v1/complaints", "routing": "/v1/teams", "escalation": "/v1/sla/policies",
           "feedback": "/v1/actions"}


def _wait_for(predicate, *, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _all_ready(ports: dict[str, int]) -> bool:
    try:
        return all(httpx.get(f"http://127.0.0.1:{p}/health/ready", timeout=2).status_code == 200
                   for p in ports.values())
    except httpx.HTTPError:
        return False


def _tail(folder: Path) -> str:
    return (folder / "run.log").read_text()[-4000:]


@contextlib.contextmanager
def redress_run(folder: Path) -> Iterator[tuple[subprocess.Popen[bytes], dict[str, int], int]]:
    """`redress run` on free ports with its data in `folder`; whatever is left of it is stopped afterwards."""
    ports = {name: free_port() for name in SERVICES}
    broker_port = free_port()
    env = {**os.environ, "REDRESS_DATA_DIR": str(folder), "REDRESS_KAFKA_BOOTSTRAP": f"127.0.0.1:{broker_port}",
           **{f"REDRESS_{name.upper()}_PORT": str(port) for name, port in ports.items()}}
    with (folder / "run.log").open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "services.cli", "run"], env=env, cwd=folder,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield process, ports, broker_port
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=30)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)


def dev_key(folder: Path) -> str:
    """The key `redress run` wrote for development, as a developer's tools read it."""
    return (folder / "dev-api-key").read_text().strip()


def _statuses(ports: dict[str, int], headers: dict[str, str]) -> dict[str, int]:
    return {name: httpx.get(f"http://127.0.0.1:{ports[name]}{path}", headers=headers, timeout=10).status_code
            for name, path in GUARDED.items()}


def _nothing_left(ports: dict[str, int], broker_port: int) -> bool:
    return not any(port_is_open("127.0.0.1", port) for port in [*ports.values(), broker_port])


def test_run_brings_every_service_to_ready_and_stops_cleanly(tmp_path: Path):
    with redress_run(tmp_path) as (process, ports, broker_port):
        assert _wait_for(lambda: _all_ready(ports), timeout=READY_WITHIN_S), _tail(tmp_path)
        urls_printed = lambda: all(f"http://127.0.0.1:{p}/metrics" in _tail(tmp_path) for p in ports.values())  # noqa: E731
        assert _wait_for(urls_printed, timeout=10), _tail(tmp_path)
        assert {f"{name}.db" for name in SERVICES} <= {p.name for p in tmp_path.iterdir()}
        key = dev_key(tmp_path)
        assert key in _tail(tmp_path), "the development key is printed"
        assert _statuses(ports, {}) == dict.fromkeys(GUARDED, 401)
        assert _statuses(ports, {API_KEY_HEADER: key}) == dict.fromkeys(GUARDED, 200)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, _tail(tmp_path)
    assert _nothing_left(ports, broker_port)


def test_a_stop_while_starting_leaves_nothing_running(tmp_path: Path):
    with redress_run(tmp_path) as (process, ports, broker_port):
        assert _wait_for(lambda: port_is_open("127.0.0.1", broker_port), timeout=60), _tail(tmp_path)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, _tail(tmp_path)
        assert "stopped" in _tail(tmp_path)
    assert _wait_for(lambda: _nothing_left(ports, broker_port), timeout=5), _tail(tmp_path)
