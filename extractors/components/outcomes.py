"""Outcome mentions: a small trained tagger run over the result sentences, spans in `doc.spans["outcome"]`.

The tagger (a CNN tok2vec + softmax giving B/I/O per token, trained by
extractors/training/train_outcomes.py on EvidenceOutcomes + PICO corpus train splits, saved in this
component's folder of the packaged pipeline, `extractors/model/litwatch_outcomes/`; a tagger, since
it runs about twice as fast as a transition NER of the same width) reads only the sentences that can
report a finding: those of the results part of the abstract (from its Results/Conclusions heading; the
whole abstract when unstructured). EvidenceOutcomes annotates outcomes only there; training reads the
same sentences (`results_sentences`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.pipeline import Tagger
from spacy.scorer import Scorer
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import minibatch

from extractors.text import abstract_offset, doc_text
from extractors.trained_part import TrainedPart, loaded

TAGGER_NAME = "outcome_tagger"
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


def results_sentences(doc: Doc, from_char: int) -> list[tuple[int, int]]:
    """Token ranges of the sentences of the results part (at or after `from_char`); every one of them,
    since outcomes are also named in sentences without a number or change word ("Adverse events were
    mild"). Read from arrays, not `doc.sents`: this runs on every abstract."""
    if not len(doc):
        return []
    text = doc_text(doc)  # `doc.text` rebuilds the string from every token on each access
    results = results_start(text, from_char)
    offsets, starts = doc.to_array([IDX, SENT_START]).T
    boundaries = [*np.flatnonzero(starts == 1).tolist(), len(doc)]
    if boundaries[0] != 0:
        boundaries.insert(0, 0)
    chars = [*offsets.tolist(), len(text)]
    return [(start, end) for start, end in pairwise(boundaries) if chars[start] >= results]


def whole_words(doc: Doc, start: int, end: int, sentence: tuple[int, int]) -> tuple[int, int]:
    """The token range widened to the whitespace-delimited words it cuts into: the tagger may tag
    "NTX" of "XR-NTX" or "progression-" of "progression-free"; an opening bracket before the range and
    closing punctuation after it stay out (trimmed anyway)."""
    while start > sentence[0] and not doc[start - 1].whitespace_ and doc[start - 1].text not in "([":
        start -= 1
    while end < sentence[1] and not doc[end - 1].whitespace_ and doc[end].text not in _EDGE_PUNCTUATION:
        end += 1
    return start, end


def trimmed(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """The token range without punctuation or whitespace tokens at its edges; None when nothing is left
    or no token has two letters (a number or a symbol alone is no outcome)."""
    while start < end and (doc[start].text in _EDGE_PUNCTUATION or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].text in _EDGE_PUNCTUATION or doc[end - 1].is_space):
        end -= 1
    if not any(sum(char.isalpha() for char in token.text) >= 2 for token in doc[start:end]):
        return None
    return start, end


# Words that may stand inside an outcome but never at its edge ("risk of", "sleep quality at", "of life").
_EDGE_WORDS = frozenset(
    {"of", "and", "or", "at", "in", "on", "the", "to", "with", "for", "by", "from", "both", "a", "an", "than"}
    | {"vs", "versus"}
)


def cleaned(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """The range without link words at its edges or an unclosed bracket's tail ("failure (HF" ->
    "failure"); None when only link words are left ("at")."""
    opened = [i for i in range(start, end) if doc[i].text == "("]
    if opened and not any(doc[i].text == ")" for i in range(opened[-1], end)):
        end = opened[-1]
    # Only whole words: "on" of "on-treatment" stays.
    while start < end and doc[start].lower_ in _EDGE_WORDS and doc[start].whitespace_:
        start += 1
    while end > start + 1 and doc[end - 1].lower_ in _EDGE_WORDS and doc[end - 2].whitespace_:
        end -= 1
    span = trimmed(doc, start, end) if start < end else None
    if span is None:
        return None
    if all(token.lower_ in _EDGE_WORDS for token in doc[span[0] : span[1]] if not token.is_punct):
        return None
    return span


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise probabilities (the tagger's model is built with `normalize = false`, i.e. returns logits)."""
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def bio_spans(scores: np.ndarray, labels: tuple[str, ...], min_probability: float) -> list[tuple[int, int]]:
    """Token ranges from per-token B/I/O probabilities: a token is inside an outcome when B + I reaches
    `min_probability` (below 0.5 trades precision for recall: outcome tokens are rare), and opens a new
    one where B outweighs I."""
    begin, inside = scores[:, labels.index("B")], scores[:, labels.index("I")]
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for i in range(len(scores)):
        if begin[i] + inside[i] < min_probability:
            if start is not None:
                spans.append((start, i))
            start = None
        elif start is None or begin[i] > inside[i]:
            if start is not None:
                spans.append((start, i))
            start = i
    if start is not None:
        spans.append((start, len(scores)))
    return spans


def _abstract_start(doc: Doc) -> int:
    title_length = doc._.title_length or 0
    return abstract_offset(title_length) if title_length else 0


def outcome_ranges(
    doc: Doc, probabilities: np.ndarray, labels: tuple[str, ...], min_probability: float
) -> list[tuple[int, int]]:
    """Token ranges of the outcomes in the results sentences of `doc`, from the tagger's per-token
    B/I/O probabilities over the doc's last `len(probabilities)` tokens (the whole doc, or a tail that
    holds the results sentences): widened to whole words, trimmed of edge punctuation, link words and
    an unclosed bracket's tail, link words alone dropped, pieces of one word merged."""
    first_scored = len(doc) - len(probabilities)
    ranges: list[tuple[int, int]] = []
    for sentence in results_sentences(doc, _abstract_start(doc)):
        sent_start = sentence[0]
        sent_scores = probabilities[sent_start - first_scored : sentence[1] - first_scored]
        for start, end in bio_spans(sent_scores, labels, min_probability):
            span = trimmed(doc, *whole_words(doc, sent_start + start, sent_start + end, sentence))
            if span is None:
                continue
            if ranges and span[0] < ranges[-1][1]:
                previous = ranges.pop()
                span = (previous[0], max(previous[1], span[1]))
            ranges.append(span)
    return [span for span in (cleaned(doc, *r) for r in ranges) if span is not None]


@dataclass(frozen=True)
class DocTail:
    """Tokens `start`:`end` of `doc`, as the tagger's feature extractor reads a span (its
    `doc.doc.to_array(columns)[doc.start:doc.end]` branch) without copying it out. Not a `Span`:
    `Span.to_array` refuses the attribute names the extractor passes."""

    doc: Doc
    start: int
    end: int


class OutcomeSpans:
    """Its trained part (the tagger's saved pipeline + training.json) is read by `from_disk` from the
    component's folder of the packaged pipeline, `extractors/model/litwatch_outcomes/`."""

    def __init__(self, span_label: str, group: str, min_probability: float | None) -> None:
        self.span_label = span_label
        self.group = group
        self.configured_min_probability = min_probability
        self.trained: TrainedPart | None = None

    def from_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> OutcomeSpans:
        """`min_probability` None takes the cut train_outcomes.py chose on the training part's
        early-stopping documents (recorded in training.json)."""
        self.trained = TrainedPart.load(path)
        tagger = self.trained.nlp.get_pipe(TAGGER_NAME)
        assert isinstance(tagger, Tagger)
        self.tagger = tagger
        self.labels = tuple(tagger.labels)
        # A tag depends on the tokens within window x depth of it (each encoder layer widens the
        # view by its window; the embedding reads each token alone).
        encoder = self.trained.nlp.config["components"][TAGGER_NAME]["model"]["tok2vec"]["encode"]
        self.receptive_field = int(encoder["window_size"]) * int(encoder["depth"])
        self.min_probability = (
            self.configured_min_probability
            if self.configured_min_probability is not None
            else float(self.trained.training["min_probability"])
        )
        return self

    def to_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> None:
        loaded(self.trained, "litwatch_outcomes").save(path)

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
        """Unlabelled span P/R/F of the group, as `spans_<group>_p/r/f` (`spacy evaluate --spans-key`)."""
        return Scorer.score_spans(
            examples,
            f"spans_{self.group}",
            getter=lambda doc, attr: doc.spans.get(self.group, []),
            has_annotation=lambda doc: self.group in doc.spans,
            labeled=False,
            allow_overlap=True,
        )

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def tagged_tail(self, doc: Doc) -> DocTail:
        """The part of `doc` the tagger must read: from its first results sentence, less the tokens
        that sentence's first tags see before it, to the end (results run to the end of the
        abstract). Title and methods of a structured abstract are skipped: the tags of the results
        are the same as when the whole doc is read, at a fraction of the cost."""
        sentences = results_sentences(doc, _abstract_start(doc))
        first = sentences[0][0] if sentences else len(doc)
        return DocTail(doc, max(0, first - self.receptive_field), len(doc))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Tag the results sentences of a whole batch of docs at once (one model call per batch)."""
        loaded(self.trained, "litwatch_outcomes")
        for batch in minibatch(docs, size=batch_size):
            logits = self.tagger.model.predict([self.tagged_tail(doc) for doc in batch]) if batch else []
            for doc, doc_logits in zip(batch, logits, strict=True):
                probabilities = softmax(np.asarray(doc_logits))
                outcomes = [
                    Span(doc, start, end, label=self.span_label)
                    for start, end in outcome_ranges(doc, probabilities, self.labels, self.min_probability)
                ]
                doc.spans[self.group] = outcomes
                yield doc


@Language.factory(
    "litwatch_outcomes",
    default_config={"span_label": "outcome", "group": "outcome", "min_probability": None},
)
def make_outcomes(
    nlp: Language, name: str, span_label: str, group: str, min_probability: float | None
) -> OutcomeSpans:
    return OutcomeSpans(span_label, group, min_probability)
