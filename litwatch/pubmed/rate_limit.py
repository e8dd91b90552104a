"""One request-rate limiter per rate, shared by the whole process (threads and async tasks alike).

NCBI allows 3 requests/s without an API key and 10 with one, counted per key or per IP address, so
every client in the process must draw from the same limiter. Each call reserves the next free slot
under a lock (a few microseconds) and then waits outside it, so threads and event loops interleave
without holding the lock while asleep. Slots are spaced 2% wider than 1/rate so that network jitter
cannot squeeze rate + 1 requests into one second at the server.
"""

from __future__ import annotations

import asyncio
import threading
import time

SAFETY_MARGIN = 0.02


class RateLimiter:
    """Spaces request starts at least `(1 + margin) / rate` seconds apart."""

    def __init__(self, rate: float, *, margin: float = SAFETY_MARGIN) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.interval = (1.0 + margin) / rate
        self._next_slot = 0.0
        self._lock = threading.Lock()

    def _reserve(self) -> float:
        """Seconds to wait before the caller's slot."""
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot)
            self._next_slot = slot + self.interval
            return slot - now

    def wait(self) -> None:
        delay = self._reserve()
        if delay > 0:
            time.sleep(delay)

    async def wait_async(self) -> None:
        delay = self._reserve()
        if delay > 0:
            await asyncio.sleep(delay)


_limiters: dict[float, RateLimiter] = {}
_limiters_lock = threading.Lock()


def shared_limiter(rate: float) -> RateLimiter:
    """The process-wide limiter for a rate: every client asking for 3 req/s shares one budget."""
    with _limiters_lock:
        if rate not in _limiters:
            _limiters[rate] = RateLimiter(rate)
        return _limiters[rate]
