"""Administration endpoints every service has: replaying a window of its outbox onto a partner's topic."""

from datetime import UTC, datetime
from http import HTTPStatus
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from shared.auth.deps import CallerDep, requires
from shared.auth.roles import Role
from shared.broker import BrokerUnavailable, wait_for_kafka
from shared.deps import runtime_of
from shared.errors import DomainError
from shared.http import NOT_JSON, problem_doc, require_json
from shared.messaging import replay
from shared.runtime import ServiceRuntime

BROKER_WAIT_S = 5.0

router = APIRouter(prefix="/v1/admin", tags=["admin"], dependencies=[Depends(requires(Role.PARTNER))])

TopicName = Annotated[str, Field(pattern=replay.TOPIC_NAME.pattern, examples=["redress.complaint.v1.replay-acme"])]
EventType = Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{1,200}$", examples=["redress.complaint.received.v1"])]


class BrokerUnreachable(DomainError):
    status = HTTPStatus.SERVICE_UNAVAILABLE
    title = "Broker unreachable"


class ReplayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topic: TopicName | None = Field(None, description="Only events of this topic; default: every topic.")
    since: datetime = Field(description="Start of the window (inclusive), ISO 8601; UTC when it names no zone.")
    until: datetime | None = Field(None, description="End of the window (exclusive); default: now.")
    to_topic: TopicName = Field(description="Topic the events are published onto, with their own ce_id.")
    types: list[EventType] = Field(default_factory=list, max_length=100,
                                   description="Only these ce_type values (e.g. redress.complaint.received.v1).")
    dry_run: bool = Field(False, description="Only count what would be published.")


class ReplayOut(BaseModel):
    source: str = Field(description="Where the history came from: this service's outbox.")
    service: str
    topic: str | None
    to_topic: str
    since: datetime
    until: datetime
    dry_run: bool
    published: int = Field(description="Events published onto to_topic (or that would be, on a dry run).")
    by_type: dict[str, int]


RuntimeDep = Annotated[ServiceRuntime, Depends(runtime_of)]


@router.post(
    "/replays", dependencies=[Depends(require_json)], summary="Replay a window of this service's events",
    description="Publishes the events this service emitted in [since, until) from its outbox onto `to_topic`, "
    "with their original CloudEvents headers. Events keep their ce_id, so consumers that remember the ids they "
    "handled apply none twice. The outbox keeps sent events only for its retention period: an older window "
    "is refused with 422; replay it from Kafka with `redress events replay` instead. Only events of the caller's "
    "tenant are replayed. Answers when done.",
    responses={**NOT_JSON, 503: problem_doc("The broker is unreachable")},
)
async def replay_events(body: ReplayIn, runtime: RuntimeDep, principal: CallerDep) -> ReplayOut:
    return await replay_own_outbox(runtime, body, tenant=principal.tenant)


async def replay_own_outbox(runtime: ServiceRuntime, body: ReplayIn, *, tenant: str) -> ReplayOut:
    """Replays only `tenant`'s events: a partner's topic never receives another organisation's."""
    settings = runtime.settings
    now = datetime.now(UTC)
    window = replay.replay_window(since=body.since, until=body.until, topic=body.topic, to_topic=body.to_topic,
                                  types=body.types, tenant=tenant, now=now)
    replay.check_outbox_retention(window, retention_days=settings.outbox_retention_days, now=now)
    if not body.dry_run:
        await _broker_reachable(settings.kafka_bootstrap, within_s=min(settings.broker_wait_s, BROKER_WAIT_S))
    summary = await replay.replay(window, bootstrap=settings.kafka_bootstrap, database=runtime.database,
                                  dry_run=body.dry_run, partitions=settings.topic_partitions,
                                  replication=settings.topic_replication)
    return ReplayOut(source=summary.source, service=settings.service_name, topic=window.topic,
                     to_topic=window.to_topic, since=window.since, until=window.until, dry_run=summary.dry_run,
                     published=summary.published, by_type=dict(summary.by_type))


async def _broker_reachable(bootstrap: str, *, within_s: float) -> None:
    try:
        await wait_for_kafka(bootstrap, timeout=within_s)
    except BrokerUnavailable as exc:
        raise BrokerUnreachable(f"cannot publish the replay: {exc}") from None
