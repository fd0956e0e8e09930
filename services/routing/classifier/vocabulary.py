"""Counting words and adjacent word pairs against a fixed vocabulary, in bulk.

Words are looked up once each; word pairs are never built as strings: a pair is the number
`first_id * size + second_id`, found among the known pairs with one sorted search over the whole batch.
A pair seen in at least `min_df` texts has both its words in at least `min_df` texts, so counting pairs
of known words only loses nothing.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain, repeat

import numpy as np
import scipy.sparse as sp

UNKNOWN = -1


def _is_redaction(word: str) -> bool:
    return len(word) > 1 and not word.strip("x")


class WordVocabulary:
    """Words and word pairs found in at least `min_df` training texts; columns: words first, then pairs."""

    def __init__(self, token_lists: Sequence[list[str]], *, min_df: int) -> None:
        frequent = Counter(chain.from_iterable(set(tokens) for tokens in token_lists))
        kept = sorted(w for w, n in frequent.items() if n >= min_df and not _is_redaction(w))
        self.words: dict[str, int] = {word: i for i, word in enumerate(kept)}
        pair_df = Counter(chain.from_iterable(set(self._pair_keys(self._ids(t)).tolist()) for t in token_lists))
        self.pairs = np.array(sorted(k for k, n in pair_df.items() if n >= min_df), dtype=np.int64)

    @property
    def size(self) -> int:
        return len(self.words) + len(self.pairs)

    def names(self) -> list[str]:
        words = list(self.words)
        pairs = [f"{words[k // len(words)]} {words[k % len(words)]}" for k in self.pairs.tolist()]
        return words + pairs

    def _ids(self, tokens: Iterable[str]) -> np.ndarray:
        return np.array(list(map(self.words.get, tokens, repeat(UNKNOWN))), dtype=np.int64)

    def _pair_keys(self, ids: np.ndarray) -> np.ndarray:
        first, second = ids[:-1], ids[1:]
        both = (first >= 0) & (second >= 0)
        return first[both] * len(self.words) + second[both]

    def counts(self, token_lists: Sequence[list[str]]) -> sp.csr_matrix:
        """Counts of words and word pairs, one row a text."""
        lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
        ids = self._ids(chain.from_iterable(token_lists))
        rows = np.repeat(np.arange(len(token_lists)), lengths)
        known = ids >= 0
        pairs = known[:-1] & known[1:] & (rows[:-1] == rows[1:])
        keys = ids[:-1][pairs] * len(self.words) + ids[1:][pairs]
        slots = np.minimum(np.searchsorted(self.pairs, keys), max(len(self.pairs) - 1, 0))
        found = self.pairs[slots] == keys if len(self.pairs) else np.zeros(len(keys), dtype=bool)
        columns = np.concatenate([ids[known], len(self.words) + slots[found]])
        owners = np.concatenate([rows[known], rows[:-1][pairs][found]])
        data = np.ones(len(columns), dtype=np.float32)
        matrix = sp.csr_matrix((data, (owners, columns)), shape=(len(token_lists), self.size))
        matrix.sum_duplicates()
        return matrix
