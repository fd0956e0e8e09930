"""Case work by agents and supervisors: accept, notes, investigation tasks, information requests, responses
(with supervisor approval for critical cases), resolution. The only place here that commits."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

from services.routing import domain as lifecycle
from services.routing.assignment import service as assignment
from services.routing.cases.models import Case, CaseNote, CaseResponse, CaseTask
from services.routing.cases.steps import move, record
from services.routing.casework import domain
from services.routing.casework.schemas import ResolutionIn, ResponseIn
from services.routing.uow import RoutingUow
from shared.contracts.complaint import (
    ComplaintInformationRequestedV1,
    ComplaintResolvedV1,
    ComplaintRespondedV1,
    Status,
)
from shared.errors import Conflict, IllegalTransition

SENT, PENDING, REJECTED = "sent", "pending", "rejected"


async def accept(uow: RoutingUow, complaint_id: UUID, *, actor: str) -> Case:
    """assigned → in_progress: the agent starts the investigation."""
    at = datetime.now(UTC)
    async with uow:
        case = await uow.cases.get(complaint_id)
        if case.status == Status.ASSIGNED and case.agent_id is None:
            raise Conflict("the case waits in its team's queue; assign it to an agent first")
        move(uow, case, Status.IN_PROGRESS, at=at, actor=actor, reason="accepted")
        await uow.commit()
    return case


async def add_note(uow: RoutingUow, complaint_id: UUID, *, actor: str, text: str) -> CaseNote:
    at = datetime.now(UTC)
    async with uow:
        case = await uow.cases.get(complaint_id)
        note = CaseNote(id=uuid4(), complaint_id=case.id, at=at, author=actor, text=text)
        uow.cases.add(note)
        record(uow, case, "note", at=at, actor=actor)
        await uow.commit()
    return note


async def add_task(uow: RoutingUow, complaint_id: UUID, *, actor: str, title: str,
                   assignee: str | None) -> CaseTask:
    at = datetime.now(UTC)
    async with uow:
        case = await uow.cases.get(complaint_id)
        if case.status not in lifecycle.OPEN:
            raise Conflict(f"the case is {case.status}; investigation tasks belong to open cases")
        task = CaseTask(id=uuid4(), complaint_id=case.id, title=title, assignee=assignee, created_by=actor,
                        created_at=at)
        uow.cases.add(task)
        record(uow, case, "task_created", at=at, actor=actor, text=title)
        await uow.commit()
    return task


async def complete_task(uow: RoutingUow, complaint_id: UUID, task_id: UUID, *, actor: str,
                        outcome: str | None) -> CaseTask:
    at = datetime.now(UTC)
    async with uow:
        case = await uow.cases.get(complaint_id)
        task = await uow.cases.task(complaint_id, task_id)
        if task.done_at is not None:
            raise Conflict(f"task {task_id} was completed already")
        task.done_at, task.done_by, task.outcome = at, actor, outcome
        record(uow, case, "task_completed", at=at, actor=actor, text=task.title)
        await uow.commit()
    return task


async def request_information(uow: RoutingUow, complaint_id: UUID, *, actor: str, message: str) -> Case:
    """→ awaiting_customer (the SLA pauses); intake asks the customer."""
    at = datetime.now(UTC)
    async with uow:
        case = await uow.cases.get(complaint_id)
        lifecycle.advance(case.status, Status.AWAITING_CUSTOMER)
        uow.emit(ComplaintInformationRequestedV1(complaint_id=case.id, tenant=case.tenant, message=message,
                                                 agent_id=case.agent_id, occurred_at=at))
        move(uow, case, Status.AWAITING_CUSTOMER, at=at, actor=actor, reason="information requested")
        await uow.commit()
    return case


async def respond(uow: RoutingUow, complaint_id: UUID, body: ResponseIn, *, actor: str) -> CaseResponse:
    """Send a response, or hold it for a supervisor when the case is critical."""
    at = datetime.now(UTC)
    async with uow:
        case = await uow.cases.get(complaint_id)
        if not lifecycle.can_respond(case.status):
            raise IllegalTransition(case.status, Status.RESPONDED)
        message = body.message or await _rendered(uow, case, body)
        author = await uow.org.find_agent(actor)
        held = domain.needs_approval(priority=case.priority, actor_role=author.role if author else None,
                                     enabled=uow.context.settings.supervisor_approval)
        response = CaseResponse(id=uuid4(), complaint_id=case.id, message=message, template=body.template,
                                author=actor, state=PENDING if held else SENT, created_at=at)
        uow.cases.add(response)
        if held:
            record(uow, case, "response_pending", at=at, actor=actor, text=message)
        else:
            _send(uow, case, response, at=at, actor=actor)
        await uow.commit()
    return response


async def _rendered(uow: RoutingUow, case: Case, body: ResponseIn) -> str:
    agent = await uow.org.find_agent(case.agent_id) if case.agent_id else None
    category = uow.context.taxonomy.by_id.get(case.category or "")
    language = domain.template_language(case.language)
    variables = {"tracking_number": case.tracking_number, "agent_name": agent.name if agent else "",
                 "category": category.names.get(language, category.id) if category else (case.category or ""),
                 **body.variables}
    return domain.render(body.template or "", language=case.language, variables=variables)


def _send(uow: RoutingUow, case: Case, response: CaseResponse, *, at: datetime, actor: str) -> None:
    first = case.first_responded_at is None
    case.first_responded_at = case.first_responded_at or at
    uow.emit(ComplaintRespondedV1(complaint_id=case.id, tenant=case.tenant, message=response.message,
                                  first_response=first, agent_id=case.agent_id, occurred_at=at))
    record(uow, case, "responded", at=at, actor=actor, text=response.message, first_response=first)
    if case.status != Status.RESPONDED:
        move(uow, case, Status.RESPONDED, at=at, actor=actor, reason="response sent")


async def decide_response(uow: RoutingUow, complaint_id: UUID, response_id: UUID, *, actor: str, approve: bool,
                          note: str | None) -> CaseResponse:
    """A supervisor sends a held response (approve) or returns it to the agent (reject)."""
    at = datetime.now(UTC)
    async with uow:
        case = await uow.cases.get(complaint_id)
        response = await uow.cases.response(complaint_id, response_id)
        supervisor = await uow.org.find_agent(actor)
        domain.check_supervisor(actor, supervisor.role if supervisor else None)
        if response.state != PENDING:
            raise Conflict(f"response {response_id} is {response.state}, not pending")
        if approve and not lifecycle.can_respond(case.status):
            raise IllegalTransition(case.status, Status.RESPONDED)
        response.state = SENT if approve else REJECTED
        response.decided_by, response.decided_at, response.decision_note = actor, at, note
        if approve:
            _send(uow, case, response, at=at, actor=actor)
        else:
            record(uow, case, "response_rejected", at=at, actor=actor, text=note)
        await uow.commit()
    return response


async def resolve(uow: RoutingUow, complaint_id: UUID, body: ResolutionIn, *, actor: str) -> Case:
    """→ resolved, with the decision and its codes; the agent is free for the next case."""
    domain.check_code(body.resolution_code, domain.RESOLUTION_CODES, "resolution_code")
    domain.check_code(body.root_cause, domain.ROOT_CAUSES, "root_cause")
    at = datetime.now(UTC)
    async with uow:
        case = await uow.cases.get(complaint_id)
        lifecycle.advance(case.status, Status.RESOLVED)
        case.resolution, case.resolution_code, case.root_cause = body.resolution, body.resolution_code, body.root_cause
        case.resolved_at = at
        uow.emit(ComplaintResolvedV1(complaint_id=case.id, tenant=case.tenant, resolution=body.resolution,
                                     root_cause=body.root_cause, resolution_code=body.resolution_code,
                                     team_id=case.team_id, agent_id=case.agent_id, occurred_at=at))
        await assignment.let_go(uow, case, at=at)
        move(uow, case, Status.RESOLVED, at=at, actor=actor, reason=body.resolution_code)
        await uow.commit()
    return case
