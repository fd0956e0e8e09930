import json

import pytest

from bench.peer import EMAIL, SUBJECT, TOKEN, TicketBodies, ratio, ticket_request


def _split(request: bytes) -> tuple[list[str], bytes]:
    head, _, body = request.partition(b"\r\n\r\n")
    return head.decode().split("\r\n"), body


def test_a_ticket_request_is_an_authenticated_json_post_whose_length_is_its_body() -> None:
    lines, body = _split(ticket_request("/helpdesk/api/tickets/", b'{"a": 1}'))

    assert lines[0] == "POST /helpdesk/api/tickets/ HTTP/1.1"
    assert f"authorization: Token {TOKEN}" in lines
    assert "content-type: application/json" in lines
    assert f"content-length: {len(body)}" in lines
    assert body == b'{"a": 1}'


def test_tickets_carry_the_complaint_and_differ_from_each_other() -> None:
    bodies = TicketBodies(queue=3)

    first, second = (json.loads(_split(bodies.next())[1]) for _ in range(2))

    assert first["queue"] == 3
    assert first["title"] == SUBJECT
    assert first["submitter_email"] == EMAIL
    assert "order 0000000001 " in first["description"]
    assert "order 0000000002 " in second["description"]
    assert "{n}" not in first["description"]


@pytest.mark.parametrize(("redress", "peer", "expected"), [(300.0, 10.0, 30.0), (50.0, 0.0, 0.0)])
def test_ratio_is_redress_over_the_peer_and_zero_when_the_peer_answered_nothing(
        redress: float, peer: float, expected: float) -> None:
    assert ratio(redress, peer) == expected
