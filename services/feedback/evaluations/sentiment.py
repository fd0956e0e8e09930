"""Sentiment of a customer's comment, -1 (angry) to 1 (pleased): SnowNLP for Chinese, VADER for English."""

import functools
import re

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def sentiment(text: str | None) -> float | None:
    """None for an empty comment; Chinese when it holds any CJK character, English otherwise."""
    if not text or not text.strip():
        return None
    if _CJK.search(text):
        return round(2 * _snownlp()(text).sentiments - 1, 4)
    return round(_vader().polarity_scores(text)["compound"], 4)


def warm_up() -> None:
    """Load both models (SnowNLP takes seconds) before the first answer needs them."""
    _snownlp()
    _vader()


@functools.cache
def _snownlp():  # type: ignore[no-untyped-def]
    from snownlp import SnowNLP

    _ = SnowNLP("好").sentiments  # loads the sentiment model once
    return SnowNLP


@functools.cache
def _vader():  # type: ignore[no-untyped-def]
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()
