import json
from typing import Annotated, ClassVar

from cryptography.fernet import Fernet
from pydantic import Field, IPvAnyNetwork, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode

from services.intake.domain import CallbackPolicy
from shared.contracts.base import DEFAULT_TENANT
from shared.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    service_name: ClassVar[str] = "intake"

    port: int = Field(8001, ge=1, le=65535, description="HTTP port.")
    tenant: str = Field(DEFAULT_TENANT, min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$",
                        description="The tenant of complaints filed through intake's own web form, which has no "
                        "caller (the API files each complaint under its caller's tenant); stamped on each complaint "
                        "and its complaint.received event, where SLA policies can match it.")
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
    escalation_request_interval_hours: float = Field(
        24.0, ge=0, description="A customer may ask for their complaint to be escalated at most once in this many "
        "hours (0: no limit).")

    smtp_host: str = Field("", description="SMTP server that sends e-mail to customers; empty turns the e-mail "
                           "channel off (e-mail notifications are then recorded as skipped).")
    smtp_port: int = Field(587, ge=1, le=65535, description="SMTP port.")
    smtp_sender: str = Field("Redress <no-reply@localhost>", description="From address of e-mail to customers.")
    smtp_username: str = Field("", description="SMTP login; empty: no login.")
    smtp_password: SecretStr = Field(SecretStr(""), description="SMTP password.")
    smtp_starttls: bool = Field(True, description="Upgrade the SMTP connection with STARTTLS.")
    webhook_secret: SecretStr = Field(
        SecretStr(""), description="Standard Webhooks signing secret (whsec_ and base64) of the webhooks sent to "
        "complaints' callback URLs; empty turns the webhook channel off (recorded as skipped).")
    callback_url_allowed_hosts: list[str] = Field(
        default_factory=list, description="Host names (glob patterns such as *.example.com) that callback URLs may "
        "point at; empty: any host with a public address. Checked on submit and again before each webhook.")
    callback_url_allowed_networks: list[IPvAnyNetwork] = Field(
        default_factory=list, description="Private, loopback or link-local networks (e.g. 10.20.0.0/16) that "
        "callback URLs may reach all the same; empty: only public addresses (no SSRF into this network).")
    callback_url_require_https: bool = Field(True, description="Callback URLs must use https (turn off only for "
                                             "local development and tests).")
    notification_timeout_s: float = Field(10.0, gt=0, description="Longest wait for an SMTP server or a webhook "
                                          "receiver on one try.")
    notification_max_attempts: int = Field(6, ge=1, description="Tries before a notification is marked failed.")
    notification_backoff_s: float = Field(30.0, gt=0, description="Wait before the second try; doubles on each "
                                          "further try.")
    notification_backoff_max_s: float = Field(3600.0, gt=0, description="Longest wait between two tries.")
    notification_batch_size: int = Field(50, ge=1, le=1000, description="Notifications one round of the delivery "
                                         "job takes.")
    notification_lease_s: float = Field(120.0, gt=0, description="A taken notification is not taken again for "
                                        "this long, so a replica that dies while sending leaves it to another.")
    notification_poll_s: float = Field(5.0, gt=0, description="Longest sleep of the delivery job when nothing "
                                       "is due sooner.")
    retention_days: int = Field(
        0, ge=0, description="Complaints resolved, closed or withdrawn longer ago than this many days have their "
        "personal data erased, as on the customer's request; 0 keeps them for ever (the legal period differs by "
        "country and sector, so the operator chooses it).")
    retention_days_by_tenant: dict[str, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict, description="Retention of particular tenants, as a JSON object of tenant to days "
        "(0: for ever); the tenants it leaves out keep retention_days.")
    pii_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list, description="Fernet keys that encrypt customers' contact data at rest, newest first, "
        "comma-separated or a JSON list: the first encrypts, every one decrypts. Empty: a key generated once in "
        "data_dir/intake-pii.key (every replica must use the same keys).")

    @field_validator("callback_url_allowed_hosts")
    @classmethod
    def _host_patterns(cls, patterns: list[str]) -> list[str]:
        cleaned = [p.strip().rstrip(".").lower() for p in patterns]
        if not all(cleaned):
            raise ValueError("an allowed callback host cannot be empty")
        return cleaned

    @field_validator("pii_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            return json.loads(text) if text.startswith("[") else [k.strip() for k in text.split(",") if k.strip()]
        return value

    @field_validator("pii_keys")
    @classmethod
    def _fernet_keys(cls, keys: list[SecretStr]) -> list[SecretStr]:
        for position, key in enumerate(keys, start=1):
            try:
                Fernet(key.get_secret_value())
            except ValueError:
                raise ValueError(f"PII key {position} is not a Fernet key (32 url-safe base64-encoded bytes)") from None
        return keys

    def callback_policy(self) -> CallbackPolicy:
        return CallbackPolicy(allowed_hosts=tuple(self.callback_url_allowed_hosts),
                              allowed_networks=tuple(self.callback_url_allowed_networks),
                              require_https=self.callback_url_require_https)

    @model_validator(mode="after")
    def _lease_outlasts_a_try(self) -> "IntakeSettings":
        if self.notification_lease_s <= self.notification_timeout_s:
            raise ValueError("notification_lease_s must be longer than notification_timeout_s")
        return self
