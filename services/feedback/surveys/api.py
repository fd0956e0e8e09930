"""The survey's JSON API: read a survey by its link's token, answer it once."""

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, status

from services.feedback.deps import UowDep
from services.feedback.surveys import questions, service
from services.feedback.surveys.schemas import AnswerOut, QuestionOut, SurveyAnswerIn, SurveyOut
from shared.auth.deps import public
from shared.ratelimit import TOO_MANY_REQUESTS, public_rate_limit

# The survey link's token is the customer's only credential: anyone holding the link may read and answer it.
router = APIRouter(prefix="/v1/surveys", tags=["surveys"], dependencies=[Depends(public()), Depends(public_rate_limit)],
                   responses=TOO_MANY_REQUESTS)
SURVEY: dict[int | str, dict[str, Any]] = {404: {"description": "No survey has this link"},
                                           410: {"description": "The survey is no longer open"}}


@router.get("/{token}", responses=SURVEY)
async def get_survey(token: str, uow: UowDep) -> SurveyOut:
    view = await service.open_survey(uow, token=token)
    language = view.survey.language or uow.settings.survey_default_language
    words = questions.words(language)
    return SurveyOut(state=view.state, language=language, expires_at=view.survey.expires_at,
                     tracking_number=view.tracking_number, title=words["title"], comment_label=words["comment"],
                     questions=[QuestionOut(**asdict(q)) for q in questions.questions(language)])


@router.post("/{token}/answers", status_code=status.HTTP_201_CREATED,
             responses={**SURVEY, 409: {"description": "The survey has been answered already"}})
async def answer_survey(token: str, body: SurveyAnswerIn, uow: UowDep) -> AnswerOut:
    view = await service.answer_survey(uow, token=token, scores=body.scores())
    language = view.survey.language or uow.settings.survey_default_language
    return AnswerOut(state=view.state, message=questions.words(language)["thanks"])
