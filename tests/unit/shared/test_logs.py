import json
import logging
import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from shared.logs import (
    HANDLER_NAME,
    UVICORN_LOGGERS,
    configure_logging,
    current_context,
    current_request_id,
    log_context,
    mask_contact_data,
)


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """configure_logging changes process-wide loggers; put them back so other tests see no difference."""
    root = logging.getLogger()
    saved_root = (list(root.handlers), root.level)
    loggers = [logging.getLogger(name) for name in UVICORN_LOGGERS]
    saved = [(list(lg.handlers), lg.propagate, lg.level) for lg in loggers]
    yield
    root.handlers[:], root.level = saved_root
    for lg, (handlers, propagate, level) in zip(loggers, saved, strict=True):
        lg.handlers[:], lg.propagate, lg.level = handlers, propagate, level


def last_json_line(err: str) -> dict:
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines, "nothing was logged"
    return json.loads(lines[-1])


def test_a_json_line_carries_the_service_and_the_bound_ids(capsys):
    configure_logging("intake")
    with log_context(request_id="req-1", complaint_id="c-42"):
        logging.getLogger("services.intake.api").info("complaint received")

    line = last_json_line(capsys.readouterr().err)
    assert line["service"] == "intake"
    assert line["request_id"] == "req-1"
    assert line["complaint_id"] == "c-42"
    assert "event_id" not in line
    assert (line["level"], line["logger"], line["message"]) == ("INFO", "services.intake.api", "complaint received")
    assert datetime.fromisoformat(line["time"]).utcoffset() == timedelta(0)


def test_ids_are_left_out_when_nothing_is_bound(capsys):
    configure_logging("routing")
    logging.getLogger("x").warning("plain")

    line = last_json_line(capsys.readouterr().err)
    assert not {"request_id", "complaint_id", "event_id"} & line.keys()


def test_log_context_restores_the_outer_values_on_exit():
    with log_context(request_id="outer"):
        with log_context(request_id="inner", event_id="e-1"):
            assert current_context() == {"request_id": "inner", "event_id": "e-1"}
        assert current_context() == {"request_id": "outer"}
    assert current_request_id() is None


def test_log_context_rejects_fields_it_does_not_know():
    with pytest.raises(TypeError, match="customer_email"), log_context(customer_email="x"):
        pass


@pytest.mark.parametrize(
    ("contact", "token"),
    [
        ("jane.doe+claims@example.co.uk", "[email]"),
        ("+44 20 7946 0958", "[phone]"),
        ("555-123-4567", "[phone]"),
        ("06123456789", "[phone]"),
        ("138 1234 5678", "[phone]"),
        ("11010519491231002X", "[id-card]"),
        ("4111 1111 1111 1111", "[card]"),
    ],
)
def test_contact_data_never_reaches_the_log(capsys, contact, token):
    configure_logging("intake")
    logging.getLogger("x").info("reply to %s please", contact)

    message = last_json_line(capsys.readouterr().err)["message"]
    assert message == f"reply to {token} please"


def test_contact_data_in_a_traceback_is_masked(capsys):
    configure_logging("intake")
    try:
        raise ValueError("bad address jane@example.com")
    except ValueError:
        logging.getLogger("x").exception("could not parse")

    line = last_json_line(capsys.readouterr().err)
    assert "jane@example.com" not in json.dumps(line)
    assert "ValueError: bad address [email]" in line["exc_info"]


def test_identifiers_and_timestamps_are_not_mistaken_for_phone_numbers(capsys):
    text = "complaint 123e4567-e89b-12d3-a456-426614174000 due 2024-05-01T10:00:00Z, 12 items, took 1714550400123 ms"
    assert mask_contact_data(text) == text

    configure_logging("intake")
    logging.getLogger("x").info(text)
    assert last_json_line(capsys.readouterr().err)["message"] == text


def test_configuring_twice_replaces_the_handler(capsys):
    configure_logging("intake")
    configure_logging("intake", level="DEBUG")
    logging.getLogger("x").debug("once")

    ours = [h for h in logging.getLogger().handlers if h.get_name() == HANDLER_NAME]
    assert len(ours) == 1
    assert capsys.readouterr().err.count('"once"') == 1


def test_records_below_the_level_are_dropped(capsys):
    configure_logging("intake", level="WARNING")
    logging.getLogger("x").info("chatter")
    assert "chatter" not in capsys.readouterr().err


def test_uvicorn_logs_go_through_the_same_handler_and_access_lines_are_silenced(capsys):
    logging.getLogger("uvicorn").addHandler(logging.StreamHandler())  # as uvicorn's own config would
    logging.getLogger("uvicorn").propagate = False
    configure_logging("escalation")
    logging.getLogger("uvicorn.error").info("Application startup complete.", extra={"color_message": "\x1b[1m"})
    logging.getLogger("uvicorn.access").info("GET /health/live 200")

    err = capsys.readouterr().err
    line = last_json_line(err)
    assert (line["service"], line["logger"]) == ("escalation", "uvicorn.error")
    assert "/health/live" not in err
    assert err.count("Application startup complete.") == 1
    assert "color_message" not in line


def test_plain_text_lines_show_service_and_ids(capsys):
    configure_logging("feedback", json=False)
    with log_context(request_id="req-9"):
        logging.getLogger("x").info("hello")

    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert not line.startswith("{")
    assert " INFO feedback x: hello request_id=req-9" in line
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ", line), "ISO 8601 UTC time first"
