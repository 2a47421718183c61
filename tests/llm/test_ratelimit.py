"""The token-bucket rate limiter, driven by a fake clock."""

from __future__ import annotations

import asyncio

from testgen.llm.ratelimit import RateLimiter


def run(coroutine):
    return asyncio.run(coroutine)


def test_requests_beyond_the_per_minute_allowance_wait_for_the_refill(fake_clock):
    limiter = RateLimiter(requests_per_minute=3, clock=fake_clock)

    async def four_requests():
        for _ in range(4):
            await limiter.acquire()

    run(four_requests())

    assert fake_clock.sleeps == [20.0]  # one request refills every 60/3 seconds


def test_a_large_request_waits_for_enough_tokens(fake_clock):
    limiter = RateLimiter(tokens_per_minute=6000, clock=fake_clock)

    async def requests():
        await limiter.acquire(5000)
        await limiter.acquire(3000)

    run(requests())

    assert fake_clock.sleeps == [20.0]  # 2000 tokens missing at 100 tokens/second


def test_a_request_bigger_than_the_bucket_waits_for_a_full_bucket_not_forever(fake_clock):
    limiter = RateLimiter(tokens_per_minute=1000, clock=fake_clock)

    async def requests():
        await limiter.acquire(900)
        await limiter.acquire(5000)

    run(requests())

    assert fake_clock.sleeps == [54.0]


def test_without_limits_nothing_waits(fake_clock):
    limiter = RateLimiter(clock=fake_clock)

    async def many():
        for _ in range(100):
            await limiter.acquire(100_000)

    run(many())

    assert fake_clock.sleeps == []
    assert not limiter.enabled


def test_defer_holds_every_request_back(fake_clock):
    limiter = RateLimiter(requests_per_minute=600, clock=fake_clock)

    async def requests():
        await limiter.acquire()
        limiter.defer(7.5)
        await limiter.acquire()

    run(requests())

    assert fake_clock.sleeps == [7.5]


def test_concurrent_waiters_are_spaced_by_the_rate(fake_clock):
    limiter = RateLimiter(requests_per_minute=60, clock=fake_clock)
    admitted = []

    async def worker(n):
        await limiter.acquire()
        admitted.append((n, fake_clock.now()))

    async def main():
        await asyncio.gather(*(worker(n) for n in range(63)))

    run(main())

    times = [t for _, t in admitted]
    assert times[:60] == [1000.0] * 60  # a full bucket: a minute's allowance at once
    assert times[60:] == [1001.0, 1002.0, 1003.0]
