"""Reading labelled texts from a CSV file (a header row; texts may span lines)."""

import csv
import sys
from dataclasses import dataclass
from pathlib import Path


class DataError(Exception):
    """The file or a column cannot be used."""


@dataclass(frozen=True)
class Dataset:
    texts: list[str]
    labels: list[str]
    ids: list[str]


def read_csv(path: Path, *, text_column: str, label_column: str | None = None, id_column: str | None = None,
             ) -> Dataset:
    """Rows with a non-empty text (and label, when a label column is named)."""
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    csv.field_size_limit(sys.maxsize)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            _check_columns(path, reader.fieldnames or [], [text_column, label_column, id_column])
            rows = [row for row in reader if (row[text_column] or "").strip()]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"{path}: not a readable UTF-8 CSV file ({exc})") from exc
    if label_column:
        rows = [row for row in rows if (row[label_column] or "").strip()]
    return Dataset(
        texts=[row[text_column] for row in rows],
        labels=[row[label_column].strip() for row in rows] if label_column else [],
        ids=[row[id_column] for row in rows] if id_column else [str(i) for i in range(len(rows))],
    )


def _check_columns(path: Path, present: list[str], wanted: list[str | None]) -> None:
    missing = [name for name in wanted if name and name not in present]
    if missing:
        raise DataError(f"{path}: no column {', '.join(map(repr, missing))} (columns: {', '.join(present) or 'none'})")
