"""Options of the webhook deliveries, mixed into the escalation service's settings."""

from pydantic import BaseModel, Field, model_validator

DEFAULT_BACKOFF_S = (5.0, 60.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0)


class WebhookSettingsMixin(BaseModel):
    webhook_backoff_s: tuple[float, ...] = Field(
        DEFAULT_BACKOFF_S, min_length=0,
        description="Pauses before the retries of a failed webhook delivery, in seconds, as a JSON list; a "
        "delivery gets one try plus one retry per entry, then it has failed.")
    webhook_jitter: float = Field(0.2, ge=0, lt=1, description="Each retry pause varies at random by up to this "
                                  "fraction either way, so failed deliveries do not come back all at once.")
    webhook_timeout_s: float = Field(10.0, gt=0, description="How long one webhook request may take.")
    webhook_lease_s: float = Field(60.0, gt=0, description="A delivery taken for a try is left alone by other "
                                   "replicas this long; longer than webhook_timeout_s.")
    webhook_batch_size: int = Field(50, ge=1, le=1000, description="Deliveries sent at once by one replica.")
    webhook_poll_s: float = Field(1.0, gt=0, description="Longest pause of the delivery job before it looks "
                                  "for new deliveries; it wakes earlier when a retry falls due.")
    webhook_disable_after_failures: int = Field(
        5, ge=1, description="A subscription whose deliveries failed this many times in a row (every try of "
        "each) is disabled with a notice.")
    webhook_disable_after_s: float = Field(
        432_000.0, ge=0, description="A subscription failing without a single success for this long is disabled "
        "with a notice (0 turns it off).")
    webhook_rotation_grace_s: float = Field(
        86_400.0, ge=0, description="After a secret rotation the old secret keeps signing beside the new one "
        "this long, unless the request names another grace period.")

    @model_validator(mode="after")
    def _lease_outlasts_a_request(self) -> "WebhookSettingsMixin":
        if self.webhook_lease_s <= self.webhook_timeout_s:
            raise ValueError("webhook_lease_s must be longer than webhook_timeout_s")
        if any(pause < 0 for pause in self.webhook_backoff_s):
            raise ValueError("webhook_backoff_s pauses cannot be negative")
        return self
