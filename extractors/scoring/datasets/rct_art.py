"""RCT-ART dev sentences (spaCy DocBin): outcome (OC) spans, and arm-level direction.

`oc_*`: our outcome spans against the gold OC entities (exact and overlap). `arm_direction`: for each
gold outcome with a measure linked to arm 1 (A1_RES) and one to arm 2 (A2_RES) whose numbers differ,
the gold direction is arm 1's number against arm 2's; we name the arms (gold INTV spans) and compare the
numbers nearest each mention (`extractors.findings.features.compare_arms`), as extraction does where a
sentence reports only per-arm results.
"""

from __future__ import annotations

import re
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, DocBin

from extractors.findings.features import CharSpan, compare_arms, finding_context
from extractors.findings.statistics import to_float
from extractors.scoring.common import limited, process_texts, spans_of
from extractors.scoring.datasets.outcome_spans import overlap_score
from extractors.scoring.metrics import Counts, DatasetScore, accuracy
from extractors.scoring.registry import ScoringScope, register_dataset

DEV_FILE = Path("rct_art/spacy_all_domains/dev.spacy")
RELATIONS_KEY = ("._.", "rel", None, None)
_FIRST_NUMBER = re.compile(r"[-−]?\d+(?:\.\d+)?")


def _linked(doc: Doc, head: int, label: str) -> list[int]:
    relations: dict[tuple[int, int], dict[str, float]] = doc.user_data.get(RELATIONS_KEY) or {}  # type: ignore[call-overload]
    return [child for (h, child), labels in relations.items() if h == head and labels.get(label)]


def gold_arm_directions(doc: Doc) -> list[tuple[CharSpan, CharSpan, CharSpan, str]]:
    """(outcome, arm 1, arm 2, "increase"|"decrease") for every outcome with comparable arm measures."""
    by_start = {ent.start: ent for ent in doc.ents}
    cases = []
    arms = [e for e in doc.ents if e.label_ == "INTV"]
    for outcome in (e for e in doc.ents if e.label_ == "OC"):
        measures = set(_linked(doc, outcome.start, "OC_RES"))
        values: dict[str, tuple[float, CharSpan]] = {}
        for arm in arms:
            for relation in ("A1_RES", "A2_RES"):
                for measure_start in set(_linked(doc, arm.start, relation)) & measures:
                    number = _FIRST_NUMBER.search(by_start[measure_start].text)
                    if number and relation not in values:
                        values[relation] = (to_float(number.group()), CharSpan(arm.start_char, arm.end_char))
        if len(values) == 2 and values["A1_RES"][0] != values["A2_RES"][0]:
            direction = "increase" if values["A1_RES"][0] > values["A2_RES"][0] else "decrease"
            cases.append(
                (
                    CharSpan(outcome.start_char, outcome.end_char),
                    values["A1_RES"][1],
                    values["A2_RES"][1],
                    direction,
                )
            )
    return cases


@register_dataset("rct_art", description="RCT-ART dev result sentences: outcome spans, arm-level direction")
def score(nlp: Language, scope: ScoringScope) -> DatasetScore:
    docs = list(DocBin().from_disk(scope.data_dir / DEV_FILE).get_docs(nlp.vocab))
    docs = limited(docs, scope.limit)
    exact = Counts()
    golds, predictions = [], []
    correct = total = answered = 0
    for doc, corpus_doc in zip(docs, process_texts(nlp, [d.text for d in docs]), strict=True):
        gold = sorted((e.start_char, e.end_char) for e in doc.ents if e.label_ == "OC")
        predicted = spans_of(corpus_doc, "outcome", "outcome")
        exact.add_sets(gold, predicted)
        golds.append(gold)
        predictions.append(predicted)
        for outcome, arm_1, arm_2, direction in gold_arm_directions(doc):
            context = finding_context(doc.text, outcome, arm_1, arm_2)
            predicted_direction = compare_arms(context.clause, context.stats, context.arms)
            total += 1
            answered += predicted_direction is not None
            correct += predicted_direction == direction
    oc_overlap = overlap_score(golds, predictions).model_copy(update={"field": "oc_overlap"})
    return DatasetScore(
        dataset="rct_art",
        description="RCT-ART, Whitton & Hunter 2023 (expert INTV/OC/MEAS entities and relations)",
        split=f"dev.spacy of the release ({len(docs)} sentences)",
        documents=len(docs),
        fields=[
            exact.score("oc_exact", "span", "same start and end"),
            oc_overlap,
            accuracy(
                "arm_direction",
                correct,
                total,
                f"gold arms given; {answered} of {total} answered (unanswered count as wrong)",
            ),
        ],
    )
