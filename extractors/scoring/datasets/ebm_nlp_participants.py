"""EBM-NLP participant sub-labels (age, sex, sample size, condition), crowd labels of the 788 documents
in `hierarchical_participants/participants_dev.conll`, scored token by token.

The CoNLL tokens are aligned to the raw text in `documents/ebm_nlp_documents.jsonl`; a token counts as
predicted with a label when any predicted span of that label overlaps it. Tokens that cannot be aligned
(PTB quote conversions) are left out of both gold and prediction.
"""

from __future__ import annotations

import json
from pathlib import Path

from spacy.language import Language

from extractors.scoring.common import align_tokens, limited, process_texts, spans_of
from extractors.scoring.metrics import Counts, DatasetScore, PublishedFigure, overlapping_tokens
from extractors.scoring.registry import ScoringScope, register_dataset

LABELS = {"1_p": "age", "2_p": "sex", "3_p": "sample_size", "4_p": "condition"}


def read_conll(path: Path) -> list[tuple[str, list[str], list[str]]]:
    """(pmid, tokens, labels) per document."""
    documents: list[tuple[str, list[str], list[str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "-DOCSTART-":
            documents.append((parts[-1], [], []))
        elif documents and len(parts) >= 3:
            documents[-1][1].append(parts[0])
            documents[-1][2].append(parts[-1])
    return documents


@register_dataset(
    "ebm_nlp_participants",
    description="EBM-NLP participant sub-labels (crowd), participants_dev.conll; token-level P/R/F1",
)
def score(nlp: Language, scope: ScoringScope) -> DatasetScore:
    root = scope.data_dir / "ebm_nlp"
    texts = {}
    with (root / "documents" / "ebm_nlp_documents.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            texts[record["pmid"]] = record["text"]
    documents = [
        d for d in read_conll(root / "hierarchical_participants" / "participants_dev.conll") if d[0] in texts
    ]
    documents = limited(documents, scope.limit)
    counts = {label: Counts() for label in LABELS.values()}
    processed = process_texts(nlp, (texts[pmid] for pmid, _, _ in documents))
    for (pmid, tokens, labels), corpus_doc in zip(documents, processed, strict=True):
        aligned = align_tokens(texts[pmid], tokens)
        kept = [i for i, bounds in enumerate(aligned) if bounds is not None]
        ranges = [aligned[i] for i in kept]
        for code, label in LABELS.items():
            gold = {k for k, i in enumerate(kept) if labels[i] == code}
            predicted = overlapping_tokens(ranges, spans_of(corpus_doc, "population", label))  # type: ignore[arg-type]
            counts[label].add_sets(gold, predicted)
    return DatasetScore(
        dataset="ebm_nlp_participants",
        description="EBM-NLP hierarchical participant labels (crowd-annotated), dev file",
        split="hierarchical_participants/participants_dev.conll (788 docs)",
        documents=len(documents),
        fields=[counts[label].score(label, "token") for label in LABELS.values()],
        published=[
            PublishedFigure(
                field="participants (coarse P spans, all P/I/O macro)",
                metric="token F1",
                value=0.7228,
                source="SciBERT on EBM-NLP PICO, Beltagy et al. 2019 (expert test set)",
            ),
            PublishedFigure(
                field="participants (coarse P spans, all P/I/O macro)",
                metric="token F1",
                value=0.7338,
                source="PubMedBERT, BLURB EBM PICO, Gu et al. 2021 (expert test set)",
            ),
        ],
    )
