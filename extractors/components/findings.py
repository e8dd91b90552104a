"""Findings per outcome mention: direction, significance, effect size with CI and p (`span._.outcome`).

For each span in `doc.spans["outcome"]` the clause around it is read (extractors/findings/): numbers
(p-values, CIs, named estimates), cue words, generic comparators ("placebo") and the finding classifier
together decide an `OutcomeAttrs`. A clause with no result cue at all gets direction "unclear" and
significance None (a methods sentence naming the outcome reports no finding).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from extractors.findings.classifier import classify
from extractors.findings.decision import Finding, decide, needs_classifier
from extractors.findings.direction import read_direction, read_polarity, read_significance_words
from extractors.findings.features import CharSpan, FindingContext, finding_context
from extractors.models import OutcomeAttrs
from extractors.text import doc_text
from extractors.trained_part import TrainedPart, loaded


def _has_result_cue(context: FindingContext) -> bool:
    stats = context.stats
    return bool(
        stats.p_values
        or stats.effects
        or stats.intervals
        or stats.marked_not_significant
        or read_significance_words(context.clause) is not None
        or read_direction(context.clause, context.outcome, context.arms) is not None
    )


@dataclass(frozen=True)
class _Sentence:
    start_char: int
    text: str


def _with_sentences(doc: Doc, group: str) -> list[tuple[Span, _Sentence]]:
    """Each span of the group with its sentence, read in one pass from the sentence-start array
    (`doc.sents`, `span.sent` and `Span.text` build a Token per token on every call)."""
    spans = list(doc.spans.get(group, []))
    if not spans:
        return []
    text = doc_text(doc)
    starts = np.flatnonzero(doc.to_array(SENT_START) == 1).tolist()
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    ends = [*starts[1:], len(doc)]
    sentences: dict[int, _Sentence] = {}
    located = []
    for span in spans:
        index = bisect_right(starts, span.start) - 1
        if index not in sentences:
            sent = doc[starts[index] : ends[index]]
            sentences[index] = _Sentence(sent.start_char, text[sent.start_char : sent.end_char])
        located.append((span, sentences[index]))
    return located


class OutcomeFindings:
    """Its trained part (the classifier's saved pipeline + training.json) is read by `from_disk` from
    the component's folder of the packaged pipeline, `extractors/model/litwatch_findings/`."""

    def __init__(self, group: str, tokenizer: Callable[[str], Doc]) -> None:
        self.group = group
        # The classifier's saved tokenizer is the pipeline's (same config and rules), so its input is
        # tokenised by the pipeline's own, whose cache and vocabulary already hold the clause's words.
        self.tokenizer = tokenizer
        self.trained: TrainedPart | None = None

    def from_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> OutcomeFindings:
        self.trained = TrainedPart.load(path)
        return self

    def to_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> None:
        loaded(self.trained, "litwatch_findings").save(path)

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Read the outcome clauses of a batch of docs; the classifier sees, in one call, only the
        clauses whose numbers and words leave the finding open."""
        classifier = loaded(self.trained, "litwatch_findings").nlp
        for batch in minibatch(docs, size=batch_size):
            located = [(span, sent) for doc in batch for span, sent in _with_sentences(doc, self.group)]
            contexts = [self._context(span, sent) for span, sent in located]
            readable = [i for i, context in enumerate(contexts) if _has_result_cue(context)]
            unsure = [i for i in readable if needs_classifier(contexts[i])]
            predictions = dict(
                zip(
                    unsure,
                    classify([self.tokenizer(contexts[i].classifier_text) for i in unsure], classifier),
                    strict=True,
                )
            )
            for span, sent in located:
                span._.outcome = OutcomeAttrs(sentence=sent.text.strip())
            for i in readable:
                span, sent = located[i]
                finding = decide(contexts[i], predictions.get(i), guess_direction=False)
                span._.outcome = self._attrs(contexts[i], sent, finding)
            yield from batch

    @staticmethod
    def _context(span: Span, sentence: _Sentence) -> FindingContext:
        outcome = CharSpan(span.start_char - sentence.start_char, span.end_char - sentence.start_char)
        return finding_context(sentence.text, outcome)

    @staticmethod
    def _attrs(context: FindingContext, sentence: _Sentence, finding: Finding) -> OutcomeAttrs:
        stats = context.stats
        anchor = context.outcome.end if context.outcome is not None else 0
        effect = stats.effect_near(anchor)
        # A lone bare CI belongs to the reported change; several bare CIs are the arms' or time
        # points' own ("8.05 h (95% CI 7.65-8.44) baseline, 9.84 h (...) with melatonin"), none of
        # them the difference's.
        lone_interval = stats.intervals[0] if len(stats.intervals) == 1 else None
        interval = effect.interval if effect is not None and effect.interval else lone_interval
        p_value = stats.p_value_near(anchor)
        return OutcomeAttrs(
            direction=finding.direction,
            significant=finding.significant,
            effect_size=effect.value if effect else None,
            effect_kind=effect.kind if effect else None,
            ci_low=interval.low if interval else None,
            ci_high=interval.high if interval else None,
            p_value=p_value.value if p_value else None,
            p_relation=p_value.relation if p_value else None,
            sentence=sentence.text.strip(),
            polarity=read_polarity(context.clause, context.outcome, context.arms),
        )


@Language.factory("litwatch_findings", default_config={"group": "outcome"})
def make_findings(nlp: Language, name: str, group: str) -> OutcomeFindings:
    return OutcomeFindings(group, nlp.tokenizer)
