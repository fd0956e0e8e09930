"""Scale-out: how fast the pipeline's bottleneck service drains a backlog with one replica and with two.

The pipeline is received → classified → assigned → sla.started: routing consumes complaint.received and emits
complaint.classified and complaint.assigned in one transaction (classification, prioritisation, assignment);
escalation consumes complaint.classified and emits sla.started (and takes every other event on the topics too, for
the partner webhooks). Each run starts the four services as real
`redress serve <service>` processes (bench/replica_set.py) on PostgreSQL, one temporary database per service
shared by its replicas, one consumer group per service, against an embedded broker of its own with topics of
PARTITIONS partitions. One admin API key, stored in the four databases, authenticates every request.

A run staffs every team (so assignment never waits for a free agent), warms up until every replica of every
consumer has applied events (so the group has rebalanced onto all of them), then files a fixed backlog of N
complaints through intake's batch endpoint over HTTP, far faster than the consumers drain them. A consumer of
its own group reads each complaint's events with their Kafka timestamps (when a service's outbox relay put them
on the broker); a service's rate is (n - 1) complaints over the span from its first to its last output event.

First a run with one replica of each service; its rates name the bottleneck: routing, unless escalation drains
clearly slower (below MARGIN of routing's rate; a consumer that keeps up drains at its input's pace). Then the
same with two replicas of the bottleneck service and one of each other.
"""

import asyncio
import contextlib
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from uuid import uuid4

import httpx

from bench.databases import postgres_database, postgres_unreachable
from bench.e2e import ASSIGNED, CLASSIFIED, RECEIVED, SLA_STARTED, TOPICS, Seen, Watcher, completion_rate, staff
from bench.replica_set import ReplicaSet, applied_events
from bench.report import Tracker, machine, markdown_table, now_iso, write_json, write_markdown
from services.catalog import SERVICES
from services.intake.schemas import MAX_BATCH_ITEMS
from shared.auth.roles import Role
from shared.broker import EmbeddedBroker, free_port
from shared.contracts import dlq_topic
from shared.messaging.kafka import ensure_topics
from shared.settings import ServiceSettings

PIPELINE = ("routing", "escalation")  # the consumers of the path, upstream first
PARTITIONS = 6
MARGIN = 0.8
COMPLAINTS = 400
QUICK_COMPLAINTS = 100
WARMUP = 24
WARMUP_ROUNDS = 10
BATCH_ITEMS = MAX_BATCH_ITEMS
# As deployed: the relay polls at its default pace (bench/replica_set.py polls fast for tests); groups still
# rebalance within seconds.
SETTINGS = {"TOPIC_PARTITIONS": str(PARTITIONS),
            **{name.upper(): str(ServiceSettings.model_fields[name].default) for name in ("outbox_poll_s",
                                                                                          "relay_lease_s")}}
SUBJECTS = (
    ("Charged twice for order {n}", "I was charged twice for order {n} and the second charge was never refunded "
     "although your agent promised it within five working days."),
    ("Parcel {n} arrived broken", "Parcel {n} arrived two weeks late, the box was crushed and one of the cups "
     "inside was broken. Please replace it."),
    ("Nobody called me back about {n}", "I called the hotline three times about order {n}, waited forty minutes "
     "each time and was promised a call back that never came."),
    ("Broadband down since Monday ({n})", "My broadband connection {n} has been down since Monday and the "
     "engineer did not turn up for the appointment."),
)


@dataclass(frozen=True)
class Plan:
    complaints: int
    postgres_url: str
    drain_limit_s: float


def plan(*, quick: bool, postgres_url: str) -> Plan:
    complaints = QUICK_COMPLAINTS if quick else COMPLAINTS
    return Plan(complaints=complaints, postgres_url=postgres_url, drain_limit_s=120.0 + complaints * 0.6)


# --- Arithmetic ------------------------------------------------------------------------------------------------

def output_times(seen: Mapping[str, Seen], ids: Sequence[str]) -> dict[str, list[float]]:
    """Kafka timestamps of each stage's output for the complaints among `ids` the watcher saw complete: intake's
    complaint.received, routing's complaint.assigned (after complaint.classified, in the same transaction) and
    escalation's first sla.started."""
    done = [seen[i].kafka_time for i in ids if i in seen and seen[i].complete]
    return {"intake": [t[RECEIVED] for t in done], "routing": [max(t[CLASSIFIED], t[ASSIGNED]) for t in done],
            "escalation": [t[SLA_STARTED] for t in done]}


def rate(times: Sequence[float]) -> float | None:
    """Complaints per second from the first to the last output; None when it cannot tell (fewer than two, or
    all at one instant)."""
    value = completion_rate(times)
    return round(value, 1) if 0 < value < float("inf") else None


def bottleneck(rates: Mapping[str, float | None]) -> str:
    """The consumer that limits the pipeline: the first one, unless one further down drains clearly slower than
    the slowest before it (a consumer that keeps up drains at its input's pace, give or take noise)."""
    chosen = PIPELINE[0]
    for service in PIPELINE[1:]:
        if (rates.get(service) or 0.0) < MARGIN * (rates.get(chosen) or 0.0):
            chosen = service
    return chosen


def events_per_complaint(run: Mapping[str, Any]) -> dict[str, float | None]:
    """Events each consumer applied per complaint of the backlog, over all its replicas."""
    per: dict[str, float | None] = {}
    for service in PIPELINE:
        total = sum(count for name, count in run["applied"].items() if name.rsplit("-", 1)[0] == service)
        per[service] = round(total / run["through"], 1) if run["through"] else None
    return per


def reason(rates: Mapping[str, float | None], chosen: str, events: Mapping[str, float | None]) -> str:
    routing, escalation = rates.get("routing"), rates.get("escalation")
    work = (f"routing applies {events.get('routing')} events per complaint (classification, prioritisation and "
            f"assignment of each complaint.received in one transaction); escalation applies "
            f"{events.get('escalation')}, one transaction each: besides starting the clocks it takes every event "
            "on the topics for the partner webhooks")
    if chosen == "routing":
        return (f"with one replica each, routing drained {routing}/s and escalation followed at {escalation}/s "
                f"(at least {MARGIN:.0%} of routing's pace, so it kept up with what routing emits); {work}")
    return (f"with one replica each, escalation drained {escalation}/s, below {MARGIN:.0%} of routing's "
            f"{routing}/s, so its backlog grew behind routing; {work}")


def ratio(one: float | None, two: float | None) -> float | None:
    return round(two / one, 2) if one and two else None


def yardstick(runs: Sequence[Mapping[str, Any]], chosen: str) -> dict[str, float | None]:
    """How much each other consumer's rate moved between the runs: they stay at one replica, so this is the
    machine's other load changing (and the second replica's CPU), not the scale-out."""
    single, double = runs
    return {s: ratio(single["rates"].get(s), double["rates"].get(s)) for s in PIPELINE if s != chosen}


def results(plan: Plan, single: dict[str, Any], double: dict[str, Any], chosen: str) -> dict[str, Any]:
    one, two = single["rates"].get(chosen), double["rates"].get(chosen)
    return {
        "benchmark": "replicas of the bottleneck service: backlog drained with one and with two",
        "machine": machine(),
        "database": "PostgreSQL",
        "partitions": PARTITIONS,
        "complaints": plan.complaints,
        "bottleneck": chosen,
        "why": reason(single["rates"], chosen, events_per_complaint(single)),
        "runs": [single, double],
        "per_s": {"1": one, "2": two},
        "ratio": ratio(one, two),
        "others_ratio": yardstick([single, double], chosen),
        "measured_at": now_iso(),
    }


# --- Report ----------------------------------------------------------------------------------------------------

def _cell(value: float | None) -> str:
    """Rates of a few complaints per second keep their tenths."""
    return "–" if value is None else f"{value:,.1f}"


def markdown(data: dict[str, Any]) -> list[str]:
    chosen = data["bottleneck"]
    header = [f"replicas of {chosen}", "complaints through", *[f"{service} drained /s" for service in PIPELINE],
              "backlog filed in s", f"events applied per replica of {chosen}", "load avg"]
    rows = []
    for run in data["runs"]:
        applied = ", ".join(f"{name} {count:,}" for name, count in run["applied"].items()
                            if name.rsplit("-", 1)[0] == chosen)
        drained = [f"**{_cell(run['rates'].get(s))}**" if s == chosen else _cell(run["rates"].get(s))
                   for s in PIPELINE]
        rows.append([run["replicas"][chosen], f"{run['through']:,} of {run['complaints']:,}", *drained,
                     run["filed_s"], applied or "–", run["load_average_1m"]])
    facts = (f"The four services as `redress serve <service>` processes on PostgreSQL (one temporary database per "
             f"service, shared by its replicas; one consumer group per service; relays at their default poll "
             f"interval), an embedded broker with {data['partitions']} partitions per topic. Each run files a "
             f"backlog of {data['complaints']:,} complaints through intake's batch endpoint, much faster than the "
             f"consumers drain it, and times each consumer from its first to its last output event on the broker "
             f"(routing: complaint.assigned; escalation: the first sla.started of each complaint). Other services "
             f"stay at one replica. Measured {data['measured_at']}.")
    why = f"Bottleneck: **{chosen}**, because {data['why']}."
    result = (f"Two replicas of {chosen}: **{_cell(data['per_s']['2'])}/s** against {_cell(data['per_s']['1'])}/s "
              f"with one, ratio **{data['ratio'] if data['ratio'] is not None else '–'}**.")
    result += "".join(
        f" {service.capitalize()}, at one replica in both runs, moved ×{moved} between them"
        + (": the machine's other load changed too, so part of the ratio is not the replica's doing."
           if abs(moved - 1) > 0.1 else ", so the runs saw similar load.")
        for service, moved in data["others_ratio"].items() if moved is not None)
    caveat = (f"The load generator, the measuring consumer, the broker, PostgreSQL and every replica share this "
              f"machine's {data['machine']['cpus']} cores, so two replicas on two cores cannot double the rate: the "
              f"second replica takes CPU from the first and from everything else. Compare only figures of one run "
              f"(load avg: the machine's one-minute load average at the end of the run).")
    notes = [note for run in data["runs"] for note in run["notes"]]
    return [facts, why, markdown_table(header, rows), result, caveat, *notes]


def summary(data: dict[str, Any]) -> str:
    chosen = data["bottleneck"]
    others = ", ".join(f"{service} ×{moved}" for service, moved in data["others_ratio"].items())
    return "\n".join([
        f"bottleneck: {chosen} ({data['why']})",
        f"{chosen} with 1 replica: {_cell(data['per_s']['1'])} complaints/s",
        f"{chosen} with 2 replicas: {_cell(data['per_s']['2'])} complaints/s",
        f"ratio {data['ratio']} (at one replica in both runs: {others}); {data['partitions']} partitions; "
        f"{data['complaints']:,} complaints per run",
        f"the load generator and all processes share this machine's {data['machine']['cpus']} cores, so two "
        "replicas cannot double the rate",
    ])


# --- Measurement -----------------------------------------------------------------------------------------------

def batch_body(first: int, count: int) -> dict[str, Any]:
    """`count` complaints from new customers (no duplicates, no repeats), a few kinds of text in turn."""
    items = []
    for n in range(first, first + count):
        subject, description = SUBJECTS[n % len(SUBJECTS)]
        customer = {"id": f"bench-{uuid4().hex[:12]}", "name": "Sam Price", "email": "sam.price@example.com",
                    "tier": "standard", "locale": "en-GB"}
        items.append({"complaint": {"channel": "web", "customer": customer, "subject": subject.format(n=n),
                                    "description": description.format(n=n)}})
    return {"items": items}


async def file_complaints(client: httpx.AsyncClient, replicas: ReplicaSet, count: int, *, first: int) -> list[str]:
    """File `count` complaints through intake's batch endpoint; returns the ids of those accepted."""
    ids: list[str] = []
    for offset in range(0, count, BATCH_ITEMS):
        size = min(BATCH_ITEMS, count - offset)
        response = await client.post(replicas.url("intake", offset) + "/v1/complaints:batch",
                                     json=batch_body(first + offset, size))
        response.raise_for_status()
        ids += [str(r["acknowledgement"]["id"]) for r in response.json()["results"] if r["status"] == 201]
    return ids


async def through(watcher: Watcher, ids: Sequence[str], *, within_s: float, step: Any = None) -> int:
    """Wait until every complaint of `ids` is through the pipeline, or `within_s` passed; returns how many are."""
    deadline, reported = time.monotonic() + within_s, 0
    while True:
        done = sum(1 for i in ids if i in watcher.seen and watcher.seen[i].complete)
        if step is not None and done > reported:
            step(done - reported)
            reported = done
        if done == len(ids) or time.monotonic() > deadline:
            return done
        await asyncio.sleep(0.5)


async def applied(client: httpx.AsyncClient, replicas: ReplicaSet) -> dict[str, int]:
    return {replica.name: int(await applied_events(client, replica))
            for service in PIPELINE for replica in replicas.live(service)}


async def warm_up(client: httpx.AsyncClient, replicas: ReplicaSet, watcher: Watcher, *, label: str,
                  progress: Tracker) -> int:
    """File a few complaints at a time until every replica of every consumer has applied some: the groups have
    settled on all replicas. Returns how many were filed."""
    filed, counts = 0, dict[str, int]()
    for _ in range(WARMUP_ROUNDS):
        ids = await file_complaints(client, replicas, WARMUP, first=filed)
        filed += WARMUP
        await through(watcher, ids, within_s=120)
        counts = await applied(client, replicas)
        if all(counts.values()):
            return filed
        progress.note(f"{label}: waiting for the groups to settle: {counts}")
    raise RuntimeError(f"{label}: some replicas applied no events after {filed} complaints: {counts}")


async def run_once(plan: Plan, counts: dict[str, int], *, label: str, progress: Tracker) -> dict[str, Any]:
    """One platform with `counts` replicas per service on fresh databases and a broker of its own: the drain of a
    backlog of plan.complaints."""
    with TemporaryDirectory(prefix="redress-bench-replicas-") as name:
        folder = Path(name)
        with EmbeddedBroker(port=free_port(), log_path=folder / "tansu.log") as broker:
            bootstrap = broker.bootstrap
            await ensure_topics(bootstrap, [*TOPICS, *map(dlq_topic, TOPICS)], partitions=PARTITIONS, replication=1)
            async with contextlib.AsyncExitStack() as stack:
                databases = {service: await stack.enter_async_context(
                    postgres_database(plan.postgres_url, SERVICES[service].migrations_dir)) for service in counts}
                replicas = ReplicaSet(bootstrap=bootstrap, database_urls={s: d.url for s, d in databases.items()},
                                      folder=folder / "replicas", groups={s: f"redress-{s}" for s in counts},
                                      replicas=counts, settings=SETTINGS)
                progress.note(f"{label}: starting {sum(counts.values())} processes "
                              f"({', '.join(f'{s} ×{n}' for s, n in counts.items())})")
                started = time.monotonic()
                await replicas.grant_key(Role.ADMIN, name="bench-replicas")
                try:
                    await replicas.start()
                    progress.note(f"{label}: ready after {time.monotonic() - started:.0f} s")
                    run = await drain(plan, replicas, bootstrap, label=label, progress=progress)
                except Exception:
                    for replica in (r for group in replicas.processes.values() for r in group):
                        progress.note(f"{label}: the log of {replica.name} ends with:\n{replica.log_tail()}")
                    raise
                finally:
                    unclean = await replicas.stop()
                run["notes"] += [f"{label}: {line}" for line in unclean]
                run["replicas"] = counts
                return run


async def drain(plan: Plan, replicas: ReplicaSet, bootstrap: str, *, label: str,
                progress: Tracker) -> dict[str, Any]:
    watcher = Watcher(bootstrap)
    await watcher.start(bootstrap)
    try:
        async with httpx.AsyncClient(timeout=300, headers=replicas.headers) as client:
            routing = replicas.url("routing", 0)
            teams = (await client.get(routing + "/v1/teams")).raise_for_status().json()
            most_cases = plan.complaints + WARMUP * WARMUP_ROUNDS
            (await client.post(routing + "/v1/org:import", json=staff(most_cases, teams))).raise_for_status()
            warmed = await warm_up(client, replicas, watcher, label=label, progress=progress)
            before = await applied(client, replicas)
            filing = time.monotonic()
            with progress.step(f"{label}: file {plan.complaints:,} complaints", 1) as step:
                ids = await file_complaints(client, replicas, plan.complaints, first=warmed)
                filed_s = time.monotonic() - filing
                step(1)
            with progress.step(f"{label}: through the pipeline", len(ids)) as step:
                done = await through(watcher, ids, within_s=plan.drain_limit_s, step=step)
            after = await applied(client, replicas)
    finally:
        await watcher.stop()
    times = output_times(watcher.seen, ids)
    rates = {service: rate(values) for service, values in times.items()}
    notes = [f"{label}: {replica}" for replica in replicas.crashed()]
    if len(ids) < plan.complaints:
        notes.append(f"{label}: intake accepted {len(ids):,} of {plan.complaints:,} as new complaints")
    if done < len(ids):
        notes.append(f"{label}: {len(ids) - done:,} of {len(ids):,} complaints not through within "
                     f"{plan.drain_limit_s:.0f} s; rates count those through")
    progress.note(f"{label}: routing {rates['routing']}/s, escalation {rates['escalation']}/s "
                  f"({done:,} of {len(ids):,} through; backlog filed in {filed_s:.1f} s)")
    return {"complaints": len(ids), "through": done, "filed_s": round(filed_s, 1), "rates": rates,
            "spans_s": {s: round(max(v) - min(v), 1) if v else None for s, v in times.items()},
            "applied": {name: after[name] - before.get(name, 0) for name in after},
            "load_average_1m": round(os.getloadavg()[0], 1), "notes": notes}


async def measure(plan: Plan, *, progress: Tracker) -> dict[str, Any]:
    unreachable = await postgres_unreachable(plan.postgres_url)
    if unreachable:
        raise RuntimeError(f"replicas share a database, so this benchmark needs PostgreSQL: {unreachable}")
    single = await run_once(plan, dict.fromkeys(SERVICES, 1), label="1 replica each", progress=progress)
    chosen = bottleneck(single["rates"])
    progress.note(f"bottleneck: {chosen}")
    double = await run_once(plan, {**dict.fromkeys(SERVICES, 1), chosen: 2}, label=f"2 replicas of {chosen}",
                            progress=progress)
    return results(plan, single, double, chosen)


def write(out: Path, data: dict[str, Any]) -> str:
    json_path = write_json(out / "replicas.json", data)
    md_path = write_markdown(out / "replicas.md", title="One and two replicas of the bottleneck service",
                             blocks=markdown(data))
    return f"{summary(data)}\nwrote {json_path} and {md_path}"
