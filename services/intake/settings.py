from typing import ClassVar

from pydantic import Field

from shared.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    service_name: ClassVar[str] = "intake"

    port: int = Field(8001, ge=1, le=65535, description="HTTP port.")
    duplicate_window_hours: float = Field(
        72.0, ge=0, description="A near-identical complaint from the same customer within this window is linked "
        "to the earlier one instead of opening a new case (0 turns it off).")
    repeat_window_days: float = Field(
        30.0, ge=0, description="A complaint from a customer with another complaint in this window is a repeat "
        "complaint (0 turns it off).")
    first_response_promise_hours: float = Field(
        24.0, gt=0, description="The first-response time promised in the acknowledgement until SLA clocks say more.")
    max_body_bytes: int = Field(1_048_576, ge=1024, description="Largest request body for one complaint.")
    max_batch_body_bytes: int = Field(16_777_216, ge=1024, description="Largest request body for a batch.")
