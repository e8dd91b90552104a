"""Outcome span corpora (EvidenceOutcomes, PICO corpus) read from brat, split by the project's dev split.

Neither corpus ships a split: `extractors.scoring.splits.is_dev` (a hash of the PMID) decides, the same
function every scorer uses, so dev documents are never trained on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from extractors.scoring.common import read_brat
from extractors.scoring.splits import is_dev

Split = Literal["train", "dev"]
# The brat label that names outcome spans in each corpus; other labels are ignored.
BRAT_OUTCOME_LABELS = {"evidence_outcomes": "Outcome", "pico_corpus": "outcome"}
CORPUS_DIRS = {
    "evidence_outcomes": Path("evidence_outcomes/consensus"),
    "pico_corpus": Path("pico_corpus_breast_cancer/brat"),
}


@dataclass(frozen=True)
class SpanDoc:
    """One annotated abstract: its text and gold outcome spans as character offsets."""

    corpus: str
    doc_id: str
    text: str
    spans: tuple[tuple[int, int], ...]


def is_early_stopping_doc(doc_id: str) -> bool:
    """A tenth of the train split, held out from gradient updates to pick the best checkpoint."""
    return int(hashlib.sha1(f"val:{doc_id}".encode()).hexdigest(), 16) % 10 == 0


def read_corpus(data_root: Path, corpus: str, split: Split | None = None) -> Iterator[SpanDoc]:
    """Documents of one corpus (all, or one split), in PMID order."""
    folder = data_root / CORPUS_DIRS[corpus]
    label = BRAT_OUTCOME_LABELS[corpus]
    for txt_path in sorted(folder.glob("*.txt")):
        doc_id = txt_path.stem
        if split is not None and is_dev(doc_id) != (split == "dev"):
            continue
        text = txt_path.read_text(encoding="utf-8")
        spans = {
            (e.start, e.end)
            for e in read_brat(txt_path.with_suffix(".ann"))
            if e.label == label and text[e.start : e.end].strip()
        }
        yield SpanDoc(corpus, doc_id, text, tuple(sorted(spans)))


def corpus_files(data_root: Path, corpus: str) -> list[Path]:
    """Every file a corpus is read from, for recording data hashes."""
    return sorted((data_root / CORPUS_DIRS[corpus]).glob("*.*"))
