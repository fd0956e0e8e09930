"""The four services as the CLI and the deployment see them: name, settings, app factory, migrations."""

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from services.escalation.settings import EscalationSettings
from services.feedback.settings import FeedbackSettings
from services.intake.settings import IntakeSettings
from services.routing.settings import RoutingSettings
from shared.settings import ServiceSettings

if TYPE_CHECKING:
    from fastapi import FastAPI

HERE = Path(__file__).parent


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    settings_cls: type[ServiceSettings]

    def create_app(self, settings: ServiceSettings | None = None) -> "FastAPI":
        """The service's app. Its module is imported here, not with the catalogue: every command of the CLI
        would otherwise load all four services' libraries (the classifier's and analytics' take seconds)."""
        module = importlib.import_module(f"services.{self.name}.app")
        return module.create_app(settings)

    @property
    def migrations_dir(self) -> Path:
        return HERE / self.name / "migrations"

    def settings(self, **overrides: object) -> ServiceSettings:
        return self.settings_cls(**overrides)


SERVICES: dict[str, ServiceSpec] = {
    spec.name: spec
    for spec in (
        ServiceSpec("intake", IntakeSettings),
        ServiceSpec("routing", RoutingSettings),
        ServiceSpec("escalation", EscalationSettings),
        ServiceSpec("feedback", FeedbackSettings),
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
