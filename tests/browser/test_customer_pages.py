"""The customer pages in headless Chromium, against intake (and routing) running on the real broker: a customer
files a complaint in Chinese on a phone, reads the tracking number, follows the complaint and sees it change
once routing assigns it; the form shows the API's own refusals next to the fields; on the tracking page the
customer replies, asks for escalation and withdraws. Screenshots go to the artifacts folder."""

import contextlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from shared.contracts.complaint import TOPIC as COMPLAINT_TOPIC
from shared.contracts.feedback import TOPIC as FEEDBACK_TOPIC
from shared.contracts.sla import TOPIC as SLA_TOPIC
from tests.browser.conftest import browser_page
from tests.conftest import empty_database
from tests.e2e.conftest import FAST
from tests.integration.escalation.conftest import escalation_settings, running_escalation
from tests.integration.intake.builders import a_submission
from tests.integration.intake.conftest import Intake, running_intake
from tests.integration.routing.conftest import routing_settings, running_routing
from tests.support import authorised, group_at_end, serving, wait_until

TOPICS = (COMPLAINT_TOPIC, SLA_TOPIC, FEEDBACK_TOPIC)
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN"}
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}
NUMBER = re.compile(r"^RD-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$")


@dataclass
class Site:
    intake: Intake
    url: str
    bootstrap: str
    groups: dict[str, str]
    databases: dict[str, str]

    @contextlib.asynccontextmanager
    async def handling(self) -> AsyncIterator[None]:
        """Routing (with its demo organisation) and escalation, reading the topics from where they stood before
        the test: complaints get assigned and their service-level clocks start."""
        routing = routing_settings(self.databases["routing"], self.bootstrap, group=self.groups["routing"],
                                   demo_org=True, **FAST)
        escalation = escalation_settings(self.databases["escalation"], self.bootstrap,
                                         consumer_group=self.groups["escalation"], **FAST)
        async with running_routing(routing), running_escalation(escalation):
            yield


@contextlib.asynccontextmanager
async def customer_site(tmp_path: Path, bootstrap: str) -> AsyncIterator[Site]:
    """Intake served on a real port; the services that handle complaints are started when the test wants them.
    The browser sends no credentials (the customer has none); the test's own client to intake, which looks at
    what was filed as staff would, sends an admin key."""
    names = ("intake", "routing", "escalation")
    groups = {name: await group_at_end(bootstrap, TOPICS, prefix=f"pages-{name}-") for name in names}
    async with contextlib.AsyncExitStack() as stack:
        databases = {name: await stack.enter_async_context(empty_database(tmp_path, name)) for name in names}
        intake = await stack.enter_async_context(running_intake(
            databases["intake"], bootstrap, consumer_group=groups["intake"], **FAST, data_dir=tmp_path))
        await authorised(intake.client, databases["intake"], name="browser-tests")
        url = await stack.enter_async_context(serving(intake.app))
        yield Site(intake=intake, url=url, bootstrap=bootstrap, groups=groups, databases=databases)


@contextlib.asynccontextmanager
async def watched(page: Any) -> AsyncIterator[list[str]]:
    """Script errors and blocked content on the page fail the test."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", lambda message: problems.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield problems
    assert problems == []


# WCAG 2.1 contrast of every visible piece of text against the background it is drawn on (1.4.3, level AA).
CONTRAST = """() => {
  const rgb = (css) => (css.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => [r, g, b].map((c) => c / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const colour = rgb(getComputedStyle(el).backgroundColor);
      if (colour.length === 3 || colour[3] > 0) return colour.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const failures = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.checkVisibility() || el.disabled) continue;
    const [a, b] = [luminance(rgb(getComputedStyle(el).color)), luminance(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const where = `${el.tagName}#${el.id}.${el.className}`;
    if (ratio < 4.5) failures.push(`${where} ${ratio.toFixed(2)}: ${el.textContent.trim()}`);
  }
  return failures;
}"""


async def refreshed_until(page: Any, status: str, *, kind: str | None = None, row: str | None = None
                          ) -> list[str] | None:
    """Presses Refresh and waits for its answer: what the page announced, once it shows `status` (and a step of
    `kind`, and the promised date of `row`)."""
    await page.get_by_role("button", name="刷新").click()
    await page.locator("#refresh[aria-busy=false]").wait_for()
    if await page.locator("#progress-status").inner_text() != status:
        return None
    if kind is not None and await page.locator(f"#history li[data-kind={kind}]").count() != 1:
        return None
    if row is not None and not await page.locator(f"#{row}").is_visible():
        return None
    return [await page.locator("#progress-announce").inner_text()]


async def test_a_customer_complains_in_chinese_and_sees_the_complaint_assigned(tmp_path, broker, chromium,
                                                                              artifacts):
    async with customer_site(tmp_path, broker.bootstrap) as site, browser_page(chromium, **PHONE) as page, \
            watched(page):
        form = await page.goto(f"{site.url}/")
        assert form.status == 200 and page.url.endswith("/complain")
        assert await page.get_attribute("html", "lang") == "zh-CN"  # from the browser's Accept-Language
        await page.get_by_label("标题").fill("快递三周未送达")
        await page.get_by_label("详细描述").fill("我在 11 月 1 日下的订单 88231 至今没有送到，客服电话一直打不通。")
        await page.get_by_label("您希望我们怎么做？").fill("尽快发货或者退款")
        await page.get_by_label("涉及的产品或服务").fill("快递配送")
        await page.get_by_label("姓名").fill("张伟")
        await page.get_by_label("电子邮箱").fill("zhang.wei@example.com")
        await page.get_by_label("手机号码").fill("138 0013 8000")
        await page.get_by_label("我同意为处理本投诉而使用我提供的信息").check()
        await page.screenshot(path=str(artifacts / "complaint-form-zh.png"), full_page=True)
        await page.get_by_role("button", name="提交投诉").click()

        await page.wait_for_url("**/complain/thanks?**")
        assert await page.title() == "投诉已提交 · Redress 客户服务"
        number = (await page.locator("#tracking-number").inner_text()).strip()
        assert NUMBER.match(number), number
        assert "已受理" in await page.locator(".timeline").inner_text()
        assert await page.locator(".timeline .promise time").get_attribute("datetime")
        assert await page.get_by_role("button", name="复制编号").is_visible()
        await page.screenshot(path=str(artifacts / "complaint-thanks-zh.png"), full_page=True)
        assert await page.evaluate(CONTRAST) == []
        filed = (await site.intake.client.get("/v1/complaints", params={"channel": "web"})).json()["items"]
        assert [(c["tracking_number"], c["subject"]) for c in filed] == [(number, "快递三周未送达")]

        await page.locator("main").get_by_role("link", name="查询进度").click()
        await page.wait_for_url("**/track?**")
        assert await page.get_by_label("查询编号").input_value() == number
        await page.get_by_label("电子邮箱或手机号后 4 位").fill("8000")
        await page.get_by_role("button", name="查询").click()
        await page.locator("#progress").wait_for()
        assert await page.locator("#progress-status").inner_text() == "已受理"
        assert await page.locator("#progress-subject").inner_text() == "快递三周未送达"
        assert await page.evaluate("document.activeElement.id") == "progress-subject"
        assert await page.locator("#row-reply-by").is_visible()  # the acknowledgement's promise
        assert await page.locator("#row-escalated").is_hidden()
        await page.screenshot(path=str(artifacts / "tracking-received-zh.png"), full_page=True)

        async with site.handling():
            # the first answer that shows the new status says so in the live region
            announced = await wait_until(lambda: refreshed_until(page, "处理中"), within=60, interval=0.5,
                                         what="the tracking page showing the complaint being handled")
            assert announced == ["状态已更新：处理中"]
            await wait_until(lambda: refreshed_until(page, "处理中", kind="assigned", row="row-resolve-by"),
                             within=60, interval=0.5, what="the tracking page showing the complaint assigned "
                             "and the date it will be resolved by")
        assert "专业团队正在处理您的投诉" in await page.locator("#history").inner_text()
        assert await page.locator("#progress-resolve-by time").get_attribute("datetime")
        await page.screenshot(path=str(artifacts / "tracking-assigned-zh.png"), full_page=True)


async def test_the_form_shows_its_own_and_the_apis_refusals_next_to_the_fields(tmp_path, broker, chromium,
                                                                               artifacts):
    async with customer_site(tmp_path, broker.bootstrap) as site, browser_page(chromium, **DESKTOP) as page, \
            watched(page):
        await page.goto(f"{site.url}/complain?lang=en")
        await page.keyboard.press("Tab")  # without a mouse: the skip link first, then the form
        assert await page.evaluate("document.activeElement.className") == "skip"
        await page.keyboard.press("Enter")
        assert await page.evaluate("document.activeElement.id") == "main"
        await page.get_by_label("Subject").press("Enter")
        summary = page.get_by_role("alert")
        await summary.wait_for()
        assert await page.locator("[aria-invalid=true]").count() == 4  # subject, description, contact, consent
        assert await page.evaluate("document.activeElement.id") == "f-subject"
        assert "Give an e-mail address or a phone number." in await summary.inner_text()

        await page.get_by_label("Subject").fill("Charged twice")
        await page.get_by_label("What happened").fill("Order 88231 was charged twice on my card.")
        await page.get_by_label("E-mail address").fill("ann@example")  # a browser's e-mail, not the API's
        await page.get_by_label("I agree that the information I give is used").check()
        # the page files through its own POST /complain: a page can hold no API key for POST /v1/complaints
        async with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/complain")) \
                as answer:
            await page.get_by_role("button", name="Send my complaint").click()
        assert (await answer.value).status == 422
        error = page.locator("#f-customer-email-error")
        await error.wait_for()
        assert await error.inner_text() == "Enter a valid e-mail address, like name@example.com."
        assert await page.get_by_label("E-mail address").get_attribute("aria-invalid") == "true"
        assert await page.locator("[aria-invalid=true]").count() == 1
        assert await page.evaluate("document.activeElement.id") == "f-customer-email"
        await page.screenshot(path=str(artifacts / "complaint-form-422-en.png"), full_page=True)
        assert await page.evaluate(CONTRAST) == []
        listed = await site.intake.client.get("/v1/complaints")
        assert listed.json()["items"] == []

        await page.get_by_label("E-mail address").fill("ann@example.com")
        await page.get_by_role("button", name="Send my complaint").click()
        await page.wait_for_url("**/complain/thanks?**")
        assert len((await site.intake.client.get("/v1/complaints")).json()["items"]) == 1


async def test_the_customer_replies_asks_for_escalation_and_withdraws(tmp_path, broker, chromium, artifacts):
    async with customer_site(tmp_path, broker.bootstrap) as site, browser_page(chromium, **DESKTOP) as page, \
            watched(page):
        filed = await site.intake.client.post("/v1/complaints", json=a_submission(), headers={"Idempotency-Key":
                                                                                               "pages-actions"})
        assert filed.status_code == 201, filed.text
        number = filed.json()["tracking_number"]
        await page.goto(f"{site.url}/track?lang=en&number={number.lower()}")
        await page.get_by_label("E-mail address or last 4 digits").fill("9999")
        await page.get_by_role("button", name="Look it up").click()
        error = page.locator("#f-verification-error")
        await error.wait_for()
        assert await error.inner_text() == ("No complaint matches this tracking number and verification. "
                                            "Please check both.")
        await page.get_by_label("E-mail address or last 4 digits").fill("0100")
        await page.get_by_label("E-mail address or last 4 digits").press("Enter")
        await page.locator("#progress").wait_for()
        assert await page.locator("#progress-number").inner_text() == number
        assert await page.locator("#progress-status").inner_text() == "Received"
        assert "0100" not in page.url and "number=" in page.url

        reply = page.locator("#reply-form")
        await reply.get_by_label("Your message").fill("The second charge is 42.50, on 12 November.")
        await reply.get_by_role("button", name="Send reply").click()
        await reply.get_by_text("Your reply has been sent.").wait_for()
        await page.locator("#history li[data-kind=customer_reply]").wait_for()  # the page reloads the history
        last = page.locator("#history li").last
        assert await last.get_attribute("data-kind") == "customer_reply"
        assert "The second charge is 42.50, on 12 November." in await last.inner_text()
        assert await reply.get_by_label("Your message").input_value() == ""

        escalate = page.locator("#escalate-form")
        await escalate.get_by_label("Why").fill("Nobody has called me back.")
        await escalate.get_by_role("button", name="Ask for escalation").click()
        await escalate.get_by_text("We have your request for escalation.").wait_for()
        await page.locator("#row-escalation-requested").wait_for()
        assert await page.locator("#history li").last.get_attribute("data-kind") == "escalation_request"
        await escalate.get_by_label("Why").fill("Still nothing.")
        await escalate.get_by_role("button", name="Ask for escalation").click()
        await escalate.get_by_role("alert").wait_for()
        assert "you can ask again from" in await escalate.get_by_role("alert").inner_text()
        await page.screenshot(path=str(artifacts / "tracking-actions-en.png"), full_page=True)
        assert await page.evaluate(CONTRAST) == []

        withdraw = page.locator("#withdraw-form")
        await withdraw.get_by_role("button", name="Withdraw the complaint").click()
        await withdraw.get_by_role("alert").wait_for()
        assert await page.evaluate("document.activeElement.id") == "f-withdraw-confirm"
        await withdraw.get_by_label("I want to withdraw this complaint").check()
        await withdraw.get_by_role("button", name="Withdraw the complaint").click()
        await page.locator("#final-note").wait_for()
        assert await page.locator("#progress-status").inner_text() == "Withdrawn"
        assert await page.locator("#actions").is_hidden()
        await page.screenshot(path=str(artifacts / "tracking-withdrawn-en.png"), full_page=True)
        tracked = await site.intake.client.get(f"/v1/track/{number}", params={"verification": "0100"})
        assert tracked.json()["status"] == "withdrawn"
        assert [s["kind"] for s in tracked.json()["history"]] == ["received", "customer_reply", "escalation_request",
                                                                  "withdrawn"]


pytestmark = pytest.mark.slow
