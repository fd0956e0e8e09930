from typing import ClassVar

from pydantic import Field

from shared.settings import ServiceSettings


class FeedbackSettings(ServiceSettings):
    service_name: ClassVar[str] = "feedback"

    port: int = Field(8004, ge=1, le=65535, description="HTTP port.")
