"""End-to-end latency from the customer's POST to a case in an agent's hands with its SLA clocks running, at fixed
arrival rates until the platform saturates.

All four services run as real processes (`redress serve <service>`, one uvicorn worker each) on SQLite files of
their own, against an embedded broker. The load generator POSTs complaints to intake on a schedule (open loop:
request i is due at start + i/rate whether or not earlier ones were answered) and keeps the scheduled time per
complaint id. A consumer of its own group, started at the end of the topics, reads the events each complaint
causes and their times:

    POST (scheduled) → complaint.received (intake) → complaint.classified → complaint.assigned (routing, one
    transaction) → sla.started (escalation, on complaint.classified)

Each event's time is its Kafka timestamp: when the service's outbox relay handed it to the broker, the moment
anyone can read it. (Its `ce_time` would not do: routing stamps complaint.assigned with the time of the
classification in the same transaction, and escalation stamps its clocks' sla.started with the occurred_at of the
complaint.classified it handles, so neither tells when the work was done.) Stages are differences of these
times; the total runs from the scheduled POST to the later of complaint.assigned and sla.started. Routing's demo
organisation is on; before the load, agents with the largest capacity join every team so that no case waits for
a free agent (cases that still wait in a queue are counted).

A rate saturates the platform when the complaints it completes per second fall below 90 % of the offered rate,
when more than 1 % are not through within the drain time, or when the total latency keeps growing over the run
(the backlog of a queue that does not keep up) rather than staying level.

One admin API key, stored in the four databases after their migration, goes in X-API-Key on every request the
load generator and the set-up make.
"""

import asyncio
import contextlib
import json
import math
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from uuid import uuid4

import httpx
import uvloop
from aiokafka import AIOKafkaConsumer, TopicPartition

from bench import processes
from bench.intake import Bodies, Connection, exchange, open_connections
from bench.processes import running
from bench.report import (
    Tracker,
    machine,
    markdown_table,
    now_iso,
    per_second,
    percentile,
    stderr,
    tracker,
    write_json,
    write_markdown,
)
from services.catalog import SERVICES
from shared.auth.roles import Role
from shared.broker import EmbeddedBroker, free_port
from shared.contracts import complaint, sla
from shared.messaging.kafka import ensure_topics

RATES = (10, 50, 200)
# Past the required rates, keep doubling until the platform saturates or this rate is reached.
MAX_RATE = 1600
CONNECTIONS = 64
THROUGHPUT_FLOOR = 0.9
INCOMPLETE_LIMIT = 0.01
# Latency growing by more than 50 ms per second of run, and by more than RISE_FLOOR_S over it, is a backlog.
SLOPE_LIMIT = 0.05
RISE_FLOOR_S = 0.25
MAX_AGENT_CAPACITY = 1000

RECEIVED = complaint.ComplaintReceivedV1.ce_type
CLASSIFIED = complaint.ComplaintClassifiedV1.ce_type
ASSIGNED = complaint.ComplaintAssignedV1.ce_type
SLA_STARTED = sla.SlaStartedV1.ce_type
WATCHED = (RECEIVED, CLASSIFIED, ASSIGNED, SLA_STARTED)
TOPICS = (complaint.TOPIC, sla.TOPIC)
STAGES = {
    "received": "POST → complaint.received on the broker",
    "classified": "received → classified",
    "assigned": "classified → assigned",
    "sla_started": "classified → sla.started",
    "total": "POST → both complaint.assigned and sla.started on the broker",
}


@dataclass(frozen=True)
class Plan:
    seconds: float
    drain_s: float
    rates: tuple[int, ...] = RATES
    max_rate: int = MAX_RATE
    warmup: int = 20

    def ladder(self) -> Iterator[int]:
        """The required rates, then doubling up to max_rate; the caller stops at the first saturated one."""
        yield from self.rates
        rate = self.rates[-1] * 2
        while rate <= self.max_rate:
            yield rate
            rate *= 2


def schedule(rate: float, seconds: float, start: float = 0.0) -> list[float]:
    """Due times of an open-loop run: request i at start + i/rate, for `seconds`."""
    return [start + i / rate for i in range(math.ceil(rate * seconds))]


@dataclass
class Seen:
    """What the measuring consumer saw of one complaint: the Kafka timestamp (epoch seconds) of the first event of
    each watched type, and the agent of its first assignment."""

    kafka_time: dict[str, float] = field(default_factory=dict)
    agent: str | None = None

    @property
    def complete(self) -> bool:
        return all(kind in self.kafka_time for kind in WATCHED)

    @property
    def done_at(self) -> float:
        return max(self.kafka_time[ASSIGNED], self.kafka_time[SLA_STARTED])


@dataclass
class Sent:
    """One POST: when it was due (epoch seconds), its status and the complaint id intake answered with."""

    due: float
    status: int = 0
    answered: float = 0.0
    complaint_id: str | None = None


def stages(posted: float, seen: Seen) -> dict[str, float]:
    """Seconds of each stage of one complete complaint."""
    t = seen.kafka_time
    return {"received": t[RECEIVED] - posted, "classified": t[CLASSIFIED] - t[RECEIVED],
            "assigned": t[ASSIGNED] - t[CLASSIFIED], "sla_started": t[SLA_STARTED] - t[CLASSIFIED],
            "total": seen.done_at - posted}


def completion_rate(done: Sequence[float]) -> float:
    """Completions per second from their times: (n - 1) intervals over the span from the first to the last, which
    equals the arrival rate of a platform that keeps up; 0.0 with fewer than two."""
    if len(done) < 2:
        return 0.0
    span = max(done) - min(done)
    return (len(done) - 1) / span if span > 0 else math.inf


def slope(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of y over x; 0.0 when x does not vary."""
    if len(points) < 2:
        return 0.0
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return 0.0
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def saturation(offered: float, achieved: float, *, incomplete: float,
               latencies: Sequence[tuple[float, float]]) -> str | None:
    """Why a rate saturates the platform, or None if it keeps up. `incomplete` is the share of accepted
    complaints not through by the end of the drain, `latencies` are (due time, total latency) pairs."""
    if incomplete > INCOMPLETE_LIMIT:
        return f"{incomplete:.0%} not through within the drain time"
    if achieved < THROUGHPUT_FLOOR * offered:
        return f"completes {achieved:,.0f}/s of {offered:,.0f}/s offered"
    rise_per_s = slope(latencies)
    span = (max(x for x, _ in latencies) - min(x for x, _ in latencies)) if latencies else 0.0
    if rise_per_s > SLOPE_LIMIT and rise_per_s * span > RISE_FLOOR_S:
        return f"latency grows {rise_per_s * 1000:,.0f} ms per second of run"
    return None


def summary(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"p50_ms": _ms(percentile(ordered, 0.50)), "p99_ms": _ms(percentile(ordered, 0.99)),
            "max_ms": _ms(ordered[-1] if ordered else 0.0)}


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def step_result(rate: int, sent: Sequence[Sent], seen: dict[str, Seen], *, seconds: float) -> dict[str, Any]:
    """The figures of one rate from what the load generator sent and the consumer saw."""
    statuses: dict[str, int] = {}
    for one in sent:
        statuses[str(one.status)] = statuses.get(str(one.status), 0) + 1
    accepted = [one for one in sent if one.complaint_id]
    complete = [(one, seen[one.complaint_id]) for one in accepted
                if one.complaint_id in seen and seen[one.complaint_id].complete]
    per_stage: dict[str, list[float]] = {name: [] for name in STAGES}
    for one, what in complete:
        for name, value in stages(one.due, what).items():
            per_stage[name].append(value)
    answered = [one.answered for one in accepted]
    achieved = completion_rate([what.done_at for _, what in complete])
    incomplete = 1 - len(complete) / len(accepted) if accepted else 1.0
    latencies = [(one.due, what.done_at - one.due) for one, what in complete]
    return {
        "offered_per_s": rate,
        "seconds": seconds,
        "sent": len(sent),
        "statuses": dict(sorted(statuses.items())),
        "answered_per_s": round(completion_rate(answered), 1),
        "completed": len(complete),
        "completed_per_s": round(achieved, 1) if math.isfinite(achieved) else None,
        "queued_without_agent": sum(1 for _, what in complete if what.agent is None),
        "stages": {name: summary(values) for name, values in per_stage.items()},
        "latency_growth_ms_per_s": round(slope(latencies) * 1000, 1),
        "saturated": saturation(rate, achieved, incomplete=incomplete, latencies=latencies),
        "load_average_1m": round(os.getloadavg()[0], 1),
    }


class Watcher:
    """A consumer of its own group, at the end of the topics when started, noting the watched events of every
    complaint."""

    def __init__(self, bootstrap: str) -> None:
        self.consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=f"bench-e2e-{uuid4().hex[:12]}",
                                         enable_auto_commit=False, fetch_max_wait_ms=50)
        self.seen: dict[str, Seen] = {}
        self._task: asyncio.Task[None] | None = None

    async def start(self, bootstrap: str) -> None:
        await ensure_topics(bootstrap, TOPICS, partitions=6, replication=1)
        await self.consumer.start()
        await self.consumer.topics()
        partitions = [TopicPartition(topic, p) for topic in TOPICS
                      for p in sorted(self.consumer.partitions_for_topic(topic) or ())]
        self.consumer.assign(partitions)
        await self.consumer.seek_to_end(*partitions)
        for partition in partitions:  # resolve the end offsets now, before any complaint is sent
            await self.consumer.position(partition)
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            batches = await self.consumer.getmany(timeout_ms=200, max_records=2000)
            for messages in batches.values():
                for message in messages:
                    self._note(message.headers, message.value, message.timestamp)

    def _note(self, headers: Sequence[tuple[str, bytes]], value: bytes | None, timestamp_ms: int) -> None:
        attrs = {name: raw.decode() for name, raw in headers if name in ("ce_type", "ce_subject")}
        kind = attrs.get("ce_type")
        if kind not in WATCHED or "ce_subject" not in attrs:
            return
        seen = self.seen.setdefault(attrs["ce_subject"], Seen())
        if kind in seen.kafka_time:  # the first of each: the clocks of one complaint start together
            return
        seen.kafka_time[kind] = timestamp_ms / 1000
        if kind == ASSIGNED:
            seen.agent = json.loads(value or b"{}").get("agent_id")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.consumer.stop()


async def send_at_rate(port: int, bodies: Bodies, *, rate: float, seconds: float) -> list[Sent]:
    """Open loop: each POST at its due time on a free keep-alive connection (waiting for one counts against
    it), noting the complaint id of each 201. The most recently freed connection goes first, so at low rates a
    few stay busy rather than all idling past the server's keep-alive timeout; one the server closed anyway is
    opened again."""
    async with open_connections(port, CONNECTIONS) as opened:
        free: asyncio.LifoQueue[Connection] = asyncio.LifoQueue()
        for pair in opened:
            free.put_nowait(pair)
        loop = asyncio.get_running_loop()
        to_epoch = time.time() - loop.time()
        start = loop.time() + 0.05

        async def one(due: float) -> Sent:
            sent = Sent(due=due + to_epoch)
            request = bodies.next()
            reader, writer = await free.get()
            try:
                try:
                    sent.status, body = await exchange(reader, writer, request)
                except (asyncio.IncompleteReadError, ConnectionError):  # closed while idle: nothing was read
                    writer.close()
                    reader, writer = await asyncio.open_connection(processes.HOST, port)
                    opened.append((reader, writer))
                    sent.status, body = await exchange(reader, writer, request)
            finally:
                free.put_nowait((reader, writer))
            sent.answered = loop.time() + to_epoch
            if sent.status == 201:
                sent.complaint_id = json.loads(body)["id"]
            return sent

        tasks = []
        for due in schedule(rate, seconds, start):
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(due)))
        return list(await asyncio.gather(*tasks))


async def drain(watcher: Watcher, sent: Sequence[Sent], *, within_s: float) -> None:
    """Wait until every accepted complaint is through, or `within_s` passed."""
    ids = [one.complaint_id for one in sent if one.complaint_id]
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if all(i in watcher.seen and watcher.seen[i].complete for i in ids):
            return
        await asyncio.sleep(0.2)


def staff(most_cases: int, teams: list[dict[str, Any]]) -> dict[str, Any]:
    """An organisation file that adds to every team enough always-on agents of any skill to hold `most_cases`
    open cases at once, so assignment never waits for capacity."""
    per_team = math.ceil(most_cases / MAX_AGENT_CAPACITY)
    agents = [{"id": f"bench-{team['id']}-{i}", "name": f"Bench agent {i} of {team['id']}", "team_id": team["id"],
               "capacity": MAX_AGENT_CAPACITY, "presence": "online", "schedule": {}}
              for team in teams for i in range(per_team)]
    return {"agents": agents}


@contextlib.contextmanager
def platform(folder: Path, bootstrap: str) -> Iterator[tuple[dict[str, int], dict[str, str]]]:
    """The four services on SQLite files of their own; yields their ports and the headers that authenticate."""
    ports = {name: free_port() for name in SERVICES}
    commands = [processes.service(name, folder / name, bootstrap, port) for name, port in ports.items()]
    headers = processes.store_key(processes.new_key(Role.ADMIN, name="bench-e2e"), commands)
    with running(commands):
        yield ports, headers


async def measure_rates(plan: Plan, bootstrap: str, ports: dict[str, int], headers: dict[str, str],
                        progress: Tracker) -> list[dict[str, Any]]:
    routing = httpx.AsyncClient(base_url=f"http://{processes.HOST}:{ports['routing']}", timeout=60, headers=headers)
    teams = (await routing.get("/v1/teams")).raise_for_status().json()
    watcher = Watcher(bootstrap)
    await watcher.start(bootstrap)
    bodies = Bodies(headers)
    steps: list[dict[str, Any]] = []
    try:
        cases = plan.warmup
        (await routing.post("/v1/org:import", json=staff(cases, teams))).raise_for_status()
        warm = await send_at_rate(ports["intake"], bodies, rate=10, seconds=plan.warmup / 10)
        await drain(watcher, warm, within_s=plan.drain_s)
        for rate in plan.ladder():
            cases += len(schedule(rate, plan.seconds))
            (await routing.post("/v1/org:import", json=staff(cases, teams))).raise_for_status()
            progress.note(f"{rate}/s for {plan.seconds:.0f} s ({len(teams)} teams staffed for {cases:,} open cases)")
            sent = await send_at_rate(ports["intake"], bodies, rate=rate, seconds=plan.seconds)
            await drain(watcher, sent, within_s=plan.drain_s)
            step = step_result(rate, sent, watcher.seen, seconds=plan.seconds)
            steps.append(step)
            total = step["stages"]["total"]
            progress.note(f"{rate}/s: {step['completed_per_s']}/s through, total p50 {total['p50_ms']:,} ms, "
                          f"p99 {total['p99_ms']:,} ms" + (f"; saturated: {step['saturated']}"
                                                           if step["saturated"] else ""))
            if step["saturated"]:  # a backlog left behind would only slow the next rate down
                break
    finally:
        await watcher.stop()
        await routing.aclose()
    return steps


def measure(plan: Plan, progress: Tracker) -> list[dict[str, Any]]:
    with TemporaryDirectory(prefix="redress-bench-e2e-") as name:
        folder = Path(name)
        broker = EmbeddedBroker(port=free_port(), log_path=folder / "tansu.log")
        with broker:
            progress.note(f"broker at {broker.bootstrap}; starting the four services")
            with platform(folder, broker.bootstrap) as (ports, headers):
                return uvloop.run(measure_rates(plan, broker.bootstrap, ports, headers, progress))


def results(plan: Plan, steps: list[dict[str, Any]]) -> dict[str, Any]:
    saturated = [step["offered_per_s"] for step in steps if step["saturated"]]
    return {
        "benchmark": "end-to-end latency: received → classified → assigned → SLA started",
        "machine": machine(),
        "database": "SQLite",
        "seconds_per_rate": plan.seconds,
        "drain_s": plan.drain_s,
        "connections": CONNECTIONS,
        "stages": STAGES,
        "steps": steps,
        "saturates_at_per_s": saturated[0] if saturated else None,
        "measured_at": now_iso(),
    }


def markdown(data: dict[str, Any], chart: str | None) -> list[str]:
    names = list(STAGES)
    header = ["offered /s", "through /s", "completed", *[f"{n} p50 / p99 ms" for n in names], "saturated",
              "load avg"]
    rows = []
    for step in data["steps"]:
        through = step["completed_per_s"]
        rows.append([per_second(step["offered_per_s"]), "–" if through is None else per_second(through),
                     f"{step['completed']:,} of {step['sent']:,}",
                     *[f"{step['stages'][n]['p50_ms']:,} / {step['stages'][n]['p99_ms']:,}" for n in names],
                     step["saturated"] or "no", step["load_average_1m"]])
    meaning = "; ".join(f"**{name}**: {text}" for name, text in STAGES.items())
    facts = (f"All four services as `redress serve` processes (one uvicorn worker each) on SQLite files, embedded "
             f"broker, {data['seconds_per_rate']:.0f} s per rate (open loop, {data['connections']} keep-alive "
             f"connections, latency from the scheduled POST time), measured {data['measured_at']}. "
             f"Stages: {meaning}.")
    saturates = data["saturates_at_per_s"]
    verdict = (f"Saturates at **{per_second(saturates)}/s**." if saturates else
               "Did not saturate up to the highest rate tried.")
    queued = sum(step["queued_without_agent"] for step in data["steps"])
    caveat = (f"The load generator, the measuring consumer, the broker and the four services share this machine's "
              f"{data['machine']['cpus']} cores: compare only figures of one run (load avg: the machine's one-minute "
              f"load average when the rate was done). Agents with room for every case "
              f"joined each team before the load; cases assigned to a queue without an agent: {queued}.")
    blocks = [facts, markdown_table(header, rows), verdict, caveat]
    if chart:
        blocks.append(f"![total latency vs offered rate]({chart})")
    return blocks


def chart(data: dict[str, Any], path: Path) -> Path:
    """p50 and p99 of the total path against the offered rate, both axes logarithmic."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    steps = [step for step in data["steps"] if step["completed"]]  # a rate with nothing through has no latency
    rates = [step["offered_per_s"] for step in steps]
    figure, axes = plt.subplots(figsize=(7, 4.2), dpi=120)
    for quantile, style in (("p50", "o-"), ("p99", "s--")):
        axes.plot(rates, [step["stages"]["total"][f"{quantile}_ms"] for step in steps], style,
                  label=f"{quantile}, POST → assigned and SLA started")
    if data["saturates_at_per_s"]:
        axes.axvline(data["saturates_at_per_s"], color="grey", linestyle=":",
                     label=f"saturated at {data['saturates_at_per_s']}/s")
    axes.set_xscale("log")
    axes.set_yscale("log")
    ticks = sorted(set(RATES) | {step["offered_per_s"] for step in data["steps"]})  # where it stopped, too
    axes.set_xticks(ticks, [str(r) for r in ticks])
    axes.set_xlim(ticks[0] / 1.5, ticks[-1] * 1.5)
    axes.xaxis.set_minor_formatter(NullFormatter())
    shown = [step["stages"]["total"][q] for step in steps for q in ("p50_ms", "p99_ms") if step["stages"]["total"][q]]
    if shown:
        axes.set_ylim(min(shown) / 1.5, max(shown) * 1.5)
    axes.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))  # labels even within one decade
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    axes.yaxis.set_minor_formatter(NullFormatter())
    axes.set_xlabel("offered complaints per second (open loop)")
    axes.set_ylabel("end-to-end latency (ms)")
    axes.set_title("Redress end to end, four services + broker on 2 shared cores (SQLite)")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(loc="best")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path


def run(out: Path, plan: Plan) -> str:
    with tracker() as progress:
        steps = measure(plan, progress)
    data = results(plan, steps)
    png = chart(data, out / "e2e-latency.png")
    json_path = write_json(out / "e2e.json", data)
    md_path = write_markdown(out / "e2e.md", title="End-to-end latency at fixed arrival rates",
                             blocks=markdown(data, png.name))
    stderr.log(f"wrote {json_path}, {md_path} and {png}")
    return "\n".join(markdown(data, None)[1:3])
