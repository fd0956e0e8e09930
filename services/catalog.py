"""The four services as the CLI and the deployment see them: name, settings, app factory, migrations."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from services.escalation.app import create_app as escalation_app
from services.escalation.settings import EscalationSettings
from services.feedback.app import create_app as feedback_app
from services.feedback.settings import FeedbackSettings
from services.intake.app import create_app as intake_app
from services.intake.settings import IntakeSettings
from services.routing.app import create_app as routing_app
from services.routing.settings import RoutingSettings
from shared.settings import ServiceSettings

HERE = Path(__file__).parent


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    settings_cls: type[ServiceSettings]
    create_app: Callable[..., FastAPI]

    @property
    def migrations_dir(self) -> Path:
        return HERE / self.name / "migrations"

    def settings(self, **overrides: object) -> ServiceSettings:
        return self.settings_cls(**overrides)


SERVICES: dict[str, ServiceSpec] = {
    spec.name: spec
    for spec in (
        ServiceSpec("intake", IntakeSettings, intake_app),
        ServiceSpec("routing", RoutingSettings, routing_app),
        ServiceSpec("escalation", EscalationSettings, escalation_app),
        ServiceSpec("feedback", FeedbackSettings, feedback_app),
    )
}


def pick(names: list[str] | None) -> list[ServiceSpec]:
    """The named services, or all of them; unknown names are an error that lists the known ones."""
    if not names:
        return list(SERVICES.values())
    unknown = [n for n in names if n not in SERVICES]
    if unknown:
        raise ValueError(f"unknown service {', '.join(unknown)}; choose from {', '.join(SERVICES)}")
    return [SERVICES[n] for n in names]
