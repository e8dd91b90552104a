"""Which way a significant change went, read again with the topic's intervention as the intervention arm.

The pipeline reads findings without knowing any topic, so a sentence that gives each arm's number and no
direction word ("9.84 h with melatonin, 8.75 h with placebo") leaves the direction unclear: which arm is
the intervention is the topic's knowledge. For a topic, the intervention term nearest the outcome in the
sentence becomes the intervention arm and the arms' numbers (or a direction word read against the arms)
decide. Only a significant finding whose topic-free direction is unclear is read again.
"""

from __future__ import annotations

from extractors.findings.decision import rule_direction
from extractors.findings.features import finding_context
from extractors.findings.spans import CharSpan
from extractors.models import Direction, Mention
from extractors.terms import intervention_pattern
from litwatch.topics import Topic


def _nearest(spans: list[CharSpan], anchor: CharSpan | None) -> CharSpan:
    if anchor is None:
        return spans[0]
    return min(spans, key=lambda span: abs(span.start - anchor.start))


def direction_for_topic(mention: Mention, topic: Topic) -> Direction | None:
    """The direction for this topic where it differs from the topic-free reading, else None."""
    finding = mention.outcome
    if finding is None or finding.significant is not True or finding.direction != "unclear":
        return None
    sentence = finding.sentence or ""
    pattern = intervention_pattern(topic)
    arms = [CharSpan(m.start(), m.end()) for m in pattern.finditer(sentence)] if pattern else []
    if not arms:
        return None
    where = sentence.find(mention.text)
    outcome = CharSpan(where, where + len(mention.text)) if where >= 0 else None
    context = finding_context(sentence, outcome, intervention=_nearest(arms, outcome))
    if "intervention" not in context.arms:  # the term lies outside the outcome's clause
        return None
    return rule_direction(context)
