"""The classifier that classifies: the active version of the routing database (services/routing/classifier/
versions), else the model folder of the settings, else none (keyword rules classify)."""

import logging
from pathlib import Path

from services.routing.triage.domain import TextModel

log = logging.getLogger(__name__)


class ModelHolder:
    """Holds the model in use (or None: keyword rules classify) and, when it came from the database, its version
    id, so a replica can tell cheaply whether another version became active."""

    def __init__(self, model_dir: Path | None) -> None:
        self.model_dir = model_dir
        self.model: TextModel | None = None
        self.version_id: int | None = None

    def load(self) -> None:
        if self.model_dir is None:
            return
        from services.routing.classifier import TextClassifier

        self.model = TextClassifier.load(self.model_dir)
        log.info("classifier model %s loaded from %s", self.model.version, self.model_dir)

    def use(self, version_id: int, model: TextModel) -> None:
        self.model, self.version_id = model, version_id
        log.info("classifier version %s (model %s) in use", version_id, model.version)
