"""Rows of a CSV or NDJSON file as bodies of POST /v1/complaints; pure apart from reading the lines given."""

import csv
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

CUSTOMER_PREFIX = "customer_"
CSV_COLUMNS = (
    "channel", "kind", "external_ref", "region", "location", "customer_id", "customer_name", "customer_email",
    "customer_phone", "customer_tier", "customer_locale", "subject", "description", "language", "product_ref",
    "occurred_at", "remedy_sought", "callback_url",
)
FORMATS = {".csv": "csv", ".ndjson": "ndjson", ".jsonl": "ndjson"}


class UnreadableFile(ValueError):
    """The file as a whole cannot be imported (no header, unknown columns)."""


@dataclass(frozen=True)
class Row:
    """One row of the file: a complaint body, or why it could not be read."""

    line: int
    idempotency_key: str
    body: dict[str, Any] | None = None
    problem: str | None = None


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def idempotency_key(digest: str, line: int) -> str:
    """The same for a row of the same file however often it is imported, so re-running files nothing twice."""
    return f"import-{digest}-{line}"


def format_of(file_name: str) -> str | None:
    return next((fmt for suffix, fmt in FORMATS.items() if file_name.lower().endswith(suffix)), None)


def read_rows(lines: Iterable[str], *, fmt: str, digest: str) -> list[Row]:
    if fmt == "csv":
        return list(read_csv(lines, digest=digest))
    if fmt == "ndjson":
        return list(read_ndjson(lines, digest=digest))
    raise UnreadableFile(f"unknown format {fmt!r}; use csv or ndjson")


def read_ndjson(lines: Iterable[str], *, digest: str) -> Iterator[Row]:
    for line, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        key = idempotency_key(digest, line)
        try:
            body = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Row(line, key, problem=f"not JSON: {exc.msg} at column {exc.colno}")
            continue
        if isinstance(body, dict):
            yield Row(line, key, body=body)
        else:
            yield Row(line, key, problem="not a JSON object")


def read_csv(lines: Iterable[str], *, digest: str) -> Iterator[Row]:
    reader = csv.reader(lines)
    header = _header(next(reader, None))
    first_line = reader.line_num + 1
    for cells in reader:
        line, first_line = first_line, reader.line_num + 1  # a quoted cell may span several lines
        if not any(cell.strip() for cell in cells):
            continue
        key = idempotency_key(digest, line)
        if len(cells) != len(header):
            yield Row(line, key, problem=f"{len(cells)} cells where the header has {len(header)} columns")
        else:
            yield Row(line, key, body=csv_body(dict(zip(header, cells, strict=True))))


def _header(cells: list[str] | None) -> list[str]:
    if not cells:
        raise UnreadableFile("the CSV file is empty; its first line must name the columns")
    header = [cell.strip().lstrip("\ufeff") for cell in cells]
    unknown = [name for name in header if name not in CSV_COLUMNS]
    if unknown:
        raise UnreadableFile(f"unknown column(s) {', '.join(unknown)}; known: {', '.join(CSV_COLUMNS)}")
    return header


def csv_body(record: dict[str, str]) -> dict[str, Any]:
    """A CSV record as the JSON body POST /v1/complaints takes; empty cells are left out."""
    body: dict[str, Any] = {}
    customer: dict[str, str] = {}
    for column, value in record.items():
        if not value.strip():
            continue
        if column.startswith(CUSTOMER_PREFIX):
            customer[column.removeprefix(CUSTOMER_PREFIX)] = value
        else:
            body[column] = value
    if customer:
        body["customer"] = customer
    return body
