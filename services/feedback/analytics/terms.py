"""Root-cause terms: the TF-IDF keywords and NMF topics that set a group of complaint texts apart from the rest.
Chinese text is cut into words with jieba. Pure CPU work: call it in a thread."""

import re
from collections.abc import Sequence
from dataclasses import dataclass

import jieba
import numpy as np
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[^\W\d_]{2,}|[\u4e00-\u9fff]+", re.UNICODE)
# Frequent Chinese function words, and the mask tokens contact data leaves behind.
_STOP = ENGLISH_STOP_WORDS | {"的", "了", "是", "我", "在", "也", "和", "就", "都", "而", "及", "与", "着", "或",
                              "请", "一个", "没有", "我们", "你们", "他们", "这个", "那个", "还", "又", "很",
                              "吗", "呢",
                              "email", "phone", "masked", "redacted"}


@dataclass(frozen=True)
class Term:
    term: str
    score: float


@dataclass(frozen=True)
class Topic:
    terms: list[str]
    weight: float


@dataclass(frozen=True)
class Characterisation:
    documents: int
    others: int
    terms: list[Term]
    topics: list[Topic]


def tokens(text: str) -> list[str]:
    """Words of English-like text (lower-cased) and jieba's words of Chinese runs, without stop words."""
    words: list[str] = []
    for piece in _WORD.findall(text.lower()):
        parts = jieba.lcut(piece) if _CJK.search(piece) else [piece]
        words += [w for w in parts if w.strip() and w not in _STOP and (len(w) > 1 or _CJK.match(w))]
    return words


def characterise(group: Sequence[str], rest: Sequence[str], *, top: int, topics: int) -> Characterisation:
    """Terms whose mean TF-IDF weight in `group` most exceeds their weight in `rest`, and NMF topics of `group`."""
    if not group:
        return Characterisation(0, len(rest), [], [])
    vectorizer = TfidfVectorizer(tokenizer=tokens, lowercase=False, token_pattern=None, sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform([*group, *rest])
    except ValueError:  # no word survived the stop list
        return Characterisation(len(group), len(rest), [], [])
    vocabulary = vectorizer.get_feature_names_out()
    mine = np.asarray(matrix[: len(group)].mean(axis=0)).ravel()
    theirs = np.asarray(matrix[len(group):].mean(axis=0)).ravel() if rest else np.zeros_like(mine)
    lift = mine - theirs
    order = [i for i in np.argsort(-lift, kind="stable") if lift[i] > 0][:top]
    terms = [Term(str(vocabulary[i]), round(float(lift[i]), 4)) for i in order]
    return Characterisation(len(group), len(rest), terms, _topics(matrix[: len(group)], vocabulary, topics))


def _topics(matrix, vocabulary, wanted: int) -> list[Topic]:
    count = min(wanted, matrix.shape[0], matrix.shape[1])
    if count < 1 or matrix.nnz == 0:
        return []
    model = NMF(n_components=count, init="nndsvda", random_state=0, max_iter=400)
    weights = model.fit_transform(matrix)
    total = float(weights.sum()) or 1.0
    found = []
    for index, component in enumerate(model.components_):
        words = [str(vocabulary[i]) for i in np.argsort(-component)[:6] if component[i] > 0]
        if words:
            found.append(Topic(words, round(float(weights[:, index].sum()) / total, 4)))
    return sorted(found, key=lambda t: -t.weight)
