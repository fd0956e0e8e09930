"""The customer's messages, rendered from Jinja2 templates in their language (templates/<lang>/<kind>.j2,
each with a `subject` and a `body` block)."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, Template

from services.intake.projection.domain import LANGUAGES, language_of, status_label

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def when(value: str | datetime | None) -> str:
    """An ISO time as the customer reads it: 2026-11-24 09:00 UTC."""
    if value is None:
        return ""
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    return at.strftime("%Y-%m-%d %H:%M UTC")


@cache
def _environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=False,
                              keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    environment.filters["when"] = when
    return environment


def _template(kind: str, language: str) -> Template:
    return _environment().get_template(f"{language_of(requested=language)}/{kind}.j2")


def render(kind: str, *, language: str, payload: dict[str, Any]) -> Message:
    template = _template(kind, language)
    values = {"status_text": _status_text(payload, language), **payload}
    context = template.new_context(values)
    subject = "".join(template.blocks["subject"](context)).strip()
    body = "".join(template.blocks["body"](context)).strip() + "\n"
    return Message(subject=" ".join(subject.split()), body=body)


def _status_text(payload: dict[str, Any], language: str) -> str | None:
    status = payload.get("status")
    return status_label(status, language=language_of(requested=language)) if status else None


def available() -> dict[str, list[str]]:
    """Which kinds have templates, by language (tests check that every kind has both)."""
    return {lang: sorted(p.stem for p in (TEMPLATES / lang).glob("*.j2")) for lang in LANGUAGES}
