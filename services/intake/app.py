from fastapi import FastAPI

from services.intake import __doc__ as description
from services.intake.handlers import HANDLERS
from services.intake.settings import IntakeSettings
from shared.service_app import build_service_app


def create_app(settings: IntakeSettings | None = None) -> FastAPI:
    return build_service_app(settings or IntakeSettings(), description=description or "", handlers=HANDLERS)
