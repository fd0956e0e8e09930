"""What a chaos run checks in the four databases once the platform is quiet: every acknowledged complaint exactly
once everywhere, every event handled by every service that consumes it, no effect applied twice, and every SLA
clock started once, at the right time, due at the right time."""

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Column, Table, select

from services.escalation.models import SlaClock, SlaComplaint, SlaPolicy
from services.escalation.policies.domain import target_specs
from services.escalation.service import INITIAL_TARGETS
from services.feedback.cases.models import FeedbackCase
from services.intake.encryption import EncryptedJSON, EncryptedText
from services.intake.models import Complaint, Promise, PublicStep
from services.routing.cases.models import Case
from shared.contracts import REGISTRY
from shared.db import Database
from shared.messaging.tables import inbox, outbox

EXAMPLES = 5
SAME_TIME = timedelta(milliseconds=1)


@dataclass
class Check:
    """One line of the report: how many there should be, how many there are, and what is wrong."""

    what: str
    expected: int
    found: int
    problems: list[str] = field(default_factory=list)
    # False for a first look that a later one superseded: shown, but not a violation by itself.
    blocking: bool = True

    @property
    def ok(self) -> bool:
        return not self.problems and self.expected == self.found

    def row(self) -> list[str]:
        examples = "; ".join(self.problems[:EXAMPLES])
        more = f" (+{len(self.problems) - EXAMPLES} more)" if len(self.problems) > EXAMPLES else ""
        verdict = "FAIL" if self.blocking else "late"
        return [self.what, f"{self.expected:,}", f"{self.found:,}", "ok" if self.ok else f"{verdict} {examples}{more}"]


@dataclass
class Snapshot:
    """The rows the checks read, from each service's own database."""

    rows: dict[str, dict[str, list[Any]]]

    def of(self, service: str, table: str) -> list[Any]:
        return self.rows[service][table]


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


TABLES: dict[str, dict[str, Table]] = {
    "intake": {"complaint": Complaint.__table__, "public_step": PublicStep.__table__,
               "promise": Promise.__table__},
    "routing": {"case": Case.__table__},
    "escalation": {"sla_complaint": SlaComplaint.__table__, "sla_clock": SlaClock.__table__,
                   "sla_policy": SlaPolicy.__table__},
    "feedback": {"feedback_case": FeedbackCase.__table__},
}


def readable(table: Table) -> list[Column[Any]]:
    """The columns the checks may read: not the customers' contact data, which is encrypted and no check's
    business."""
    return [column for column in table.c if not isinstance(column.type, EncryptedText | EncryptedJSON)]


async def snapshot(urls: dict[str, str]) -> Snapshot:
    rows: dict[str, dict[str, list[Any]]] = {}
    for service, url in urls.items():
        database = Database(url)
        try:
            async with database.engine.connect() as connection:
                tables = {**TABLES[service], "outbox": outbox, "inbox": inbox}
                rows[service] = {name: list((await connection.execute(select(*readable(table)))).all())
                                 for name, table in tables.items()}
        finally:
            await database.dispose()
    return Snapshot(rows)


def exactly_once(what: str, expected_ids: Iterable[Any], found: Iterable[Any]) -> Check:
    """Each expected item found exactly once, nothing else found."""
    expected, counts = set(expected_ids), Counter(found)
    problems = [f"missing {item}" for item in sorted(expected - counts.keys(), key=str)]
    problems += [f"{n} × {item}" for item, n in sorted(counts.items(), key=lambda kv: str(kv[0])) if n > 1]
    problems += [f"unexpected {item}" for item in sorted(counts.keys() - expected, key=str)]
    return Check(what, len(expected), sum(counts.values()), problems)


def outbox_events(data: Snapshot, service: str, ce_type: str) -> list[dict[str, Any]]:
    return [json.loads(row.payload) for row in data.of(service, "outbox") if row.ce_type == ce_type]


def complaint_checks(data: Snapshot, acknowledged: dict[str, UUID]) -> list[Check]:
    ids = set(acknowledged.values())
    same_id = [f"{n} requests answered with {cid}" for cid, n in Counter(acknowledged.values()).items() if n > 1]
    received = [_uuid(e["complaint_id"]) for e in outbox_events(data, "intake", "redress.complaint.received.v1")]
    routing = {"classified": [], "assigned": []}
    for kind in routing:
        routing[kind] = [_uuid(e["complaint_id"])
                         for e in outbox_events(data, "routing", f"redress.complaint.{kind}.v1")]
    steps = Counter((_uuid(r.complaint_id), r.kind) for r in data.of("intake", "public_step"))
    return [
        Check("acknowledged requests, one complaint each", len(acknowledged), len(ids), same_id),
        exactly_once("intake: complaints stored", ids, (_uuid(r.id) for r in data.of("intake", "complaint"))),
        exactly_once("intake: complaint.received in the outbox", ids, received),
        exactly_once("intake: 'received' step on the tracking page", ids,
                     (c for (c, kind), n in steps.items() if kind == "received" for _ in range(n))),
        exactly_once("intake: 'assigned' step on the tracking page", ids,
                     (c for (c, kind), n in steps.items() if kind == "assigned" for _ in range(n))),
        exactly_once("routing: cases", ids, (_uuid(r.id) for r in data.of("routing", "case"))),
        exactly_once("routing: complaint.classified emitted", ids, routing["classified"]),
        exactly_once("routing: complaint.assigned emitted", ids, routing["assigned"]),
        exactly_once("escalation: complaints known", ids,
                     (_uuid(r.id) for r in data.of("escalation", "sla_complaint"))),
        exactly_once("feedback: cases", ids, (_uuid(r.complaint_id) for r in data.of("feedback", "feedback_case"))),
    ]


def _expected_clocks(data: Snapshot, ids: set[UUID]) -> tuple[set[tuple[UUID, str]], list[str]]:
    policies = {row.id: row for row in data.of("escalation", "sla_policy")}
    expected, problems = set(), []
    for row in data.of("escalation", "sla_complaint"):
        complaint = _uuid(row.id)
        if complaint not in ids:
            continue
        policy = policies.get(row.policy_id)
        if policy is None:
            problems.append(f"{complaint} has no SLA policy ({row.policy_id})")
            continue
        specs = target_specs(policy.targets)
        expected |= {(complaint, str(t)) for t in INITIAL_TARGETS if str(t) in specs}
    return expected, problems


def clock_checks(data: Snapshot, acknowledged: dict[str, UUID]) -> list[Check]:
    ids = set(acknowledged.values())
    expected, policy_problems = _expected_clocks(data, ids)
    clocks = [row for row in data.of("escalation", "sla_clock") if _uuid(row.complaint_id) in ids]
    started = [(_uuid(e["complaint_id"]), e["target"])
               for e in outbox_events(data, "escalation", "redress.sla.started.v1")]
    per_clock = exactly_once("escalation: SLA clocks, one per complaint and target", expected,
                             ((_uuid(r.complaint_id), r.target) for r in clocks))
    per_clock.problems = policy_problems + per_clock.problems
    return [
        per_clock,
        exactly_once("escalation: sla.started emitted, one per clock", expected, started),
        Check("escalation: clocks right (running, start, due)", len(clocks), len(clocks),
              wrong_clocks(data, clocks)),
    ]


def wrong_clocks(data: Snapshot, clocks: list[Any]) -> list[str]:
    """A clock is right when it runs, started when intake received the complaint, and is due `target_minutes`
    later (round the clock) or when intake promised the customer (business hours; intake got it from the event)."""
    received = {_uuid(r.id): r.received_at for r in data.of("intake", "complaint")}
    promised = {(_uuid(r.complaint_id), r.target): r.due_at for r in data.of("intake", "promise")}
    problems = []
    for clock in clocks:
        key = (_uuid(clock.complaint_id), clock.target)
        name = f"{key[0]}/{clock.target}"
        if clock.state != "running":
            problems.append(f"{name} is {clock.state}")
        arrived = received.get(key[0])
        if arrived is None:
            problems.append(f"{name} runs for a complaint intake does not have")
        elif abs(clock.started_at - arrived) > SAME_TIME:
            problems.append(f"{name} started {clock.started_at.isoformat()}, received {arrived.isoformat()}")
        if not clock.business_hours and _due_wrong(clock.started_at, clock.target_minutes, clock.due_at):
            problems.append(f"{name} due {clock.due_at.isoformat()}, not {clock.target_minutes} min after start")
        if key in promised and abs(promised[key] - clock.due_at) > SAME_TIME:
            problems.append(f"{name} due {clock.due_at.isoformat()}, promised {promised[key].isoformat()}")
    return problems


def _due_wrong(start: datetime, minutes: float, due: datetime) -> bool:
    return abs(start + timedelta(minutes=minutes) - due) > SAME_TIME


def consumer_checks(data: Snapshot, handled_types: dict[str, set[str]], groups: dict[str, str]) -> list[Check]:
    """Every event any service emitted is in the inbox of every service that handles its type: each handled
    once (the inbox's key makes twice impossible; a missing one was lost)."""
    emitted = {str(_uuid(row.ce_id)): row.ce_type for service in data.rows for row in data.of(service, "outbox")}
    checks = []
    for service, types in handled_types.items():
        expected = {ce_id for ce_id, ce_type in emitted.items() if ce_type in types}
        handled = [row.event_id for row in data.of(service, "inbox") if row.consumer == groups[service]]
        check = exactly_once(f"{service}: events handled (inbox)", expected, (h for h in handled if h in emitted))
        check.problems = [p if not p.startswith("missing ") else f"missing {emitted[p[8:]]} {p[8:]}"
                          for p in check.problems]
        checks.append(check)
    return checks


def handled_types() -> dict[str, set[str]]:
    from services.escalation.handlers import HANDLERS as escalation
    from services.feedback.handlers import HANDLERS as feedback
    from services.intake.handlers import HANDLERS as intake
    from services.routing.handlers import HANDLERS as routing

    tables = {"intake": intake, "routing": routing, "escalation": escalation, "feedback": feedback}
    return {service: {event.ce_type for event in handlers} for service, handlers in tables.items()}


def topics_of(types: set[str]) -> list[str]:
    return sorted({REGISTRY.model_for(ce_type).topic for ce_type in types})
