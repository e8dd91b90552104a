"""Score models shared by every dataset, and the counting helpers (token-, span- and document-level)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, Field

Level = Literal["token", "span", "document"]


class FieldScore(BaseModel):
    """One field's score; P/R/F1 for token and span levels, accuracy for document-level fields."""

    field: str
    level: Level
    support: int
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    accuracy: float | None = None
    note: str | None = None


class PublishedFigure(BaseModel):
    """A figure reported in the literature for the same data and field, to print beside ours."""

    field: str
    metric: str
    value: float
    source: str


class DatasetScore(BaseModel):
    dataset: str
    description: str
    split: str
    documents: int
    fields: list[FieldScore]
    published: list[PublishedFigure] = Field(default_factory=list)
    extractor_version: str = ""


class Counts:
    """True/false positive and false negative counts for one field."""

    def __init__(self) -> None:
        self.tp = 0
        self.fp = 0
        self.fn = 0

    def add_sets(self, gold: Iterable[object], predicted: Iterable[object]) -> None:
        gold_set, predicted_set = set(gold), set(predicted)
        self.tp += len(gold_set & predicted_set)
        self.fp += len(predicted_set - gold_set)
        self.fn += len(gold_set - predicted_set)

    def score(self, field: str, level: Level, note: str | None = None) -> FieldScore:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return FieldScore(
            field=field,
            level=level,
            support=self.tp + self.fn,
            true_positives=self.tp,
            false_positives=self.fp,
            false_negatives=self.fn,
            precision=round(precision, 4),
            recall=round(recall, 4),
            f1=round(f1, 4),
            note=note,
        )


def accuracy(field: str, correct: int, total: int, note: str | None = None) -> FieldScore:
    return FieldScore(
        field=field,
        level="document",
        support=total,
        true_positives=correct,
        accuracy=round(correct / total, 4) if total else None,
        note=note,
    )


def overlapping_tokens(tokens: list[tuple[int, int]], spans: Iterable[tuple[int, int]]) -> set[int]:
    """Indices of tokens (char ranges) that overlap any span."""
    spans = sorted(spans)
    return {i for i, (start, end) in enumerate(tokens) if any(s < end and start < e for s, e in spans)}
