"""Character spans inside a sentence or clause (where an outcome or an arm is named)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CharSpan:
    start: int
    end: int
