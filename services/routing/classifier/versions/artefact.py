"""A version's artefact: the fitted pipeline and its manifest as joblib bytes (zlib), with a SHA-256 checksum
that loading checks."""

import hashlib
import io
from typing import TYPE_CHECKING

import joblib

if TYPE_CHECKING:
    from services.routing.classifier.classifier import TextClassifier


class DamagedArtefact(Exception):
    """The stored bytes do not match their checksum."""


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def dump(classifier: "TextClassifier") -> bytes:
    buffer = io.BytesIO()
    joblib.dump({"pipeline": classifier.pipeline, "manifest": classifier.manifest, "metrics": classifier.metrics},
                buffer, compress=("zlib", 3))
    return buffer.getvalue()


def load(data: bytes, *, expected_checksum: str) -> "TextClassifier":
    if checksum(data) != expected_checksum:
        raise DamagedArtefact(f"artefact checksum {checksum(data)[:12]}… is not the stored {expected_checksum[:12]}…")
    from services.routing.classifier.classifier import TextClassifier

    stored = joblib.load(io.BytesIO(data))
    return TextClassifier(stored["pipeline"], stored["manifest"], stored["metrics"])
