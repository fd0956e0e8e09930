"""Which REDRESS_* environment variables the services read: deployment files may set no other."""

from pydantic_settings import BaseSettings

from services.escalation.settings import EscalationSettings
from services.feedback.settings import FeedbackSettings
from services.intake.settings import IntakeSettings
from services.routing.settings import RoutingSettings
from shared.settings import ServiceSettings

SETTINGS: dict[str, type[ServiceSettings]] = {
    "intake": IntakeSettings, "routing": RoutingSettings, "escalation": EscalationSettings,
    "feedback": FeedbackSettings,
}


def _names(settings_cls: type[BaseSettings]) -> set[str]:
    return {name.upper() for name in settings_cls.model_fields}


def known_variables() -> set[str]:
    """REDRESS_<OPTION> for every option, REDRESS_<SERVICE>_<OPTION> for each service's own options."""
    variables = {f"REDRESS_{name}" for name in _names(ServiceSettings)}
    for service, settings_cls in SETTINGS.items():
        variables |= {f"REDRESS_{service.upper()}_{name}" for name in _names(settings_cls)}
    return variables


def default_port(service: str) -> int:
    return SETTINGS[service].model_fields["port"].default
