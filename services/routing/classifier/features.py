"""Features of a text: TF-IDF of words and word pairs, and TF-IDF of the character n-grams of its words.

Counting every character n-gram of a text in Python costs about 1 ms for an 800-character complaint. The character
n-grams of a word never change, so they are worked out once per word of the training vocabulary, as a sparse
word-by-n-gram matrix: a text's n-gram counts are then its word counts times that matrix, one sparse product.
Words never seen in training add no n-grams (they have no row), just as they add no word feature.
"""

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfTransformer

from services.routing.classifier.text import Tokeniser, learn_lexicon
from services.routing.classifier.vocabulary import WordVocabulary


def char_ngrams(word: str, low: int, high: int) -> list[str]:
    padded = f" {word} "
    return [padded[i:i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1)]


class TextFeatures(BaseEstimator, TransformerMixin):
    """Words, word pairs and in-word character n-grams, each block TF-IDF weighted and L2-normalised."""

    def __init__(self, *, min_df: int = 2, char_range: tuple[int, int] = (2, 4), char_weight: float = 1.0,
                 lexicon_min_count: int = 2) -> None:
        self.min_df = min_df
        self.char_range = char_range
        self.char_weight = char_weight
        self.lexicon_min_count = lexicon_min_count

    def fit(self, texts: Sequence[str], y: object = None) -> "TextFeatures":
        self.tokeniser_ = Tokeniser(learn_lexicon(texts, min_count=self.lexicon_min_count))
        tokens = [self.tokeniser_(text) for text in texts]
        self.vocabulary_ = WordVocabulary(tokens, min_df=self.min_df)
        counts = self.vocabulary_.counts(tokens)
        self.word_tfidf_ = TfidfTransformer(sublinear_tf=True).fit(counts)
        self._fit_chars()
        self.char_tfidf_ = TfidfTransformer(sublinear_tf=True).fit(self._char_counts(counts))
        return self

    def _fit_chars(self) -> None:
        low, high = self.char_range
        grams: dict[str, int] = {}
        rows, cols = [], []
        for word, index in self.vocabulary_.words.items():
            for gram in set(char_ngrams(word, low, high)):
                rows.append(index)
                cols.append(grams.setdefault(gram, len(grams)))
        shape = (self.vocabulary_.size, len(grams))
        data = np.ones(len(rows), dtype=np.float32)
        self.word_grams_ = sp.csr_matrix((data, (rows, cols)), shape=shape)

    def _char_counts(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        return (counts @ self.word_grams_).tocsr()

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        counts = self.vocabulary_.counts([self.tokeniser_(text) for text in texts])
        words = self.word_tfidf_.transform(counts)
        chars = self.char_tfidf_.transform(self._char_counts(counts)) * self.char_weight
        return sp.hstack([words, chars], format="csr")
