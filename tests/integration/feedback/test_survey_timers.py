"""The survey job on the real broker and database: one reminder, then close-requested(no_answer) when the
customer never answers; nothing of the kind after an answer or a reopen."""

from datetime import timedelta

from services.feedback.surveys.models import Survey
from shared.contracts.complaint import ComplaintCloseRequestedV1, ComplaintStatusChangedV1, Status
from shared.contracts.feedback import SurveyRequestedV1
from tests.integration.feedback.builders import a_received, a_resolved
from tests.integration.feedback.conftest import feedback_settings, running_feedback
from tests.support import produce_event, started_producer, wait_until


async def test_no_answer_gets_one_reminder_then_asks_to_close(database_url, broker, event_log):
    settings = feedback_settings(database_url, broker.bootstrap, survey_reminder_after_s=0.3,
                                 no_answer_close_after_s=0.8, survey_valid_s=1.2)
    async with running_feedback(settings) as feedback:
        received = a_received()
        async with started_producer(broker.bootstrap) as producer:
            await produce_event(producer, received)
            await produce_event(producer, a_resolved(received.complaint_id))
        [close] = await event_log.wait_for(received.complaint_id, ComplaintCloseRequestedV1)
        assert close.reason == "no_answer"
        first, reminder = event_log.of(received.complaint_id, SurveyRequestedV1)
        assert (first.reminder, reminder.reminder) == (False, True)
        assert first.survey_url == reminder.survey_url and first.expires_at == reminder.expires_at
        assert close.occurred_at - first.occurred_at >= timedelta(seconds=0.8)
        await wait_until(lambda: feedback.count(Survey, Survey.complaint_id == received.complaint_id,
                                                Survey.state == "expired"), what="the survey expired")
    assert len(event_log.of(received.complaint_id, SurveyRequestedV1)) == 2
    assert len(event_log.of(received.complaint_id, ComplaintCloseRequestedV1)) == 1


async def test_a_reopened_case_has_its_unanswered_survey_cancelled(database_url, broker, event_log):
    settings = feedback_settings(database_url, broker.bootstrap, survey_delay_s=3600)
    async with running_feedback(settings) as feedback:
        received = a_received()
        async with started_producer(broker.bootstrap) as producer:
            await produce_event(producer, received)
            await produce_event(producer, a_resolved(received.complaint_id))
            await produce_event(producer, ComplaintStatusChangedV1(
                complaint_id=received.complaint_id, from_status=Status.RESOLVED, to_status=Status.REOPENED))
        await wait_until(lambda: feedback.count(Survey, Survey.complaint_id == received.complaint_id,
                                                Survey.state == "cancelled", Survey.next_due_at.is_(None)),
                         what="the survey cancelled")
        async with started_producer(broker.bootstrap) as producer:
            await produce_event(producer, a_resolved(received.complaint_id))
        await wait_until(lambda: _surveys(feedback, received.complaint_id, count=2),
                         what="a new survey for the new resolution")
        assert await feedback.count(Survey, Survey.complaint_id == received.complaint_id,
                                    Survey.state == "scheduled") == 1


async def _surveys(feedback, complaint_id, *, count: int) -> bool:
    return await feedback.count(Survey, Survey.complaint_id == complaint_id) == count
