"""What use cases need besides the database: settings, taxonomy and the classifier model, built once per app."""

import asyncio
from dataclasses import dataclass, field

from services.routing.settings import RoutingSettings
from services.routing.triage.model import ModelHolder
from services.routing.triage.taxonomy import DEFAULT_TAXONOMY, Taxonomy, load_taxonomy


@dataclass
class RoutingContext:
    settings: RoutingSettings
    taxonomy: Taxonomy
    models: ModelHolder
    # Set when a case starts waiting in a queue here: the queue sweep then looks again sooner.
    queued: asyncio.Event = field(default_factory=asyncio.Event)

    @classmethod
    def of(cls, settings: RoutingSettings) -> "RoutingContext":
        return cls(settings, load_taxonomy(settings.taxonomy_file or DEFAULT_TAXONOMY),
                   ModelHolder(settings.classifier_model_dir))
