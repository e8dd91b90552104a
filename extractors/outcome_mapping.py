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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from extractors.models import Abbreviation, Effect, Mention, OutcomeAttrs, TopicOutcome
from extractors.topic_direction import direction_for_topic
from litwatch.topics import Better, Measure, Outcome, Topic

FUZZY_THRESHOLD = 85.0
_NON_WORD = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"[A-Za-z0-9]+")


def normalise(text: str) -> str:
    """Lower case; punctuation and hyphens become single spaces ("Sleep-onset," -> "sleep onset")."""
    return _NON_WORD.sub(" ", text.lower()).strip()


def expand_abbreviations(text: str, abbreviations: Iterable[Abbreviation]) -> str:
    """Replace short forms defined in the abstract by their long forms."""
    return _expand(text, _longest_first(abbreviations))


def _longest_first(abbreviations: Iterable[Abbreviation]) -> list[Abbreviation]:
    return sorted(abbreviations, key=lambda a: len(a.short), reverse=True)


def _expand(text: str, longest_first: list[Abbreviation]) -> str:
    for abbreviation in longest_first:
        if abbreviation.short not in text:  # most mentions contain none of them: skip the regex
            continue
        pattern = r"(?<![A-Za-z0-9])" + re.escape(abbreviation.short) + r"(?![A-Za-z0-9])"
        text = re.sub(pattern, abbreviation.long, text)
    return text


@dataclass(frozen=True)
class ConceptMatch:
    """The topic outcome a mention names, and which way is better on the scale it was named by."""

    outcome: Outcome
    better: Better


@dataclass(frozen=True)
class _Naming:
    """One way a topic outcome is named: the outcome itself or one of its measures."""

    outcome: int  # position in `topic.outcomes`
    phrases: tuple[str, ...]
    abbreviations: tuple[str, ...]
    better: Better


@dataclass(frozen=True)
class _TopicIndex:
    """A topic's namings in topic order (ties go to the first), with lookups from a phrase or an
    abbreviation to the namings that use it, and every naming's phrases in one flat list for `cdist`."""

    namings: tuple[_Naming, ...]
    by_phrase: dict[str, tuple[int, ...]]
    by_abbreviation: dict[str, tuple[int, ...]]
    phrases: tuple[str, ...]
    phrase_starts: np.ndarray  # where each naming's phrases start in `phrases` (for `maximum.reduceat`)
    max_words: int


_NamingKey = tuple[str, tuple[str, ...], tuple[str, ...], Better]


def _topic_key(topic: Topic) -> tuple[tuple[_NamingKey, ...], ...]:
    """What the index depends on, as a hashable value (topics are unhashable pydantic models)."""
    return tuple(
        tuple((n.name, tuple(n.synonyms), tuple(n.abbreviations), n.better) for n in _namers(outcome))
        for outcome in topic.outcomes
    )


def _namers(outcome: Outcome) -> list[Outcome | Measure]:
    """The outcome itself, then its measures: each names the outcome in its own words."""
    return [outcome, *outcome.measures]


@lru_cache(maxsize=64)
def _index(key: tuple[tuple[_NamingKey, ...], ...]) -> _TopicIndex:
    namings = tuple(
        _Naming(position, tuple(normalise(p) for p in (name, *synonyms)), abbreviations, better)
        for position, outcome in enumerate(key)
        for name, synonyms, abbreviations, better in outcome
    )
    by_phrase: dict[str, list[int]] = {}
    by_abbreviation: dict[str, list[int]] = {}
    for i, naming in enumerate(namings):
        for phrase in dict.fromkeys(naming.phrases):
            by_phrase.setdefault(phrase, []).append(i)
        for abbreviation in dict.fromkeys(naming.abbreviations):
            by_abbreviation.setdefault(abbreviation, []).append(i)
    starts = np.cumsum([0, *(len(n.phrases) for n in namings[:-1])]) if namings else np.zeros(0, dtype=int)
    return _TopicIndex(
        namings=namings,
        by_phrase={p: tuple(i) for p, i in by_phrase.items()},
        by_abbreviation={a: tuple(i) for a, i in by_abbreviation.items()},
        phrases=tuple(p for n in namings for p in n.phrases),
        phrase_starts=starts,
        max_words=max((p.count(" ") + 1 for p in by_phrase), default=0),
    )


@dataclass(frozen=True)
class _Query:
    """A mention as the matching reads it: normalised without (`plain`) and with (`wide`) the
    abstract's abbreviations expanded, the words of both, and the text as written (`stripped`)."""

    plain: str
    wide: str
    words: frozenset[str]
    stripped: str


def _query(text: str, longest_first: list[Abbreviation]) -> _Query:
    expanded = _expand(text, longest_first)
    words = frozenset(_WORD.findall(text)) | frozenset(_WORD.findall(expanded))
    return _Query(normalise(text), normalise(expanded), words, text.strip())


def _word_ngrams(text: str, longest: int) -> Iterator[str]:
    """Every run of up to `longest` consecutive words: a phrase is contained in `text` exactly when it
    is one of them (both are normalised: single spaces, no edge spaces)."""
    words = text.split(" ")
    for start in range(len(words)):
        for end in range(start + 1, min(start + longest, len(words)) + 1):
            yield " ".join(words[start:end])


def _scores(query: _Query, fuzzy: np.ndarray, index: _TopicIndex) -> np.ndarray:
    """Each naming's score: 100 for an exact name/synonym/abbreviation, 90+ for a contained phrase
    (longer is higher) or a word that is an abbreviation, else the best fuzzy score (`fuzzy`, per naming)."""
    scores = fuzzy.copy()
    contained: dict[int, int] = {}
    for haystack in dict.fromkeys((query.plain, query.wide)):
        for gram in _word_ngrams(haystack, index.max_words):
            for i in index.by_phrase.get(gram, ()):
                contained[i] = max(contained.get(i, 0), len(gram))
    for word in query.words:
        for i in index.by_abbreviation.get(word, ()):
            contained.setdefault(i, 0)
    for i, longest in contained.items():
        scores[i] = 90.0 + min(longest, 99) / 10.0
    exact = [*index.by_phrase.get(query.plain, ()), *index.by_phrase.get(query.wide, ())]
    exact += index.by_abbreviation.get(query.stripped, ())
    scores[exact] = 100.0
    return scores


def _fuzzy_scores(queries: list[_Query], index: _TopicIndex) -> np.ndarray:
    """(query, naming) best `token_sort_ratio` of the plain or wide mention with the naming's phrases,
    in one `cdist` call; scores under FUZZY_THRESHOLD (which can never map) read as 0."""
    strings = list(dict.fromkeys(s for q in queries for s in (q.plain, q.wide)))
    row = {s: i for i, s in enumerate(strings)}
    matrix = process.cdist(
        strings, index.phrases, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_THRESHOLD, dtype=np.float64
    )
    per_naming = np.maximum.reduceat(matrix, index.phrase_starts, axis=1)
    return np.array([np.maximum(per_naming[row[q.plain]], per_naming[row[q.wide]]) for q in queries])


def _concepts(
    texts: list[str], abbreviations: Iterable[Abbreviation], topic: Topic
) -> list[ConceptMatch | None]:
    """The topic outcome each mention names (through the outcome's own words or one of its measures)."""
    index = _index(_topic_key(topic))
    if not texts or not index.namings:
        return [None] * len(texts)
    longest_first = _longest_first(abbreviations)
    queries = [_query(text, longest_first) for text in texts]
    matches: list[ConceptMatch | None] = []
    for query, fuzzy in zip(queries, _fuzzy_scores(queries, index), strict=True):
        scores = _scores(query, fuzzy, index)
        best = int(np.argmax(scores))  # the first of equal scores: ties go to the outcome listed first
        naming = index.namings[best]
        matches.append(
            ConceptMatch(topic.outcomes[naming.outcome], naming.better)
            if scores[best] >= FUZZY_THRESHOLD
            else None
        )
    return matches


def concept_for(text: str, abbreviations: Iterable[Abbreviation], topic: Topic) -> ConceptMatch | None:
    """The topic outcome a mention names (through the outcome's own words or one of its measures), or None."""
    return _concepts([text], abbreviations, topic)[0]


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
    outcomes = [mention for mention in mentions if mention.kind == "outcome"]
    matches = _concepts([mention.text for mention in outcomes], abbreviations, topic)
    mapped: list[TopicOutcome] = []
    for mention, match in zip(outcomes, matches, strict=True):
        finding = mention.outcome or OutcomeAttrs()
        direction = direction_for_topic(mention, topic) if match else None
        if direction is not None:
            finding = finding.model_copy(update={"direction": direction})
        mapped.append(
            TopicOutcome(
                topic=topic.id,
                section=mention.section,
                start_char=mention.start_char,
                end_char=mention.end_char,
                concept=match.outcome.name if match else None,
                direction=direction,
                effect=effect_of(finding, match.better if match else None),
            )
        )
    return mapped
