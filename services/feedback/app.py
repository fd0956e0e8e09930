from functools import partial

from fastapi import APIRouter, FastAPI

from services.feedback import __doc__ as description
from services.feedback.analytics.api import analytics_router
from services.feedback.analytics.jobs import analytics_jobs
from services.feedback.evaluations import api as evaluations_api
from services.feedback.evaluations.sentiment import warm_up
from services.feedback.followups import api as followups_api
from services.feedback.handlers import HANDLERS
from services.feedback.qa import api as qa_api
from services.feedback.settings import FeedbackSettings
from services.feedback.surveys import api as surveys_api
from services.feedback.surveys import page as survey_page
from services.feedback.surveys.job import survey_job
from services.feedback.uow import FeedbackUow
from shared.runtime import BackgroundJob
from shared.service_app import build_service_app

ROUTERS: list[APIRouter] = [survey_page.router, surveys_api.router, evaluations_api.router, followups_api.router,
                            qa_api.router, analytics_router]
BACKGROUND: list[BackgroundJob] = [survey_job, *analytics_jobs]


def create_app(settings: FeedbackSettings | None = None) -> FastAPI:
    settings = settings or FeedbackSettings()
    return build_service_app(settings, description=description or "", handlers=HANDLERS, routers=ROUTERS,
                             uow_class=partial(FeedbackUow, settings=settings), warm_ups=[warm_up],
                             background=BACKGROUND)
