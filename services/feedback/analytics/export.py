"""KPI tables as CSV text."""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any


def kpi_csv(rows: Iterable[tuple[Sequence[str], dict[str, Any]]], *, labels: Sequence[str]) -> str:
    """One line per row: its labels, then every KPI (empty when it has no value)."""
    rows = list(rows)
    columns = list(rows[0][1]) if rows else []
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*labels, *columns])
    for label_values, values in rows:
        writer.writerow([*label_values, *(_cell(values.get(c)) for c in columns)])
    return out.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def table_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()
