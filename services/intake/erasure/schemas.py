"""HTTP request and response of erasure."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field


class ErasureIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500, description="Why the data is erased, for the audit log "
                        "(e.g. the customer's request and its reference).",
                        examples=["GDPR art. 17 request, ticket 2291"])


class ErasureOut(BaseModel):
    customer_id: str
    complaints: int = Field(description="How many of the customer's complaints were erased.")


class ComplaintErasureOut(BaseModel):
    complaint_id: UUID
    tracking_number: str
    erased: bool = Field(description="Intake has erased the complaint's contact data and texts.")
    confirmed_by: dict[str, datetime] = Field(description="When each service confirmed its own erasure.")


class ErasureProgressOut(BaseModel):
    customer_id: str
    complete: bool = Field(description="Every service has erased every complaint of the customer.")
    services: dict[str, Literal["done", "pending"]] = Field(
        description="Per service: done when it has erased all of the customer's complaints.",
        examples=[{"intake": "done", "routing": "done", "escalation": "pending", "feedback": "done"}])
    complaints: list[ComplaintErasureOut]
