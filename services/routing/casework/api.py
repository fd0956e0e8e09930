"""Routes of case work for agents and supervisors. An agent, or a supervisor confined to queues, reaches only the
cases in view (casework/visibility.py). Who acts: `actor` of the body, else X-Actor, else the authenticated caller."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query

from services.routing.cases.repository import CaseFilter
from services.routing.casework import domain, holds, service, supervision
from services.routing.casework.access import CaseSupervisor, CaseWorker, check_in_view
from services.routing.casework.schemas import (
    ActionIn,
    AssignmentIn,
    CaseDetailOut,
    CaseOut,
    CasePage,
    CaseSummaryOut,
    ClassificationIn,
    CodesOut,
    DecisionIn,
    HoldIn,
    HoldOut,
    HoldReleaseIn,
    InformationRequestIn,
    MergeIn,
    NoteIn,
    NoteOut,
    ReopenIn,
    ResolutionIn,
    ResponseIn,
    ResponseOut,
    TaskDoneIn,
    TaskIn,
    TaskOut,
    TemplateOut,
)
from services.routing.deps import StaffCaller, UowDep
from shared.auth.visibility import case_view
from shared.contracts.complaint import Priority, Status

router = APIRouter(prefix="/v1", tags=["cases"])
CASE: dict[int | str, dict[str, Any]] = {404: {"description": "No case of this complaint"}}
CASE_WORK: dict[int | str, dict[str, Any]] = {**CASE, 409: {"description": "The case's state does not allow this"}}
DECISION: dict[int | str, dict[str, Any]] = {**CASE_WORK, 403: {"description": "The actor is no supervisor"}}


def named(body: ActionIn | None) -> str | None:
    return body.actor if body else None


@router.get("/cases", summary="List cases, newest first, with filters and cursor paging")
async def list_cases(
    uow: UowDep, caller: StaffCaller, status: Status | None = None, team_id: str | None = Query(None, max_length=64),
    agent_id: str | None = Query(None, max_length=64), priority: Priority | None = None,
    category: str | None = Query(None, max_length=60), needs_triage: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50, cursor: str | None = Query(None, max_length=500),
) -> CasePage:
    where = CaseFilter(status=status, team_id=team_id, agent_id=agent_id, priority=priority, category=category,
                       needs_triage=needs_triage, view=case_view(caller.principal))
    async with uow:
        cases, next_cursor = await uow.cases.page(where, limit=limit, cursor=cursor)
        return CasePage(items=[CaseSummaryOut.model_validate(c) for c in cases], next_cursor=next_cursor)


@router.get("/cases/{complaint_id}", responses=CASE, summary="A case with its history, notes, tasks and responses")
async def get_case(complaint_id: UUID, uow: UowDep, _: CaseWorker) -> CaseDetailOut:
    async with uow:
        case = await uow.cases.get(complaint_id)
        base = CaseOut.model_validate(case).model_dump()
        return CaseDetailOut.model_validate({
            **base, "history": await uow.cases.history(case.id), "notes": await uow.cases.notes(case.id),
            "tasks": await uow.cases.tasks(case.id), "responses": await uow.cases.responses(case.id)})


@router.post("/cases/{complaint_id}/acceptance", responses=CASE_WORK, summary="Accept an assigned case (→ in_progress)")
async def accept(complaint_id: UUID, uow: UowDep, caller: CaseWorker,
                 body: ActionIn | None = None) -> CaseOut:
    return CaseOut.model_validate(await service.accept(uow, complaint_id, actor=caller.acting(named(body))))


@router.post("/cases/{complaint_id}/notes", responses=CASE, status_code=201, summary="Add an internal note")
async def add_note(complaint_id: UUID, body: NoteIn, uow: UowDep, caller: CaseWorker) -> NoteOut:
    note = await service.add_note(uow, complaint_id, actor=caller.acting(named(body)), text=body.text)
    return NoteOut.model_validate(note)


@router.post("/cases/{complaint_id}/tasks", responses=CASE_WORK, status_code=201, summary="Add an investigation task")
async def add_task(complaint_id: UUID, body: TaskIn, uow: UowDep, caller: CaseWorker) -> TaskOut:
    task = await service.add_task(uow, complaint_id, actor=caller.acting(named(body)), title=body.title,
                                  assignee=body.assignee)
    return TaskOut.model_validate(task)


@router.post("/cases/{complaint_id}/tasks/{task_id}/completion", summary="Complete an investigation task",
             responses=CASE_WORK)
async def complete_task(complaint_id: UUID, task_id: UUID, uow: UowDep, caller: CaseWorker,
                        body: TaskDoneIn | None = None) -> TaskOut:
    task = await service.complete_task(uow, complaint_id, task_id, actor=caller.acting(named(body)),
                                       outcome=body.outcome if body else None)
    return TaskOut.model_validate(task)


@router.post("/cases/{complaint_id}/information-requests", responses=CASE_WORK,
             summary="Ask the customer for information (→ awaiting_customer)")
async def request_information(complaint_id: UUID, body: InformationRequestIn, uow: UowDep,
                              caller: CaseWorker) -> CaseOut:
    case = await service.request_information(uow, complaint_id, actor=caller.acting(named(body)),
                                             message=body.message)
    return CaseOut.model_validate(case)


@router.post("/cases/{complaint_id}/hold", responses=CASE_WORK,
             summary="Put the case on hold while it waits on a third party (the SLA clocks pause)")
async def hold(complaint_id: UUID, body: HoldIn, uow: UowDep, caller: CaseWorker) -> HoldOut:
    return await holds.hold(uow, complaint_id, body, actor=caller.acting(named(body)))


@router.post("/cases/{complaint_id}/hold/release", responses=CASE_WORK,
             summary="Release the case from hold (the SLA clocks run again)")
async def release_hold(complaint_id: UUID, uow: UowDep, caller: CaseWorker,
                       body: HoldReleaseIn | None = None) -> HoldOut:
    return await holds.release(uow, complaint_id, actor=caller.acting(named(body)),
                               reason=body.reason if body else None)


@router.post("/cases/{complaint_id}/responses", responses=CASE_WORK, status_code=201,
             summary="Respond to the customer (→ responded); critical cases wait for a supervisor's approval")
async def respond(complaint_id: UUID, body: ResponseIn, uow: UowDep, caller: CaseWorker) -> ResponseOut:
    response = await service.respond(uow, complaint_id, body, actor=caller.acting(named(body)))
    return ResponseOut.model_validate(response)


@router.post("/cases/{complaint_id}/responses/{response_id}/approval", summary="Send a held response",
             responses=DECISION)
async def approve(complaint_id: UUID, response_id: UUID, uow: UowDep, caller: CaseSupervisor,
                  body: DecisionIn | None = None) -> ResponseOut:
    response = await service.decide_response(uow, complaint_id, response_id, actor=caller.acting(named(body)),
                                             approve=True, note=body.note if body else None)
    return ResponseOut.model_validate(response)


@router.post("/cases/{complaint_id}/responses/{response_id}/rejection", summary="Return a held response",
             responses=DECISION)
async def reject(complaint_id: UUID, response_id: UUID, uow: UowDep, caller: CaseSupervisor,
                 body: DecisionIn | None = None) -> ResponseOut:
    response = await service.decide_response(uow, complaint_id, response_id, actor=caller.acting(named(body)),
                                             approve=False, note=body.note if body else None)
    return ResponseOut.model_validate(response)


@router.post("/cases/{complaint_id}/resolution", summary="Resolve with a resolution and root-cause code",
             responses=CASE_WORK)
async def resolve(complaint_id: UUID, body: ResolutionIn, uow: UowDep, caller: CaseWorker) -> CaseOut:
    return CaseOut.model_validate(await service.resolve(uow, complaint_id, body, actor=caller.acting(named(body))))


@router.post("/cases/{complaint_id}/assignment", summary="Assign or reassign by hand (counts a transfer)",
             responses=CASE_WORK)
async def reassign(complaint_id: UUID, body: AssignmentIn, uow: UowDep, caller: CaseSupervisor) -> CaseOut:
    case = await supervision.reassign(uow, complaint_id, body, actor=caller.acting(named(body)))
    return CaseOut.model_validate(case)


@router.post("/cases/{complaint_id}/merge", summary="Merge this duplicate into another case and close it",
             responses=CASE_WORK)
async def merge(complaint_id: UUID, body: MergeIn, uow: UowDep, caller: CaseWorker) -> CaseOut:
    await check_in_view(uow, case_view(caller.principal), body.into_complaint_id)
    case = await supervision.merge(uow, complaint_id, into=body.into_complaint_id, actor=caller.acting(named(body)))
    return CaseOut.model_validate(case)


@router.post("/cases/{complaint_id}/reopening", summary="Reopen a resolved case (→ reopened → assigned)",
             responses=CASE_WORK)
async def reopen(complaint_id: UUID, body: ReopenIn, uow: UowDep, caller: CaseWorker) -> CaseOut:
    case = await supervision.reopen(uow, complaint_id, reason=body.reason, actor=caller.acting(named(body)))
    return CaseOut.model_validate(case)


@router.post("/cases/{complaint_id}/classification", responses=CASE_WORK,
             summary="Set the category by hand; kept as a label for retraining the classifier")
async def reclassify(complaint_id: UUID, body: ClassificationIn, uow: UowDep,
                     caller: CaseWorker) -> CaseOut:
    case = await supervision.reclassify(uow, complaint_id, body, actor=caller.acting(named(body)))
    return CaseOut.model_validate(case)


@router.get("/response-templates", summary="Response templates in English and Chinese")
async def templates(_: StaffCaller) -> list[TemplateOut]:
    return [TemplateOut(id=key, texts=texts) for key, texts in domain.TEMPLATES.items()]


@router.get("/codes", summary="Resolution and root-cause codes")
async def codes(_: StaffCaller) -> CodesOut:
    return CodesOut(resolution_codes=domain.RESOLUTION_CODES, root_causes=domain.ROOT_CAUSES)
