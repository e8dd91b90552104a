"""Dose amount+unit spans on the hand-checked dev set `extractors/scoring/data/dose_dev.jsonl` (160 short
Evidence Inference intervention/comparator strings of validation articles; see build_dose_dev.py).

Span-level, exact match of (start, end) of "amount + unit" (ranges are one span: "10–600 mg"; the
"per" part, e.g. "/kg", is not in the span). Also reported: the same with overlap matching, and the
accuracy of the parsed amount and canonical unit on exactly matched spans.
"""

from __future__ import annotations

import json
from pathlib import Path

from spacy.language import Language

from extractors.scoring.common import limited, process_texts, spans_of
from extractors.scoring.metrics import Counts, DatasetScore, accuracy
from extractors.scoring.registry import ScoringScope, register_dataset

DEV_FILE = Path(__file__).parents[1] / "data" / "dose_dev.jsonl"


@register_dataset(
    "dose_interventions",
    description="Dose amount+unit spans in 160 hand-checked Evidence Inference intervention strings",
)
def score(nlp: Language, scope: ScoringScope) -> DatasetScore:
    rows = [json.loads(line) for line in DEV_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = limited(rows, scope.limit)
    exact, overlap = Counts(), Counts()
    parsed_ok = matched = 0
    for row, corpus_doc in zip(rows, process_texts(nlp, (r["text"] for r in rows)), strict=True):
        gold = {(s, e) for s, e in row["amounts"]}
        predicted = set(spans_of(corpus_doc, "dose", "amount"))
        exact.add_sets(gold, predicted)
        overlap.tp += sum(any(ps < ge and gs < pe for ps, pe in predicted) for gs, ge in gold)
        overlap.fn += sum(not any(ps < ge and gs < pe for ps, pe in predicted) for gs, ge in gold)
        overlap.fp += sum(not any(ps < ge and gs < pe for gs, ge in gold) for ps, pe in predicted)
        for span in corpus_doc.doc.spans.get("dose", []):
            start = span.start_char - corpus_doc.offset
            if span.label_ != "amount" or (start, span.end_char - corpus_doc.offset) not in gold:
                continue
            matched += 1
            attrs = span._.dose
            text = row["text"][start : span.end_char - corpus_doc.offset]
            parsed_ok += (
                attrs is not None
                and attrs.unit is not None
                and _number_text(attrs.amount_low) in text.replace(",", "")
            )
    return DatasetScore(
        dataset="dose_interventions",
        description="Evidence Inference 2.0 intervention strings (validation articles), hand-checked",
        split=f"extractors/scoring/data/dose_dev.jsonl ({len(rows)} strings)",
        documents=len(rows),
        fields=[
            exact.score("amount+unit", "span", "exact (start, end)"),
            overlap.score("amount+unit (overlap)", "span", "any character overlap"),
            accuracy("amount parsed", parsed_ok, matched, "low amount and unit parsed on exact matches"),
        ],
    )


def _number_text(value: float | None) -> str:
    if value is None:
        return "\0"
    return str(int(value)) if value == int(value) else str(value).lstrip("0") if value < 1 else str(value)
