"""Resident memory of each service at rest and under load.

The four services run as `redress serve <service>` processes (one uvicorn worker each, relay, consumer and
background jobs on), each on its own fresh SQLite file, against one embedded broker. Their resident set size
(VmRSS in /proc/<pid>/status) is read after start-up once they are ready and have idled a few seconds (at rest),
then every 0.2 s while complaints are posted to intake at a fixed rate and the events they cause flow through
routing, escalation and feedback (peak), and once more after the flow has drained. VmHWM (the kernel's
high-water mark) is read at the end too: it also catches a peak between two samples. The events each service
applied (its inbox rows) show that the load reached it.
"""

import contextlib
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx
import uvloop

from bench import processes
from bench.intake import Bodies, at_rate
from bench.processes import Command, running
from bench.report import Tracker, load_average, machine, markdown_table, now_iso, stderr, tracker
from services.catalog import SERVICES
from shared.auth.roles import Role
from shared.broker import EmbeddedBroker, free_port

SAMPLE_S = 0.2
REST_S = 5.0


@dataclass(frozen=True)
class Plan:
    rate: float
    seconds: float
    drain_s: float


def plan(*, quick: bool) -> Plan:
    return Plan(rate=40, seconds=5, drain_s=5) if quick else Plan(rate=50, seconds=30, drain_s=15)


def memory_kib(status: str) -> dict[str, int]:
    """VmRSS and VmHWM in KiB from the text of /proc/<pid>/status (those present)."""
    found = {}
    for line in status.splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0])
    return found


def read_memory(pid: int) -> dict[str, int]:
    return memory_kib(Path(f"/proc/{pid}/status").read_text())


def mib(kib: int) -> float:
    return round(kib / 1024, 1)


@dataclass
class Sampler:
    """Samples the VmRSS of some processes on a thread; keeps each one's highest."""

    pids: dict[str, int]
    peak: dict[str, int] = field(default_factory=dict)
    samples: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def _loop(self) -> None:
        while not self._stop.wait(SAMPLE_S):
            for name, pid in self.pids.items():
                rss = read_memory(pid).get("VmRSS", 0)
                self.peak[name] = max(self.peak.get(name, 0), rss)
            self.samples += 1

    @contextlib.contextmanager
    def running(self) -> Iterator["Sampler"]:
        thread = threading.Thread(target=self._loop, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join()


@dataclass
class Started:
    """The running services (process and port by name) and the headers that authenticate the load."""

    services: dict[str, tuple[subprocess.Popen[bytes], int]]
    headers: dict[str, str]


@contextlib.contextmanager
def services(folder: Path, bootstrap: str) -> Iterator[Started]:
    """All four services started, each on its own fresh SQLite file and port, ready, each knowing one frontend
    key for the load; stopped whatever happens."""
    commands = [processes.service(name, folder / name, bootstrap, free_port()) for name in SERVICES]
    headers = processes.store_key(processes.new_key(Role.FRONTEND, name="bench-memory"), commands)
    with running(commands) as started:
        for command, process in zip(commands, started, strict=True):
            _wait_ready(process, command)
        yield Started({name: (process, command.port) for name, command, process in zip(SERVICES, commands, started,
                                                                                       strict=True)}, headers)


def _wait_ready(process: subprocess.Popen[bytes], command: Command) -> None:
    deadline = time.monotonic() + processes.START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"a service stopped at start-up:\n{command.log.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{command.url}/health/ready", timeout=1).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"a service was not ready in time:\n{command.log.read_text()[-3000:]}")


def applied_events(path: Path) -> int:
    """Events the service's consumer has applied: rows of its inbox."""
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("SELECT count(*) FROM inbox").fetchone()[0])
    finally:
        connection.close()


def measure(plan: Plan, *, progress: Tracker) -> dict[str, Any]:
    with TemporaryDirectory(prefix="redress-bench-memory-") as name:
        folder = Path(name)
        broker = EmbeddedBroker(port=free_port(), log_path=folder / "tansu.log")
        with broker, services(folder, broker.bootstrap) as platform:
            running = platform.services
            pids = {service: process.pid for service, (process, _) in running.items()}
            time.sleep(REST_S)
            rest = {service: read_memory(pid)["VmRSS"] for service, pid in pids.items()}
            progress.note("at rest: " + ", ".join(f"{s} {mib(v)} MiB" for s, v in rest.items()))
            sampler = Sampler(pids)
            with sampler.running():
                run = uvloop.run(at_rate(running["intake"][1], Bodies(platform.headers), rate=plan.rate,
                                         seconds=plan.seconds, connections=16))
                progress.note(f"load: {run.rate:.0f} complaints/s for {run.seconds:.0f} s {run.statuses}")
                time.sleep(plan.drain_s)
            after = {service: read_memory(pid) for service, pid in pids.items()}
            applied = {service: applied_events(folder / service / f"{service}.db") for service in pids}
    return {
        "load": {"rate_per_s": plan.rate, "seconds": plan.seconds, "drain_s": plan.drain_s,
                 "complaints": len(run.latencies), "statuses": {str(k): v for k, v in run.statuses.items()}},
        "samples": sampler.samples,
        "services": {service: {"rest_mib": mib(rest[service]), "peak_mib": mib(sampler.peak.get(service, 0)),
                               "after_mib": mib(after[service]["VmRSS"]), "hwm_mib": mib(after[service]["VmHWM"]),
                               "events_applied": applied[service]}
                     for service in pids},
    }


def results(plan: Plan, measured: dict[str, Any]) -> dict[str, Any]:
    return {"benchmark": "resident memory per service", "machine": machine(), "load_average": load_average(),
            **measured, "measured_at": now_iso()}


def markdown(data: dict[str, Any]) -> list[str]:
    header = ["service", "at rest MiB", "peak under load MiB", "after the load MiB", "VmHWM MiB", "events applied"]
    rows = [[service, s["rest_mib"], s["peak_mib"], s["after_mib"], s["hwm_mib"], f"{s['events_applied']:,}"]
            for service, s in data["services"].items()]
    load = data["load"]
    facts = (f"Each service a `redress serve` process (one uvicorn worker, SQLite, relay and consumer on), one "
             f"embedded broker. At rest: {REST_S:.0f} s after all four were ready. Under load: "
             f"{load['complaints']:,} complaints posted to intake at {load['rate_per_s']:.0f}/s for "
             f"{load['seconds']:.0f} s, sampled every {SAMPLE_S} s until {load['drain_s']:.0f} s after the last "
             f"one ({data['samples']} samples); measured {data['measured_at']}.")
    caveat = (f"Services, broker and load generator share this machine's {data['machine']['cpus']} cores (load average "
              f"{data['load_average'][1]} over the last 5 minutes); "
              "resident memory depends little on that.")
    return [facts, markdown_table(header, rows), caveat]


def run(out: Path, plan: Plan) -> str:
    from bench.report import write_json, write_markdown

    with tracker() as progress:
        measured = measure(plan, progress=progress)
    data = results(plan, measured)
    json_path = write_json(out / "memory.json", data)
    md_path = write_markdown(out / "memory.md", title="Resident memory per service", blocks=markdown(data))
    stderr.log(f"wrote {json_path} and {md_path}")
    return markdown(data)[1]
