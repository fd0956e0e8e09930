"""Small builders of routing test data: received complaints, teams and agents."""

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from shared.contracts.complaint import ComplaintReceivedV1


def a_received_complaint(**overrides: Any) -> ComplaintReceivedV1:
    fields: dict[str, Any] = {
        "complaint_id": uuid4(), "tracking_number": f"T-{uuid4().hex[:8]}", "channel": "web",
        "customer_id": f"c-{uuid4().hex[:8]}", "customer_tier": "standard", "locale": "en-GB", "language": "en",
        "subject": "Parcel is late", "description": "My parcel delivery is late and the tracking shows nothing.",
        "received_at": datetime.now(UTC), "repeat": False,
    }
    return ComplaintReceivedV1(**{**fields, **overrides})


def a_team(team_id: str, **overrides: Any) -> dict[str, Any]:
    return {"id": team_id, "name": f"Team {team_id}", "kind": "standard", "categories": [], "languages": [],
            "strategy": "skills", "relax_after_s": 300, **overrides}


def an_agent(agent_id: str, team_id: str, **overrides: Any) -> dict[str, Any]:
    return {"id": agent_id, "name": f"Agent {agent_id}", "team_id": team_id, "role": "agent", "categories": [],
            "languages": ["en", "zh"], "channels": [], "capacity": 5, "presence": "online", "timezone": "UTC",
            "schedule": {}, **overrides}
