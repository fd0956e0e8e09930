"""How a QA sample is drawn. Pure: the eligible cases come in, the drawn ones go out."""

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

# Stored with every sample, so that a sample can be checked: the same rule, seed and eligible cases (ordered by
# complaint id) draw the same cases.
RULE = ("uniform-v1: random.Random(seed).sample of the cases last resolved in [period_start, period_end) that no "
        "earlier sample drew for the same resolution, ordered by complaint id")
MAX_SEED = 2**63 - 1


def draw(eligible: Sequence[T], *, size: int, seed: int) -> list[T]:
    """Up to `size` of `eligible` (already in a stable order), drawn uniformly without replacement, in the order
    drawn."""
    return random.Random(seed).sample(list(eligible), min(size, len(eligible)))
