"""Find the sentence of an abstract that reports the result for a given outcome (and arms).

Used where the question names the outcome in its own words (Evidence Inference prompts): sentences
are ranked by fuzzy similarity to the outcome, plus bonuses for result cues, the arms and the section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from extractors.findings.features import CharSpan, load_cues, locate_arm, locate_phrase, outcome_stop_words
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
# A sentence that only says what was measured ("X was assessed") reports no result.
MEASURED_ONLY_PENALTY = 10.0
INTERVENTION_BONUS = 8.0
COMPARATOR_BONUS = 4.0
# Weight of the share of the outcome's content words found in the sentence (long outcome descriptions
# rarely align as one phrase, but their words do). Weights 0.8-1.0 and the penalty were compared on
# Evidence Inference train prompts by how often the annotated sentence is picked (0.804 -> 0.827).
OUTCOME_WORDS_WEIGHT = 0.9
_CONTENT_WORD = re.compile(r"[a-z0-9]+")
_MEASURED_ONLY = re.compile(
    r"\b(?:were|was)\s+(?:assessed|measured|evaluated|recorded|determined|collected|obtained|compared|analy[sz]ed)"
    r"|\boutcome\s+measures?\b|\bwe\s+(?:determined|assessed|investigated|evaluated|compared)\b"
    r"|\b(?:aim(?:ed|s)?|objectives?|purpose|goal)\b.{0,40}\bto\b|\bhypothes[ie]s|\bprimary\s+(?:end\s?points?|outcomes?)\s+(?:was|were|is|are)\b",
    re.IGNORECASE,
)


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


def _content_words(text: str) -> set[str]:
    """Lower-cased words that carry meaning, cut to 5 characters so "reduction" meets "reduced"."""
    stop = outcome_stop_words()
    return {w[:5] for w in _CONTENT_WORD.findall(text.lower()) if w not in stop and len(w) >= 2}


def outcome_similarity(outcome: str, sentence: str) -> float:
    """0-100: the best fuzzy alignment of the outcome phrase, or the weighted share of its content words."""
    if not outcome.strip():
        return 0.0
    aligned = fuzz.partial_ratio(outcome.lower(), sentence.lower())
    words = _content_words(outcome)
    if not words:
        return aligned
    shared = len(words & _content_words(sentence)) / len(words)
    return max(aligned, OUTCOME_WORDS_WEIGHT * 100.0 * shared)


def _cue_bonus(sentence: str) -> float:
    if _has_result_cue(sentence):
        return RESULT_CUE_BONUS
    return -MEASURED_ONLY_PENALTY if _MEASURED_ONLY.search(sentence) else 0.0


def best_evidence_sentence(
    sentences: list[str], outcome: str, intervention: str, comparator: str
) -> EvidenceSentence | None:
    """The highest-ranked sentence (the first of equals), or None for an empty abstract."""
    best: EvidenceSentence | None = None
    section: str | None = None
    for sentence in sentences:
        heading = SECTION_HEADING.match(sentence)
        if heading:
            section = heading["label"]
        if sentence.strip().upper().startswith("TITLE"):
            section = "title"
        score = outcome_similarity(outcome, sentence)
        i_span = locate_arm(intervention, sentence, comparator, outcome)
        c_span = locate_arm(comparator, sentence, intervention, outcome)
        score += _section_bonus(section)
        score += _cue_bonus(sentence)
        score += INTERVENTION_BONUS if i_span else 0.0
        score += COMPARATOR_BONUS if c_span else 0.0
        if best is None or score > best.score:  # the outcome is located only in a new best
            best = EvidenceSentence(
                sentence, locate_phrase(outcome, sentence, threshold=70), i_span, c_span, score
            )
    return best
