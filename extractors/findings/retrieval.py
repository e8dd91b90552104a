"""Find the sentence of an abstract that reports the result for a given outcome (and arms).

Used where the question names the outcome in its own words (Evidence Inference prompts): every
sentence is described by the features below (outcome similarity, section, result cues, arms named,
position) and ranked by a linear score whose weights `extractors/training/train_retrieval.py` fits on
Evidence Inference train prompts (a softmax over each abstract's sentences, the annotated evidence
sentences as the answer); the weights ship beside this file.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz

from extractors.findings.features import CharSpan, load_cues, locate_arm, locate_phrase, outcome_stop_words
from extractors.findings.statistics import parse_statistics

WEIGHTS_PATH = Path(__file__).with_name("retrieval_weights.json")
SECTION_HEADING = re.compile(r"^\s*(?:ABSTRACT\.)?(?P<label>[A-Z][A-Z /&-]{2,40})\s*:", re.MULTILINE)
# What a section heading's words say about its sentences; a heading matching none is "other".
SECTION_KINDS = {
    "result": "results",
    "finding": "results",
    "conclusion": "conclusions",
    "interpretation": "conclusions",
    "background": "background",
    "introduction": "background",
    "objective": "background",
    "aim": "background",
    "method": "methods",
    "design": "methods",
    "setting": "methods",
    "participant": "methods",
    "title": "title",
}
SECTIONS = ("results", "conclusions", "background", "methods", "title", "other", "none")
# Weight of the share of the outcome's content words in `outcome_similarity`: long outcome
# descriptions rarely align as one phrase, but their words do.
OUTCOME_WORDS_WEIGHT = 0.9
_CONTENT_WORD = re.compile(r"[a-z0-9]+")
# A sentence that only says what was measured ("X was assessed") reports no result.
_MEASURED_ONLY = re.compile(
    r"\b(?:were|was)\s+(?:assessed|measured|evaluated|recorded|determined|collected|obtained|compared|analy[sz]ed)"
    r"|\boutcome\s+measures?\b|\bwe\s+(?:determined|assessed|investigated|evaluated|compared)\b"
    r"|\b(?:aim(?:ed|s)?|objectives?|purpose|goal)\b.{0,40}\bto\b|\bhypothes[ie]s|\bprimary\s+(?:end\s?points?|outcomes?)\s+(?:was|were|is|are)\b",
    re.IGNORECASE,
)
FEATURES = (
    "outcome_similarity",
    "similarity_below_best",
    "most_similar",
    "outcome_aligned",
    "outcome_word_share",
    "outcome_located",
    *(f"section_{name}" for name in SECTIONS),
    "result_cue",
    "measured_only",
    "names_intervention",
    "names_comparator",
    "p_values",
    "interval",
    "effect_estimate",
    "significant_word",
    "not_significant_word",
    "position",
    "last_sentence",
    "length",
)


class RetrievalWeightsError(ValueError):
    """The weights file does not describe the features this module computes."""


@dataclass(frozen=True)
class EvidenceSentence:
    """The chosen sentence and where the outcome and arms sit in it."""

    text: str
    outcome: CharSpan | None
    intervention: CharSpan | None
    comparator: CharSpan | None
    score: float


def section_kind(label: str | None) -> str:
    if label is None:
        return "none"
    lowered = label.lower()
    return next((kind for key, kind in SECTION_KINDS.items() if key in lowered), "other")


def _content_words(text: str) -> set[str]:
    """Lower-cased words that carry meaning, cut to 5 characters so "reduction" meets "reduced"."""
    stop = outcome_stop_words()
    return {w[:5] for w in _CONTENT_WORD.findall(text.lower()) if w not in stop and len(w) >= 2}


def _aligned(outcome: str, sentence: str) -> float:
    return fuzz.partial_ratio(outcome.lower(), sentence.lower()) if outcome.strip() else 0.0


def _word_share(outcome: str, sentence: str) -> float | None:
    words = _content_words(outcome)
    return len(words & _content_words(sentence)) / len(words) if words else None


def _similarity(aligned: float, share: float | None) -> float:
    return aligned if share is None else max(aligned, OUTCOME_WORDS_WEIGHT * 100.0 * share)


def outcome_similarity(outcome: str, sentence: str) -> float:
    """0-100: the best fuzzy alignment of the outcome phrase, or the weighted share of its content words."""
    return _similarity(_aligned(outcome, sentence), _word_share(outcome, sentence))


def sentence_sections(sentences: Sequence[str]) -> list[str]:
    """The section kind of each sentence: the last heading seen, a title line being the title."""
    kinds, label = [], None
    for sentence in sentences:
        heading = SECTION_HEADING.match(sentence)
        if heading:
            label = heading["label"]
        if sentence.strip().upper().startswith("TITLE"):
            label = "title"
        kinds.append(section_kind(label))
    return kinds


def sentence_features(
    sentences: Sequence[str], outcome: str, intervention: str, comparator: str
) -> list[list[float]]:
    """One row of FEATURES per sentence, each value within about [-1, 1]."""
    cues = load_cues()
    aligned = [_aligned(outcome, s) for s in sentences]
    shares = [_word_share(outcome, s) for s in sentences]
    similarities = [_similarity(a, share) for a, share in zip(aligned, shares, strict=True)]
    best = max(similarities, default=0.0)
    last = max(len(sentences) - 1, 1)
    rows = []
    for index, (sentence, section, similarity) in enumerate(
        zip(sentences, sentence_sections(sentences), similarities, strict=True)
    ):
        stats = parse_statistics(sentence)
        significant = cues.significant.search(sentence) is not None
        not_significant = cues.not_significant.search(sentence) is not None
        numbers = stats.p_values or stats.intervals or stats.effects
        result_cue = bool(numbers or significant or not_significant)
        values = {
            "outcome_similarity": similarity / 100,
            "similarity_below_best": (similarity - best) / 100,
            "most_similar": float(similarity == best),
            "outcome_aligned": aligned[index] / 100,
            "outcome_word_share": shares[index] or 0.0,
            "outcome_located": float(locate_phrase(outcome, sentence, threshold=70) is not None),
            **{f"section_{name}": float(section == name) for name in SECTIONS},
            "result_cue": float(result_cue),
            "measured_only": float(_MEASURED_ONLY.search(sentence) is not None),
            "names_intervention": float(locate_arm(intervention, sentence, comparator, outcome) is not None),
            "names_comparator": float(locate_arm(comparator, sentence, intervention, outcome) is not None),
            "p_values": min(len(stats.p_values), 3) / 3,
            "interval": float(bool(stats.intervals)),
            "effect_estimate": float(bool(stats.effects)),
            "significant_word": float(significant),
            "not_significant_word": float(not_significant),
            "position": index / last,
            "last_sentence": float(index == len(sentences) - 1),
            "length": math.log(len(sentence) + 1) / 6,
        }
        rows.append([values[name] for name in FEATURES])
    return rows


def read_weights(path: Path) -> tuple[float, ...]:
    """The weights of a file written by train_retrieval, in FEATURES order."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data.get("features", ())) != FEATURES:
        raise RetrievalWeightsError(
            f"{path} was fitted for other features than retrieval.FEATURES; "
            "retrain with `uv run python -m extractors.training.train_retrieval`."
        )
    return tuple(float(w) for w in data["weights"])


@cache
def shipped_weights() -> tuple[float, ...]:
    return read_weights(WEIGHTS_PATH)


def best_evidence_sentence(
    sentences: list[str],
    outcome: str,
    intervention: str,
    comparator: str,
    weights: Sequence[float] | None = None,
) -> EvidenceSentence | None:
    """The highest-scoring sentence (the first of equals), or None for an empty abstract; `weights`
    default to the shipped ones."""
    if not sentences:
        return None
    weights = weights if weights is not None else shipped_weights()
    scores = [
        sum(w * x for w, x in zip(weights, row, strict=True))
        for row in sentence_features(sentences, outcome, intervention, comparator)
    ]
    score = max(scores)
    text = sentences[scores.index(score)]
    return EvidenceSentence(
        text,
        locate_phrase(outcome, text, threshold=70),
        locate_arm(intervention, text, comparator, outcome),
        locate_arm(comparator, text, intervention, outcome),
        score,
    )
