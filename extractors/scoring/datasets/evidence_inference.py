"""Evidence Inference 2.0 validation prompts: given (intervention, comparator, outcome) and the abstract,
predict significantly increased / significantly decreased / no significant difference.

Scored per prompt (label = majority of its valid annotations) on the release's validation article ids:
`abstract` = prompts whose annotated evidence lies in the abstract (answerable from it), `all` = every
labelled validation prompt (many are answered only in the full text, which we do not read). Macro-F1
over the three classes, accuracy, and significance accuracy (significant vs not).
"""

from __future__ import annotations

from spacy.language import Language

from extractors.findings.classifier import DECREASED, INCREASED, NO_DIFFERENCE
from extractors.findings.prompts import ComparisonPrompt, answer_prompts
from extractors.scoring.common import limited
from extractors.scoring.metrics import DatasetScore, FieldScore, PublishedFigure, accuracy
from extractors.scoring.registry import ScoringScope, register_dataset
from extractors.training.evidence_inference_data import EvidencePrompt, load_prompts

SENTENCE_COMPONENT = "litwatch_sentences"


def macro_f1(field: str, gold: list[str], predicted: list[str]) -> FieldScore:
    f1s = []
    for label in (INCREASED, DECREASED, NO_DIFFERENCE):
        tp = sum(g == label == p for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, predicted, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return FieldScore(
        field=field,
        level="document",
        support=len(gold),
        f1=round(sum(f1s) / len(f1s), 4),
        note="macro-F1 over increased / decreased / no difference",
    )


def _sentences(nlp: Language, prompts: list[EvidencePrompt]) -> list[list[str]]:
    abstracts = {p.pmcid: p.abstract for p in prompts}
    with nlp.select_pipes(enable=[SENTENCE_COMPONENT]):
        split = {
            pmcid: [s.text for s in doc.sents]
            for pmcid, doc in zip(abstracts, nlp.pipe(abstracts.values()), strict=True)
        }
    return [split[p.pmcid] for p in prompts]


def prompt_fields(name: str, gold: list[str], predicted: list[str]) -> list[FieldScore]:
    """Direction macro-F1, direction accuracy and significance accuracy of one group of prompts."""
    correct = sum(g == p for g, p in zip(gold, predicted, strict=True))
    same_significance = sum(
        (g == NO_DIFFERENCE) == (p == NO_DIFFERENCE) for g, p in zip(gold, predicted, strict=True)
    )
    return [
        macro_f1(f"direction_macro_f1_{name}", gold, predicted),
        accuracy(f"direction_accuracy_{name}", correct, len(gold)),
        accuracy(f"significance_accuracy_{name}", same_significance, len(gold), "significant vs not"),
    ]


def scored_prompts(prompts: list[EvidencePrompt], predicted: list[str]) -> list[FieldScore]:
    """The fields of the prompts answerable from the abstract (`_abstract`), then of all (`_all`)."""
    answerable = [i for i, p in enumerate(prompts) if p.abstract_answerable]
    gold: list[str] = [p.label for p in prompts]
    return [
        *prompt_fields("abstract", [gold[i] for i in answerable], [predicted[i] for i in answerable]),
        *prompt_fields("all", gold, predicted),
    ]


@register_dataset(
    "evidence_inference", description="Evidence Inference 2.0 validation prompts: direction/significance"
)
def score(nlp: Language, scope: ScoringScope) -> DatasetScore:
    prompts = load_prompts(scope.data_dir, "validation")
    prompts = limited(prompts, scope.limit)
    findings = answer_prompts(
        _sentences(nlp, prompts), [ComparisonPrompt(p.intervention, p.comparator, p.outcome) for p in prompts]
    )
    fields = scored_prompts(prompts, [f.label for f in findings])
    answerable = [p for p in prompts if p.abstract_answerable]
    return DatasetScore(
        dataset="evidence_inference",
        description="Evidence Inference 2.0, DeYoung et al. 2020 (prompts with v2 annotations)",
        split=f"validation article ids of the release ({len(prompts)} labelled prompts, "
        f"{len(answerable)} with evidence in the abstract)",
        documents=len(prompts),
        fields=fields,
        published=[
            PublishedFigure(
                field="direction_macro_f1_all",
                metric="macro-F1",
                value=0.78,
                source="BioMed RoBERTa pipeline on full texts, Evidence Inference 2.0 paper",
            )
        ],
    )
