"""EvidenceMap (General, 209 RCT abstracts, expert brat): participant counts. No corpus split exists and
nothing here is trained on it, so all abstracts are dev.

Count spans annotate the numbers of participants (totals, arms and outcome-level denominators). Per
abstract with at least one Count, the gold sample size is the LARGEST annotated count; the prediction is
also reported against "any annotated count". Token-level P/R/F1 compares our sample_size spans with the
Count spans (whitespace tokens of the pre-tokenised text).
"""

from __future__ import annotations

import re

from spacy.language import Language

from extractors.scoring.common import limited, process_texts, read_brat, spans_of, whitespace_tokens
from extractors.scoring.metrics import Counts, DatasetScore, accuracy, overlapping_tokens
from extractors.scoring.registry import ScoringScope, register_dataset

NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")


@register_dataset(
    "evidencemap_counts",
    description="EvidenceMap General: sample size vs largest Count per abstract; Count token F1",
)
def score(nlp: Language, scope: ScoringScope) -> DatasetScore:
    root = scope.data_dir / "evidencemap_rct" / "General"
    files = sorted(root.glob("*.txt"))
    files = limited(files, scope.limit)
    texts = [p.read_text(encoding="utf-8") for p in files]
    scored = correct = correct_any = 0
    tokens_counts = Counts()
    for path, text, corpus_doc in zip(files, texts, process_texts(nlp, texts), strict=True):
        counts = [e for e in read_brat(path.with_suffix(".ann")) if e.label == "Count"]
        values = {int(m.group(0).replace(",", "")) for e in counts for m in NUMBER.finditer(e.text)}
        if values:
            scored += 1
            predicted = corpus_doc.doc._.sample_size
            correct += predicted == max(values)
            correct_any += predicted in values
        tokens = whitespace_tokens(text)
        gold_tokens = overlapping_tokens(tokens, [(e.start, e.end) for e in counts])
        number_tokens = {i for i in gold_tokens if NUMBER.search(text[tokens[i][0] : tokens[i][1]])}
        tokens_counts.add_sets(
            number_tokens, overlapping_tokens(tokens, spans_of(corpus_doc, "population", "sample_size"))
        )
    return DatasetScore(
        dataset="evidencemap_counts",
        description="EvidenceMap General (Kang et al. 2023), expert Count annotations",
        split=f"all {len(files)} abstracts (no training use)",
        documents=len(files),
        fields=[
            accuracy("sample_size", correct, scored, "exact match with the largest annotated Count"),
            accuracy("sample_size_any_count", correct_any, scored, "exact match with any annotated Count"),
            tokens_counts.score("count_numbers", "token", "numeric tokens of Count spans"),
        ],
    )
