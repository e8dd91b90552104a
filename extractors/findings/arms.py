"""Arm-level numbers compared: where a clause reports each arm's result ("16% in the CLF group and 36%
in the control group"), which arm's number is higher.

A number belongs to an arm when the text attaches it there: "3.6 cm (range, 2-6) in the A group",
"A was 17.96 min", "A (54.3 ± 12.1 μg)"; with "respectively" or "versus" the numbers go to the arms in
the order they were named ("A and B: 0.61 and 0.73, respectively", "27 and 31 patients in the A and B
groups, respectively", "A higher than B (40.5% versus 36.4%)"); otherwise each arm takes its nearest number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from extractors.findings.spans import CharSpan
from extractors.findings.statistics import NUMBER, Statistics, to_float

ArmDirection = Literal["increase", "decrease"]
NEAREST_WINDOW = 60
_ARM_NUMBER = re.compile(r"(?P<num>" + NUMBER + r")\s*(?P<pct>%?)")
# Not an arm's result: a spread ("± 2.7", "SD 4.7"), a range or IQR ("range, 2-6", "IQR 8 to 12.3"),
# the upper end of a range ("84-114"), a denominator ("19 out of 70", "27/44"), a time point or label
# ("week 14", "group 2", "n = 16"), a unit's exponent ("mL−1").
_NOT_RESULT_BEFORE = re.compile(
    r"(?:±|\+/-|\bSD|\d\s*to|\b(?:range|IQR|interquartile\s+range)[:,]?|\bout\s+of|/"
    r"|\b(?:weeks?|days?|months?|years?|hours?|visits?|groups?|grades?|stages?|phases?|n)\s*=?)\s*$"
    r"|[^\W\d_]$",
    re.IGNORECASE,
)
_RANGE_DASH = re.compile(r"\d\s*$")
# A unit or short word after a number ("hours", "mm Hg"), never a conjunction that moves on to the next arm.
_UNIT_WORD = r"(?!(?:and|or|versus|vs|compared|than|whereas|but)\b)[^\W\d][\w/·.μµ-]{0,12}(?![\w/·.μµ-])"
# "49.4 (3.0)", "17 (27.4%)", "92 hours (84-114 hours)": the bracketed number spreads or restates the
# result before it, its unit between them or not.
_BRACKET_AFTER_NUMBER = re.compile(r"\s*%?\s*(?:" + _UNIT_WORD + r"\s*)?[(\[]\s*$", re.IGNORECASE)
# "3.6 cm (range, 2-6) in the ", "95.9% of patients in the ", "6.9 (3.0) mm Hg for the ": a number, its
# bracket and unit (a few words), then a preposition that names the arm next.
_ATTACHED_BEFORE_ARM = re.compile(
    r"^\s*%?\s*(?:\([^()]{0,40}\)\s*)?"
    r"(?:" + _UNIT_WORD + r"\s*){0,3}?"
    r"(?:\([^()]{0,40}\)\s*)?\b(?:in|for|with|among|on|receiving|after|by)\s+(?:the\s+)?(?:[a-z]+\s+)?$",
    re.IGNORECASE,
)
# "A was 17.96", "A group: 1.42", "A (54.3 ± 12.1 μg)", "A = 4".
_ATTACHED_AFTER_ARM = re.compile(
    r"^(?:\s*(?:group|arm|groups|arms|patients|recipients|subjects|participants))?"
    r"\s*(?:was|were|is|are|had|:|=)?\s*[(\[]?\s*$",
    re.IGNORECASE,
)
_VERSUS = re.compile(r"\bversus\b|\bvs\b\.?", re.IGNORECASE)
# Two arms named in one breath: "the A and B groups", "A and the B arm", "A/B".
_JOINED_ARMS = re.compile(r"\s*(?:group\s+|arm\s+)?(?:and|or|/|versus|vs\.?)\s*(?:the\s+)?$", re.IGNORECASE)
_RESPECTIVELY = re.compile(r"\brespective(?:ly)?\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Number:
    start: int
    end: int
    value: float


def _result_numbers(text: str, stats: Statistics, arms: dict[str, CharSpan]) -> list[_Number]:
    """The numbers that can be an arm's result: not p-values or CIs, not spreads, ranges or time points,
    not inside an arm's own name ("20 mg arm")."""
    taken = [(p.start, p.end) for p in stats.p_values] + [(i.start, i.end) for i in stats.intervals]
    numbers: list[_Number] = []
    for match in _ARM_NUMBER.finditer(text):
        number = match["num"].lstrip()
        start = match.end("num") - len(number)  # NUMBER may take a space before the digits
        before = text[max(0, start - 24) : start]
        range_end = number[0] in "-−–" and _RANGE_DASH.search(before)
        if (
            range_end
            or _NOT_RESULT_BEFORE.search(before)
            or any(span.start <= start < span.end for span in arms.values())
            or any(low <= start < high for low, high in taken)
            or (numbers and _BRACKET_AFTER_NUMBER.match(text, numbers[-1].end, start))
        ):
            continue
        numbers.append(_Number(start, match.end(), to_float(match["num"])))
    return numbers


def _attached(text: str, numbers: list[_Number], arm: CharSpan, other: CharSpan) -> _Number | None:
    """The number the wording ties to this arm: just before it ("... in the A group") or just after it."""
    before = [n for n in numbers if n.end <= arm.start and not n.end <= other.start < arm.start]
    if before and _ATTACHED_BEFORE_ARM.match(text[before[-1].end : arm.start]):
        return before[-1]
    after = [n for n in numbers if n.start >= arm.end and not arm.end <= other.start < n.start]
    if after and _ATTACHED_AFTER_ARM.match(text[arm.end : after[0].start]):
        return after[0]
    return None


def _nearest(numbers: list[_Number], arm: CharSpan, taken: _Number | None) -> _Number | None:
    """The result number closest to an arm mention (within 60 characters), other than the one the
    other arm took."""

    def distance(number: _Number) -> int:
        return min(abs(number.start - arm.start), abs(number.start - arm.end))

    near = [n for n in numbers if distance(n) <= NEAREST_WINDOW and n != taken]
    return min(near, key=distance) if near else None


def _paired(
    text: str, numbers: list[_Number], first_arm: CharSpan, second_arm: CharSpan
) -> tuple[float, float] | None:
    """(first-named arm's number, second's) where "versus" or "respectively" pairs them in naming order:
    the numbers either side of the first "versus" after both arms, or of the last "versus" before two arms
    named together; else, with "respectively", the first two numbers after the arms, or the last two
    before them."""
    named_by = second_arm.end
    after = [n for n in numbers if n.start >= named_by]
    versus = _VERSUS.search(text, named_by)
    if versus is not None:
        left = [n.value for n in after if n.end <= versus.start()]
        right = [n.value for n in after if n.start >= versus.end()]
        if left and right:
            return left[-1], right[0]
    before_arms = [n for n in numbers if n.end <= first_arm.start]
    if _JOINED_ARMS.match(text, first_arm.end, second_arm.start):
        # "12.9 cm versus 8.9 (p < 0.05) in the A and B groups": a versus pair, then the arms named together.
        versus_before = list(_VERSUS.finditer(text, 0, first_arm.start))
        if versus_before:
            last = versus_before[-1]
            left = [n.value for n in before_arms if n.end <= last.start()]
            right = [n.value for n in before_arms if n.start >= last.end()]
            if left and right:
                return left[-1], right[0]
    if not _RESPECTIVELY.search(text):
        return None
    if len(after) >= 2:
        return after[0].value, after[1].value
    return (before_arms[-2].value, before_arms[-1].value) if len(before_arms) >= 2 else None


def arm_values(text: str, stats: Statistics, arms: dict[str, CharSpan]) -> tuple[float, float] | None:
    """(intervention's number, comparator's number), when both can be read."""
    intervention, comparator = arms.get("intervention"), arms.get("comparator")
    if intervention is None or comparator is None:
        return None
    numbers = _result_numbers(text, stats, arms)
    first, second = sorted((intervention, comparator), key=lambda span: span.start)
    paired = _paired(text, numbers, first, second)
    if paired is not None:
        return paired if first is intervention else (paired[1], paired[0])
    number_i = _attached(text, numbers, intervention, comparator)
    number_c = _attached(text, numbers, comparator, intervention)
    if number_i is None:
        number_i = _nearest(numbers, intervention, number_c)
    if number_c is None:
        number_c = _nearest(numbers, comparator, number_i)
    if number_i is None or number_c is None or number_i == number_c:
        return None
    return number_i.value, number_c.value


def compare_arms(text: str, stats: Statistics, arms: dict[str, CharSpan]) -> ArmDirection | None:
    """ "increase" when the intervention's number is the higher, "decrease" when lower, else None."""
    return _compare_cached(text, stats, tuple(sorted(arms.items())))


@lru_cache(maxsize=4096)  # the classifier's cue tokens and the direction rule both ask
def _compare_cached(
    text: str, stats: Statistics, arms: tuple[tuple[str, CharSpan], ...]
) -> ArmDirection | None:
    values = arm_values(text, stats, dict(arms))
    if values is None or values[0] == values[1]:
        return None
    return "increase" if values[0] > values[1] else "decrease"
