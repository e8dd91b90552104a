"""Rule reading of a result clause: which way the outcome moved for the intervention, and whether
the words say the change was significant.

The direction word nearest the outcome gives the base direction; it is flipped when the comparator
is where the change happened ("placebo increased X", "X was higher with placebo than with Y").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from extractors.findings.features import CLAUSE_BREAK, CharSpan, load_cues

RuleDirection = Literal["increase", "decrease"]
Polarity = Literal["improved", "worsened"]
_NEGATION_BEFORE = re.compile(r"\b(?:not|no|nor|without|neither)\W+(?:\w+\W+){0,2}$", re.IGNORECASE)
# "than placebo", "than did the control group", "than that of the ... arm", "compared to participants in",
# "in comparison with the", "compared with those given", "than the 42 hungry", "compared to 20.7 h for the":
# up to four words or figures may stand between the contrast and the arm.
_CONTRAST_BEFORE = re.compile(
    r"(?:\bthan|compared\s+(?:with|to)|in\s+comparison\s+(?:with|to)|\bversus|\bvs\.?|relative\s+to|\bover)"
    r"\W+(?:[\w.%-]+\s+){0,4}$",
    re.IGNORECASE,
)
# "superior to placebo", "better than placebo": "to" contrasts too after a polarity word.
_POLARITY_CONTRAST_BEFORE = re.compile(
    r"\bto\W+(?:[\w-]+\s+){0,3}$|" + _CONTRAST_BEFORE.pattern, re.IGNORECASE
)
# A comparative before a change noun: "greater reduction" is a decrease, "smaller increase" a decrease,
# "less decline" an increase; "greater improvement" names no direction (improving a latency shortens it).
_COMPOUND = re.compile(
    r"\b(?P<size>greater|larger|bigger|more|higher|less|smaller|lower|fewer)\s+"
    r"(?:(?:mean|median|absolute|relative|overall|average)\s+)?"
    r"(?P<change>reductions?|decreases?|declines?|drops?|falls?|loss|increases?|gains?|rises?|improvements?"
    r"|benefits?|deteriorations?|worsening)\b",
    re.IGNORECASE,
)
# "more than 20% less", "fewer than 5 visits": a quantity bound, not which way the outcome moved.
_QUANTITY_AFTER = re.compile(r"\s+than\s+(?:\d|a\b|an\b|one\b|half\b|twice\b)", re.IGNORECASE)
_SIZE_UP = {"greater", "larger", "bigger", "more", "higher"}
_DEGREE_THAN = re.compile(r"(?:more|further)\s+than\b", re.IGNORECASE)
# Between a change verb and its degree word: the outcome, a few words with no punctuation.
_DEGREE_AFTER_VERB = re.compile(r"(?:\s+[\w/-]+){1,4}\s+")
_CHANGE_DOWN = ("reduction", "decrease", "decline", "drop", "fall", "loss")
_CHANGE_UP = ("increase", "gain", "rise")
_SUBJECT_BREAK = re.compile(r"[,;()]")
# An arm that opens a clause as its subject: up to this many words before it, then a verb of having.
_SUBJECT_LEAD_WORDS = 4
_SUBJECT_VERB_AFTER = re.compile(
    r"[\w\s-]{0,25}?\b(?:had|has|have|showed|experienced|demonstrated|achieved|reported|required|needed)\b",
    re.IGNORECASE,
)
ARM_WINDOW = 60
# "X decreased, while Y increased": a direction word in another clause describes another outcome, so it
# counts as this much farther away than it is.
_CLAUSE_PENALTY = 40


@dataclass(frozen=True)
class RuleReading:
    significant: bool | None
    direction: RuleDirection | None


@lru_cache(maxsize=4096)  # every outcome of a clause asks again
def _direction_words(text: str) -> tuple[tuple[int, int, RuleDirection], ...]:
    cues = load_cues()
    found: list[tuple[int, int, RuleDirection]] = []
    compounds = [(m.start(), m.end()) for m in _COMPOUND.finditer(text)]
    # "more effective", "less efficacious" say better or worse, not which way the outcome moved.
    compounds += [(start, end) for start, end, _ in _polarity_words(text)]
    for match in _COMPOUND.finditer(text):
        change = match["change"].lower()
        if change.startswith(_CHANGE_DOWN + _CHANGE_UP) and not _negated(text, match.start()):
            up = (match["size"].lower() in _SIZE_UP) == change.startswith(_CHANGE_UP)
            found.append((match.start(), match.end(), "increase" if up else "decrease"))
    for name, direction in (("increase", "increase"), ("decrease", "decrease")):
        for match in getattr(cues, name).finditer(text):
            inside = any(start <= match.start() < end for start, end in compounds)
            quantity = _QUANTITY_AFTER.match(text, match.end())
            if not inside and not quantity and not _negated(text, match.start()):
                found.append((match.start(), match.end(), direction))  # type: ignore[arg-type]
    found.sort()
    # "reduced 24-h SBP more than OLM/HCTZ": "more" says how much the verb before it changed the outcome.
    return tuple(
        word
        for index, word in enumerate(found)
        if not (
            _DEGREE_THAN.match(text, word[0])
            and any(_DEGREE_AFTER_VERB.fullmatch(text, end, word[0]) for _, end, _ in found[:index])
        )
    )


def _negated(text: str, start: int) -> bool:
    return bool(_NEGATION_BEFORE.search(text[max(0, start - 30) : start]))


def _flipped(
    text: str,
    cue_start: int,
    cue_end: int,
    arms: dict[str, CharSpan],
    contrast: re.Pattern[str] = _CONTRAST_BEFORE,
    object_is_contrast: bool = False,
) -> bool:
    """True when the comparator is the arm the cue word describes. With `object_is_contrast` the arm
    right after the word is what it is contrasted with ("outperformed placebo")."""
    after = sorted(
        (span.start, name) for name, span in arms.items() if 0 <= span.start - cue_end <= ARM_WINDOW
    )
    if after:
        start, name = after[0]
        between = text[cue_end:start]
        contrasted = bool(contrast.search(between)) or (object_is_contrast and not between.strip(" \t"))
        # "lower than intvx" describes the comparator; "lower in compx" too.
        return name == "intervention" if contrasted else name == "comparator"
    # The arm right before the word is its subject ("placebo increased X") unless punctuation intervenes.
    before = sorted(
        (span.end, name)
        for name, span in arms.items()
        if 0 <= cue_start - span.end <= ARM_WINDOW and not _SUBJECT_BREAK.search(text[span.end : cue_start])
    )
    if before:
        return before[-1][1] == "comparator"
    # "The combination group had a lower dose (...), a longer recovery time": the arm that opens the
    # clause as its subject describes every change word of it.
    subjects = [
        name
        for name, span in arms.items()
        if span.end <= cue_start
        and len(text[: span.start].split()) <= _SUBJECT_LEAD_WORDS
        and _SUBJECT_VERB_AFTER.match(text, span.end)
    ]
    return subjects == ["comparator"]


def _distance(text: str, anchor: int, position: int) -> int:
    low, high = sorted((anchor, position))
    return high - low + _CLAUSE_PENALTY * len(CLAUSE_BREAK.findall(text, low, high))


def read_direction(text: str, outcome: CharSpan | None, arms: dict[str, CharSpan]) -> RuleDirection | None:
    words = _direction_words(text)
    if outcome is not None:
        # A change word inside the outcome names it ("pain reduction was greater with X"), not its direction.
        words = tuple(w for w in words if not (outcome.start <= w[0] < outcome.end))
    if not words:
        return None
    anchor = outcome.start if outcome is not None else 0
    start, end, direction = min(words, key=lambda w: _distance(text, anchor, w[0]))
    if _flipped(text, start, end, arms):
        return "decrease" if direction == "increase" else "increase"
    return direction


@lru_cache(maxsize=4096)
def _polarity_words(text: str) -> tuple[tuple[int, int, Polarity], ...]:
    cues = load_cues()
    found = [
        (match.start(), match.end(), polarity)
        for name, polarity in (("improve", "improved"), ("worsen", "worsened"))
        for match in getattr(cues, name).finditer(text)
        if not _negated(text, match.start())
    ]
    return tuple(sorted(found))  # type: ignore[arg-type]


def read_polarity(text: str, outcome: CharSpan | None, arms: dict[str, CharSpan]) -> Polarity | None:
    """Whether the outcome got better or worse for the intervention: the polarity word nearest the
    outcome, turned round when it describes the comparator ("placebo was superior to X", "differences
    favoured placebo", "X was inferior to placebo" is worse; "X outperformed placebo" is better)."""
    words = _polarity_words(text)
    if not words:
        return None
    anchor = outcome.start if outcome is not None else 0
    start, end, polarity = min(words, key=lambda w: _distance(text, anchor, w[0]))
    outperformed = text[start:end].lower().startswith("outperform")
    if _flipped(text, start, end, arms, _POLARITY_CONTRAST_BEFORE, object_is_contrast=outperformed):
        return "worsened" if polarity == "improved" else "improved"
    return polarity


# A negation a few words before "significant": "did not show any significant", "neither A nor B exerted
# significant", "without a significant".
_NEGATED_SIGNIFICANCE = re.compile(
    r"(?:\b(?:not|no|nor|neither|without)|n't)\W+(?!only\b)(?:\w+\W+){0,3}?(?:statistically\W+)?significan",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def read_significance_words(text: str) -> bool | None:
    """Words alone: "no significant difference" -> False, "significantly" -> True, else None."""
    cues = load_cues()
    if cues.not_significant.search(text) or _NEGATED_SIGNIFICANCE.search(text):
        return False
    if cues.significant.search(text):
        return True
    return None
