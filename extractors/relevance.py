"""Is an article relevant to a topic? A plain function over a processed Doc and a Topic (topics are
data, not pipeline config): relevant when the text names the topic's intervention and one of its
outcomes and no near-miss rule (relevance.yaml) explains the co-occurrence away.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml
from spacy.tokens import Doc

from extractors.models import TopicRelevance
from extractors.terms import intervention_pattern, term_pattern
from extractors.text import abstract_offset, doc_text, sentence_ranges
from litwatch.topics import Topic

NEAR_MISSES = Path(__file__).parent / "relevance.yaml"


@dataclass(frozen=True)
class NearMiss:
    name: str
    reason: str
    pattern: str | None = None
    every_mention: str | None = None
    unless: str | None = None
    anywhere: bool = False


@cache
def near_misses(path: Path = NEAR_MISSES) -> tuple[NearMiss, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(NearMiss(**entry) for entry in data["near_misses"])


@dataclass(frozen=True)
class CompiledNearMiss:
    rule: NearMiss
    pattern: re.Pattern[str] | None
    every_mention: re.Pattern[str] | None
    unless: re.Pattern[str] | None

    def fires(
        self, title: str, text: str, mentioning: Callable[[], list[str]], outcome_in_title: bool
    ) -> bool:
        """`mentioning()`: the sentences that name the intervention (empty when the title does), read
        only by an `every_mention` rule."""
        if self.every_mention is not None:
            sentences = mentioning()
            hit = bool(sentences) and all(self.every_mention.search(s) for s in sentences)
        else:
            where = text if self.rule.anywhere else title
            hit = self.pattern is not None and self.pattern.search(where) is not None
            hit = hit and (self.rule.anywhere or not outcome_in_title)
        return hit and (self.unless is None or self.unless.search(text) is None)


@lru_cache(maxsize=256)
def compiled_near_misses(intervention_terms: tuple[str, ...]) -> tuple[CompiledNearMiss, ...]:
    """The near-miss rules with `{terms}` filled in by a topic's intervention terms, compiled once."""
    terms = "|".join(re.escape(t) for t in intervention_terms)

    def compiled(pattern: str | None) -> re.Pattern[str] | None:
        return re.compile(pattern.replace("{terms}", terms), re.IGNORECASE) if pattern else None

    return tuple(
        CompiledNearMiss(rule, compiled(rule.pattern), compiled(rule.every_mention), compiled(rule.unless))
        for rule in near_misses()
    )


def sentences_naming(doc: Doc, intervention: re.Pattern[str]) -> list[str]:
    """The abstract's sentences that name the intervention."""
    full = doc_text(doc)
    start_of_abstract = abstract_offset(doc._.title_length or 0) if doc._.title_length else 0
    return [
        full[start:end]
        for start, end in sentence_ranges(doc)
        if end > start_of_abstract and intervention.search(full[start:end])
    ]


def outcome_terms(topic: Topic, doc: Doc) -> tuple[str, ...]:
    """Names and synonyms (of outcomes and their measures); an abbreviation counts only where the
    abstract defines it."""
    terms = [t for o in topic.outcomes for t in (o.name, *o.synonyms)]
    terms += [t for o in topic.outcomes for m in o.measures for t in (m.name, *m.synonyms)]
    defined = {a.short for a in (doc._.abbreviations or [])}
    terms += [a for o in topic.outcomes for a in o.all_abbreviations if a in defined]
    return tuple(terms)


def assess_relevance(doc: Doc, topic: Topic) -> TopicRelevance:
    title_length = doc._.title_length or 0
    full = doc_text(doc)
    title = full[:title_length]
    abstract = full[abstract_offset(title_length) :] if title_length else full
    text = f"{title}\n{abstract}"
    if doc._.notice:
        # A retraction notice or an erratum quotes a study's title but is not itself a study.
        return TopicRelevance(topic=topic.id, relevant=False, reason=f"{doc._.notice}, not a study")
    intervention = intervention_pattern(topic)
    subject = topic.intervention.terms[0] if topic.intervention.terms else topic.id
    intervention_hit = intervention.search(text) if intervention else None
    if intervention is None or intervention_hit is None:
        return TopicRelevance(topic=topic.id, relevant=False, reason=f"{subject} is not mentioned")
    outcomes = term_pattern(outcome_terms(topic, doc))
    outcome_hit = outcomes.search(text) if outcomes else None
    if outcomes is None or outcome_hit is None:
        names = ", ".join(o.name for o in topic.outcomes) or "the topic's outcomes"
        return TopicRelevance(
            topic=topic.id, relevant=False, reason=f"none of the outcomes is mentioned ({names})"
        )
    outcome_in_title = outcomes.search(title) is not None
    mentioning = cache(lambda: [] if intervention.search(title) else sentences_naming(doc, intervention))
    for near_miss in compiled_near_misses(tuple(topic.intervention.all_terms)):
        if not near_miss.fires(title, text, mentioning, outcome_in_title):
            continue
        reason = near_miss.rule.reason.format(intervention=subject, outcome=outcome_hit.group(0).lower())
        return TopicRelevance(
            topic=topic.id, relevant=False, reason=f"near miss ({near_miss.rule.name}): {reason}"
        )
    return TopicRelevance(
        topic=topic.id,
        relevant=True,
        reason=f"studies {intervention_hit.group(0)} and {outcome_hit.group(0).lower()}",
    )
