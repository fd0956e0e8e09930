from typing import ClassVar

from pydantic import Field

from services.escalation.webhooks.settings import WebhookSettingsMixin
from shared.settings import ServiceSettings


class EscalationSettings(WebhookSettingsMixin, ServiceSettings):
    service_name: ClassVar[str] = "escalation"

    port: int = Field(8003, ge=1, le=65535, description="HTTP port.")

    sla_timer_max_sleep_s: float = Field(1.0, gt=0, description="Longest pause of the SLA timer job before it "
                                         "looks for due clocks again; it wakes earlier when a clock falls due "
                                         "or changes in this process.")
    sla_timer_batch_size: int = Field(200, ge=1, le=10_000, description="Due clocks one replica claims and "
                                      "fires per transaction.")
    report_max_rows: int = Field(10_000, ge=1, description="Most groups an SLA report answers with.")
