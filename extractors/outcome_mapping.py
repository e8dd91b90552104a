"""Map outcome mentions to a topic's canonical outcomes, and judge each finding for that topic.

A mention maps to a topic outcome when, after expanding abbreviations the abstract defines
("sleep onset latency (SOL)" makes "SOL" read as "sleep onset latency"):
1. it equals the outcome's name, a synonym, or (case-sensitively) one of its abbreviations; or
2. it contains one of them as a whole phrase (the longest such phrase wins: "total sleep time at
   week 8" names sleep duration); or
3. rapidfuzz's `token_sort_ratio` with a name or synonym reaches FUZZY_THRESHOLD (85: "sleep-onset
   latencies" and "quality of sleep" match, "sleep apnoea" does not).
Otherwise the concept is None. Ties go to the outcome listed first in the topic. An outcome's
`measures` (instruments such as the PSQI) name it too, each with its own `better`, which then judges
the finding: "PSQI decreased" is a better sleep quality.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz

from extractors.models import Abbreviation, Effect, Mention, OutcomeAttrs, TopicOutcome
from litwatch.topics import Better, Outcome, Topic

FUZZY_THRESHOLD = 85.0
_NON_WORD = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"[A-Za-z0-9]+")


def normalise(text: str) -> str:
    """Lower case; punctuation and hyphens become single spaces ("Sleep-onset," -> "sleep onset")."""
    return _NON_WORD.sub(" ", text.lower()).strip()


def expand_abbreviations(text: str, abbreviations: Iterable[Abbreviation]) -> str:
    """Replace short forms defined in the abstract by their long forms."""
    for abbreviation in sorted(abbreviations, key=lambda a: len(a.short), reverse=True):
        pattern = r"(?<![A-Za-z0-9])" + re.escape(abbreviation.short) + r"(?![A-Za-z0-9])"
        text = re.sub(pattern, abbreviation.long, text)
    return text


def _contains(haystack: str, phrase: str) -> bool:
    return bool(phrase) and f" {phrase} " in f" {haystack} "


@dataclass(frozen=True)
class ConceptMatch:
    """The topic outcome a mention names, and which way is better on the scale it was named by."""

    outcome: Outcome
    better: Better


@dataclass(frozen=True)
class _Naming:
    """One way a topic outcome is named: the outcome itself or one of its measures."""

    phrases: tuple[str, ...]
    abbreviations: tuple[str, ...]
    better: Better


@cache
def _naming(names: tuple[str, ...], abbreviations: tuple[str, ...], better: Better) -> _Naming:
    """Normalised once per outcome or measure, not once per mention."""
    return _Naming(tuple(normalise(n) for n in names), abbreviations, better)


def _namings(outcome: Outcome) -> list[_Naming]:
    own = _naming((outcome.name, *outcome.synonyms), tuple(outcome.abbreviations), outcome.better)
    measures = [_naming((m.name, *m.synonyms), tuple(m.abbreviations), m.better) for m in outcome.measures]
    return [own, *measures]


def _match_score(plain: str, wide: str, words: set[str], stripped: str, naming: _Naming) -> float:
    """100 for an exact name/synonym/abbreviation, 90+ for a contained phrase, else the fuzzy score.

    `plain`/`wide` are the normalised mention without/with abbreviations expanded, `words` the words of
    both, `stripped` the mention as written."""
    phrases = naming.phrases
    if any(plain == p or wide == p for p in phrases) or (stripped in naming.abbreviations):
        return 100.0
    contained = [p for p in phrases if _contains(plain, p) or _contains(wide, p)]
    if contained or any(a in words for a in naming.abbreviations):
        longest = max((len(p) for p in contained), default=0)
        return 90.0 + min(longest, 99) / 10.0
    return max(max(fuzz.token_sort_ratio(plain, p), fuzz.token_sort_ratio(wide, p)) for p in phrases)


def concept_for(text: str, abbreviations: Iterable[Abbreviation], topic: Topic) -> ConceptMatch | None:
    """The topic outcome a mention names (through the outcome's own words or one of its measures), or None."""
    expanded = expand_abbreviations(text, abbreviations)
    plain, wide = normalise(text), normalise(expanded)
    words = set(_WORD.findall(text)) | set(_WORD.findall(expanded))
    best: tuple[float, ConceptMatch] | None = None
    for outcome in topic.outcomes:
        for naming in _namings(outcome):
            score = _match_score(plain, wide, words, text.strip(), naming)
            if score >= FUZZY_THRESHOLD and (best is None or score > best[0]):
                best = (score, ConceptMatch(outcome, naming.better))
    return best[1] if best else None


def effect_of(finding: OutcomeAttrs, better: Better | None) -> Effect:
    """benefit / harm / null / unclear: a non-significant change is null; a significant one is judged by
    the text's own verdict ("improved") if any, else by its direction against the scale's `better`
    (None: the mention names no topic outcome)."""
    if finding.significant is False:
        return "null"
    if finding.significant is None:
        return "unclear"
    if finding.polarity is not None:
        return "benefit" if finding.polarity == "improved" else "harm"
    if better is None or finding.direction not in ("increase", "decrease"):
        return "unclear"
    went_up = finding.direction == "increase"
    return "benefit" if went_up == (better == "higher") else "harm"


def map_mentions(
    mentions: Iterable[Mention], abbreviations: Iterable[Abbreviation], topic: Topic
) -> list[TopicOutcome]:
    """One TopicOutcome per outcome mention."""
    known = list(abbreviations)
    mapped: list[TopicOutcome] = []
    for mention in mentions:
        if mention.kind != "outcome":
            continue
        match = concept_for(mention.text, known, topic)
        mapped.append(
            TopicOutcome(
                topic=topic.id,
                section=mention.section,
                start_char=mention.start_char,
                end_char=mention.end_char,
                concept=match.outcome.name if match else None,
                effect=effect_of(mention.outcome or OutcomeAttrs(), match.better if match else None),
            )
        )
    return mapped
