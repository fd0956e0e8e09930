"""Parsing of CLI arguments shared by several commands."""

import re
from datetime import UTC, datetime, timedelta
from typing import NoReturn

import typer

_RELATIVE = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_moment(text: str, *, now: datetime | None = None) -> datetime:
    """An ISO 8601 time (UTC when it names no zone) or an age such as 30m, 6h, 2d, 1w."""
    now = now or datetime.now(UTC)
    relative = _RELATIVE.match(text.strip())
    if relative:
        return now - timedelta(**{_UNITS[relative.group(2)]: float(relative.group(1))})
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(f"{text!r} is neither an ISO 8601 time nor an age like 6h or 2d") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def fail(message: str, *, code: int = 1) -> NoReturn:
    """Stop the command with a message on stderr and an exit code (1 unless said otherwise)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)
