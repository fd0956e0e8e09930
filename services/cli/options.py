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
    if _RELATIVE.match(text.strip()):
        return now - parse_duration(text)
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(f"{text!r} is neither an ISO 8601 time nor an age like 6h or 2d") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_duration(text: str) -> timedelta:
    """A length of time such as 90d, 12h, 30m, 2w, 0s; ValueError when it is not one."""
    match = _RELATIVE.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a length of time like 30m, 12h, 90d or 2w")
    return timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})


def fail(message: str, *, code: int = 1) -> NoReturn:
    """Stop the command with a message on stderr and an exit code (1 unless said otherwise)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)
