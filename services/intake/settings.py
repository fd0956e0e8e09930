from typing import ClassVar

from pydantic import Field

from shared.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    service_name: ClassVar[str] = "intake"

    port: int = Field(8001, ge=1, le=65535, description="HTTP port.")
