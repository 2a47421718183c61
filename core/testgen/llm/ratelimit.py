"""Token-bucket rate limiting for model requests: requests per minute and tokens per minute.

Both buckets start full (a minute's allowance can go out at once) and refill continuously.
A 429 from the provider pauses every worker, not just the one that got it (:meth:`defer`).
Time comes from a :class:`Clock`, so tests drive the limiter with a fake one.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Monotonic seconds."""

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""


class SystemClock:
    def now(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@dataclass
class TokenBucket:
    """``rate_per_minute`` units per minute, up to ``capacity`` saved up."""

    rate_per_minute: float
    capacity: float
    level: float
    updated: float

    @classmethod
    def full(cls, rate_per_minute: float, now: float) -> "TokenBucket":
        return cls(rate_per_minute, rate_per_minute, rate_per_minute, now)

    def refill(self, now: float) -> None:
        elapsed = max(0.0, now - self.updated)
        self.level = min(self.capacity, self.level + elapsed * self.rate_per_minute / 60.0)
        self.updated = now

    def wait_for(self, amount: float, now: float) -> float:
        """Seconds until ``amount`` is available (a request bigger than the bucket waits for
        a full bucket, so it is slowed down, never refused)."""
        self.refill(now)
        needed = min(amount, self.capacity)
        if self.level >= needed:
            return 0.0
        return (needed - self.level) * 60.0 / self.rate_per_minute

    def take(self, amount: float) -> None:
        self.level -= min(amount, self.capacity)


class RateLimiter:
    """Admit a request when both buckets allow it; waiters are served in arrival order."""

    def __init__(self, requests_per_minute: float | None = None,
                 tokens_per_minute: float | None = None, clock: Clock | None = None) -> None:
        self.clock = clock or SystemClock()
        now = self.clock.now()
        self.requests = TokenBucket.full(requests_per_minute, now) if requests_per_minute else None
        self.tokens = TokenBucket.full(tokens_per_minute, now) if tokens_per_minute else None
        self._paused_until = 0.0
        self._lock: asyncio.Lock | None = None
        self.waited = 0.0
        """Total seconds requests spent waiting here (for metrics)."""

    @property
    def enabled(self) -> bool:
        return self.requests is not None or self.tokens is not None

    async def acquire(self, tokens: int = 0) -> None:
        """Wait until one request of about ``tokens`` tokens may go out, and account for it."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            while True:
                now = self.clock.now()
                delay = max(0.0, self._paused_until - now)
                if self.requests is not None:
                    delay = max(delay, self.requests.wait_for(1, now))
                if self.tokens is not None and tokens:
                    delay = max(delay, self.tokens.wait_for(tokens, now))
                if delay <= 0:
                    break
                self.waited += delay
                await self.clock.sleep(delay)
            if self.requests is not None:
                self.requests.take(1)
            if self.tokens is not None and tokens:
                self.tokens.take(tokens)

    def defer(self, seconds: float) -> None:
        """Hold every request back for ``seconds`` (the provider said it is overloaded)."""
        self._paused_until = max(self._paused_until, self.clock.now() + seconds)

    def correct(self, estimated: int, actual: int) -> None:
        """Settle the token bucket once the real token count of a request is known."""
        if self.tokens is not None and actual != estimated:
            self.tokens.level = min(self.tokens.capacity,
                                    self.tokens.level - (actual - estimated))
