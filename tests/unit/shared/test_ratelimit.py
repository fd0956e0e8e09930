"""The limiter on its own: moving window per address and per key, Retry-After, 'off', unreadable limits."""

import pytest
from fastapi import HTTPException
from pydantic import ValidationError

from shared.ratelimit import RateLimiter, parse_limit
from shared.settings import ServiceSettings


async def test_an_address_gets_its_limit_then_429_with_retry_after():
    limiter = RateLimiter(parse_limit("2/minute"), None)
    await limiter.admit(address="a", api_key=None)
    await limiter.admit(address="a", api_key=None)
    with pytest.raises(HTTPException) as refused:
        await limiter.admit(address="a", api_key=None)
    assert refused.value.status_code == 429
    assert 1 <= int(refused.value.headers["Retry-After"]) <= 60
    await limiter.admit(address="b", api_key=None)  # another address is counted on its own


async def test_a_key_is_limited_wherever_it_comes_from_and_no_key_is_not_a_key():
    limiter = RateLimiter(None, parse_limit("1/second"))
    await limiter.admit(address="a", api_key="k")
    with pytest.raises(HTTPException, match="API key"):
        await limiter.admit(address="b", api_key="k")
    for _ in range(3):
        await limiter.admit(address="c", api_key=None)


def test_off_means_no_limit_and_nonsense_is_refused_when_settings_load():
    assert parse_limit("off") is None and parse_limit(" OFF ") is None
    assert parse_limit("10 per second").amount == 10
    assert ServiceSettings(rate_limit_per_key="off").rate_limit_per_key == "off"
    with pytest.raises(ValidationError, match="rate_limit_per_address"):
        ServiceSettings(rate_limit_per_address="plenty")
