from fastapi import FastAPI

from services.escalation import __doc__ as description
from services.escalation.handlers import HANDLERS
from services.escalation.settings import EscalationSettings
from shared.service_app import build_service_app


def create_app(settings: EscalationSettings | None = None) -> FastAPI:
    return build_service_app(settings or EscalationSettings(), description=description or "", handlers=HANDLERS)
