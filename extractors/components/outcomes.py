"""Outcome mentions: move the trained recogniser's OUTCOME entities into `doc.spans["outcome"]`.

The recogniser (`outcome_ner`, a small CNN NER trained by extractors/training/train_outcomes.py on
EvidenceOutcomes + PICO corpus train splits) writes `doc.ents`; this component takes its spans out of
`doc.ents` (other components' entities stay), trims punctuation at the edges, and keeps only spans in
the results part of the abstract: findings are reported there, and EvidenceOutcomes annotates outcomes
only in Results and Conclusions (training reads the same part, via `results_start`).
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.text import abstract_offset

_EDGE_PUNCTUATION = set(",;:.([)]")
RESULTS_HEADING = re.compile(
    r"^[ \t]*(?:ABSTRACT\.)?(?:MAIN\s+|KEY\s+)?(?:RESULTS?|FINDINGS|OUTCOMES?|CONCLUSIONS?|INTERPRETATION)"
    r"(?:\s+AND\s+[A-Z]+)?\s*:",
    re.MULTILINE | re.IGNORECASE,
)


def results_start(text: str, from_char: int = 0) -> int:
    """Where the results part of an abstract starts: its Results (or Conclusions) heading when it has
    one, else `from_char` (the whole abstract: unstructured abstracts mix methods and results)."""
    heading = RESULTS_HEADING.search(text, from_char)
    return heading.start() if heading else from_char


class OutcomeSpans:
    def __init__(self, entity_label: str, span_label: str, group: str) -> None:
        self.entity_label = entity_label
        self.span_label = span_label
        self.group = group

    def __call__(self, doc: Doc) -> Doc:
        outcomes: list[Span] = []
        others: list[Span] = []
        boundary = abstract_offset(doc._.title_length) if doc._.title_length else 0
        results = results_start(doc.text, boundary)
        for ent in doc.ents:
            if ent.label_ != self.entity_label:
                others.append(ent)
                continue
            span = self._trimmed(ent)
            if span is None:
                continue
            if span.start_char < results:
                continue
            outcomes.append(Span(doc, span.start, span.end, label=self.span_label))
        doc.ents = others
        doc.spans[self.group] = outcomes
        return doc

    @staticmethod
    def _trimmed(span: Span) -> Span | None:
        start, end = span.start, span.end
        while start < end and (span.doc[start].text in _EDGE_PUNCTUATION or span.doc[start].is_space):
            start += 1
        while end > start and (span.doc[end - 1].text in _EDGE_PUNCTUATION or span.doc[end - 1].is_space):
            end -= 1
        # An unbalanced bracket left inside ("FEV(1") is kept: the model's span is then still readable.
        return span.doc[start:end] if start < end else None


@Language.factory(
    "litwatch_outcomes",
    default_config={"entity_label": "OUTCOME", "span_label": "outcome", "group": "outcome"},
)
def make_outcomes(nlp: Language, name: str, entity_label: str, span_label: str, group: str) -> OutcomeSpans:
    return OutcomeSpans(entity_label, span_label, group)
