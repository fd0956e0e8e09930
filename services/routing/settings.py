import json
from pathlib import Path
from typing import Annotated, ClassVar

from pydantic import Field, field_validator
from pydantic_settings import NoDecode

from shared.settings import ServiceSettings


class RoutingSettings(ServiceSettings):
    service_name: ClassVar[str] = "routing"

    port: int = Field(8002, ge=1, le=65535, description="HTTP port.")
    taxonomy_file: Path | None = Field(
        None, description="YAML file of the taxonomy (categories, sub-categories, names and keywords in English "
        "and Chinese); default: the shipped taxonomy of a general business.")
    classifier_model_dir: Path | None = Field(
        None, description="Folder of a trained classifier model; while unset, keyword rules of the taxonomy "
        "classify. An active classifier version in the database takes precedence.")
    classifier_poll_s: float = Field(
        10.0, gt=0, description="How often a replica looks for a newly activated classifier version.")
    classifier_max_training_texts: int = Field(
        200_000, ge=1, description="Most labelled texts (stored labels plus base data) one retraining takes.")
    triage_confidence_threshold: float = Field(
        0.5, ge=0, le=1, description="A category guessed with less confidence goes to the human triage queue.")
    high_value_tiers: Annotated[list[str], NoDecode] = Field(
        ["gold", "platinum", "vip"], description="Customer tiers served by the priority queue (account "
        "managers) and raised one priority level; comma-separated or a JSON list.")
    demo_org: bool = Field(
        True, description="Create a demo organisation (teams and agents in English and Chinese on duty around "
        "the clock) at start-up if it is missing, so complaints are assigned at once; turn it off in production.")
    queue_sweep_s: float = Field(
        30.0, gt=0, description="Longest pause between two looks at cases waiting in queues (for skill "
        "relaxation and agents whose shift began).")
    supervisor_approval: bool = Field(
        True, description="Responses to critical cases wait for a team lead's, manager's or director's approval.")

    @field_validator("high_value_tiers", mode="before")
    @classmethod
    def _split_tiers(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            return json.loads(text) if text.startswith("[") else [t.strip() for t in text.split(",") if t.strip()]
        return value

    @field_validator("high_value_tiers")
    @classmethod
    def _lower_tiers(cls, value: list[str]) -> list[str]:
        return [tier.lower() for tier in value]
