"""What the customer pages take in."""

from typing import Any

from pydantic import field_validator

from services.intake.schemas import ComplaintIn
from shared.contracts.complaint import Channel


class WebComplaintIn(ComplaintIn):
    """A complaint as the web form files it: the web channel, and nothing only an integrated frontend may set
    (a callback URL intake would call, attachments stored elsewhere, the frontend's own reference), since
    anyone can post this form."""

    @field_validator("channel")
    @classmethod
    def _web_only(cls, channel: Channel) -> Channel:
        if channel is not Channel.WEB:
            raise ValueError("the web form files complaints of the web channel only")
        return channel

    @field_validator("callback_url", "attachments", "external_ref")
    @classmethod
    def _not_from_the_form(cls, value: Any) -> Any:
        if value:
            raise ValueError("the web form does not take this field; a frontend sends it to POST /v1/complaints")
        return value
