"""`redress run`, as `make run` calls it: migrates, starts the embedded broker and the four services, prints
their URLs, and stops everything on SIGTERM."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from services.catalog import SERVICES
from shared.broker import free_port, port_is_open

pytestmark = pytest.mark.slow


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


def test_run_brings_every_service_to_ready_and_stops_cleanly(tmp_path: Path):
    ports = {name: free_port() for name in SERVICES}
    broker_port = free_port()
    env = {**os.environ, "REDRESS_DATA_DIR": str(tmp_path), "REDRESS_KAFKA_BOOTSTRAP": f"127.0.0.1:{broker_port}",
           **{f"REDRESS_{name.upper()}_PORT": str(port) for name, port in ports.items()}}
    log = (tmp_path / "run.log").open("w+")
    process = subprocess.Popen([sys.executable, "-m", "services.cli", "run"], env=env, cwd=tmp_path,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        assert _wait_for(lambda: _all_ready(ports), timeout=90), _tail(tmp_path)
        assert _wait_for(lambda: "Redress is running" in _tail(tmp_path), timeout=10), _tail(tmp_path)
        assert {f"{name}.db" for name in SERVICES} <= {p.name for p in tmp_path.iterdir()}
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, _tail(tmp_path)
    finally:
        if process.poll() is None:
            process.kill()
        log.close()
    output = (tmp_path / "run.log").read_text()
    for port in ports.values():
        assert f"http://127.0.0.1:{port}" in output, output[-4000:]
        assert not port_is_open("127.0.0.1", port)
    assert not port_is_open("127.0.0.1", broker_port)
