"""The customer pages through HTTP: they render in Chinese and English, pick the language from ?lang= and then
Accept-Language, label every field, and point their scripts at public endpoints and fields that intake really
has. What the pages do in a browser is tested in tests/browser/test_customer_pages.py."""

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from services.intake.schemas import ComplaintIn
from tests.integration.intake.builders import a_submission

PAGES = ("/complain", "/track", "/complain/thanks?number=RD-7K3M-9QX2-T")
TITLES = {"zh": {"/complain": "提交投诉", "/track": "查询投诉进度", "/complain/thanks": "投诉已提交"},
          "en": {"/complain": "Make a complaint", "/track": "Track your complaint",
                 "/complain/thanks": "Your complaint is in"}}
HTML_LANG = {"zh": "zh-CN", "en": "en"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


class Page(HTMLParser):
    """The elements of a page, each with its attributes and the text inside it."""

    VOID = frozenset({"input", "meta", "link", "br", "img"})

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[Element] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.elements.append(element)
        if tag not in self.VOID:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self._open and self._open.pop().tag != tag:
            pass

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data

    def all(self, tag: str, **attrs: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag and all(e.attrs.get(k) == v for k, v in attrs.items())]

    def one(self, tag: str, **attrs: str) -> Element:
        found = self.all(tag, **attrs)
        assert len(found) == 1, f"{len(found)} × <{tag} {attrs}>"
        return found[0]


def parsed(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


async def page_of(intake, path: str, *, accept_language: str | None = None) -> Page:
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = await intake.client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return parsed(response.text)


def language_of(page: Page) -> str:
    return page.one("html").attrs["lang"]


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("path", PAGES)
async def test_each_page_renders_in_both_languages(intake, path, language):
    separator = "&" if "?" in path else "?"
    page = await page_of(intake, f"{path}{separator}lang={language}")
    assert language_of(page) == HTML_LANG[language]
    title = TITLES[language][path.split("?")[0]]
    assert page.one("h1").text == title and page.one("title").text.startswith(title)
    assert page.one("meta", name="viewport").attrs["content"] == "width=device-width, initial-scale=1"
    words = json.loads(page.one("script", id="page-words").text)
    assert words["track_title"] == TITLES[language]["/track"]
    assert not re.search(r"built-in method|object at 0x|\{\w+\}", page.one("body").text)
    other = "en" if language == "zh" else "zh"
    assert TITLES[other][path.split("?")[0]] not in page.one("main").text


async def test_the_language_comes_from_lang_then_accept_language_then_the_default(intake):
    cases = [("/complain?lang=zh-CN", "en-US", "zh-CN"), ("/complain?lang=EN", "zh", "en"),
             ("/complain", "zh-TW,zh;q=0.9,en;q=0.8", "zh-CN"), ("/complain", "fr-FR, en;q=0.5, zh;q=0.4", "en"),
             ("/complain", "en;q=0, zh", "zh-CN"), ("/complain?lang=fr", "zh-CN", "zh-CN"),
             ("/complain?lang=fr", "de, ja;q=0.5", "en"), ("/complain?lang=", None, "en"),
             ("/complain", "*;q=0.3, garbage;;q=x", "en"), ("/complain", "fr;q=0.9, " * 300 + "zh", "en"),
             ("/complain", "zh;q=0.9, " + "fr;q=0.8, " * 300, "zh-CN")]
    for path, accept_language, expected in cases:
        page = await page_of(intake, path, accept_language=accept_language)
        assert language_of(page) == expected, (path, accept_language)


async def test_the_language_switcher_links_the_same_page_in_the_other_language(intake):
    page = await page_of(intake, "/track?lang=zh&number=RD-7K3M-9QX2-T")
    switcher = page.all("a", hreflang="en") + page.all("a", hreflang="zh-CN")
    targets = {link.attrs["hreflang"]: parse_qs(urlsplit(link.attrs["href"]).query) for link in switcher}
    assert targets == {"en": {"number": ["RD-7K3M-9QX2-T"], "lang": ["en"]},
                       "zh-CN": {"number": ["RD-7K3M-9QX2-T"], "lang": ["zh"]}}
    assert page.one("a", hreflang="zh-CN").attrs.get("aria-current") == "true"
    assert page.one("nav", **{"aria-label": "语言"})


async def test_the_root_sends_the_customer_to_the_complaint_form(intake):
    plain = await intake.client.get("/")
    english = await intake.client.get("/?lang=en")
    assert (plain.status_code, plain.headers["location"]) == (303, "/complain")
    assert (english.status_code, english.headers["location"]) == (303, "/complain?lang=en")


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_every_field_of_the_forms_has_a_label_and_a_place_for_its_error(intake, language):
    for path in ("/complain", "/track"):
        page = await page_of(intake, f"{path}?lang={language}")
        labels = {label.attrs.get("for"): label.text.strip() for label in page.all("label") if label.attrs.get("for")}
        fields = [e for e in page.elements if e.tag in ("input", "textarea", "select")
                  and e.attrs.get("type") != "radio"]
        assert fields
        for element in fields:
            assert labels.get(element.attrs["id"]), f"{path}: #{element.attrs['id']} has no label"
            described = element.attrs["aria-describedby"].split()
            assert f"{element.attrs['id']}-error" in described
            assert page.one("p", id=f"{element.attrs['id']}-error").attrs.get("hidden") == ""
        for fieldset in page.all("fieldset"):
            assert "<legend>" in _inner_tags(page, fieldset)
        assert page.all("div", role="alert"), "no error summary"
        assert all(status.attrs.get("aria-live") == "polite" for status in page.all("p", role="status"))


def _inner_tags(page: Page, container: Element) -> str:
    start = page.elements.index(container)
    return "".join(f"<{e.tag}>" for e in page.elements[start + 1:start + 3])


async def test_the_complaint_form_asks_for_what_the_api_takes(intake):
    page = await page_of(intake, "/complain?lang=en")
    schema = ComplaintIn.model_json_schema()
    definitions = schema["$defs"]
    for element in page.all("input") + page.all("textarea"):
        path = element.attrs["name"].split(".")
        properties = schema["properties"]
        for part in path[:-1]:
            reference = properties[part].get("$ref") or properties[part]["anyOf"][0]["$ref"]
            properties = definitions[reference.rsplit("/", 1)[1]]["properties"]
        assert path[-1] in properties, f"the API has no field {element.attrs['name']}"
    assert {e.attrs["name"] for e in page.all("input", required="")} == {"subject", "consent.data_processing"}
    assert page.one("textarea", name="description").attrs.get("required") == ""
    assert page.one("input", name="customer.email").attrs["type"] == "email"
    assert page.one("input", name="customer.phone").attrs["type"] == "tel"
    assert page.one("input", name="subject").attrs["maxlength"] == "300"
    assert {e.attrs["value"] for e in page.all("input", name="kind")} == {"complaint", "suggestion", "praise"}
    script = (await intake.client.get("/pages/static/complain.js")).text
    assert 'R.call("POST", "/complain"' in script and '"Idempotency-Key"' in script and 'channel: "web"' in script


async def test_the_form_files_a_web_complaint_without_credentials(intake):
    body, key = a_submission(), {"Idempotency-Key": "form-key-1"}
    async with intake.anonymous() as browser:
        assert (await browser.post("/v1/complaints", json=body)).status_code == 401
        filed = await browser.post("/complain", json=body, headers=key)
        again = await browser.post("/complain", json=body, headers=key)
    assert filed.status_code == 201, filed.text
    assert again.json()["id"] == filed.json()["id"] and again.headers["idempotency-replayed"] == "true"
    stored = (await intake.client.get(f"/v1/complaints/{filed.json()['id']}")).json()
    assert (stored["channel"], stored["customer"]["email"]) == ("web", body["customer"]["email"])


async def test_the_form_takes_only_what_a_customer_may_set(intake):
    hook = {"callback_url": "https://example.com/hook"}
    attachment = {"attachments": [{"name": "a.pdf", "media_type": "application/pdf", "size": 1, "sha256": "0" * 64,
                                   "url": "https://example.com/a.pdf"}]}
    async with intake.anonymous() as browser:
        for overrides, field in (({"channel": "app"}, "channel"), (hook, "callback_url"),
                                 (attachment, "attachments"), ({"external_ref": "x-1"}, "external_ref")):
            response = await browser.post("/complain", json=a_submission(**overrides))
            assert response.status_code == 422, overrides
            assert [e["loc"] for e in response.json()["errors"]] == [["body", field]]
        assert (await browser.post("/complain", content="subject=x")).status_code == 415


async def test_the_tracking_page_acts_through_public_endpoints(intake):
    page = await page_of(intake, "/track?lang=en&number=RD-7K3M-9QX2-T")
    assert page.one("input", id="f-number").attrs["value"] == "RD-7K3M-9QX2-T"
    actions = {form.attrs["data-action"] for form in page.all("form") if "data-action" in form.attrs}
    assert actions == {"replies", "escalation", "withdrawal"}
    paths = (await intake.client.get("/openapi.json")).json()["paths"]
    for action in actions:
        assert "post" in paths[f"/v1/track/{{tracking_number}}/{action}"]
    assert "get" in paths["/v1/track/{tracking_number}"]
    script = (await intake.client.get("/pages/static/track.js")).text
    assert "/v1/track/${encodeURIComponent(number)}" in script


async def test_the_acknowledgement_shows_what_intake_answered(intake):
    ack = (await intake.client.post("/v1/complaints", json=a_submission())).json()
    query = {"lang": "zh", "number": ack["tracking_number"], "received": ack["received_at"],
             "by": ack["expected_response_by"]}
    response = await intake.client.get("/complain/thanks", params=query)
    page = parsed(response.text)
    assert page.one("p", id="tracking-number").text == ack["tracking_number"]
    assert page.one("button", id="copy-number").text == "复制编号"
    spoken = page.one("p", id="spelled").text
    assert ", ".join(" ".join(group) for group in ack["tracking_number"].split("-")) in spoken
    times = [t.attrs["datetime"] for t in page.all("time")]
    assert [t[:16] for t in times] == [ack["received_at"][:16], ack["expected_response_by"][:16]]
    assert "最迟于" in page.one("li", **{"class": "promise"}).text
    track = page.one("a", **{"class": "button"}).attrs["href"]
    assert parse_qs(urlsplit(track).query) == {"lang": ["zh"], "number": [ack["tracking_number"]]}
    assert not page.all("p", **{"class": "note"})
    linked = parsed((await intake.client.get("/complain/thanks", params={**query, "linked": "true"})).text)
    assert linked.one("p", **{"class": "note"})


async def test_an_acknowledgement_without_a_real_number_sends_the_customer_to_tracking(intake):
    for number in ("", "RD-7K3M-9QX2-X", "<script>"):
        response = await intake.client.get("/complain/thanks", params={"number": number, "lang": "en"})
        assert (response.status_code, response.headers["location"]) == (303, "/track?lang=en")
    garbled = await intake.client.get("/complain/thanks", params={"number": "RD-7K3M-9QX2-T", "by": "soon"})
    assert garbled.status_code == 200 and not parsed(garbled.text).all("time")


async def test_pages_load_nothing_from_elsewhere(intake):
    response = await intake.client.get("/complain")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["referrer-policy"] == "no-referrer"
    page = parsed(response.text)
    sources = [e.attrs["src"] for e in page.all("script") if "src" in e.attrs]
    sources += [e.attrs["href"] for e in page.all("link")]
    assert sources and all(source.startswith("/pages/static/") for source in sources)
    assert not re.search(r"style=\"", response.text), "inline styles are refused by the page's policy"
    for source in sources:
        asset = await intake.client.get(source)
        assert asset.status_code == 200
        assert asset.headers["content-type"].split(";")[0] in ("text/css", "text/javascript")


async def test_only_the_pages_own_static_files_are_served(intake):
    for name in ("nope.js", "..%2Fapi.py", "api.py", "%2e%2e%2fwords.py"):
        response = await intake.client.get(f"/pages/static/{name}")
        assert response.status_code == 404, name
        assert response.headers["content-type"] == "application/problem+json"
