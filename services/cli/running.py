"""`redress serve`, `redress broker` and `redress run`: one service, the embedded broker, or everything."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import typer
import uvicorn
from rich.console import Console

from services.catalog import SERVICES, ServiceSpec, pick
from services.cli.options import fail
from shared.auth.dev_key import FILE_NAME, ensure_dev_key
from shared.broker import EmbeddedBroker, port_is_open
from shared.migrations import upgrade

console = Console()
READY_TIMEOUT_S = 90.0


def register(app: typer.Typer) -> None:
    app.command(help="Run one service in the foreground.")(serve)
    app.command(help="Run the embedded Kafka-compatible broker (memory only) until Ctrl-C.")(broker)
    app.command(help="Migrate, start the broker and all four services, print their URLs; Ctrl-C stops all.")(run)


def serve(service: str = typer.Argument(..., help="intake, routing, escalation or feedback")) -> None:
    spec = _spec(service)
    settings = spec.settings()
    uvicorn.run(spec.create_app(settings), host=settings.host, port=settings.port, log_config=None,
                access_log=False, timeout_graceful_shutdown=10)


def broker(port: int = typer.Option(9092, help="Port to listen on (127.0.0.1)."),
           log: Path = typer.Option(Path("var/broker.log"), help="Where the broker writes its log.")) -> None:
    embedded = EmbeddedBroker(port=port, log_path=log)
    embedded.start()
    console.print(f"broker ready at [bold]{embedded.bootstrap}[/] (memory only; log: {log}); Ctrl-C stops it")
    _stop_on_sigterm()
    try:
        _wait_while(embedded.is_running)
    except KeyboardInterrupt:
        pass
    finally:
        embedded.stop()
        console.print("broker stopped")


def run(with_broker: bool = typer.Option(True, "--broker/--no-broker",
                                         help="Start the embedded broker if nothing answers on the bootstrap."),
        dev_key: bool = typer.Option(True, "--dev-key/--no-dev-key",
                                     help="Create (or reuse) an admin API key in every database, print it and "
                                     "keep it in <data dir>/dev-api-key: for development only."),
        services: list[str] = typer.Argument(None, help="Services to run (default: all four).")) -> None:
    specs = pick(services) if services else list(SERVICES.values())
    _stop_on_sigterm()
    embedded: EmbeddedBroker | None = None
    children: dict[str, subprocess.Popen[bytes]] = {}
    try:
        _migrate(specs)
        key_text = _dev_key(specs) if dev_key else None
        if with_broker:
            embedded = _broker_if_needed(specs[0])
            if embedded is not None:
                embedded.start()
                console.print(f"embedded broker started at {embedded.bootstrap} (memory only; log: var/broker.log)")
        children = {spec.name: _spawn(spec) for spec in specs}
        _wait_until_ready(specs, children)
        _print_urls(specs)
        if key_text:
            console.print(f"  admin key   {key_text}   (X-API-Key; development only)", soft_wrap=True)
        _wait_while(lambda: all(child.poll() is None for child in children.values()))
        stopped = [f"{name} (exit code {c.returncode})" for name, c in children.items() if c.poll() is not None]
        fail(f"{', '.join(stopped)} stopped; stopping the rest")
    except KeyboardInterrupt:
        pass
    finally:
        _stop_children(children)
        if embedded is not None:
            embedded.stop()
        console.print("stopped")


def _spec(name: str) -> ServiceSpec:
    try:
        return pick([name])[0]
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def _migrate(specs: list[ServiceSpec]) -> None:
    for spec in specs:
        asyncio.run(upgrade(spec.migrations_dir, spec.settings().resolved_database_url))
    console.print(f"databases migrated: {', '.join(s.name for s in specs)}")


def _dev_key(specs: list[ServiceSpec]) -> str:
    path = specs[0].settings().data_dir / FILE_NAME
    text, made = ensure_dev_key(path, [spec.settings().resolved_database_url for spec in specs])
    console.print(f"development admin key {'created' if made else 'reused'}: {path}")
    return text


def _broker_if_needed(spec: ServiceSpec) -> EmbeddedBroker | None:
    """An embedded broker for the configured bootstrap, unless a broker already answers there."""
    bootstrap = spec.settings().kafka_bootstrap
    host, _, port = bootstrap.split(",")[0].rpartition(":")
    if port_is_open(host, int(port)):
        console.print(f"using the Kafka broker at {bootstrap}")
        return None
    if host not in ("127.0.0.1", "localhost"):
        raise typer.BadParameter(f"no broker answers at {bootstrap}; start it, or point REDRESS_KAFKA_BOOTSTRAP "
                                 "at one that runs")
    return EmbeddedBroker(port=int(port), log_path=Path("var/broker.log"))


def _spawn(spec: ServiceSpec) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "services.cli", "serve", spec.name], env=os.environ.copy())


def _wait_until_ready(specs: list[ServiceSpec], children: dict[str, subprocess.Popen[bytes]]) -> None:
    pending = {spec.name: f"{spec.settings().base_url}/health/ready" for spec in specs}
    deadline = time.monotonic() + READY_TIMEOUT_S
    with console.status("waiting for the services to be ready …"), httpx.Client(timeout=2.0) as client:
        while pending and time.monotonic() < deadline:
            for name, url in list(pending.items()):
                if children[name].poll() is not None:
                    fail(f"{name} exited with code {children[name].returncode} while starting")
                if _answers(client, url):
                    del pending[name]
            time.sleep(0.2)
    if pending:
        fail(f"not ready after {READY_TIMEOUT_S:.0f} s: {', '.join(pending)} (see the logs above)")


def _answers(client: httpx.Client, url: str) -> bool:
    try:
        return client.get(url).status_code == 200
    except httpx.HTTPError:
        return False


def _print_urls(specs: list[ServiceSpec]) -> None:
    console.print("[bold green]Redress is running[/] (Ctrl-C stops it):")
    for spec in specs:
        base = spec.settings().base_url
        console.print(f"  {spec.name:<11} {base}   docs {base}/docs   ready {base}/health/ready   "
                      f"metrics {base}/metrics", soft_wrap=True)


def _stop_on_sigterm() -> None:
    """SIGTERM (kill, a container runtime, a process manager) stops everything the way Ctrl-C does."""

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def _wait_while(still_running: Callable[[], bool]) -> None:
    while still_running():
        time.sleep(0.3)


def _stop_children(children: dict[str, subprocess.Popen[bytes]], timeout_s: float = 15.0) -> None:
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    for child in children.values():
        try:
            child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
