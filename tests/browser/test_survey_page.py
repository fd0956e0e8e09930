"""The survey page in headless Chromium: a customer opens their link on a phone-sized screen, answers with the
keyboard and the mouse, submits, and sees the thank-you page; the answer is stored."""

from datetime import UTC, datetime

from sqlalchemy import select

from services.feedback.evaluations.models import Evaluation
from services.feedback.surveys import tokens
from services.feedback.surveys.models import Survey
from tests.browser.conftest import browser_page
from tests.integration.feedback.builders import a_received, a_resolved
from tests.integration.feedback.conftest import feedback_settings, running_feedback
from tests.support import produce_event, serving, started_producer, wait_until

SECRET = "integration-test-secret"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


async def sent_survey(service, complaint_id) -> Survey | None:
    async with service.database.reading() as connection:
        row = (await connection.execute(select(Survey.id, Survey.expires_at).where(
            Survey.complaint_id == complaint_id, Survey.state == "sent"))).first()
    return row


async def stored_answer(service, complaint_id):
    async with service.database.reading() as connection:
        return (await connection.execute(select(Evaluation).where(Evaluation.complaint_id == complaint_id))).first()


async def test_a_customer_answers_the_survey_in_a_browser(database_url, broker, chromium, artifacts):
    received = a_received(locale="zh-CN", language="zh")
    async with running_feedback(feedback_settings(database_url, broker.bootstrap)) as service, \
            serving(service.app) as base_url, browser_page(chromium, **PHONE) as page:
        async with started_producer(broker.bootstrap) as producer:
            await produce_event(producer, received)
            await produce_event(producer, a_resolved(received.complaint_id))
        survey = await wait_until(lambda: sent_survey(service, received.complaint_id), what="the survey sent")
        token = tokens.sign(survey.id, survey.expires_at, secret=SECRET)
        assert tokens.verify(token, secret=SECRET, now=datetime.now(UTC)) == survey.id

        response = await page.goto(f"{base_url}/s/{token}")
        assert response.status == 200
        assert await page.get_attribute("html", "lang") == "zh-CN"
        assert await page.locator("meta[name=viewport]").count() == 1
        assert await page.locator("fieldset legend").count() == 9
        await page.screenshot(path=str(artifacts / "survey-form.png"), full_page=True)

        # keyboard: into the CSAT group, then the arrow keys move the choice within it
        await page.get_by_role("radio", name="1").first.focus()
        await page.keyboard.press("ArrowRight")
        await page.keyboard.press("ArrowRight")
        await page.keyboard.press("ArrowRight")
        assert await page.locator("input[name=csat]:checked").get_attribute("value") == "4"
        # mouse: the yes/no question, NPS, CES and one dimension
        await page.get_by_role("radio", name="是").click()
        await page.locator("input[name=nps][value='9']").click()
        await page.locator("input[name=ces][value='6']").click()
        await page.locator("input[name='dimensions.attitude'][value='5']").click()
        await page.get_by_label("您还有什么想告诉我们的吗？（选填）").fill("处理得很及时，谢谢")
        await page.get_by_role("button", name="提交").click()

        await page.wait_for_selector("text=感谢您的反馈")
        assert await page.title() == "谢谢"
        await page.screenshot(path=str(artifacts / "survey-thanks.png"), full_page=True)
        answer = await wait_until(lambda: stored_answer(service, received.complaint_id), what="the answer stored")
        assert (answer.csat, answer.solved, answer.nps, answer.ces) == (4, True, 9, 6)
        assert answer.dimensions == {"attitude": 5} and answer.method == "survey"

        again = await page.goto(f"{base_url}/s/{token}")
        assert again.status == 409
        await page.screenshot(path=str(artifacts / "survey-used.png"), full_page=True)


async def test_missing_answers_are_pointed_out_on_the_page(database_url, broker, chromium, artifacts):
    received = a_received(locale="en-GB", language="en")
    async with running_feedback(feedback_settings(database_url, broker.bootstrap)) as service, \
            serving(service.app) as base_url, browser_page(chromium, **PHONE) as page:
        async with started_producer(broker.bootstrap) as producer:
            await produce_event(producer, received)
            await produce_event(producer, a_resolved(received.complaint_id))
        survey = await wait_until(lambda: sent_survey(service, received.complaint_id), what="the survey sent")
        await page.goto(f"{base_url}/s/{tokens.sign(survey.id, survey.expires_at, secret=SECRET)}")
        assert await page.get_attribute("html", "lang") == "en"
        await page.locator("input[name=nps][value='3']").click()
        await page.get_by_role("button", name="Send my answers").click()
        alert = page.get_by_role("alert")
        await alert.wait_for()
        assert "Please check your answers" in await alert.inner_text()
        assert await page.locator("fieldset[aria-invalid=true]").count() == 2
        assert await page.locator("input[name=nps][value='3']").is_checked()
        await page.screenshot(path=str(artifacts / "survey-errors.png"), full_page=True)
        assert await stored_answer(service, received.complaint_id) is None
