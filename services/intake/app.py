from fastapi import FastAPI

from services.intake import __doc__ as description
from services.intake.api import BATCH_PATH, router, track_router
from services.intake.erasure.api import router as erasure_router
from services.intake.erasure.job import erase_expired_complaints
from services.intake.handlers import HANDLERS
from services.intake.language import load_detector
from services.intake.notifications.api import router as notifications_router
from services.intake.notifications.delivery import deliver_notifications
from services.intake.pages.api import router as pages_router
from services.intake.pii_keys import pii_cipher
from services.intake.settings import IntakeSettings
from services.intake.uow import uow_factory
from shared.service_app import build_service_app


def create_app(settings: IntakeSettings | None = None) -> FastAPI:
    settings = settings or IntakeSettings()
    return build_service_app(settings, description=description or "", handlers=HANDLERS,
                             routers=[router, track_router, notifications_router, pages_router, erasure_router],
                             uow_class=uow_factory(pii_cipher(settings)),
                             max_body_bytes=settings.max_body_bytes,
                             larger_bodies={BATCH_PATH: settings.max_batch_body_bytes}, warm_ups=[load_detector],
                             background=[deliver_notifications, erase_expired_complaints])
