"""Helpers any benchmark can use: progress on stderr, medians, machine facts, JSON and Markdown results."""

import json
import os
import platform
import statistics
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

RESULTS_DIR = Path(__file__).resolve().parent / "results"

stderr = Console(stderr=True, log_path=False)


class Step(Protocol):
    """Advances a progress bar by a number of items."""

    def __call__(self, done: int) -> None: ...


class Tracker:
    """One rich progress display on stderr; each `step` adds a bar for one phase of work."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress

    @contextmanager
    def step(self, label: str, total: int) -> Iterator[Step]:
        task = self._progress.add_task(label, total=total)
        try:
            yield lambda done: self._progress.advance(task, done)
        finally:
            self._progress.remove_task(task)

    def note(self, message: str) -> None:
        self._progress.console.log(message)


@contextmanager
def tracker() -> Iterator[Tracker]:
    # Few refreshes: the load generator shares its cores with the broker, and redraws cost CPU.
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=stderr, refresh_per_second=2, transient=True) as progress:
        yield Tracker(progress)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def rounded(values: Sequence[float], digits: int = 0) -> list[float]:
    return [round(v, digits) for v in values]


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def load_average() -> list[float]:
    """The machine's load average over 1, 5 and 15 minutes: how much other work shared the cores."""
    return [round(value, 1) for value in os.getloadavg()]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def write_json(path: Path, data: dict[str, Any]) -> Path:
    return write_text(path, json.dumps(data, indent=2) + "\n")


def write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = [_row(header), _row(["---"] * len(header))]
    lines += [_row(row) for row in rows]
    return "\n".join(lines)


def _row(cells: Sequence[Any]) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def write_markdown(path: Path, *, title: str, blocks: Sequence[str]) -> Path:
    return write_text(path, f"# {title}\n\n" + "\n\n".join(blocks) + "\n")


def per_second(value: float) -> str:
    """12345.6 -> '12,346'."""
    return f"{value:,.0f}"


def percentile(ordered: Sequence[float], q: float) -> float:
    """The value below which a share `q` (0..1) of the sorted `ordered` lies (nearest rank); 0.0 when empty."""
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0
