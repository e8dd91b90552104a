"""Fault injection for the local E-utilities server: seeded, so a test sees the same storm every run.

Each request draws one number from the seeded generator and gets at most one fault: a 429 with
Retry-After, a 5xx, a dropped connection, or a body cut short; independently, a slow response.
WebEnv expiry (after N efetch uses or T seconds) is enforced by the server's history store.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Literal

Fault = Literal["429", "5xx", "reset", "truncate"]


@dataclass(frozen=True)
class FaultConfig:
    """Rates are probabilities per request (0 to 1); all zero means a well-behaved server."""

    rate_429: float = 0.0
    rate_5xx: float = 0.0
    rate_reset: float = 0.0
    rate_truncate: float = 0.0
    rate_slow: float = 0.0
    slow_seconds: float = 2.0
    retry_after_seconds: int = 1
    webenv_max_uses: int | None = None
    webenv_ttl_seconds: float | None = None
    seed: int = 0


@dataclass(frozen=True)
class FaultDecision:
    fault: Fault | None
    slow: bool
    cut_fraction: float


class FaultInjector:
    """Draws each request's fault from one seeded generator, under a lock (the server is threaded)."""

    def __init__(self, config: FaultConfig) -> None:
        self.config = config
        self._random = random.Random(config.seed)
        self._lock = threading.Lock()

    def decide(self) -> FaultDecision:
        config = self.config
        with self._lock:
            draw, slow_draw, cut = (
                self._random.random(),
                self._random.random(),
                self._random.uniform(0.2, 0.9),
            )
        fault: Fault | None = None
        threshold = 0.0
        for name, rate in (
            ("429", config.rate_429),
            ("5xx", config.rate_5xx),
            ("reset", config.rate_reset),
            ("truncate", config.rate_truncate),
        ):
            threshold += rate
            if draw < threshold:
                fault = name  # type: ignore[assignment]
                break
        return FaultDecision(fault=fault, slow=slow_draw < config.rate_slow, cut_fraction=cut)
