from fastapi import FastAPI

from services.routing import __doc__ as description
from services.routing.handlers import HANDLERS
from services.routing.settings import RoutingSettings
from shared.service_app import build_service_app


def create_app(settings: RoutingSettings | None = None) -> FastAPI:
    return build_service_app(settings or RoutingSettings(), description=description or "", handlers=HANDLERS)
