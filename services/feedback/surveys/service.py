"""Use cases of surveys: schedule one when a complaint is resolved, do the due work (send, remind, close for no
answer, expire), show a survey by its link and take the customer's one answer."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.exc import IntegrityError

from services.feedback.cases.models import FeedbackCase
from services.feedback.evaluations import domain as evaluations
from services.feedback.evaluations.domain import Method, Scores
from services.feedback.evaluations.service import add_evaluation
from services.feedback.followups.service import act_on
from services.feedback.settings import FeedbackSettings
from services.feedback.surveys import domain, repository, tokens
from services.feedback.surveys.domain import State, Step
from services.feedback.surveys.models import Survey
from services.feedback.uow import FeedbackUow
from shared.contracts import Event
from shared.contracts.complaint import ComplaintCloseRequestedV1, Status
from shared.contracts.feedback import SurveyRequestedV1
from shared.errors import Conflict, NotFound


def timing(settings: FeedbackSettings) -> domain.Timing:
    return domain.Timing(delay_s=settings.survey_delay_s, valid_s=settings.survey_valid_s,
                         reminder_after_s=settings.survey_reminder_after_s,
                         close_after_s=settings.no_answer_close_after_s)


async def schedule_survey(uow: FeedbackUow, case: FeedbackCase, *, resolved_at: datetime) -> Survey | None:
    """A survey for this resolution, unless the case still has an open one. Runs in the handler's transaction."""
    latest = await uow.surveys.latest(case.complaint_id)
    if domain.is_open(latest):
        return None
    now = datetime.now(UTC)
    survey = Survey(id=uuid.uuid4(), complaint_id=case.complaint_id, tenant=case.tenant,
                    round=(latest.round + 1) if latest else 1, state=State.SCHEDULED, created_at=now,
                    send_at=domain.send_at(resolved_at, timing(uow.settings)))
    survey.next_due_at = survey.send_at
    uow.surveys.add(survey)
    return survey


async def cancel_open_survey(uow: FeedbackUow, complaint_id: UUID) -> None:
    """The case left `resolved` (reopened, withdrawn, merged): its unanswered survey no longer applies."""
    latest = await uow.surveys.latest(complaint_id)
    if latest is not None:
        domain.cancel(latest)


@dataclass(frozen=True)
class Round:
    done: int
    next_due_at: datetime | None


async def earliest_due(uow: FeedbackUow) -> datetime | None:
    async with uow.database.reading() as connection:
        return await repository.earliest_due(connection)


async def run_due(uow: FeedbackUow, *, now: datetime) -> Round:
    """One round of the survey job: claims up to a batch of due surveys, does their work, commits."""
    async with uow:
        surveys = await uow.surveys.claim_due(now, limit=uow.settings.survey_batch_size)
        for survey in surveys:
            await _advance(uow, survey, now)
        await uow.commit()
        next_due = await uow.surveys.next_due_at() if len(surveys) < uow.settings.survey_batch_size else now
        await uow.rollback()
    return Round(done=len(surveys), next_due_at=next_due)


async def _advance(uow: FeedbackUow, survey: Survey, now: datetime) -> None:
    step = domain.due_step(survey, now)
    case = await uow.cases.get(survey.complaint_id)
    if step == Step.SEND:
        default = uow.settings.survey_default_language
        survey.language = domain.language_for(case and case.locale, case and case.language, default=default)
        domain.mark_sent(survey, now, timing(uow.settings))
        uow.emit(_invitation(uow.settings, survey, now, reminder=False))
    elif step == Step.REMIND:
        survey.reminded_at = now
        uow.emit(_invitation(uow.settings, survey, now, reminder=True))
    elif step == Step.CLOSE_NO_ANSWER:
        survey.close_requested_at = now
        if case is None or case.status != Status.CLOSED:
            uow.emit(ComplaintCloseRequestedV1(complaint_id=survey.complaint_id, occurred_at=now,
                                               reason="no_answer", tenant=survey.tenant))
    elif step == Step.EXPIRE:
        survey.state = State.EXPIRED
    survey.next_due_at = domain.next_due(survey)


def _invitation(settings: FeedbackSettings, survey: Survey, now: datetime, *, reminder: bool) -> Event:
    assert survey.expires_at is not None
    return SurveyRequestedV1(complaint_id=survey.complaint_id, occurred_at=now, survey_url=survey_url(settings, survey),
                             expires_at=survey.expires_at, reminder=reminder, language=survey.language,
                             tenant=survey.tenant)


def survey_url(settings: FeedbackSettings, survey: Survey) -> str:
    assert survey.expires_at is not None
    token = tokens.sign(survey.id, survey.expires_at, secret=settings.survey_secret.get_secret_value())
    return f"{settings.public_base_url.rstrip('/')}/s/{token}"


@dataclass(frozen=True)
class SurveyView:
    survey: Survey
    state: str
    tracking_number: str | None


async def open_survey(uow: FeedbackUow, *, token: str) -> SurveyView:
    """The survey a link names: 404 if forged, 410 if expired or withdrawn; answered ones show as answered."""
    now = datetime.now(UTC)
    survey_id = tokens.verify(token, secret=uow.settings.survey_secret.get_secret_value(), now=now)
    async with uow:
        survey = await _survey(uow, survey_id)
        state = domain.public_state(survey, now)
        if state not in (State.SENT, State.ANSWERED):
            raise tokens.SurveyGone("this survey is no longer open", state=state)
        case = await uow.cases.get(survey.complaint_id)
    return SurveyView(survey=survey, state=state, tracking_number=case.tracking_number if case else None)


async def answer_survey(uow: FeedbackUow, *, token: str, scores: Scores) -> SurveyView:
    """The customer's one answer: stored, feedback.received emitted, and the follow-up rules acted on."""
    now = datetime.now(UTC)
    survey_id = tokens.verify(token, secret=uow.settings.survey_secret.get_secret_value(), now=now)
    evaluations.validate(scores)
    async with uow:
        survey = await _survey(uow, survey_id, lock=True)
        domain.check_answerable(survey, now)
        evaluation = add_evaluation(uow, complaint_id=survey.complaint_id, tenant=survey.tenant, method=Method.SURVEY,
                                    scores=scores, survey_id=survey.id, now=now)
        domain.mark_answered(survey, now)
        decision = evaluations.decide(scores, evaluation.sentiment, uow.settings.follow_up_rules)
        accepts = decision.action == evaluations.Action.ACCEPT
        if not (accepts and survey.close_requested_at):  # after the no-answer close, one close request is enough
            survey.close_requested_at = now if accepts else survey.close_requested_at
            act_on(uow, decision, complaint_id=survey.complaint_id, tenant=survey.tenant, evaluation_id=evaluation.id,
                   now=now)
        await _commit_once(uow)
    return SurveyView(survey=survey, state=State.ANSWERED, tracking_number=None)


async def _survey(uow: FeedbackUow, survey_id: UUID, *, lock: bool = False) -> Survey:
    survey = await uow.surveys.get(survey_id, lock=lock)
    if survey is None:
        raise NotFound("no survey has this link")
    return survey


async def _commit_once(uow: FeedbackUow) -> None:
    """Two answers racing on SQLite or across replicas: the unique survey id lets only the first one in."""
    try:
        await uow.commit()
    except IntegrityError:
        await uow.rollback()
        raise Conflict("this survey has already been answered") from None
