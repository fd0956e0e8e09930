"""Tables of the routing database: cases and their work (services/routing/cases/models.py), teams and agents
(services/routing/org/models.py), routing rules and their audit (services/routing/rules/models.py), classifier
versions (services/routing/classifier/versions/models.py). Importing this module registers them all on
`metadata`, which the migrations compare against. The messaging tables (outbox, inbox) come from
shared.messaging.tables."""

import services.routing.cases.models
import services.routing.classifier.versions.models
import services.routing.org.models
import services.routing.rules.models  # noqa: F401
from services.routing.base import Base, metadata

__all__ = ["Base", "metadata"]
