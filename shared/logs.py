"""Logging of every service: JSON lines on stderr, with the ids of the work in hand, personal data masked.

Ids live in context variables, so a log line written deep inside a use case still says which
request, complaint and event it belongs to, and concurrent requests do not mix them up.
"""

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from shared.pii import mask_pii

HANDLER_NAME = "redress"
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")

_CONTEXT: dict[str, ContextVar[str | None]] = {
    name: ContextVar(name, default=None) for name in ("request_id", "complaint_id", "event_id")
}

# The name callers know; events and logs share one masking, in shared.pii.
mask_contact_data = mask_pii


@contextmanager
def log_context(**values: object) -> Iterator[None]:
    """Attach ids (request_id, complaint_id, event_id) to every log line written inside the block."""
    unknown = values.keys() - _CONTEXT.keys()
    if unknown:
        raise TypeError(f"unknown log context field(s): {', '.join(sorted(unknown))}")
    tokens = [
        (_CONTEXT[name], _CONTEXT[name].set(None if value is None else str(value))) for name, value in values.items()
    ]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def current_request_id() -> str | None:
    return _CONTEXT["request_id"].get()


def current_context() -> dict[str, str]:
    """The ids bound right now; unset ones are left out."""
    return {name: value for name, var in _CONTEXT.items() if (value := var.get()) is not None}


class ContactDataFilter(logging.Filter):
    """Masks e-mail addresses, phone, ID-card and card numbers in messages and tracebacks (shared.pii)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True  # a broken format call is reported by the handler, not raised at the caller
        record.msg, record.args = mask_pii(message), None
        if record.exc_info:
            # Exception messages echo input (pydantic errors do), so the traceback is masked as text.
            record.exc_text = mask_pii(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class ContextFilter(logging.Filter):
    """Stamps each record with the service name and the ids bound by log_context."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        for name, value in current_context().items():
            setattr(record, name, value)
        return True


class _JsonLineFormatter(JsonFormatter):
    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]) -> None:
        # Fixed fields first so lines read the same way; record extras follow from the base class.
        log_data["time"] = datetime.fromtimestamp(record.created, UTC).isoformat()
        log_data["level"] = record.levelname
        log_data["service"] = getattr(record, "service", None)
        log_data["logger"] = record.name
        super().add_fields(log_data, record, message_dict)


class _PlainFormatter(logging.Formatter):
    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"

    def formatMessage(self, record: logging.LogRecord) -> str:
        ids = "".join(f" {name}={getattr(record, name)}" for name in _CONTEXT if hasattr(record, name))
        return super().formatMessage(record) + ids


class _StderrHandler(logging.StreamHandler):
    """Looks sys.stderr up on every write, so redirection (pytest capture) is honoured."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass  # always stderr


def configure_logging(service: str, *, level: str = "INFO", json: bool = True) -> None:
    """Send all logs, uvicorn's included, to stderr in one format. Calling it again replaces the setup."""
    handler = _StderrHandler()
    handler.set_name(HANDLER_NAME)
    handler.addFilter(ContextFilter(service))
    handler.addFilter(ContactDataFilter())
    handler.setFormatter(_formatter(json))
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    _route_uvicorn_to_root()


def _formatter(json: bool) -> logging.Formatter:
    if json:
        # uvicorn's color_message repeats the message with terminal escapes and unmasked args.
        reserved = [*RESERVED_ATTRS, "color_message"]
        return _JsonLineFormatter(["message"], reserved_attrs=reserved, json_ensure_ascii=False)
    return _PlainFormatter("%(asctime)s %(levelname)s %(service)s %(name)s: %(message)s")


def _route_uvicorn_to_root() -> None:
    # uvicorn installs its own handlers; dropping them sends its records to ours, once.
    for name in UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)
    # RequestContextMiddleware logs each request already; access lines would only duplicate them.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
