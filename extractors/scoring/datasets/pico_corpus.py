"""PICO Corpus (breast-cancer RCTs, brat): sample size per abstract, and age / condition tokens, on the
hash-chosen dev part (extractors.scoring.splits.is_dev on the PMID), or on request the training part.

Per-abstract gold sample size: the FIRST `total-participants` annotation (abstracts state the number
randomised/enrolled before analysed subsets); abstracts with no total but with arm counts use the sum of
the first `intervention-participants` and first `control-participants`. Abstracts with neither are not
scored. `sample_size_any_total` also accepts any annotated total (randomised vs analysed ambiguity).
"""

from __future__ import annotations

import re

from spacy.language import Language

from extractors.components.population import COUNT_DIGITS, DATA, PopulationLexicon
from extractors.scoring.common import (
    BratEntity,
    process_texts,
    read_brat,
    spans_of,
    whitespace_tokens,
)
from extractors.scoring.metrics import Counts, DatasetScore, FieldScore, accuracy, overlapping_tokens
from extractors.scoring.registry import ScoringScope, register_dataset
from extractors.scoring.splits import hash_split_label


def parse_count(text: str, lexicon: PopulationLexicon) -> int | None:
    match = re.search(COUNT_DIGITS, text)
    if match:
        return lexicon.parse_count(match.group(0))
    try:
        return lexicon.parse_count(text.strip().rstrip("."))
    except KeyError:
        return None


def gold_sample_size(entities: list[BratEntity], lexicon: PopulationLexicon) -> tuple[int | None, set[int]]:
    """(primary gold, every annotated total) for one abstract."""
    ordered = sorted(entities, key=lambda e: e.start)
    totals = [v for e in ordered if e.label == "total-participants" if (v := parse_count(e.text, lexicon))]
    if totals:
        return totals[0], set(totals)
    arms = []
    for label in ("intervention-participants", "control-participants"):
        first = next((e for e in ordered if e.label == label), None)
        value = parse_count(first.text, lexicon) if first else None
        if value is None:
            return None, set()
        arms.append(value)
    return sum(arms), {sum(arms)}


@register_dataset(
    "pico_corpus",
    description="PICO Corpus (breast cancer), hash dev split: sample size accuracy; age/condition token F1",
    splits=("dev", "train"),
)
def score(nlp: Language, scope: ScoringScope) -> DatasetScore:
    files = scope.split_files(scope.data_dir / "pico_corpus_breast_cancer" / "brat")
    lexicon = PopulationLexicon.load(DATA / "population.yaml")
    texts = [p.read_text(encoding="utf-8") for p in files]
    correct = correct_any = scored = 0
    token_counts = {"age": Counts(), "condition": Counts()}
    docs = process_texts(nlp, texts)
    for path, text, corpus_doc in zip(files, texts, docs, strict=True):
        entities = read_brat(path.with_suffix(".ann"))
        gold, totals = gold_sample_size(entities, lexicon)
        if gold is not None:
            scored += 1
            predicted = corpus_doc.doc._.sample_size
            correct += predicted == gold
            correct_any += predicted in totals
        tokens = whitespace_tokens(text)
        for label in token_counts:
            gold_tokens = overlapping_tokens(tokens, [(e.start, e.end) for e in entities if e.label == label])
            predicted_tokens = overlapping_tokens(tokens, spans_of(corpus_doc, "population", label))
            token_counts[label].add_sets(gold_tokens, predicted_tokens)
    fields: list[FieldScore] = [
        accuracy(
            "sample_size", correct, scored, "exact match with the first annotated total (or arms summed)"
        ),
        accuracy("sample_size_any_total", correct_any, scored, "exact match with any annotated total"),
        *(counts.score(label, "token") for label, counts in token_counts.items()),
    ]
    return DatasetScore(
        dataset="pico_corpus",
        description="PICO Corpus, Mutinda et al. 2022 (expert brat annotations)",
        split=hash_split_label(scope.split, len(files)),
        documents=len(files),
        fields=fields,
    )
