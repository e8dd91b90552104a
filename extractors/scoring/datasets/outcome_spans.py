"""Outcome span scores on the hash-chosen dev parts of EvidenceOutcomes and the PICO corpus (or, on
request, their training parts).

Span level, exact (same start and end) and overlap (a predicted span counts as correct when it overlaps
a gold span, a gold span as found when a predicted span overlaps it), and token level (whitespace
tokens inside gold vs predicted spans). Predicted spans are `doc.spans["outcome"]`.
"""

from __future__ import annotations

from spacy.language import Language

from extractors.scoring.common import process_texts, read_brat, spans_of, whitespace_tokens
from extractors.scoring.metrics import Counts, DatasetScore, FieldScore, PublishedFigure, overlapping_tokens
from extractors.scoring.registry import ScoringScope, register_dataset
from extractors.scoring.splits import hash_split_label
from extractors.training.outcome_corpus import BRAT_OUTCOME_LABELS, CORPUS_DIRS

Span = tuple[int, int]


def _overlaps(span: Span, others: list[Span]) -> bool:
    return any(start < span[1] and span[0] < end for start, end in others)


def overlap_score(gold: list[list[Span]], predicted: list[list[Span]]) -> FieldScore:
    """Span P/R/F1 where any overlap counts (precision over predicted spans, recall over gold spans)."""
    hit_predicted = sum(_overlaps(p, g) for g, ps in zip(gold, predicted, strict=True) for p in ps)
    hit_gold = sum(_overlaps(s, ps) for g, ps in zip(gold, predicted, strict=True) for s in g)
    n_predicted = sum(map(len, predicted))
    n_gold = sum(map(len, gold))
    precision = hit_predicted / n_predicted if n_predicted else 0.0
    recall = hit_gold / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return FieldScore(
        field="outcome_overlap",
        level="span",
        support=n_gold,
        true_positives=hit_gold,
        false_positives=n_predicted - hit_predicted,
        false_negatives=n_gold - hit_gold,
        precision=round(precision, 4),
        recall=round(recall, 4),
        f1=round(f1, 4),
        note="a span counts when it overlaps one on the other side",
    )


def score_outcome_spans(
    nlp: Language,
    scope: ScoringScope,
    corpus: str,
    dataset: str,
    description: str,
    published: list[PublishedFigure] | None = None,
) -> DatasetScore:
    """Exact, overlap and token scores of the outcome spans on one part of one BRAT corpus."""
    files = scope.split_files(scope.data_dir / CORPUS_DIRS[corpus])
    texts = [p.read_text(encoding="utf-8") for p in files]
    exact, tokens_counts = Counts(), Counts()
    golds: list[list[Span]] = []
    predictions: list[list[Span]] = []
    for path, text, corpus_doc in zip(files, texts, process_texts(nlp, texts), strict=True):
        gold = sorted(
            {
                (e.start, e.end)
                for e in read_brat(path.with_suffix(".ann"))
                if e.label == BRAT_OUTCOME_LABELS[corpus]
            }
        )
        predicted = spans_of(corpus_doc, "outcome", "outcome")
        exact.add_sets(gold, predicted)
        tokens = whitespace_tokens(text)
        tokens_counts.add_sets(overlapping_tokens(tokens, gold), overlapping_tokens(tokens, predicted))
        golds.append(gold)
        predictions.append(predicted)
    fields = [
        exact.score("outcome_exact", "span", "same start and end"),
        overlap_score(golds, predictions),
        tokens_counts.score("outcome_tokens", "token", "whitespace tokens inside spans"),
    ]
    return DatasetScore(
        dataset=dataset,
        description=description,
        split=f"{hash_split_label(scope.split, len(files))}; the model trains on the train part",
        documents=len(files),
        fields=fields,
        published=published or [],
    )


@register_dataset(
    "evidence_outcomes",
    description="EvidenceOutcomes (500 RCT abstracts), hash dev split: outcome spans",
    splits=("dev", "train"),
)
def score_evidence_outcomes(nlp: Language, scope: ScoringScope) -> DatasetScore:
    return score_outcome_spans(
        nlp,
        scope,
        "evidence_outcomes",
        dataset="evidence_outcomes",
        description="EvidenceOutcomes, Weng Lab 2023/2024 (expert Outcome spans in Results + Conclusions)",
        published=[
            PublishedFigure(
                field="outcome_tokens",
                metric="token F1",
                value=0.76,
                source="PubMedBERT, EvidenceOutcomes paper (their own split)",
            ),
            PublishedFigure(
                field="outcome_exact",
                metric="entity F1",
                value=0.69,
                source="PubMedBERT, EvidenceOutcomes paper (their own split)",
            ),
        ],
    )


@register_dataset(
    "pico_corpus_outcomes",
    description="PICO Corpus (breast cancer), hash dev split: outcome spans",
    splits=("dev", "train"),
)
def score_pico_outcomes(nlp: Language, scope: ScoringScope) -> DatasetScore:
    return score_outcome_spans(
        nlp,
        scope,
        "pico_corpus",
        dataset="pico_corpus_outcomes",
        description="PICO Corpus, Mutinda et al. 2022 (`outcome` spans)",
    )
