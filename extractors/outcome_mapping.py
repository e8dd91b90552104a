"""Map outcome mentions to a topic's canonical outcomes, and judge each finding for that topic.

A mention maps to a topic outcome when, after expanding abbreviations the abstract defines
("sleep onset latency (SOL)" makes "SOL" read as "sleep onset latency"):
1. it equals the outcome's name, a synonym, or (case-sensitively) one of its abbreviations; or
2. it contains one of them as a whole phrase (the longest such phrase wins: "total sleep time at
   week 8" names sleep duration); or
3. rapidfuzz's `token_sort_ratio` with a name or synonym reaches FUZZY_THRESHOLD (85: "sleep-onset
   latencies" and "quality of sleep" match, "sleep apnoea" does not).
Otherwise the concept is None. Ties go to the outcome listed first in the topic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from rapidfuzz import fuzz

from extractors.models import Abbreviation, Effect, Mention, OutcomeAttrs, TopicOutcome
from litwatch.topics import Outcome, Topic

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


@cache
def _phrases(name: str, synonyms: tuple[str, ...]) -> tuple[str, ...]:
    """An outcome's name and synonyms, normalised (once per outcome, not once per mention)."""
    return tuple(normalise(p) for p in (name, *synonyms))


def _match_score(plain: str, wide: str, words: set[str], stripped: str, outcome: Outcome) -> float:
    """100 for an exact name/synonym/abbreviation, 90+ for a contained phrase, else the fuzzy score.

    `plain`/`wide` are the normalised mention without/with abbreviations expanded, `words` the words of
    both, `stripped` the mention as written."""
    phrases = _phrases(outcome.name, tuple(outcome.synonyms))
    if any(plain == p or wide == p for p in phrases) or (stripped in outcome.abbreviations):
        return 100.0
    contained = [p for p in phrases if _contains(plain, p) or _contains(wide, p)]
    if contained or any(a in words for a in outcome.abbreviations):
        longest = max((len(p) for p in contained), default=0)
        return 90.0 + min(longest, 99) / 10.0
    return max(max(fuzz.token_sort_ratio(plain, p), fuzz.token_sort_ratio(wide, p)) for p in phrases)


def concept_for(text: str, abbreviations: Iterable[Abbreviation], topic: Topic) -> Outcome | None:
    """The topic outcome a mention names, or None."""
    expanded = expand_abbreviations(text, abbreviations)
    plain, wide = normalise(text), normalise(expanded)
    words = set(_WORD.findall(text)) | set(_WORD.findall(expanded))
    best: tuple[float, Outcome] | None = None
    for outcome in topic.outcomes:
        score = _match_score(plain, wide, words, text.strip(), outcome)
        if score >= FUZZY_THRESHOLD and (best is None or score > best[0]):
            best = (score, outcome)
    return best[1] if best else None


def effect_of(finding: OutcomeAttrs, outcome: Outcome | None) -> Effect:
    """benefit / harm / null / unclear: a non-significant change is null; a significant one is judged by
    the text's own verdict ("improved") if any, else by its direction against the outcome's `better`."""
    if finding.significant is False:
        return "null"
    if finding.significant is None:
        return "unclear"
    if finding.polarity is not None:
        return "benefit" if finding.polarity == "improved" else "harm"
    if outcome is None or finding.direction not in ("increase", "decrease"):
        return "unclear"
    went_up = finding.direction == "increase"
    return "benefit" if went_up == (outcome.better == "higher") else "harm"


def map_mentions(
    mentions: Iterable[Mention], abbreviations: Iterable[Abbreviation], topic: Topic
) -> list[TopicOutcome]:
    """One TopicOutcome per outcome mention."""
    known = list(abbreviations)
    mapped: list[TopicOutcome] = []
    for mention in mentions:
        if mention.kind != "outcome":
            continue
        outcome = concept_for(mention.text, known, topic)
        mapped.append(
            TopicOutcome(
                topic=topic.id,
                section=mention.section,
                start_char=mention.start_char,
                end_char=mention.end_char,
                concept=outcome.name if outcome else None,
                effect=effect_of(mention.outcome or OutcomeAttrs(), outcome),
            )
        )
    return mapped
