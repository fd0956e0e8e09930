"""Rules of classifier versions, without I/O: which states exist, when a retrained version may become active,
and which side of the held-out split a text falls on."""

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

CANDIDATE, ACTIVE, RETIRED, REJECTED = "candidate", "active", "retired", "rejected"
STATES = (CANDIDATE, ACTIVE, RETIRED, REJECTED)
HOLDOUT_SHARE = 5   # one near-duplicate group in five is held out


class TooLittleData(ValueError):
    """The texts cannot give a model and a held-out measurement."""


@dataclass(frozen=True)
class LabelledTexts:
    texts: list[str]
    labels: list[str]


@dataclass(frozen=True)
class Decision:
    activate: bool
    reason: str


def decide(new_macro_f1: float, active_macro_f1: float | None, *, active_id: int | None = None) -> Decision:
    """A new version becomes active unless it scores worse (macro-F1 on the same held-out texts) than the active
    one; with no active version (keyword rules classify) it becomes active."""
    if active_macro_f1 is None:
        return Decision(True, f"no active version: the new one (held-out macro-F1 {new_macro_f1:.4f}) replaces the "
                              "keyword rules")
    name = f"version {active_id}" if active_id is not None else "the active version"
    if new_macro_f1 >= active_macro_f1:
        return Decision(True, f"held-out macro-F1 {new_macro_f1:.4f} >= {active_macro_f1:.4f} of {name}")
    return Decision(False, f"held-out macro-F1 {new_macro_f1:.4f} < {active_macro_f1:.4f} of {name}: "
                           f"{name} stays active")


def held_out(groups: Sequence[int], fingerprints: Sequence[str]) -> list[bool]:
    """For each text, whether it is held out. A whole near-duplicate group goes to one side, chosen by a hash of
    its smallest fingerprint: the split stays the same from one retraining to the next, so no version was ever
    trained on the texts the next one is measured on."""
    members: dict[int, list[str]] = defaultdict(list)
    for group, fingerprint in zip(groups, fingerprints, strict=True):
        members[group].append(fingerprint)
    side = {group: int(hashlib.blake2b(min(prints).encode(), digest_size=4).hexdigest(), 16) % HOLDOUT_SHARE == 0
            for group, prints in members.items()}
    return [side[group] for group in groups]
