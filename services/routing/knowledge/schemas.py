"""HTTP shape of knowledge-base suggestions."""

from uuid import UUID

from pydantic import BaseModel


class SuggestionOut(BaseModel):
    complaint_id: UUID
    tracking_number: str
    subject: str
    category: str | None
    resolution: str | None
    resolution_code: str | None
    root_cause: str | None
    similarity: float
    responses: list[str]
