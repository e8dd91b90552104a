"""Words a digest shows for codes: flag reasons as sentences, study designs, outcome findings."""

from __future__ import annotations

from typing import cast

from extractors.models import Design
from litwatch.evidence.diff import REASON_ORDER, Flag, describe_flag
from litwatch.evidence.phrasing import number_range
from litwatch.evidence.tiers import DESIGN_LABELS

DIRECTION_WORDS = {"increase": "increased", "decrease": "decreased", "no_change": "no change"}
# A finding with no direction word may still say better or worse ("improved fatigue (P=0.02)").
EFFECT_WORDS = {"benefit": "improved", "harm": "worsened"}


def flag_sentence(flag: Flag) -> str:
    """The evidence diff's description of a flag, as a sentence: 'Verdict on X changed from A to B.'"""
    words = describe_flag(flag)
    return f"{words[:1].upper()}{words[1:]}."


def flag_rank(flags: tuple[Flag, ...] | list[Flag]) -> int:
    """Where a flagged study goes in a digest: its most consequential reason first (retractions)."""
    return min(REASON_ORDER.index(flag.reason) for flag in flags)


def design_words(design: str | None) -> str | None:
    if design is None:
        return None
    return DESIGN_LABELS.get(cast(Design, design), design.replace("_", " "))


def dose_line(label: str, text: str, mg_per_day_low: float | None, mg_per_day_high: float | None) -> str:
    """'amount: 250 mg twice daily (500 mg/day)': the span, and its daily dose where it was normalised."""
    if mg_per_day_low is None:
        return f"{label}: {text}"
    high = mg_per_day_high if mg_per_day_high is not None else mg_per_day_low
    return f"{label}: {text} ({number_range(mg_per_day_low, high)} mg/day)"


def outcome_line(name: str, direction: str | None, significant: bool | None, effect: str | None) -> str:
    """'sleep onset latency: decreased, significant (benefit)'; 'fatigue: improved, significant (benefit)'
    where the abstract says better or worse but not which way the measure moved."""
    moved = DIRECTION_WORDS.get(direction or "") or EFFECT_WORDS.get(effect or "", "direction unclear")
    parts = [moved]
    if significant is not None:
        parts.append("significant" if significant else "not significant")
    verdict = f" ({effect})" if effect and effect != "unclear" else ""
    return f"{name}: {', '.join(parts)}{verdict}"
