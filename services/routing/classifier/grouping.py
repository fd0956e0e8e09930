"""Near-duplicate groups, so template letters that differ only in names, dates or amounts never sit on both
sides of a held-out split.

Two texts are near-duplicates when their normalised fingerprints are equal (case, punctuation, digits and
redactions ignored) or when their word 5-shingles overlap by at least `threshold` (Jaccard). Candidate pairs
come from MinHash banding; each candidate is checked against the exact Jaccard before two groups merge.
"""

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from services.routing.classifier.text import CJK

SHINGLE = 5
BANDS, ROWS = 16, 4
_PRIME = (1 << 61) - 1
_WORD = re.compile(f"[{CJK}]|[^\\W\\d_]+")
_REDACTION = re.compile(r"^x{2,}$")


def words(text: str) -> list[str]:
    """The letters-only words of `text` (Chinese one character each), redactions left out."""
    lowered = unicodedata.normalize("NFKC", text).casefold()
    return [w for w in _WORD.findall(lowered) if not _REDACTION.match(w)]


def fingerprint(text: str) -> str:
    return hashlib.blake2b(" ".join(words(text)).encode(), digest_size=12).hexdigest()


def shingles(text: str) -> set[int]:
    tokens = words(text)
    if len(tokens) < SHINGLE:
        return {_hash(" ".join(tokens))}
    return {_hash(" ".join(tokens[i:i + SHINGLE])) for i in range(len(tokens) - SHINGLE + 1)}


def _hash(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=7).digest(), "big")


def _signature(values: set[int], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    array = np.fromiter(values, dtype=np.uint64, count=len(values))
    mixed = (array[:, None] * a[None, :] + b[None, :]) % np.uint64(_PRIME)
    return mixed.min(axis=0)


class _Groups:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def root(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        self.parent[self.root(i)] = self.root(j)


def near_duplicate_groups(texts: Sequence[str], *, threshold: float = 0.5) -> list[int]:
    """A group number for each text; near-duplicates share one."""
    groups = _Groups(len(texts))
    first_of: dict[str, int] = {}
    for i, text in enumerate(texts):
        groups.join(i, first_of.setdefault(fingerprint(text), i))
    sets = [shingles(text) for text in texts]
    for members in _buckets(sets).values():
        _join_similar(groups, sets, members, threshold)
    return [groups.root(i) for i in range(len(texts))]


def _buckets(sets: list[set[int]]) -> dict[tuple, list[int]]:
    rng = np.random.default_rng(0)
    # Multipliers stay below 2**31 and shingle hashes below 2**56, so products wrap modulo 2**64 the same way
    # on every machine; the hash is then only "random enough", which is all banding needs.
    a = rng.integers(1, 1 << 31, size=BANDS * ROWS, dtype=np.uint64)
    b = rng.integers(0, 1 << 31, size=BANDS * ROWS, dtype=np.uint64)
    buckets: dict[tuple, list[int]] = defaultdict(list)
    for i, values in enumerate(sets):
        signature = _signature(values, a, b)
        for band in range(BANDS):
            buckets[(band, *signature[band * ROWS:(band + 1) * ROWS].tolist())].append(i)
    return {key: members for key, members in buckets.items() if len(members) > 1}


def _join_similar(groups: _Groups, sets: list[set[int]], members: list[int], threshold: float) -> None:
    for index, i in enumerate(members):
        for j in members[index + 1:]:
            if groups.root(i) != groups.root(j) and _jaccard(sets[i], sets[j]) >= threshold:
                groups.join(i, j)


def _jaccard(left: set[int], right: set[int]) -> float:
    return len(left & right) / len(left | right)
