"""Which language a complaint is written in, so it reaches an agent who reads it.

py3langid classifies UTF-8 byte n-grams with a model shipped inside the package:
nothing is downloaded, and a Han character (three bytes) weighs about as much as
three Latin letters, which puts "我的iPhone 15屏幕坏了" on the Chinese side.
"""

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

# The languages customers write in: scoring 19 columns instead of 142 is faster, and
# rare look-alikes (Wu for Mandarin, Serbian for junk) cannot win. Cantonese and Wu are
# left out so that, like Traditional Chinese, they come out as "zh".
# "zxx" is the model's "not a language" class: codes, URLs, keyboard mashing.
LANGUAGES = ("zh", "en", "ja", "ko", "fr", "de", "es", "pt", "it", "nl", "ru", "ar", "vi", "th", "id", "ms", "tr", "hi")
_NOT_A_LANGUAGE = "zxx"

# The classifier walks every byte in Python (~0.1 µs a byte) while a few hundred bytes
# already settle the language: the cap keeps a 20,000-character complaint under 100 µs.
_HEAD_BYTES = 512
# CFPB masks can fill a narrative's opening lines; look this far for words behind them.
_SCAN_CHARS = 2_000
# Fewer letter bytes than this (three Han characters, nine Latin letters) is a guess.
_MIN_LETTER_BYTES = 9
# Below this the top two languages are too close to call (measured: real complaints score >= 0.57).
_MIN_CONFIDENCE = 0.5

# CFPB exports mask dates, names and amounts as XX/XX/XXXX, XXXX and {$100.00}; they are not words.
# No leading \b: it doubles the cost, and a word that merely ends in XX is rare.
_REDACTION = re.compile(r"XX[X/]*\b|\{\$[^}]*\}")
_LETTERS = re.compile(r"[^\W\d_]+")


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's main language, or None when the text is too short or unclear."""
    head = _head(_unmasked(text[:_SCAN_CHARS]))
    if not _has_enough_letters(head):
        return None
    language, confidence = _identifier().classify(head)
    if language == _NOT_A_LANGUAGE or confidence < _MIN_CONFIDENCE:
        return None
    return language


def load_detector() -> None:
    """Load the model ahead of the first complaint (the service calls this while starting)."""
    _identifier()


def _unmasked(text: str) -> str:
    # Only CFPB exports carry masks; the cheap test spares everyone else the regex (~20 µs).
    if "XX" not in text and "{$" not in text:
        return text
    return _REDACTION.sub(" ", text)


def _head(text: str) -> str:
    """The first _HEAD_BYTES bytes of the text, without a character cut in half."""
    return text.encode()[:_HEAD_BYTES].decode(errors="ignore")


def _has_enough_letters(text: str) -> bool:
    # Counts bytes, like the classifier; stops at the first few words of a real complaint.
    seen = 0
    for word in _LETTERS.finditer(text):
        seen += len(word[0].encode())
        if seen >= _MIN_LETTER_BYTES:
            return True
    return False


@functools.cache
def _identifier() -> "LanguageIdentifier":
    # Importing numpy and unpacking the model takes ~0.5 s and ~90 MB: only when first needed.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages([*LANGUAGES, _NOT_A_LANGUAGE])
    return identifier
