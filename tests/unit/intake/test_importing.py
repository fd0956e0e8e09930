import io

import pytest

from services.intake import importing
from services.intake.importing import Row, file_digest, format_of, read_rows

DIGEST = file_digest(b"some file")
HEADER = ",".join(importing.CSV_COLUMNS)


def csv_rows(text: str, digest: str = DIGEST) -> list[Row]:
    return read_rows(io.StringIO(text, newline=""), fmt="csv", digest=digest)


def ndjson_rows(text: str, digest: str = DIGEST) -> list[Row]:
    return read_rows(io.StringIO(text, newline=""), fmt="ndjson", digest=digest)


def test_a_csv_row_becomes_a_complaint_body_with_the_customer_nested():
    rows = csv_rows("channel,customer_id,customer_email,subject,description\r\n"
                    "web,c-1,ann@example.com,Charged twice,Billed twice for order 8\r\n")
    assert rows == [Row(2, importing.idempotency_key(DIGEST, 2), body={
        "channel": "web", "customer": {"id": "c-1", "email": "ann@example.com"}, "subject": "Charged twice",
        "description": "Billed twice for order 8"})]


def test_empty_csv_cells_are_left_out():
    rows = csv_rows(f"{HEADER}\nweb,,,,,c-1,,,  ,,,Subject,Text,,,,,\n")
    assert rows[0].body == {"channel": "web", "customer": {"id": "c-1"}, "subject": "Subject",
                            "description": "Text"}


def test_a_csv_row_with_the_wrong_number_of_cells_is_rejected_and_the_rest_is_read():
    rows = csv_rows("channel,subject\nweb,One\nweb,Two,extra\n\nweb,\"Three\nlines\"\nweb,Four\n")
    assert [(r.line, r.body is None) for r in rows] == [(2, False), (3, True), (5, False), (7, False)]
    assert "3 cells where the header has 2 columns" in (rows[1].problem or "")
    assert rows[2].body == {"channel": "web", "subject": "Three\nlines"}


def test_unknown_csv_columns_or_no_header_make_the_file_unreadable():
    with pytest.raises(importing.UnreadableFile, match="unknown column"):
        csv_rows("channel,colour\nweb,red\n")
    with pytest.raises(importing.UnreadableFile, match="empty"):
        csv_rows("")


def test_ndjson_lines_are_bodies_as_posted_and_bad_lines_are_rejected_with_their_line_numbers():
    rows = ndjson_rows('{"channel": "app", "customer": {"id": "c"}}\n\n{"channel": \n[1, 2]\n{"channel": "web"}\r\n')
    assert [r.line for r in rows] == [1, 3, 4, 5]
    assert rows[0].body == {"channel": "app", "customer": {"id": "c"}}
    assert rows[1].body is None and (rows[1].problem or "").startswith("not JSON")
    assert rows[2].problem == "not a JSON object"
    assert rows[3].body == {"channel": "web"}


def test_idempotency_keys_are_stable_for_a_file_and_differ_across_rows_and_files():
    text = "channel,subject\nweb,One\nweb,Two\n"
    first, again = csv_rows(text), csv_rows(text)
    assert [r.idempotency_key for r in first] == [r.idempotency_key for r in again]
    assert len({r.idempotency_key for r in first}) == 2
    other = csv_rows(text, digest=file_digest(b"another file"))
    assert not {r.idempotency_key for r in first} & {r.idempotency_key for r in other}
    assert all(1 <= len(r.idempotency_key) <= 255 for r in first)


def test_the_format_comes_from_the_extension():
    assert format_of("complaints.CSV") == "csv"
    assert format_of("complaints.ndjson") == format_of("a.jsonl") == "ndjson"
    assert format_of("complaints.xlsx") is None
    with pytest.raises(importing.UnreadableFile, match="unknown format"):
        read_rows([], fmt="xml", digest=DIGEST)
