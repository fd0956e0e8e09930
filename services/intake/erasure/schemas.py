"""HTTP request and response of erasure."""

from pydantic import BaseModel, Field


class ErasureIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500, description="Why the data is erased, for the audit log "
                        "(e.g. the customer's request and its reference).",
                        examples=["GDPR art. 17 request, ticket 2291"])


class ErasureOut(BaseModel):
    customer_id: str
    complaints: int = Field(description="How many of the customer's complaints were erased.")
