"""The survey web page at /s/{token}: a server-rendered, mobile-friendly form in the customer's language.

Forms arrive url-encoded and are read here; the answer goes through the same use case as the JSON API. A
link that is forged, expired or already used gets a page that says so, with the status the API would give."""

from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.feedback.deps import UowDep
from services.feedback.evaluations.domain import Scores
from services.feedback.surveys import questions, service
from services.feedback.surveys.service import SurveyView
from shared.auth.deps import public
from shared.errors import Conflict, DomainError, InvalidInput
from shared.ratelimit import TOO_MANY_REQUESTS, public_rate_limit

router = APIRouter(tags=["survey page"], dependencies=[Depends(public()), Depends(public_rate_limit)],
                   responses=TOO_MANY_REQUESTS)
TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parents[1] / "templates"),
                        autoescape=select_autoescape(["html"]))
HTML_LANG = {"zh": "zh-CN", "en": "en"}
NOTICE_KEYS = {HTTPStatus.NOT_FOUND: "forged", HTTPStatus.GONE: "expired", HTTPStatus.CONFLICT: "used"}


@router.get("/s/{token}", response_class=HTMLResponse)
async def survey_page(token: str, uow: UowDep) -> HTMLResponse:
    try:
        view = await service.open_survey(uow, token=token)
    except DomainError as exc:
        return notice(NOTICE_KEYS.get(exc.status, "forged"), status=exc.status)
    if view.state == "answered":
        return notice("used", status=HTTPStatus.CONFLICT, language=view.survey.language)
    return form_page(view, language=_language(view, uow))


@router.post("/s/{token}", response_class=HTMLResponse)
async def submit_survey(token: str, request: Request, uow: UowDep) -> HTMLResponse:
    fields = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    answer = read_form({name: values[-1] for name, values in fields.items()})
    try:
        view = await service.open_survey(uow, token=token)
        if view.state == "answered":
            raise Conflict("this survey has already been answered")
        if answer.invalid:
            raise InvalidInput("some answers are missing or out of range")
        await service.answer_survey(uow, token=token, scores=answer.scores)
    except InvalidInput:
        return form_page(view, language=_language(view, uow), values=answer.values, errors=answer.invalid,
                         status=HTTPStatus.UNPROCESSABLE_ENTITY)
    except DomainError as exc:
        return notice(NOTICE_KEYS.get(exc.status, "forged"), status=exc.status)
    return notice("thanks", status=HTTPStatus.OK, language=_language(view, uow))


@dataclass(frozen=True)
class FormAnswer:
    scores: Scores
    values: dict[str, str]
    invalid: list[str]


def read_form(values: dict[str, str]) -> FormAnswer:
    """The scores a posted form holds, and the questions whose answers are missing or out of range."""
    numbers: dict[str, int | None] = {}
    invalid: list[str] = []
    for question in questions.questions("en"):
        raw = values.get(question.id, "").strip()
        if question.kind == "yes_no":
            if raw not in ("yes", "no"):
                invalid.append(question.id)
            continue
        number = int(raw) if raw.isdigit() else None
        if (raw and number is None) or (number is None and question.required) or (
                number is not None and not question.min <= number <= question.max):  # type: ignore[operator]
            invalid.append(question.id)
        numbers[question.id] = number
    dimensions = {k.split(".", 1)[1]: v for k, v in numbers.items() if k.startswith("dimensions.") and v}
    scores = Scores(csat=numbers.get("csat"), solved=values.get("solved") == "yes" if "solved" not in invalid
                    else None, nps=numbers.get("nps"), ces=numbers.get("ces"), dimensions=dimensions,
                    comment=values.get("comment") or None)
    return FormAnswer(scores=scores, values=values, invalid=invalid)


def form_page(view: SurveyView, *, language: str, values: dict[str, str] | None = None,
              errors: list[str] | None = None, status: int = HTTPStatus.OK) -> HTMLResponse:
    words = questions.words(language)
    tracking = view.tracking_number or ""
    return _render("survey.html", status, html_lang=HTML_LANG[language], page_title=words["title"], t=words,
                   intro=words["intro"].format(tracking=tracking).replace("  ", " "),
                   questions=questions.questions(language), values=values or {}, errors=errors or [])


def notice(key: str, *, status: int, language: str | None = None) -> HTMLResponse:
    """A page with one message; in both languages when the survey, and so its language, is unknown."""
    languages = [language] if language in HTML_LANG else ["zh", "en"]
    blocks = [{"lang": HTML_LANG[lang], "title": questions.words(lang)[f"{key}_title"],
               "text": questions.words(lang)[key], "alert": key != "thanks"} for lang in languages]
    return _render("notice.html", status, html_lang=blocks[0]["lang"], page_title=blocks[0]["title"],
                   blocks=blocks)


def _language(view: SurveyView, uow: Any) -> str:
    return view.survey.language or uow.settings.survey_default_language


def _render(name: str, status: int, **context: Any) -> HTMLResponse:
    return HTMLResponse(TEMPLATES.get_template(name).render(**context), status_code=int(status))
