"""`python -m bench`: the outbox relay against raw aiokafka produce, on a broker of its own."""

import argparse
import asyncio
import signal
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any, TypeVar

from bench import relay, relay_profile
from bench.report import RESULTS_DIR, stderr, tracker, write_json, write_markdown
from shared.broker import EmbeddedBroker, free_port
from shared.settings import ServiceSettings

T = TypeVar("T")

DEFAULT_EVENTS = 20_000
QUICK_EVENTS = 2_000
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--events", type=int, default=DEFAULT_EVENTS, help="events per measurement")
    parser.add_argument("--quick", action="store_true", help=f"a small run of {QUICK_EVENTS:,} events")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the median counts")
    parser.add_argument("--batch-size", type=int, default=ServiceSettings.model_fields["outbox_batch_size"].default,
                        help="relay rows per round, and raw messages sent before waiting for acks")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL,
                        help="admin URL of a PostgreSQL server; a temporary database is made there")
    parser.add_argument("--no-postgres", action="store_true", help="measure the relay on SQLite only")
    parser.add_argument("--profile", action="store_true",
                        help="instead of the benchmark: where a relay drain spends its time (relay-profile.md)")
    parser.add_argument("--only", choices=sorted(BENCHMARKS), action="append",
                        help="run only this benchmark (repeatable); all of them by default")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="folder for relay.json and relay.md")
    options = parser.parse_args(argv)
    if options.events < 1 or options.repeat < 1 or options.batch_size < 1:
        parser.error("--events, --repeat and --batch-size must be positive")
    return options


def plan_of(options: argparse.Namespace) -> relay.Plan:
    return relay.Plan(
        events=QUICK_EVENTS if options.quick else options.events,
        repeat=options.repeat,
        batch_size=options.batch_size,
        postgres_url=None if options.no_postgres else options.postgres_url,
    )


def with_broker(job: Callable[..., Coroutine[Any, Any, T]], plan: relay.Plan) -> T:
    """Run `job(plan, bootstrap=..., tracker=...)` against a broker of its own, stopped whatever happens."""
    with TemporaryDirectory(prefix="redress-bench-broker-") as folder:
        broker = EmbeddedBroker(port=free_port(), log_path=Path(folder) / "tansu.log")
        stderr.log(f"starting the embedded broker at {broker.bootstrap}")
        with broker, tracker() as progress:
            return asyncio.run(cancelled_on_sigterm(job(plan, bootstrap=broker.bootstrap, tracker=progress)))


async def cancelled_on_sigterm(job: Coroutine[Any, Any, T]) -> T:
    # Like Ctrl-C under asyncio.run: cancel, so temporary databases are dropped and the broker stopped.
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    if task is not None:
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
    try:
        return await job
    finally:
        loop.remove_signal_handler(signal.SIGTERM)


def summary(data: dict[str, Any]) -> str:
    lines = [f"raw aiokafka produce: {data['raw_events_per_s']:,} events/s"]
    for name, entry in data["relay"].items():
        if entry:
            lines.append(f"relay on {name}: {entry['events_per_s']:,} events/s = "
                         f"{entry['ratio_to_raw']:.0%} of raw")
    lines.append(f"goal {data['goal']}: {'met' if data['met'] else 'NOT met'}")
    return "\n".join(lines + data["notes"])


def main(argv: list[str] | None = None) -> None:
    try:
        run(parse(sys.argv[1:] if argv is None else argv))
    except (KeyboardInterrupt, asyncio.CancelledError):
        stderr.log("interrupted: broker stopped, temporary databases removed, no results written")
        sys.exit(130)


def run(options: argparse.Namespace) -> None:
    if options.profile:
        text = with_broker(relay_profile.profile_relay, plan_of(options))
        path = write_markdown(options.out / "relay-profile.md", title="Where the outbox relay spends its time",
                              blocks=[f"```text\n{text}\n```"])
        print(f"{text}\nwrote {path}")
        return
    for name in options.only or BENCHMARKS:
        stderr.rule(name)
        BENCHMARKS[name](options)


def run_relay(options: argparse.Namespace) -> None:
    plan = plan_of(options)
    data = relay.results(plan, with_broker(relay.measure, plan))
    json_path = write_json(options.out / "relay.json", data)
    md_path = write_markdown(options.out / "relay.md", title="Outbox relay vs raw aiokafka produce",
                             blocks=relay.markdown(data))
    print(summary(data))
    print(f"wrote {json_path} and {md_path}")



def run_classifier(options: argparse.Namespace) -> None:
    from bench import classifier  # loads scikit-learn: only when asked for

    print(classifier.run(options.out, repeat=options.repeat))


def run_intake(options: argparse.Namespace) -> None:
    from bench import intake  # starts servers of its own: only when asked for

    plan = intake.Plan(seconds=3.0 if options.quick else 10.0, connections=32,
                       repeat=1 if options.quick else options.repeat)
    print(intake.run(options.out, plan))


def run_e2e(options: argparse.Namespace) -> None:
    from bench import e2e  # starts the four services: only when asked for

    plan = e2e.Plan(seconds=4.0, drain_s=10.0) if options.quick else e2e.Plan(seconds=15.0, drain_s=20.0)
    print(e2e.run(options.out, plan))


def run_timers(options: argparse.Namespace) -> None:
    from bench import timers

    plan = timers.plan(quick=options.quick, postgres_url=None if options.no_postgres else options.postgres_url)
    with tracker() as progress:
        data = asyncio.run(cancelled_on_sigterm(timers.measure(plan, tracker=progress)))
    print(timers.write(options.out, data))


def run_peer(options: argparse.Namespace) -> None:
    from bench import peer  # installs django-helpdesk into a venv of its own: only when asked for

    plan = peer.Plan(seconds=3.0 if options.quick else 10.0, connections=32,
                     repeat=1 if options.quick else options.repeat)
    print(peer.run(options.out, plan))


def run_listing(options: argparse.Namespace) -> None:
    from bench import listing

    print(listing.run(options.out, listing.plan(quick=options.quick)))


def run_memory(options: argparse.Namespace) -> None:
    from bench import memory

    print(memory.run(options.out, memory.plan(quick=options.quick)))


def run_replicas(options: argparse.Namespace) -> None:
    from bench import replicas  # starts replicas of the four services on PostgreSQL: only when asked for

    plan = replicas.plan(quick=options.quick, postgres_url=options.postgres_url)
    with tracker() as progress:
        data = asyncio.run(cancelled_on_sigterm(replicas.measure(plan, progress=progress)))
    print(replicas.write(options.out, data))


BENCHMARKS: dict[str, Callable[[argparse.Namespace], None]] = {
    "relay": run_relay,
    "classifier": run_classifier,
    "intake": run_intake,
    "timers": run_timers,
    "e2e": run_e2e,
    "peer": run_peer,
    "listing": run_listing,
    "memory": run_memory,
    "replicas": run_replicas,
}

if __name__ == "__main__":
    main()
