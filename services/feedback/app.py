from fastapi import FastAPI

from services.feedback import __doc__ as description
from services.feedback.handlers import HANDLERS
from services.feedback.settings import FeedbackSettings
from shared.service_app import build_service_app


def create_app(settings: FeedbackSettings | None = None) -> FastAPI:
    return build_service_app(settings or FeedbackSettings(), description=description or "", handlers=HANDLERS)
