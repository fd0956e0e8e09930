"""Where the keys of the contact data come from: the pii_keys setting or, while that is empty, a key generated once
in the data directory, so that development needs no configuration and no two installations share a key."""

import logging
import os
from pathlib import Path
from uuid import uuid4

from cryptography.fernet import Fernet

from services.intake.encryption import PiiCipher
from services.intake.settings import IntakeSettings

log = logging.getLogger(__name__)

KEY_FILE = "intake-pii.key"


class NoKeys(ValueError):
    """No keys are configured and there is no key file to read, where making one would lose the data."""


def pii_cipher(settings: IntakeSettings, *, generate: bool = True) -> PiiCipher:
    return PiiCipher(pii_keys(settings, generate=generate))


def pii_keys(settings: IntakeSettings, *, generate: bool = True) -> list[str]:
    """The configured keys, newest first; else those of the key file (one a line, newest first), which is made
    if absent and `generate` allows it. Tools that encrypt data the service must read later (the migration, the
    rotation) pass False: a key they made where the service does not look, such as a job's scratch volume,
    would leave the data unreadable."""
    if settings.pii_keys:
        return [key.get_secret_value() for key in settings.pii_keys]
    path = key_file(settings)
    if not path.exists():
        if not generate:
            raise NoKeys(f"REDRESS_INTAKE_PII_KEYS is not set and {path} does not exist: set the keys the intake "
                         "service uses")
        _generate(path)
    if not settings.resolved_database_url.startswith("sqlite"):
        log.warning("REDRESS_INTAKE_PII_KEYS is not set: contact data is encrypted with the key in %s; every "
                    "replica sharing this database needs the same keys", path)
    return read_key_file(path)


def key_file(settings: IntakeSettings) -> Path:
    return settings.data_dir / KEY_FILE


def read_key_file(path: Path) -> list[str]:
    keys = [line.strip() for line in path.read_text(encoding="ascii").splitlines() if line.strip()]
    if not keys:
        raise ValueError(f"{path} holds no key; delete it to have one generated")
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ValueError(f"line {number} of {path} is not a Fernet key") from None
    return keys


def _generate(path: Path) -> None:
    """Write a new key where no process has written one yet. The key goes to a file of its own first and is then
    linked into place, which fails if another process won the race: everyone ends up reading the same key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{uuid4().hex}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as out:
            out.write(Fernet.generate_key().decode("ascii") + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.link(draft, path)
        log.warning("generated a new key for customers' contact data in %s; keep it (and back it up): without "
                    "it the contact data cannot be read", path)
    except FileExistsError:
        pass
    finally:
        draft.unlink(missing_ok=True)
