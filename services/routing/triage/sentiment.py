"""Sentiment of a complaint's text, -1 (angry) to 1 (pleased): VADER (vaderSentiment) for English, SnowNLP for
Chinese; None for other languages."""

import functools
import re
from typing import Any

CJK = re.compile(r"[\u4e00-\u9fff]")


@functools.cache
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def _snownlp_score(text: str) -> float:
    from snownlp import SnowNLP

    return SnowNLP(text).sentiments


def language_of(text: str, declared: str | None) -> str | None:
    if declared:
        return declared.lower()[:2]
    return "zh" if CJK.search(text) else "en"


def sentiment(text: str, language: str | None) -> float | None:
    if not text.strip():
        return None
    language = language_of(text, language)
    if language == "zh":
        return round(2 * _snownlp_score(text) - 1, 3)
    if language == "en":
        return round(float(_vader().polarity_scores(text)["compound"]), 3)
    return None


def warm_up() -> None:
    """Load both analysers while the service starts, not on the first complaint."""
    sentiment("warm up", "en")
    sentiment("热身", "zh")
