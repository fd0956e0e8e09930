"""Example payloads built from the contracts themselves, for the event catalogue and the AsyncAPI document.

A field's example is the first of its `Field(examples=[...])`, else its default, else a value made from its
type and constraints. Every example is validated by its own model, so it cannot drift from the contract.
"""

import types
import typing
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any
from uuid import UUID, uuid5

import annotated_types
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from shared.contracts.base import Event

NAMESPACE = UUID("6f1c2a8e-4b7d-5e90-8a3c-2d1f0e9b7c64")
MOMENT = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)


def example_of(event: type[Event]) -> dict[str, Any]:
    """One valid payload of `event`, as JSON-ready data (what the message value holds)."""
    data = {name: _field_example(name, info) for name, info in event.model_fields.items()}
    return event.model_validate(data).model_dump(mode="json")


def _field_example(name: str, info: FieldInfo) -> Any:
    if info.examples:
        return info.examples[0]
    if info.default is not PydanticUndefined and info.default is not None:
        return info.default
    if info.default is None:
        return None
    return _value_for(name, info.annotation, info.metadata)


def _value_for(name: str, annotation: Any, metadata: list[Any]) -> Any:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return _value_for(name, next(a for a in args if a is not type(None)), metadata)
    if origin is list:
        return [_value_for(name, args[0], [])]
    if origin is dict:
        return {}
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return next(iter(annotation)).value
    scalars = {bool: False, UUID: uuid5(NAMESPACE, name), datetime: MOMENT, date: MOMENT.date(), str: name}
    if annotation in scalars:
        return scalars[annotation]
    if annotation in (int, float):
        return annotation(_number_within(metadata))
    raise TypeError(f"no example for {name}: {annotation!r}; give the field Field(examples=[...])")


def _number_within(metadata: list[Any]) -> float:
    low = next((m.ge for m in metadata if isinstance(m, annotated_types.Ge)), None)
    if low is None:
        low = next((m.gt + 1 for m in metadata if isinstance(m, annotated_types.Gt)), None)
    high = next((m.le for m in metadata if isinstance(m, annotated_types.Le)), None)
    if low is not None:
        return low
    return min(1, high) if high is not None else 1
