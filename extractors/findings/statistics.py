"""Parse the statistics a result sentence reports: p-values, confidence intervals and effect estimates.

Significance follows the usual conventions: p below 0.05 is significant ("P < .05", "p=0·03"), "NS"
is not; a confidence interval for a difference is significant when it excludes 0, for a ratio
(OR, RR, HR) when it excludes 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

ALPHA = 0.05
Relation = Literal["<", "=", ">"]
EffectKind = Literal["odds_ratio", "risk_ratio", "hazard_ratio", "mean_difference", "smd", "percentage"]
RATIO_KINDS: frozenset[str] = frozenset({"odds_ratio", "risk_ratio", "hazard_ratio"})

# Numbers as abstracts write them: "0.03", ".05", "0·03" (Lancet middle dot), "−1.2" (Unicode minus).
NUMBER = r"[-−–+]?\s?(?:\d+(?:[.·]\d+)?|[.·]\d+)"
# "p = 0,03" (decimal comma, no space after it), "p-value of 0.03", "P value was 0.21", "P < 10−4".
_P_VALUE = re.compile(
    r"\b(?:p|P)(?:\s*-?\s*values?(?:\s+(?:of|was|were|is))?)?\s*(?P<rel>[<>=≤≥]=?|<\s*or\s*=|\s(?=[.·0]))\s*"
    r"(?:10\s*\^?\s*(?P<exp3>[-−–]\s?\d+)"
    r"|(?P<num>(?:\d+(?:[.·,](?=\d)\d+)?|[.·]\d+))(?:\s*[x×]\s*10\s*(?:\^|\s)?\s*(?P<exp>[-−–]\s?\d+)|e(?P<exp2>-\d+))?)"
)
_NOT_SIGNIFICANT_MARK = re.compile(r"(?:\b[Pp]\s*=\s*)?\b(?:NS|N\.S\.|n\.s\.)(?![A-Za-z])")
# Range separators include the Unicode hyphens "‐" and "‑" that some publishers typeset ("0.31‐0.93").
_CI = re.compile(
    r"(?:(?P<level>\d{2}(?:[.·]\d+)?)\s*%\s*)?(?:CI|confidence intervals?|C\.I\.|CrI|credible interval)\b"
    r"(?:\s*[\[(]CI[\])])?\s*[:=,]?\s*(?:of\s*|from\s*)?[\[(]?\s*(?P<low>" + NUMBER + r")\s*%?\s*"
    r"(?:to|,|;|–|—|-|−|‐|‑)\s*(?P<high>" + NUMBER + r")"
)
_EFFECT_NAMES: list[tuple[EffectKind, str]] = [
    ("odds_ratio", r"(?:adjusted\s+|a)?(?:odds\s+ratios?|ORs?)"),
    ("risk_ratio", r"(?:relative\s+risks?|risk\s+ratios?|rate\s+ratios?|RRs?|IRRs?)"),
    ("hazard_ratio", r"(?:adjusted\s+|a)?(?:hazard\s+ratios?|HRs?)"),
    ("smd", r"(?:standardi[sz]ed\s+mean\s+differences?|SMDs?|Cohen'?s\s+d|Hedges'?\s+g|effect\s+sizes?)"),
    ("mean_difference", r"(?:weighted\s+)?(?:mean\s+differences?|MDs?|WMDs?|differences?)"),
]
# One word boundary and a look at the first letter before trying the names: several times faster than
# letting every name try every position.
_EFFECT = re.compile(
    r"\b(?=[AaOoRrIiHhSsCcEeWwMmDd])(?:"
    + "|".join(f"(?P<{kind}>{name}\\b)" for kind, name in _EFFECT_NAMES)
    + ")"
    + r"(?:\s*[(\[][^)\]]{0,20}[)\]])?\s*(?:of|was|were|is|=|:|,)?\s*(?P<value>"
    + NUMBER
    + r")(?!\s*%?\s*(?:CI|confidence))"
)
_PERCENT_CHANGE = re.compile(
    r"(?P<value>\d+(?:[.·]\d+)?)\s*%\s*(?:relative\s+)?(?P<word>reduction|decrease|increase|improvement|lower|higher"
    r"|greater|less|fewer|more|shorter|longer)|(?P<verb>reduced|decreased|increased|improved|lowered|shortened)"
    r"\s+by\s+(?P<value2>\d+(?:[.·]\d+)?)\s*%"
    # An explicitly signed change in brackets: "Tension (−11%)", "(+24%; P = 0.01)".
    r"|[(\[]\s*(?P<signed>[-−–+]\s?\d+(?:[.·]\d+)?)\s*%\s*[);,\]]"
)
_DOWN_WORDS = {
    "reduction",
    "decrease",
    "lower",
    "less",
    "fewer",
    "shorter",
    "reduced",
    "decreased",
    "lowered",
    "shortened",
}


@dataclass(frozen=True)
class PValue:
    relation: Relation
    value: float
    start: int
    end: int

    @property
    def significant(self) -> bool | None:
        """True/False where the bound decides it; None for e.g. "p < 0.1"."""
        if self.relation == "<":
            return True if self.value <= ALPHA else None
        if self.relation == ">":
            return False if self.value >= ALPHA else None
        if self.value == ALPHA:
            return None  # "P = .05" sits on the boundary, rounded either way: the words decide
        return self.value < ALPHA


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    start: int
    end: int

    def excludes(self, null: float) -> bool:
        return not (min(self.low, self.high) <= null <= max(self.low, self.high))


@dataclass(frozen=True)
class EffectEstimate:
    kind: EffectKind
    value: float
    start: int
    interval: Interval | None = None

    @property
    def null_value(self) -> float:
        return 1.0 if self.kind in RATIO_KINDS else 0.0

    @property
    def significant(self) -> bool | None:
        return None if self.interval is None else self.interval.excludes(self.null_value)


@dataclass(frozen=True)
class Statistics:
    """Everything numeric a clause reports about a comparison."""

    p_values: tuple[PValue, ...]
    intervals: tuple[Interval, ...]
    effects: tuple[EffectEstimate, ...]
    marked_not_significant: bool

    @property
    def significant(self) -> bool | None:
        """Significance the numbers decide: p-values first, then effect CIs, then an "NS" mark."""
        verdicts = [p.significant for p in self.p_values if p.significant is not None]
        if verdicts:
            return any(verdicts)
        effect_verdicts = [e.significant for e in self.effects if e.significant is not None]
        if effect_verdicts:
            return any(effect_verdicts)
        bare_verdicts = [v for v in map(_bare_interval_verdict, self.intervals) if v is not None]
        if bare_verdicts:
            return any(bare_verdicts)
        if self.marked_not_significant:
            return False
        return None

    @property
    def main_effect(self) -> EffectEstimate | None:
        return self.effects[0] if self.effects else None

    def effect_near(self, position: int) -> EffectEstimate | None:
        """The estimate reported closest after `position` (an outcome's mention), else the closest before."""
        return _nearest(self.effects, position)

    def p_value_near(self, position: int) -> PValue | None:
        return _nearest(self.p_values, position)


def _bare_interval_verdict(interval: Interval) -> bool | None:
    """A CI with no named estimate: one spanning 0 ("95% CI -0.2 to 1.4") can only be a difference's (a
    ratio is never negative), so it is not significant; an all-negative one is a significant difference.
    An all-positive one decides nothing: a ratio's "0.8 to 1.3" spans 1, a difference's does not span 0."""
    if interval.low < 0 < interval.high or interval.high < 0 < interval.low:
        return False
    return True if interval.low < 0 and interval.high < 0 else None


def _nearest(items: tuple[PValue, ...] | tuple[EffectEstimate, ...], position: int) -> Any:
    after = [item for item in items if item.start >= position]
    if after:
        return min(after, key=lambda item: item.start)
    return max(items, key=lambda item: item.start) if items else None


_NUMBER_CHARS = str.maketrans({"·": ".", ",": ".", "−": "-", "–": "-"})


def to_float(text: str) -> float:
    """A number as written in an abstract, as a float ("−1·5" -> -1.5, ".05" -> 0.05, "0,03" -> 0.03)."""
    cleaned = re.sub(r"[\s+]", "", text).translate(_NUMBER_CHARS)
    return float(cleaned)


def parse_p_values(text: str) -> list[PValue]:
    found: list[PValue] = []
    for match in _P_VALUE.finditer(text):
        rel = match["rel"].strip() or "="
        relation: Relation = "<" if rel[0] in "<≤" else ">" if rel[0] in ">≥" else "="
        value = to_float(match["num"]) if match["num"] else 1.0
        exponent = match["exp"] or match["exp2"] or match["exp3"]
        if exponent:
            value *= 10 ** to_float(exponent)
        if 0 <= value <= 1:
            found.append(PValue(relation, value, match.start(), match.end()))
    return found


def parse_intervals(text: str) -> list[Interval]:
    return [Interval(to_float(m["low"]), to_float(m["high"]), m.start(), m.end()) for m in _CI.finditer(text)]


def _interval_after(intervals: list[Interval], position: int, limit: int = 60) -> Interval | None:
    after = [i for i in intervals if 0 <= i.start - position <= limit]
    return after[0] if after else None


_BARE_RANGE = re.compile(
    r"^\s*[\[(]\s*(?P<low>" + NUMBER + r")\s*(?:to|,|;|–|—|-|‐|‑)\s*(?P<high>" + NUMBER + r")\s*[\])]"
)


def parse_effects(text: str, intervals: list[Interval] | None = None) -> list[EffectEstimate]:
    """Named estimates ("OR 0.80, 95% CI 0.66 to 0.98"; "HR 0.7 (0.5-0.9)") and percentage changes."""
    intervals = parse_intervals(text) if intervals is None else intervals
    found: list[EffectEstimate] = []
    for match in _EFFECT.finditer(text):
        kind = next(k for k, _ in _EFFECT_NAMES if match[k])
        interval = _interval_after(intervals, match.end())
        bare = _BARE_RANGE.match(text[match.end() :])
        if interval is None and bare:
            interval = Interval(
                to_float(bare["low"]), to_float(bare["high"]), match.end(), match.end() + bare.end()
            )
        found.append(EffectEstimate(kind, to_float(match["value"]), match.start(), interval))
    for match in _PERCENT_CHANGE.finditer(text):
        if match["signed"]:
            signed = to_float(match["signed"])
        else:
            value = to_float(match["value"] or match["value2"])
            signed = -value if (match["word"] or match["verb"]).lower() in _DOWN_WORDS else value
        found.append(
            EffectEstimate("percentage", signed, match.start(), _interval_after(intervals, match.end()))
        )
    return sorted(found, key=lambda e: e.start)


@lru_cache(maxsize=4096)
def parse_statistics(text: str) -> Statistics:
    """Cached: several outcomes of one clause share its statistics."""
    intervals = parse_intervals(text)
    return Statistics(
        p_values=tuple(parse_p_values(text)),
        intervals=tuple(intervals),
        effects=tuple(parse_effects(text, intervals)),
        marked_not_significant=bool(_NOT_SIGNIFICANT_MARK.search(text)),
    )
