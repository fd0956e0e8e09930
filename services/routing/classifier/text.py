"""Language-aware tokenisation: English words, Chinese words, and both in one text.

Chinese words are learnt from the training texts with jieba (HMM off). jieba runs a dynamic program in Python
at about 2.5 µs a character, which alone would cap long Chinese complaints near 1,500 texts/s, so the model does
not call it per text: the learnt lexicon is compiled once into one longest-match regular expression (a trie),
which splits any text the same way at C speed. Training and prediction use that same compiled lexicon, so they
always see the same tokens. Characters outside the lexicon become words of one character.
"""

import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{CJK}]+")
ENGLISH_WORD = "[a-z]+"
MAX_LEXICON_WORD = 8

_jieba_ready = False


def normalise(text: str) -> str:
    """NFKC and case-folded (plain ASCII needs only lower case)."""
    return text.lower() if text.isascii() else unicodedata.normalize("NFKC", text).casefold()


def has_chinese(text: str) -> bool:
    return _CJK_RUN.search(text) is not None


def jieba_words(text: str) -> list[str]:
    """jieba's words (HMM off) of the Chinese runs of `text`."""
    import jieba

    _quiet_jieba(jieba)
    return [word for run in _CJK_RUN.findall(text) for word in jieba.lcut(run, HMM=False)]


def _quiet_jieba(jieba) -> None:
    global _jieba_ready
    if not _jieba_ready:
        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _jieba_ready = True


def learn_lexicon(texts: Iterable[str], *, min_count: int = 2) -> list[str]:
    """The Chinese words of two or more characters that jieba finds at least `min_count` times."""
    counts = Counter(word for text in texts if has_chinese(text) for word in jieba_words(normalise(text)))
    words = (w for w, n in counts.items() if n >= min_count and 1 < len(w) <= MAX_LEXICON_WORD)
    return sorted(w for w in words if _CJK_RUN.fullmatch(w))


def trie_pattern(words: Iterable[str]) -> str:
    """A regular expression that matches the longest of `words` at a position (forward maximum matching)."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _node_pattern(trie)


def _node_pattern(node: dict) -> str:
    branches = [re.escape(char) + _node_pattern(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return f"(?:{body})?" if len(branches) > 1 or len(branches[0]) > 1 else f"{body}?"
    return body


class Tokeniser:
    """Splits text into English words and Chinese words of the lexicon (else single characters). Digits and
    punctuation never become tokens; CFPB's redactions (XXXX) do, and the vocabulary leaves them out."""

    def __init__(self, lexicon: list[str]) -> None:
        self.lexicon = lexicon
        chinese = trie_pattern(lexicon)
        alternatives = [ENGLISH_WORD, *([chinese] if chinese else []), f"[{CJK}]"]
        self._pattern = re.compile("|".join(alternatives))

    def __call__(self, text: str) -> list[str]:
        return self._pattern.findall(normalise(text))

    def __getstate__(self) -> dict:
        return {"lexicon": self.lexicon}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["lexicon"])
