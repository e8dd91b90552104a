"""Find the sentence of an abstract that reports the result for a given outcome (and arms).

Used where the question names the outcome in its own words (Evidence Inference prompts): sentences
are ranked by fuzzy similarity to the outcome, plus bonuses for result cues, the arms and the section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from extractors.findings.features import CharSpan, load_cues, locate_arm, locate_phrase
from extractors.findings.statistics import parse_statistics

SECTION_HEADING = re.compile(r"^\s*(?:ABSTRACT\.)?(?P<label>[A-Z][A-Z /&-]{2,40})\s*:", re.MULTILINE)
SECTION_BONUS = {
    "result": 10.0,
    "finding": 10.0,
    "conclusion": 5.0,
    "interpretation": 5.0,
    "background": -25.0,
    "introduction": -25.0,
    "objective": -25.0,
    "aim": -25.0,
    "method": -20.0,
    "design": -20.0,
    "setting": -20.0,
    "participant": -20.0,
    "title": -15.0,
}
RESULT_CUE_BONUS = 15.0
INTERVENTION_BONUS = 8.0
COMPARATOR_BONUS = 4.0


@dataclass(frozen=True)
class EvidenceSentence:
    """The chosen sentence and where the outcome and arms sit in it."""

    text: str
    outcome: CharSpan | None
    intervention: CharSpan | None
    comparator: CharSpan | None
    score: float


def _section_bonus(label: str | None) -> float:
    if label is None:
        return 0.0
    lowered = label.lower()
    return next((bonus for key, bonus in SECTION_BONUS.items() if key in lowered), 0.0)


def _has_result_cue(text: str) -> bool:
    cues = load_cues()
    stats = parse_statistics(text)
    return bool(
        stats.p_values
        or stats.intervals
        or stats.effects
        or cues.significant.search(text)
        or cues.not_significant.search(text)
    )


def best_evidence_sentence(
    sentences: list[str], outcome: str, intervention: str, comparator: str
) -> EvidenceSentence | None:
    """The highest-ranked sentence, or None for an empty abstract."""
    best: EvidenceSentence | None = None
    section: str | None = None
    for sentence in sentences:
        heading = SECTION_HEADING.match(sentence)
        if heading:
            section = heading["label"]
        if sentence.strip().upper().startswith("TITLE"):
            section = "title"
        score = fuzz.partial_ratio(outcome.lower(), sentence.lower()) if outcome.strip() else 0.0
        i_span = locate_arm(intervention, sentence, comparator, outcome)
        c_span = locate_arm(comparator, sentence, intervention, outcome)
        score += _section_bonus(section)
        score += RESULT_CUE_BONUS if _has_result_cue(sentence) else 0.0
        score += INTERVENTION_BONUS if i_span else 0.0
        score += COMPARATOR_BONUS if c_span else 0.0
        if best is None or score > best.score:
            best = EvidenceSentence(
                sentence, locate_phrase(outcome, sentence, threshold=70), i_span, c_span, score
            )
    return best
