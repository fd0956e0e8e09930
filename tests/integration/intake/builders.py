"""Small builders of complaint submissions for the intake tests."""

from typing import Any
from uuid import uuid4


def a_submission(**overrides: Any) -> dict[str, Any]:
    customer = {"id": f"cust-{uuid4().hex[:10]}", "name": "Ann Lee", "email": "ann.lee@example.com",
                "phone": "+1 415 555 0100", "tier": "gold", "locale": "en-US"}
    body: dict[str, Any] = {
        "channel": "web",
        "customer": customer,
        "subject": "Charged twice for one order",
        "description": "I was billed twice for order 88231 last week. Call me on +1 415 555 0100 or write to "
                       "ann.lee@example.com; my card 4111 1111 1111 1111 shows both charges.",
    }
    for key, value in overrides.items():
        if key == "customer":
            body["customer"] = {**customer, **value}
        else:
            body[key] = value
    return body
