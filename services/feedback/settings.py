from typing import ClassVar

from pydantic import Field, SecretStr, model_validator

from services.feedback.analytics.settings import AnalyticsSettingsMixin
from services.feedback.evaluations.domain import DEFAULT_RULES, FollowUpRule
from shared.settings import ServiceSettings

DEVELOPMENT_SECRET = "redress-development-survey-secret"


class FeedbackSettings(AnalyticsSettingsMixin, ServiceSettings):
    service_name: ClassVar[str] = "feedback"

    port: int = Field(8004, ge=1, le=65535, description="HTTP port.")
    public_base_url: str = Field(
        "http://127.0.0.1:8004", description="Address customers reach this service at; survey links are this "
        "plus /s/{token}.")
    survey_secret: SecretStr = Field(
        SecretStr(DEVELOPMENT_SECRET), description="Key that signs survey links (HMAC-SHA256); the same on every "
        "replica. Set your own in production: links signed with another key are refused.")
    survey_delay_s: float = Field(86_400.0, ge=0, description="Seconds after a complaint is resolved before its "
                                  "survey is sent.")
    survey_valid_s: float = Field(1_209_600.0, gt=0, description="Seconds a survey link stays valid after it "
                                  "was sent.")
    survey_reminder_after_s: float = Field(
        259_200.0, ge=0, description="Seconds after sending before one reminder goes to a customer who has not "
        "answered (0: no reminder).")
    no_answer_close_after_s: float = Field(
        604_800.0, gt=0, description="Seconds after sending without an answer before the complaint is asked to "
        "close (close-requested, reason no_answer).")
    survey_default_language: str = Field(
        "zh", pattern="^(zh|en)$", description="Survey language when the complaint's locale and language are "
        "unknown: zh or en.")
    survey_poll_s: float = Field(30.0, gt=0, description="Longest sleep of the survey job when nothing is due "
                                 "sooner (surveys scheduled meanwhile wait at most this long).")
    survey_batch_size: int = Field(100, ge=1, le=1000, description="Due surveys one round of the survey job "
                                   "takes.")
    follow_up_rules: list[FollowUpRule] = Field(
        default_factory=lambda: list(DEFAULT_RULES), description="When an answer calls for a follow-up (回访): "
        "JSON list of {when: csat_at_most|nps_at_most|unsolved|angry_comment, threshold, action: "
        "follow_up_task|reopen}; reopen wins when several match; an answer no rule matches accepts the outcome.")

    @model_validator(mode="after")
    def _windows_fit(self) -> "FeedbackSettings":
        if self.no_answer_close_after_s > self.survey_valid_s:
            raise ValueError("no_answer_close_after_s must not exceed survey_valid_s")
        if self.survey_reminder_after_s >= self.no_answer_close_after_s:
            raise ValueError("survey_reminder_after_s must be shorter than no_answer_close_after_s")
        return self
