"""Outcome span corpora (EvidenceOutcomes, PICO corpus) read from brat, split deterministically by PMID.

Neither corpus ships a split, so each PMID goes to `dev` when its SHA-1 hash falls in the last fifth;
training, early stopping and scoring all use the same function, so dev documents are never trained on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Split = Literal["train", "dev"]
OUTCOME_LABEL = "OUTCOME"
# The brat label that names outcome spans in each corpus; other labels are ignored.
BRAT_OUTCOME_LABELS = {"evidence_outcomes": "Outcome", "pico_corpus": "outcome"}
CORPUS_DIRS = {
    "evidence_outcomes": Path("evidence_outcomes/consensus"),
    "pico_corpus": Path("pico_corpus_breast_cancer/brat"),
}


@dataclass(frozen=True)
class SpanDoc:
    """One annotated abstract: its text and gold outcome spans as character offsets."""

    doc_id: str
    text: str
    spans: tuple[tuple[int, int], ...]


def split_of(doc_id: str) -> Split:
    """80/20 split by PMID hash: stable across machines, runs and corpus versions."""
    bucket = int(hashlib.sha1(doc_id.encode()).hexdigest(), 16) % 5
    return "dev" if bucket == 0 else "train"


def is_early_stopping_doc(doc_id: str) -> bool:
    """A tenth of the train split, held out from gradient updates to pick the best checkpoint."""
    return int(hashlib.sha1(f"val:{doc_id}".encode()).hexdigest(), 16) % 10 == 0


def _brat_spans(ann_path: Path, label: str, text: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    for line in ann_path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if not line.startswith("T") or len(parts) < 3:
            continue
        fields = parts[1].split()
        # Discontinuous brat spans ("0 5;9 12") are rare here; their outer extent is kept.
        if fields[0] != label:
            continue
        offsets = " ".join(fields[1:]).replace(";", " ").split()
        start, end = int(offsets[0]), int(offsets[-1])
        if text[start:end].strip():
            spans.append((start, end))
    return tuple(sorted(set(spans)))


def read_corpus(data_root: Path, corpus: str, split: Split | None = None) -> Iterator[SpanDoc]:
    """Documents of one corpus (all, or one split), in PMID order."""
    folder = data_root / CORPUS_DIRS[corpus]
    for txt_path in sorted(folder.glob("*.txt")):
        doc_id = txt_path.stem
        if split is not None and split_of(doc_id) != split:
            continue
        text = txt_path.read_text(encoding="utf-8")
        yield SpanDoc(doc_id, text, _brat_spans(txt_path.with_suffix(".ann"), BRAT_OUTCOME_LABELS[corpus], text))


def corpus_files(data_root: Path, corpus: str) -> list[Path]:
    """Every file a corpus is read from, for recording data hashes."""
    return sorted((data_root / CORPUS_DIRS[corpus]).glob("*.*"))
