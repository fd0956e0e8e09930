from fastapi import FastAPI

from services.escalation import __doc__ as description
from services.escalation.api import router as sla_router
from services.escalation.handlers import HANDLERS
from services.escalation.ladder.api import router as ladder_router
from services.escalation.policies.api import router as policy_router
from services.escalation.reports.api import router as report_router
from services.escalation.settings import EscalationSettings
from services.escalation.timers import run_sla_timers
from services.escalation.uow import EscalationUow
from services.escalation.webhooks.api import webhook_router
from services.escalation.webhooks.delivery import deliver_webhooks
from shared.service_app import build_service_app


def create_app(settings: EscalationSettings | None = None) -> FastAPI:
    return build_service_app(settings or EscalationSettings(), description=description or "", handlers=HANDLERS,
                             routers=[sla_router, ladder_router, policy_router, report_router, webhook_router],
                             uow_class=EscalationUow, background=[run_sla_timers, deliver_webhooks])
