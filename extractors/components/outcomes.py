"""Outcome mentions: a small trained recogniser run over the result sentences, spans in `doc.spans["outcome"]`.

The recogniser (`extractors/model/outcome_ner`, a CNN NER trained by extractors/training/train_outcomes.py
on EvidenceOutcomes + PICO corpus train splits) reads only the sentences that can report a finding: those
in the results part of the abstract (from its Results/Conclusions heading; the whole abstract when it is
unstructured) that carry a result cue (a number, a comparison or change word). EvidenceOutcomes annotates
outcomes only there too, and skipping the rest keeps extraction fast. Training selects sentences with
the same function (`finding_sentences`).
"""

from __future__ import annotations

import re
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.text import abstract_offset

EXTRACTORS = Path(__file__).resolve().parents[1]
_EDGE_PUNCTUATION = set(",;:.([)]")
RESULTS_HEADING = re.compile(
    r"^[ \t]*(?:ABSTRACT\.)?(?:MAIN\s+|KEY\s+)?(?:RESULTS?|FINDINGS|OUTCOMES?|CONCLUSIONS?|INTERPRETATION)"
    r"(?:\s+AND\s+[A-Z]+)?\s*:",
    re.MULTILINE | re.IGNORECASE,
)
RESULT_CUE = re.compile(
    r"\d|significan|differ|increas|decreas|reduc|improv|higher|lower|greater|\bless\b|fewer|\bmore\b|\bthan\b"
    r"|compar|versus|\bvs\b|effect|associat|chang|similar|benefit|better|worse|superior|inferior",
    re.IGNORECASE,
)


def results_start(text: str, from_char: int = 0) -> int:
    """Where the results part of an abstract starts: its Results (or Conclusions) heading when it has
    one, else `from_char` (the whole abstract: unstructured abstracts mix methods and results)."""
    heading = RESULTS_HEADING.search(text, from_char)
    return heading.start() if heading else from_char


def finding_sentences(doc: Doc, from_char: int) -> list[Span]:
    """Sentences of the results part (at or after `from_char`) that carry a result cue."""
    start = results_start(doc.text, from_char)
    return [sent for sent in doc.sents if sent.start_char >= start and RESULT_CUE.search(sent.text)]


def trimmed(span: Span) -> Span | None:
    """The span without punctuation or whitespace tokens at its edges."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].text in _EDGE_PUNCTUATION or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].text in _EDGE_PUNCTUATION or doc[end - 1].is_space):
        end -= 1
    return doc[start:end] if start < end else None


class OutcomeSpans:
    def __init__(self, nlp: Language, model_dir: Path, span_label: str, group: str, batch_size: int) -> None:
        self.recogniser = spacy.load(model_dir, vocab=nlp.vocab)
        self.span_label = span_label
        self.group = group
        self.batch_size = batch_size

    def __call__(self, doc: Doc) -> Doc:
        title_length = doc._.title_length or 0
        sentences = finding_sentences(doc, abstract_offset(title_length) if title_length else 0)
        outcomes: list[Span] = []
        recognised = self.recogniser.pipe((sent.as_doc() for sent in sentences), batch_size=self.batch_size)
        for sent, sentence_doc in zip(sentences, recognised, strict=True):
            for ent in sentence_doc.ents:
                span = trimmed(doc[sent.start + ent.start : sent.start + ent.end])
                if span is not None:
                    outcomes.append(Span(doc, span.start, span.end, label=self.span_label))
        doc.spans[self.group] = outcomes
        return doc


@Language.factory(
    "litwatch_outcomes",
    default_config={"model_dir": "model/outcome_ner", "span_label": "outcome", "group": "outcome", "batch_size": 64},
)
def make_outcomes(
    nlp: Language, name: str, model_dir: str, span_label: str, group: str, batch_size: int
) -> OutcomeSpans:
    """`model_dir` is relative to the extractors package (the recogniser ships with the code)."""
    return OutcomeSpans(nlp, EXTRACTORS / model_dir, span_label, group, batch_size)
