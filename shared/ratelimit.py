"""Rate limits on the endpoints anyone can reach: per client address, and per API key when one is sent.
Too many requests get 429 with Retry-After.

Counts live in each process (the `limits` library's memory storage), so N replicas behind a load balancer allow
up to N times the limit; the limits are set for one replica."""

import math
import time
from dataclasses import dataclass

from fastapi import HTTPException, Request
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from shared.http import problem_doc

API_KEY_HEADER = "X-API-Key"
TOO_MANY_REQUESTS = {429: {**problem_doc("Too many requests from this address or key"), "headers": {
    "Retry-After": {"description": "Seconds until a request is admitted again", "schema": {"type": "integer"}}}}}


def parse_limit(text: str) -> RateLimitItem | None:
    """'120/minute' (any form the `limits` library reads); 'off' for no limit. ValueError when unreadable."""
    if text.strip().lower() == "off":
        return None
    return parse(text)


@dataclass
class RateLimiter:
    per_address: RateLimitItem | None
    per_key: RateLimitItem | None

    def __post_init__(self) -> None:
        self._window = MovingWindowRateLimiter(MemoryStorage())

    async def admit(self, *, address: str, api_key: str | None) -> None:
        """Count one request; HTTPException 429 with Retry-After when the address or the key is over its limit."""
        counted = [(self.per_address, "address", address)]
        if api_key is not None:
            counted.append((self.per_key, "API key", api_key))
        for limit, subject, who in counted:
            if limit is None or await self._window.hit(limit, subject, who):
                continue
            stats = await self._window.get_window_stats(limit, subject, who)
            retry_after = max(1, math.ceil(stats.reset_time - time.time()))
            raise HTTPException(429, f"Too many requests from this {subject}: at most {limit} "
                                     f"(try again in {retry_after} s)", headers={"Retry-After": str(retry_after)})


async def public_rate_limit(request: Request) -> None:
    """Router dependency of the public endpoints. The limiter is made from the service's settings on first use."""
    limiter = getattr(request.app.state, "rate_limiter", None)
    if limiter is None:
        settings = request.app.state.runtime.settings
        limiter = request.app.state.rate_limiter = RateLimiter(parse_limit(settings.rate_limit_per_address),
                                                               parse_limit(settings.rate_limit_per_key))
    address = request.client.host if request.client else "unknown"
    await limiter.admit(address=address, api_key=request.headers.get(API_KEY_HEADER))
